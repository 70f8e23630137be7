"""Expressions → Python `ast` expressions that compute the three-valued result (None = unknown).

Every expression compiles to a `Code`: the Python expression and whether it can be unknown.
The checker has typed every node (the resolved tree: `node.type`, `Name.ref`), so no type
dispatch happens at run time. Knowing which
values can be unknown lets the common case compile to plain Python (`a and b`, `x >= 30`);
only where unknown is possible does the code spell out Kleene logic. An `and` chain also
learns from its own conjuncts: after `x is present` (true), `x` is known in the rest.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, cast

import attrs

from . import codegen as g
from . import located as L
from ..syntax import nodes as n
from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, FieldRef, PhrasesRef
from ..syntax.visitor import Visitor
from ..check.regex import compiled as compiled_regex
from ..text.normalize import PhraseSet, normalize

if TYPE_CHECKING:
    from ..check.checked import Field
    from .mentions import MentionSet

UNSET = object()  # the value of a lazy slot (define, normalised text) not computed yet; global `UNSET`


@attrs.frozen
class Code:
    expr: ast.expr
    nullable: bool


@attrs.frozen
class Env:
    """Compile-time context: values known present, the `where` depth, trace substitutions."""

    present: frozenset[str] = frozenset()
    depth: int = 0
    subst: Sequence[tuple[object, ast.expr]] = ()  # (node of the resolved tree, its traced value)

    def substitute(self, node: object) -> ast.expr | None:
        """The traced value standing for this very node (not an equal one elsewhere), if any."""
        for original, value in self.subst:
            if original is node:
                return value
        return None

    def knowing(self, keys: frozenset[str]) -> "Env":
        return attrs.evolve(self, present=self.present | keys) if keys else self

    def deeper(self) -> "Env":
        return attrs.evolve(self, depth=self.depth + 1)


class ExprCompiler(Visitor):
    """Compiles the expressions of one checked policy into one generated function's scope."""

    def __init__(self, policy: CheckedPolicy, ns: g.Namespace, temps: g.Temps) -> None:
        self.policy = policy
        self.ns = ns
        self.temps = temps
        self.lazy_defines: dict[str, str] = {}   # define name → slot local (defines with aggregates)
        self.norm_slots: dict[int, str] = {}     # field index → slot local of its normalised text
        self.set_slots: dict[int, str] = {}      # field index → slot local of its normalised set
        self.phrase_sets: dict[str, PhraseSet] = ns.memo.setdefault("phrase_sets", {})
        self.word_slots: dict[int, str] = {}     # field index → slot local of what it says (`mentions`)
        # In a policy split into several functions, the word slots are passed from one to the next
        # (see compile_policy), so each text is split into words once per record, not once per part.
        self.shared_words: bool = ns.memo.get("shared_words", False)

    # -- entry ------------------------------------------------------------------------

    def compile(self, node: object, env: Env) -> Code:
        if env.subst:
            sub = env.substitute(node)
            if sub is not None:
                return Code(sub, True)  # a precomputed trace value: treat as possibly unknown
        code: Code = self.visit(node, env)
        return code

    def slots(self) -> list[str]:
        """Locals that must start as UNSET at the top of the function."""
        own_words = [] if self.shared_words else list(self.word_slots.values())
        return (list(self.lazy_defines.values()) + list(self.norm_slots.values()) + list(self.set_slots.values())
                + own_words)

    # -- helpers -------------------------------------------------------------------------

    def strict(self, codes: list[Code], build: Callable[[list[ast.expr]], ast.expr]) -> Code:
        """`build(exprs)` when every operand is known; unknown (None) when any is unknown."""
        if not any(c.nullable for c in codes):
            return Code(build([c.expr for c in codes]), False)
        tests, exprs = [], []
        for c in codes:
            if not c.nullable:
                exprs.append(c.expr)
            elif isinstance(c.expr, ast.Name):
                tests.append(g.is_none(c.expr))
                exprs.append(c.expr)
            else:
                t = self.temps.new()
                tests.append(g.is_none(g.walrus(t, c.expr)))
                exprs.append(g.name(t))
        return Code(g.ifexp(g.or_(*tests), g.const(None), build(exprs)), True)

    def bound(self, code: Code, build: Callable[[ast.expr], ast.expr]) -> Code:
        """`build(x)` with `code` evaluated once into a local (for comprehension iterables)."""
        t = self.temps.new()
        return Code(g.ifexp(g.is_none(g.walrus(t, code.expr)), g.const(None), build(g.name(t))), True)

    @staticmethod
    def type_of(node: object) -> vt.Type:
        return cast(vt.Type, getattr(node, "type"))

    # -- names ------------------------------------------------------------------------------

    def visit_Name(self, node: n.Name, env: Env) -> Code:
        ref = node.ref
        if isinstance(ref, FieldRef):
            key = f"f{ref.field.index}"
            return Code(g.name(key), ref.field.optional and key not in env.present)
        if isinstance(ref, ElementRef):
            key = f"e{ref.depth}.{ref.field.index}"
            return Code(g.subscript(g.name(f"e{ref.depth}"), ref.field.index),
                        ref.field.optional and key not in env.present)
        if isinstance(ref, DefineRef):
            return self.define(ref.name, env)
        if isinstance(ref, PhrasesRef):
            return Code(self.ns.add(self.phrase_set(ref.name), "P"), False)
        raise TypeError(ref)  # pragma: no cover

    def define(self, dname: str, env: Env) -> Code:
        body = self.policy.defines[dname].expr
        if not any(isinstance(x, n.Call) for x in n.walk(body)):
            # Cheap defines are inlined, so the facts known at the use site apply inside.
            return self.compile(body, env)
        slot = self.lazy_defines.get(dname)
        inner = self.compile(body, Env(subst=env.subst))
        if slot is None:
            slot = self.lazy_defines[dname] = self.temps.new("d")
        expr = g.ifexp(L.Compare(g.name(slot), [ast.IsNot()], [g.name("UNSET")]), g.name(slot),
                       g.walrus(slot, inner.expr))
        return Code(expr, inner.nullable)

    def phrase_set(self, pname: str) -> PhraseSet:
        if pname not in self.phrase_sets:
            self.phrase_sets[pname] = PhraseSet(self.policy.phrases[pname].phrases)
        return self.phrase_sets[pname]

    def visit_Path(self, node: n.Path, env: Env) -> Code:
        base = self.compile(node.base, env)
        field = cast("Field", node.ref)
        base_type = self.type_of(node.base)
        if base_type.kind == vt.LIST:
            var = self.temps.new("p")
            return self.bound(base, lambda b: g.listcomp(g.subscript(g.name(var), field.index), var, b)) \
                if base.nullable or g.uses_walrus(base.expr) else \
                Code(g.listcomp(g.subscript(g.name(var), field.index), var, base.expr), False)
        inner = self.strict([base], lambda xs: g.subscript(xs[0], field.index))
        return Code(inner.expr, inner.nullable or field.optional)

    # -- literals ---------------------------------------------------------------------------

    def visit_BoolLit(self, node: n.BoolLit, env: Env) -> Code:
        return Code(g.const(node.value), False)

    def visit_NumberLit(self, node: n.NumberLit, env: Env) -> Code:
        return Code(g.const(node.value), False)

    def visit_StringLit(self, node: n.StringLit, env: Env) -> Code:
        return Code(g.const(node.value), False)

    def visit_DurationLit(self, node: n.DurationLit, env: Env) -> Code:
        return Code(g.const(node.micros), False)

    def visit_DateLit(self, node: n.DateLit, env: Env) -> Code:
        return Code(g.const(vt.date_micros(node.value)), False)

    def visit_DateTimeLit(self, node: n.DateTimeLit, env: Env) -> Code:
        return Code(g.const(node.micros), False)

    def visit_ListLit(self, node: n.ListLit, env: Env) -> Code:
        return Code(g.const(tuple(self.literal(i) for i in node.items)), False)

    def literal(self, node: object) -> Any:
        code = self.compile(node, Env())
        assert isinstance(code.expr, ast.Constant)
        return code.expr.value

    # -- arithmetic -------------------------------------------------------------------------

    def visit_Negate(self, node: n.Negate, env: Env) -> Code:
        return self.strict([self.compile(node.operand, env)], lambda xs: L.UnaryOp(ast.USub(), xs[0]))

    def visit_Binary(self, node: n.Binary, env: Env) -> Code:
        a, b = self.compile(node.left, env), self.compile(node.right, env)
        ta, tb = self.type_of(node.left), self.type_of(node.right)
        op = node.op
        dur = vt.DURATION
        if op == "/":
            helper = "dur_div" if ta.kind == dur and tb.kind != dur else "div"
            return Code(g.call(helper, a.expr, b.expr), True)
        if op == "*" and (ta.kind == dur or tb.kind == dur) and vt.NUMBER in (ta.kind, tb.kind):
            return Code(g.call("dur_mul", a.expr, b.expr), a.nullable or b.nullable)
        return self.strict([a, b], lambda xs: g.binop(op, xs[0], xs[1]))

    # -- logic --------------------------------------------------------------------------------

    def visit_Not(self, node: n.Not, env: Env) -> Code:
        inner = self.compile(node.operand, env)
        if not inner.nullable:
            return Code(g.not_(inner.expr), False)
        t = self.temps.new()
        return Code(g.ifexp(g.is_none(g.walrus(t, inner.expr)), g.const(None), g.not_(g.name(t))), True)

    def visit_And(self, node: n.And, env: Env) -> Code:
        return self.kleene(node.operands, env, is_and=True)

    def visit_Or(self, node: n.Or, env: Env) -> Code:
        return self.kleene(node.operands, env, is_and=False)

    def kleene(self, operands: Sequence[n.Spanned], env: Env, is_and: bool) -> Code:
        """Left-to-right Kleene and/or; plain Python where no operand can be unknown."""
        codes: list[Code] = []
        for operand in operands:
            code = self.compile(operand, env)
            codes.append(code)
            if not code.nullable:
                env = env.knowing(self.facts(operand, when=is_and))
        if not any(c.nullable for c in codes):
            return Code((g.and_ if is_and else g.or_)(*[c.expr for c in codes]), False)
        stop = False if is_and else True   # the value that decides the whole chain
        return Code(self._kleene(codes, [], stop), True)

    def _kleene(self, codes: list[Code], unknowns: list[str], stop: bool) -> ast.expr:
        if not codes:
            if not unknowns:
                return g.const(not stop)
            return g.ifexp(g.or_(*[g.is_none(g.name(u)) for u in unknowns]), g.const(None), g.const(not stop))
        first, rest = codes[0], codes[1:]
        if not first.nullable:
            if not rest and not unknowns:
                return first.expr
            tail = self._kleene(rest, unknowns, stop)
            # and: `first and tail` (false stops); or: `first or tail` (true stops)
            return (g.and_ if not stop else g.or_)(first.expr, tail)
        if not rest and not unknowns:
            return first.expr
        t = self.temps.new()
        test = L.Compare(g.walrus(t, first.expr), [ast.Is()], [g.const(stop)])
        return g.ifexp(test, g.const(stop), self._kleene(rest, unknowns + [t], stop))

    def facts(self, node: object, when: bool) -> frozenset[str]:
        """Names known present once `node` (a condition that is never unknown) is `when`."""
        return proved_present(node, when, self.policy)

    # -- predicates -----------------------------------------------------------------------------

    def visit_Compare(self, node: n.Compare, env: Env) -> Code:
        codes = [self.compile(node.left, env), self.compile(node.right, env)]
        return self.strict(codes, lambda xs: g.compare(node.op, xs[0], xs[1]))

    def visit_Between(self, node: n.Between, env: Env) -> Code:
        codes = [self.compile(x, env) for x in (node.value, node.low, node.high)]
        return self.strict(codes, lambda xs: g.chain(xs[1], ["<=", "<="], [xs[0], xs[2]]))

    def visit_IsMissing(self, node: n.IsMissing, env: Env) -> Code:
        inner = self.compile(node.value, env)
        if not inner.nullable:
            return Code(g.const(node.present), False)
        test = g.is_not_none if node.present else g.is_none
        return Code(test(inner.expr), False)

    def normalized_text(self, node: object, env: Env) -> Code:
        """The normalised form of a text expression; computed at most once per record for fields."""
        code = self.compile(node, env)
        ref = node.ref if isinstance(node, n.Name) else None
        if isinstance(ref, FieldRef) and env.substitute(node) is None:
            slot = self.norm_slots.get(ref.field.index)
            if slot is None:
                slot = self.norm_slots[ref.field.index] = self.temps.new("n")
            value = g.call("norm", code.expr)
            expr = g.ifexp(L.Compare(g.name(slot), [ast.IsNot()], [g.name("UNSET")]), g.name(slot),
                           g.walrus(slot, value))
            return Code(expr, code.nullable)
        if isinstance(node, n.StringLit):
            return Code(g.const(normalize(node.value)), False)
        return self.strict([code], lambda xs: g.call("norm", xs[0]))

    def normalized_set(self, node: object, env: Env) -> Code:
        """The set of normalised texts of a list of texts; at most once per record for fields."""
        code = self.compile(node, env)
        ref = node.ref if isinstance(node, n.Name) else None
        value = g.call("norm_set", code.expr)
        if isinstance(ref, FieldRef) and env.substitute(node) is None:
            slot = self.set_slots.get(ref.field.index)
            if slot is None:
                slot = self.set_slots[ref.field.index] = self.temps.new("s")
            expr = g.ifexp(L.Compare(g.name(slot), [ast.IsNot()], [g.name("UNSET")]), g.name(slot),
                           g.walrus(slot, value))
            return Code(expr, code.nullable)
        return Code(value, code.nullable)

    def visit_In(self, node: n.In, env: Env) -> Code:
        vtype, ctype = self.type_of(node.value), self.type_of(node.container)
        op = "not in" if node.negated else "in"
        container = node.container
        if ctype.kind == vt.PHRASES:
            pset = self.phrase_set(_phrases_name(container))
            value = self.normalized_text(node.value, env)
            return self.strict([value], lambda xs: g.compare(op, xs[0], self.ns.add(pset.set, "S")))
        elem = ctype.elem()
        textual = needs_normalizing(vtype, elem, isinstance(container, n.ListLit))
        if isinstance(container, n.ListLit):
            items = [self.literal(i) for i in container.items]
            if textual:
                value = self.normalized_text(node.value, env)
                members = frozenset(normalize(x) for x in items)
            else:
                value = self.compile(node.value, env)
                members = frozenset(items)
            return self.strict([value], lambda xs: g.compare(op, xs[0], self.ns.add(members, "S")))
        if textual:
            codes = [self.normalized_text(node.value, env), self.normalized_set(container, env)]
        else:
            codes = [self.compile(node.value, env), self.compile(container, env)]
        if self.elements_nullable(container):  # some elements may be unknown: three-valued
            helper = "not_in3" if node.negated else "in3"
            return Code(self.strict(codes, lambda xs: g.call(helper, xs[0], xs[1])).expr, True)
        return self.strict(codes, lambda xs: g.compare(op, xs[0], xs[1]))

    def visit_Contains(self, node: n.Contains, env: Env) -> Code:
        stype = self.type_of(node.subject)
        if node.mode == "one":
            if stype.is_textual:
                codes = [self.normalized_text(node.item, env), self.normalized_text(node.subject, env)]
                return self.strict(codes, lambda xs: g.compare("in", xs[0], xs[1]))
            if stype.elem().kind == vt.TEXT or self.type_of(node.item).kind == vt.TEXT:
                codes = [self.normalized_text(node.item, env), self.normalized_set(node.subject, env)]
            else:
                codes = [self.compile(node.item, env), self.compile(node.subject, env)]
            if self.elements_nullable(node.subject):  # some elements may be unknown
                return Code(self.strict(codes, lambda xs: g.call("in3", xs[0], xs[1])).expr, True)
            return self.strict(codes, lambda xs: g.compare("in", xs[0], xs[1]))
        pset = self.phrases_of(node.item)
        pnode = self.ns.add(pset, "P")
        if stype.is_textual:
            subject = self.normalized_text(node.subject, env)
            meth = "search" if node.mode == "any" else "all_in"
            return self.strict([subject], lambda xs: g.method(pnode, meth, xs[0]))
        subject = self.normalized_set(node.subject, env)
        members = self.ns.add(pset.set, "S")
        if self.elements_nullable(node.subject):  # some elements may be unknown
            helper = "any_in3" if node.mode == "any" else "all_in3"
            return Code(self.strict([subject], lambda xs: g.call(helper, members, xs[0])).expr, True)
        if node.mode == "any":
            return self.strict([subject], lambda xs: g.not_(g.method(members, "isdisjoint", xs[0])))
        return self.strict([subject], lambda xs: L.Compare(members, [ast.LtE()], [xs[0]]))

    def phrases_of(self, item: object) -> PhraseSet:  # noqa: D102
        if isinstance(item, n.ListLit):
            return PhraseSet([i.value for i in item.items if isinstance(i, n.StringLit)])
        return self.phrase_set(_phrases_name(item))

    # -- mentions ------------------------------------------------------------------------------

    def heard(self, node: object, env: Env) -> Code:
        """What a text expression says (its words and the policy's phrases found in it); for a
        field, worked out at most once per record."""
        if "heard" not in self.ns.values:
            from .mentions import Listener, ev_words

            self.ns.values["heard"] = Listener(mention_phrases(self.policy), mention_acts(self.policy))
            self.ns.values["ev_words"] = ev_words
        code = self.compile(node, env)
        ref = node.ref if isinstance(node, n.Name) else None
        value = g.call("heard", code.expr)
        if isinstance(ref, FieldRef) and env.substitute(node) is None:
            slot = self.word_slots.get(ref.field.index)
            if slot is None:
                slot = self.word_slots[ref.field.index] = word_slot(ref.field.index)
            expr = g.ifexp(L.Compare(g.name(slot), [ast.IsNot()], [g.name("UNSET")]), g.name(slot),
                           g.walrus(slot, value))
            return Code(expr, code.nullable)
        return Code(value, code.nullable)

    def mention_set(self, item: object) -> MentionSet:
        """The phrases of a `mentions` operand (one object per phrase list or literal)."""
        memo = self.ns.memo.setdefault("mention_sets", {})
        key = mention_key(item)
        if key not in memo:
            memo[key] = mention_set(self.policy, key)
        mentions: MentionSet = memo[key]
        return mentions

    def visit_Mentions(self, node: n.Mentions, env: Env) -> Code:
        mnode = self.ns.add(self.mention_set(node.item), "M")
        subject = self.heard(node.subject, env)
        meth = "all" if node.mode == "all" else "any"
        return self.strict([subject], lambda xs: g.method(mnode, meth, xs[0]))

    def visit_Matches(self, node: n.Matches, env: Env) -> Code:
        regex = self.ns.add(compiled_regex(node.pattern.value), "R")
        subject = self.compile(node.subject, env)
        return self.strict([subject], lambda xs: g.is_not_none(g.method(regex, "search", g.call("nfkc", xs[0]))))

    # -- calls -------------------------------------------------------------------------------

    def visit_Call(self, node: n.Call, env: Env) -> Code:
        func = node.func
        arg = self.compile(node.arg, env)
        if func == "len":
            return self.strict([arg], lambda xs: g.call("len", xs[0]))
        if func == "count" and node.where is None:
            return self.strict([arg], lambda xs: g.call("len", xs[0]))
        if func in ("count", "any", "all"):
            var = f"e{env.depth}"
            cond = self.compile(node.where, env.deeper())
            if not cond.nullable:
                if func == "count":
                    build = lambda it: g.call("len", g.listcomp(g.const(0), var, it, cond.expr))  # noqa: E731
                else:
                    build = lambda it: g.call(func, g.genexp(cond.expr, var, it))  # noqa: E731
            else:
                helper = {"count": "count3", "any": "any3", "all": "all3"}[func]
                build = lambda it: g.call(helper, g.listcomp(cond.expr, var, it))  # noqa: E731
            code = self.bound(arg, build)
            return Code(code.expr, arg.nullable or cond.nullable)
        # sum, min, max over a list (maybe a projection whose elements can be unknown)
        elem_nullable = self.elements_nullable(node.arg)
        if func == "sum" and not elem_nullable:
            return self.strict([arg], lambda xs: g.call("sum", xs[0]))
        helper = {"sum": "sum3", "min": "min3", "max": "max3"}[func]
        return Code(g.call(helper, arg.expr), True)

    def elements_nullable(self, node: object) -> bool:
        if isinstance(node, n.Path):
            return cast("Field", node.ref).optional
        return False


