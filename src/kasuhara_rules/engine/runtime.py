"""Helpers that compiled policies call: validation fallbacks, three-valued aggregates, safe arithmetic."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Sequence

from ..i18n import N_
from .. import values as vt
from ..check.checked import Field
from .records import REDACTED, RecordError, coerce, is_absent, raw_json
from ..text.normalize import nfkc, normalize
from .tracedata import EMPTY, TraceDict, TraceList, freeze

# ---- validation fallbacks: the fast path checks the common case inline, these do the rest ----


class _Absent:
    """The value the generated code reads for a field the record does not have."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def coerce_field(f: Field, value: Any, zone: str | None = None) -> Any:
    """Coerce a top-level field's value the slow way; absent or null optional fields are None
    (`zone`: the policy's time zone, for date-times written without an offset)."""
    if value is ABSENT or is_absent(value):  # None, NaN, pd.NA, pd.NaT
        if f.optional:
            return None
        state = N_("missing") if value is ABSENT else N_("null or NaN")
        raise RecordError(N_("{state}, but the schema requires it", state=state), f.path)
    return coerce(f.type, value, f.path, f.sensitive, zone)


# ---- three-valued logic ------------------------------------------------------------------


def and3(*values: Any) -> Any:
    """Kleene `and`: false wins, then unknown (None), else true.

    >>> and3(True, None), and3(False, None), and3(True, True)
    (None, False, True)
    """
    result: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def or3(*values: Any) -> Any:
    """Kleene `or`: true wins, then unknown (None), else false."""
    result: bool | None = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def count3(results: Sequence[Any]) -> Any:
    """How many conditions are true; unknown if any is unknown."""
    total = 0
    for r in results:
        if r is None:
            return None
        if r:
            total += 1
    return total


def any3(results: Sequence[Any]) -> Any:
    """True once one element is true; else unknown if any is unknown; else false."""
    return or3(*results)


def all3(results: Sequence[Any]) -> Any:
    """False once one element is false; else unknown if any is unknown; else true."""
    return and3(*results)


def sum3(values: Sequence[Any] | None) -> Any:
    if values is None or None in values:
        return None
    return sum(values)


def min3(values: Sequence[Any] | None) -> Any:
    if not values or None in values:
        return None
    return min(values)


def max3(values: Sequence[Any] | None) -> Any:
    if not values or None in values:
        return None
    return max(values)


def div(a: Any, b: Any) -> Any:
    """a / b; unknown when b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def dur_div(a: Any, b: Any) -> Any:
    """A duration divided by a number: whole microseconds, rounded half to even."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b)


def dur_mul(a: Any, b: Any) -> Any:
    """A duration times a number (either order): whole microseconds."""
    if a is None or b is None:
        return None
    product = a * b
    return product if type(product) is int else round(product)


def norm_set(items: Sequence[str | None] | None) -> Any:
    """The normalised forms of a list of texts, as a set; an unknown element stays None."""
    if items is None:
        return None
    if not items:  # the commonest list of words: none (a shared, unchangeable empty set)
        return _NO_TEXTS
    try:  # the common case: texts seen before, each one dictionary lookup
        return {_NORMALIZED[x] for x in items}
    except KeyError:  # a new text, or an unknown element
        pass
    if len(_NORMALIZED) < _NORMALIZED_LIMIT:
        for x in items:
            if x is not None and len(x) <= TEXT_KEY_LIMIT:
                _NORMALIZED[x] = normalize(x)  # the same value whichever thread stores it
    return {None if x is None else normalize(x) for x in items}


_NO_TEXTS: frozenset[str] = frozenset()
# The normalised forms of the short texts of lists seen so far (words, kinds…): a cache of a
# pure function, bounded, never emptied; a record's words are mostly from a small vocabulary.
_NORMALIZED: dict[str | None, str] = {}  # (None is never stored: it is the slow path)
_NORMALIZED_LIMIT = 8192


def snap_nested(snap: dict[str, Any], name: str, value: Any) -> None:
    """Put a deep copy of a record's list or record field `name` into its snapshot `snap`."""
    if value is not ABSENT and value.__class__ not in ATOMS:
        snap[name] = deep_copy(value)


ATOMS = frozenset({str, int, float, bool, type(None)})


