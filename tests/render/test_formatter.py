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
from kasuhara_rules.syntax import grammar, lalr
from kasuhara_rules.syntax.comments import scan_comments
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


def formats_to_its_golden(name, golden):
    """tests/golden/fmt/NAME.kasu formats to NAME.formatted.kasu, idempotently and with the same meaning."""
    text = (GOLDEN / "fmt" / f"{name}.kasu").read_text(encoding="utf-8")
    out = format_text(text)
    golden(f"fmt/{name}.formatted.kasu", out)
    assert format_text(out) == out
    assert ast(out) == ast(text)


def test_messy_golden(golden):
    """A hurriedly written policy formats to the golden layout, idempotently."""
    formats_to_its_golden("messy", golden)


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
    ('define d = a # first\n  and b\n', 'define d =\n  a  # first\n  and b\n'),
    ('schema { a "あ": int, b: optional text # after b\n}\n',
     'schema {\n  a "あ": int\n  b:      optional text  # after b\n}\n'),
    ('outcomes { claim, kasuhara # inline kas\n}\n', 'outcomes {\n  claim\n  kasuhara  # inline kas\n}\n'),
    ('rule r { then k respond "x" # why\n}\n', 'rule r {\n  then     k\n  respond  "x"  # why\n}\n'),
    ('rule r { when (a or b) # c\n and d then k }\n',
     'rule r {\n  when     (a or b)  # c\n           and d\n  then     k\n}\n'),
    ('phrases p = ["a", "b", # after b\n "c"]\n', 'phrases p = [\n  "a", "b",  # after b\n  "c",\n]\n'),
    ('define d = a and count(xs # c\n where y) > 2\n', 'define d = a and count(xs where y) > 2  # c\n'),
    ('example "e" { given { a: 1, # one\n b: 2 } expect k }\n',
     'example "e" {\n  given {\n    a: 1,  # one\n    b: 2\n  }\n  expect k\n}\n'),
    ("outcomes { a }\n# trailing file comment\n", "outcomes { a }\n\n# trailing file comment\n"),
])
def test_comments_stay_where_they_belong(source, expected):
    """Own-line comments stay before their item, trailing comments at the end of its line."""
    assert format_text(source) == expected
    assert format_text(expected) == expected


def test_comments_stay_next_to_the_code_they_annotate(golden):
    """A user's trial: comments after list values, an outcome, condition lines and own-line comments
    inside a list and a condition stay where they were; the list and the condition stay broken."""
    formats_to_its_golden("comments", golden)


def test_a_long_condition_with_comments_is_broken_before_each_and():
    """A condition too long for a line is still broken before each top-level `and`; a comment after an
    operand stays on that operand's line, one before an operand on its own line above it."""
    ops = [f"field_{i} >= {i}" for i in range(12)]
    text = " and ".join(ops[:3]) + " # why\n # next\n and " + " and ".join(ops[3:])
    out = format_text(f"rule r {{ when {text} then k }}")
    lines = out.splitlines()
    assert lines[1:6] == ["  when     field_0 >= 0", "           and field_1 >= 1", "           and field_2 >= 2  # why",
                          "           # next", "           and field_3 >= 3"]
    assert len(lines) == 16 and format_text(out) == out


@pytest.mark.parametrize("name", ["cli.md", "cli.ja.md"])
def test_the_documented_layout_of_comments_is_what_fmt_writes(name):
    """The condition kept broken at its comments in the docs of `kasu fmt` is formatted as shown."""
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    block = text[text.index("## `kasu fmt"):].split("```kasu fragment\n", 1)[1].split("```", 1)[0]
    assert format_text(block) == block


def test_unparseable_input_is_a_format_error():
    """Text that does not parse cannot be formatted: FormatError with diagnostics."""
    with pytest.raises(FormatError) as info:
        format_text("rule r { when then }")
    assert info.value.diagnostics[0].code.startswith("E1")


