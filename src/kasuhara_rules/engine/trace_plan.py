"""Which nodes a trace has and what each shows: the steps both tiers of explanations run.

A trace (section 7 of the contract) has a node per condition: `and`/`or`/`not`, each predicate
or true/false value, each aggregate call, each define (whose body is its only child); the
arithmetic inside a predicate is part of the predicate's node. Every part of an `and`/`or` is
evaluated (no short-circuit), so an auditor sees every condition's value. A `Step`
says, for one such node, its children, its text and its place, and as plans (plan.py: the calls
and defines inside it are its children, traced on their own, and stand in by their values) its
value, the value as shown, what it reads (each top-level field or record path once, redacted
when sensitive) and the evidence of a text operator. Both tiers of explanations read the same
steps and only evaluate (interpret_traced) or emit (compile_traced) their plans, so they agree on
the shape and the values of a trace by construction; `trace_children` gives a reader of a trace
the same pairing of its children with the tree.
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
from . import runtime as rt
from .facts import refs_within
from .plan import (AND, CACHED, FIELD, RAW, RESULT_PLAN, SHOW_PLAN, TRACED, Lowering, Plan, Scope, call, const, made,
                   op, type_of)
from .tracedata import EMPTY, TraceDict

_FIRST, _SECOND = (Plan(TRACED, arg=i, nullable=True) for i in (0, 1))  # the values of a step's first two children
_SCALARS = (vt.BOOL, vt.INT, vt.NUMBER, vt.TEXT, vt.ENUM)


@attrs.define(eq=False)
class Step:
    """One node of a trace (see the module's docstring). Every part of it is a plan, evaluated with
    the values of its children standing for them (TRACED) and its own value for RESULT_PLAN: `value`
    (an `and`/`or`/`not` of its children's values, a predicate, a value, a call, or a define's
    body — its only child, `define` its name), `shown` (the value as the trace shows it), `reads`
    (label → the value read, as shown) and `evidence` (of a text operator)."""

    node: Any
    children: tuple[Step, ...]
    text: str
    at: str
    value: Plan
    shown: Plan = RESULT_PLAN  # true/false is shown as it is, never redacted
    reads: tuple[tuple[str, Plan], ...] = ()
    evidence: Plan | None = None
    define: str | None = None


def read_plan(chain: list[Field], node: object) -> Plan:
    """A read as the trace shows it: of a top-level field, or of a record path (`node`, whose last
    field is read as a list through a list — the path's type — and as sensitive inside a sensitive
    field). For plain scalars (true/false, numbers, texts) the validated value of a top-level field
    already is the value as given; durations, times, lists and records go through `read` (JSON,
    with sensitive parts inside redacted), once per record for a top-level field and only when a
    trace entry is built (not when it comes from the cache)."""
    field, top = chain[0], len(chain) == 1
    if top and field.type.kind in _SCALARS:
        value = Plan(FIELD, arg=field.index, nullable=field.optional)
        return call(rt.guarded, value, SHOW_PLAN, strict=False) if field.sensitive else value
    if not top:
        field = attrs.evolve(chain[-1], type=type_of(node), sensitive=any(f.sensitive for f in chain))
    raw = Plan(RAW, arg=field.name if top else tuple(f.name for f in chain), nullable=True)
    shown = call(rt.read, raw, const(field), SHOW_PLAN, strict=False, nullable=True)
    return Plan(CACHED, (shown,), ("read", field.index), True) if top else shown


class RuleSteps:
    """A rule's trace: its condition's step (with `unless`, a node of its own whose children are
    both parts), what its entry says of the rule (`head`: name, title, place), and the entry of a
    rule whose arithmetic overflowed (undetermined, value null: made once, shared as traces are)."""

    __slots__ = ("rule", "condition", "head", "failed")

    def __init__(self, rule: Rule, steps: Steps) -> None:
        self.rule = rule
        when = steps.step(rule.when)
        text = text_of(rule.when)
        if rule.unless is None:
            self.condition = when
        else:
            text = f"{text} unless {text_of(rule.unless)}"
            self.condition = Step(rule, (when, steps.step(rule.unless)), text, when.at,
                                  Plan(AND, (_FIRST, op("not", _SECOND)), nullable=True))  # when and not unless
        self.head = (rule.name, rule.title, at(steps.policy, rule.span))
        condition = TraceDict({"text": text, "value": None, "at": when.at, "reads": rt.NO_READS, "children": EMPTY})
        self.failed = rt.entry(*self.head, None, condition)


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
    stack = list(reversed(operands))
    while stack:
        sub = stack.pop()
        if (isinstance(sub, n.Call) and not in_where) or (isinstance(sub, n.Name) and isinstance(sub.ref, DefineRef)):
            found.append(sub)
            continue
        stack.extend(reversed(n.children(sub)))
    return found


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

    def visit_Call(self, expr: n.Call, policy: CheckedPolicy) -> list[object]:  # in its list and its `where`
        return traced_within((expr.arg,)) + (traced_within((expr.where,), True) if expr.where is not None else [])

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


def path_chain(node: object) -> list[Field] | None:
    """The fields along a top-level field's name `a`, or along `a.b.c` when it starts at a
    top-level record field; else None."""
    chain: list[Field] = []
    cur: object = node
    while isinstance(cur, n.Path):  # (the checker resolves each step of a path to its field)
        chain.append(cast(Field, cur.ref))
        cur = cur.base
    ref = cur.ref if isinstance(cur, n.Name) else None
    if not isinstance(ref, FieldRef) or (chain and ref.field.type.kind != vt.RECORD):
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

    def new(self, expr: Any, children: tuple[Step, ...], value: Plan) -> Step:
        known = [(c.node, c.text) for c in children]
        return Step(expr, children, text_of(expr, known), at(self.policy, expr.span), value)

    def step(self, expr: Any) -> Step:
        ref = expr.ref if expr.__class__ is n.Name else None
        if isinstance(ref, DefineRef):
            body = made(self._defines, ref.name, lambda: self.step(self.policy.defines[ref.name].expr))
            step = self.new(expr, (body,), _FIRST)
            step.define = ref.name
        else:
            traced = trace_children(expr, self.policy)
            # the children's values stand for them: an `and`/`or`/`not` is Kleene logic over them
            scope = Scope(traced=tuple(traced))
            step = self.new(expr, tuple(self.step(sub) for sub in traced), self.lowering.lower(expr, scope))
            if isinstance(expr, (n.And, n.Or, n.Not)):
                return step
            # a predicate or a value (`true`, `a.flag`, a define's number…) — or a call: its own node
            is_call = isinstance(expr, n.Call)  # (it reads what its list and its `where` condition read)
            step.reads = self.reads(n.children(expr) or (expr,), is_call)
            if not is_call:
                step.evidence = self.lowering.evidence(expr, scope, self.sensitive_in)
        kind = type_of(expr)
        if kind.kind != vt.BOOL:
            shown = call(rt.value_json, RESULT_PLAN, const(kind), strict=False)
            step.shown = call(rt.guarded, shown, SHOW_PLAN, strict=False) if self.sensitive_in(expr) else shown
        return step

    def reads(self, operands: Sequence[object], into_calls: bool) -> tuple[tuple[str, Plan], ...]:
        """The top-level fields (and record paths) the operands read, each once, in order, as shown."""
        reads: dict[str, Plan] = {}
        stack = list(reversed(operands))
        while stack:
            sub = stack.pop()
            if isinstance(sub, n.Call) and not into_calls:
                continue
            chain = path_chain(sub)
            if chain is not None:
                label = ".".join(f.name for f in chain)
                if label not in reads:
                    reads[label] = read_plan(chain, sub)
                continue
            stack.extend(reversed(n.children(sub)))
        return tuple(reads.items())

    def sensitive_in(self, expr: object) -> bool:
        """Whether `expr` reads personal data (directly, inside records, or through defines)."""
        return any(has_sensitive(ref.field if isinstance(ref, (FieldRef, ElementRef)) else ref)
                   for ref in refs_within((expr,), self.policy) if isinstance(ref, (FieldRef, ElementRef, Field)))
