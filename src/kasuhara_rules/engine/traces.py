"""Reading traces: the fields whose absence left a condition undetermined."""
from __future__ import annotations

from typing import Any, Mapping


def missing_fields(node: Mapping[str, Any]) -> list[str]:
    """The fields that made `node` unknown: unknown reads under unknown nodes, in order.

    >>> leaf = {"value": None, "reads": {"demand_valid": None}, "children": []}
    >>> missing_fields({"value": None, "reads": {}, "children": [leaf]})
    ['demand_valid']
    >>> missing_fields({"value": None, "reads": {"contacts": []}, "children": []})
    []
    >>> missing_fields({"value": None, "reads": {"contacts": [{"length": None}]}, "children": []})
    ['contacts']
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
            # a list whose elements lack a value; never a value that is there (`a / 0`, the largest of
            # an empty list: the recorded values do not settle it, and nothing is missing)
            found = [k for k, v in cur.get("reads", {}).items() if isinstance(v, list) and v]
        for name in found:
            if name not in out:
                out.append(name)
        stack.extend(reversed(unknown_children))
    return out
