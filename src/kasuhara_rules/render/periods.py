"""The periods of the trend report: months, calendar quarters, and fiscal quarters and years (年度).

A period has a key that sorts in time order and is the same in every language (the report's JSON
uses it), a first and a last day, and a name for people:

| `--by`           | key          | Japanese          | English     |
|------------------|--------------|-------------------|-------------|
| `month`          | `2026-10`    | `2026-10`         | `2026-10`   |
| `quarter`        | `2026-Q4`    | `2026-Q4`         | `2026-Q4`   |
| `fiscal-quarter` | `FY2026-Q1`  | `2026年度 Q1`     | `FY2026 Q1` |
| `fiscal-year`    | `FY2026`     | `2026年度`        | `FY2026`    |

A fiscal year starts in the month `--fiscal-start` names (April by default, as the Japanese 年度)
and is named, as 年度 is, after the calendar year in which it starts: FY2026 (2026年度) runs from
2026-04-01 to 2027-03-31, and its first quarter (Q1) is April to June. With `--fiscal-start 1`
fiscal years are calendar years.
"""
from __future__ import annotations

import datetime as _dt
import re

BY = ("month", "quarter", "fiscal-quarter", "fiscal-year")
FISCAL_START = 4  # April: the Japanese fiscal year (年度)
_KEY = re.compile(r"(FY)?(\d{4})(?:-(Q)?(\d{1,2}))?")


def period_of(day: _dt.date, by: str, start: int = FISCAL_START) -> str:
    """The key of the period holding `day`.

    >>> d = _dt.date(2027, 3, 31)
    >>> [period_of(d, by) for by in BY]
    ['2027-03', '2027-Q1', 'FY2026-Q4', 'FY2026']
    >>> period_of(_dt.date(2026, 10, 1), "fiscal-quarter", start=10), period_of(_dt.date(2026, 9, 30), "fiscal-year", 10)
    ('FY2026-Q1', 'FY2025')
    """
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    offset = (day.month - start) % 12  # months since the fiscal year began
    year = day.year if day.month >= start else day.year - 1
    if by == "fiscal-year":
        return f"FY{year}"
    return f"FY{year}-Q{offset // 3 + 1}"


def bounds(period: str, by: str, start: int = FISCAL_START) -> tuple[_dt.date, _dt.date]:
    """The first and the last day of a period.

    >>> bounds("FY2026", "fiscal-year"), bounds("2026-Q4", "quarter")[1]
    ((datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)), datetime.date(2026, 12, 31))
    """
    m = _KEY.fullmatch(period)
    if m is None:
        raise ValueError(period)
    year = int(m.group(2))
    if by == "month":
        first, months = _dt.date(year, int(m.group(4)), 1), 1
    elif by == "quarter":
        first, months = _dt.date(year, 3 * int(m.group(4)) - 2, 1), 3
    elif by == "fiscal-year":
        first, months = _dt.date(year, start, 1), 12
    else:
        first, months = _add_months(_dt.date(year, start, 1), 3 * (int(m.group(4)) - 1)), 3
    return first, _add_months(first, months) - _dt.timedelta(days=1)


def _add_months(day: _dt.date, months: int) -> _dt.date:
    index = day.year * 12 + day.month - 1 + months
    return _dt.date(index // 12, index % 12 + 1, 1)


def following(period: str, by: str, start: int = FISCAL_START) -> str:
    """The key of the period after `period`."""
    return period_of(bounds(period, by, start)[1] + _dt.timedelta(days=1), by, start)


def span(first: str, last: str, by: str, start: int = FISCAL_START) -> list[str]:
    """Every period from `first` to `last`, empty ones included (keys sort in time order)."""
    out = [first]
    while out[-1] < last:
        out.append(following(out[-1], by, start))
    return out


def name(period: str, lang: str) -> str:
    """The period as people read it: `2026年度 Q1` / `FY2026 Q1`; months and quarters as their key.

    >>> name("FY2026-Q1", "ja"), name("FY2026", "en"), name("2026-10", "ja")
    ('2026年度 Q1', 'FY2026', '2026-10')
    """
    m = _KEY.fullmatch(period)
    if m is None or not m.group(1):
        return period
    year = m.group(2)
    quarter = f" Q{m.group(4)}" if m.group(4) else ""
    return f"{year}年度{quarter}" if lang == "ja" else f"FY{year}{quarter}"
