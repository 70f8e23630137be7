"""A checked policy → two generated Python functions: `evaluate` (fast) and `explain` (traced).

Both validate and coerce the record first (an invalid record raises RecordError and is never
evaluated), then evaluate every rule. They return the key, a bit mask of matched rules and a
bit mask of undetermined rules; `explain` also returns the trace entries.
"""
from __future__ import annotations

import ast
import functools
import itertools
import threading
from typing import Any, Callable, Sequence

from . import codegen as g
from . import located as L
from . import runtime
from .. import values as vt
from .compile_expr import UNSET, Emitter, word_slot
from .facts import word_fields
from .plan import Lowering
from ..check.checked import CheckedPolicy, Field, Rule
from .records import MAX_DURATION, MAX_NUMBER
from .compile_traced import TraceGen

CHUNK = 200  # rules per generated function; larger policies are split across functions

# the generated functions: evaluate(rec) -> (key, m, u), validate(rec) -> the coerced values,
# explain(rec, show) -> (key, m, u, entries)
Evaluate = Callable[[Any], tuple[Any, ...]]
Explain = Callable[[Any, bool], tuple[Any, ...]]
# emits the statements of a chunk of rules: (policy, namespace, rules, offset of the chunk)
RulesCode = Callable[[CheckedPolicy, g.Namespace, Sequence[Rule], int], list[ast.stmt]]
TRACE_CACHE_ENTRIES = 16384  # trace entries a policy keeps, shared among its rules (see tracegen)


class Program:
    """The compiled functions of one policy: `validate` is compiled at once, `evaluate` the
    first time it is used, and `explain` after its first explanations (below). A policy pays
    only for what it is asked: one loaded to be checked, explained a few times or shipped to
    workers compiles no evaluator it does not run (for a 2,000-rule policy, generating and
    compiling `evaluate` is a third of the load).

    Explanations come in two tiers. The first `interpret_first` calls are answered by the
    interpreter (interpret_traced.TracedInterpreter: nothing to build, slower per call), so a
    freshly loaded policy explains at once; the next call compiles `explain` (under the lock,
    once) and every later one uses the compiled function. Both return the same thing."""

    __slots__ = ("evaluate", "validate", "_build_evaluate", "_explain", "_build", "_lock", "_interpret", "_first",
                 "_calls", "builds")
    evaluate: Evaluate  # evaluate(record) -> (key, matched mask, undetermined mask, snapshot); see __getattr__

    def __init__(self, build_evaluate: Callable[[], Evaluate], validate: Evaluate,
                 build_explain: Callable[[], Explain], interpret: Explain | None = None,
                 interpret_first: int = 0) -> None:
        self._build_evaluate: Callable[[], Evaluate] | None = build_evaluate
        self.validate = validate
        self._explain: Explain | None = None
        self._build: Callable[[], Explain] | None = build_explain
        self._lock = threading.Lock()
        self._interpret = interpret if interpret_first > 0 else None
        self._first = interpret_first
        self._calls = itertools.count()  # next() on it is atomic: each call gets its own number
        self.builds = 0  # times the compiled explain was built: 0, then 1

    def __getattr__(self, name: str) -> Any:
        """`evaluate` on first use: compiled once, under the lock; afterwards it is a plain slot
        (this method runs only while the slot is empty)."""
        if name != "evaluate":
            raise AttributeError(name)
        with self._lock:
            try:
                return object.__getattribute__(self, "evaluate")  # another thread built it meanwhile
            except AttributeError:
                pass
            assert self._build_evaluate is not None
            fn = self._build_evaluate()
            self.evaluate = fn
            self._build_evaluate = None
            return fn

    @property
    def explain(self) -> Explain:
        """explain(record, show_sensitive) -> (key, matched mask, undetermined mask, trace entries)."""
        fn = self._explain
        if fn is not None:
            return fn
        if self._interpret is None:
            return self.compiled_explain()
        return self._tiered

    def _tiered(self, rec: Any, show: bool) -> tuple[Any, ...]:
        fn = self._explain
        if fn is None:
            interpret = self._interpret
            if interpret is not None and next(self._calls) < self._first:
                return interpret(rec, show)
            fn = self.compiled_explain()
        return fn(rec, show)

    def compiled_explain(self) -> Explain:
        """The compiled explain, built now if it was not yet."""
        fn = self._explain
        if fn is None:
            with self._lock:
                if self._explain is None:
                    assert self._build is not None
                    self._explain = self._build()
                    self.builds += 1
                    self._build = None  # drop what only the build needed
                    self._interpret = None
                fn = self._explain
        return fn


