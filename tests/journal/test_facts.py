"""What the journal reads from a record: the incident's time and date as the engine and the report read them."""
from __future__ import annotations

import datetime as dt

import pytest

from kasuhara_rules import parse_policy

POLICY = '''policy "t" {{ id t  version "1" {zone} otherwise claim }}
outcomes {{ claim "クレーム" }}
schema {{
  incident_id: text key
  at: optional datetime
}}
'''
VALUES = ["2026-05-01T10:00:00+09:00", "2026-05-01T23:30:00Z", "2026-05-01 23:30:00-05:00", "2027/4/13 14:00",
          "2027/4/13 14:00:05.25+09:00", "2026-05-01T10:00:00", "2026-03-08T02:30:00", "2026-05-01",
          "soon", "", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00",
          dt.datetime(2026, 5, 1, 10, 0), dt.datetime(2026, 5, 1, 23, 0, tzinfo=dt.timezone.utc), 42, None]


def reference(policy, record):
    """What occurred_of gave before it read the value once: the engine's coercion and the report's date
    (except that a time whose UTC form is past year 9999 raised OverflowError; it is now no date)."""
    from kasuhara_rules.coerce import Problem, coerce_datetime, datetime_iso, is_absent
    from kasuhara_rules.render.report import local_date

    value = record.get("at")
    if value is None or is_absent(value):
        return None, None
    zone = policy.checked.header.timezone
    try:
        micros = coerce_datetime(value, False, zone)
    except Problem:
        return None, None
    try:
        moment = datetime_iso(micros)
    except OverflowError:
        return None, None
    return moment, local_date(value, zone) or dt.date.fromisoformat(moment[:10])


@pytest.mark.parametrize("zone", ["", 'timezone "Asia/Tokyo"', 'timezone "America/New_York"'])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_incident_s_time_and_date_as_the_engine_and_the_report_read_them(zone, value):
    from kasuhara_rules.journal.facts import VersionReading, occurred_of

    policy = parse_policy(POLICY.format(zone=zone), "t.kasu")
    record = {"incident_id": "A-1", "at": value}
    assert occurred_of(VersionReading(policy), record) == reference(policy, record)


def test_stamps_have_microseconds_and_a_z():
    from kasuhara_rules.journal.facts import stamp

    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert stamp(dt.datetime(2026, 5, 1, 10, 0, tzinfo=tokyo)) == "2026-05-01T01:00:00.000000Z"
    assert stamp(dt.datetime(2026, 5, 1, 1, 2, 3, 4, tzinfo=dt.timezone.utc)) == "2026-05-01T01:02:03.000004Z"


def test_sensitive_values_inside_lists_of_records_are_taken_apart_and_others_left():
    """A sensitive field inside the records of a list is kept apart at its place (list position
    included); a list whose records hold nothing sensitive is chained as it is."""
    from kasuhara_rules.journal.sensitive import MARK, split

    policy = parse_policy('''policy "t" { id t  version "1" otherwise claim }
outcomes { claim "クレーム" }
schema {
  incident_id: text key
  calls: list of { at: datetime, note: optional text sensitive }
  visits: list of { at: datetime, minutes: int }
}
''', "t.kasu")
    record = {"incident_id": "A-1", "visits": [{"at": "2026-05-01T10:00:00+09:00", "minutes": 3}],
              "calls": [{"at": "2026-05-01T10:00:00+09:00"}, {"at": "2026-05-01T11:00:00+09:00", "note": "090-1234"}]}
    chained, apart = split(record, policy.checked.fields, None, dt.date(2026, 5, 1))
    assert [a.path for a in apart] == [("calls", 1, "note")]
    assert chained["calls"][1]["note"] == {MARK: apart[0].digest} and "note" not in chained["calls"][0]
    assert chained["visits"] == record["visits"] and "090-1234" not in repr(chained)
    assert record["calls"][1]["note"] == "090-1234"  # the caller's record is left as it was
