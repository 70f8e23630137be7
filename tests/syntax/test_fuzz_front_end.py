"""Never-crash fuzzing of the front end: only the library's own diagnostics may come out."""
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules import check_text
from kasuhara_rules.check.loader import load_text
from tests import strategies as S
from tests.conftest import policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def assert_diagnosed(result):
    assert result.ok or result.errors
    for d in result.diagnostics:
        assert d.code and d.message and d.span.line >= 1


@given(st.text(max_size=300))
def test_random_text_never_raises(text):
    """Any text gives a CheckResult, never an exception."""
    assert_diagnosed(check_text(text, "f.kasu"))


@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    """Any bytes (invalid UTF-8, NUL, BOM...) give diagnostics."""
    assert_diagnosed(load_text(data, "f.kasu").result)


@given(S.token_soup)
def test_token_soup_never_raises(text):
    """Random sequences of the language's own tokens give diagnostics."""
    assert_diagnosed(check_text(text, "f.kasu"))


@given(S.token_soup)
def test_token_soup_inside_a_rule_never_raises(text):
    """Random tokens inside a rule of a valid policy give diagnostics."""
    assert_diagnosed(check_text(policy(f"rule r {{ when {text} then kasuhara respond \"x\" }}\n"), "f.kasu"))


def _seed_policies():
    found = sorted(EXAMPLES.glob("*.kasu"))
    return [p.read_text(encoding="utf-8") for p in found] or [policy('rule r { when dogeza then claim }\n')]


@given(st.data())
def test_mutated_policies_never_raise(data):
    """Deleting, duplicating or swapping slices of real policies gives diagnostics."""
    text = S.mutate(data, data.draw(st.sampled_from(_seed_policies())), span=40, spaced=False)
    assert_diagnosed(check_text(text, "f.kasu"))


def test_hostile_policies():
    """Empty, blank, deep nesting, huge numbers and long lines give diagnostics quickly."""
    cases = ["", "   \n", "\ufeff", "policy", '"' * 10001, "(" * 20000, "define d = " + "-" * 20000 + "a",
             "define d = " + "9" * 10000, "define d = " + "+".join(["a"] * 3000), "[" * 30000,
             "rule r { when " + " and ".join(["a"] * 5000) + " then k }", "#" * 100000]
    for text in cases:
        result = check_text(text, "f.kasu")
        assert result.errors, text[:30]


def test_deep_nesting_reports_e111():
    """Thousands of nested `not`s are E111, not a RecursionError."""
    result = check_text(policy("define d = " + "not " * 3000 + "dogeza\n"))
    assert [d.code for d in result.errors] == ["E111"]


_ = re
