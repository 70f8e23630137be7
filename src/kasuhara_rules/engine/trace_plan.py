"""Which nodes a trace has and what each shows: the steps both tiers of explanations run.

A trace (section 7 of the contract) has a node per condition: `and`/`or`/`not`, each predicate
or true/false value, each aggregate call, each define (whose body is its only child). A `Step`
says, for one such node, its children, its value as a plan (plan.py: the calls and defines
inside it are its children, traced on their own, and stand in by their values), what it reads
(each top-level field or record path once, redacted when sensitive), the evidence of a text
operator, its text and its place. Both tiers of explanations read the same steps, so they agree
on the shape of a trace by construction; `trace_children` gives a reader of a trace the same
pairing of its children with the tree.
"""
from __future__ import annotations

from typing import Any, Sequence, cast

import attrs

from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, Rule
from ..source import Span, relative_name
from ..syntax import nodes as n
from ..syntax.printer import expr as text_of
from ..syntax.visitor import Visitor
from .plan import Lowering, Plan, Scope

AND, OR, NOT, DEFINE, VALUE = "and", "or", "not", "define", "value"
Read = tuple[str, "tuple[str, ...] | None", Field]  # label, the path's names (None: a top-level field), field shown


class Step:
    """One node of a trace (see the module's docstring). `kind` is AND, OR, NOT, DEFINE (its
    child is the define's body, `define` its name) or VALUE (a predicate, a value or a call:
    `value` is computed with the children's values standing for them)."""

    __slots__ = ("kind", "node", "children", "value", "reads", "evidence", "shown", "sensitive", "define",
                 "text", "at")

    def __init__(self, kind: str, node: Any, children: tuple[Step, ...], text: str, at: str) -> None:
        self.kind, self.node, self.children, self.text, self.at = kind, node, children, text, at
        self.value: Plan | None = None
        self.reads: tuple[Read, ...] = ()
        self.evidence: Plan | None = None
        self.shown: vt.Type | None = None  # the type to show the value as (None: true/false, shown as is)
        self.sensitive = False             # whether the value shown is computed from personal data
        self.define: str | None = None


def at(policy: CheckedPolicy, span: Span) -> str:
    """`file:line:col` with the file relative to the root policy's directory, never absolute,
    so a trace reads the same from any working directory."""
    loaded, shown = policy.top
    name = shown if span.file == loaded else relative_name(span.file, policy.root)
    return f"{name}:{span.line}:{span.column}"


def traced_within(operands: Sequence[object], in_where: bool = False) -> list[object]:
    """The calls and define references inside `operands` (not inside those calls), in order:
    the children of a predicate's or a call's node. A call inside a `where` condition (in_where)
    may read the element, so it is part of its call's value, not a node of its own."""
    found: list[object] = []
    stack = [(o, in_where) for o in reversed(operands)]
    while stack:
        sub, inside = stack.pop()
        if (isinstance(sub, n.Call) and not inside) or (isinstance(sub, n.Name) and isinstance(sub.ref, DefineRef)):
            found.append(sub)
            continue
        if isinstance(sub, n.Call) and sub.where is not None:
            stack += [(sub.where, True), (sub.arg, inside)]
            continue
        stack.extend((c, inside) for c in reversed(n.children(sub)))
    return found


def _call_children(expr: n.Call) -> list[object]:
    """The children of a call's node: in its list, and in its `where` condition."""
    return traced_within((expr.arg,)) + (traced_within((expr.where,), True) if expr.where is not None else [])


_KINDS = {n.And: AND, n.Or: OR, n.Not: NOT}


class _Children(Visitor):
    """The sub-expressions whose trace nodes are the children of an expression's node."""

    def visit_And(self, expr: n.And, policy: CheckedPolicy) -> list[object]:
        return list(expr.operands)

    visit_Or = visit_And

    def visit_Not(self, expr: n.Not, policy: CheckedPolicy) -> list[object]:
        return [expr.operand]

    def visit_Name(self, expr: n.Name, policy: CheckedPolicy) -> list[object]:
        if isinstance(expr.ref, DefineRef):
            return [policy.defines[expr.ref.name].expr]
        return self.predicate(expr, policy)

    def visit_Call(self, expr: n.Call, policy: CheckedPolicy) -> list[object]:
        return _call_children(expr)

    def predicate(self, expr: object, policy: CheckedPolicy) -> list[object]:
        return traced_within(n.children(expr))

    visit_Compare = visit_Between = visit_IsMissing = visit_In = visit_Contains = visit_Mentions = predicate
    visit_Matches = visit_BoolLit = visit_Path = visit_NumberLit = visit_StringLit = visit_DurationLit = predicate
    visit_DateLit = visit_DateTimeLit = visit_ListLit = visit_Negate = visit_Binary = predicate


_CHILDREN = _Children()


