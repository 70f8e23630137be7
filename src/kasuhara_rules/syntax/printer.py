"""AST → kasu source text: expressions on one line, declarations in a plain layout."""
from __future__ import annotations


from typing import Sequence

from . import nodes as n
from .visitor import Visitor
from ..values import DURATION_UNITS

# Binding strength, loosest first; a child looser than its slot needs parentheses.
P_OR, P_AND, P_NOT, P_PRED, P_SUM, P_PROD, P_NEG, P_PRIMARY = range(1, 9)
_UNITS = tuple((suffix, micros) for _, suffix, micros, *_ in DURATION_UNITS)


_PRECEDENCE = {n.Or: P_OR, n.And: P_AND, n.Not: P_NOT, n.Compare: P_PRED, n.In: P_PRED, n.Contains: P_PRED,
               n.Mentions: P_PRED, n.Matches: P_PRED, n.Between: P_PRED, n.IsMissing: P_PRED, n.Negate: P_NEG,
               n.Name: P_PRIMARY, n.Path: P_PRIMARY, n.Call: P_PRIMARY, n.StringLit: P_PRIMARY}


def precedence(node: object) -> int:
    known = _PRECEDENCE.get(node.__class__)
    if known is not None:
        return known
    if isinstance(node, (n.Or, n.And, n.Not)):  # subclasses
        return P_OR if isinstance(node, n.Or) else P_AND if isinstance(node, n.And) else P_NOT
    if isinstance(node, (n.Compare, n.In, n.Contains, n.Mentions, n.Matches, n.Between, n.IsMissing)):
        return P_PRED
    if isinstance(node, n.Binary):
        return P_SUM if node.op in "+-" else P_PROD
    if isinstance(node, n.Negate):
        return P_NEG
    if isinstance(node, n.NumberLit) and node.value < 0:
        return P_NEG
    if isinstance(node, n.DurationLit) and node.micros < 0:
        return P_NEG
    return P_PRIMARY


