"""The incident form built from a policy's schema, and the submitted form read back into a record.

Each schema field becomes one input named by its path (`contacts.0.at` for a row of a list): a
required `bool` is a yes/no choice (never a checkbox, whose absence would read as false), an
optional one yes/no/unknown; a `one of` is a choice with the values' labels; a duration is a number
with its unit; a date-time is the browser's date-time input in the desk's time zone; a list is
repeatable rows. Reading the form back never guesses: what cannot be read is an error on that
field, and an empty optional field is absent (unknown), not false.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

from .. import values as vt
from ..i18n import N_, Message

ROWS_SUFFIX = ".rows"
UNIT_SUFFIX = ".unit"
MAX_ROWS = 50


@attrs.frozen
class Widget:
    """One input of the form (or a group: a record, or a list's rows)."""

    name: str  # the input's name: the field's path, rows numbered
    field: str  # the schema field's name
    label: str
    kind: str  # yesno, yesnounknown, int, number, text, textarea, choice, date, datetime, duration, list, record
    required: bool = False
    sensitive: bool = False
    key: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    unit: str = "minutes"
    children: tuple["Widget", ...] = ()
    rows: tuple[tuple["Widget", ...], ...] = ()  # a list: the widgets of each row
    template: tuple["Widget", ...] = ()  # a list: the widgets of a new row (`__ROW__` in their names)
    element: str = ""  # a list of scalars: the kind of each element

    @property
    def dom_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}_", self.name)


def choice_labels(t: vt.Type) -> tuple[tuple[str, str], ...]:
    """The `one of` values with their labels (1.2) where the policy gives them."""
    label_of = getattr(t, "label_of", None)
    return tuple((v, label_of(v) if callable(label_of) else v) for v in t.values)


def widgets(fields: Sequence[Any], rows: Mapping[str, int] | None = None, prefix: str = "") -> tuple[Widget, ...]:
    """The form's widgets for `fields` (a schema, or a record type's fields); `rows` says how many rows
    each list shows (by input name; one more empty row is always offered)."""
    return tuple(_widget(f, prefix + f.name, rows or {}) for f in fields)


def _widget(f: Any, name: str, rows: Mapping[str, int]) -> Widget:
    t: vt.Type = f.type
    common = {"name": name, "field": f.name, "label": f.label or f.name, "required": not f.optional,
              "sensitive": f.sensitive, "key": f.key}
    kind = t.kind
    if kind == vt.BOOL:
        return Widget(kind="yesno" if not f.optional else "yesnounknown", **common)
    if kind == vt.ENUM:
        return Widget(kind="choice", choices=choice_labels(t), **common)
    if kind == vt.DURATION:
        return Widget(kind="duration", unit=t.unit, **common)
    if kind in (vt.INT, vt.NUMBER, vt.DATE, vt.DATETIME):
        return Widget(kind=kind, **common)
    if kind == vt.TEXT:
        return Widget(kind="text" if f.key else "textarea", **common)
    if kind == vt.RECORD:
        return Widget(kind="record", children=widgets(t.fields, rows, name + "."), **common)
    if kind == vt.LIST:
        element = t.elem()
        count = min(max(rows.get(name, 0), 0), MAX_ROWS)
        if element.kind == vt.RECORD:
            made = tuple(widgets(element.fields, rows, f"{name}.{i}.") for i in range(count + 1))
            template = widgets(element.fields, rows, f"{name}.__ROW__.")
            return Widget(kind="list", rows=made, template=template, element="record", **common)
        scalar = attrs.evolve(f, optional=True, key=False)
        made = tuple((_scalar_row(scalar, f"{name}.{i}", element),) for i in range(count + 1))
        return Widget(kind="list", rows=made, template=(_scalar_row(scalar, f"{name}.__ROW__", element),),
                      element=element.kind, **common)
    return Widget(kind="text", **common)


