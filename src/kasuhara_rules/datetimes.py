"""Record dates and date-times as people and spreadsheets write them, and the policy's time zone.

A record's `datetime` value is ISO 8601 with `T` or a space (`2026-04-01T09:30:00+09:00`,
`2026-04-01 09:30`), or `YYYY/M/D H:MM[:SS]` as spreadsheets write it (`2026/4/1 9:30`); with a
UTC offset (`+09:00`, `Z`), or else in the time zone the policy's header names
(`timezone "Asia/Tokyo"`, an IANA name). A `date` is `YYYY-MM-DD` or `YYYY/M/D`. Zone data comes
from the system or, where the system has none (Windows), from the `tzdata` package.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Iterable

from .i18n import N_

UTC = _dt.timezone.utc
_SLASH_DATE = r"(\d{4})/(\d{1,2})/(\d{1,2})"
_SLASH = re.compile(_SLASH_DATE + r"[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?")
_SLASH_DAY = re.compile(_SLASH_DATE)
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_NAIVE_ISO = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d{1,2}:\d\d(:\d\d([.,]\d+)?)?")
FORMATS_HINT = "2026-04-01T09:30:00+09:00, 2026-04-01 09:30, 2026/4/1 9:30"


class DateTimeProblem(ValueError):
    """What is wrong with a date or date-time value (a marked message; the caller adds the field)."""


def zone(name: str) -> _dt.tzinfo:
    """The time zone of an IANA name; ValueError when unknown (or when no zone data is installed).

    >>> zone("Asia/Tokyo").utcoffset(_dt.datetime(2026, 4, 1))
    datetime.timedelta(seconds=32400)
    """
    import zoneinfo

    if name in ("UTC", "Etc/UTC"):
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)  # the module keeps its own cache of zones
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(N_("unknown time zone {name}", name=repr(name))) from None


@functools.lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows (for did-you-mean hints; empty without zone data):
    listed once a process (listing walks the zone folders: 6 % of a policy's load, every load)."""
    import zoneinfo

    try:
        return frozenset(zoneinfo.available_timezones())
    except (OSError, ValueError):  # pragma: no cover - an unreadable zone directory
        return frozenset()


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone name this machine has data for (not a file path,
    not an abbreviation such as JST)."""
    if name in ("UTC", "Etc/UTC"):
        return True
    names = zone_names()
    if names and name not in names:
        return False
    try:
        zone(name)
    except ValueError:
        return False
    return True


def _offset(text: str) -> _dt.tzinfo:
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))


def iso_aware(text: str) -> _dt.datetime | None:
    """The commonest form of a record's date-time, ISO 8601 with a `T` and its UTC offset, read at C
    speed; None for any other text. What parse_datetime reads from such a text too: the engine's
    coercion tries this first and leaves the rest (and the message for a wrong text) to it.

    >>> iso_aware("2027-04-13T14:00:00+09:00").isoformat(), iso_aware("2027-04-13T14:00:00")
    ('2027-04-13T14:00:00+09:00', None)
    """
    if len(text) > 10 and text[10] == "T":
        try:
            moment = _dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            return moment
    return None


def parse_datetime(text: str, timezone: str | None, shown: str) -> _dt.datetime:
    """An aware date-time from a record's text; DateTimeProblem says what is wrong (`shown`: how
    the value may appear in the message, redacted for a sensitive field).

    >>> parse_datetime("2027/4/13 14:00", "Asia/Tokyo", "").isoformat()
    '2027-04-13T14:00:00+09:00'
    >>> parse_datetime("2027-04-13 14:00:00Z", None, "").isoformat()
    '2027-04-13T14:00:00+00:00'
    """
    value = text.strip()
    m = _SLASH.fullmatch(value)
    if m:
        year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
        second = int(m.group(6) or 0)
        micro = int((m.group(7) or "0").ljust(6, "0"))
        try:
            naive = _dt.datetime(year, month, day, hour, minute, second, micro)
            tz = _offset(m.group(8)) if m.group(8) else None
        except ValueError:
            raise DateTimeProblem(N_("{shown} is not a valid date-time", shown=shown)) from None
        return naive.replace(tzinfo=tz) if tz is not None else in_zone(naive, timezone, shown)
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    if len(iso) > 10 and iso[10] in "Tt ":
        try:
            parsed = _dt.datetime.fromisoformat(iso[:10] + "T" + iso[11:])
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is not None and parsed.utcoffset() is not None:
                return parsed
            return in_zone(parsed, timezone, shown)
    if _NAIVE_ISO.fullmatch(value) or _SLASH.fullmatch(value):
        raise DateTimeProblem(N_("{shown} is not a valid date-time", shown=shown))
    raise DateTimeProblem(N_("{shown} is not a date-time; write it as one of {formats}", shown=shown,
                             formats=FORMATS_HINT))


def in_zone(naive: _dt.datetime, timezone: str | None, shown: str) -> _dt.datetime:
    """A date-time without offset, read in the policy's time zone (the earlier of a repeated hour;
    a time the clocks skipped is refused)."""
    if timezone is None:
        raise DateTimeProblem(N_("the date-time {shown} has no UTC offset and the policy names no time zone: "
                                 "add an offset such as +09:00, or set the zone of such values in the "
                                 "policy's header: timezone \"Asia/Tokyo\"", shown=shown))
    tz = zone(timezone)
    aware = naive.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive.replace(fold=0):
        raise DateTimeProblem(N_("the date-time {shown} does not exist in the time zone {zone} "
                                 "(the clocks were put forward at that hour)", shown=shown, zone=timezone))
    return aware


def aware_datetime(value: _dt.datetime, timezone: str | None, shown: str) -> _dt.datetime:
    """A Python (or pandas) date-time made aware: as it is when it has an offset, else in the zone."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return in_zone(value.replace(tzinfo=None), timezone, shown)


