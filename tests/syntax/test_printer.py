"""Tests for unparse.py: printing, and the property parse(unparse(ast)) == ast."""
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.render.formatter import format_tree
from kasuhara_rules.syntax import printer as unparse
from kasuhara_rules.syntax.parser import parse_expression, parse_source
from kasuhara_rules.source import SourceText
from tests import strategies as S


def reparse(text: str) -> n.PolicyFile:
    tree, diags = parse_source(SourceText.from_text("r.kasu", text))
    assert tree is not None and not [d for d in diags if d.is_error], (diags, text)
    return tree


def test_parentheses_only_where_needed():
    """The printer adds parentheses exactly where precedence needs them."""
    e = n.And((n.Or((n.Name("a"), n.Name("b"))), n.Not(n.Compare("==", n.Binary("+", n.Name("x"), n.NumberLit(1)),
                                                                   n.NumberLit(2)))))
    assert unparse.expr(e) == "(a or b) and not x + 1 == 2"
    nested = n.Binary("-", n.Name("a"), n.Binary("-", n.Name("b"), n.Name("c")))
    assert unparse.expr(nested) == "a - (b - c)"
    assert unparse.expr(n.Or((n.Or((n.Name("a"), n.Name("b"))), n.Name("c")))) == "(a or b) or c"


def test_literals_print_exactly():
    """Strings are escaped; durations use the largest exact unit."""
    assert unparse.quote('a"b\\c\nd\x01') == '"a\\"b\\\\c\\nd\\u{1}"'
    assert unparse.duration_text(90 * 60_000_000) == "90min"
    assert unparse.duration_text(86_400_000_000) == "1d"
    assert unparse.number_text(0.1) == "0.1"
    assert unparse.number_text(1e20) == "100000000000000000000.0"


@given(S.expr("bool", 3))
def test_expression_round_trip(e):
    """Any well-typed expression prints and re-parses to an equal AST."""
    assert parse_expression(unparse.expr(e)) == e


@given(S.policy_files())
def test_policy_round_trip(tree):
    """A whole random policy prints and re-parses to an equal AST (spans ignored)."""
    assert reparse(format_tree(tree)) == tree


@given(S.free_text)
def test_string_round_trip(text):
    """Every string survives quoting and unquoting."""
    assert parse_expression(unparse.quote(text)) == n.StringLit(text)


@given(st.integers(-10**15, 10**15))
def test_duration_text_round_trip(micros):
    """Durations print exactly."""
    text = unparse.duration_text(micros)
    assert reparse(f"define d = x in [{text}]").decls[0].expr.container.items[0].micros == micros
