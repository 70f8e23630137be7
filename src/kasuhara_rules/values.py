"""The value types of the language (bool, int, text, duration, lists, records…) and their names."""
from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

from .i18n import N_

BOOL = "bool"
INT = "int"
NUMBER = "number"
TEXT = "text"
ENUM = "enum"
DATE = "date"
DATETIME = "datetime"
DURATION = "duration"
LIST = "list"
RECORD = "record"
PHRASES = "phrases"
ERROR = "error"

SCALAR_TYPE_NAMES = ("bool", "int", "number", "text", "date", "datetime", "duration")
TYPE_NAMES = SCALAR_TYPE_NAMES + ("one of", "list of")
# `duration in UNIT`: the unit a bare number in a record means, and its length in microseconds.
# The one table of duration units: schema unit name, literal suffix, length in microseconds,
# and how people read it (Japanese, English short, English long), largest first.
DURATION_UNITS = (
    ("days", "d", 86_400_000_000, "日", " d", "day"),
    ("hours", "h", 3_600_000_000, "時間", " h", "hour"),
    ("minutes", "min", 60_000_000, "分", " min", "minute"),
    ("seconds", "s", 1_000_000, "秒", " s", "second"),
)
UNITS = {name: micros for name, _, micros, *_ in DURATION_UNITS}          # schema unit → µs
UNIT_SUFFIX = {name: suffix for name, suffix, *_ in DURATION_UNITS}      # schema unit → suffix
UNIT_MICROS = {suffix: micros for _, suffix, micros, *_ in DURATION_UNITS}  # literal suffix → µs
DAY = UNITS["days"]
# The one epoch: times are microseconds since 1970-01-01T00:00:00Z; dates are their midnight UTC.
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def date_micros(day: _dt.date) -> int:
    """Microseconds since the epoch of midnight UTC of `day`.

    >>> date_micros(_dt.date(1970, 1, 2))
    86400000000
    """
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY


@attrs.frozen
class Type:
    """A value type. `values` for enums, `element` for lists, `fields` for records, `unit` for durations."""

    kind: str
    values: tuple[str, ...] = ()
    element: "Type | None" = None
    fields: tuple[Any, ...] = ()  # check.checked.Field, which this base module cannot name
    unit: str = "seconds"
    # the labels of `values` (None where a value has none; () when none has one): what people
    # see, never part of the type's identity
    labels: tuple["str | None", ...] = attrs.field(default=(), eq=False)

    def label_of(self, value: str) -> str:
        """The label people see for a `one of` value; the value itself when it has none.

        >>> Type(ENUM, values=("phone", "sns"), labels=("電話", None)).label_of("phone")
        '電話'
        """
        if self.labels:
            for v, label in zip(self.values, self.labels):
                if v == value:
                    return label or value
        return value

    # -- classification -------------------------------------------------------------
    @property
    def is_error(self) -> bool:
        return self.kind == ERROR

    @property
    def is_numeric(self) -> bool:
        return self.kind in (INT, NUMBER)

    @property
    def is_textual(self) -> bool:
        return self.kind in (TEXT, ENUM)

    @property
    def is_orderable(self) -> bool:
        return self.kind in (INT, NUMBER, DURATION, DATE, DATETIME)

    @property
    def is_list(self) -> bool:
        return self.kind in (LIST, PHRASES)

    @property
    def is_scalar(self) -> bool:
        return self.kind in (BOOL, INT, NUMBER, TEXT, ENUM, DATE, DATETIME, DURATION)

    def elem(self) -> "Type":
        if self.kind == PHRASES:
            return T_TEXT
        return self.element or T_ERROR

    def field(self, name: str) -> Any:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def noun(self) -> str:
        """The type with an article, for sentences: `a duration`, `a list of text`, `true/false`."""
        if self.kind == ENUM:
            return self.describe()
        if self.kind == BOOL:
            return N_("true/false (bool)")
        if self.kind == INT:
            return N_("a whole number (int)")
        if self.kind == TEXT:
            return N_("text")
        if self.kind == ERROR:
            return N_("unknown")
        word = self.describe()
        return N_("an {word}", word=word) if word[0] in "aeiou" else N_("a {word}", word=word)

    def describe(self) -> str:
        """A short name for messages: `text`, `list of text`, `one of ["a", "b"]`."""
        if self.kind == ENUM:
            shown = ", ".join(f'"{v}"' for v in self.values[:4])
            more = ", …" if len(self.values) > 4 else ""
            return f"one of [{shown}{more}]"
        if self.kind == LIST:
            return f"list of {self.elem().describe()}"
        if self.kind == RECORD:
            return "record {" + ", ".join(f.name for f in self.fields[:4]) + (", …" if len(self.fields) > 4 else "") + "}"
        if self.kind == PHRASES:
            return "phrase list"
        if self.kind == DURATION:
            return "duration"
        if self.kind == ERROR:
            return "?"
        return self.kind


T_BOOL = Type(BOOL)
T_INT = Type(INT)
T_NUMBER = Type(NUMBER)
T_TEXT = Type(TEXT)
T_DATE = Type(DATE)
T_DATETIME = Type(DATETIME)
T_DURATION = Type(DURATION)
T_PHRASES = Type(PHRASES)
T_ERROR = Type(ERROR)


def list_of(element: Type) -> Type:
    return Type(LIST, element=element)


def comparable(a: Type, b: Type) -> bool:
    """Whether `==` between values of these types is well-typed."""
    if a.is_error or b.is_error:
        return True
    if a.is_numeric and b.is_numeric:
        return True
    if a.is_textual and b.is_textual:
        return True
    if a.kind in (LIST, RECORD, PHRASES) or b.kind in (LIST, RECORD, PHRASES):
        return False
    return a.kind == b.kind


def same_order(a: Type, b: Type) -> bool:
    """Whether `<` between values of these types is well-typed."""
    if a.is_error or b.is_error:
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return a.kind == b.kind and a.is_orderable

def parse_datetime_micros(text: str) -> int | None:
    """Microseconds since the epoch of an ISO 8601 date-time with offset, else None.

    >>> parse_datetime_micros("1970-01-01T09:00:00+09:00")
    0
    >>> parse_datetime_micros("2026-04-01T09:00:00") is None
    True
    """
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return None
    return (value - EPOCH) // _dt.timedelta(microseconds=1)
