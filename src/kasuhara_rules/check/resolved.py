"""The resolved copy of an expression: the checker's frames of typed children, and the rebuild.

The type checker (check/types.py) types each node inside a `Frame`; when the node is done,
`rebuild` makes its copy with the resolved children, its `type` and (for a `Name` or `Path`)
its `ref`. The parser's tree is never changed, so one parsed file can be checked again (an
`extends` base under another schema, the editor's next version) without interference.
"""
from __future__ import annotations

import attrs

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


def rebuild(node: object, frame: Frame, changes: dict) -> object:
    """`node` with its typed children replaced by their resolved copies (and `changes` applied)."""
    for f in attrs.fields(type(node)):
        value = getattr(node, f.name)
        if isinstance(value, n._Node):
            copy = _child(value, frame)
            if copy is not value:
                changes[f.name] = copy
        elif isinstance(value, tuple) and value and isinstance(value[0], n._Node):
            copies = tuple(_child(v, frame) for v in value)
            if any(c is not v for c, v in zip(copies, value)):
                changes[f.name] = copies
    return attrs.evolve(node, **changes) if changes else node


def _child(value: object, frame: Frame) -> object:
    copy = frame.resolved(value)
    if copy is value and isinstance(value, (n.Entry, n.Ident)):  # not typed itself: its parts may be
        return rebuild(value, frame, {})
    return copy
