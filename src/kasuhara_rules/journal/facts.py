"""What the journal reads from a record, a policy or a caller: incident ids, dates, users, checked values."""
from __future__ import annotations

import datetime as _dt
import getpass
import os
import posixpath
from typing import TYPE_CHECKING, Any, Mapping

from .. import values as vt
from ..check.checked import REVIEW
from ..coerce import enum_value, is_absent, raw_json
from ..datetimes import aware_datetime, date_of, iso_aware, parse_datetime
from ..i18n import N_
from .chain import canonical
from .errors import EXIT_INVALID_RECORD, JournalError, unkeepable

if TYPE_CHECKING:
    from ..policy import Policy

MAX_NAME = 200


def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def stamp(moment: _dt.datetime) -> str:
    """A UTC time as entries carry it: `2026-05-01T01:00:00.000000Z`."""
    utc = moment if moment.tzinfo is _dt.timezone.utc else moment.astimezone(_dt.timezone.utc)
    # written out by hand: `isoformat(timespec=...)` of the naive time took twice as long (two a write)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second,
                                                     utc.microsecond)


def default_user() -> str:
    """The name journaled as `by` when none is given: the operating system's user."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"


def user(by: str | None) -> str:
    """`by` checked (a name on one line), or the operating system's user when None (J210)."""
    if by is None:
        return default_user()
    text = str(by).strip()
    if not text or len(text) > MAX_NAME or any(ch in text for ch in "\r\n\t"):
        raise JournalError("J210", N_("name the person who did this (--by USER): a name on one line"),
                           N_("for example --by sato"))
    return text


def relative_files(policy: "Policy") -> list[tuple[str, bytes]]:
    """The policy's files as (name relative to the policy's folder, bytes), in the order of its digest:
    what the journal keeps, so that the version can be rebuilt anywhere with the same digest."""
    root = policy.checked.root
    data = {posixpath.normpath(os.path.relpath(name, root).replace(os.sep, "/")): content
            for name, content in policy.files}
    return [(path, data[path]) for path, _ in policy.checked.files]


def incident_id(policy: "Policy", record: Mapping[str, Any], given: str | None) -> str:
    """The incident a record is about: `given`, else the value of the policy's key field (J208, J209)."""
    if given is not None and str(given).strip():
        return _keepable(str(given).strip())
    key = policy.checked.key_field
    if key is not None and key.sensitive:
        raise JournalError("J209", N_("the key field `{name}` is sensitive: the journal would keep personal data "
                                      "in its chain", name=key.name),
                           N_("use an incident number that is not personal data as the key"),
                           exit=EXIT_INVALID_RECORD)
    value = record.get(key.name) if key is not None else None
    if key is None or value is None or is_absent(value) or isinstance(value, bool) or str(value).strip() == "":
        raise JournalError("J208", N_("the record has no incident id"),
                           N_("give the policy a `key` field (an incident number) and fill it in"),
                           exit=EXIT_INVALID_RECORD, field=key.name if key is not None else None)
    return _keepable(str(value).strip())


def _keepable(name: str) -> str:
    """An incident id a database can keep: PostgreSQL keeps no NUL in a text, and the id is one in
    every table (J216)."""
    if "\x00" in name:
        raise unkeepable(name, N_("its incident id holds a NUL character, which the database cannot keep"))
    return name


def date_field(policy: "Policy") -> Any:
    """The schema's first datetime field: the incident's date (None when the schema has none)."""
    return next((f for f in policy.checked.fields if f.type.kind == vt.DATETIME), None)


class VersionReading:
    """What the journal reads from the records of one policy version, found once per version rather
    than for every record: the incident's date field and the policy's time zone (`occurred_of`), the
    fields the incident index keeps and the severities' places in the queue (`index_columns`)."""

    __slots__ = ("date", "timezone", "indexed", "ranks")

    def __init__(self, policy: "Policy") -> None:
        checked = policy.checked
        self.date = date_field(policy)
        self.timezone = checked.header.timezone  # a date-time without an offset is in the policy's zone
        # only `one of`, date and date-time values of fields that are not sensitive
        self.indexed = tuple((f.name, f.type if f.type.kind == vt.ENUM else None) for f in checked.fields
                             if not f.sensitive and f.type.kind in (vt.ENUM, vt.DATE, vt.DATETIME))
        # the queue's order: by severity, highest first (`index_columns` puts reviews before all)
        self.ranks: dict[str | None, int] = {s.name: s.rank + 1 for s in checked.severities}