def _scalar_row(f: Any, name: str, element: vt.Type) -> Widget:
    inner = attrs.evolve(f, type=element)
    return _widget(inner, name, {})


# -- reading a submitted form ------------------------------------------------------------------


@attrs.frozen
class Read:
    """A form read back: the record, and the error of each input that could not be read."""

    record: dict[str, Any]
    errors: dict[str, Message]


def read_form(form: Mapping[str, Any], fields: Sequence[Any], zone: str) -> Read:
    """The record a submitted form describes (values as the record format writes them: durations
    as `35min`, date-times in ISO 8601 with the offset of `zone`)."""
    errors: dict[str, Message] = {}
    record = _read_fields(form, fields, "", zone, errors)
    return Read(record, errors)


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _read_fields(form: Mapping[str, Any], fields: Sequence[Any], prefix: str, zone: str,
                 errors: dict[str, Message]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        name = prefix + f.name
        value = _read_value(form, f, f.type, name, zone, errors)
        if value is _ABSENT:
            if not f.optional and name not in errors:
                errors[name] = N_("this field is required")
            continue
        out[f.name] = value
    return out


class _Absent:
    def __repr__(self) -> str:
        return "absent"


_ABSENT: Any = _Absent()


def _read_value(form: Mapping[str, Any], f: Any, t: vt.Type, name: str, zone: str,
                errors: dict[str, Message]) -> Any:
    kind = t.kind
    if kind == vt.RECORD:
        inner = _read_fields(form, t.fields, name + ".", zone, errors)
        return inner if inner or not f.optional else _ABSENT
    if kind == vt.LIST:
        return _read_list(form, f, t, name, zone, errors)
    text = _text(form, name)
    if kind == vt.BOOL:
        if text in ("", "unknown"):
            return _ABSENT
        if text in ("true", "false"):
            return text == "true"
        errors[name] = N_("choose yes or no")
        return _ABSENT
    if text == "":
        return _ABSENT
    try:
        return _convert(kind, t, text, _text(form, name + UNIT_SUFFIX), zone)
    except ValueError as exc:
        errors[name] = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else N_("this value cannot be read")
        return _ABSENT


def _convert(kind: str, t: vt.Type, text: str, unit: str, zone: str) -> Any:
    if kind == vt.INT:
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            raise ValueError(N_("write a whole number, such as 3"))
        return int(text)
    if kind == vt.NUMBER:
        try:
            number = float(text)
        except ValueError:
            raise ValueError(N_("write a number, such as 2.5")) from None
        if not math.isfinite(number):
            raise ValueError(N_("write a number, such as 2.5"))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == vt.ENUM:
        if text not in t.values:
            raise ValueError(N_("choose one of the choices"))
        return text
    if kind == vt.DATE:
        try:
            return _dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(N_("write a date such as 2026-05-01")) from None
    if kind == vt.DATETIME:
        return local_datetime(text, zone)
    if kind == vt.DURATION:
        suffix = vt.UNIT_SUFFIX.get(unit or t.unit)
        if suffix is None:
            raise ValueError(N_("choose a unit"))
        if not re.fullmatch(r"\d{1,9}(\.\d{1,6})?", text):
            raise ValueError(N_("write a length such as 30 (a number, then choose its unit)"))
        return f"{text}{suffix}"
    return text


def local_datetime(text: str, zone: str) -> str:
    """A browser's date-time (`2026-05-01T10:30`, no offset) read in `zone`, written with its offset.

    >>> local_datetime("2026-05-01T10:30", "Asia/Tokyo")
    '2026-05-01T10:30:00+09:00'
    """
    try:
        moment = _dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(N_("write a date and time such as 2026-05-01 10:30")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat(timespec="seconds")


def _read_list(form: Mapping[str, Any], f: Any, t: vt.Type, name: str, zone: str,
               errors: dict[str, Message]) -> Any:
    element = t.elem()
    count = min(_count(form, name), MAX_ROWS + 1)
    items: list[Any] = []
    for i in range(count):
        row = f"{name}.{i}"
        if element.kind == vt.RECORD:
            if not any(_text(form, key) for key in _row_inputs(element.fields, row + ".")):
                continue  # an empty row is no row
            before = len(errors)
            value = _read_fields(form, element.fields, row + ".", zone, errors)
            if len(errors) == before:
                items.append(value)
        else:
            if _text(form, row) == "":
                continue
            value = _read_value(form, attrs.evolve(f, optional=True), element, row, zone, errors)
            if value is not _ABSENT:
                items.append(value)
    return items


def _count(form: Mapping[str, Any], name: str) -> int:
    text = _text(form, name + ROWS_SUFFIX)
    return int(text) if text.isdigit() else 0


def _row_inputs(fields: Sequence[Any], prefix: str) -> list[str]:
    names = []
    for f in fields:
        if f.type.kind == vt.RECORD:
            names.extend(_row_inputs(f.type.fields, prefix + f.name + "."))
        else:
            names.append(prefix + f.name)
    return names


def rows_wanted(form: Mapping[str, Any], fields: Sequence[Any], grow: str | None) -> dict[str, int]:
    """How many rows each list showed (and one more for the list whose "add a row" was pressed)."""
    rows: dict[str, int] = {}
    for f in fields:
        if f.type.kind == vt.LIST:
            rows[f.name] = min(_count(form, f.name) - 1, MAX_ROWS) if _count(form, f.name) else 0
            rows[f.name] = max(rows[f.name], 0) + (1 if grow == f.name else 0)
    return rows


# -- a record shown in the form again (amending) -----------------------------------------------


def form_values(record: Mapping[str, Any], fields: Sequence[Any], zone: str, prefix: str = "") -> dict[str, str]:
    """The inputs' values that show `record` in the form (what `read_form` reads back)."""
    out: dict[str, str] = {}
    for f in fields:
        if f.name not in record or record[f.name] is None:
            continue
        _fill(out, f.type, prefix + f.name, record[f.name], zone)
    return out


def _fill(out: dict[str, str], t: vt.Type, name: str, value: Any, zone: str) -> None:
    from ..coerce import Problem, coerce_datetime, coerce_duration, datetime_iso

    kind = t.kind
    if kind == vt.RECORD and isinstance(value, Mapping):
        out.update(form_values(value, t.fields, zone, name + "."))
    elif kind == vt.LIST and isinstance(value, list):
        out[name + ROWS_SUFFIX] = str(len(value) + 1)
        for i, item in enumerate(value):
            _fill(out, t.elem(), f"{name}.{i}", item, zone)
    elif kind == vt.BOOL:
        out[name] = "true" if value is True else "false" if value is False else ""
    elif kind == vt.DURATION:
        try:
            micros = coerce_duration(value, t.unit)
        except Problem:
            out[name] = str(value)
            return
        for unit in (t.unit, "minutes", "seconds"):
            amount = micros / vt.UNITS[unit]
            if amount == int(amount):
                out[name], out[name + UNIT_SUFFIX] = str(int(amount)), unit
                return
        out[name], out[name + UNIT_SUFFIX] = f"{micros / vt.UNITS['seconds']:g}", "seconds"
    elif kind == vt.DATETIME:
        try:
            moment = _dt.datetime.fromisoformat(datetime_iso(coerce_datetime(value)).replace("Z", "+00:00"))
        except (Problem, ValueError):
            out[name] = str(value)
            return
        out[name] = moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    else:
        out[name] = str(value)


def rows_of(record: Mapping[str, Any], fields: Sequence[Any]) -> dict[str, int]:
    """How many rows each list of `record` needs in the form."""
    return {f.name: len(record.get(f.name) or []) for f in fields
            if f.type.kind == vt.LIST and isinstance(record.get(f.name), list)}


def duration_units() -> tuple[str, ...]:
    return tuple(name for name, *_ in vt.DURATION_UNITS)
