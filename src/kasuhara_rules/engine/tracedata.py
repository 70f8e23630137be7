"""Read-only JSON containers for decision traces.

A trace is plain JSON data: objects and arrays. They are `dict` and `list` subclasses, so
`json.dumps`, `==` against plain dicts and lists, `isinstance(x, dict)` and reading all work
as usual, but they cannot be changed: the engine keeps the trace entries of recently seen
inputs and hands the same (read-only) objects to every decision that has them, which makes
explained decisions several times faster. `copy.deepcopy(trace)` (or a JSON round trip)
gives an ordinary, editable copy.
"""
from __future__ import annotations

from typing import Any, NoReturn

_MESSAGE = ("a decision's trace is read-only (entries are shared between decisions); "
            "use copy.deepcopy(...) for an editable copy")


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(_MESSAGE)


class TraceDict(dict[str, Any]):
    """A JSON object in a trace: a dict that cannot be changed."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        copy: dict[str, Any] = thaw(self)
        return copy

    def __reduce__(self) -> tuple[type[TraceDict], tuple[dict[str, Any]]]:
        return (TraceDict, (dict(self),))


class TraceList(list[Any]):
    """A JSON array in a trace: a list that cannot be changed."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        copy: list[Any] = thaw(self)
        return copy

    def __reduce__(self) -> tuple[type[TraceList], tuple[list[Any]]]:
        return (TraceList, (list(self),))


EMPTY = TraceList()  # the empty array: safe to share, nobody can add to it


def freeze(value: Any) -> Any:
    """JSON data with every dict and list replaced by its read-only form (read-only
    containers are kept as they are: everything inside them is read-only already)."""
    cls = value.__class__
    if cls is TraceDict or cls is TraceList:
        return value
    if isinstance(value, dict):
        return TraceDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return TraceList([freeze(v) for v in value])
    return value


def thaw(value: Any) -> Any:
    """An ordinary, editable copy of (read-only) JSON data: dicts and lists all the way down, the texts
    and numbers shared (they cannot change). Containers are copied at C speed (`dict(x)`, `list(x)`)
    and only their containers replaced: this is what a caller of `Decision.to_dict(explain=True)` pays."""
    cls = value.__class__
    if cls is TraceDict or cls is dict or (cls is not TraceList and isinstance(value, dict)):
        out = dict(value)
        for key, item in out.items():
            if item.__class__ in _CONTAINERS:  # traces hold only these containers (freeze makes them)
                out[key] = thaw(item)
        return out
    if cls is TraceList or cls is list or cls is tuple or isinstance(value, (list, tuple)):
        items = list(value)
        for i, item in enumerate(items):
            if item.__class__ in _CONTAINERS:
                items[i] = thaw(item)
        return items
    return value


_CONTAINERS = frozenset({TraceDict, TraceList, dict, list, tuple})
