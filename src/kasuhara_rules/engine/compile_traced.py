"""Generated code that evaluates rules while recording a trace: one node per condition.

A node is the JSON of section 7 of the contract: `text`, `value`, `at`, `reads` (the fields it
read, redacted when sensitive), `children`, and `evidence` for text operators. Conditions
(and/or/not, predicates, true/false fields), aggregate calls and defines get nodes; the
arithmetic inside a predicate is part of the predicate's node. In a trace every part of an
`and`/`or` is evaluated (no short-circuit), so an auditor sees every condition's value.
"""
from __future__ import annotations

import ast
from . import codegen as g
from . import located as L
from ..syntax import nodes as n
from .. import values as vt
from .compile_expr import Emitter
from ..check.checked import CheckedPolicy, DefineRef, Field, FieldRef, PhrasesRef, Rule
from .records import REDACTED
from .trace_plan import AND, DEFINE, NOT, VALUE, Step, Steps, at


def kleene(values: list[str], is_and: bool) -> ast.expr:
    """Inline Kleene and/or over locals holding True, False or None."""
    stop = not is_and
    names = [g.name(v) for v in values]
    decided = g.or_(*[L.Compare(x, [ast.Is()], [g.const(stop)]) for x in names])
    unknown = g.or_(*[g.is_none(x) for x in names])
    return g.ifexp(decided, g.const(stop), g.ifexp(unknown, g.const(None), g.const(not stop)))


def negation(value: str) -> ast.expr:
    return g.ifexp(g.is_none(g.name(value)), g.const(None), g.not_(g.name(value)))


