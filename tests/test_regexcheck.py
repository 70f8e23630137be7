"""Tests for regexcheck.py: compile errors and patterns that could backtrack for ever."""
import re

import pytest

from kasuhara_rules.check.regex import compiled, pattern_problem


SAFE = ["土下座|どげざ", "^訴え", r"\d{3}-\d{4}", "(ab){1,5}", "(a|b){0,20}", "x.{0,30}y", r"(\d{3}-){0,3}",
        "(?:死ね|しね)", "a{1,50}+", "(?>a{1,9}){1,9}", "^土下座.{0,20}しろ$", "(?=.{0,10}x)a"]


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_pass(pattern):
    """Ordinary bounded patterns, possessive and atomic ones are accepted."""
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", ["x.*y", "a+b", r"\d+", "(ab)+", "a{2,}", "a++", "(?>a+)"])
def test_unbounded_patterns_are_refused(pattern):
    """A pattern that can match a text of any length is refused, with a hint to bound it."""
    message, hint = pattern_problem(pattern)
    assert "any length" in message and ".{0,30}" in hint


@pytest.mark.parametrize("pattern", ["a{0,101}", "x.{0,60}y.{0,60}z", "(?=.{0,200}x)a", "(?=.*x)a"])
def test_patterns_longer_than_the_limit_are_refused(pattern):
    """A bounded match longer than MAX_WIDTH characters (or such a look-ahead) is refused."""
    assert pattern_problem(pattern) is not None


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", r"(\w+\s?)*$", "(a|a)*", "(a|ab)+c", "(.*a){10}",
                                     "((ab)*)+", r"(\s*,\s*)*x"])
def test_exponential_patterns_are_refused(pattern):
    """Nested repetition and repeated overlapping alternatives are refused."""
    problem = pattern_problem(pattern)
    assert problem is not None and "exponential" in problem[0]


def test_accepted_patterns_have_bounded_width():
    """What bounds the search time: every accepted pattern matches at most MAX_WIDTH characters,
    so a search over n characters does at most about n × MAX_WIDTH steps (linear, not the
    quadratic `x.*y` or exponential `(a+)+$`)."""
    from kasuhara_rules.check.regex import MAX_WIDTH, _sre_parse

    for pattern in SAFE:
        assert _sre_parse.parse(pattern, re.IGNORECASE).getwidth()[1] <= MAX_WIDTH


def test_invalid_pattern():
    """A pattern that does not compile reports the compiler's reason."""
    message, hint = pattern_problem("[")
    assert message.startswith("the regular expression does not compile") and "re" in hint


def test_compiled_ignores_case():
    """Compiled patterns ignore case."""
    assert compiled("sns").search("SNS") and compiled("sns").flags & re.IGNORECASE