def deep_copy(value: Any) -> Any:
    """A copy of JSON-like data all the way down (texts, numbers and the like are shared)."""
    cls = value.__class__
    if cls is list:
        if ATOMS.issuperset(map(type, value)):  # a list of texts or numbers: a flat copy is a deep one
            return value[:]
        return [x if x.__class__ in ATOMS else deep_copy(x) for x in value]
    if cls is dict:
        return {k: (x if x.__class__ in ATOMS else deep_copy(x)) for k, x in value.items()}
    if cls is tuple:
        return tuple(deep_copy(x) for x in value)
    if isinstance(value, Mapping):
        return {k: deep_copy(x) for k, x in value.items()}
    if isinstance(value, list):
        return [deep_copy(x) for x in value]
    return value


def in3(value: Any, items: Any) -> bool | None:
    """`value in items` when some elements may be unknown (None): true when a known element
    equals it, unknown when it is not among the known ones but an element is unknown."""
    if value in items:
        return True
    return None if None in items else False


def not_in3(value: Any, items: Any) -> bool | None:
    """`value not in items`, three-valued as in3."""
    found = in3(value, items)
    return None if found is None else not found


def any_in3(members: Any, items: Any) -> bool | None:
    """`items contains any members` on a list whose elements may be unknown."""
    if not members.isdisjoint(items):
        return True
    return None if None in items else False


def all_in3(members: Any, items: Any) -> bool | None:
    """`items contains all members` on a list whose elements may be unknown: false only when
    every element is known and one of the members is not among them."""
    if members <= items:
        return True
    return None if None in items else False


def norm(text: str | None) -> Any:
    return None if text is None else normalize(text)


# ---- traces --------------------------------------------------------------------------------


def read(value: Any, field: Field, show_sensitive: bool) -> Any:
    """A field value as the trace shows it: as given, JSON-compatible, with the field (or any
    sensitive field inside it) redacted unless asked. Fields inside records that the schema
    does not declare are left out, since nobody has said whether they are personal data."""
    if value is None:
        return None
    if show_sensitive:
        return freeze(raw_json(value))
    if field.sensitive:
        return REDACTED
    return freeze(_redacted(value, field.type))


def _redacted(value: Any, kind: vt.Type) -> Any:
    if value is None:
        return None
    if kind.kind == vt.RECORD:
        if not isinstance(value, Mapping):
            return raw_json(value)
        out = {}
        for f in kind.fields:
            if f.name in value:
                inner = value[f.name]
                out[f.name] = REDACTED if f.sensitive and inner is not None else _redacted(inner, f.type)
        return out
    if kind.kind == vt.LIST and isinstance(value, (list, tuple)):
        elem = kind.elem()
        return [_redacted(x, elem) for x in value]
    return raw_json(value)


def entry(rule: str, title: str | None, at: str, value: Any, condition: Any) -> TraceDict:
    """A rule's trace entry: its name, title and place, its result (`value` said as a word) and its
    condition's node."""
    return TraceDict(rule=rule, title=title, at=at, result=_OUTCOMES[value], condition=condition)


_OUTCOMES = {True: "matched", False: "not_matched", None: "undetermined"}


def guarded(value: Any, show_sensitive: bool) -> Any:
    """A value computed from sensitive data: redacted unless asked."""
    return value if show_sensitive or value is None else REDACTED


_LARGEST = 2**1024  # past every float: such an integer (thousands of digits) cannot be shown or exchanged


def value_json(value: Any, kind: vt.Type) -> Any:
    """A computed value as the trace shows it (durations and times in ISO 8601)."""
    from .records import to_json

    if value is None or value is True or value is False:
        return value
    if value.__class__ is float and value - value != 0:
        return None  # an overflow to infinity is shown as unknown: JSON has no infinity
    if value.__class__ is int and not -_LARGEST <= value <= _LARGEST:
        return None  # an integer past the range of floats (only arithmetic makes one): shown as unknown too
    try:
        return freeze(to_json(value, kind))
    except (OverflowError, ValueError):  # a date-time pushed beyond the year 9999
        return None