class TraceGen:
    """Appends statements to `self.stmts` that compute (value, node) pairs, one per step of a
    trace (trace_plan.Step), the values written from their plans by the plain compiler's Emitter."""

    def __init__(self, policy: CheckedPolicy, ns: g.Namespace, ec: Emitter) -> None:
        self.policy = policy
        self.ns = ns
        self.ec = ec
        self.temps = ec.temps
        if "steps" not in ns.memo:
            ns.memo["steps"] = Steps(policy, ec.lowering)
        self.steps: Steps = ns.memo["steps"]
        self.stmts: list[ast.stmt] = []
        self.define_nodes: dict[str, tuple[str, str]] = {}
        self.read_slots: dict[int, str] = {}  # field index → local holding its displayed value
        self.key_slots: dict[int, str] = {}  # field index → local holding its part of cache keys
        self.entries: list[str] = []  # the locals holding each rule's trace entry, in order

    def prelude(self) -> list[ast.stmt]:
        """Statements to run before `stmts`: the slots of displayed values read lazily."""
        slots = list(self.read_slots.values()) + list(self.key_slots.values())
        return [g.assign(var, g.name("UNSET")) for var in slots]

    # -- plumbing --------------------------------------------------------------------------

    def let(self, value: ast.expr, prefix: str = "v") -> str:
        var = self.temps.new(prefix)
        self.stmts.append(g.assign(var, value))
        return var

    def node_dict(self, step: Step, value: ast.expr, reads: list[tuple[str, ast.expr]], children: list[str],
                  evidence: ast.expr | None = None, text: str | None = None) -> str:
        """A read-only trace node (empty `reads` and `children` are shared constants)."""
        pairs = [
            ("text", g.const(text if text is not None else step.text)),
            ("value", value),
            ("at", g.const(step.at)),
            ("reads", g.call("TD", g.dict_(reads)) if reads else g.name("NO_READS")),
            ("children", g.call("TL", g.tuple_([g.name(c) for c in children])) if children else g.name("EMPTY")),
        ]
        if evidence is not None:
            pairs.append(("evidence", evidence))
        return self.let(g.call("TD", g.dict_(pairs)), "n")

    def json_value(self, var: str, step: Step) -> ast.expr:
        if step.shown is None:
            return g.name(var)
        value = g.call("value_json", g.name(var), self.ns.add(step.shown, "T"))
        if step.sensitive:  # a number or text computed from personal data
            value = g.call("guarded", value, g.name("show"))
        return value

    def field_read(self, f: Field) -> tuple[str, ast.expr]:
        """A field's value as the trace shows it. For plain scalars (true/false, numbers, texts)
        the validated local already is the value as given; durations, times, lists and records
        go through `read` (JSON, with sensitive parts inside redacted), once per record and only
        when a trace entry is built (not when it comes from the cache)."""
        local = g.name(f"f{f.index}")
        if f.type.kind in (vt.BOOL, vt.INT, vt.NUMBER, vt.TEXT, vt.ENUM):
            if not f.sensitive:
                return (f.name, local)
            return (f.name, g.ifexp(g.or_(g.name("show"), g.is_none(local)), local, g.const(REDACTED)))
        var = self.read_slots.get(f.index)
        if var is None:
            var = self.read_slots[f.index] = f"r{f.index}"
        value = g.call("read", g.call(g.name("get"), g.const(f.name)), self.ns.add(f, "F"), g.name("show"))
        return (f.name, g.ifexp(L.Compare(g.name(var), [ast.IsNot()], [g.name("UNSET")]), g.name(var),
                                g.walrus(var, value)))

    def reads(self, step: Step) -> list[tuple[str, ast.expr]]:
        out = []
        for label, names, field in step.reads:
            if names is None:
                out.append(self.field_read(field))
            else:
                raw = g.call("raw_path", g.name("rec"), g.const(names))
                out.append((label, g.call("read", raw, self.ns.add(field, "F"), g.name("show"))))
        return out

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, step: Step) -> tuple[str, str]:
        """Emit statements for a step; return the locals holding its value and its node."""
        kind = step.kind
        if kind == VALUE:
            children = [self.node(c) for c in step.children]
            self.ec.traced = [g.name(v) for v, _ in children]
            assert step.value is not None
            v = self.let(self.ec.emit(step.value).expr)
            reads = self.reads(step)
            evidence = None
            if step.evidence is not None:
                self.ec.result = g.name(v)
                evidence = self.ec.emit(step.evidence).expr
            return v, self.node_dict(step, self.json_value(v, step), reads, [c[1] for c in children], evidence)
        if kind == DEFINE:
            assert step.define is not None
            done = self.define_nodes.get(step.define)
            if done is None:  # each define once per rule
                done = self.define_nodes[step.define] = self.node(step.children[0])
            return done[0], self.node_dict(step, self.json_value(done[0], step), [], [done[1]])
        parts = [self.node(c) for c in step.children]
        v = self.let(negation(parts[0][0]) if kind == NOT else kleene([p[0] for p in parts], kind == AND))
        return v, self.node_dict(step, g.name(v), [], [p[1] for p in parts])

    # -- rules -------------------------------------------------------------------------------------

    def rule(self, rule: Rule, bit: int) -> None:
        """Statements for one rule: its condition's nodes, the trace entry, and the result bits.

        When everything the rule reads is a small value (true/false, numbers, short texts), its
        trace entry is a function of those values: it is kept in a per-rule cache keyed by them
        (and by whether sensitive values are shown), so a repeated combination costs one lookup.
        """
        key = self.cache_key(rule)
        value, entry = self.temps.new("v"), self.temps.new("e")
        outer, outer_defines = self.stmts, self.define_nodes
        # Each rule computes the defines it uses itself: it may fail half-way (below).
        self.stmts, self.define_nodes = [], dict(outer_defines)
        self.rule_entry(rule, value, entry)
        body, self.stmts, self.define_nodes = self.stmts, outer, outer_defines
        if key is not None:
            plain, shown = self.ns.add({}, "C"), self.ns.add({}, "C")  # without / with sensitive values
            cache, k, hit = self.temps.new("c"), self.temps.new("k"), self.temps.new("h")
            miss = body + [g.assign(hit, g.tuple_([g.name(value), g.name(entry)]))]
            # Room: under this rule's limit, and a ticket from the policy's shared budget (next()
            # on an iterator is atomic, so threads never hand out more than the budget).
            room = g.and_(g.compare("<", g.call("len", g.name(cache)), g.name("CACHE_LIMIT")),
                          g.compare("is not", g.call("next", g.name("ROOM"), g.const(None)), g.const(None)))
            keyable = (g.compare("is not", g.name(k), g.name("NOKEY")) if len(key) == 1 else
                       g.compare("not in", g.name("NOKEY"), g.name(k)))
            storable = g.and_(keyable, room)
            miss.append(g.if_(storable, [L.Assign([L.Subscript(g.name(cache), g.name(k), L.STORE)],
                                                    g.name(hit))]))
            body = [
                g.assign(k, key[0] if len(key) == 1 else g.tuple_(key)),
                g.assign(cache, g.ifexp(g.is_false(g.name("show")), plain, shown)),
                g.assign(hit, g.method(g.name(cache), "get", g.name(k))),
                g.if_(g.is_none(g.name(hit)), miss, [L.Assign([g.unpack([value, entry])], g.name(hit))]),
            ]
        # Arithmetic beyond the range of floats (only absurd policies get there: inputs are
        # bounded) makes the rule undetermined instead of stopping the batch.
        failed: list[ast.stmt] = [g.assign(value, g.const(None)), g.assign(entry, self.failed_entry(rule))]
        self.stmts.append(g.try_arithmetic(body, failed))
        self.entries.append(entry)
        self.stmts.append(g.if_(g.is_true(g.name(value)), [g.aug_or("m", bit)],
                                [g.if_(g.is_none(g.name(value)), [g.aug_or("u", bit)])]))

    def failed_entry(self, rule: Rule) -> ast.expr:
        """The trace entry of a rule whose arithmetic overflowed: undetermined, value null."""
        condition = g.call("TD", g.dict_([("text", g.const(self.steps.rule_text(rule))), ("value", g.const(None)),
                                          ("at", g.const(at(self.policy, rule.when.span))), ("reads", g.name("NO_READS")),
                                          ("children", g.name("EMPTY"))]))
        return g.call("TD", g.dict_([("rule", g.const(rule.name)), ("title", g.const(rule.title)),
                                     ("at", g.const(at(self.policy, rule.span))), ("result", g.const("undetermined")),
                                     ("condition", condition)]))

    def rule_entry(self, rule: Rule, value: str, entry: str) -> None:
        """Statements that set `value` to the rule's result and `entry` to its trace entry."""
        when = self.steps.step(rule.when)
        wv, wn = self.node(when)
        if rule.unless is None:
            self.stmts.append(g.assign(value, g.name(wv)))
            cond = wn
        else:
            uv, un = self.node(self.steps.step(rule.unless))
            self.stmts.append(g.assign(value, kleene([wv, self.let(negation(uv))], True)))
            cond = self.node_dict(when, g.name(value), [], [wn, un], text=self.steps.rule_text(rule))
        self.stmts.append(g.assign(entry, g.call("TD", g.dict_([
            ("rule", g.const(rule.name)),
            ("title", g.const(rule.title)),
            ("at", g.const(at(self.policy, rule.span))),
            ("result", g.ifexp(g.is_true(g.name(value)), g.const("matched"),
                               g.ifexp(g.is_false(g.name(value)), g.const("not_matched"), g.const("undetermined")))),
            ("condition", g.name(cond)),
        ]))))

    def cache_key(self, rule: Rule) -> list[ast.expr] | None:
        """The values a rule's trace entry depends on, as key parts; None when it cannot be
        cached (it reads records, lists of records or paths)."""
        fields: dict[int, Field] = {}
        seen: set[str] = set()
        stack: list[n.Spanned] = [rule.when] + ([rule.unless] if rule.unless is not None else [])
        while stack:
            for sub in n.walk(stack.pop()):
                ref = sub.ref if isinstance(sub, (n.Name, n.Path)) else None
                if ref is None or isinstance(ref, PhrasesRef):
                    continue
                if isinstance(ref, DefineRef):
                    if ref.name not in seen:
                        seen.add(ref.name)
                        stack.append(self.policy.defines[ref.name].expr)
                    continue
                if not isinstance(ref, FieldRef) or ref.field.type.kind not in _KEYABLE:
                    return None
                if ref.field.type.kind == vt.LIST and ref.field.type.elem().kind != vt.TEXT:
                    return None
                fields[ref.field.index] = ref.field
        parts: list[ast.expr] = []
        for index in sorted(fields):
            kind = fields[index].type.kind
            local = g.name(f"f{index}")
            if kind == vt.NUMBER:
                part = g.call("num_key", local)
            elif kind == vt.TEXT:
                part = g.call("text_key", local)
            elif kind == vt.LIST:
                part = g.call("list_key", local)
            elif kind in (vt.DURATION, vt.DATE, vt.DATETIME):
                part = g.call("raw_key", g.call(g.name("get"), g.const(fields[index].name)))
            else:
                parts.append(local)  # true/false, whole numbers, choices: the value itself
                continue
            # computed once per record however many rules read the field, when first needed
            slot = self.key_slots.setdefault(index, f"q{index}")
            parts.append(g.ifexp(L.Compare(g.name(slot), [ast.IsNot()], [g.name("UNSET")]), g.name(slot),
                                 g.walrus(slot, part)))
        return parts


_KEYABLE = (vt.BOOL, vt.INT, vt.NUMBER, vt.ENUM, vt.TEXT, vt.LIST, vt.DURATION, vt.DATE, vt.DATETIME)