def proved_present(node: object, when: bool, policy: CheckedPolicy) -> frozenset[str]:
    """The names (`f3`, `e0.2`: see present_key) known present once `node`, a condition that is
    never unknown, is `when` — what `call_length is present and call_length > 30min` proves. The
    compiler and the interpreter of traces both ask this, so they agree on what may be unknown."""
    if isinstance(node, n.IsMissing) and isinstance(node.value, n.Name):
        if node.present == when:
            key = present_key(node.value)
            return frozenset({key}) if key is not None else frozenset()
        return frozenset()
    if isinstance(node, n.Not):
        return proved_present(node.operand, not when, policy)
    if isinstance(node, n.And) and when:
        return frozenset().union(*(proved_present(o, True, policy) for o in node.operands))
    if isinstance(node, n.Or) and not when:
        return frozenset().union(*(proved_present(o, False, policy) for o in node.operands))
    if isinstance(node, n.Name):
        ref = node.ref
        if isinstance(ref, DefineRef):
            return proved_present(policy.defines[ref.name].expr, when, policy)
    return frozenset()


def present_key(node: n.Name) -> str | None:
    """The name under which a field (`f3`) or an element's field (`e0.2`) is known present."""
    ref = node.ref
    if isinstance(ref, FieldRef):
        return f"f{ref.field.index}"
    if isinstance(ref, ElementRef):
        return f"e{ref.depth}.{ref.field.index}"
    return None


