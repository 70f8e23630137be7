"""Plans → Python `ast` expressions that compute the three-valued result (None = unknown).

What each operator means is decided in plan.py; this module only writes it as Python: every plan
emits to a Python expression, and the plan says whether it can be unknown. Knowing which values can
be unknown lets the common case compile to plain Python (`a and b`, `x >= 30`); only where
unknown is possible does the code spell out Kleene logic, testing the operands that may be
unknown first (the interpreter of traces evaluates plans in the same order).
"""
from __future__ import annotations

import ast
from typing import Any, Callable, Sequence

from . import codegen as g
from . import located as L
from .plan import (AND, APPLY, CACHED, CONST, EACH, ELEM, FIELD, OR, PROJECT, RAW, SHOW, SYMBOLS, TRACED,
                   Lowering, Plan, Scope)

UNSET = object()  # the value of a lazy slot (define, normalised text) not computed yet; global `UNSET`
_SCALARS = (bool, int, float, str, type(None))
_BINARY = frozenset({"+", "-", "*", "/"})
# the operators (plan.OPERATORS) that are not a comparison or an arithmetic operator, as Python
_SPECIAL: dict[str, Callable[[list[ast.expr]], ast.expr]] = {
    "neg": lambda xs: L.UnaryOp(ast.USub(), xs[0]), "not": lambda xs: g.not_(xs[0]),
    "is None": lambda xs: g.is_none(xs[0]), "is not None": lambda xs: g.is_not_none(xs[0]),
    "between": lambda xs: g.chain(xs[1], ["<=", "<="], [xs[0], xs[2]]),
    "item": lambda xs: L.Subscript(xs[0], xs[1], L.LOAD),
    "matches": lambda xs: g.is_not_none(g.method(xs[0], "search", g.call("nfkc", xs[1]))),
}


def word_slot(index: int) -> str:
    """The local holding the words of top-level field `index` (UNSET until first needed)."""
    return f"w{index}"


