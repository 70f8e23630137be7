"""Generated code that evaluates rules while recording a trace: one node per condition.

A node is the JSON of section 7 of the contract: `text`, `value`, `at`, `reads` (the fields it
read, redacted when sensitive), `children`, and `evidence` for text operators. Conditions
(and/or/not, predicates, true/false fields), aggregate calls and defines get nodes; the
arithmetic inside a predicate is part of the predicate's node. In a trace every part of an
`and`/`or` is evaluated (no short-circuit), so an auditor sees every condition's value.
"""
from __future__ import annotations

import ast
from typing import Sequence, cast

from ..source import Span

import attrs

from . import codegen as g
from . import located as L
from ..syntax import nodes as n
from .. import values as vt
from .compile_expr import Env, ExprCompiler
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, PhrasesRef, Rule
from .records import REDACTED
from ..source import relative_name
from ..check.regex import compiled as compiled_regex
from ..syntax.printer import Texts
from ..syntax.visitor import Visitor


def traced_within(operands: Sequence[object]) -> list[object]:
    """The calls and define references inside `operands` (not inside those calls), in the order
    TraceGen.children_of gives their nodes: the children of a predicate's or a call's node."""
    found: list[object] = []
    stack = list(reversed(operands))
    while stack:
        sub = stack.pop()
        if isinstance(sub, n.Call) or (isinstance(sub, n.Name) and isinstance(sub.ref, DefineRef)):
            found.append(sub)
            continue
        stack.extend(reversed(n.children(sub)))
    return found


def trace_children(expr: object, policy: CheckedPolicy) -> list[object]:
    """The sub-expressions whose trace nodes are the children of `expr`'s node, in order, so
    that a reader of a trace can pair each child with the tree (no reading back of `text`)."""
    if isinstance(expr, (n.And, n.Or)):
        return list(expr.operands)
    if isinstance(expr, n.Not):
        return [expr.operand]
    if isinstance(expr, n.Name) and isinstance(expr.ref, DefineRef):
        return [policy.defines[expr.ref.name].expr]
    if isinstance(expr, n.Call):
        return traced_within([expr.arg] + ([expr.where] if expr.where is not None else []))
    return traced_within(list(n.children(expr)))


def path_chain(node: n.Path) -> list[Field] | None:
    """The fields along `a.b.c` when it starts at a top-level record field, else None."""
    chain: list[Field] = []
    cur: object = node
    while isinstance(cur, n.Path):
        f = cur.ref
        if not isinstance(f, Field):
            return None
        chain.append(f)
        cur = cur.base
    ref = cur.ref if isinstance(cur, n.Name) else None
    if not isinstance(ref, FieldRef) or ref.field.type.kind != vt.RECORD:
        return None
    chain.append(ref.field)
    return list(reversed(chain))


def _has_sensitive(field: Field) -> bool:
    if field.sensitive:
        return True
    kind = field.type.elem() if field.type.kind == vt.LIST else field.type
    return any(_has_sensitive(f) for f in kind.fields)


def kleene(values: list[str], is_and: bool) -> ast.expr:
    """Inline Kleene and/or over locals holding True, False or None."""
    stop = not is_and
    names = [g.name(v) for v in values]
    decided = g.or_(*[L.Compare(x, [ast.Is()], [g.const(stop)]) for x in names])
    unknown = g.or_(*[g.is_none(x) for x in names])
    return g.ifexp(decided, g.const(stop), g.ifexp(unknown, g.const(None), g.const(not stop)))


def negation(value: str) -> ast.expr:
    return g.ifexp(g.is_none(g.name(value)), g.const(None), g.not_(g.name(value)))


def _type(node: object) -> vt.Type:
    """The checker's type of a node of the resolved tree (its `type` slot)."""
    return cast(vt.Type, getattr(node, "type"))


