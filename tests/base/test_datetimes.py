"""Record dates and date-times as spreadsheets write them, and the policy's time zone (contract 1.2, section 3)."""
import datetime as dt

import pytest

from kasuhara_rules import RecordError, parse_policy
from kasuhara_rules.datetimes import DateTimeProblem, is_zone, local_date, parse_date, parse_datetime

JST = dt.timezone(dt.timedelta(hours=9))


def test_the_formats_of_the_contract_read_in_the_zone():
    """ISO 8601 with T or a space, with or without seconds, and YYYY/M/D H:MM[:SS], read in the zone."""
    want = dt.datetime(2027, 4, 3, 9, 5, tzinfo=JST)
    for text in ("2027-04-03T09:05:00", "2027-04-03 09:05:00", "2027-04-03 09:05", "2027/4/3 9:05",
                 "2027/04/03 09:05:00", " 2027/4/3 9:05 ", "2027-04-03T00:05:00Z".replace("00:05", "00:05")):
        got = parse_datetime(text, "Asia/Tokyo", "x")
        if text.endswith("Z"):
            assert got == want  # 00:05 UTC is 09:05 in Tokyo
        else:
            assert got == want and got.utcoffset() == dt.timedelta(hours=9), text


def test_an_offset_wins_over_the_zone():
    """A value with its own offset keeps it; the zone is only for values without one."""
    assert parse_datetime("2027-04-03T09:05:00+00:00", "Asia/Tokyo", "x").utcoffset() == dt.timedelta(0)
    assert parse_datetime("2027/4/3 9:05 +05:30", "Asia/Tokyo", "x").utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_without_a_zone_the_message_names_the_setting():
    """A date-time without offset in a policy without `timezone`: the message names the setting."""
    with pytest.raises(DateTimeProblem) as info:
        parse_datetime("2027/4/13 14:00", None, '"2027/4/13 14:00"')
    assert 'timezone "Asia/Tokyo"' in info.value.args[0] and "+09:00" in info.value.args[0]


def test_impossible_and_unreadable_values_are_told_apart():
    """February 30th is not a valid date-time; "yesterday" is no date-time and the formats are listed."""
    with pytest.raises(DateTimeProblem, match="not a valid date-time"):
        parse_datetime("2027/2/30 10:00", "Asia/Tokyo", '"2027/2/30 10:00"')
    with pytest.raises(DateTimeProblem, match="not a valid date-time"):
        parse_datetime("2027-02-30 10:00", "Asia/Tokyo", "x")
    with pytest.raises(DateTimeProblem, match="2026/4/1 9:30"):
        parse_datetime("yesterday", "Asia/Tokyo", "x")
    with pytest.raises(DateTimeProblem):
        parse_datetime("2027-04-03", "Asia/Tokyo", "x")  # a date is no date-time


def test_a_time_the_clocks_skipped_is_refused_and_a_repeated_hour_is_the_earlier():
    """In a zone with summer time, 02:30 on the spring-forward night does not exist; 01:30 on the
    autumn night happens twice and is read as the first (summer time)."""
    with pytest.raises(DateTimeProblem, match="does not exist"):
        parse_datetime("2027-03-14 02:30", "America/New_York", "x")
    twice = parse_datetime("2027-11-07 01:30", "America/New_York", "x")
    assert twice.utcoffset() == dt.timedelta(hours=-4)


def test_dates_in_both_spellings():
    """`date` values: YYYY-MM-DD or YYYY/M/D; anything else is None."""
    assert parse_date("2027-04-01") == parse_date("2027/4/1") == parse_date("2027/04/01") == dt.date(2027, 4, 1)
    assert parse_date("2027/2/30") is None and parse_date("4/1/2027") is None and parse_date("") is None


def test_local_dates_follow_the_policy_zone():
    """The report's period of a value: its calendar date in the policy's zone, else as written."""
    assert local_date("2027-03-31T15:30:00Z", "Asia/Tokyo") == dt.date(2027, 4, 1)
    assert local_date("2027-03-31T15:30:00Z", None) == dt.date(2027, 3, 31)
    assert local_date("2027/3/31 23:30", "Asia/Tokyo") == dt.date(2027, 3, 31)
    assert local_date(dt.datetime(2027, 3, 31, 23, 30), "Asia/Tokyo") == dt.date(2027, 3, 31)
    assert local_date("not a date", "Asia/Tokyo") is None


def test_zone_names_are_iana_names():
    """Asia/Tokyo and UTC are zones; an abbreviation, a misspelling or a path is not."""
    assert is_zone("Asia/Tokyo") and is_zone("UTC") and is_zone("Europe/London")
    for bad in ("JST", "Asia/Tokyp", "asia/tokyo", "../../etc/passwd", "/etc/localtime", ""):
        assert not is_zone(bad), bad


ZONED = '''policy "t" {{ id t version "1" {zone} otherwise claim }}
outcomes {{ claim, kasuhara }}
schema {{ at: datetime, day: optional date, calls: list of {{ at: datetime }} }}
rule r {{ when at >= 2027-04-01T00:00:00+09:00 then kasuhara respond "x" }}
'''


def test_the_engine_reads_record_date_times_in_the_policy_zone():
    """A policy with `timezone "Asia/Tokyo"` decides spreadsheet date-times (top level and in lists)
    as Tokyo times; 2027/3/31 23:59 is before April in Tokyo (but after it in UTC)."""
    policy = parse_policy(ZONED.format(zone='timezone "Asia/Tokyo"'))
    assert policy.evaluate({"at": "2027/4/1 0:00", "calls": [{"at": "2027-03-01 10:00"}]}).outcome == "kasuhara"
    assert policy.evaluate({"at": "2027-03-31 23:59:59", "calls": []}).outcome == "claim"
    assert policy.evaluate({"at": dt.datetime(2027, 4, 1, 9), "calls": [], "day": "2027/4/1"}).outcome == "kasuhara"
    with pytest.raises(RecordError) as info:
        policy.evaluate({"at": "2027-04-01", "calls": []})
    assert info.value.field == "at"


def test_without_timezone_naive_values_are_invalid_and_named():
    """Without `timezone`, a record date-time without offset is invalid (nested too), naming the setting."""
    policy = parse_policy(ZONED.format(zone=""))
    for record, field in (({"at": "2027/4/1 0:00", "calls": []}, "at"),
                          ({"at": "2027-04-01T00:00:00+09:00", "calls": [{"at": "2027-03-01 10:00"}]}, "calls[0].at"),
                          ({"at": dt.datetime(2027, 4, 1), "calls": []}, "at")):
        with pytest.raises(RecordError) as info:
            policy.evaluate(record)
        assert info.value.field == field and "timezone" in info.value.message
    assert policy.evaluate({"at": "2027-04-01T00:00:00+09:00", "calls": []}).outcome == "kasuhara"
