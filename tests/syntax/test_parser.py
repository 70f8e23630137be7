"""Tests for parser.py: every construct becomes the right AST node; literal errors are diagnostics."""
import datetime as dt
import re
from pathlib import Path

import pytest

from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.syntax.parser import parse_expression, parse_source
from kasuhara_rules.source import SourceText

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme-retail.kasu"
CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "kasu-language.md"


def parse(text: str):
    tree, diags = parse_source(SourceText.from_text("t.kasu", text))
    return tree, diags


def expr(text: str):
    e = parse_expression(text)
    assert e is not None, text
    return e


def contract_policy() -> str:
    """Section 1 of the contract, shipped (formatted) as examples/acme-retail.kasu; when the shared
    folder is next to this checkout, the contract's own text is used and must mean the same."""
    shipped = EXAMPLE.read_text(encoding="utf-8")
    if CONTRACT.exists():
        original = re.search(r"```kasu\n(.*?)```", CONTRACT.read_text(encoding="utf-8"), re.S).group(1)
        assert parse(original)[0] == parse(shipped)[0]
        return original
    return shipped


def test_contract_example_parses():
    """The whole example policy of section 1 of the contract parses without diagnostics."""
    tree, diags = parse(contract_policy())
    assert diags == []
    kinds = [type(d).__name__ for d in tree.decls]
    assert kinds[:2] == ["PolicyHeader", "SchemaDecl"]
    assert kinds.count("RuleDecl") == 4 and "ExampleDecl" in kinds


def test_japanese_identifiers_policy_parses():
    """A policy written entirely with Japanese names parses."""
    text = """
policy "日本語の方針" { id 方針 version "1" otherwise 正当 }
schema { 土下座要求 "土下座の要求": bool, 通話時間: optional duration in minutes, 発言: optional text }
outcomes { 正当, カスハラ }
severities { 軽度, 重度 }
phrases 脅し = ["殺す", "晒す"]
define 長電話 = 通話時間 >= 30min
rule 土下座 "土下座の要求" { when 土下座要求 or 長電話 and 発言 contains any 脅し then カスハラ severity 重度 }
"""
    tree, diags = parse(text)
    assert diags == []
    rule = [d for d in tree.decls if isinstance(d, n.RuleDecl)][0]
    assert rule.name.name == "土下座"
    assert isinstance(rule.first(n.WhenClause).expr, n.Or)


def test_precedence_or_and_not_predicates_arithmetic():
    """or < and < not < predicates < + - < * / < unary minus."""
    e = expr("a or b and not c == 1 + 2 * -3")
    assert isinstance(e, n.Or)
    right = e.operands[1]
    assert isinstance(right, n.And) and isinstance(right.operands[1], n.Not)
    cmp = right.operands[1].operand
    assert isinstance(cmp, n.Compare) and cmp.op == "=="
    assert cmp.right == n.Binary("+", n.NumberLit(1), n.Binary("*", n.NumberLit(2), n.NumberLit(-3)))
    assert expr("-x") == n.Negate(n.Name("x")) and expr("- -2") == n.NumberLit(2)


def test_and_or_chains_are_flat():
    """`a and b and c` is one And with three operands."""
    assert expr("a and b and c") == n.And((n.Name("a"), n.Name("b"), n.Name("c")))
    assert expr("a or b or c") == n.Or((n.Name("a"), n.Name("b"), n.Name("c")))


@pytest.mark.parametrize("text,node", [
    ("x in [1, 2]", n.In(n.Name("x"), n.ListLit((n.NumberLit(1), n.NumberLit(2))))),
    ("x not in p", n.In(n.Name("x"), n.Name("p"), True)),
    ('t contains "s"', n.Contains(n.Name("t"), n.StringLit("s"))),
    ("t contains any p", n.Contains(n.Name("t"), n.Name("p"), "any")),
    ('t contains all ["a"]', n.Contains(n.Name("t"), n.ListLit((n.StringLit("a"),)), "all")),
    ('t matches "a+"', n.Matches(n.Name("t"), n.StringLit("a+"))),
    ("x between 1 and 5", n.Between(n.Name("x"), n.NumberLit(1), n.NumberLit(5))),
    ("x is missing", n.IsMissing(n.Name("x"))),
    ("x is present", n.IsMissing(n.Name("x"), True)),
    ("a.b.c", n.Path(n.Path(n.Name("a"), "b"), "c")),
    ("count(c where x > 1)", n.Call("count", n.Name("c"), n.Compare(">", n.Name("x"), n.NumberLit(1)))),
    ("any(c where x)", n.Call("any", n.Name("c"), n.Name("x"))),
    ("all(c where x)", n.Call("all", n.Name("c"), n.Name("x"))),
    ("sum(c.length)", n.Call("sum", n.Path(n.Name("c"), "length"))),
])
def test_predicates_and_calls(text, node):
    """Each predicate and call form builds its node."""
    assert expr(text) == node


