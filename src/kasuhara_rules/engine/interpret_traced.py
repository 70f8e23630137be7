"""The first tier of explanations: an interpreter of the traced evaluator's steps and plans.

Compiling `explain` (compile_traced.TraceGen, then CPython's `compile`) costs about a second
per thousand rules; a policy loaded to explain a handful of decisions would pay that before its
first answer. `TracedInterpreter.explain(rec, show)` returns exactly what the compiled
`explain(rec, show)` returns — the key, the masks and the trace entries, equal key for key and
in the same order — by running the same steps (trace_plan.Steps) and evaluating the same plans
(plan.Lowering) that the trace compiler writes as Python, with nothing compiled. What an
operator means is decided in plan.py for both; this module only evaluates plans, in the order
the generated code does (the operands that may be unknown first, stopping at the first unknown
one, so that even an arithmetic overflow fails the same rules).
tests/engine/test_interpret_traced.py compares the two tiers on random policies and records, on
a fixed corpus of every operator's forms and on every shipped example.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

from .. import values as vt
from ..check.checked import CheckedPolicy, Field, Rule
from . import runtime as rt
from .plan import AND, APPLY, CACHED, CONST, EACH, ELEM, FIELD, ITEM, OR, PROJECT, RESULT, SHOW, TRACED, Lowering, Plan
from .records import REDACTED
from .trace_plan import DEFINE, NOT, VALUE, Step, Steps, at
from .tracedata import EMPTY, TraceDict, TraceList

Validate = Callable[[Any], tuple[Any, ...]]
_UNSET = object()
_SCALARS = (vt.BOOL, vt.INT, vt.NUMBER, vt.TEXT, vt.ENUM)


class _Run:
    """What one explanation keeps while it runs: the record, its validated values, and the
    values worked out at most once per record (normalised texts, words, displayed reads)."""

    __slots__ = ("vals", "rec", "get", "show", "cache", "reads", "defines", "result")

    def __init__(self, vals: tuple[Any, ...], rec: Any, show: bool) -> None:
        self.vals = vals
        self.rec = rec
        self.get: Callable[[str], Any] = rec.get
        self.show = show
        self.cache: dict[object, Any] = {}   # CACHED plans' values, by their keys
        self.reads: dict[int, Any] = {}      # displayed values of top-level fields, by index
        self.defines: dict[str, tuple[Any, Any]] = {}  # (value, node) of each define, per rule
        self.result: Any = None              # the value of the node whose evidence is computed


class _RulePlan:
    """A rule's steps and the texts of its entry, made at the first explanation."""

    __slots__ = ("rule", "when", "unless", "text", "at", "when_at")

    def __init__(self, rule: Rule, steps: Steps) -> None:
        self.rule = rule
        self.when = steps.step(rule.when)
        self.unless = steps.step(rule.unless) if rule.unless is not None else None
        self.text = steps.rule_text(rule)
        self.at = at(steps.policy, rule.span)
        self.when_at = self.when.at


def _kleene(values: Sequence[Any], is_and: bool) -> Any:
    """Kleene and/or over values all computed (the trace evaluates every part)."""
    stop = not is_and
    if any(v is stop for v in values):
        return stop
    if any(v is None for v in values):
        return None
    return not stop


