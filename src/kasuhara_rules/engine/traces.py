"""Reading traces: the fields whose absence left a condition undetermined."""
from __future__ import annotations

from typing import Any, Mapping


def missing_fields(node: Mapping[str, Any]) -> list[str]:
    """The fields that made `node` unknown: unknown reads under unknown nodes, in order.

    >>> leaf = {"value": None, "reads": {"demand_valid": None}, "children": []}
    >>> missing_fields({"value": None, "reads": {}, "children": [leaf]})
    ['demand_valid']
    """
    out: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.get("value") is not None:
            continue
        found = [k for k, v in cur.get("reads", {}).items() if v is None]
        unknown_children = [c for c in cur.get("children", ()) if c.get("value") is None]
        if not found and not unknown_children:
            found = list(cur.get("reads", {}))  # e.g. a list whose elements lack a value
        for name in found:
            if name not in out:
                out.append(name)
        stack.extend(reversed(unknown_children))
    return out
