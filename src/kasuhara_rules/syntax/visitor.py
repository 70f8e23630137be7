"""The one visitor convention of the passes over expressions: `visit_<NodeClass>` methods.

A pass (the type checker, the expression compiler, the verbaliser…) subclasses `Visitor` and
writes one `visit_Compare`, `visit_Name`… method per node class it handles; `visit(node, …)`
dispatches on the node's class name. A node class the pass has no method for is a bug in the
pass, never a silent default: `generic_visit` raises, naming the pass and the class.
"""
from __future__ import annotations

from typing import Any


class Visitor:
    """Dispatch `visit(node, *args)` to `self.visit_<type(node).__name__>(node, *args)`."""

    __slots__ = ()

    def visit(self, node: object, *args: Any) -> Any:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            return self.generic_visit(node, *args)
        return method(node, *args)

    def generic_visit(self, node: object, *args: Any) -> Any:
        raise TypeError(f"{type(self).__name__} has no visit_{type(node).__name__}")
