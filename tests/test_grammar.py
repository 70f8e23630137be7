"""Tests for grammar.py: the grammar loads once and names its reserved words."""
from pathlib import Path

from kasuhara_rules.syntax import grammar


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


def test_parser_cache_is_written_then_loaded(tmp_path):
    """The built parser is saved in the cache directory and loaded from there the next time."""
    built = grammar.build_parser(tmp_path)
    saved = list(tmp_path.glob("parser-*.lark"))
    assert len(saved) == 1 and saved[0].stat().st_size > 1000
    assert not list(tmp_path.glob(".parser-*"))  # no temporary file left behind
    loaded = grammar.build_parser(tmp_path)
    assert loaded is not built
    assert sorted(t.name for t in loaded.terminals) == sorted(t.name for t in built.terminals)
    text = (Path(__file__).resolve().parents[1] / "examples" / "acme-retail.kasu").read_text(encoding="utf-8")
    assert loaded.parse(text) == built.parse(text)


def test_corrupt_parser_cache_is_rebuilt(tmp_path):
    """A truncated or foreign cache file is ignored and replaced by a good one."""
    grammar.build_parser(tmp_path)
    (saved,) = tmp_path.glob("parser-*.lark")
    good = saved.read_bytes()
    for junk in (b"", b"not a pickle", good[: len(good) // 2]):
        saved.write_bytes(junk)
        again = grammar.build_parser(tmp_path)
        assert again.options.parser == "lalr"
        assert len(saved.read_bytes()) > 1000  # a good file written back
        grammar.build_parser(tmp_path)  # and it loads


def test_parser_cache_unwritable_or_disabled(tmp_path, monkeypatch):
    """A cache directory that cannot be created is no error; KASU_NO_PARSER_CACHE=1 disables it."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert grammar.build_parser(blocker / "sub").options.parser == "lalr"
    assert grammar.build_parser(None).options.parser == "lalr"
    monkeypatch.setenv("KASU_NO_PARSER_CACHE", "1")
    assert grammar.cache_dir() is None
    monkeypatch.delenv("KASU_NO_PARSER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert grammar.cache_dir() == tmp_path / "kasuhara-rules"


def test_parser_cache_writable_by_others_is_not_loaded(tmp_path, monkeypatch):
    """Lark's saved parser is a pickle: a cache file others may write is rebuilt, never loaded."""
    import os

    grammar.build_parser(tmp_path)
    (saved,) = tmp_path.glob("parser-*.lark")
    loads = []
    import lark

    monkeypatch.setattr(lark.Lark, "load", classmethod(lambda cls, f: loads.append(f) or 1 / 0))
    os.chmod(saved, 0o666)
    assert grammar.build_parser(tmp_path).options.parser == "lalr" and loads == []
    os.chmod(saved, 0o600)
    grammar.build_parser(tmp_path)
    assert len(loads) == 1  # a private file is loaded (here: the stub fails, so it is rebuilt)
