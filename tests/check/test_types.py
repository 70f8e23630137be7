"""Tests for typecheck.py: the type rules of section 4, with their hints."""
import pytest

from kasuhara_rules import check_text
from tests.conftest import error_codes, policy


def when(cond: str) -> str:
    return policy(f'rule r {{ when {cond} then kasuhara respond "x" }}\n')


def errors(cond: str):
    return check_text(when(cond)).errors


@pytest.mark.parametrize("cond", [
    "dogeza", 'channel == "phone"', "call_length >= 30min", "repeat + 1 > 2 * 3",
    'channel in ["phone", "visit"]', 'remarks contains "バカ"', 'remarks contains any ["殺す", "晒す"]',
    'words contains "バカ"', 'words contains all ["a"]', 'remarks matches "土下座|どげざ"',
    "repeat between 1 and 5", "call_length between 10min and 1h", "demand_valid is missing",
    "count(contacts where at >= reported_at - 30d and length >= 10min) >= 3",
    "any(contacts where length is missing)", "all(contacts where at < reported_at)",
    "sum(contacts.length) > 1h", "max(contacts.at) > reported_at - 7d", "min(contacts.length) < 1min",
    "len(remarks) > 100", "count(words) >= 3", "reported_at - min(contacts.at) > 30d", "amount / 2 > 1.5",
    "call_length * 2 > 1h", "call_length / 30min >= 2", "birthday < 2000-01-01", "-repeat < 0",
    "not (dogeza or demand_valid)", "channel != \"sns\"", '"殺す" in words',
])
def test_well_typed_conditions(cond):
    """Conditions that follow the type rules check clean."""
    assert errors(cond) == ()


def test_duration_compared_with_number_hints_unit():
    """`call_length >= 30` is E402 and suggests `30min` (the field's unit)."""
    d = errors("call_length >= 30")[0]
    assert d.code == "E402" and d.hint == "write `30min`"


def test_enum_value_did_you_mean():
    """`channel == "phon"` is E403 with hint "phone"."""
    d = errors('channel == "phon"')[0]
    assert d.code == "E403" and d.hint == 'did you mean "phone"?'


def test_enum_value_in_list():
    """Each value in `channel in [...]` is checked."""
    assert [d.code for d in errors('channel in ["phone", "emial"]')] == ["E403"]


def test_bool_compared_with_text_says_so():
    """`dogeza == "true"` explains that a bool never equals a text."""
    d = errors('dogeza == "true"')[0]
    assert d.code == "E401" and "true/false" in d.message and d.hint == "write true without quotes"


def test_unknown_name_did_you_mean():
    """`demanded_dogza`-style typos get the closest name."""
    d = errors("dogez")[0]
    assert d.code == "E301" and d.hint == "did you mean `dogeza`?"


def test_unknown_name_that_is_an_outcome():
    """Using an outcome name in a condition is explained."""
    d = errors("kasuhara")[0]
    assert d.code == "E301" and "an outcome" in d.hint


@pytest.mark.parametrize("cond,code", [
    ("repeat", "E404"), ("dogeza and repeat", "E404"), ("not remarks", "E404"),
    ('remarks > "a"', "E405"), ("dogeza < true", "E405"), ("repeat == remarks", "E401"),
    ("reported_at > 2026-01-01", "E401"), ("call_length == 5min + repeat", "E402"),
    ("words == []", "E401"), ("repeat in remarks", "E405"), ("repeat contains 1", "E405"),
    ("repeat matches \"x\"", "E405"), ('remarks matches "("', "E406"), ('remarks matches "(a)\\\\1"', "E406"),
    ("repeat between 1min and 2", "E402"), ("remarks between 1 and 2", "E405"),
    ("nope(words) > 1", "E308"), ("cont(words) > 1", "E308"), ("count(repeat) > 1", "E407"),
    ("len(words) > 1", "E407"), ("sum(words) > 1", "E407"), ("any(words where dogeza)", "E407"),
    ("sum(contacts.length where dogeza) > 1h", "E407"), ("contacts.nope is missing", "E309"),
    ("repeat.x > 1", "E405"), ('remarks + "x" == "y"', "E408"), ("reported_at + reported_at > reported_at", "E408"),
    ("-remarks == \"x\"", "E408"), ('repeat in [1, "a"]', "E409"), ("count(contacts where at) > 1", "E404"),
    ("remarks contains any repeat", "E405"),
])
def test_type_errors(cond, code):
    """Each ill-typed condition reports its code."""
    found = [d.code for d in errors(cond)]
    assert code in found, found


def test_phrase_list_used_as_condition_hints_contains_any():
    """A phrase list alone in `when` hints `contains any`."""
    text = policy('phrases threats = ["殺す"]\nrule r { when threats then kasuhara respond "x" }\n')
    d = check_text(text).errors[0]
    assert d.code == "E404" and "contains any" in d.hint


def test_where_scope_resolves_element_fields():
    """Inside where, element fields resolve; outside they do not."""
    assert error_codes(when("any(contacts where length >= 10min)")) == []
    assert "E301" in error_codes(when("length >= 10min"))


def test_errors_do_not_cascade():
    """An unknown name produces one error, not a chain of type errors."""
    assert [d.code for d in errors("nope >= 30min and nope == 3")] == ["E301", "E301"]