# Explanations the interpreter answers before `explain` is compiled. Compiling costs about as
# much as 30 interpreted explanations cost beyond compiled ones (benchmarks/bigpolicy.py, at 500
# and at 2,000 rules alike: both costs grow with the number of rules, so their ratio does not),
# and switching there is the ski-rental rule: whatever the number of explanations asked, the two
# tiers together cost at most about twice the cheaper of "interpret all" and "compile at once",
# and a policy asked for a few explanations never compiles them at all.
INTERPRET_FIRST = 32


def compile_policy(policy: CheckedPolicy, trace_cache: bool = True, interpret_first: int | None = None) -> Program:
    """Generate, compile and return the functions of a checked policy.

    `trace_cache=False` turns off the cache of trace entries (tests compare both ways).
    `interpret_first` is how many explanations the interpreter answers before `explain` is
    compiled (INTERPRET_FIRST when None; 0 compiles on the first). The
    cyclic garbage collector is paused meanwhile (see collector.paused_gc): a large policy
    builds a million short-lived syntax nodes, and its scans would triple the time."""
    from ..collector import paused_gc
    from .interpret_traced import TracedInterpreter

    name = f"<kasu policy {policy.header.id}>"
    ns = _namespace(policy, trace_cache)

    def build_explain() -> Explain:
        with paused_gc():
            explain: Explain = g.compile_module(_traced_definitions(policy, ns), ns, name)["explain"]
            return explain

    def build_evaluate() -> Evaluate:
        with paused_gc():
            evaluate: Evaluate = g.compile_module(_evaluate_definitions(policy, ns), ns, name)["evaluate"]
            return evaluate

    with paused_gc():
        validate: Evaluate = g.compile_module(_validate_definitions(policy, ns), ns, name)["validate"]
    first = INTERPRET_FIRST if interpret_first is None else interpret_first
    interpret = TracedInterpreter(policy, validate, ns.memo["lowering"]).explain if first > 0 else None
    return Program(build_evaluate, validate, build_explain, interpret, first)


def source_of(policy: CheckedPolicy) -> str:
    """The generated Python code of a policy, as text: for reading and debugging only (the
    engine compiles the syntax tree itself, never this text)."""
    ns = _namespace(policy, True)
    defs = _plain_definitions(policy, ns) + _traced_definitions(policy, ns)
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=defs, type_ignores=[])))


def _namespace(policy: CheckedPolicy, trace_cache: bool) -> g.Namespace:
    ns = g.Namespace(runtime.HELPERS)
    ns.memo["lowering"] = Lowering(policy)  # shared by the tiers: phrase sets and regexes made once
    ns.values["UNSET"] = UNSET
    if policy.header.timezone is not None:  # date-times without an offset are read in the policy's zone
        ns.values["cf"] = functools.partial(runtime.coerce_field, zone=policy.header.timezone)
    # The trace cache: at most TRACE_CACHE_ENTRIES entries for the whole policy, handed out as
    # rules need them (a rule whose inputs take few values leaves room for one whose inputs
    # take many), and no rule more than four times its even share.
    share = TRACE_CACHE_ENTRIES // max(1, len(policy.rules))
    ns.values["CACHE_LIMIT"] = max(16, 4 * share) if trace_cache else 0
    ns.values["ROOM"] = iter(range(TRACE_CACHE_ENTRIES if trace_cache else 0))
    ns.values["next"] = next
    return ns


def _chunks(policy: CheckedPolicy) -> list[list[Rule]]:
    rules = list(policy.rules)
    return [rules[i:i + CHUNK] for i in range(0, len(rules), CHUNK)] or [[]]


def _key_expr(policy: CheckedPolicy) -> ast.expr:
    key = policy.key_field
    return g.name(f"f{key.index}") if key is not None else g.const(None)


def _plain_definitions(policy: CheckedPolicy, ns: g.Namespace) -> list[ast.stmt]:
    """`evaluate(rec) -> (key, m, u, snapshot)` (and its parts) and `validate(rec) -> coerced values`."""
    return _evaluate_definitions(policy, ns) + _validate_definitions(policy, ns)


def _evaluate_definitions(policy: CheckedPolicy, ns: g.Namespace) -> list[ast.stmt]:
    """`evaluate(rec) -> (key, m, u, snapshot)` (and its parts)."""
    return _rule_function(policy, ns, "evaluate", ["rec"], [], _fast_rules, traced=False)


def _validate_definitions(policy: CheckedPolicy, ns: g.Namespace) -> list[ast.stmt]:
    """`validate(rec) -> coerced values` (what the interpreter of traces starts from)."""
    params: list[ast.expr] = [g.name(f"f{f.index}") for f in policy.fields]
    body = _validation(policy.fields, ns) + [L.Return(g.tuple_(params))]
    return [g.function("validate", ["rec"], body)]