class Emitter:
    """Writes the plans of one policy's expressions into one generated function's scope."""

    def __init__(self, ns: g.Namespace, temps: g.Temps) -> None:
        self.ns = ns
        self.temps = temps
        self.lowering: Lowering = ns.memo["lowering"]  # the policy's (compile_policy._namespace)
        self.cached: dict[tuple[str, object], str] = {}  # what is computed once per record → its local
        # In a policy split into several functions, the word slots are passed from one to the next
        # (see compile_policy), so each text is split into words once per record, not once per part.
        self.shared_words: bool = ns.memo.get("shared_words", False)
        self.traced: list[ast.expr] = []  # the locals holding the values of TRACED (traces)
        # the Python expression of each operation
        self._ops: dict[str, Callable[[Plan], ast.expr]] = {
            CONST: lambda p: self.constant(p.arg),
            FIELD: lambda p: g.name(f"f{p.arg}"),
            ELEM: lambda p: g.subscript(g.name(f"e{p.arg[0]}"), p.arg[1]),
            TRACED: lambda p: self.traced[p.arg],
            SHOW: lambda p: g.name("show"),
            RAW: lambda p: g.call("get", g.const(p.arg)) if isinstance(p.arg, str) else
            g.call("raw_path", g.name("rec"), g.const(p.arg)),
            CACHED: lambda p: self.once(p.arg, self.emit(p.args[0])),
            EACH: self.each, APPLY: self.emit_apply, AND: self.emit_kleene, OR: self.emit_kleene,
            PROJECT: self.emit_project,
        }

    def condition(self, node: object) -> Plan:
        """A condition of the plain evaluator, lowered (to emit)."""
        return self.lowering.lower(node, Scope())

    def slots(self) -> list[str]:
        """Locals that must start as UNSET at the top of the function."""
        return [local for key, local in self.cached.items() if not (self.shared_words and key[0] == "heard")]

    def emit(self, p: Plan) -> ast.expr:
        return self._ops[p.op](p)

    def emit_apply(self, p: Plan) -> ast.expr:
        """The function applied; strict, unknown (None) when an operand is unknown (those that may
        be are tested first)."""
        if not p.strict or not any(a.nullable for a in p.args):
            return self.apply(p.arg, [self.emit(a) for a in p.args])
        tests, exprs = [], []
        for a in p.args:
            expr = self.emit(a)
            if a.nullable:
                test, expr = self.held(expr)
                tests.append(g.is_none(test))
            exprs.append(expr)
        return g.ifexp(g.or_(*tests), g.const(None), self.apply(p.arg, exprs))

    def emit_kleene(self, p: Plan) -> ast.expr:
        if not p.nullable:
            return (g.and_ if p.op == AND else g.or_)(*[self.emit(a) for a in p.args])
        return self.kleene(p.args, [], p.op == OR)

    def emit_project(self, p: Plan) -> ast.expr:
        var = self.temps.new("p")
        return self.bound(p.args[0], lambda b: g.listcomp(g.subscript(g.name(var), p.arg), var, b))

    # -- pieces --------------------------------------------------------------------------------

    def constant(self, value: Any) -> ast.expr:
        if value.__class__ in _SCALARS or (value.__class__ is tuple and all(x.__class__ in _SCALARS for x in value)):
            return g.const(value)
        prefix = {frozenset: "S", set: "S"}.get(value.__class__) or type(value).__name__[0].upper()
        return self.ns.add(value, prefix)

    def apply(self, func: Callable[..., Any], xs: list[ast.expr]) -> ast.expr:
        symbol = SYMBOLS.get(func)
        if symbol is None:  # a function: a runtime helper or builtin by its name, else a global
            return g.call(self.ns.add(func, "H"), *xs)
        if symbol in _BINARY:
            return g.binop(symbol, xs[0], xs[1])
        if symbol in _SPECIAL:
            return _SPECIAL[symbol](xs)
        return g.compare(symbol, xs[0], xs[1])

    def once(self, key: tuple[str, object], value: ast.expr) -> ast.expr:
        """`value`, computed at most once per record into a local slot (which starts as UNSET)."""
        local = self.cached.get(key)
        if local is None:
            kind, what = key
            local = self.cached[key] = word_slot(int(what)) if kind == "heard" else self.temps.new(  # type: ignore[call-overload]
                {"define": "d", "norm": "n", "norm_set": "s", "read": "r", "key": "q"}[kind])
        known = L.Compare(g.name(local), [ast.IsNot()], [g.name("UNSET")])
        return g.ifexp(known, g.name(local), g.walrus(local, value))

    def held(self, expr: ast.expr) -> tuple[ast.expr, ast.Name]:
        """`expr` to test once, and the local holding its value afterwards (itself when it is a
        local already: tested again, not copied)."""
        if isinstance(expr, ast.Name):
            return expr, expr
        t = self.temps.new()
        return g.walrus(t, expr), g.name(t)

    def bound(self, p: Plan, build: Callable[[ast.expr], ast.expr]) -> ast.expr:
        """`build(x)` of a comprehension's iterable: unknown when it is, and evaluated into a local
        first when it sets one (Python allows no `:=` in a comprehension's iterable)."""
        expr = self.emit(p)
        if not p.nullable and not g.uses_walrus(expr):
            return build(expr)
        test, held = self.held(expr)
        return g.ifexp(g.is_none(test), g.const(None), build(held))

    def kleene(self, plans: Sequence[Plan], unknowns: list[ast.Name], stop: bool) -> ast.expr:
        """Left-to-right Kleene and (stop at False) or or (stop at True), some operands unknown (at
        least one: emit_kleene writes a chain of operands never unknown as Python's own)."""
        if not plans:  # here some operand was unknown (in `unknowns`)
            return g.ifexp(g.or_(*[g.is_none(u) for u in unknowns]), g.const(None), g.const(not stop))
        first, rest = plans[0], plans[1:]
        if not first.nullable:  # never the last with no unknown one before it
            return (g.and_ if not stop else g.or_)(self.emit(first), self.kleene(rest, unknowns, stop))
        if not rest and not unknowns:
            return self.emit(first)
        value, held = self.held(self.emit(first))
        test = L.Compare(value, [ast.Is()], [g.const(stop)])
        return g.ifexp(test, g.const(stop), self.kleene(rest, unknowns + [held], stop))

    def each(self, p: Plan) -> ast.expr:
        """count/any/all of a condition over a list's elements (three-valued where it may be unknown)."""
        func, depth = p.arg
        arg, cond = p.args  # the list (the comprehension's iterable, see bound) and the condition
        var, test = f"e{depth}", self.emit(cond)
        if not cond.nullable:
            if func == "count":
                return self.bound(arg, lambda it: g.call("len", g.listcomp(g.const(0), var, it, test)))
            return self.bound(arg, lambda it: g.call(func, g.genexp(test, var, it)))
        helper = {"count": "count3", "any": "any3", "all": "all3"}[func]
        return self.bound(arg, lambda it: g.call(helper, g.listcomp(test, var, it)))

