"""The first tier of explanations: a tree-walking interpreter of the traced evaluator.

Compiling `explain` (compile_traced.TraceGen, then CPython's `compile`) costs about a second
per thousand rules; a policy loaded to explain a handful of decisions would pay that before its
first answer. `TracedInterpreter.explain(rec, show)` returns exactly what the compiled
`explain(rec, show)` returns — the key, the masks and the trace entries, equal key for key and
in the same order — by walking the checked, resolved tree, with nothing to build up front
(what can be worked out once per node is worked out the first time it is needed, and kept).
Program (compile_policy) answers the first explanations with it and compiles meanwhile not at
all; later ones go to the compiled function.

It mirrors the generated code closely, on purpose: the same runtime helpers for every value
(runtime.py, text.py, mentions.py), the same order of evaluation (three-valued operators test
the operands that may be unknown first and stop at the first unknown one, as `strict` in
compile_expr does, so that an arithmetic overflow fails the same rules), the same lazily known
facts (`x is present and …`). tests/engine/test_interpret_traced.py compares the two tiers on random
policies and records and on every shipped example.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Sequence, cast

import attrs

from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, PhrasesRef, Rule
from ..source import relative_name
from ..check.regex import compiled as compiled_regex
from ..syntax import nodes as n
from ..syntax.printer import Texts
from ..syntax.visitor import Visitor
from . import runtime as rt
from .compile_expr import mention_acts, mention_key, mention_phrases, mention_set, needs_normalizing, proved_present
from .compile_traced import _has_sensitive, path_chain, traced_within
from .records import REDACTED
from ..text.normalize import PhraseSet, nfkc, normalize
from .tracedata import EMPTY, TraceDict, TraceList

Validate = Callable[[Any], tuple[Any, ...]]
_UNSET = object()
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_SCALARS = (vt.BOOL, vt.INT, vt.NUMBER, vt.TEXT, vt.ENUM)


def _type(node: object) -> vt.Type:
    return cast(vt.Type, getattr(node, "type"))


def _kleene(values: Sequence[Any], is_and: bool) -> Any:
    """Kleene and/or over values all computed (the trace evaluates every part)."""
    stop = not is_and
    if any(v is stop for v in values):
        return stop
    if any(v is None for v in values):
        return None
    return not stop


def _negation(value: Any) -> Any:
    return None if value is None else not value


def _elements_nullable(node: object) -> bool:
    return isinstance(node, n.Path) and cast(Field, node.ref).optional


class _Run:
    """What one explanation keeps while it runs: the record, its validated values, and the
    values worked out at most once per record (normalised texts, words, displayed reads)."""

    __slots__ = ("vals", "rec", "get", "show", "norms", "sets", "heard", "reads", "defines")

    def __init__(self, vals: tuple[Any, ...], rec: Any, show: bool) -> None:
        self.vals = vals
        self.rec = rec
        self.get: Callable[[str], Any] = rec.get
        self.show = show
        self.norms: dict[int, Any] = {}
        self.sets: dict[int, Any] = {}
        self.heard: dict[int, Any] = {}
        self.reads: dict[int, Any] = {}
        self.defines: dict[str, tuple[Any, Any]] = {}


class TracedInterpreter(Visitor):
    """explain(rec, show) -> (key, matched mask, undetermined mask, trace entries), by walking
    the tree. One per policy; safe to share between threads (the memos only ever gain entries
    that are the same whoever computes them)."""

    def __init__(self, policy: CheckedPolicy, validate: Validate) -> None:
        self.policy = policy
        self.validate = validate
        key = policy.key_field
        self.key_index = key.index if key is not None else None
        self.text_of = Texts()
        self._warm = False  # whether an explanation has run (and filled the memos)
        self._at: dict[int, str] = {}
        self._null: dict[int, bool] = {}          # node → whether it may be unknown where it stands
        self._rooted: set[int] = set()            # roots whose sub-nodes' `_null` are known
        self._sensitive: dict[int, bool] = {}
        self._phrases: dict[str, PhraseSet] = {}
        self._consts: dict[int, Any] = {}         # per node: literal sets, phrase sets, regexes…
        self._traced: dict[int, list[object]] = {}
        self._plans: dict[int, tuple[Any, ...]] = {}
        self._reads: dict[tuple[int, bool], list[tuple[str, Any]]] = {}
        self._mention_sets: dict[object, Any] = {}
        self._listener: Any = None
        # dispatch by class: one dict lookup instead of Visitor.visit's getattr per node
        self._node: dict[type, Callable[[Any, _Run], tuple[Any, Any]]] = {}
        self._ev: dict[type, Callable[[Any, tuple[Any, ...], dict[int, Any], _Run], Any]] = {}
        for name in dir(self):
            if name.startswith("visit_"):
                cls = getattr(n, name[6:])
                self._node[cls] = getattr(self, name)
            elif name.startswith("ev_"):
                self._ev[getattr(n, name[3:])] = getattr(self, name)

    # -- the entry point -----------------------------------------------------------------------

    def explain(self, rec: Any, show: Any) -> tuple[Any, int, int, TraceList]:
        if self._warm:
            return self._explain(rec, show)
        # The first explanation works out what each node needs (texts, plans): hundreds of
        # thousands of lasting objects for a large policy, built as a load builds its tree, so
        # with the cyclic collector paused as a load pauses it (see collector.paused_gc; measured on
        # a 2,000-rule policy: 0.6 s instead of 1.2 s).
        from ..collector import paused_gc

        with paused_gc():
            result = self._explain(rec, show)
        self._warm = True
        return result

    def _explain(self, rec: Any, show: Any) -> tuple[Any, int, int, TraceList]:
        vals = self.validate(rec)  # raises RecordError, as the compiled explain does
        run = _Run(vals, rec, True if show else False)
        m = u = 0
        entries = []
        for rule in self.policy.rules:
            run.defines = {}
            try:
                value, entry = self.rule_entry(rule, run)
            except ArithmeticError:
                value, entry = None, self.failed_entry(rule)
            entries.append(entry)
            if value is True:
                m |= 1 << rule.index
            elif value is None:
                u |= 1 << rule.index
        key = vals[self.key_index] if self.key_index is not None else None
        return key, m, u, TraceList(entries)

    # -- rules ----------------------------------------------------------------------------------

    def rule_entry(self, rule: Rule, run: _Run) -> tuple[Any, TraceDict]:
        wv, wn = self.node(rule.when, run)
        if rule.unless is None:
            value, cond = wv, wn
        else:
            uv, un = self.node(rule.unless, run)
            value = _kleene([wv, _negation(uv)], True)
            text = f"{self.text_of(rule.when)} unless {self.text_of(rule.unless)}"
            cond = self.node_dict(rule.when, value, (), [wn, un], text=text)
        result = "matched" if value is True else "not_matched" if value is False else "undetermined"
        return value, TraceDict({"rule": rule.name, "title": rule.title, "at": self.at(rule.span),
                                 "result": result, "condition": cond})

    def failed_entry(self, rule: Rule) -> TraceDict:
        text = self.text_of(rule.when) + (f" unless {self.text_of(rule.unless)}" if rule.unless is not None else "")
        condition = TraceDict({"text": text, "value": None, "at": self.at(rule.when.span), "reads": rt.NO_READS,
                               "children": EMPTY})
        return TraceDict({"rule": rule.name, "title": rule.title, "at": self.at(rule.span),
                          "result": "undetermined", "condition": condition})

    # -- per node, worked out once ----------------------------------------------------------------

    def at(self, span: Any) -> str:
        key = id(span)
        text = self._at.get(key)
        if text is None:
            loaded, shown = self.policy.top
            name = shown if span.file == loaded else relative_name(span.file, self.policy.root)
            text = self._at[key] = f"{name}:{span.line}:{span.column}"
        return text

    def sensitive_in(self, expr: object, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `expr` reads personal data, directly, inside records or through defines (as
        TraceGen.sensitive_in; here each node's answer is kept, and built from its children's)."""
        known = self._sensitive.get(id(expr))
        if known is not None:
            return known
        ref = expr.ref if isinstance(expr, (n.Name, n.Path)) else None
        if isinstance(ref, (FieldRef, ElementRef)):
            found = _has_sensitive(ref.field)
        elif isinstance(ref, Field):
            found = _has_sensitive(ref)
        else:
            found = False
        if not found and isinstance(ref, DefineRef) and ref.name not in seen:
            found = self.sensitive_in(self.policy.defines[ref.name].expr, seen | {ref.name})
        if not found:
            found = any(self.sensitive_in(c, seen) for c in n.children(expr))
        self._sensitive[id(expr)] = found
        return found

    def phrase_set(self, name: str) -> PhraseSet:
        pset = self._phrases.get(name)
        if pset is None:
            pset = self._phrases[name] = PhraseSet(self.policy.phrases[name].phrases)
        return pset

    def phrases_of(self, item: object) -> PhraseSet:
        if isinstance(item, n.ListLit):
            key = id(item)
            pset = self._consts.get(key)
            if pset is None:
                pset = self._consts[key] = PhraseSet([i.value for i in item.items if isinstance(i, n.StringLit)])
            return cast(PhraseSet, pset)
        return self.phrase_set(cast(PhrasesRef, n.ref_of(item)).name)

    def mention_set(self, item: object) -> Any:
        key = mention_key(item)
        mset = self._mention_sets.get(key)
        if mset is None:
            mset = self._mention_sets[key] = mention_set(self.policy, key)
        return mset

    def listener(self) -> Any:
        if self._listener is None:
            from .mentions import Listener

            self._listener = Listener(mention_phrases(self.policy), mention_acts(self.policy))
        return self._listener

    def traced_within(self, key: object, operands: Sequence[object]) -> list[object]:
        """The calls and define references whose trace nodes are children (as TraceGen.children_of)."""
        found = self._traced.get(id(key))
        if found is None:
            found = self._traced[id(key)] = traced_within(operands)
        return found

    # -- may a value be unknown where it stands (compile_expr's Code.nullable) -------------------

    def rooted(self, root: object) -> None:
        """Work out, once, whether each node under `root` (a node the trace evaluates on its own)
        may be unknown there: it decides, as in the generated code, which operands are tested
        first and whether `is missing` looks at its operand at all."""
        if id(root) not in self._rooted:
            self.annotate(root, frozenset(), True)
            self._rooted.add(id(root))

    def annotate(self, node: Any, present: frozenset[str], root: bool = False) -> bool:
        null = self._annotate(node, present, root)
        if not root:
            self._null[id(node)] = null
        return null

    def _annotate(self, node: Any, present: frozenset[str], root: bool) -> bool:
        a = self.annotate
        cls = type(node)
        if not root and (cls is n.Call or (cls is n.Name and isinstance(node.ref, DefineRef))):
            return True  # a traced value substituted in
        if cls is n.Name:
            ref = node.ref
            if isinstance(ref, FieldRef):
                return ref.field.optional and f"f{ref.field.index}" not in present
            if isinstance(ref, ElementRef):
                return ref.field.optional and f"e{ref.depth}.{ref.field.index}" not in present
            if isinstance(ref, DefineRef):  # a define as the root of its own node: its body is traced
                return True
            return False
        if cls is n.Path:
            base = a(node.base, present)
            if _type(node.base).kind == vt.LIST:
                return base
            return base or cast(Field, node.ref).optional
        if cls in (n.BoolLit, n.NumberLit, n.StringLit, n.DurationLit, n.DateLit, n.DateTimeLit):
            return False
        if cls is n.ListLit:
            for i in node.items:
                a(i, frozenset())
            return False
        if cls is n.Negate or cls is n.Not:
            return a(node.operand, present)
        if cls is n.Binary:
            left, right = a(node.left, present), a(node.right, present)
            return True if node.op == "/" else left or right
        if cls is n.And or cls is n.Or:
            any_null = False
            for operand in node.operands:
                null = a(operand, present)
                any_null = any_null or null
                if not null:
                    present = present | self.facts(operand, cls is n.And)
            return any_null
        if cls is n.Compare:
            return a(node.left, present) | a(node.right, present)
        if cls is n.Between:
            return a(node.value, present) | a(node.low, present) | a(node.high, present)
        if cls is n.IsMissing:
            a(node.value, present)
            return False
        if cls is n.In:
            value = a(node.value, present)
            if _type(node.container).kind == vt.PHRASES or isinstance(node.container, n.ListLit):
                a(node.container, present)
                return value
            container = a(node.container, present)
            return True if _elements_nullable(node.container) else value or container
        if cls is n.Contains:
            item, subject = a(node.item, present), a(node.subject, present)
            stype = _type(node.subject)
            if node.mode == "one":
                if stype.is_textual:
                    return item or subject
                return True if _elements_nullable(node.subject) else item or subject
            if not stype.is_textual and _elements_nullable(node.subject):
                return True
            return subject
        if cls is n.Mentions:
            a(node.item, present)
            return a(node.subject, present)
        if cls is n.Matches:
            return a(node.subject, present)
        if cls is n.Call:
            arg = a(node.arg, present)
            if node.where is not None:
                cond = a(node.where, present)
                if node.func in ("count", "any", "all"):
                    return arg or cond
            if node.func in ("len", "count"):
                return arg
            if node.func == "sum" and not _elements_nullable(node.arg):
                return arg
            return True
        raise TypeError(f"{type(self).__name__}: no value for {cls.__name__}")  # pragma: no cover

    def facts(self, node: object, when: bool) -> frozenset[str]:
        """Names known present once `node` (never unknown) is `when` (as the compiler knows them)."""
        return proved_present(node, when, self.policy)

    # -- trace nodes (TraceGen) ------------------------------------------------------------------

    def node(self, expr: Any, run: _Run) -> tuple[Any, Any]:
        """(value, trace node) of a condition."""
        return self._node[type(expr)](expr, run)

    def node_dict(self, node: Any, value: Any, reads: Any, children: Sequence[Any],
                  evidence: Any = None, text: str | None = None) -> TraceDict:
        d = {"text": text if text is not None else self.text_of(node), "value": value, "at": self.at(node.span),
             "reads": reads if reads.__class__ is TraceDict else TraceDict(reads) if reads else rt.NO_READS,
             "children": TraceList(children) if children else EMPTY}
        if evidence is not None:
            d["evidence"] = evidence
        return TraceDict(d)

    def json_value(self, value: Any, node: Any, run: _Run) -> Any:
        kind = _type(node)
        if kind.kind == vt.BOOL:
            return value
        shown = rt.value_json(value, kind)
        if self.sensitive_in(node):
            shown = rt.guarded(shown, run.show)
        return shown

    def visit_And(self, expr: n.And, run: _Run) -> tuple[Any, Any]:
        parts = [self.node(o, run) for o in expr.operands]
        v = _kleene([p[0] for p in parts], True)
        return v, self.node_dict(expr, v, (), [p[1] for p in parts])

    def visit_Or(self, expr: n.Or, run: _Run) -> tuple[Any, Any]:
        parts = [self.node(o, run) for o in expr.operands]
        v = _kleene([p[0] for p in parts], False)
        return v, self.node_dict(expr, v, (), [p[1] for p in parts])

    def visit_Not(self, expr: n.Not, run: _Run) -> tuple[Any, Any]:
        inner_v, inner_n = self.node(expr.operand, run)
        v = _negation(inner_v)
        return v, self.node_dict(expr, v, (), [inner_n])

    def visit_Name(self, expr: n.Name, run: _Run) -> tuple[Any, Any]:
        ref = expr.ref
        if isinstance(ref, DefineRef):
            done = run.defines.get(ref.name)
            if done is None:  # each define once per rule
                done = run.defines[ref.name] = self.node(self.policy.defines[ref.name].expr, run)
            dv, dn = done
            return dv, self.node_dict(expr, self.json_value(dv, expr, run), (), [dn])
        return self.predicate(expr, run)

    def visit_Call(self, expr: n.Call, run: _Run) -> tuple[Any, Any]:
        operands = (expr.arg,) if expr.where is None else (expr.arg, expr.where)
        children, subst = self.children_of(expr, operands, run)
        self.rooted(expr)
        v = self.ev_Call(expr, (), subst, run)
        reads = self.reads_in(expr, operands, True, run)
        return v, self.node_dict(expr, self.json_value(v, expr, run), reads, children)

    def predicate(self, expr: Any, run: _Run) -> tuple[Any, Any]:
        plan = self._plans.get(id(expr))
        if plan is None:
            plan = self.plan(expr)
        traced, text, at, reads_plan, kind, sensitive, has_evidence = plan
        if traced:
            children = []
            subst: dict[int, Any] = {}
            for sub in traced:
                sv, node = self._node[type(sub)](sub, run)
                children.append(node)
                if id(sub) not in subst:
                    subst[id(sub)] = sv
        else:
            children, subst = EMPTY, {}
        v = self._ev[type(expr)](expr, (), subst, run)
        reads = self.reads_of(reads_plan, run) if reads_plan else rt.NO_READS
        shown = v
        if kind is not None:
            shown = rt.value_json(v, kind)
            if sensitive:
                shown = rt.guarded(shown, run.show)
        d = {"text": text, "value": shown, "at": at, "reads": reads, "children": TraceList(children) if children else EMPTY}
        if has_evidence:
            d["evidence"] = self.evidence(expr, v, subst, run)
        return v, TraceDict(d)

    def plan(self, expr: Any) -> tuple[Any, ...]:
        """What a leaf of the trace needs besides the record, worked out once."""
        operands = n.children(expr)
        traced = tuple(self.traced_within(expr, operands))
        self.rooted(expr)
        kind = _type(expr)
        reads_plan = self.read_plan(operands or (expr,), False)
        has_evidence = type(expr) in (n.Contains, n.Mentions, n.Matches) or (
            type(expr) is n.In and _type(expr.container).kind == vt.PHRASES)
        shown = None if kind.kind == vt.BOOL else kind  # true/false is shown as it is, never redacted
        plan = (traced, self.text_of(expr), self.at(expr.span), reads_plan, shown,
                shown is not None and self.sensitive_in(expr), has_evidence)
        self._plans[id(expr)] = plan
        return plan

    visit_Compare = visit_Between = visit_IsMissing = visit_In = predicate
    visit_Contains = visit_Mentions = visit_Matches = visit_BoolLit = visit_Path = predicate
    visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = visit_DateTimeLit = predicate
    visit_ListLit = visit_Negate = visit_Binary = predicate

    def children_of(self, key: object, operands: Sequence[object], run: _Run) -> tuple[list[Any], dict[int, Any]]:
        children: list[Any] = []
        subst: dict[int, Any] = {}
        for sub in self.traced_within(key, operands):
            v, node = self.node(sub, run)
            children.append(node)
            subst.setdefault(id(sub), v)  # the first of a node traced twice, as Env.substitute
        return children, subst

    def reads_in(self, key: Any, operands: Sequence[object], into_calls: bool, run: _Run) -> Any:
        plan = self._reads.get((id(key), into_calls))
        if plan is None:
            plan = self._reads[(id(key), into_calls)] = self.read_plan(operands, into_calls)
        return self.reads_of(plan, run) if plan else rt.NO_READS

    def reads_of(self, plan: list[tuple[str, Any]], run: _Run) -> TraceDict:
        out = {}
        for label, how in plan:
            if how.__class__ is Field:  # a top-level field
                out[label] = self.field_read(how, run)
            else:  # a record path: (names, field as shown)
                names, shown = how
                out[label] = rt.read(rt.raw_path(run.rec, names), shown, run.show)
        return TraceDict(out)

    def read_plan(self, operands: Sequence[object], into_calls: bool) -> list[tuple[str, Any]]:
        """What TraceGen.reads_in reads: each top-level field or record path once, in order."""
        reads: dict[str, Any] = {}
        stack = list(reversed(operands))
        while stack:
            sub = stack.pop()
            if isinstance(sub, n.Call) and not into_calls:
                continue
            if isinstance(sub, n.Name):
                ref = sub.ref
                if isinstance(ref, FieldRef):
                    reads.setdefault(ref.field.name, ref.field)
                continue
            if isinstance(sub, n.Path):
                chain = path_chain(sub)
                if chain is not None:
                    label = ".".join(f.name for f in chain)
                    last = chain[-1]
                    if any(f.sensitive for f in chain[:-1]):
                        last = attrs.evolve(last, sensitive=True)
                    for f in reversed(chain[:-1]):
                        if f.type.kind == vt.LIST:
                            last = attrs.evolve(last, type=vt.list_of(last.type))
                    reads.setdefault(label, (tuple(f.name for f in chain), last))
                    continue
            stack.extend(reversed(n.children(sub)))
        return list(reads.items())

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

    def evidence(self, expr: Any, v: Any, subst: dict[int, Any], run: _Run) -> Any:
        cls = type(expr)
        if cls is n.Contains:
            subject = self.ev(expr.subject, (), subst, run)
            if expr.mode == "one":
                item = self.ev(expr.item, (), subst, run)
                return rt.ev_one(v, item, self.sensitive_in(expr.item), run.show)
            pset = self.phrases_of(expr.item)
            return (rt.ev_text if _type(expr.subject).is_textual else rt.ev_list)(pset, subject)
        if cls is n.Mentions:
            from .mentions import ev_words

            heard = self.heard(expr.subject, (), subst, run)
            return ev_words(self.mention_set(expr.item), heard, self.sensitive_in(expr.subject), run.show)
        if cls is n.In and _type(expr.container).kind == vt.PHRASES:
            pset = self.phrase_set(cast(PhrasesRef, n.ref_of(expr.container)).name)
            return rt.ev_list(pset, [self.ev(expr.value, (), subst, run)])
        if cls is n.Matches:
            subject = self.ev(expr.subject, (), subst, run)
            return rt.ev_match(self.regex(expr), subject, self.sensitive_in(expr.subject), run.show)
        return None

    # -- values (ExprCompiler) ------------------------------------------------------------------

    def ev(self, node: Any, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        """The three-valued value of `node`; `elems` the elements of the enclosing `where`s."""
        if subst:
            key = id(node)
            if key in subst:
                return subst[key]
        return self._ev[type(node)](node, elems, subst, run)

    def strict(self, nodes: Sequence[Any], elems: tuple[Any, ...], subst: dict[int, Any], run: _Run,
               evaluate: Callable[..., Any] | None = None) -> list[Any] | None:
        """The operands' values, or None when one is unknown: those that may be unknown are
        computed first, in order, and the first unknown one stops the rest (as `strict`)."""
        ev = evaluate or self.ev
        null = self._null
        values: list[Any] = [_UNSET] * len(nodes)
        for i, node in enumerate(nodes):
            if null[id(node)]:
                value = ev(node, elems, subst, run)
                if value is None:
                    return None
                values[i] = value
        for i, node in enumerate(nodes):
            if values[i] is _UNSET:
                values[i] = ev(node, elems, subst, run)
        return values

    def ev_Name(self, node: n.Name, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        ref = node.ref
        if isinstance(ref, FieldRef):
            return run.vals[ref.field.index]
        if isinstance(ref, ElementRef):
            return elems[ref.depth][ref.field.index]
        if isinstance(ref, DefineRef):  # not traced here (never, in a trace): its body's value
            body = self.policy.defines[ref.name].expr
            self.rooted(body)
            return self.ev(body, (), subst, run)
        if isinstance(ref, PhrasesRef):
            return self.phrase_set(ref.name)
        raise TypeError(ref)  # pragma: no cover

    def ev_Path(self, node: n.Path, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        index = cast(Field, node.ref).index
        base = self.ev(node.base, elems, subst, run)
        if base is None:
            return None
        if _type(node.base).kind == vt.LIST:
            return [x[index] for x in base]
        return base[index]

    def ev_BoolLit(self, node: n.BoolLit, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        return node.value

    ev_NumberLit = ev_StringLit = ev_BoolLit

    def ev_DurationLit(self, node: n.DurationLit, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        return node.micros

    ev_DateTimeLit = ev_DurationLit

    def ev_DateLit(self, node: n.DateLit, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        return vt.date_micros(node.value)

    def ev_ListLit(self, node: n.ListLit, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        return tuple(self.ev(i, (), {}, run) for i in node.items)

    def ev_Negate(self, node: n.Negate, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        value = self.ev(node.operand, elems, subst, run)
        return None if value is None else -value

    def ev_Binary(self, node: n.Binary, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        op = node.op
        ta, tb = _type(node.left).kind, _type(node.right).kind
        if op == "/":
            a, b = self.ev(node.left, elems, subst, run), self.ev(node.right, elems, subst, run)
            return rt.dur_div(a, b) if ta == vt.DURATION and tb != vt.DURATION else rt.div(a, b)
        if op == "*" and vt.DURATION in (ta, tb) and vt.NUMBER in (ta, tb):
            a, b = self.ev(node.left, elems, subst, run), self.ev(node.right, elems, subst, run)
            return rt.dur_mul(a, b)
        ev = self.ev
        xs = self.pair(node.left, node.right, elems, subst, run, ev, ev)
        return None if xs is None else _ARITH[op](xs[0], xs[1])

    def ev_Not(self, node: n.Not, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        value = self.ev(node.operand, elems, subst, run)
        return None if value is None else not value

    def ev_And(self, node: n.And, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        unknown = False
        for operand in node.operands:  # left to right, stopping at the first false
            value = self.ev(operand, elems, subst, run)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True

    def ev_Or(self, node: n.Or, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        unknown = False
        for operand in node.operands:  # left to right, stopping at the first true
            value = self.ev(operand, elems, subst, run)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    def ev_Compare(self, node: n.Compare, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        ev = self.ev
        xs = self.pair(node.left, node.right, elems, subst, run, ev, ev)
        return None if xs is None else _COMPARE[node.op](xs[0], xs[1])

    def ev_Between(self, node: n.Between, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        xs = self.strict((node.value, node.low, node.high), elems, subst, run)
        return None if xs is None else xs[1] <= xs[0] <= xs[2]

    def ev_IsMissing(self, node: n.IsMissing, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        if not self._null[id(node.value)]:
            return node.present  # never unknown: not even looked at
        value = self.ev(node.value, elems, subst, run)
        return (value is not None) if node.present else (value is None)

    def normalized_text(self, node: Any, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        ref = node.ref if type(node) is n.Name else None
        if isinstance(ref, FieldRef) and id(node) not in subst:
            index = ref.field.index
            value = run.norms.get(index, _UNSET)
            if value is _UNSET:
                value = run.norms[index] = rt.norm(run.vals[index])
            return value
        if type(node) is n.StringLit:
            return normalize(node.value)
        value = self.ev(node, elems, subst, run)
        return None if value is None else rt.norm(value)

    def normalized_set(self, node: Any, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        ref = node.ref if type(node) is n.Name else None
        if isinstance(ref, FieldRef) and id(node) not in subst:
            index = ref.field.index
            value = run.sets.get(index, _UNSET)
            if value is _UNSET:
                value = run.sets[index] = rt.norm_set(run.vals[index])
            return value
        return rt.norm_set(self.ev(node, elems, subst, run))

    def members(self, node: n.In, textual: bool) -> frozenset[Any]:
        """The values of a literal list `in` compares with (normalised for texts)."""
        found = self._consts.get(id(node))
        if found is None:
            items = [self.ev(i, (), {}, cast(_Run, None)) for i in cast(n.ListLit, node.container).items]
            found = self._consts[id(node)] = frozenset(normalize(x) for x in items) if textual else frozenset(items)
        return cast(frozenset[Any], found)

    def ev_In(self, node: n.In, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        container = node.container
        ctype = _type(container)
        if ctype.kind == vt.PHRASES:
            value = self.strict((node.value,), elems, subst, run, self.normalized_text)
            if value is None:
                return None
            found = value[0] in self.phrase_set(cast(PhrasesRef, n.ref_of(container)).name).set
            return not found if node.negated else found
        textual = needs_normalizing(_type(node.value), ctype.elem(), isinstance(container, n.ListLit))
        if isinstance(container, n.ListLit):
            members = self.members(node, textual)
            value = self.strict((node.value,), elems, subst, run, self.normalized_text if textual else None)
            if value is None:
                return None
            found = value[0] in members
            return not found if node.negated else found
        if textual:
            xs = self.pair(node.value, container, elems, subst, run, self.normalized_text, self.normalized_set)
        else:
            xs = self.pair(node.value, container, elems, subst, run, self.ev, self.ev)
        if xs is None:
            return None
        if _elements_nullable(container):
            return (rt.not_in3 if node.negated else rt.in3)(xs[0], xs[1])
        found = xs[0] in xs[1]
        return not found if node.negated else found

    def pair(self, first: Any, second: Any, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run,
             ev_first: Callable[..., Any], ev_second: Callable[..., Any]) -> tuple[Any, Any] | None:
        """`strict` over two operands, each computed its own way (a value, a normalised text, a set…)."""
        null = self._null
        if null[id(first)]:
            a = ev_first(first, elems, subst, run)
            if a is None:
                return None
            b = ev_second(second, elems, subst, run)
            if b is None and null[id(second)]:
                return None
            return a, b
        if null[id(second)]:
            b = ev_second(second, elems, subst, run)
            if b is None:
                return None
            return ev_first(first, elems, subst, run), b
        return ev_first(first, elems, subst, run), ev_second(second, elems, subst, run)

    def ev_Contains(self, node: n.Contains, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        stype = _type(node.subject)
        if node.mode == "one":
            if stype.is_textual:
                xs = self.pair(node.item, node.subject, elems, subst, run, self.normalized_text, self.normalized_text)
                return None if xs is None else xs[0] in xs[1]
            if stype.elem().kind == vt.TEXT or _type(node.item).kind == vt.TEXT:
                xs = self.pair(node.item, node.subject, elems, subst, run, self.normalized_text, self.normalized_set)
            else:
                xs = self.pair(node.item, node.subject, elems, subst, run, self.ev, self.ev)
            if xs is None:
                return None
            if _elements_nullable(node.subject):
                return rt.in3(xs[0], xs[1])
            return xs[0] in xs[1]
        pset = self.phrases_of(node.item)
        if stype.is_textual:
            subject = self.normalized_text(node.subject, elems, subst, run)
            if subject is None:
                return None
            return pset.search(subject) if node.mode == "any" else pset.all_in(subject)
        subject = self.normalized_set(node.subject, elems, subst, run)
        if subject is None:
            return None
        if _elements_nullable(node.subject):
            return (rt.any_in3 if node.mode == "any" else rt.all_in3)(pset.set, subject)
        if node.mode == "any":
            return not pset.set.isdisjoint(subject)
        return pset.set <= subject

    def heard(self, node: Any, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        ref = node.ref if type(node) is n.Name else None
        if isinstance(ref, FieldRef) and id(node) not in subst:
            index = ref.field.index
            value = run.heard.get(index, _UNSET)
            if value is _UNSET:
                value = run.heard[index] = self.listener()(run.vals[index])
            return value
        return self.listener()(self.ev(node, elems, subst, run))

    def ev_Mentions(self, node: n.Mentions, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        mset = self.mention_set(node.item)
        heard = self.heard(node.subject, elems, subst, run)
        if heard is None:
            return None
        return mset.all(heard) if node.mode == "all" else mset.any(heard)

    def regex(self, node: n.Matches) -> Any:
        rx = self._consts.get(id(node))
        if rx is None:
            rx = self._consts[id(node)] = compiled_regex(node.pattern.value)
        return rx

    def ev_Matches(self, node: n.Matches, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        rx = self.regex(node)
        subject = self.ev(node.subject, elems, subst, run)
        return None if subject is None else rx.search(nfkc(subject)) is not None

    def ev_Call(self, node: n.Call, elems: tuple[Any, ...], subst: dict[int, Any], run: _Run) -> Any:
        func = node.func
        arg = self.ev(node.arg, elems, subst, run)
        if func == "len" or (func == "count" and node.where is None):
            return None if arg is None else len(arg)
        if func in ("count", "any", "all"):
            if arg is None:
                return None
            where = node.where
            conds = (self.ev(where, elems + (e,), subst, run) for e in arg)
            if not self._null[id(where)]:
                if func == "count":
                    return sum(1 for c in conds if c)
                return any(conds) if func == "any" else all(conds)
            results = list(conds)
            return rt.count3(results) if func == "count" else rt.any3(results) if func == "any" else rt.all3(results)
        if func == "sum" and not _elements_nullable(node.arg):
            return None if arg is None else sum(arg)
        return (rt.sum3 if func == "sum" else rt.min3 if func == "min" else rt.max3)(arg)