def word_slot(index: int) -> str:
    """The local holding the words of top-level field `index` (UNSET until first needed)."""
    return f"w{index}"


def mention_key(item: object) -> str | tuple[str, ...]:
    """A phrase list's name, or the tuple of the phrases written in place."""
    if isinstance(item, n.StringLit):
        return (item.value,)
    if isinstance(item, n.ListLit):
        return tuple(i.value for i in item.items if isinstance(i, n.StringLit))
    return _phrases_name(item)


def _phrases_name(node: object) -> str:
    """The phrase list a name of the resolved tree refers to (its `ref`)."""
    return cast(PhrasesRef, getattr(node, "ref")).name


def _mentions(policy: CheckedPolicy) -> Iterator[n.Mentions]:
    roots = [d.expr for d in policy.defines.values()]
    roots += [x for r in policy.rules for x in (r.when, r.unless) if x is not None]
    for root in roots:
        for sub in n.walk(root):
            if isinstance(sub, n.Mentions):
                yield sub


def mention_phrases(policy: CheckedPolicy) -> list[str]:
    """Every phrase some `mentions` of the policy looks for in any form (phrases written in place,
    lists without a kind), each once: one index finds them all."""
    out: dict[str, None] = {}
    for node in _mentions(policy):
        key = mention_key(node.item)
        if isinstance(key, tuple):
            out.update(dict.fromkeys(key))
        elif policy.phrases[key].kind is None:
            out.update(dict.fromkeys(policy.phrases[key].phrases))
    return list(out)


