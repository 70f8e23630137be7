"""A small, obviously-correct interpreter of section 5, for differential tests of the compiler.

It walks the AST directly, evaluates every operand (no short-circuit, no flow analysis) and
spells out three-valued logic with None as unknown. It shares only the record validation and
the text normalisation with the library.
"""
from __future__ import annotations

import re
import unicodedata

from kasuhara_rules.syntax import nodes as n
from kasuhara_rules import values as vt
from kasuhara_rules.check.checked import CheckedPolicy, DefineRef, ElementRef, FieldRef, PhrasesRef
from kasuhara_rules.engine.records import validate_record
from kasuhara_rules.text.normalize import normalize

DAY = 86_400_000_000


def kleene_and(values):
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def kleene_or(values):
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


class Reference:
    def __init__(self, policy: CheckedPolicy, record) -> None:
        self.p = policy
        self.values = validate_record(policy.fields, record)

    def read(self, label: str, record, show_sensitive: bool = False):
        """What a trace node's `reads` must show for `label` (a field or a record path): the
        value as given in the record, null when absent, a projection through lists, and
        `‹redacted›` for a sensitive field unless asked."""
        value, kind, sensitive = record, None, False
        fields = self.p.fields
        for name in label.split("."):
            field = next(f for f in fields if f.name == name)
            sensitive = sensitive or field.sensitive
            value = _step(value, name)
            kind = field.type
            while kind.kind == vt.LIST:
                kind = kind.elem()
            fields = kind.fields
        if value is None:
            return None
        if show_sensitive:
            return value
        return "‹redacted›" if sensitive else _hide(value, field.type)

    def rule(self, rule) -> object:
        """True (matched), False (not matched) or None (undetermined)."""
        when = self.ev(rule.when)
        unless = self.ev(rule.unless) if rule.unless is not None else False
        return kleene_and([when, None if unless is None else not unless])

    def ev(self, node, scope=()):
        t = type(node)
        if t is n.BoolLit or t is n.NumberLit or t is n.StringLit:
            return node.value
        if t is n.DurationLit or t is n.DateTimeLit:
            return node.micros
        if t is n.DateLit:
            return (node.value.toordinal() - 719163) * DAY
        if t is n.ListLit:
            return tuple(self.ev(i, scope) for i in node.items)
        if t is n.Name:
            ref = node.ref
            if isinstance(ref, FieldRef):
                return self.values[ref.field.index]
            if isinstance(ref, ElementRef):
                return scope[ref.depth][ref.field.index]
            if isinstance(ref, DefineRef):
                return self.ev(self.p.defines[ref.name].expr)
            if isinstance(ref, PhrasesRef):
                return self.p.phrases[ref.name].phrases
        if t is n.Path:
            base = self.ev(node.base, scope)
            if base is None:
                return None
            field = node.ref
            if node.base.type.kind == vt.LIST:
                return [x[field.index] for x in base]
            return base[field.index]
        if t is n.Negate:
            v = self.ev(node.operand, scope)
            return None if v is None else -v
        if t is n.Binary:
            return self.binary(node, scope)
        if t is n.Not:
            v = self.ev(node.operand, scope)
            return None if v is None else not v
        if t is n.And:
            return kleene_and([self.ev(o, scope) for o in node.operands])
        if t is n.Or:
            return kleene_or([self.ev(o, scope) for o in node.operands])
        if t is n.Compare:
            a, b = self.ev(node.left, scope), self.ev(node.right, scope)
            if a is None or b is None:
                return None
            return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]
        if t is n.Between:
            v, lo, hi = (self.ev(x, scope) for x in (node.value, node.low, node.high))
            if v is None or lo is None or hi is None:
                return None
            return lo <= v <= hi
        if t is n.IsMissing:
            v = self.ev(node.value, scope)
            return (v is not None) if node.present else (v is None)
        if t is n.In:
            return self.in_(node, scope)
        if t is n.Contains:
            return self.contains(node, scope)
        if t is n.Mentions:
            return self.mentions(node, scope)
        if t is n.Matches:
            s = self.ev(node.subject, scope)
            if s is None:
                return None
            return re.search(node.pattern.value, unicodedata.normalize("NFKC", s), re.IGNORECASE) is not None
        if t is n.Call:
            return self.call(node, scope)
        raise TypeError(node)

    def binary(self, node, scope):
        a, b = self.ev(node.left, scope), self.ev(node.right, scope)
        if a is None or b is None:
            return None
        ta, tb = node.left.type.kind, node.right.type.kind
        op = node.op
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            product = a * b
            if vt.DURATION in (ta, tb):
                return round(product)
            return product
        if b == 0:
            return None
        if ta == vt.DURATION and tb != vt.DURATION:
            return round(a / b)
        return a / b

    def texts_equal_in(self, value, items):
        return self.member(normalize(value), [None if x is None else normalize(x) for x in items])

    @staticmethod
    def member(value, items):
        """Three-valued membership: an element may be unknown (None) in a projected list."""
        if value in items:
            return True
        return None if None in items else False

    def in_(self, node, scope):
        v = self.ev(node.value, scope)
        c = self.ev(node.container, scope)
        if v is None or c is None:
            return None
        vtype = node.value.type
        ctype = node.container.type
        if vtype.is_textual and ctype.elem().is_textual:
            found = self.texts_equal_in(v, c)
        else:
            found = self.member(v, c)
        if found is None:
            return None
        return (not found) if node.negated else found

    def contains(self, node, scope):
        s = self.ev(node.subject, scope)
        i = self.ev(node.item, scope)
        if s is None or i is None:
            return None
        stype = node.subject.type
        if node.mode == "one":
            if stype.is_textual:
                return normalize(i) in normalize(s)
            if stype.elem().is_textual:
                return self.texts_equal_in(i, s)
            return self.member(i, s)
        phrases = [normalize(p) for p in i if normalize(p)]
        if stype.is_textual:
            text = normalize(s)
            hits = [p in text for p in phrases]
        else:
            have = [None if x is None else normalize(x) for x in s]
            hits = [self.member(p, have) for p in phrases]
        if node.mode == "any":  # Kleene or over the phrases
            return True if True in hits else (None if None in hits else False)
        return False if False in hits else (None if None in hits else True)

    def mentions(self, node, scope):
        """Brute force: each phrase analysed here and looked for on its own, word by word, with
        words.find (no phrase index, no per-record cache)."""
        from kasuhara_rules.text.words import analyse_phrase, find, words_of

        s = self.ev(node.subject, scope)
        i = self.ev(node.item, scope)
        if s is None or i is None:
            return None
        phrases = [i] if node.mode == "one" else list(i)
        text = words_of(s)
        hits = [find(analyse_phrase(p), text) is not None for p in phrases]
        return all(hits) if node.mode == "all" else any(hits)

    def call(self, node, scope):
        lst = self.ev(node.arg, scope)
        if lst is None:
            return None
        f = node.func
        if f == "len":
            return len(lst)
        if f == "count" and node.where is None:
            return len(lst)
        if f in ("count", "any", "all"):
            results = [self.ev(node.where, scope + (e,)) for e in lst]
            if f == "any":
                return kleene_or(results)
            if f == "all":
                return kleene_and(results)
            if any(r is None for r in results):
                return None
            return sum(1 for r in results if r)
        if any(x is None for x in lst):
            return None
        if f == "sum":
            return sum(lst)
        if not lst:
            return None
        return min(lst) if f == "min" else max(lst)


