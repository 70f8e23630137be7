"""Cells of a spreadsheet or a data frame as the record values they stand for, by the field's type.

A text cell is read as a CSV cell is (`はい`, `true`, `1` for yes; numbers; JSON for a list or a
record); what a spreadsheet or pandas types itself is taken as such, with the conversions a
spreadsheet needs: a whole number of 1 or 0 (pandas' 1.0 and 0.0) in a yes/no field is true or
false, a number in a text or `one of` field is its digits (`1001`, not `1001.0`), a date-time at
midnight in a date field is that date, a time of day in a duration field (Excel's `0:35`) is that
length. Anything else is left for the engine to accept or to refuse with its message.
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Callable

from .. import values as vt
from ..check.checked import Field
from ..coerce import is_absent, plain

ABSENT = None  # what an empty cell becomes (the engine reads it as an absent value)


def typed_cell(field: Field | None, value: Any) -> Any:
    """A cell's value as the record value it stands for (see the module's docstring).

    >>> from kasuhara_rules import parse_policy
    >>> fields = {f.name: f for f in parse_policy('''policy "t" { id t version "1" otherwise claim }
    ... outcomes { claim } schema { ok: optional bool, n: int, code: text, day: date }''').checked.fields}
    >>> typed_cell(fields["ok"], 1.0), typed_cell(fields["n"], "12"), typed_cell(fields["code"], 1001.0)
    (True, 12, '1001')
    >>> typed_cell(fields["day"], _dt.datetime(2027, 4, 1))
    datetime.date(2027, 4, 1)
    """
    if value is None:
        return ABSENT
    value = plain(value)
    if isinstance(value, str):
        if value == "":
            return ABSENT
        from .batch import csv_cell

        return csv_cell(field, value) if field is not None else value
    if field is None or is_absent(value):
        return value
    return _CONVERT.get(field.type.kind, _same)(value)


def _same(value: Any) -> Any:
    return value


def _bool(value: Any) -> Any:
    if type(value) in (int, float) and value in (0, 1):
        return bool(value)
    return value


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return value


def _date(value: Any) -> Any:
    if isinstance(value, _dt.datetime) and value.tzinfo is None and value.time() == _dt.time(0):
        return value.date()
    return value


def _datetime(value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _duration(value: Any) -> Any:
    if isinstance(value, _dt.time) and value.tzinfo is None:
        return _dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second,
                             microseconds=value.microsecond)
    return value


_CONVERT: dict[str, Callable[[Any], Any]] = {
    vt.BOOL: _bool, vt.TEXT: _text, vt.ENUM: _text, vt.DATE: _date, vt.DATETIME: _datetime,
    vt.DURATION: _duration,
}