def with_breaks(text: str, data) -> str:
    """Break lines where the formatter keeps a comment beside its code: before an `and`/`or` of a
    condition outside parentheses, and after a comma of a one-line list, block or record."""
    out = []
    in_condition = False
    for line in text.splitlines():
        tokens = list(lalr._tokens(line, grammar.tables()))
        first = str(tokens[0]) if tokens else ""
        in_condition = first in ("when", "unless", "define") or (in_condition and (first in ("and", "or") or
                                                                               out[-1].rstrip().endswith("=")))
        depth, between, cuts = 0, 0, []
        for tok in tokens:
            word = str(tok)
            if word in ("(", "[", "{"):
                depth += 1
            elif word in (")", "]", "}"):
                depth -= 1
            elif in_condition and depth == 0 and word == "between":
                between += 1
            elif in_condition and depth == 0 and word == "and" and between:
                between -= 1  # `x between 1 and 5`
            elif in_condition and depth == 0 and word in ("and", "or") and tok.column > 1 + len(line) - len(line.lstrip()):
                cuts.append(tok.column - 1)
            elif not in_condition and depth == 1 and word == ",":
                cuts.append(tok.column)
        pieces, at = [], 0
        for cut in cuts:
            if data.draw(st.integers(0, 2)) == 0:
                pieces.append(line[at:cut].rstrip())
                at = cut
        out.extend(pieces + [line[at:]] if pieces else [line])
    return "\n".join(out) + "\n"


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


def neighbours(text: str) -> tuple[list[str], dict[str, tuple[bool, int]]]:
    """The tokens of a text but commas (which a broken list adds) and comments, and for each
    comment whether it has a line to itself and the index of the token it follows (at a line's
    end) or precedes (on a line of its own)."""
    tokens: list[str] = []
    places: dict[str, tuple[bool, int]] = {}
    lines = text.split("\n")
    for tok in lalr._tokens(text, grammar.tables(), keep=frozenset({"COMMENT"})):
        if tok.type == "COMMENT":
            own = not lines[tok.line - 1][: tok.column - 1].strip()
            places[str(tok).rstrip()] = (own, len(tokens) if own else len(tokens) - 1)
        elif str(tok) != ",":
            tokens.append(str(tok))
    return tokens, places


@settings(max_examples=budget(80))
@given(S.policy_files(), st.data())
def test_format_round_trip_keeps_meaning_and_every_comment(tree, data):
    """parse(fmt(p)) == p, fmt(fmt(s)) == fmt(s), and every comment survives once, in order, of the
    same kind, beside the same token: the one it followed at a line's end, or the one it preceded."""
    text, comments = with_comments(with_breaks(unparse_policy(tree), data), data)
    out = format_text(text)
    assert ast(out) == tree
    assert format_text(out) == out
    assert sorted(c.text for c in scan_comments(out)) == sorted(comments)  # each once, none made up
    positions = [out.index(c) for c in comments]
    assert positions == sorted(positions)
    tokens_in, places_in = neighbours(text)
    tokens_out, places_out = neighbours(out)
    assert tokens_out == tokens_in
    assert places_out == places_in


def with_breaks_anywhere(text: str, data) -> str:
    """Break lines before random tokens, inside items the formatter prints on one line too."""
    lines = text.split("\n")
    cuts: dict[int, list[int]] = {}
    for tok in lalr._tokens(text, grammar.tables()):
        line = lines[tok.line - 1]
        if tok.column > 1 + len(line) - len(line.lstrip()) and data.draw(st.integers(0, 6)) == 0:
            cuts.setdefault(tok.line, []).append(tok.column - 1)
    out = []
    for number, line in enumerate(lines, 1):
        at = 0
        for cut in cuts.get(number, []):
            out.append(line[at:cut].rstrip())
            at = cut
        out.append(line[at:])
    return "\n".join(out)


@settings(max_examples=budget(40))
@given(S.policy_files(), st.data())
def test_comments_anywhere_keep_meaning_and_survive(tree, data):
    """With line breaks and comments anywhere (inside a header entry, a field's type, one operand),
    formatting keeps the meaning, is idempotent and writes every comment's text exactly once."""
    text, comments = with_comments(with_breaks_anywhere(unparse_policy(tree), data), data)
    out = format_text(text)
    assert ast(out) == tree
    assert format_text(out) == out
    assert all(out.count(c) == 1 for c in comments)


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


def test_cli_formats_every_policy_under_a_directory(tmp_path):
    """A directory stands for every .kasu file under it; other files are left alone."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.kasu").write_text("outcomes{a}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("outcomes{a}\n", encoding="utf-8")
    code, out, _ = run("fmt", "--check", str(tmp_path))
    assert code == 1 and "a.kasu" in out and "notes.txt" not in out
    assert run("fmt", str(tmp_path))[0] == 0
    assert (tmp_path / "sub" / "a.kasu").read_text(encoding="utf-8") == "outcomes { a }\n"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "outcomes{a}\n"
    assert run("fmt", "--check", str(tmp_path))[0] == 0


def test_cli_check_passes_on_the_shipped_examples():
    """`kasu fmt --check examples/` passes: every shipped policy is formatted."""
    code, out, err = run("fmt", "--check", str(ROOT / "examples"))
    assert (code, out, err) == (0, "", "")


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
