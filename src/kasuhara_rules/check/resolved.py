"""The resolved copy of an expression: the checker's frames of typed children, and the rebuild.

The type checker (check/types.py) types each node inside a `Frame`; when the node is done,
`rebuild` makes its copy with the resolved children, its `type` and (for a `Name` or `Path`)
its `ref`. The parser's tree is never changed, so one parsed file can be checked again (an
`extends` base under another schema, the editor's next version) without interference.
"""
from __future__ import annotations

from ..syntax import nodes as n


class Frame:
    """The expression being typed: its children typed so far (each with its resolved copy), and
    what a `Name` or `Path` resolves to."""

    __slots__ = ("done", "ref")

    def __init__(self) -> None:
        self.done: list[tuple[object, object]] = []
        self.ref: object = None

    def resolved(self, child: object) -> object:
        for original, copy in self.done:
            if original is child:
                return copy
        return child


def rebuild(node: object, frame: Frame, changes: dict[str, object]) -> object:
    """`node` with its typed children replaced by their resolved copies (and `changes` applied)."""
    for name in n.child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, tuple):
            copies = tuple(_child(v, frame) for v in value)
            if any(c is not v for c, v in zip(copies, value)):
                changes[name] = copies
        elif value is not None:
            copy = _child(value, frame)
            if copy is not value:
                changes[name] = copy
    return _copy(node, changes) if changes else node


def _copy(node: object, changes: dict[str, object]) -> object:
    """`attrs.evolve(node, **changes)` without its per-call bookkeeping (a node has no
    validators or converters; this is the hot path of checking a large policy)."""
    cls = type(node)
    new = object.__new__(cls)
    for a in getattr(cls, "__attrs_attrs__"):  # attrs.fields(cls), without its checks
        name = a.name
        object.__setattr__(new, name, changes[name] if name in changes else getattr(node, name))
    return new


def _child(value: object, frame: Frame) -> object:
    copy = frame.resolved(value)
    if copy is value and isinstance(value, n.Entry):  # not typed itself: its value is
        return rebuild(value, frame, {})
    return copy