def quote(text: str) -> str:
    """A string literal for `text`.

    >>> print(quote('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\x7f\u2028\u2029\x85" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\u{%X}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def number_text(value: int | float) -> str:
    if isinstance(value, bool):  # pragma: no cover - never a number literal
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    from decimal import Decimal  # only for floats: importing it costs every `kasu` start a millisecond

    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def duration_text(micros: int) -> str:
    """The shortest exact duration literal.

    >>> duration_text(1_800_000_000), duration_text(5_400_000_000), duration_text(1_500_000)
    ('30min', '90min', '1.5s')
    """
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    if micros == 0:
        return "0s"
    for suffix, size in _UNITS:
        if micros % size == 0:
            return f"{sign}{micros // size}{suffix}"
    from decimal import Decimal

    seconds = format((Decimal(micros) / 1_000_000).normalize(), "f")
    return f"{sign}{seconds}s"


def literal(node: object) -> str:
    if isinstance(node, n.BoolLit):
        return "true" if node.value else "false"
    if isinstance(node, n.NumberLit):
        return node.text or number_text(node.value)
    if isinstance(node, n.StringLit):
        return quote(node.value)
    if isinstance(node, n.DurationLit):
        return node.text or duration_text(node.micros)
    if isinstance(node, n.DateLit):
        return node.value.isoformat()
    if isinstance(node, n.DateTimeLit):
        return node.text
    if isinstance(node, n.ListLit):
        return "[" + ", ".join(literal(i) for i in node.items) + "]"
    if isinstance(node, n.Choice):
        return literal(node.value) + (f" {quote(node.label.value)}" if node.label is not None else "")
    if isinstance(node, n.RecordLit):
        if not node.entries:
            return "{}"
        return "{ " + ", ".join(f"{e.key.name}: {literal(e.value)}" for e in node.entries) + " }"
    return expr(node)


def expr(node: object, known: Sequence[tuple[object, str]] = ()) -> str:
    """One-line canonical text of an expression; `known` gives the texts of some of its
    sub-expressions already printed (by identity: the trace's steps print a node after its
    children, and so print each part once).

    >>> from kasuhara_rules.syntax.parser import parse_expression
    >>> expr(parse_expression("a  and (b or c) and not (x+1)*2 >= 3"))
    'a and (b or c) and not (x + 1) * 2 >= 3'
    """
    return _Printer(known).p(node)


class _Printer(Visitor):
    """Iterative enough for the depths the parser admits; plain recursion is fine below 100."""

    def __init__(self, known: Sequence[tuple[object, str]] = ()) -> None:
        self.known = known

    def wrap(self, node: object, minimum: int) -> str:
        for sub, text in self.known:
            if sub is node:
                break
        else:
            text = self.p(node)
        return f"({text})" if precedence(node) < minimum else text

    def p(self, node: object) -> str:
        text: str = self.visit(node)
        return text

    def visit_Or(self, node: n.Or) -> str:
        return " or ".join(self.wrap(o, P_AND) for o in node.operands)

    def visit_And(self, node: n.And) -> str:
        return " and ".join(self.wrap(o, P_NOT) for o in node.operands)

    def visit_Not(self, node: n.Not) -> str:
        return "not " + self.wrap(node.operand, P_NOT)

    def visit_Compare(self, node: n.Compare) -> str:
        return f"{self.wrap(node.left, P_SUM)} {node.op} {self.wrap(node.right, P_SUM)}"

    def visit_In(self, node: n.In) -> str:
        op = "not in" if node.negated else "in"
        return f"{self.wrap(node.value, P_SUM)} {op} {self.wrap(node.container, P_SUM)}"

    def visit_Contains(self, node: n.Contains) -> str:
        op = {"one": "contains", "any": "contains any", "all": "contains all"}[node.mode]
        return f"{self.wrap(node.subject, P_SUM)} {op} {self.wrap(node.item, P_SUM)}"

    def visit_Mentions(self, node: n.Mentions) -> str:
        op = {"one": "mentions", "any": "mentions any", "all": "mentions all"}[node.mode]
        return f"{self.wrap(node.subject, P_SUM)} {op} {self.wrap(node.item, P_SUM)}"

    def visit_Matches(self, node: n.Matches) -> str:
        return f"{self.wrap(node.subject, P_SUM)} matches {quote(node.pattern.value)}"

    def visit_Between(self, node: n.Between) -> str:
        return (f"{self.wrap(node.value, P_SUM)} between {self.wrap(node.low, P_SUM)} "
                f"and {self.wrap(node.high, P_SUM)}")

    def visit_IsMissing(self, node: n.IsMissing) -> str:
        return f"{self.wrap(node.value, P_SUM)} is {'present' if node.present else 'missing'}"

    def visit_Binary(self, node: n.Binary) -> str:
        level = P_SUM if node.op in "+-" else P_PROD
        return f"{self.wrap(node.left, level)} {node.op} {self.wrap(node.right, level + 1)}"

    def visit_Negate(self, node: n.Negate) -> str:
        inner = self.wrap(node.operand, P_NEG)
        return "-" + (" " + inner if inner.startswith("-") else inner)

    def visit_Path(self, node: n.Path) -> str:
        return f"{self.wrap(node.base, P_PRIMARY)}.{node.attr}"

    def visit_Call(self, node: n.Call) -> str:
        inner = self.wrap(node.arg, P_SUM)
        if node.where is not None:
            inner += " where " + self.p(node.where)
        return f"{node.func}({inner})"

    def visit_Name(self, node: n.Name) -> str:
        return node.id

    def visit_BoolLit(self, node: object) -> str:
        return literal(node)

    visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = visit_DateTimeLit = visit_BoolLit
    visit_ListLit = visit_RecordLit = visit_BoolLit


# ---- pieces of declarations the formatter lays out (render/formatter.py owns the layout) ----


def label(lab: n.StringLit | None) -> str:
    return f" {quote(lab.value)}" if lab is not None else ""


def type_text(t: object) -> str:
    if isinstance(t, n.SimpleType):
        return t.name.name
    if isinstance(t, n.UnitType):
        return f"{t.name.name} in {t.unit.name}"
    if isinstance(t, n.OneOfType):
        return f"{t.head.name} of [" + ", ".join(literal(c) for c in t.choices.items) + "]"
    if isinstance(t, n.ListType):
        return f"{t.head.name} of {type_text(t.element)}"
    if isinstance(t, n.RecordType):
        return "{ " + ", ".join(field_text(f) for f in t.fields) + " }"
    raise TypeError(t)  # pragma: no cover


def field_text(f: n.FieldDecl) -> str:
    parts = [f"{f.name.name}{label(f.label)}:"]
    if f.optional:
        parts.append("optional")
    parts.append(type_text(f.type))
    if f.key:
        parts.append("key")
    if f.sensitive:
        parts.append("sensitive")
    if f.retain is not None:
        parts.append(retention_text(f.retain))
    return " ".join(parts)


def retention_text(r: n.Retention) -> str:
    """`retain 3 years`, as written (the amount in the author's spelling)."""
    return f"retain {r.amount.text or r.amount.value} {r.unit.name}"


def expect_text(e: n.ExpectClause) -> str:
    """`expect OUTCOME [severity S] [by RULE] [escalate E]`."""
    text = f"expect {e.outcome.name}"
    if e.severity:
        text += f" severity {e.severity.name}"
    if e.rule:
        text += f" by {e.rule.name}"
    if e.escalate:
        text += f" escalate {e.escalate.name}"
    return text