def parse_date(text: str) -> _dt.date | None:
    """A date written `YYYY-MM-DD` or `YYYY/M/D`, else None.

    >>> parse_date("2027/4/1"), parse_date("2027-04-01"), parse_date("2027/2/30")
    (datetime.date(2027, 4, 1), datetime.date(2027, 4, 1), None)
    """
    value = text.strip()
    try:
        if _ISO_DAY.fullmatch(value):
            return _dt.date.fromisoformat(value)
        m = _SLASH_DAY.fullmatch(value)
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def local_date(value: object, timezone: str | None) -> _dt.date | None:
    """The calendar date of a record's date or date-time value: in the policy's time zone when it
    names one, else as written (in the value's own offset); None when it is no date.

    >>> local_date("2026-10-31T15:30:00Z", "Asia/Tokyo"), local_date("2026-10-31T15:30:00Z", None)
    (datetime.date(2026, 11, 1), datetime.date(2026, 10, 31))
    >>> local_date("2026/10/31", None), local_date("soon", None)
    (datetime.date(2026, 10, 31), None)
    """
    if isinstance(value, _dt.datetime):
        try:
            moment = aware_datetime(value, timezone, "")
        except (DateTimeProblem, ValueError):
            return value.date()
    elif isinstance(value, _dt.date):
        return value
    elif isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return day
        try:
            moment = parse_datetime(value, timezone, "")
        except (DateTimeProblem, ValueError):
            return None
    else:
        return None
    return date_of(moment, timezone)


def date_of(moment: _dt.datetime, timezone: str | None) -> _dt.date:
    """The calendar date of an aware date-time: in the policy's time zone when it names one, else in
    the moment's own offset (as the record wrote it). A moment whose day there falls past the
    calendar (after 9999-12-31 or before 0001-01-01) gets the calendar's last or first day.

    >>> import datetime as dt
    >>> date_of(dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(-dt.timedelta(hours=12))), "Asia/Tokyo")
    datetime.date(9999, 12, 31)
    >>> date_of(dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))), "Asia/Tokyo")
    datetime.date(1, 1, 1)
    """
    if not timezone:
        return moment.date()
    try:
        return moment.astimezone(zone(timezone)).date()
    except OverflowError:
        return _dt.date.max if moment.year == _dt.MAXYEAR else _dt.date.min


def closest_zone(name: str, names: Iterable[str]) -> str | None:
    """The zone a mistyped or abbreviated name probably meant (JST and +09:00 mean Asia/Tokyo here)."""
    from .diagnostics import closest

    if name.strip().upper() in ("JST", "+09:00", "+0900", "UTC+9", "UTC+09:00", "GMT+9", "JAPAN"):
        return "Asia/Tokyo"
    return closest(name, names)
