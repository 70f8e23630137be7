"""Generated code that evaluates rules while recording a trace: trace_plan.py's steps written as Python."""
from __future__ import annotations

import ast
from . import codegen as g
from . import located as L
from .. import values as vt
from . import runtime as rt
from .compile_expr import Emitter
from ..check.checked import CheckedPolicy, Field, FieldRef, PhrasesRef, Rule
from .facts import refs_within
from .plan import CACHED, FIELD, RAW, Plan, call, made
from .trace_plan import RuleSteps, Step, Steps


class TraceGen:
    """Appends statements to `self.stmts` that compute (value, node) pairs, one per step of a
    trace (trace_plan.Step), the values written from their plans by the plain compiler's Emitter."""

    def __init__(self, policy: CheckedPolicy, ns: g.Namespace, ec: Emitter) -> None:
        self.policy = policy
        self.ns = ns
        self.ec = ec
        self.temps = ec.temps
        self.steps: Steps = made(ns.memo, "steps", lambda: Steps(policy, ec.lowering))  # one per policy
        self.stmts: list[ast.stmt] = []
        self.define_nodes: dict[str, tuple[str, str]] = {}
        self.entries: list[str] = []  # the locals holding each rule's trace entry, in order

    def let(self, value: ast.expr, prefix: str = "v") -> str:
        """A local holding `value` (the local itself when `value` is one)."""
        if isinstance(value, ast.Name):
            return value.id
        var = self.temps.new(prefix)
        self.stmts.append(g.assign(var, value))
        return var

    def node(self, step: Step) -> tuple[str, str]:
        """Emit statements for a step; return the locals holding its value and its (read-only) node."""
        # a define's body (its only child) once per rule
        children = [self.node(c) if step.define is None else made(self.define_nodes, step.define, lambda: self.node(c))
                    for c in step.children]
        ec = self.ec
        ec.traced = [g.name(v) for v, _ in children]
        v = self.let(ec.emit(step.value))
        ec.traced.append(g.name(v))  # RESULT_PLAN
        reads = [(label, ec.emit(read)) for label, read in step.reads]
        pairs = [
            ("text", g.const(step.text)),
            ("value", ec.emit(step.shown)),
            ("at", g.const(step.at)),
            ("reads", g.call("TD", g.dict_(reads)) if reads else g.name("NO_READS")),
            ("children", g.call("TL", g.tuple_([g.name(c) for _, c in children])) if children else g.name("EMPTY")),
        ]
        if step.evidence is not None:
            pairs.append(("evidence", ec.emit(step.evidence)))
        return v, self.let(g.call("TD", g.dict_(pairs)), "n")

    # -- rules -------------------------------------------------------------------------------------

    def rule(self, rule: Rule, bit: int) -> None:
        """Statements for one rule: its condition's nodes, the trace entry, and the result bits.

        When everything the rule reads is a small value (true/false, numbers, short texts), its
        trace entry is a function of those values: it is kept in a per-rule cache keyed by them
        (and by whether sensitive values are shown), so a repeated combination costs one lookup.
        """
        key = self.cache_key(rule)
        value, entry = self.temps.new("v"), self.temps.new("e")
        # Each rule computes the defines it uses itself: it may fail half-way (below).
        outer, self.stmts, self.define_nodes = self.stmts, [], {}
        steps = RuleSteps(rule, self.steps)
        v, cond = self.node(steps.condition)
        self.stmts += [g.assign(value, g.name(v)), g.assign(entry, g.call("entry", *map(g.const, steps.head),
                                                                            g.name(value), g.name(cond)))]
        body, self.stmts = self.stmts, outer
        if key is not None:
            plain, shown = self.ns.add({}, "C"), self.ns.add({}, "C")  # without / with sensitive values
            pick = g.ifexp(g.is_false(g.name("show")), plain, shown)
            cache, hit = self.temps.new("c"), self.temps.new("h")
            # a key that is one local already is read as it is (the path of a hit: a lookup and a test)
            one = key[0] if len(key) == 1 else None
            k = one if isinstance(one, ast.Name) else g.name(self.temps.new("k"))
            # Room: under this rule's limit, and a ticket from the policy's shared budget (next()
            # on an iterator is atomic, so threads never hand out more than the budget).
            room = g.and_(g.compare("<", g.call("len", g.name(cache)), g.name("CACHE_LIMIT")),
                          g.compare("is not", g.call("next", g.name("ROOM"), g.const(None)), g.const(None)))
            keyable = (g.compare("is not", k, g.name("NOKEY")) if one is not None else
                       g.compare("not in", g.name("NOKEY"), k))
            store = L.Assign([L.Subscript(g.name(cache), k, L.STORE)], g.name(hit))
            miss = body + [g.assign(hit, g.tuple_([g.name(value), g.name(entry)])), g.assign(cache, pick),
                           g.if_(g.and_(keyable, room), [store])]
            body = [] if k is one else [g.assign(k.id, one if one is not None else g.tuple_(key))]
            body += [g.assign(hit, g.method(pick, "get", k)),
                     g.if_(g.is_none(g.name(hit)), miss, [L.Assign([g.unpack([value, entry])], g.name(hit))])]
        # Arithmetic beyond the range of floats (only absurd policies get there: inputs are
        # bounded) makes the rule undetermined instead of stopping the batch.
        failed: list[ast.stmt] = [g.assign(value, g.const(None)), g.assign(entry, self.ns.add(steps.failed, "X"))]
        self.stmts.append(g.try_arithmetic(body, failed))
        self.entries.append(entry)
        self.stmts.append(g.if_(g.is_true(g.name(value)), [g.aug_or("m", bit)],
                                [g.if_(g.is_none(g.name(value)), [g.aug_or("u", bit)])]))

    def cache_key(self, rule: Rule) -> list[ast.expr] | None:
        """The values a rule's trace entry depends on, as key parts; None when it cannot be
        cached (it reads records, lists of records or paths)."""
        fields: dict[int, Field] = {}
        for ref in refs_within((rule.when, rule.unless), self.policy):
            if isinstance(ref, PhrasesRef):
                continue
            if not isinstance(ref, FieldRef) or ref.field.type.kind not in _KEYS:
                return None
            if ref.field.type.kind == vt.LIST and ref.field.type.elem().kind != vt.TEXT:
                return None
            fields[ref.field.index] = ref.field
        parts: list[ast.expr] = []
        for index in sorted(fields):
            key, part = _KEYS[fields[index].type.kind], Plan(FIELD, arg=index)
            if key is not None:  # (true/false, whole numbers, choices: the value itself)
                # durations and times as given (raw_key), the others as validated; computed once
                # per record however many rules read the field, when first needed
                value = Plan(RAW, arg=fields[index].name) if key is rt.raw_key else part
                part = Plan(CACHED, (call(key, value, strict=False),), ("key", index))
            parts.append(self.ec.emit(part))
        return parts


# the fields a trace entry can be cached on, by kind: the helper making their part of a key (None: the value itself)
_KEYS = {vt.NUMBER: rt.num_key, vt.TEXT: rt.text_key, vt.LIST: rt.list_key, vt.DURATION: rt.raw_key,
         vt.DATE: rt.raw_key, vt.DATETIME: rt.raw_key, vt.BOOL: None, vt.INT: None, vt.ENUM: None}
