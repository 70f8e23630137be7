"""Tests for records.py: validation and coercion of incident records (section 3 types)."""
import datetime as dt

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.records import RecordError, duration_iso, parse_duration_text, validate_record
from tests.conftest import policy

P = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
FIELDS = P.checked.fields
GOOD = {"incident_id": "T-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [], "contacts": [],
        "reported_at": "2026-05-01T10:00:00+09:00"}
MIN = 60_000_000


def value(name, raw):
    """The coerced value of field `name` when the record gives `raw`."""
    values = validate_record(FIELDS, dict(GOOD, **{name: raw}))
    return values[[f.name for f in FIELDS].index(name)]


def error(name, raw):
    with pytest.raises(RecordError) as info:
        validate_record(FIELDS, dict(GOOD, **{name: raw}))
    return info.value


@pytest.mark.parametrize("raw,micros", [
    (35, 35 * MIN), (1.5, 90_000_000), ("35min", 35 * MIN), ("PT35M", 35 * MIN), ("1.5h", 90 * MIN),
    ("45s", 45_000_000), ("PT1H30M", 90 * MIN), ("P1D", 1440 * MIN), (dt.timedelta(minutes=3), 3 * MIN),
])
def test_duration_forms(raw, micros):
    """A number in the declared unit, "35min", ISO 8601 "PT35M" or a timedelta."""
    assert value("call_length", raw) == micros


def test_bad_durations():
    """Texts that are no duration, and years or months (no fixed length), are errors."""
    assert "not a duration" in error("call_length", "三十分").message
    assert "not a duration" in error("call_length", "P1M").message
    assert parse_duration_text("PT") is None


def test_datetime_needs_an_offset():
    """A date-time without offset is an error that says how to fix it."""
    assert "+09:00" in error("reported_at", "2026-05-01T10:00:00").message
    assert value("reported_at", "2026-05-01T01:00:00Z") == value("reported_at", "2026-05-01T10:00:00+09:00")


def test_dates():
    """Dates are YYYY-MM-DD; impossible dates are errors."""
    assert value("birthday", "2026-01-02") - value("birthday", "2026-01-01") == 1440 * MIN
    assert "not a date" in error("birthday", "2026-02-30").message


def test_int_number_bool_text_strictness():
    """int takes whole numbers (3.0 too), bool only true/false, number no NaN, text only strings."""
    assert value("repeat", 3.0) == 3
    assert "whole number" in error("repeat", 3.5).message
    assert "whole number" in error("repeat", True).message
    assert "true or false" in error("dogeza", 1).message
    assert value("amount", float("nan")) is None  # NaN is absent (pandas' empty cell), never a number
    assert "finite" in error("amount", float("inf")).message
    assert "text" in error("incident_id", 5).message


def test_enum_did_you_mean():
    """A wrong `one of` value names the allowed values and the closest one."""
    e = error("channel", "phon")
    assert e.field == "channel" and 'did you mean "phone"' in e.message


def test_nested_paths_in_errors():
    """Errors inside lists and records name the element path."""
    e = error("contacts", [{"at": "2026-05-01T10:00:00Z"}, {"at": "x"}])
    assert e.field == "contacts[1].at"
    assert error("words", ["a", None]).field == "words[1]"
    assert error("contacts", [{"length": 3}]).field == "contacts[0].at"


def test_required_missing_and_null():
    """A required field absent or null makes the record invalid; optional ones may be absent or null."""
    record = dict(GOOD)
    del record["dogeza"]
    with pytest.raises(RecordError) as info:
        validate_record(FIELDS, record)
    assert info.value.message == "missing, but the schema requires it" and info.value.field == "dogeza"
    assert str(info.value) == "dogeza: missing, but the schema requires it"
    assert "null" in error("dogeza", None).message
    assert value("call_length", None) is None


def test_extra_fields_are_ignored():
    """Fields the schema does not name are ignored."""
    validate_record(FIELDS, dict(GOOD, something_else={"deep": [1, 2]}))


def test_sensitive_values_never_appear_in_errors():
    """An error about a sensitive field names the field, not its value."""
    e = error("remarks", ["秘密の発言"])
    assert e.field == "remarks" and "秘密" not in e.message and "redacted" in e.message


def test_duration_iso_rendering():
    """Durations render as ISO 8601."""
    assert duration_iso(35 * MIN) == "PT35M"
    assert duration_iso(-90_000_000) == "-PT1M30S"


def test_iso_date_times_read_at_c_speed_are_read_as_every_other_form():
    """The commonest form (ISO 8601 with a `T` and an offset) is read by one call at C speed; it gives
    what the general reading gives for the same moment written with a space, and an unreadable or
    offset-less text still goes the general way, with its message."""
    from hypothesis import given, strategies as st

    from kasuhara_rules.coerce import Problem, coerce_datetime
    from kasuhara_rules.values import EPOCH

    @given(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
           st.integers(-23 * 60 - 59, 23 * 60 + 59), st.sampled_from(["seconds", "milliseconds", "microseconds"]))
    def check(naive, minutes, spec):
        moment = naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
        text = moment.isoformat(timespec=spec)
        expected = (moment.replace(microsecond=0 if spec == "seconds" else moment.microsecond // 1000 * 1000
                                   if spec == "milliseconds" else moment.microsecond) - EPOCH) // dt.timedelta(microseconds=1)
        assert coerce_datetime(text) == expected == coerce_datetime(text.replace("T", " ", 1))

    check()
    assert coerce_datetime("2026-05-01T01:00:00Z") == coerce_datetime("2026-05-01T10:00:00+09:00")
    for text in ("2026-05-01T10:00:00", "2026-13-01T10:00:00+09:00", "2026-05-01T10:00:00+09:00 junk"):
        with pytest.raises(Problem):
            coerce_datetime(text)