def trace_children(expr: object, policy: CheckedPolicy) -> list[object]:
    """The sub-expressions whose trace nodes are the children of `expr`'s node, in order, so
    that a reader of a trace can pair each child with the tree (no reading back of `text`)."""
    found: list[object] = _CHILDREN.visit(expr, policy)
    return found


def _call_operands(expr: n.Call) -> tuple[object, ...]:
    return (expr.arg,) if expr.where is None else (expr.arg, expr.where)


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


def has_sensitive(field: Field) -> bool:
    """Whether a field is personal data or holds some (inside records and lists)."""
    if field.sensitive:
        return True
    kind = field.type.elem() if field.type.kind == vt.LIST else field.type
    return any(has_sensitive(f) for f in kind.fields)


class Steps:
    """Makes the steps of a policy's conditions: a node's children are `trace_children` (the
    visitor of trace nodes); a define's body has one step, shared by every use."""

    def __init__(self, policy: CheckedPolicy, lowering: Lowering) -> None:
        self.policy = policy
        self.lowering = lowering
        self._defines: dict[str, Step] = {}
        self._sensitive: dict[str, bool] = {}

    def new(self, kind: str, expr: Any, children: tuple[Step, ...] = ()) -> Step:
        known = [(c.node, c.text) for c in children]
        return Step(kind, expr, children, text_of(expr, known), at(self.policy, expr.span))

    def rule_text(self, rule: Rule) -> str:
        """The text of a rule's whole condition (`when … unless …`)."""
        text = text_of(rule.when)
        return text if rule.unless is None else f"{text} unless {text_of(rule.unless)}"

    def define(self, name: str) -> Step:
        found = self._defines.get(name)
        if found is None:
            found = self._defines[name] = self.step(self.policy.defines[name].expr)
        return found

    def step(self, expr: Any) -> Step:
        ref = expr.ref if expr.__class__ is n.Name else None
        if isinstance(ref, DefineRef):
            step = self.new(DEFINE, expr, (self.define(ref.name),))
            step.define = ref.name
        else:
            traced = trace_children(expr, self.policy)
            step = self.new(_KINDS.get(expr.__class__, VALUE), expr, tuple(self.step(sub) for sub in traced))
            if step.kind != VALUE:
                return step
            # a predicate or a value (`true`, `a.flag`, a define's number…) — or a call: its own node
            is_call = isinstance(expr, n.Call)
            operands = _call_operands(expr) if is_call else n.children(expr)
            scope = Scope(traced=tuple(traced))
            step.value = self.lowering.lower(expr, scope)
            step.reads = self.reads(operands if operands else (expr,), is_call)
            if not is_call:
                step.evidence = self.lowering.evidence(expr, scope, self.sensitive_in)
        self.show(step, expr)
        return step

    def show(self, step: Step, expr: object) -> None:
        kind = cast(vt.Type, getattr(expr, "type"))
        if kind.kind != vt.BOOL:  # true/false is shown as it is, never redacted
            step.shown = kind
            step.sensitive = self.sensitive_in(expr)

    def reads(self, operands: Sequence[object], into_calls: bool) -> tuple[Read, ...]:
        """The top-level fields (and record paths) the operands read, each once, in order."""
        reads: dict[str, Read] = {}
        stack = list(reversed(operands))
        while stack:
            sub = stack.pop()
            if isinstance(sub, n.Call) and not into_calls:
                continue
            if isinstance(sub, n.Name):
                ref = sub.ref
                if isinstance(ref, FieldRef):
                    reads.setdefault(ref.field.name, (ref.field.name, None, ref.field))
                continue
            if isinstance(sub, n.Path):
                chain = path_chain(sub)
                if chain is not None:
                    label = ".".join(f.name for f in chain)
                    last = chain[-1]
                    if any(f.sensitive for f in chain[:-1]):
                        last = attrs.evolve(last, sensitive=True)
                    for f in reversed(chain[:-1]):  # a step through a list reads a list (a projection)
                        if f.type.kind == vt.LIST:
                            last = attrs.evolve(last, type=vt.list_of(last.type))
                    reads.setdefault(label, (label, tuple(f.name for f in chain), last))
                    continue
            stack.extend(reversed(n.children(sub)))
        return tuple(reads.values())

    def sensitive_in(self, expr: object) -> bool:
        """Whether `expr` reads personal data (directly, inside records, or through defines)."""
        for sub in n.walk(expr):
            ref = sub.ref if isinstance(sub, (n.Name, n.Path)) else None
            if isinstance(ref, (FieldRef, ElementRef)) and has_sensitive(ref.field):
                return True
            if isinstance(ref, Field) and has_sensitive(ref):
                return True
            if isinstance(ref, DefineRef):
                known = self._sensitive.get(ref.name)
                if known is None:
                    self._sensitive[ref.name] = False  # (defines do not recur; this guards anyway)
                    known = self._sensitive[ref.name] = self.sensitive_in(self.policy.defines[ref.name].expr)
                if known:
                    return True
        return False
