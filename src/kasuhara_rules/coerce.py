"""Record values: one value coerced to the internal form of its type, and internal values as JSON.

Shared by the checker (the values of examples) and the engine (records); raises RecordError.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Mapping, Sequence

from .i18n import Message, N_
from . import values as vt
from .values import DAY as _DAY
from .datetimes import aware_datetime, iso_aware, parse_date, parse_datetime
from .values import EPOCH, UNIT_MICROS

_MICRO = _dt.timedelta(microseconds=1)

REDACTED = "‹redacted›"
MAX_NUMBER = 2**53 - 1        # numbers beyond ±9,007,199,254,740,991: JSON tools cannot exchange them exactly
MAX_DURATION = 36_525 * _DAY  # a hundred years, in microseconds
_DURATION_TEXT = re.compile(r"([+-]?)(\d[\d_]*(?:\.\d[\d_]*)?)\s*(s|sec|min|h|d)")
_ISO_DURATION = re.compile(
    r"([+-]?)P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?"
)
_ISO_PARTS = (7 * _DAY, _DAY, 3_600_000_000, 60_000_000, 1_000_000)


class RecordError(Exception):
    """An incident record that does not fit the schema. Never carries a sensitive value.

    `field` is the dotted path of the offending field (None for the record as a whole);
    `line` is the input line (or position) in a batch, when known. Read-only once made (a
    decision's error explains it; `at_line` gives a copy at another line).
    """

    __module__ = "kasuhara_rules"  # its public name: kasuhara_rules.RecordError

    def __init__(self, message: str, field: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "_made", True)

    def __setattr__(self, name: str, value: Any) -> None:
        # the exception machinery's own attributes (__traceback__, __notes__…) stay settable
        if getattr(self, "_made", False) and not name.startswith("__"):
            raise AttributeError(f"a RecordError is read-only (cannot set {name!r})")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if not name.startswith("__"):
            raise AttributeError(f"a RecordError is read-only (cannot delete {name!r})")
        object.__delattr__(self, name)

    def __reduce__(self) -> tuple[type["RecordError"], tuple[str, str | None, int | None]]:
        return (RecordError, (self.message, self.field, self.line))

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.described}"

    @property
    def described(self) -> str:
        """The message with the field it concerns: `field: message` (the message never names it)."""
        return N_("{field}: {message}", field=self.field, message=self.message) if self.field else self.message

    def at_line(self, line: int | None) -> "RecordError":
        return RecordError(self.message, self.field, line)

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "field": self.field, "line": self.line}

    message: str
    field: str | None
    line: int | None


def is_absent(value: Any) -> bool:
    """None, NaN (Python's or numpy's), pandas' NA and NaT: an absent value (duck-typed, no imports)."""
    if value is None:
        return True
    kind = value.__class__
    if kind is str or kind is int or kind is bool or kind is dict or kind is list:  # the common values
        return False
    if isinstance(value, float):
        return value != value
    if kind.__name__ in ("NAType", "NaTType") and kind.__module__.startswith("pandas"):
        return True
    if kind.__module__ == "numpy" and hasattr(value, "item"):
        try:
            item = value.item()
        except Exception:  # noqa: BLE001 - not a scalar after all
            return False
        return isinstance(item, float) and item != item
    return False


def plain(value: Any) -> Any:
    """A numpy scalar as its Python value (np.bool_ → bool, np.int64 → int, np.float64 → float);
    anything else unchanged. Duck-typed through `.item()`: numpy is never imported."""
    kind = type(value)
    if kind in (str, int, float, bool, dict, list) or kind.__module__ != "numpy":
        return value
    item = getattr(value, "item", None)
    if item is None or getattr(value, "ndim", 0) != 0:
        return value
    try:
        return item()
    except Exception:  # noqa: BLE001 - leave it to the type check
        return value


class Problem(Exception):
    """Raised by a coercer: what is wrong with a value (the caller adds the field)."""


def shown(value: Any, sensitive: bool) -> str:
    """A value as it may appear in a message: never the value of a sensitive field."""
    if sensitive:
        return N_("{kind} ({redacted})", kind=kind_phrase(value), redacted=REDACTED)
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "…"
        return '"' + text.replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int) and abs(value) > 10**40:  # repr of a huge int is slow, even refused
        return N_("a number of about {digits} digits", digits=int(value.bit_length() * 0.30103) + 1)
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "…"
    if isinstance(value, _dt.timedelta):  # a duration given from Python: as the JSON answers write one
        return duration_iso(value // _MICRO)
    return kind_phrase(value)


def kind_phrase(value: Any) -> str:
    """What kind of value this is, with its article: "an object", "a list".

    >>> kind_phrase({}), kind_phrase([1])
    ('an object', 'a list')
    """
    kind = json_kind(value)
    phrase = _KIND_PHRASES.get(kind)
    return phrase if phrase is not None else N_("a value of type {name}", name=kind)


_KIND_PHRASES = {"null": N_("null"), "boolean": N_("a true/false value"), "number": N_("a number"),
                 "text": N_("a text"), "object": N_("an object"), "list": N_("a list")}


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


# ---- coercion of single values ------------------------------------------------------


def coerce_bool(value: Any, sensitive: bool = False) -> bool:
    if value is True or value is False:
        return value
    raise Problem(N_("expected true or false, got {shown}", shown=shown(value, sensitive)))


def _in_range(value: int | float, sensitive: bool) -> int | float:
    if -MAX_NUMBER <= value <= MAX_NUMBER:
        return value
    size = N_("too large") if value > 0 else N_("too small")
    raise Problem(N_("the number is {size}: numbers must lie within ±9,007,199,254,740,991 (got {shown})", size=size, shown=shown(value, sensitive)))


def coerce_int(value: Any, sensitive: bool = False) -> int:
    if type(value) is int:
        return _in_range(value, sensitive)  # type: ignore[return-value]
    if type(value) is float and math.isfinite(value) and value.is_integer():
        return _in_range(int(value), sensitive)  # type: ignore[return-value]
    if isinstance(value, int) and not isinstance(value, bool):
        return _in_range(int(value), sensitive)  # type: ignore[return-value]
    raise Problem(N_("expected a whole number, got {shown}", shown=shown(value, sensitive)))


def coerce_number(value: Any, sensitive: bool = False) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Problem(N_("expected a number, got {shown}", shown=shown(value, sensitive)))
    if isinstance(value, float) and not math.isfinite(value):
        raise Problem(N_("expected a finite number, got NaN or infinity"))
    value = value if type(value) in (int, float) else (int(value) if isinstance(value, int) else float(value))
    return _in_range(value, sensitive)


def coerce_text(value: Any, sensitive: bool = False) -> str:
    if isinstance(value, str):
        return value
    raise Problem(N_("expected text, got {shown}", shown=shown(value, sensitive)))


def enum_value(text: str, values: Sequence[str], labels: Sequence[str | None]) -> str | None:
    """The `one of` value a record's text stands for: the value itself, else the value whose
    label it is (compared as people read: width, case and kana folded, spaces ignored), else None.
    The checker refuses labels that could make this ambiguous (E222).

    >>> enum_value("窓口", ("counter", "phone"), ("窓口", "電話")), enum_value(" でんわ", ("phone",), ("デンワ",))
    ('counter', 'phone')
    """
    if text in values:
        return text
    if not labels:
        return None
    for value, label in zip(values, labels):
        if label is not None and label == text:
            return value
    from .diagnostics import fold_label

    key = fold_label(text)
    for value, label in zip(values, labels):
        if label is not None and fold_label(label) == key:
            return value
    return None


def coerce_enum(value: Any, values: Sequence[str], sensitive: bool = False,
                labels: Sequence[str | None] = ()) -> str:
    if isinstance(value, str):
        found = enum_value(value, values, labels)
        if found is not None:
            return found
    listed = ", ".join(f'"{v}"' if not labels or not labels[i] or labels[i] == v else f'"{v}" ("{labels[i]}")'
                       for i, v in enumerate(values))
    if isinstance(value, str) and not sensitive:
        from .diagnostics import closest

        guess = closest(value, list(values) + [lab for lab in labels if lab])
        if guess:
            raise Problem(N_('{shown} is not one of {listed}; did you mean "{guess}"?', shown=shown(value, False),
                             listed=listed, guess=guess))
        raise Problem(N_("{shown} is not one of {listed}", shown=shown(value, False), listed=listed))
    raise Problem(N_("expected one of {listed}, got {shown}", listed=listed, shown=shown(value, sensitive)))


def parse_duration_text(text: str) -> int | None:
    """Microseconds of `"35min"`, `"1.5h"`, `"45s"`, `"7d"` or ISO 8601 `"PT35M"`; None if neither.

    >>> parse_duration_text("35min"), parse_duration_text("PT1H30M"), parse_duration_text("1.5 h")
    (2100000000, 5400000000, 5400000000)
    """
    text = text.strip()
    m = _DURATION_TEXT.fullmatch(text)
    if m:
        unit = "s" if m.group(3) == "sec" else m.group(3)
        digits = m.group(2).replace("_", "")
        if "." in digits:
            from decimal import Decimal

            micros = int(Decimal(digits) * UNIT_MICROS[unit])
        else:
            micros = int(digits) * UNIT_MICROS[unit]
        return -micros if m.group(1) == "-" else micros
    m = _ISO_DURATION.fullmatch(text.upper())
    if m and any(m.group(i) for i in range(2, 7)) and not text.upper().endswith("T"):
        from decimal import Decimal

        total = Decimal(0)
        for part, size in zip(m.groups()[1:], _ISO_PARTS):
            if part:
                total += Decimal(part.replace(",", ".")) * size
        micros = int(total)
        return -micros if m.group(1) == "-" else micros
    return None


def _duration_in_range(micros: int, value: Any, sensitive: bool) -> int:
    if 0 <= micros <= MAX_DURATION:
        return micros
    if micros < 0:
        raise Problem(N_("a duration cannot be negative (got {shown})", shown=shown(value, sensitive)))
    raise Problem(N_("the duration {shown} is longer than a hundred years", shown=shown(value, sensitive)))


def coerce_duration(value: Any, unit: str = "seconds", sensitive: bool = False) -> int:
    if type(value) is int:
        return _duration_in_range(value * vt.UNITS[unit], value, sensitive)
    if type(value) is float:
        if not math.isfinite(value):
            raise Problem(N_("expected a finite duration, got NaN or infinity"))
        if abs(value) * vt.UNITS[unit] > MAX_DURATION:
            return _duration_in_range(MAX_DURATION + 1 if value > 0 else -1, value, sensitive)
        return _duration_in_range(round(value * vt.UNITS[unit]), value, sensitive)
    if isinstance(value, str):
        micros = parse_duration_text(value) if len(value) <= 100 else None
        if micros is not None:
            return _duration_in_range(micros, value, sensitive)
        raise Problem(
            N_("{shown} is not a duration; write a number of {unit}, or text such as \"35min\", \"1.5h\" or \"PT35M\"", shown=shown(value, sensitive), unit=unit)
        )
    if isinstance(value, _dt.timedelta):
        return _duration_in_range(value // _dt.timedelta(microseconds=1), value, sensitive)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return coerce_duration(float(value) if isinstance(value, float) else int(value), unit, sensitive)
    raise Problem(N_("expected a duration (a number of {unit}, or text such as \"35min\"), got {shown}", unit=unit, shown=shown(value, sensitive)))


def coerce_datetime(value: Any, sensitive: bool = False, zone: str | None = None) -> int:
    """Microseconds since the epoch of a record's date-time (datetimes.py: the formats, and `zone`,
    the policy's time zone, for values without a UTC offset)."""
    if value.__class__ is str:  # the commonest form first, without preparing a message it cannot need
        moment = iso_aware(value)
        if moment is not None:
            return (moment - EPOCH) // _MICRO
    try:
        if isinstance(value, str):
            moment = parse_datetime(value, zone, shown(value, sensitive))
        elif isinstance(value, _dt.datetime):
            moment = aware_datetime(value, zone, shown(value.isoformat(" "), sensitive))
        else:
            raise Problem(N_("expected a date-time such as \"2026-04-01T09:30:00+09:00\", got {shown}",
                             shown=shown(value, sensitive)))
        return (moment - EPOCH) // _dt.timedelta(microseconds=1)
    except (ValueError, OverflowError) as exc:  # DateTimeProblem, an unknown zone, a year out of range
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, Message):  # ours (DateTimeProblem): already a sentence
            raise Problem(reason) from None
        # the library's English ("date value out of range", "year 0 is out of range"): our own sentence
        raise Problem(N_("{shown} is out of the range of date-times (the years 1 to 9999, in UTC and in the "
                         "policy's time zone)", shown=shown(value.isoformat(" ") if isinstance(value, _dt.datetime) else value,
                                                  sensitive))) from None


def coerce_date(value: Any, sensitive: bool = False) -> int:
    day: _dt.date | None = None
    if isinstance(value, str):
        day = parse_date(value)
        if day is None:
            raise Problem(N_("{shown} is not a date such as 2026-04-01 or 2026/4/1", shown=shown(value, sensitive)))
    elif isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        day = value
    else:
        raise Problem(N_("expected a date such as \"2026-04-01\", got {shown}", shown=shown(value, sensitive)))
    return vt.date_micros(day)


def coerce(ftype: vt.Type, value: Any, path: str, sensitive: bool, zone: str | None = None) -> Any:
    """Coerce a non-null value to the internal form of `ftype`; raises RecordError. `zone` is the
    policy's time zone: the zone of date-times written without a UTC offset."""
    kind = ftype.kind
    value = plain(value)
    try:
        if kind == vt.BOOL:
            return coerce_bool(value, sensitive)
        if kind == vt.INT:
            return coerce_int(value, sensitive)
        if kind == vt.NUMBER:
            return coerce_number(value, sensitive)
        if kind == vt.TEXT:
            return coerce_text(value, sensitive)
        if kind == vt.ENUM:
            return coerce_enum(value, ftype.values, sensitive, ftype.labels)
        if kind == vt.DURATION:
            return coerce_duration(value, ftype.unit, sensitive)
        if kind == vt.DATETIME:
            return coerce_datetime(value, sensitive, zone)
        if kind == vt.DATE:
            return coerce_date(value, sensitive)
    except Problem as problem:
        raise RecordError(problem.args[0], path) from None
    if kind == vt.LIST:
        if not isinstance(value, (list, tuple)):
            raise RecordError(N_("expected a list, got {shown}", shown=shown(value, sensitive)), path)
        elem = ftype.elem()
        out = []
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if is_absent(item):
                raise RecordError(N_("a list may not contain null (or NaN, NA)"), where)
            out.append(coerce(elem, item, where, sensitive, zone))
        return out
    if kind == vt.RECORD:
        if value.__class__ is not dict and not isinstance(value, Mapping):
            raise RecordError(N_("expected an object with fields, got {shown}", shown=shown(value, sensitive)), path)
        return coerce_fields(ftype.fields, value, path + ".", sensitive, zone)
    if kind == vt.ERROR:  # a type the checker refused (its error says why): nothing more to say
        return value
    raise RecordError(N_("a field of unusable type"), path)  # pragma: no cover


def coerce_fields(fields: Sequence[Any], record: Mapping[str, Any], prefix: str = "",
                  sensitive: bool = False, zone: str | None = None) -> tuple[Any, ...]:
    """Validate a mapping against `fields`; a tuple of internal values (None = unknown)."""
    out: list[Any] = []
    for f in fields:
        path = prefix + f.name
        value = record.get(f.name)
        if is_absent(value):
            if not f.optional:
                state = N_("null or NaN") if f.name in record else N_("missing")
                raise RecordError(N_("{state}, but the schema requires it", state=state), path)
            out.append(None)
            continue
        out.append(coerce(f.type, value, path, sensitive or f.sensitive, zone))
    return tuple(out)


# ---- rendering values as JSON ----------------------------------------------------------


def duration_iso(micros: int) -> str:
    """ISO 8601 duration text of a length in microseconds.

    >>> duration_iso(2_100_000_000), duration_iso(90_061_500_000), duration_iso(0)
    ('PT35M', 'P1DT1H1M1.5S', 'PT0S')
    """
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, rest = divmod(micros, _DAY)
    hours, rest = divmod(rest, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    from decimal import Decimal

    seconds = Decimal(rest) / 1_000_000
    out = sign + "P"
    if days:
        out += f"{days}D"
    time = ""
    if hours:
        time += f"{hours}H"
    if minutes:
        time += f"{minutes}M"
    if seconds:
        time += f"{seconds.normalize():f}S"
    if time or not days:
        out += "T" + (time or "0S")
    return out


def datetime_iso(micros: int) -> str:
    value = EPOCH + _dt.timedelta(microseconds=micros)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def date_iso(micros: int) -> str:
    return (EPOCH + _dt.timedelta(microseconds=micros)).date().isoformat()


def to_json(value: Any, ftype: vt.Type) -> Any:
    """An internal value as JSON: durations and times in ISO 8601, records as objects."""
    if value is None:
        return None
    kind = ftype.kind
    if kind == vt.DURATION:
        return duration_iso(value)
    if kind == vt.DATETIME:
        return datetime_iso(value)
    if kind == vt.DATE:
        return date_iso(value)
    if kind == vt.LIST or kind == vt.PHRASES:
        elem = ftype.elem()
        return [to_json(v, elem) for v in value]
    if kind == vt.RECORD:
        return {f.name: to_json(v, f.type) for f, v in zip(ftype.fields, value)}
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value


def raw_json(value: Any) -> Any:
    """A record value as given, made JSON-compatible (Python dates and timedeltas as ISO text)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): raw_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [raw_json(v) for v in value]
    if isinstance(value, _dt.timedelta):
        return duration_iso(value // _dt.timedelta(microseconds=1))
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)
