"""Tests for grammar.py: the grammar loads once and names its reserved words."""
from kasuhara_rules import grammar


def test_parser_is_built_once():
    """The LALR parser is cached: two calls give the same object."""
    assert grammar.parser() is grammar.parser()


def test_grammar_is_lalr():
    """The grammar is LALR with the basic lexer, as the docs promise."""
    assert grammar.parser().options.parser == "lalr"
    assert grammar.parser().options.lexer == "basic"


def test_keywords_are_reserved_words():
    """Structural words are keywords; type and setting names are not."""
    kws = grammar.keywords()
    for word in ("rule", "when", "then", "and", "contains", "where", "schema", "optional", "key"):
        assert word in kws
    for word in ("text", "int", "id", "version", "highest_severity", "count", "min"):
        assert word not in kws


def test_describe_terminal_in_language_words():
    """Terminal names are described as users write them."""
    assert grammar.describe_terminal("THEN") == "`then`"
    assert grammar.describe_terminal("NAME") == "a name"
    assert grammar.describe_terminal("$END") == "the end of the file"


def test_grammar_text_comes_from_the_single_file():
    """The grammar text read at run time is grammar/kasu.lark."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1] / "grammar" / "kasu.lark"
    assert grammar.grammar_text() == repo.read_text(encoding="utf-8")
