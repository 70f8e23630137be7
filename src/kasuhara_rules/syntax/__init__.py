"""Stage 1, syntax: grammar and LALR tables, parser, AST nodes, syntax errors, the printer."""
