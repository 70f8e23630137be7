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

import attrs

from ..check.checked import CheckedPolicy
from . import runtime as rt
from .plan import (AND, APPLY, CACHED, CONST, EACH, ELEM, FIELD, OR, PROJECT, RAW, RESULT_PLAN, SHOW, TRACED, Lowering,
                   Plan)
from .trace_plan import RuleSteps, Step, Steps
from .tracedata import EMPTY, TraceDict, TraceList

Validate = Callable[[Any], tuple[Any, ...]]
_UNSET = object()


@attrs.define
class _Run:
    """What one explanation keeps while it runs: the record, its validated values, and the
    values worked out at most once per record (normalised texts, words, displayed reads)."""

    vals: tuple[Any, ...]
    rec: Any
    show: bool
    cache: dict[object, Any] = attrs.Factory(dict)  # CACHED plans' values, by their keys
    defines: dict[str, tuple[Any, Any]] = attrs.Factory(dict)  # (value, node) of each define, per rule


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
        self._rules: list[RuleSteps] | None = None
        # Threads asking for their first explanation at once wait for one to make the steps: 20
        # requests of a fresh desk each making them took 2 s apiece (benchmarks/desk.py).
        self._making = threading.Lock()
        self._ops: dict[str, Callable[[Plan, _Run, tuple[Any, ...], Sequence[Any]], Any]] = {
            ELEM: lambda p, run, elems, subst: elems[p.arg[0]][p.arg[1]],
            SHOW: lambda p, run, elems, subst: run.show,
            RAW: lambda p, run, elems, subst: (run.rec.get(p.arg) if isinstance(p.arg, str) else
                                               rt.raw_path(run.rec, p.arg)),
            APPLY: self.ev_apply, AND: self.kleene, OR: self.kleene,
            PROJECT: self.ev_project, EACH: self.ev_each,
        }

    # -- the entry point -----------------------------------------------------------------------

    def explain(self, rec: Any, show: Any) -> tuple[Any, int, int, TraceList]:
        vals = self.validate(rec)  # an invalid record raises RecordError (as compiled), before any step is made
        rules = self._rules if self._rules is not None else self._made()
        run = _Run(vals, rec, True if show else False)
        m = u = 0
        entries = []
        for plan in rules:
            run.defines = {}
            try:
                value, cond = self.step(plan.condition, run)
                entry = rt.entry(*plan.head, value, cond)
            except ArithmeticError:  # beyond the range of floats: undetermined, as compiled
                value, entry = None, plan.failed
            entries.append(entry)
            if value is True:
                m |= 1 << plan.rule.index
            elif value is None:
                u |= 1 << plan.rule.index
        key = vals[self.key_index] if self.key_index is not None else None
        return key, m, u, TraceList(entries)

    def _made(self) -> list[RuleSteps]:
        """The steps of every rule, made by the first explanation: texts, plans and reads, hundreds
        of thousands of lasting objects for a large policy, built as a load builds its tree, so
        with the cyclic collector paused as a load pauses it (see collector.paused_gc)."""
        with self._making:
            rules = self._rules
            if rules is None:
                from ..collector import paused_gc

                with paused_gc():
                    steps = Steps(self.policy, self.lowering)
                    rules = [RuleSteps(rule, steps) for rule in self.policy.rules]
                self._rules = rules
            return rules

    # -- rules and steps -----------------------------------------------------------------------

    def step(self, step: Step, run: _Run) -> tuple[Any, TraceDict]:
        """(value, trace node) of a step."""
        subst: list[Any] = []
        nodes: list[TraceDict] = []
        if step.define is None:
            for child in step.children:
                value, node = self.step(child, run)
                subst.append(value)
                nodes.append(node)
        else:  # a define's body (its only child): once per rule (not by plan.made: its closure
            # would make this function's variables cells, 5 % more instructions for every step)
            done = run.defines.get(step.define)
            if done is None:
                done = run.defines[step.define] = self.step(step.children[0], run)
            subst.append(done[0])
            nodes.append(done[1])
        # In the generated code's order (an overflow fails the same rules). The commonest plans are
        # read here, not through `ev`: an and/or of the children's values, a child's or a field's
        # value, the value shown as it is, a field read as validated — most of a node's plans.
        p, ev, vals = step.value, self.ev, run.vals
        kind = p.op
        if kind == AND or kind == OR:
            v = self.kleene(p, run, (), subst)
        else:
            v = subst[p.arg] if kind == TRACED else vals[p.arg] if kind == FIELD else ev(p, run, (), subst)
        subst.append(v)  # RESULT_PLAN
        d = {"text": step.text, "value": v if step.shown is RESULT_PLAN else ev(step.shown, run, (), subst),
             "at": step.at, "reads": rt.NO_READS, "children": TraceList(nodes) if nodes else EMPTY}
        if step.reads:
            reads = {}
            for label, read in step.reads:
                reads[label] = vals[read.arg] if read.op == FIELD else ev(read, run, (), subst)
            d["reads"] = TraceDict(reads)
        if step.evidence is not None:
            d["evidence"] = ev(step.evidence, run, (), subst)
        return v, TraceDict(d)

    # -- plans ----------------------------------------------------------------------------------

    def ev(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        """The three-valued value of a plan; `elems` the elements of the enclosing `where`s,
        `subst` the values of the step's children. The commonest plans (a child's value, a field
        as validated, a constant: most operands) are read here, not through the dispatch."""
        kind = p.op
        if kind == TRACED:
            return subst[p.arg]
        if kind == FIELD:
            return run.vals[p.arg]
        if kind == CONST:
            return p.arg
        if kind == CACHED:  # computed at most once per record
            value = run.cache.get(p.arg, _UNSET)
            if value is _UNSET:
                value = run.cache[p.arg] = self.ev(p.args[0], run, elems, subst)
            return value
        return self._ops[kind](p, run, elems, subst)

    def ev_apply(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        args, ev, vals = p.args, self.ev, run.vals
        if not p.strict or not p.nullable:  # (a strict plan that is never unknown has no operand that may be)
            return p.arg(*[vals[a.arg] if a.op == FIELD else a.arg if a.op == CONST else ev(a, run, elems, subst)
                                for a in args])
        values: list[Any] = [_UNSET] * len(args)
        for i, a in enumerate(args):  # those that may be unknown first, stopping at an unknown one
            if a.nullable:
                value = values[i] = ev(a, run, elems, subst)
                if value is None:
                    return None
        for i, a in enumerate(args):
            if not a.nullable:
                values[i] = ev(a, run, elems, subst)
        return p.arg(*values)

    def kleene(self, p: Plan, run: _Run, elems: tuple[Any, ...], subst: Sequence[Any]) -> Any:
        stop = p.op == OR  # the value that decides the whole chain
        unknown = False
        for a in p.args:  # left to right, stopping at the deciding operand
            value = subst[a.arg] if a.op == TRACED else self.ev(a, run, elems, subst)
            if value is stop:
                return stop
            if value is None:
                unknown = True
        return None if unknown else not stop

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
