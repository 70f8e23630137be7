"""A checked policy → two generated Python functions: `evaluate` (fast) and `explain` (traced).

Both validate and coerce the record first (an invalid record raises RecordError and is never
evaluated), then evaluate every rule. They return the key, a bit mask of matched rules and a
bit mask of undetermined rules; `explain` also returns the trace entries.
"""
from __future__ import annotations

import ast
from typing import Any, Callable

import attrs

from . import codegen as g
from . import runtime
from . import valuetypes as vt
from .compiler import UNSET, Env, ExprCompiler
from .model import CheckedPolicy, Field
from .records import RecordError
from .textnorm import nfkc
from .tracegen import TraceGen

CHUNK = 200  # rules per generated function; larger policies are split across functions

HELPERS: dict[str, Any] = {
    "cf": runtime.coerce_field, "norm": runtime.norm, "norm_set": runtime.norm_set, "nfkc": nfkc,
    "count3": runtime.count3, "any3": runtime.any3, "all3": runtime.all3, "sum3": runtime.sum3,
    "min3": runtime.min3, "max3": runtime.max3, "div": runtime.div, "dur_div": runtime.dur_div,
    "dur_mul": runtime.dur_mul, "and3": runtime.and3, "or3": runtime.or3, "not3": runtime.not3,
    "read": runtime.read, "value_json": runtime.value_json, "raw_path": runtime.raw_path,
    "ev_one": runtime.ev_one, "ev_text": runtime.ev_text, "ev_list": runtime.ev_list,
    "ev_match": runtime.ev_match, "is_str": str.__instancecheck__, "ABSENT": runtime.ABSENT,
    "guarded": runtime.guarded,
}


@attrs.frozen
class Program:
    """The compiled functions of one policy."""

    evaluate: Callable[[Any], tuple]
    explain: Callable[[Any, bool], tuple]
    validate: Callable[[Any], tuple]
    source: str = attrs.field(repr=False, default="")


def compile_policy(policy: CheckedPolicy) -> Program:
    """Generate, compile and return the functions of a checked policy."""
    ns = g.Namespace(HELPERS)
    ns.values["UNSET"] = UNSET
    fields = policy.fields
    params = [f"f{f.index}" for f in fields]
    defs: list[ast.stmt] = []
    key = policy.key_field
    key_expr = g.name(f"f{key.index}") if key is not None else g.const(None)
    rules = list(policy.rules)
    chunks = [rules[i:i + CHUNK] for i in range(0, len(rules), CHUNK)] or [[]]

    # evaluate(rec) -> (key, m, u)
    if len(chunks) == 1:
        body = _validation(fields, ns) + _fast_rules(policy, ns, chunks[0], 0)
        body.append(ast.Return(g.tuple_([key_expr, g.name("m"), g.name("u")])))
    else:
        body = _validation(fields, ns)
        for c, chunk in enumerate(chunks):
            inner = _fast_rules(policy, ns, chunk, c * CHUNK)
            inner.append(ast.Return(g.tuple_([g.name("m"), g.name("u")])))
            defs.append(g.function(f"fast{c}", params, inner))
            body.append(ast.Assign([g.tuple_([g.store(f"m{c}"), g.store(f"u{c}")])],
                                   g.call(f"fast{c}", *[g.name(p) for p in params])))
        body.append(ast.Return(g.tuple_([key_expr, _or_all("m", len(chunks)), _or_all("u", len(chunks))])))
    defs.append(g.function("evaluate", ["rec"], body))

    # explain(rec, show) -> (key, m, u, entries)
    if len(chunks) == 1:
        body = _validation(fields, ns) + _traced_rules(policy, ns, chunks[0], 0)
        body.append(ast.Return(g.tuple_([key_expr, g.name("m"), g.name("u"), g.name("entries")])))
    else:
        body = _validation(fields, ns)
        for c, chunk in enumerate(chunks):
            inner = _traced_rules(policy, ns, chunk, c * CHUNK)
            inner.append(ast.Return(g.tuple_([g.name("m"), g.name("u"), g.name("entries")])))
            defs.append(g.function(f"traced{c}", ["rec", "get", "show"] + params, inner))
            body.append(ast.Assign([g.tuple_([g.store(f"m{c}"), g.store(f"u{c}"), g.store(f"e{c}")])],
                                   g.call(f"traced{c}", g.name("rec"), g.name("get"), g.name("show"),
                                          *[g.name(p) for p in params])))
        entries = g.name("e0")
        for c in range(1, len(chunks)):
            entries = g.binop("+", entries, g.name(f"e{c}"))
        body.append(ast.Return(g.tuple_([key_expr, _or_all("m", len(chunks)), _or_all("u", len(chunks)), entries])))
    defs.append(g.function("explain", ["rec", "show"], body))

    # validate(rec) -> the coerced values, in schema order
    body = _validation(fields, ns) + [ast.Return(g.tuple_([g.name(p) for p in params]))]
    defs.append(g.function("validate", ["rec"], body))

    filename = f"<kasu policy {policy.header.id}>"
    scope = g.compile_module(defs, ns, filename)
    module = ast.Module(body=defs, type_ignores=[])
    return Program(scope["evaluate"], scope["explain"], scope["validate"], ast.unparse(module))