def decide(policy: CheckedPolicy, results: list) -> dict:
    """Section 6 spelled out by brute force: the decision for rule results (True / False / None).

    The provisional decision is the one with every undetermined rule taken as not matched; the
    outcome is `review` only when some pending rule, taken as matched (the others still not),
    would give a different outcome, severity or escalation."""
    sev = {s.name: s.rank for s in policy.severities}
    esc = {e.name: e.rank for e in policy.escalations}
    rules = policy.rules
    first_match = policy.header.decide == "first_match"

    def rank(i):
        return (-(sev[rules[i].severity] if rules[i].severity else -1), i)

    def settled(matched: set) -> tuple:
        if not matched:
            deciding = None
        elif first_match:
            deciding = min(matched)
        else:
            deciding = min(matched, key=rank)
        levels = [rules[i].escalate for i in matched if rules[i].escalate is not None]
        escalation = max(levels, key=lambda e: esc[e]) if levels else None
        if deciding is None:
            return policy.header.otherwise, None, None, escalation
        r = rules[deciding]
        return r.outcome, r.severity, deciding, escalation

    matched = {i for i, v in enumerate(results) if v is True}
    undetermined = {i for i, v in enumerate(results) if v is None}
    outcome, severity, deciding, escalation = settled(matched)
    if deciding is None:
        pending = undetermined
    elif first_match:
        pending = {i for i in undetermined if i < deciding}
    else:
        pending = {i for i in undetermined if rank(i) < rank(deciding)}
    def differs(i: int) -> bool:
        o, s, _, e = settled(matched | {i})
        return (o, s, e) != (outcome, severity, escalation)

    review = any(differs(i) for i in pending)
    name = rules[deciding].name if deciding is not None else None
    return {
        "outcome": "review" if review else outcome,
        "severity": None if review else severity,
        "rule": None if review else name,
        "escalation": escalation,
        "matched": [rules[i].name for i in sorted(matched, key=rank)],
        "pending": [rules[i].name for i in (sorted(pending) if first_match else sorted(pending, key=rank))],
        "provisional": {"outcome": outcome, "severity": severity, "rule": name} if review else None,
    }
def _step(value, name):
    if isinstance(value, list):
        return [_step(x, name) for x in value]
    if not isinstance(value, dict):
        return None
    return value.get(name)


def _hide(value, kind):
    """`value` with the sensitive fields inside it redacted (undeclared fields left out)."""
    if value is None:
        return None
    if kind.kind == vt.LIST and isinstance(value, list):
        return [_hide(x, kind.elem()) for x in value]
    if kind.kind == vt.RECORD and isinstance(value, dict):
        return {f.name: ("‹redacted›" if f.sensitive and value[f.name] is not None else _hide(value[f.name], f.type))
                for f in kind.fields if f.name in value}
    return value
