"""The report's periods: months, quarters, and the fiscal year (年度) with any starting month."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from kasuhara_rules.render import periods


def test_the_japanese_fiscal_year_crosses_the_calendar_year():
    """年度 starts in April and is named after its first year: 2027-03-31 is 2026年度 Q4, 2027-04-01 2027年度 Q1."""
    assert periods.period_of(dt.date(2027, 3, 31), "fiscal-year") == "FY2026"
    assert periods.period_of(dt.date(2027, 4, 1), "fiscal-year") == "FY2027"
    assert periods.period_of(dt.date(2026, 12, 31), "fiscal-quarter") == "FY2026-Q3"
    assert periods.period_of(dt.date(2027, 1, 1), "fiscal-quarter") == "FY2026-Q4"
    assert periods.bounds("FY2026-Q4", "fiscal-quarter") == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert periods.span("FY2026-Q3", "FY2027-Q2", "fiscal-quarter") == ["FY2026-Q3", "FY2026-Q4", "FY2027-Q1", "FY2027-Q2"]


def test_other_starting_months():
    """October (a US-style fiscal year, named here by its first year too) and January (calendar years)."""
    assert periods.period_of(dt.date(2026, 9, 30), "fiscal-year", 10) == "FY2025"
    assert periods.period_of(dt.date(2026, 10, 1), "fiscal-quarter", 10) == "FY2026-Q1"
    assert periods.period_of(dt.date(2027, 9, 30), "fiscal-quarter", 10) == "FY2026-Q4"
    assert periods.bounds("FY2026", "fiscal-year", 10) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert periods.period_of(dt.date(2026, 12, 31), "fiscal-year", 1) == "FY2026"
    assert periods.bounds("FY2026-Q4", "fiscal-quarter", 1) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_names_for_people():
    """2026年度 Q1 in Japanese, FY2026 Q1 in English; months and calendar quarters as their keys."""
    assert [periods.name(p, "ja") for p in ("FY2026", "FY2026-Q1", "2026-10", "2026-Q4")] == [
        "2026年度", "2026年度 Q1", "2026-10", "2026-Q4"]
    assert periods.name("FY2026-Q1", "en") == "FY2026 Q1"


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.sampled_from(periods.BY), st.integers(1, 12))
def test_every_day_lies_in_its_period_and_periods_follow_each_other(day, by, start):
    """For any day, way of counting and starting month: the day lies within its period's bounds, and
    the next period starts the day after the period ends and sorts after it."""
    key = periods.period_of(day, by, start)
    first, last = periods.bounds(key, by, start)
    assert first <= day <= last
    after = periods.following(key, by, start)
    assert periods.bounds(after, by, start)[0] == last + dt.timedelta(days=1) and after > key
    assert periods.period_of(first, by, start) == periods.period_of(last, by, start) == key


@pytest.mark.parametrize("by", periods.BY)
def test_spans_keep_empty_periods(by):
    """A span from one period to a later one lists every period between, empty ones too."""
    first = periods.period_of(dt.date(2026, 10, 5), by)
    last = periods.period_of(dt.date(2028, 3, 5), by)
    got = periods.span(first, last, by)
    assert got[0] == first and got[-1] == last and got == sorted(set(got))
    assert len(got) == {"month": 18, "quarter": 6, "fiscal-quarter": 6, "fiscal-year": 2}[by]