def _traced_definitions(policy: CheckedPolicy, ns: g.Namespace) -> list[ast.stmt]:
    """`explain(rec, show) -> (key, m, u, entries)` (and its parts)."""
    return _rule_function(policy, ns, "explain", ["rec", "show"], ["rec", "get", "show"], _traced_rules,
                          traced=True)


def _rule_function(policy: CheckedPolicy, ns: g.Namespace, name: str, args: list[str], part_args: list[str],
                   rules_code: RulesCode, traced: bool) -> list[ast.stmt]:
    """`name(*args)`: validate the record, then run every rule (`rules_code` emits the statements
    that set `m`, `u` and, traced, `entries`). A policy of more than CHUNK rules is split into
    functions `name_part0`, … (CPython compiles one huge function slowly), each taking
    `part_args` and the validated fields and returning its share of the results."""
    fields = policy.fields
    params = [f"f{f.index}" for f in fields]
    outs = ["m", "u"] + (["entries"] if traced else [])
    chunks = _chunks(policy)
    body = _validation(fields, ns, snapshot=not traced)
    defs: list[ast.stmt] = []
    if len(chunks) == 1:
        body += rules_code(policy, ns, chunks[0], 0)
        results: list[ast.expr] = [g.name(o) for o in outs]
    else:
        # The words of each text that `mentions` reads start unknown (UNSET) here and go from part
        # to part, so that a text is split into words once per record.
        shared = [word_slot(i) for i in word_fields(policy)]
        ns.memo["shared_words"] = True
        body += [g.assign(w, g.name("UNSET")) for w in shared]
        for c, chunk in enumerate(chunks):
            inner = rules_code(policy, ns, chunk, c * CHUNK)
            inner.append(L.Return(g.tuple_([g.name(o) for o in outs + shared])))
            part = f"{name}_part{c}"
            defs.append(g.function(part, part_args + params + shared, inner))
            body.append(L.Assign([g.unpack([f"{o}{c}" for o in outs] + shared)],
                                   g.call(part, *[g.name(a) for a in part_args + params + shared])))
        results = [_or_all("m", len(chunks)), _or_all("u", len(chunks))]
        if traced:
            entries: ast.expr = g.name("entries0")
            for c in range(1, len(chunks)):
                entries = g.binop("+", entries, g.name(f"entries{c}"))
            results.append(entries)
    if traced:
        results[2] = g.call("TL", results[2])
    else:
        results.append(g.name("snap"))
    body.append(L.Return(g.tuple_([_key_expr(policy)] + results)))
    defs.append(g.function(name, args, body))
    return defs


def _or_all(prefix: str, count: int) -> ast.expr:
    expr: ast.expr = g.name(f"{prefix}0")
    for c in range(1, count):
        expr = L.BinOp(expr, ast.BitOr(), g.name(f"{prefix}{c}"))
    return expr


