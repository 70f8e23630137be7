"""Tests for formatter.py and `kasu fmt`: layout, comments kept, idempotent, meaning unchanged."""
import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import load_policy
from kasuhara_rules.reading.files import read_path
from kasuhara_rules.cli.commands import main
from kasuhara_rules.render.formatter import FormatError, format_text
from kasuhara_rules.syntax.parser import parse_source
from kasuhara_rules.source import SourceText
from kasuhara_rules.render.formatter import format_tree as unparse_policy
from tests import strategies as S
from tests.conftest import budget, GOLDEN, ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.kasu"))


def ast(text: str):
    tree, diags = parse_source(SourceText.from_text("f.kasu", text))
    assert tree is not None and not [d for d in diags if d.is_error], diags
    return tree


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_formatted(path):
    """Every shipped policy is already in the canonical layout (the golden files of the formatter)."""
    text = path.read_text(encoding="utf-8")
    assert format_text(text, path.name) == text


def test_messy_golden(golden):
    """A hurriedly written policy formats to the golden layout, idempotently."""
    text = (GOLDEN / "fmt" / "messy.kasu").read_text(encoding="utf-8")
    out = format_text(text)
    golden("fmt/messy.formatted.kasu", out)
    assert format_text(out) == out
    assert ast(out) == ast(text)


def test_layout_of_a_rule():
    """Clause words are padded so that values line up; long conditions break before `and`."""
    long = " and ".join(f"field_{i} >= {i}" for i in range(12))
    out = format_text(f'rule r "t" {{ when {long} then k severity high respond "x" escalate e }}')
    lines = out.splitlines()
    assert lines[0] == 'rule r "t" {'
    assert lines[1] == "  when     field_0 >= 0"
    assert lines[2] == "           and field_1 >= 1"
    assert "  then     k severity high" in lines and "  escalate e" in lines


@pytest.mark.parametrize("source,expected", [
    ("# top\n\npolicy \"t\" { id a }\n", "# top\n\npolicy \"t\" {\n  id        a\n}\n"),
    ('rule r { # head\n when a # why\n then k }\n', 'rule r {  # head\n  when     a  # why\n  then     k\n}\n'),
    ('rule r {\n when a\n # before then\n then k\n # last\n}\n',
     'rule r {\n  when     a\n  # before then\n  then     k\n  # last\n}\n'),
    ('schema { a: int # the a\n # b next\n b: text }\n',
     'schema {\n  a: int  # the a\n  # b next\n  b: text\n}\n'),
    ('define d = a # first\n  and b\n', 'define d = a and b  # first\n'),
    ('example "e" { given { a: 1, # one\n b: 2 } expect k }\n',
     'example "e" {\n  given {\n    a: 1,  # one\n    b: 2\n  }\n  expect k\n}\n'),
    ("outcomes { a }\n# trailing file comment\n", "outcomes { a }\n\n# trailing file comment\n"),
])
def test_comments_stay_where_they_belong(source, expected):
    """Own-line comments stay before their item, trailing comments at the end of its line."""
    assert format_text(source) == expected


def test_unparseable_input_is_a_format_error():
    """Text that does not parse cannot be formatted: FormatError with diagnostics."""
    with pytest.raises(FormatError) as info:
        format_text("rule r { when then }")
    assert info.value.diagnostics[0].code.startswith("E1")


def with_comments(text: str, data) -> tuple[str, list[str]]:
    """Insert uniquely numbered own-line and trailing comments at random places."""
    lines = text.splitlines()
    out, comments = [], []
    for line in lines:
        if data.draw(st.integers(0, 4)) == 0:
            c = f"# c{len(comments)} コメント"
            comments.append(c)
            out.append(c)
        if line.strip() and data.draw(st.integers(0, 4)) == 0:
            c = f"# c{len(comments)} 末尾"
            comments.append(c)
            line = line + "  " + c
        out.append(line)
    return "\n".join(out) + "\n", comments


@settings(max_examples=budget(80))
@given(S.policy_files(), st.data())
def test_format_round_trip_keeps_meaning_and_every_comment(tree, data):
    """parse(fmt(p)) == p, fmt(fmt(s)) == fmt(s), and every comment survives in order."""
    text, comments = with_comments(unparse_policy(tree), data)
    out = format_text(text)
    assert ast(out) == tree
    assert format_text(out) == out
    positions = [out.index(c) for c in comments]
    assert positions == sorted(positions)


def test_formatting_never_changes_decisions(tmp_path):
    """Decisions on the shipped incidents are identical before and after formatting a messy copy."""
    original = (ROOT / "examples" / "mhlw-baseline.kasu").read_text(encoding="utf-8")
    messy = original.replace("\n  ", "\n").replace(", ", ",")
    import shutil

    shutil.copytree(ROOT / "examples" / "lexicon", tmp_path / "lexicon")  # the phrase files it names
    (tmp_path / "messy.kasu").write_text(messy, encoding="utf-8")
    (tmp_path / "formatted.kasu").write_text(format_text(messy), encoding="utf-8")
    a, b = load_policy(tmp_path / "messy.kasu"), load_policy(tmp_path / "formatted.kasu")
    for line, record in read_path(str(ROOT / "examples" / "retail-incidents.jsonl"), a.checked.fields):
        da, db = a.evaluate_numbered(record, line).to_dict(), b.evaluate_numbered(record, line).to_dict()
        da.pop("policy", None), db.pop("policy", None)
        assert json.dumps(da, ensure_ascii=False) == json.dumps(db, ensure_ascii=False)


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    try:
        return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()
    finally:
        sys.stdin = old


def test_cli_in_place_check_and_diff(tmp_path):
    """fmt rewrites in place; --check exits 1 and writes nothing; --diff prints a diff."""
    f = tmp_path / "p.kasu"
    f.write_text("outcomes{a}\n", encoding="utf-8")
    assert run("fmt", "--check", str(f))[0] == 1 and f.read_text(encoding="utf-8") == "outcomes{a}\n"
    code, out, _ = run("fmt", "--diff", str(f))
    assert code == 0 and "-outcomes{a}" in out and "+outcomes { a }" in out
    assert run("fmt", str(f))[0] == 0 and f.read_text(encoding="utf-8") == "outcomes { a }\n"
    assert run("fmt", "--check", str(f))[0] == 0


def test_cli_stdin_to_stdout():
    """`kasu fmt -` formats standard input to standard output."""
    code, out, _ = run("fmt", "-", stdin="outcomes{a}")
    assert code == 0 and out == "outcomes { a }\n"


def test_cli_reports_unparseable_files(tmp_path):
    """A file that does not parse is reported with its diagnostic and left alone; exit 1."""
    f = tmp_path / "bad.kasu"
    f.write_text("rule r {", encoding="utf-8")
    code, _, err = run("fmt", str(f))
    assert code == 1 and "E128" in err and f.read_text(encoding="utf-8") == "rule r {"
