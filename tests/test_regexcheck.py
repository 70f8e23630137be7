"""Tests for regexcheck.py: compile errors and patterns that could backtrack for ever."""
import re
import time

import pytest

from kasuhara_rules.regexcheck import compiled, pattern_problem


@pytest.mark.parametrize("pattern", ["土下座|どげざ", "^訴え", r"\d{3}-\d{4}", "(ab)+", "(a|b)*", "x.*y",
                                     r"(\d{3}-)*", "(?:死ね|しね)", "a++", "(?>a+)+"])
def test_safe_patterns_pass(pattern):
    """Ordinary patterns, possessive and atomic ones are accepted."""
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", r"(\w+\s?)*$", "(a|a)*", "(a|ab)+c", "(.*a){10}",
                                     "((ab)*)+", r"(\s*,\s*)*x"])
def test_exponential_patterns_are_refused(pattern):
    """Nested repetition and repeated overlapping alternatives are refused."""
    problem = pattern_problem(pattern)
    assert problem is not None and "exponential" in problem[0]


def test_accepted_patterns_run_fast_on_hostile_text():
    """Every accepted pattern of the safe list finishes quickly on adversarial input."""
    text = "a" * 5000 + "!"
    for pattern in ["(ab)+", "(a|b)*c", "x.*y", "a+b"]:
        assert pattern_problem(pattern) is None
        start = time.perf_counter()
        compiled(pattern).search(text)
        assert time.perf_counter() - start < 1.0


def test_invalid_pattern():
    """A pattern that does not compile reports the compiler's reason."""
    message, hint = pattern_problem("[")
    assert message.startswith("the regular expression does not compile") and "re" in hint


def test_compiled_ignores_case():
    """Compiled patterns ignore case."""
    assert compiled("sns").search("SNS") and compiled("sns").flags & re.IGNORECASE