def _or_all(prefix: str, count: int) -> ast.expr:
    expr: ast.expr = g.name(f"{prefix}0")
    for c in range(1, count):
        expr = ast.BinOp(expr, ast.BitOr(), g.name(f"{prefix}{c}"))
    return expr


def _validation(fields: tuple[Field, ...], ns: g.Namespace) -> list[ast.stmt]:
    """Statements that read and coerce every top-level field into the locals f0, f1, ...

    The common, already-correct case is checked inline; anything else goes through
    runtime.coerce_field, which either coerces the value or raises RecordError.
    """
    out: list[ast.stmt] = [g.assign("get", ast.Attribute(g.name("rec"), "get", ast.Load()))]
    for f in fields:
        var = f"f{f.index}"
        fconst = ns.add(f, "F")
        out.append(g.assign(var, g.call(g.name("get"), g.const(f.name), g.name("ABSENT"))))
        v = g.name(var)
        slow = [g.assign(var, g.call("cf", fconst, v))]
        kind = f.type.kind
        cls = ast.Attribute(v, "__class__", ast.Load())

        def cls_is_not(t: str) -> ast.expr:
            return ast.Compare(ast.Attribute(g.name(var), "__class__", ast.Load()), [ast.IsNot()], [g.name(t)])

        ns.values.setdefault("bool", bool)
        ns.values.setdefault("int", int)
        ns.values.setdefault("float", float)
        ns.values.setdefault("str", str)
        ns.values.setdefault("list", list)
        if kind in (vt.BOOL, vt.INT, vt.TEXT):
            test = cls_is_not({vt.BOOL: "bool", vt.INT: "int", vt.TEXT: "str"}[kind])
        elif kind == vt.NUMBER:
            not_float_or_nan = g.or_(cls_is_not("float"), ast.Compare(g.binop("-", v, v), [ast.NotEq()], [g.const(0)]))
            test = g.and_(cls_is_not("int"), not_float_or_nan)
        elif kind == vt.ENUM:
            members = ns.add(frozenset(f.type.values), "S")
            test = g.or_(cls_is_not("str"), g.compare("not in", v, members))
        elif kind == vt.DURATION:
            scale = vt.UNITS[f.type.unit]
            out.append(g.if_(ast.Compare(cls, [ast.Is()], [g.name("int")]),
                             [g.assign(var, g.binop("*", v, g.const(scale)))], slow))
            continue
        elif kind == vt.LIST and f.type.elem().kind == vt.TEXT:
            all_text = g.call("all", g.call(g.name("map"), g.name("is_str"), v))
            ns.values.setdefault("map", map)
            test = g.or_(cls_is_not("list"), g.not_(all_text))
        else:
            out.append(slow[0])
            continue
        del cls
        out.append(g.if_(test, slow))
    return out


def _slots(ec: ExprCompiler) -> list[ast.stmt]:
    return [g.assign(slot, g.name("UNSET")) for slot in ec.slots()]


def _fast_rules(policy: CheckedPolicy, ns: g.Namespace, rules: list, offset: int) -> list[ast.stmt]:
    ec = ExprCompiler(policy, ns, g.Temps())
    body: list[ast.stmt] = [g.assign("m", g.const(0)), g.assign("u", g.const(0))]
    for rule in rules:
        bit = 1 << rule.index
        cond = ec.compile(_condition(rule), Env())
        if not cond.nullable:
            body.append(g.if_(cond.expr, [g.aug_or("m", bit)]))
        else:
            body.append(g.assign("r", cond.expr))
            body.append(g.if_(g.name("r"), [g.aug_or("m", bit)],
                              [g.if_(g.is_none(g.name("r")), [g.aug_or("u", bit)])]))
    return _slots(ec) + body


def _traced_rules(policy: CheckedPolicy, ns: g.Namespace, rules: list, offset: int) -> list[ast.stmt]:
    ec = ExprCompiler(policy, ns, g.Temps())
    tg = TraceGen(policy, ns, ec)
    for rule in rules:
        tg.rule(rule, 1 << rule.index)
    head = [g.assign("m", g.const(0)), g.assign("u", g.const(0)), g.assign("entries", g.list_([]))]
    return _slots(ec) + tg.prelude() + head + tg.stmts


def _condition(rule) -> object:
    """`when` and not `unless`, as one expression."""
    from . import nodes as n

    if rule.unless is None:
        return rule.when
    return n.And((rule.when, n.Not(rule.unless, span=rule.unless.span)), span=rule.when.span)


_ = RecordError