@pytest.mark.parametrize("text,micros", [
    ("45s", 45_000_000), ("30min", 1_800_000_000), ("1.5h", 5_400_000_000), ("7d", 604_800_000_000),
    ("100_000s", 100_000_000_000),
])
def test_durations_are_exact_microseconds(text, micros):
    """Duration literals are exact, decimals included."""
    assert expr(text) == n.DurationLit(micros)


def test_numbers_dates_and_datetimes():
    """Numbers keep their spelling; dates and date-times with offsets are parsed."""
    num = expr("100_000")
    assert num.value == 100000 and num.text == "100_000"
    assert expr("3.5").value == 3.5
    assert expr("2026-04-01").value == dt.date(2026, 4, 1)
    a = expr("2026-04-01T09:00:00+09:00")
    b = expr("2026-04-01T00:00:00Z")
    assert a.micros == b.micros


def test_string_escapes():
    """\\" \\\\ \\n \\t and \\u{…} escapes decode."""
    assert expr(r'"a\"b\\c\nd\te\u{3042}"') == n.StringLit('a"b\\c\nd\te\u3042')


def test_bad_escape_is_a_diagnostic():
    """An unknown escape is E105 with a hint, not a crash."""
    _, diags = parse(r'define d = "a\qb"')
    assert [d.code for d in diags] == ["E105"]


def test_unicode_escape_without_braces_hints_braces():
    """\\u3042 gets a hint to write \\u{3042}."""
    _, diags = parse(r'define d = "\u3042"')
    assert diags[0].code == "E105" and "\\u{3042}" in diags[0].hint


def test_impossible_date_and_missing_offset():
    """2026-13-01 and a date-time without offset are E107."""
    _, d1 = parse("define d = 2026-13-01")
    _, d2 = parse("define d = x > 2026-04-01T09:00:00")
    assert [d.code for d in d1] == ["E107"]
    assert [d.code for d in d2] == ["E107"] and "+09:00" in d2[0].hint


def test_entries_on_one_line_need_commas():
    """`[1 2]` on one line is E112; entries on separate lines need no comma."""
    _, diags = parse('define d = x in ["a" "b"]')
    assert [d.code for d in diags] == ["E112"]
    _, diags = parse('define d = x in [\n "a"\n "b"\n]')
    assert diags == []


def test_too_deep_nesting_is_a_diagnostic():
    """Expressions deeper than the limit give E111 instead of a RecursionError."""
    tree, diags = parse("define d = " + "not " * 5000 + "a")
    assert tree is None and [d.code for d in diags] == ["E111"]


def test_many_parentheses_do_not_nest_the_ast():
    """Thousands of parentheses around a name are just the name."""
    tree, diags = parse("define d = " + "(" * 5000 + "a" + ")" * 5000)
    assert diags == [] and tree.decls[0].expr == n.Name("a")


def test_spans_point_at_the_source():
    """Nodes carry file, line and column."""
    tree, _ = parse("\n\ndefine  d = a and b")
    d = tree.decls[0]
    assert (d.span.line, d.span.column) == (3, 1)
    assert (d.name.span.line, d.name.span.column) == (3, 9)
    assert d.expr.operands[1].span.column == 19


def test_equality_ignores_spans():
    """Two parses of differently spaced text are equal ASTs."""
    a, _ = parse("define d = a  and  b")
    b, _ = parse("define d =\n  a and b")
    assert a == b


def test_ideographic_space_is_whitespace():
    """U+3000 (全角スペース) separates tokens like a space."""
    tree, diags = parse("define\u3000d = a")
    assert diags == [] and tree.decls[0].name.name == "d"
