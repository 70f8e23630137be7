"""The value types of the language (bool, int, text, duration, lists, records…) and their names."""
from __future__ import annotations

import attrs

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
UNITS = {"seconds": 1_000_000, "minutes": 60_000_000, "hours": 3_600_000_000, "days": 86_400_000_000}
UNIT_SUFFIX = {"seconds": "s", "minutes": "min", "hours": "h", "days": "d"}


@attrs.frozen
class Type:
    """A value type. `values` for enums, `element` for lists, `fields` for records, `unit` for durations."""

    kind: str
    values: tuple[str, ...] = ()
    element: "Type | None" = None
    fields: tuple = ()
    unit: str = "seconds"

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

    def field(self, name: str):
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def noun(self) -> str:
        """The type with an article, for sentences: `a duration`, `a list of text`, `true/false`."""
        if self.kind == ENUM:
            return self.describe()
        if self.kind == BOOL:
            return "true/false (bool)"
        if self.kind == INT:
            return "a whole number (int)"
        if self.kind == TEXT:
            return "text"
        if self.kind == ERROR:
            return "unknown"
        word = self.describe()
        return ("an " if word[0] in "aeiou" else "a ") + word

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
