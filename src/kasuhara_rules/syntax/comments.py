"""The comments of a policy text: where each `#` comment is, and whether it has a line to itself."""
from __future__ import annotations

import attrs

from . import grammar, lalr


@attrs.frozen
class Comment:
    line: int
    column: int
    text: str        # including the leading `#`, without trailing spaces
    own_line: bool   # nothing but whitespace before it on its line
    # where the code it follows ends: the end (line, column) of the last token before it, passing
    # over commas and closing parentheses (a parenthesised expression's span leaves its
    # parentheses out); (0, 0) when nothing comes before it
    after: tuple[int, int] = (0, 0)


def scan_comments(text: str) -> list[Comment]:
    """Every comment, in order: the COMMENT tokens of the parser's own lexer (so they are
    exactly the comments the parser skips). The text must lex (the formatter formats only
    texts that parse).

    >>> [c.text for c in scan_comments('a # one\\n"#not" # two\\n  # three')]
    ['# one', '# two', '# three']
    >>> [c.after for c in scan_comments('f(a), # one\\n# two')]
    [(1, 4), (1, 4)]
    """
    tables = grammar.tables()
    assert tables is not None, "the parse tables are shipped with the package"
    lines = text.split("\n")
    out = []
    after = (0, 0)
    for tok in lalr._tokens(text, tables, keep=frozenset({"COMMENT"})):
        if tok.type == "COMMENT":
            before = lines[tok.line - 1][: tok.column - 1]
            out.append(Comment(tok.line, tok.column, str(tok).rstrip(), not before.strip(), after))
        elif str(tok) not in (",", ")"):
            after = (tok.end_line, tok.end_column)
    return out
