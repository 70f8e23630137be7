"""AST → kasu source text: expressions on one line, declarations in a plain layout."""
from __future__ import annotations


from . import nodes as n
from ..values import DURATION_UNITS

# Binding strength, loosest first; a child looser than its slot needs parentheses.
P_OR, P_AND, P_NOT, P_PRED, P_SUM, P_PROD, P_NEG, P_PRIMARY = range(1, 9)
_UNITS = tuple((suffix, micros) for _, suffix, micros, *_ in DURATION_UNITS)


def precedence(node: object) -> int:
    if isinstance(node, n.Or):
        return P_OR
    if isinstance(node, n.And):
        return P_AND
    if isinstance(node, n.Not):
        return P_NOT
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
    if isinstance(node, n.RecordLit):
        if not node.entries:
            return "{}"
        return "{ " + ", ".join(f"{e.key.name}: {literal(e.value)}" for e in node.entries) + " }"
    return expr(node)


def expr(node: object) -> str:
    """One-line canonical text of an expression.

    >>> from kasuhara_rules.syntax.parser import parse_expression
    >>> expr(parse_expression("a  and (b or c) and not (x+1)*2 >= 3"))
    'a and (b or c) and not (x + 1) * 2 >= 3'
    """
    return _Printer().run(node)


class Texts:
    """The texts of many expressions of one tree, each sub-expression printed once: the trace
    compiler asks for the text of every node of a condition, and printing each from scratch
    costs the depth of the tree times its size. Keep one only while the tree is alive (the
    memo is keyed by the nodes' identity)."""

    def __init__(self) -> None:
        self._memo: dict[int, str] = {}
        self._printer = _Printer(self._memo)

    def __call__(self, node: object) -> str:
        text = self._memo.get(id(node))
        if text is None:
            text = self._memo[id(node)] = self._printer.p(node)
        return text


class _Printer:
    """Iterative enough for the depths the parser admits; plain recursion is fine below 100."""

    def __init__(self, memo: dict[int, str] | None = None) -> None:
        self.memo = memo

    def run(self, node: object) -> str:
        return self.p(node)

    def wrap(self, node: object, minimum: int) -> str:
        memo = self.memo
        if memo is None:
            text = self.p(node)
        else:
            memoized = memo.get(id(node))
            if memoized is None:
                memoized = memo[id(node)] = self.p(node)
            text = memoized
        return f"({text})" if precedence(node) < minimum else text

    def p(self, node: object) -> str:
        if isinstance(node, n.Or):
            return " or ".join(self.wrap(o, P_AND) for o in node.operands)
        if isinstance(node, n.And):
            return " and ".join(self.wrap(o, P_NOT) for o in node.operands)
        if isinstance(node, n.Not):
            return "not " + self.wrap(node.operand, P_NOT)
        if isinstance(node, n.Compare):
            return f"{self.wrap(node.left, P_SUM)} {node.op} {self.wrap(node.right, P_SUM)}"
        if isinstance(node, n.In):
            op = "not in" if node.negated else "in"
            return f"{self.wrap(node.value, P_SUM)} {op} {self.wrap(node.container, P_SUM)}"
        if isinstance(node, n.Contains):
            op = {"one": "contains", "any": "contains any", "all": "contains all"}[node.mode]
            return f"{self.wrap(node.subject, P_SUM)} {op} {self.wrap(node.item, P_SUM)}"
        if isinstance(node, n.Mentions):
            op = {"one": "mentions", "any": "mentions any", "all": "mentions all"}[node.mode]
            return f"{self.wrap(node.subject, P_SUM)} {op} {self.wrap(node.item, P_SUM)}"
        if isinstance(node, n.Matches):
            return f"{self.wrap(node.subject, P_SUM)} matches {quote(node.pattern.value)}"
        if isinstance(node, n.Between):
            return (f"{self.wrap(node.value, P_SUM)} between {self.wrap(node.low, P_SUM)} "
                    f"and {self.wrap(node.high, P_SUM)}")
        if isinstance(node, n.IsMissing):
            return f"{self.wrap(node.value, P_SUM)} is {'present' if node.present else 'missing'}"
        if isinstance(node, n.Binary):
            level = P_SUM if node.op in "+-" else P_PROD
            return f"{self.wrap(node.left, level)} {node.op} {self.wrap(node.right, level + 1)}"
        if isinstance(node, n.Negate):
            inner = self.wrap(node.operand, P_NEG)
            return "-" + (" " + inner if inner.startswith("-") else inner)
        if isinstance(node, n.Path):
            return f"{self.wrap(node.base, P_PRIMARY)}.{node.attr}"
        if isinstance(node, n.Call):
            inner = self.wrap(node.arg, P_SUM)
            if node.where is not None:
                inner += " where " + self.p(node.where)
            return f"{node.func}({inner})"
        if isinstance(node, n.Name):
            return node.id
        return literal(node)


# ---- pieces of declarations the formatter lays out (render/formatter.py owns the layout) ----


def label(lab: n.StringLit | None) -> str:
    return f" {quote(lab.value)}" if lab is not None else ""


def type_text(t: object) -> str:
    if isinstance(t, n.SimpleType):
        return t.name.name
    if isinstance(t, n.UnitType):
        return f"{t.name.name} in {t.unit.name}"
    if isinstance(t, n.OneOfType):
        return f"{t.head.name} of {literal(t.values)}"
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
