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

    repo = Path(__file__).resolve().parents[2] / "grammar" / "kasu.lark"
    assert grammar.grammar_text() == repo.read_text(encoding="utf-8")


def test_shipped_tables_are_generated_from_the_grammar():
    """syntax/tables.json is exactly what tools/gen_tables.py makes from grammar/kasu.lark now
    (regenerate it after editing the grammar: `python tools/gen_tables.py`)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    made = subprocess.run([sys.executable, str(root / "tools" / "gen_tables.py"), "--stdout"],
                          capture_output=True, text=True, check=True, encoding="utf-8").stdout
    shipped = (root / "src" / "kasuhara_rules" / "syntax" / grammar.TABLES_NAME).read_text(encoding="utf-8")
    assert made == shipped


def test_tables_that_do_not_match_the_grammar_are_rebuilt_in_memory(monkeypatch):
    """Tables stamped with another grammar's digest are never used: they are rebuilt, in memory."""
    from kasuhara_rules.syntax import lalr

    text = (Path(__file__).resolve().parents[2] / "examples" / "acme-retail.kasu").read_text(encoding="utf-8")
    good = grammar.tables()
    stale = dict(grammar.shipped_tables(), grammar_sha256="0" * 64, states=[])
    monkeypatch.setattr(grammar, "shipped_tables", lambda: stale)
    grammar.tables.cache_clear()
    try:
        rebuilt = grammar.tables()
        assert rebuilt is not good and rebuilt.states
        assert repr(lalr.parse(text, rebuilt)) == repr(lalr.parse(text, good))
    finally:
        grammar.tables.cache_clear()


def test_nothing_is_cached_on_the_users_disk(tmp_path):
    """Parsing, and explaining a syntax error, write nothing to the home or cache directory
    (a fresh process, so that the tables and Lark's parser are really built)."""
    import subprocess
    import sys

    import kasuhara_rules

    home = tmp_path / "home"
    home.mkdir()
    env = {"PYTHONPATH": str(Path(kasuhara_rules.__file__).resolve().parents[1]), "HOME": str(home),
           "XDG_CACHE_HOME": str(home / ".cache"), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    good = 'policy "t" { id t version "1" otherwise c }\noutcomes { c }\n'
    script = ("import sys; from kasuhara_rules import check_text; "
              "print(check_text(sys.argv[1]).ok, check_text(sys.argv[1] + 'rule r { when then }').ok)")
    out = subprocess.run([sys.executable, "-c", script, good], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert out.stdout == "True False\n", out.stderr
    assert list(home.iterdir()) == []
