"""Bounds on what defines can hide: nesting depth and expanded size, measured iteratively.

A define is used by name, but the engine evaluates (and a trace shows) its whole body at each
use: `define d1 = d0 and d0`, `define d2 = d1 and d1`, … doubles at each step, so twenty lines
would mean a million conditions, and a chain of a thousand defines nests a thousand deep. The
parser bounds the nesting of one expression (E111); these bounds carry it through defines:

- E310: a condition nested deeper than MAX_DEPTH levels, counting the bodies of the defines it
  uses (and theirs);
- E311: a condition that expands to more than MAX_EXPANDED parts once its defines are written out.

The define graph is walked with an explicit stack (no recursion per define), so any chain or
cycle is measured in bounded Python stack; cycles themselves are E307 (types.py).
"""
from __future__ import annotations

from typing import Mapping

import attrs

from ..syntax import nodes as n

MAX_DEPTH = 100        # the same bound as one expression's nesting (E111)
MAX_EXPANDED = 5_000   # parts of one condition with its defines written out


@attrs.frozen
class Measure:
    depth: int
    size: int


def define_names(expr: object, defines: Mapping[str, object]) -> list[str]:
    """The defines a body names (in order, once each); names shadowed inside `where` count too
    (an over-estimate only makes a bound stricter)."""
    seen: dict[str, None] = {}
    for node in n.walk(expr):
        if isinstance(node, n.Name) and node.id in defines:
            seen.setdefault(node.id)
    return list(seen)


def measure(expr: object, known: Mapping[str, Measure]) -> Measure:
    """Depth and size of `expr` with the defines in `known` written out (the expression itself
    nests at most E111's 100 levels, so this recursion is bounded)."""
    if isinstance(expr, n.Name) and expr.id in known:
        m = known[expr.id]
        return Measure(m.depth + 1, m.size + 1)
    depth, size = 0, 1
    for child in n.children(expr):
        m = measure(child, known)
        depth = max(depth, m.depth)
        size = min(size + m.size, MAX_EXPANDED * 4)  # no need to count beyond the bound
    return Measure(depth + 1, size)


def measure_defines(defines: Mapping[str, n.DefineDecl]) -> tuple[dict[str, Measure], set[str]]:
    """Measures of every define not in a cycle, and the names of defines inside a cycle.

    Post-order over the define graph with an explicit stack: a define is measured once all the
    defines it names are."""
    known: dict[str, Measure] = {}
    cyclic: set[str] = set()
    for root in defines:
        if root in known or root in cyclic:
            continue
        stack: list[tuple[str, list[str]]] = [(root, define_names(defines[root].expr, defines))]
        on_stack = {root}
        while stack:
            name, pending = stack[-1]
            while pending and (pending[-1] in known or pending[-1] in cyclic):
                pending.pop()
            if pending:
                nxt = pending.pop()
                if nxt in on_stack:  # a cycle: E307 reports it; its members are not measured
                    names = [s for s, _ in stack]
                    cyclic.update(names[names.index(nxt):])
                    continue
                stack.append((nxt, define_names(defines[nxt].expr, defines)))
                on_stack.add(nxt)
                continue
            stack.pop()
            on_stack.discard(name)
            if name not in cyclic:
                known[name] = measure(defines[name].expr, known)
    return known, cyclic