def raw_path(record: Any, names: tuple[str, ...]) -> Any:
    """The raw value at `a.b.c` in a record as given (None when any step is absent). A step
    into a list projects: `case.contacts.length` is the list of each contact's `length`, as
    `sum(case.contacts.length)` read it."""
    value = record
    for i, key in enumerate(names):
        if isinstance(value, (list, tuple)):
            rest = names[i:]
            return [raw_path(x, rest) for x in value]
        if not hasattr(value, "get"):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value


def ev_one(found: Any, item: Any, sensitive: bool, show_sensitive: bool) -> list[Any]:
    """Evidence of `t contains x`: x when found."""
    if found is not True or item is None:
        return EMPTY
    return TraceList([REDACTED if sensitive and not show_sensitive else item])


def ev_text(phrases: Any, text: Any) -> list[Any]:
    """Evidence of `t contains any/all P`: the phrases of P found in t."""
    return EMPTY if text is None else TraceList(phrases.found(text))


def ev_list(phrases: Any, items: Any) -> list[Any]:
    """Evidence on a list of texts: the phrases of P equal to an element."""
    if items is None:
        return EMPTY
    return TraceList(phrases.found_in_list([x for x in items if x is not None]))


def ev_item(phrases: Any, item: Any) -> list[Any]:
    """Evidence of `t in P`: the phrase of P equal to t, if any."""
    if item is None:
        return EMPTY
    return TraceList(phrases.found_in_list([item]))


def ev_match(regex: Any, text: Any, sensitive: bool, show_sensitive: bool) -> list[Any]:
    """Evidence of `t matches "re"`: the matched text (redacted for a sensitive field)."""
    if text is None:
        return EMPTY
    found = regex.search(nfkc(text))
    if found is None:
        return EMPTY
    return TraceList([REDACTED if sensitive and not show_sensitive else found.group(0)])


# ---- keys of the trace cache (see tracegen.TraceGen.rule) -----------------------------------

class _NoKey:
    """A key part meaning: this value is too large to cache on; build the entry afresh."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOKEY"


NOKEY = _NoKey()
NO_READS = TraceDict()
TEXT_KEY_LIMIT = 64   # characters of a text, or of each text of a list, that may be a key
LIST_KEY_LIMIT = 16   # elements of a list of texts that may be a key


def num_key(value: Any) -> Any:
    """A number as a key part: 30 and 30.0 (or 0.0 and -0.0) show differently, so differ here."""
    if value.__class__ is float:
        return (float, value.hex())
    return value


def text_key(value: Any) -> Any:
    return value if value is None or len(value) <= TEXT_KEY_LIMIT else NOKEY


def raw_key(value: Any) -> Any:
    """A duration, date or date-time as given (JSON text or number) as a key part; the trace
    shows it as given, so the raw value is the key. Python objects are not keys."""
    cls = value.__class__
    if cls is str:
        return value if len(value) <= TEXT_KEY_LIMIT else NOKEY
    if cls is int or value is None:
        return value
    if cls is float:
        return (float, value.hex())
    return NOKEY


def list_key(value: Any) -> Any:
    if value is None:
        return None
    if len(value) > LIST_KEY_LIMIT or (value and max(map(len, value)) > TEXT_KEY_LIMIT):
        return NOKEY
    return tuple(value)


# ---- the names generated code calls these by (its globals; see compile_policy) ---------------

HELPERS: dict[str, Any] = {
    "cf": coerce_field, "norm": norm, "norm_set": norm_set, "nfkc": nfkc, "snap_nested": snap_nested,
    "in3": in3, "not_in3": not_in3, "any_in3": any_in3, "all_in3": all_in3, "count3": count3, "any3": any3,
    "all3": all3, "sum3": sum3, "min3": min3, "max3": max3, "div": div, "dur_div": dur_div, "dur_mul": dur_mul,
    "and3": and3, "or3": or3, "read": read, "value_json": value_json, "raw_path": raw_path, "ev_one": ev_one,
    "ev_text": ev_text, "ev_list": ev_list, "ev_item": ev_item, "ev_match": ev_match,
    "is_str": str.__instancecheck__, "ABSENT": ABSENT, "guarded": guarded, "entry": entry, "TD": TraceDict, "TL": TraceList,
    "EMPTY": EMPTY, "NO_READS": NO_READS, "NOKEY": NOKEY, "num_key": num_key, "text_key": text_key,
    "list_key": list_key, "raw_key": raw_key,
}