def _validation(fields: tuple[Field, ...], ns: g.Namespace, snapshot: bool = False) -> list[ast.stmt]:
    """Statements that read and coerce every top-level field into the locals f0, f1, ...

    The common, already-correct case is checked inline; anything else goes through
    runtime.coerce_field, which either coerces the value or raises RecordError.

    With `snapshot`, they also build `snap`, the copy of the record a decision keeps (see
    policy.snapshot, which it equals): a list of texts that passed the inline check is copied
    flat, any other list or record all the way down — doing it here saves checking twice.
    """
    # Any other mapping (a dict subclass such as defaultdict, whose subscript would invent a
    # missing value) is read through a plain dict of its items.
    ns.values.setdefault("dict", dict)
    not_dict = L.Compare(L.Attribute(g.name("rec"), "__class__", L.LOAD), [ast.IsNot()], [g.name("dict")])
    out: list[ast.stmt] = [g.if_(not_dict, [g.assign("rec", g.call("dict", g.name("rec")))]),
                           g.assign("get", L.Attribute(g.name("rec"), "get", L.LOAD))]
    if snapshot:
        out.append(g.assign("snap", g.method(g.name("rec"), "copy")))
    for f in fields:
        var = f"f{f.index}"
        fconst = ns.add(f, "F")
        if f.optional:  # often absent: a lookup with a default
            out.append(g.assign(var, g.call(g.name("get"), g.const(f.name), g.name("ABSENT"))))
        else:  # nearly always present: a subscript, cheaper than a call (absent is the slow path below)
            ns.values.setdefault("KeyError", KeyError)
            out.append(L.Try([g.assign(var, L.Subscript(g.name("rec"), g.const(f.name), L.LOAD))],
                               [L.ExceptHandler(g.name("KeyError"), None, [g.assign(var, g.name("ABSENT"))])],
                               [], []))
        v = g.name(var)
        slow: list[ast.stmt] = [g.assign(var, g.call("cf", fconst, v))]
        kind = f.type.kind
        nested = snapshot and kind in (vt.LIST, vt.RECORD)
        if nested:  # the caller's list or record is copied before it is coerced
            slow.insert(0, L.Expr(g.call("snap_nested", g.name("snap"), g.const(f.name), v)))
        cls = L.Attribute(v, "__class__", L.LOAD)

        def cls_is_not(t: str) -> ast.expr:
            return L.Compare(L.Attribute(g.name(var), "__class__", L.LOAD), [ast.IsNot()], [g.name(t)])

        ns.values.setdefault("bool", bool)
        ns.values.setdefault("int", int)
        ns.values.setdefault("float", float)
        ns.values.setdefault("str", str)
        ns.values.setdefault("list", list)
        bound = g.const(MAX_NUMBER)
        in_range = L.Compare(g.const(-MAX_NUMBER), [ast.LtE(), ast.LtE()], [v, bound])
        if kind in (vt.BOOL, vt.TEXT):
            test = cls_is_not({vt.BOOL: "bool", vt.TEXT: "str"}[kind])
        elif kind == vt.INT:  # a plain int within ±MAX_NUMBER; anything else the slow way
            test = g.or_(cls_is_not("int"), g.not_(in_range))
        elif kind == vt.NUMBER:  # NaN and infinities fail the range test too
            test = g.or_(g.and_(cls_is_not("int"), cls_is_not("float")), g.not_(in_range))
        elif kind == vt.ENUM:
            members = ns.add(frozenset(f.type.values), "S")
            test = g.or_(cls_is_not("str"), g.compare("not in", v, members))
        elif kind == vt.DURATION:
            scale = vt.UNITS[f.type.unit]
            limit = MAX_DURATION // scale
            small = L.Compare(g.const(0), [ast.LtE(), ast.LtE()], [v, g.const(limit)])  # never negative
            out.append(g.if_(g.and_(L.Compare(cls, [ast.Is()], [g.name("int")]), small),
                             [g.assign(var, g.binop("*", v, g.const(scale)))], slow))
            continue
        elif kind == vt.LIST and f.type.elem().kind == vt.TEXT:
            all_text = g.call("all", g.call(g.name("map"), g.name("is_str"), v))
            ns.values.setdefault("map", map)
            test = g.or_(cls_is_not("list"), g.not_(all_text))
            if nested:  # checked to be a list of texts: a flat copy is a deep one
                flat = L.Assign([L.Subscript(g.name("snap"), g.const(f.name), L.STORE)],
                                  L.Subscript(v, L.Slice(), L.LOAD))
                out.append(g.if_(test, slow, [flat]))
                continue
        else:
            out.extend(slow)
            continue
        del cls
        out.append(g.if_(test, slow))
    return out


def _slots(ec: Emitter) -> list[ast.stmt]:
    return [g.assign(slot, g.name("UNSET")) for slot in ec.slots()]


def _fast_rules(policy: CheckedPolicy, ns: g.Namespace, rules: Sequence[Rule], offset: int) -> list[ast.stmt]:
    ec = Emitter(ns, g.Temps())
    body: list[ast.stmt] = [g.assign("m", g.const(0)), g.assign("u", g.const(0))]
    for rule in rules:
        bit = 1 << rule.index
        plan = ec.condition(_condition(rule))
        cond = ec.emit(plan)
        if not plan.nullable:
            stmts: list[ast.stmt] = [g.if_(cond, [g.aug_or("m", bit)])]
        else:
            stmts = [g.assign("r", cond),
                     g.if_(g.name("r"), [g.aug_or("m", bit)], [g.if_(g.is_none(g.name("r")), [g.aug_or("u", bit)])])]
        # arithmetic beyond the range of floats makes the rule undetermined (see tracegen)
        body.append(g.try_arithmetic(stmts, [g.aug_or("u", bit)]))
    return _slots(ec) + body


def _traced_rules(policy: CheckedPolicy, ns: g.Namespace, rules: Sequence[Rule], offset: int) -> list[ast.stmt]:
    ec = Emitter(ns, g.Temps())
    tg = TraceGen(policy, ns, ec)
    for rule in rules:
        tg.rule(rule, 1 << rule.index)
    head = [g.assign("show", g.ifexp(g.name("show"), g.const(True), g.const(False))),  # the cache's key
            g.assign("m", g.const(0)), g.assign("u", g.const(0))]
    tail = [g.assign("entries", g.list_([g.name(e) for e in tg.entries]))]
    return _slots(ec) + head + tg.stmts + tail


def _condition(rule: Rule) -> object:
    """`when` and not `unless`, as one expression."""
    from ..syntax import nodes as n

    if rule.unless is None:
        return rule.when
    return n.And((rule.when, n.Not(rule.unless, span=rule.unless.span)), span=rule.when.span)
