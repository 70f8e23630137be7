"""What each operator means, decided once: a checked expression lowered to a plan.

A plan is a small tree of `Plan` nodes. For each node it says how the value is computed (`op`
and, for an application, the function it applies), from which operands in which form — the value itself, its
normalised text (`norm`), its set of normalised texts (`norm_set`), the words it says
(`heard`) — whether it may be unknown (`nullable`) and whether an unknown operand makes it
unknown without computing it (`strict`). The facts a condition proves (`x is present` is true:
`x` is known in the rest of an `and`) are applied while lowering, so nullability is decided
here and nowhere else, and so is the evidence a text operator records in a trace.

Three tiers read plans: the plain compiler (compile_expr.Emitter) and the trace compiler
(compile_traced.TraceGen) turn them into Python `ast`; the interpreter of traces
(interpret_traced) evaluates them. A new operator is lowered here once (a `visit_<Node>`),
from the operations below; the tiers need nothing new unless it needs a new kind of operation.
"""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

import attrs

from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, PhrasesRef
from ..check.regex import compiled as compiled_regex
from ..syntax import nodes as n
from ..syntax.visitor import Visitor
from ..text.normalize import PhraseSet, nfkc, normalize
from . import runtime as rt
from .facts import field_index, mention_phrases, named_phrases, needs_normalizing, present_key, proved_present

if TYPE_CHECKING:
    from .mentions import MentionSet

K = TypeVar("K")
V = TypeVar("V")

# The operations of a plan (Plan.op).
CONST = "const"      # arg: the value (a literal, a set, a phrase list, a regex...)
FIELD = "field"      # arg: the index of a top-level field (its validated value)
ELEM = "elem"        # arg: (depth, index): a field of the element of the depth-th enclosing `where`
TRACED = "traced"    # arg: i: the value of the i-th child trace node (a call or a define, traced on its own);
                     # -1: the node's own value, which follows them (RESULT_PLAN: what it shows, its evidence)
CACHED = "cached"    # arg: a key ("norm"/"norm_set"/"heard"/"read"/"key", field index) or ("define", name): args[0]
                     # computed at most once per record
PROJECT = "project"  # arg: index: [x[index] for x in args[0]] (a field of each element of a list)
APPLY = "apply"      # arg: a function applied to the values of args (an operator of OPERATORS, a
                     # runtime helper, a bound method, the policy's Listener...)
AND = "and"          # Kleene and/or, left to right, stopping at the deciding operand
OR = "or"
EACH = "each"        # arg: (func, depth): count/any/all of args[1] for each element of args[0]
SHOW = "show"        # whether sensitive values are shown (traces only)
RAW = "raw"          # arg: a top-level field's name, or a record path's names: the value as given (traces only)


