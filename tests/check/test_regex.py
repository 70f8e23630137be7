"""Tests for check/regex.py: `matches` patterns are RE2 patterns, searched in linear time."""
import time

import pytest

from kasuhara_rules import parse_policy as load_text
from kasuhara_rules.check.regex import compiled, pattern_problem


ACCEPTED = ["土下座|どげざ", "^訴え", r"\d{3}-\d{4}", "(ab){1,5}", "x.{0,30}y", "(?:死ね|しね)",
            # refused by the old width guard, ordinary in RE2:
            r"\d+円", "土下座.*しろ", "x.*y", "a+b", "(ab)+", "a{2,}",
            # exponential for a backtracking engine, linear for RE2:
            "(a+)+$", "(a*)*", r"(\w+\s?)*$", "(a|a)*", "(a|ab)+c", "(.*a){10}", "a{0,33}a{0,33}a{0,33}c"]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_re2_patterns_are_accepted(pattern):
    """Every pattern RE2 compiles is accepted; there is no width restriction any more."""
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern, hint", [
    (r"(a)\1", "backreferences"), (r"(土下座)(しろ)\2", "backreferences"),
    ("(?=.*x)a", "look-ahead"), ("a(?!b)", "look-ahead"), ("(?<=x)a", "look-behind"), ("(?<!x)a", "look-behind"),
    ("a++", "possessive"), ("(?>a+)", "atomic"), ("a{1001}", "at most 1000"),
])
def test_what_re2_lacks_is_refused_with_a_hint(pattern, hint):
    """Backreferences, lookaround, possessive and atomic groups: a diagnostic whose hint explains."""
    message, got = pattern_problem(pattern)
    assert "not supported" in message and hint in got


def test_invalid_pattern():
    """A pattern that does not compile reports RE2's reason and names the syntax."""
    message, hint = pattern_problem("[")
    assert message.startswith("the regular expression does not compile") and "missing ]" in message
    assert "RE2" in hint


def test_compiled_ignores_case():
    """Compiled patterns ignore case, including outside ASCII."""
    assert compiled("sns").search("SNS") and compiled("σ").search("Σ")


@pytest.mark.parametrize("pattern, text", [
    ("a{0,33}a{0,33}a{0,33}c", "a" * 20_000),      # 8 s with Python's re
    ("(?:a{0,9}){10}b", "a" * 30),                 # 31 s with Python's re
    ("(a+)+$", "a" * 5_000 + "b"),
    ("x.*y", "x" * 200_000),                       # quadratic with Python's re
])
def test_search_is_linear_on_hostile_patterns(pattern, text):
    """Patterns that made the old guard's engine run for seconds or hours finish at once.

    (A generous bound: the point is seconds versus hours, not a benchmark.)"""
    rx = compiled(pattern)
    start = time.perf_counter()
    assert rx.search(text) is None
    assert time.perf_counter() - start < 2.0


POLICY = '''policy "p" {
  id p
  version "1"
  otherwise ok
}
outcomes { ok, bad }
schema {
  incident_id: text key
  remarks: text
  secret: optional text sensitive
}
rule money { when remarks matches "\\\\d+円" then bad }
rule dogeza { when remarks matches "土下座.*しろ" then bad }
rule hidden { when secret matches "[0-9]{3}-[0-9]{4}" then bad }
'''


def test_unbounded_patterns_decide_and_give_evidence():
    """`\\d+円` and `土下座.*しろ` load and decide on NFKC text ignoring case; evidence is the matched text,
    redacted for a sensitive field."""
    policy = load_text(POLICY)
    d = policy.evaluate({"incident_id": "1", "remarks": "返金は１０００円で。今すぐ土下座してみろ、しろ"}, explain=True)
    assert d.matched == ("money", "dogeza")
    trace = {t["rule"]: t for t in d.to_dict(explain=True)["trace"]}
    assert trace["money"]["condition"]["evidence"] == ["1000円"]
    assert trace["dogeza"]["condition"]["evidence"] == ["土下座してみろ、しろ"]
    d = policy.evaluate({"incident_id": "1", "remarks": "x", "secret": "555-1234"}, explain=True)
    hidden = {t["rule"]: t for t in d.to_dict(explain=True)["trace"]}["hidden"]
    assert hidden["result"] == "matched" and hidden["condition"]["evidence"] == ["‹redacted›"]


def test_unsupported_syntax_is_a_check_error():
    """A backreference in a policy is E406 at the pattern, with the hint."""
    from kasuhara_rules import PolicyError

    with pytest.raises(PolicyError) as info:
        load_text(POLICY.replace("土下座.*しろ", "(土下座)\\\\1"))
    diag = next(d for d in info.value.diagnostics if d.severity == "error")
    assert diag.code == "E406" and "backreferences" in diag.hint