class TracedInterpreter:
    """explain(rec, show) -> (key, matched mask, undetermined mask, trace entries), by running
    the steps. One per policy; safe to share between threads (the steps are made once, by one
    thread while the others wait, and then only read)."""

    def __init__(self, policy: CheckedPolicy, validate: Validate, lowering: Lowering | None = None) -> None:
        self.policy = policy
        self.validate = validate
        self.lowering = lowering if lowering is not None else Lowering(policy)
        key = policy.key_field
        self.key_index = key.index if key is not None else None
        self._rules: list[_RulePlan] | None = None
        # Threads asking for their first explanation at once wait for one to make the steps: 20
        # requests of a fresh desk each making them took 2 s apiece (benchmarks/desk.py).
        self._making = threading.Lock()
        self._ops: dict[str, Callable[[Plan, _Run, tuple[Any, ...], Sequence[Any]], Any]] = {
            CONST: lambda p, run, elems, subst: p.arg,
            FIELD: lambda p, run, elems, subst: run.vals[p.arg],
            ELEM: lambda p, run, elems, subst: elems[p.arg[0]][p.arg[1]],
            TRACED: lambda p, run, elems, subst: subst[p.arg],
            RESULT: lambda p, run, elems, subst: run.result,
            SHOW: lambda p, run, elems, subst: run.show,
            APPLY: self.ev_apply, AND: self.ev_kleene, OR: self.ev_kleene, CACHED: self.ev_cached,
            ITEM: self.ev_item, PROJECT: self.ev_project, EACH: self.ev_each,
        }

    # -- the entry point -----------------------------------------------------------------------

    def explain(self, rec: Any, show: Any) -> tuple[Any, int, int, TraceList]:
        rules = self._rules
        if rules is None:
            vals = self.validate(rec)  # an invalid record raises RecordError before anything is made
            return self._explain(self._made(), rec, show, vals)
        return self._explain(rules, rec, show)

    def _made(self) -> list[_RulePlan]:
        """The steps of every rule, made by the first explanation: texts, plans and reads, hundreds
        of thousands of lasting objects for a large policy, built as a load builds its tree, so
        with the cyclic collector paused as a load pauses it (see collector.paused_gc)."""
        with self._making:
            rules = self._rules
            if rules is None:
                from ..collector import paused_gc

                with paused_gc():
                    steps = Steps(self.policy, self.lowering)
                    rules = [_RulePlan(rule, steps) for rule in self.policy.rules]
                self._rules = rules
            return rules

    def _explain(self, rules: list[_RulePlan], rec: Any, show: Any,
                 vals: tuple[Any, ...] | None = None) -> tuple[Any, int, int, TraceList]:
        if vals is None:
            vals = self.validate(rec)  # raises RecordError, as the compiled explain does
        run = _Run(vals, rec, True if show else False)
        m = u = 0
        entries = []
        for plan in rules:
            run.defines = {}
            try:
                value, entry = self.rule_entry(plan, run)
            except ArithmeticError:  # beyond the range of floats: undetermined, as compiled
                value, entry = None, self.failed_entry(plan)
            entries.append(entry)
            if value is True:
                m |= 1 << plan.rule.index
            elif value is None:
                u |= 1 << plan.rule.index
        key = vals[self.key_index] if self.key_index is not None else None
        return key, m, u, TraceList(entries)

    # -- rules and steps -----------------------------------------------------------------------

    def rule_entry(self, plan: _RulePlan, run: _Run) -> tuple[Any, TraceDict]:
        rule = plan.rule
        wv, wn = self.step(plan.when, run)
        if plan.unless is None:
            value, cond = wv, wn
        else:
            uv, un = self.step(plan.unless, run)
            value = _kleene([wv, None if uv is None else not uv], True)
            cond = self.node(plan.when, value, rt.NO_READS, [wn, un], plan.text)
        result = "matched" if value is True else "not_matched" if value is False else "undetermined"
        return value, TraceDict({"rule": rule.name, "title": rule.title, "at": plan.at, "result": result,
                                 "condition": cond})

    def failed_entry(self, plan: _RulePlan) -> TraceDict:
        condition = TraceDict({"text": plan.text, "value": None, "at": plan.when_at, "reads": rt.NO_READS,
                               "children": EMPTY})
        return TraceDict({"rule": plan.rule.name, "title": plan.rule.title, "at": plan.at,
                          "result": "undetermined", "condition": condition})

    @staticmethod
    def node(step: Step, value: Any, reads: Any, children: Sequence[Any], text: str | None = None) -> TraceDict:
        return TraceDict({"text": step.text if text is None else text, "value": value, "at": step.at,
                          "reads": reads, "children": TraceList(children) if children else EMPTY})

    def shown(self, step: Step, value: Any, run: _Run) -> Any:
        if step.shown is None:
            return value
        shown = rt.value_json(value, step.shown)
        return rt.guarded(shown, run.show) if step.sensitive else shown

    def step(self, step: Step, run: _Run) -> tuple[Any, TraceDict]:
        """(value, trace node) of a step."""
        kind = step.kind
        if kind == VALUE:
            children: list[Any] = []
            subst: list[Any] = []
            for child in step.children:
                cv, cn = self.step(child, run)
                subst.append(cv)
                children.append(cn)
            v = self.ev(step.value, run, (), subst)  # type: ignore[arg-type]  # a VALUE step has a plan
            d = {"text": step.text, "value": self.shown(step, v, run), "at": step.at,
                 "reads": self.reads(step, run) if step.reads else rt.NO_READS,
                 "children": TraceList(children) if children else EMPTY}
            if step.evidence is not None:
                run.result = v
                d["evidence"] = self.ev(step.evidence, run, (), subst)
            return v, TraceDict(d)
        if kind == DEFINE:
            done = run.defines.get(step.define)  # type: ignore[arg-type]  # a DEFINE step has a name
            if done is None:  # each define once per rule
                done = run.defines[step.define] = self.step(step.children[0], run)  # type: ignore[index]
            return done[0], self.node(step, self.shown(step, done[0], run), rt.NO_READS, [done[1]])
        parts = [self.step(c, run) for c in step.children]
        if kind == NOT:
            v = None if parts[0][0] is None else not parts[0][0]
        else:
            v = _kleene([p[0] for p in parts], kind == AND)
        return v, self.node(step, v, rt.NO_READS, [p[1] for p in parts])

    def reads(self, step: Step, run: _Run) -> TraceDict:
        out = {}
        for label, names, field in step.reads:
            if names is None:
                out[label] = self.field_read(field, run)
            else:
                out[label] = rt.read(rt.raw_path(run.rec, names), field, run.show)
        return TraceDict(out)

    def field_read(self, f: Field, run: _Run) -> Any:
        if f.type.kind in _SCALARS:
            value = run.vals[f.index]
            if not f.sensitive or run.show or value is None:
                return value
            return REDACTED
        shown = run.reads.get(f.index, _UNSET)
        if shown is _UNSET:
            shown = run.reads[f.index] = rt.read(run.get(f.name), f, run.show)
        return shown

    # -- plans ----------------------------------------------------------------------------------

    def ev(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        """The three-valued value of a plan; `elems` the elements of the enclosing `where`s,
        `subst` the values of the step's children."""
        return self._ops[p.op](p, run, elems, subst)

    def ev_apply(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        args, ev = p.args, self.ev
        if not p.strict:
            return p.arg.call(*[ev(a, run, elems, subst) for a in args])
        values: list[Any] = [_UNSET] * len(args)
        for i, a in enumerate(args):  # those that may be unknown first, stopping at an unknown one
            if a.nullable:
                value = values[i] = ev(a, run, elems, subst)
                if value is None:
                    return None
        for i, a in enumerate(args):
            if not a.nullable:
                values[i] = ev(a, run, elems, subst)
        return p.arg.call(*values)

    def ev_kleene(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        stop = p.op == OR  # the value that decides the whole chain
        unknown = False
        for a in p.args:  # left to right, stopping at the deciding operand
            value = self.ev(a, run, elems, subst)
            if value is stop:
                return stop
            if value is None:
                unknown = True
        return None if unknown else not stop

    def ev_cached(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        value = run.cache.get(p.arg, _UNSET)
        if value is _UNSET:
            value = run.cache[p.arg] = self.ev(p.args[0], run, elems, subst)
        return value

    def ev_item(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        base = self.ev(p.args[0], run, elems, subst)
        return None if base is None and p.args[0].nullable else base[p.arg]

    def ev_project(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        base = self.ev(p.args[0], run, elems, subst)
        index = p.arg
        return None if base is None else [x[index] for x in base]

    def ev_each(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        items = self.ev(p.args[0], run, elems, subst)
        if items is None:
            return None
        func, cond, ev = p.arg[0], p.args[1], self.ev
        results = (ev(cond, run, elems + (e,), subst) for e in items)
        if not cond.nullable:
            return sum(1 for c in results if c) if func == "count" else any(results) if func == "any" else all(results)
        found = list(results)
        return rt.count3(found) if func == "count" else rt.any3(found) if func == "any" else rt.all3(found)