def mention_acts(policy: CheckedPolicy) -> list[str]:
    """Every phrase of a list with a kind that some `mentions` looks for (found as acts, whose saying
    is then read: text/acts.py, text/speech.py)."""
    out: dict[str, None] = {}
    for node in _mentions(policy):
        key = mention_key(node.item)
        if not isinstance(key, tuple) and policy.phrases[key].kind is not None:
            out.update(dict.fromkeys(policy.phrases[key].phrases))
    return list(out)


def mention_set(policy: CheckedPolicy, key: str | tuple[str, ...]) -> "MentionSet":
    """The phrases of a `mentions` operand (a list's name or the phrases written in place) and the
    kind of their list."""
    from .mentions import MentionSet

    if isinstance(key, tuple):
        return MentionSet(key)
    return MentionSet(policy.phrases[key].phrases, policy.phrases[key].kind)


def word_fields(policy: CheckedPolicy) -> list[int]:
    """The top-level text fields that some `mentions` in the policy reads, by index."""
    found: set[int] = set()
    for sub in _mentions(policy):
        ref = sub.subject.ref if isinstance(sub.subject, n.Name) else None
        if isinstance(ref, FieldRef):
            found.add(ref.field.index)
    return sorted(found)


def needs_normalizing(value: vt.Type, elem: vt.Type, literal_list: bool) -> bool:
    """Whether `value in container` must compare normalised texts.

    `in` compares normalised text. A `one of` value compared with its own declared values
    (the checker guarantees literal lists hold only those) or with another `one of` can be
    compared exactly when no two of the declared values normalise alike: then the two
    comparisons always agree, and the exact one is cheaper.
    """
    if not (value.is_textual and elem.is_textual):
        return False
    if value.kind != vt.ENUM or (elem.kind != vt.ENUM and not literal_list):
        return True
    declared = set(value.values) | set(elem.values)
    return len({normalize(v) for v in declared}) != len(declared)