def occurred_of(reading: VersionReading, record: Mapping[str, Any]) -> tuple[str | None, _dt.date | None]:
    """When the incident happened: (UTC time, the calendar date as the record writes it), from the
    schema's first datetime field; (None, None) when there is none or it is empty or unreadable.
    The value is read once, as the engine reads it (datetimes.py), and its date is
    datetimes.local_date's: in the policy's time zone when it names one, else in the value's offset."""
    field = reading.date
    if field is None:
        return None, None
    value = record.get(field.name)
    if value is None or is_absent(value):
        return None, None
    timezone = reading.timezone
    try:
        if isinstance(value, str):  # the commonest form (ISO 8601 with its offset) at C speed first
            moment = iso_aware(value) or parse_datetime(value, timezone, "")
        elif isinstance(value, _dt.datetime):
            moment = aware_datetime(value, timezone, "")
        else:
            return None, None
        text = moment.astimezone(_dt.timezone.utc).isoformat()
        day = date_of(moment, timezone)
    except (ValueError, OverflowError):  # not a date-time (DateTimeProblem), or out of range
        return None, None
    return text[:-6] + "Z", day


def parse_time(value: _dt.datetime | str) -> _dt.datetime:
    """A date-time with an offset (ISO 8601, `T` or a space); refused otherwise (J212)."""
    if isinstance(value, _dt.datetime):
        moment = value
    else:
        text = str(value).strip().replace(" ", "T", 1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = _dt.datetime.fromisoformat(text)
        except ValueError:
            raise JournalError("J212", N_("{value} is not a date-time such as 2026-05-01T10:30:00+09:00",
                                          value=repr(str(value))),
                               N_("write the date, a T, the time and the UTC offset")) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise JournalError("J212", N_("the date-time {value} has no UTC offset", value=repr(str(value))),
                           N_("add one such as +09:00"))
    try:
        moment.astimezone(_dt.timezone.utc)  # entries keep times in UTC
    except OverflowError:
        raise JournalError("J212", N_("the date-time {value} falls outside the calendar in UTC (before "
                                      "0001-01-01 or after 9999-12-31)", value=repr(str(value))),
                           N_("check the date and its UTC offset")) from None
    return moment


def check_values(policy: "Policy", outcome: str | None, severity: str | None, escalation: str | None,
                 incident: str) -> None:
    """Refuse an outcome, severity or escalation the policy lacks (J202), with a did-you-mean."""
    from ..diagnostics import did_you_mean

    checked = policy.checked
    for what, value, names in (("outcome", outcome, [o.name for o in checked.outcomes if o.name != REVIEW]),
                               ("severity", severity, [s.name for s in checked.severities]),
                               ("escalation", escalation, [e.name for e in checked.escalations])):
        if value is not None and value not in names:
            hint = did_you_mean(value, names) or N_("the policy has: {names}", names=", ".join(names) or "-")
            raise JournalError("J202", N_("the policy {id} {version} has no {what} `{value}` to conclude",
                                          id=policy.id, version=policy.version, what=what, value=value), hint,
                               incident=incident)


def index_columns(reading: VersionReading, body: Mapping[str, Any], occurred: str | None, day: _dt.date | None,
                  record: Mapping[str, Any]) -> dict[str, Any]:
    """The incident index's columns for a new decision: what the queue and the report read (no
    sensitive value: only `one of`, date and date-time values of fields that are not sensitive)."""
    facts = {}
    for name, enum in reading.indexed:
        value = record.get(name)
        if isinstance(value, (_dt.date, _dt.datetime)):  # a date cell of a workbook: its ISO text, read in the
            value = raw_json(value)                       # policy's zone when it has no offset, as a text is
        if isinstance(value, str):  # a `one of` value even where the record gave its label
            facts[name] = (enum_value(value, enum.values, enum.labels) or value) if enum is not None else value
    outcome, severity, pending = body["outcome"], body.get("severity"), body.get("pending")
    if severity is None:
        severity = (body.get("provisional") or {}).get("severity")
    missing = sorted({m for p in pending for m in p.get("missing", [])}) if pending else []
    return {"occurred_at": occurred, "occurred_on": day.isoformat() if day else None,
            "outcome": outcome, "severity": body.get("severity"), "escalation": body.get("escalation"),
            "rule": body.get("rule"),
            "rank": reading.ranks.get(severity, 0) + (100 if outcome == REVIEW else 0),  # reviews first
            "matched": canonical(body.get("matched") or []).decode(),
            "missing": canonical(missing).decode(),
            "facts": canonical(facts).decode()}