OPERATORS: dict[str, Callable[..., Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b, "neg": operator.neg, "not": operator.not_,
    "is None": lambda a: a is None, "is not None": lambda a: a is not None,
    "between": lambda x, low, high: low <= x <= high, "item": operator.getitem,
    "matches": lambda regex, text: regex.search(nfkc(text)) is not None,
}
SYMBOLS = {func: symbol for symbol, func in OPERATORS.items()}  # the plain compiler writes these as Python


@attrs.define(eq=False)
class Plan:
    """One node of a lowered expression (see the module's docstring)."""

    op: str
    args: tuple[Plan, ...] = ()
    arg: Any = None
    nullable: bool = False
    strict: bool = True


SHOW_PLAN = Plan(SHOW)
RESULT_PLAN = Plan(TRACED, arg=-1, nullable=True)


def const(value: Any) -> Plan:
    return Plan(CONST, arg=value)


def call(func: Callable[..., Any], *args: Plan, strict: bool = True, nullable: bool | None = None) -> Plan:
    """`func(*args)`; strict: unknown when an operand is (which is then not computed further)."""
    return Plan(APPLY, args, func, any(a.nullable for a in args) if nullable is None else nullable, strict)


def op(symbol: str, *args: Plan) -> Plan:
    return call(OPERATORS[symbol], *args)


@attrs.frozen
class Scope:
    """Where an expression is lowered: the names known present there, the `where` depth, and
    the sub-expressions traced on their own (their values stand in for them: TRACED)."""

    present: frozenset[str] = frozenset()
    depth: int = 0
    traced: tuple[object, ...] = ()


def made(cache: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """`cache[key]`, made by `make` the first time it is asked for."""
    if key not in cache:
        cache[key] = make()
    return cache[key]


def type_of(node: object) -> vt.Type:
    """The checker's type of a node of the resolved tree (its `type` slot)."""
    return cast(vt.Type, getattr(node, "type"))


def _elements_nullable(node: object) -> bool:
    """Whether some elements of a list may be unknown (a projection of an optional field)."""
    return isinstance(node, n.Path) and cast(Field, node.ref).optional


class Lowering(Visitor):
    """Lowers the expressions of one checked policy (one `visit_<Node>` per node class). Shared
    by the tiers of one policy: the objects it makes (phrase sets, regexes) are made once."""

    def __init__(self, policy: CheckedPolicy) -> None:
        self.policy = policy
        self._made: dict[object, Any] = {}  # the shared objects, by what they are made of

    def lower(self, node: object, scope: Scope) -> Plan:
        for i, traced in enumerate(scope.traced):
            if traced is node:  # this very node (not an equal one elsewhere)
                return Plan(TRACED, arg=i, nullable=True)
        plan: Plan = self.visit(node, scope)
        return plan

    # -- shared objects ---------------------------------------------------------------------

    def phrase_set(self, item: object) -> PhraseSet:
        """The set of the phrases an operand names: a phrase list's, or those written in place."""
        key, phrases, _ = named_phrases(item, self.policy)
        return cast(PhraseSet, made(self._made, ("phrases", key), lambda: PhraseSet(phrases)))

    def mention_set(self, item: object) -> MentionSet:
        """The phrases of a `mentions` operand and their kind (one object per phrase list or literal)."""
        from .mentions import MentionSet

        key, phrases, kind = named_phrases(item, self.policy)
        return cast(MentionSet, made(self._made, ("mentions", key), lambda: MentionSet(phrases, kind)))

    def regex(self, pattern: str) -> Any:
        return made(self._made, ("regex", pattern), lambda: compiled_regex(pattern))

    # -- names and values ------------------------------------------------------------------

    def visit_Name(self, node: n.Name, scope: Scope) -> Plan:
        ref = node.ref
        if isinstance(ref, (FieldRef, ElementRef)):
            nullable = ref.field.optional and present_key(node) not in scope.present
            if isinstance(ref, FieldRef):
                return Plan(FIELD, arg=ref.field.index, nullable=nullable)
            return Plan(ELEM, arg=(ref.depth, ref.field.index), nullable=nullable)
        if isinstance(ref, DefineRef):
            return self.define(ref.name, scope)
        if isinstance(ref, PhrasesRef):
            return const(self.phrase_set(node))
        raise TypeError(ref)  # pragma: no cover

    def define(self, name: str, scope: Scope) -> Plan:
        """A define: inlined when cheap (the facts known where it is used apply inside), else
        computed at most once per record."""
        body = self.policy.defines[name].expr
        if not made(self._made, ("lazy", name), lambda: any(isinstance(x, n.Call) for x in n.walk(body))):
            return self.lower(body, scope)
        inner = self.lower(body, Scope(traced=scope.traced))
        return Plan(CACHED, (inner,), ("define", name), inner.nullable)

    def visit_Path(self, node: n.Path, scope: Scope) -> Plan:
        base = self.lower(node.base, scope)
        field = cast(Field, node.ref)
        if type_of(node.base).kind == vt.LIST:
            return Plan(PROJECT, (base,), field.index, base.nullable)
        return call(OPERATORS["item"], base, const(field.index), nullable=base.nullable or field.optional)

    def visit_BoolLit(self, node: object, scope: Scope) -> Plan:
        return const(literal(node))

    visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = visit_DateTimeLit = visit_BoolLit
    visit_ListLit = visit_BoolLit

    # -- arithmetic and logic --------------------------------------------------------------

    def visit_Negate(self, node: n.Negate, scope: Scope) -> Plan:
        return op("neg", self.lower(node.operand, scope))

    def visit_Binary(self, node: n.Binary, scope: Scope) -> Plan:
        a, b = self.lower(node.left, scope), self.lower(node.right, scope)
        ta, tb = type_of(node.left).kind, type_of(node.right).kind
        if node.op == "/":  # unknown when dividing by zero
            return call(rt.dur_div if ta == vt.DURATION and tb != vt.DURATION else rt.div, a, b,
                        strict=False, nullable=True)
        if node.op == "*" and vt.DURATION in (ta, tb) and vt.NUMBER in (ta, tb):  # whole microseconds
            return call(rt.dur_mul, a, b, strict=False)
        return op(node.op, a, b)

    def visit_Not(self, node: n.Not, scope: Scope) -> Plan:
        return op("not", self.lower(node.operand, scope))

    def visit_And(self, node: n.And | n.Or, scope: Scope) -> Plan:
        """Kleene and/or, left to right; an operand that is never unknown proves facts for the rest."""
        which = AND if isinstance(node, n.And) else OR
        plans = []
        for operand in node.operands:
            plan = self.lower(operand, scope)
            plans.append(plan)
            if not plan.nullable:
                scope = attrs.evolve(scope, present=scope.present | proved_present(operand, which == AND, self.policy))
        return Plan(which, tuple(plans), nullable=any(p.nullable for p in plans))

    visit_Or = visit_And

    # -- predicates ----------------------------------------------------------------------------

    def visit_Compare(self, node: n.Compare, scope: Scope) -> Plan:
        return op(node.op, self.lower(node.left, scope), self.lower(node.right, scope))

    def visit_Between(self, node: n.Between, scope: Scope) -> Plan:
        return op("between", *(self.lower(x, scope) for x in (node.value, node.low, node.high)))

    def visit_IsMissing(self, node: n.IsMissing, scope: Scope) -> Plan:
        inner = self.lower(node.value, scope)
        if not inner.nullable:  # never unknown: not even computed
            return const(node.present)
        return call(OPERATORS["is not None" if node.present else "is None"], inner, strict=False, nullable=False)

    def norm(self, node: object, scope: Scope) -> Plan:
        """The normalised form of a text (at most once per record for a field)."""
        if isinstance(node, n.StringLit):
            return const(normalize(node.value))
        return self.per_field("norm", rt.norm, node, scope)

    def norm_set(self, node: object, scope: Scope) -> Plan:
        """The set of normalised texts of a list of texts (at most once per record for a field)."""
        return self.per_field("norm_set", rt.norm_set, node, scope)

    def heard(self, node: object, scope: Scope) -> Plan:
        """What a text says: its words and the policy's `mentions` phrases found in it (by one
        Listener, one phrase index for them all)."""
        from .mentions import Listener

        policy = self.policy
        listener = made(self._made, "listener", lambda: Listener(mention_phrases(policy),
                                                                  mention_phrases(policy, acts=True)))
        return self.per_field("heard", listener, node, scope)

    def per_field(self, key: str, func: Callable[[Any], Any], node: object, scope: Scope) -> Plan:
        """`func` of a value, computed at most once per record for a top-level field."""
        plan = self.lower(node, scope)
        value = call(func, plan, strict=False)
        index = field_index(node)
        return value if index is None else Plan(CACHED, (value,), (key, index), plan.nullable)

    def visit_In(self, node: n.In, scope: Scope) -> Plan:
        container = node.container
        ctype = type_of(container)
        if ctype.kind == vt.PHRASES:
            return op("not in" if node.negated else "in", self.norm(node.value, scope),
                      const(self.phrase_set(container).set))
        textual = needs_normalizing(type_of(node.value), ctype.elem(), isinstance(container, n.ListLit))
        return self.member(node.negated, node.value, container, textual, scope)

    def member(self, negated: bool, value: object, items: object, textual: bool, scope: Scope) -> Plan:
        """`value in items` (or `not in`) of a list: of normalised texts when `textual` (a list
        literal's made once, as a set), three-valued when some elements may be unknown."""
        a = self.norm(value, scope) if textual else self.lower(value, scope)
        if isinstance(items, n.ListLit):
            listed = literal(items)
            b = const(frozenset(normalize(x) for x in listed) if textual else frozenset(listed))
        else:
            b = self.norm_set(items, scope) if textual else self.lower(items, scope)
        if _elements_nullable(items):
            return call(rt.not_in3 if negated else rt.in3, a, b, nullable=True)
        return op("not in" if negated else "in", a, b)

    def visit_Contains(self, node: n.Contains, scope: Scope) -> Plan:
        stype = type_of(node.subject)
        if node.mode == "one":
            if stype.is_textual:  # a substring of the normalised text
                return op("in", self.norm(node.item, scope), self.norm(node.subject, scope))
            textual = stype.elem().kind == vt.TEXT or type_of(node.item).kind == vt.TEXT
            return self.member(False, node.item, node.subject, textual, scope)
        pset = self.phrase_set(node.item)
        if stype.is_textual:
            return call(getattr(pset, "search" if node.mode == "any" else "all_in"), self.norm(node.subject, scope))
        items = self.norm_set(node.subject, scope)
        if _elements_nullable(node.subject):
            return call(rt.any_in3 if node.mode == "any" else rt.all_in3, const(pset.set), items, nullable=True)
        if node.mode == "any":
            return op("not", call(pset.set.isdisjoint, items))
        return op("<=", const(pset.set), items)

    def visit_Mentions(self, node: n.Mentions, scope: Scope) -> Plan:
        mset = self.mention_set(node.item)
        return call(mset.all if node.mode == "all" else mset.any, self.heard(node.subject, scope))

    def visit_Matches(self, node: n.Matches, scope: Scope) -> Plan:
        return op("matches", const(self.regex(node.pattern.value)), self.lower(node.subject, scope))

    # -- calls -------------------------------------------------------------------------------

    def visit_Call(self, node: n.Call, scope: Scope) -> Plan:
        func = node.func
        arg = self.lower(node.arg, scope)
        if func == "len" or (func == "count" and node.where is None):
            return call(len, arg)
        if func in ("count", "any", "all"):
            cond = self.lower(node.where, attrs.evolve(scope, depth=scope.depth + 1))
            return Plan(EACH, (arg, cond), (func, scope.depth), arg.nullable or cond.nullable)
        if func == "sum" and not _elements_nullable(node.arg):
            return call(sum, arg)
        return call({"sum": rt.sum3, "min": rt.min3, "max": rt.max3}[func], arg, strict=False, nullable=True)

    # -- evidence -------------------------------------------------------------------------------

    def evidence(self, node: object, scope: Scope, sensitive: Callable[[object], bool]) -> Plan | None:
        """What a text operator records in a trace (`evidence`): the phrases found, the words
        that matched, the matched text; None for the other predicates."""
        if isinstance(node, n.Contains) and node.mode == "one":
            item = self.lower(node.item, scope)
            return call(rt.ev_one, RESULT_PLAN, item, const(sensitive(node.item)), SHOW_PLAN, strict=False)
        if isinstance(node, n.Contains):
            helper = rt.ev_text if type_of(node.subject).is_textual else rt.ev_list
            return call(helper, const(self.phrase_set(node.item)), self.lower(node.subject, scope), strict=False)
        if isinstance(node, n.Mentions):
            from .mentions import ev_words

            words = self.heard(node.subject, scope)
            return call(ev_words, const(self.mention_set(node.item)), words, const(sensitive(node.subject)), SHOW_PLAN,
                        strict=False)
        if isinstance(node, n.In) and type_of(node.container).kind == vt.PHRASES:
            value = self.lower(node.value, scope)
            return call(rt.ev_item, const(self.phrase_set(node.container)), value, strict=False)
        if isinstance(node, n.Matches):
            subject = self.lower(node.subject, scope)
            return call(rt.ev_match, const(self.regex(node.pattern.value)), subject, const(sensitive(node.subject)),
                        SHOW_PLAN, strict=False)
        return None


def literal(node: object) -> Any:
    """The value of a literal (a list literal's as a tuple)."""
    if isinstance(node, (n.DurationLit, n.DateTimeLit)):
        return node.micros
    if isinstance(node, n.DateLit):
        return vt.date_micros(node.value)
    if isinstance(node, n.ListLit):
        return tuple(literal(i) for i in node.items)
    return cast(Any, node).value