class TraceGen(Visitor):
    """Appends statements to `self.stmts` that compute (value, node) pairs (one `visit_<Node>`
    per kind of condition node)."""

    def __init__(self, policy: CheckedPolicy, ns: g.Namespace, ec: ExprCompiler) -> None:
        self.policy = policy
        self.ns = ns
        self.ec = ec
        self.temps = ec.temps
        self.stmts: list[ast.stmt] = []
        self.define_nodes: dict[str, tuple[str, str]] = {}
        self.read_slots: dict[int, str] = {}  # field index → local holding its displayed value
        self.key_slots: dict[int, str] = {}  # field index → local holding its part of cache keys
        self.entries: list[str] = []  # the locals holding each rule's trace entry, in order
        self.text_of = Texts()  # each sub-expression printed once

    def at(self, span: Span) -> str:
        """`file:line:col` with the file relative to the root policy's directory, never absolute,
        so a trace reads the same from any working directory."""
        loaded, shown = self.policy.top
        name = shown if span.file == loaded else relative_name(span.file, self.policy.root)
        return f"{name}:{span.line}:{span.column}"

    def prelude(self) -> list[ast.stmt]:
        """Statements to run before `stmts`: the slots of displayed values read lazily."""
        slots = list(self.read_slots.values()) + list(self.key_slots.values())
        return [g.assign(var, g.name("UNSET")) for var in slots]

    # -- plumbing --------------------------------------------------------------------------

    def let(self, value: ast.expr, prefix: str = "v") -> str:
        var = self.temps.new(prefix)
        self.stmts.append(g.assign(var, value))
        return var

    def node_dict(self, node: n.Spanned, value: ast.expr, reads: list[tuple[str, ast.expr]],
                  children: list[str], evidence: ast.expr | None = None, text: str | None = None) -> str:
        """A read-only trace node (empty `reads` and `children` are shared constants)."""
        pairs = [
            ("text", g.const(text if text is not None else self.text_of(node))),
            ("value", value),
            ("at", g.const(self.at(node.span))),
            ("reads", g.call("TD", g.dict_(reads)) if reads else g.name("NO_READS")),
            ("children", g.call("TL", g.tuple_([g.name(c) for c in children])) if children else g.name("EMPTY")),
        ]
        if evidence is not None:
            pairs.append(("evidence", evidence))
        return self.let(g.call("TD", g.dict_(pairs)), "n")

    def json_value(self, var: str, node: object) -> ast.expr:
        kind = _type(node)
        if kind.kind == vt.BOOL:
            return g.name(var)
        value = g.call("value_json", g.name(var), self.ns.add(kind, "T"))
        if self.sensitive_in(node):  # a number or text computed from personal data
            value = g.call("guarded", value, g.name("show"))
        return value

    def read(self, label: str, raw: ast.expr, field: Field) -> tuple[str, ast.expr]:
        return (label, g.call("read", raw, self.ns.add(field, "F"), g.name("show")))

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

    # -- defines -------------------------------------------------------------------------------

    def define(self, dname: str) -> tuple[str, str]:
        """(value var, node var) of a define's body, computed once per record."""
        if dname not in self.define_nodes:
            body = self.policy.defines[dname].expr
            self.define_nodes[dname] = self.node(body)
        return self.define_nodes[dname]

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, expr: n.Spanned) -> tuple[str, str]:
        """Emit statements for `expr`; return the locals holding its value and its node."""
        result: tuple[str, str] = self.visit(expr)
        return result

    def visit_And(self, expr: n.And) -> tuple[str, str]:
        parts = [self.node(o) for o in expr.operands]
        v = self.let(kleene([p[0] for p in parts], True))
        return v, self.node_dict(expr, g.name(v), [], [p[1] for p in parts])

    def visit_Or(self, expr: n.Or) -> tuple[str, str]:
        parts = [self.node(o) for o in expr.operands]
        v = self.let(kleene([p[0] for p in parts], False))
        return v, self.node_dict(expr, g.name(v), [], [p[1] for p in parts])

    def visit_Not(self, expr: n.Not) -> tuple[str, str]:
        inner_v, inner_n = self.node(expr.operand)
        v = self.let(negation(inner_v))
        return v, self.node_dict(expr, g.name(v), [], [inner_n])

    def visit_Name(self, expr: n.Name) -> tuple[str, str]:
        ref = expr.ref
        if isinstance(ref, DefineRef):
            dv, dn = self.define(ref.name)
            return dv, self.node_dict(expr, self.json_value(dv, expr), [], [dn])
        return self.predicate(expr)  # a true/false field

    def visit_Call(self, expr: n.Call) -> tuple[str, str]:
        return self.call(expr)

    def call(self, expr: n.Call) -> tuple[str, str]:
        children, subst = self.children_of([expr.arg] + ([expr.where] if expr.where is not None else []))
        v = self.let(self.ec.compile(expr, Env(subst=subst)).expr)
        reads = self.reads_in([expr.arg] + ([expr.where] if expr.where is not None else []), into_calls=True)
        return v, self.node_dict(expr, self.json_value(v, expr), reads, children)

    def predicate(self, expr: n.Spanned) -> tuple[str, str]:
        """A leaf of the trace: one comparison or test, with the values it read."""
        operands = list(n.children(expr))
        children, subst = self.children_of(operands)
        v = self.let(self.ec.compile(expr, Env(subst=subst)).expr)
        reads = self.reads_in(operands or [expr], into_calls=False)
        evidence = self.evidence(expr, v, subst)
        return v, self.node_dict(expr, self.json_value(v, expr), reads, children, evidence)


    # the leaves of the trace: tests, and values (a condition like `true` or `a.flag`, or the body
    # of a define that stands for a number, a duration, a text, a list…)
    visit_Compare = visit_Between = visit_IsMissing = visit_In = predicate
    visit_Contains = visit_Mentions = visit_Matches = visit_BoolLit = visit_Path = predicate
    visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = visit_DateTimeLit = predicate
    visit_ListLit = visit_Negate = visit_Binary = predicate

    def children_of(self, operands: Sequence[object]) -> tuple[list[str], tuple[tuple[object, ast.expr], ...]]:
        """Trace the calls and define references inside `operands` (not inside those calls); the
        substitutions say which node of the tree each traced value stands for."""
        children: list[str] = []
        subst: list[tuple[object, ast.expr]] = []
        stack = list(reversed(operands))
        while stack:
            sub = stack.pop()
            if isinstance(sub, n.Call):
                v, node = self.call(sub)
                children.append(node)
                subst.append((sub, g.name(v)))
                continue
            if isinstance(sub, n.Name) and isinstance(sub.ref, DefineRef):
                v, node = self.node(sub)
                children.append(node)
                subst.append((sub, g.name(v)))
                continue
            stack.extend(reversed(n.children(sub)))
        return children, tuple(subst)

    def reads_in(self, operands: Sequence[object], into_calls: bool) -> list[tuple[str, ast.expr]]:
        """The top-level fields (and record paths) the operands read, each once, in order."""
        reads: dict[str, tuple[str, ast.expr]] = {}
        stack = list(reversed(operands))
        while stack:
            sub = stack.pop()
            if isinstance(sub, n.Call) and not into_calls:
                continue
            if isinstance(sub, n.Name):
                ref = sub.ref
                if isinstance(ref, FieldRef):
                    reads.setdefault(ref.field.name, self.field_read(ref.field))
                continue
            if isinstance(sub, n.Path):
                chain = path_chain(sub)
                if chain is not None:
                    label = ".".join(f.name for f in chain)
                    raw = g.call("raw_path", g.name("rec"), g.const(tuple(f.name for f in chain)))
                    last = chain[-1]
                    if any(f.sensitive for f in chain[:-1]):
                        last = attrs.evolve(last, sensitive=True)
                    for f in reversed(chain[:-1]):  # a step through a list reads a list (a projection)
                        if f.type.kind == vt.LIST:
                            last = attrs.evolve(last, type=vt.list_of(last.type))
                    reads.setdefault(label, self.read(label, raw, last))
                    continue
            stack.extend(reversed(n.children(sub)))
        return list(reads.values())

    def sensitive_in(self, expr: object, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `expr` reads personal data (directly, inside records, or through defines)."""
        for sub in n.walk(expr):
            ref = sub.ref if isinstance(sub, (n.Name, n.Path)) else None
            if isinstance(ref, (FieldRef, ElementRef)) and _has_sensitive(ref.field):
                return True
            if isinstance(ref, Field) and _has_sensitive(ref):
                return True
            if isinstance(ref, DefineRef) and ref.name not in seen:
                if self.sensitive_in(self.policy.defines[ref.name].expr, seen | {ref.name}):
                    return True
        return False

    def evidence(self, expr: object, v: str, subst: tuple[tuple[object, ast.expr], ...]) -> ast.expr | None:
        """What a text operator found: the policy's phrases, or for `matches` the matched text."""
        if isinstance(expr, n.Contains):
            subject = self.ec.compile(expr.subject, Env(subst=subst)).expr
            if expr.mode == "one":
                item = self.ec.compile(expr.item, Env(subst=subst)).expr
                redact = self.sensitive_in(expr.item)
                return g.call("ev_one", g.name(v), item, g.const(redact), g.name("show"))
            pset = self.ns.add(self.ec.phrases_of(expr.item), "P")
            stype = _type(expr.subject)
            return g.call("ev_text" if stype.is_textual else "ev_list", pset, subject)
        if isinstance(expr, n.Mentions):  # the phrases found, and the words of the text that matched
            words = self.ec.heard(expr.subject, Env(subst=subst)).expr
            mset = self.ns.add(self.ec.mention_set(expr.item), "M")
            return g.call("ev_words", mset, words, g.const(self.sensitive_in(expr.subject)), g.name("show"))
        if isinstance(expr, n.In) and _type(expr.container).kind == vt.PHRASES:
            pset = self.ns.add(self.ec.phrase_set(cast(PhrasesRef, n.ref_of(expr.container)).name), "P")
            value = self.ec.compile(expr.value, Env(subst=subst)).expr
            return g.call("ev_list", pset, g.list_([value]))
        if isinstance(expr, n.Matches):
            subject = self.ec.compile(expr.subject, Env(subst=subst)).expr
            rx = self.ns.add(compiled_regex(expr.pattern.value), "R")
            return g.call("ev_match", rx, subject, g.const(self.sensitive_in(expr.subject)), g.name("show"))
        return None

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
        text = self.text_of(rule.when) + (f" unless {self.text_of(rule.unless)}" if rule.unless is not None else "")
        condition = g.call("TD", g.dict_([("text", g.const(text)), ("value", g.const(None)),
                                          ("at", g.const(self.at(rule.when.span))), ("reads", g.name("NO_READS")),
                                          ("children", g.name("EMPTY"))]))
        return g.call("TD", g.dict_([("rule", g.const(rule.name)), ("title", g.const(rule.title)),
                                     ("at", g.const(self.at(rule.span))), ("result", g.const("undetermined")),
                                     ("condition", condition)]))

    def rule_entry(self, rule: Rule, value: str, entry: str) -> None:
        """Statements that set `value` to the rule's result and `entry` to its trace entry."""
        wv, wn = self.node(rule.when)
        if rule.unless is None:
            self.stmts.append(g.assign(value, g.name(wv)))
            cond = wn
        else:
            uv, un = self.node(rule.unless)
            self.stmts.append(g.assign(value, kleene([wv, self.let(negation(uv))], True)))
            text = f"{self.text_of(rule.when)} unless {self.text_of(rule.unless)}"
            cond = self.node_dict(rule.when, g.name(value), [], [wn, un], text=text)
        self.stmts.append(g.assign(entry, g.call("TD", g.dict_([
            ("rule", g.const(rule.name)),
            ("title", g.const(rule.title)),
            ("at", g.const(self.at(rule.span))),
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
