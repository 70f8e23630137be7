"""Text → Lark tree → AST nodes; Lark's errors and bad literals → diagnostics."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, overload


from ..i18n import N_
from . import nodes as n
from ..diagnostics import Diagnostic, error
from .lalr import Node as Tree
from .lalr import ParseFailed, Token
from ..source import SourceText, Span
from .build_declarations import DeclarationBuilders
from ..values import EPOCH, UNIT_MICROS, parse_datetime_micros  # noqa: F401 (re-exported)

# Deeper expressions than this are refused with E111 before any recursive pass sees them.
MAX_DEPTH = 100
# Lark tree levels that are not expression nesting: start, declaration, clause, ...
_TREE_SLACK = 8

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_UNICODE_ESCAPE = re.compile(r"u\{([0-9A-Fa-f]{1,6})\}")


def parse_source(source: SourceText) -> tuple[n.PolicyFile | None, list[Diagnostic]]:
    """Parse one decoded file. A syntax error stops parsing; literal errors are all collected.

    >>> from kasuhara_rules.source import SourceText
    >>> tree, diags = parse_source(SourceText.from_text("x.kasu", 'define a = 1 + 2'))
    >>> tree.decls[0].expr
    Binary(op='+', left=NumberLit(value=1, text='1'), right=NumberLit(value=2, text='2'))
    """
    from . import grammar
    from . import lalr

    tables = grammar.tables()
    tree: Tree | Diagnostic
    try:
        if tables is None:
            raise ParseFailed()
        tree = lalr.parse(source.text, tables)
    except ParseFailed:
        tree = _parse_with_lark(source)  # Lark says what is wrong
        if not isinstance(tree, Tree):
            return None, [tree]
    builder = _Builder(source)
    return builder.build(tree)


def _parse_with_lark(source: SourceText) -> Tree | Diagnostic:
    """Lark's verdict on text that lalr.py did not parse: the syntax-error diagnostic (or, if
    Lark parses it after all, its tree)."""
    from lark.exceptions import LarkError, UnexpectedInput

    from . import lalr
    from .grammar import parser

    try:
        return lalr.from_lark(parser().parse(source.text))
    except UnexpectedInput as exc:
        from .errors import syntax_diagnostic

        return syntax_diagnostic(exc, source)
    except LarkError as exc:  # pragma: no cover - any other Lark failure is still a diagnostic
        return error("E120", N_("the file cannot be parsed: {exc}", exc=exc), Span(source.name, 1, 1, 1, 2))


def parse_expression(text: str, name: str = "<expr>") -> n.Spanned | None:
    """Parse `define _ = TEXT` and return the expression (for tools and tests)."""
    tree, diags = parse_source(SourceText.from_text(name, f"define _ = {text}"))
    if tree is None or any(d.is_error for d in diags):
        return None
    expr: n.Spanned = tree.decls[0].expr  # type: ignore[attr-defined]  # the one `define`
    return expr


class _Builder(DeclarationBuilders):
    """Builds AST nodes from a Lark tree bottom-up with an explicit stack (no recursion)."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.file = source.name
        self.diags: list[Diagnostic] = []

    # -- driver ---------------------------------------------------------------------

    def build(self, tree: Tree) -> tuple[n.PolicyFile | None, list[Diagnostic]]:
        """Post-order over the Lark tree with an explicit stack; each node's span runs from
        its first token to its last. Nesting deeper than MAX_DEPTH stops with E111."""
        methods = _METHODS
        keep = _KEPT_TOKENS
        limit = MAX_DEPTH + _TREE_SLACK
        out: list[Any] = []  # tokens, None and built nodes
        stack: list[tuple[Any, int]] = [(tree, 1)]
        file = self.file
        while stack:
            item, depth = stack.pop()
            if depth > 0:
                if depth > limit:
                    return None, [self._too_deep(item)]
                stack.append((item, -depth))
                children = item.children
                deeper = depth if item.data == "parens" else depth + 1  # parentheses add no AST level
                for child in reversed(children):
                    if type(child) is Tree:
                        stack.append((child, deeper))
                    else:
                        stack.append((child, 0))
                continue
            if depth == 0:
                out.append(item)
                continue
            count = len(item.children)
            values = out[len(out) - count:] if count else []
            if count:
                del out[len(out) - count:]
            span = _span_of(values, file)
            args = [v for v in values if v is None or type(v) is not Token or v.type in keep]
            out.append(methods[item.data](self, span, args))
        return out[0], self.diags

    def _too_deep(self, item: object) -> Diagnostic:
        tok = _first_token(item)
        span = self._tok_span(tok) if tok is not None else Span(self.file, 1, 1, 1, 1)
        return error("E111", N_("this expression is nested more than {MAX_DEPTH} levels deep", MAX_DEPTH=MAX_DEPTH), span,
                     N_("split it into named parts with `define`"))

    # -- spans and tokens ------------------------------------------------------------

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.file, tok.line, tok.column, tok.end_line, tok.end_column)

    @overload
    def ident(self, tok: Token) -> n.Ident: ...
    @overload
    def ident(self, tok: None) -> None: ...

    def ident(self, tok: Token | None) -> n.Ident | None:
        if tok is None:
            return None
        return n.Ident(str(tok), span=self._tok_span(tok))

    @overload
    def string(self, tok: Token) -> n.StringLit: ...
    @overload
    def string(self, tok: None) -> None: ...

    def string(self, tok: Token | None) -> n.StringLit | None:
        if tok is None:
            return None
        return n.StringLit(self._unescape(tok), span=self._tok_span(tok))

    def _unescape(self, tok: Token) -> str:
        raw = str(tok)[1:-1]
        if "\\" not in raw:
            return raw
        out = []
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            nxt = raw[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            m = _UNICODE_ESCAPE.match(raw, i + 1)
            if m and int(m.group(1), 16) <= 0x10FFFF and not 0xD800 <= int(m.group(1), 16) <= 0xDFFF:
                out.append(chr(int(m.group(1), 16)))
                i = m.end()
                continue
            col = tok.column + 1 + i
            span = Span(self.file, tok.line, col, tok.line, col + 2)
            hint = N_("the escapes are \\\" \\\\ \\n \\t and \\u{3042}")
            if nxt == "u":
                hint = N_("write a Unicode escape with braces, like \\u{3042}")
            self.diags.append(error("E105", N_("unknown escape `\\{nxt}` in a string", nxt=nxt), span, hint))
            out.append(nxt)
            i += 2
        return "".join(out)

    def _check_separated(self, items: list[Any]) -> None:
        """Entries on one line need a comma between them (newlines separate too)."""
        for a, b in zip(items, items[1:]):
            sa, sb = a.span, b.span
            if sa.end_line != sb.line:
                continue
            between = self.source.between(sa.end_line, sa.end_column, sb.line, sb.column)
            if "," not in between:
                span = Span(self.file, sb.line, sb.column, sb.end_line, sb.end_column)
                self.diags.append(
                    error("E112", N_("two entries on one line need a comma between them"), span,
                          N_("put a `,` before this entry, or start it on a new line"))
                )

    # -- literals ---------------------------------------------------------------------

    def _number_value(self, text: str, span: Span) -> int | float:
        digits = text.replace("_", "")
        try:
            if "." in digits:
                value = float(digits)
            else:
                value = int(digits)
        except ValueError:
            self.diags.append(error("E106", N_("`{short}` is too large a number", short=_short(text)), span,
                                    N_("numbers are limited to 4,300 digits")))
            return 0
        return value

    def t_number(self, span: Span, args: list[Any]) -> n.NumberLit:
        tok = args[0]
        return n.NumberLit(self._number_value(str(tok), span), str(tok), span=span)

    def t_string(self, span: Span, args: list[Any]) -> n.StringLit:
        return n.StringLit(self._unescape(args[0]), span=span)

    def t_true(self, span: Span, args: list[Any]) -> n.BoolLit:
        return n.BoolLit(True, span=span)

    def t_false(self, span: Span, args: list[Any]) -> n.BoolLit:
        return n.BoolLit(False, span=span)

    def t_duration(self, span: Span, args: list[Any]) -> n.DurationLit:
        text = str(args[0])
        return n.DurationLit(self._duration_micros(text, span), text, span=span)

    def _duration_micros(self, text: str, span: Span) -> int:
        m = re.fullmatch(r"([\d_]+(?:\.[\d_]+)?)(s|min|h|d)", text)
        assert m is not None
        digits = m.group(1).replace("_", "")
        try:
            if "." not in digits:
                return int(digits) * UNIT_MICROS[m.group(2)]
            from decimal import Decimal  # exact fractions such as 1.5h

            return int(Decimal(digits) * UNIT_MICROS[m.group(2)])
        except (ArithmeticError, ValueError):
            self.diags.append(error("E106", N_("`{short}` is too large a duration", short=_short(text)), span))
            return 0

    def t_date(self, span: Span, args: list[Any]) -> n.DateLit:
        text = str(args[0])
        try:
            value = _dt.date.fromisoformat(text)
        except ValueError:
            self.diags.append(error("E107", N_("`{text}` is not a date in the calendar", text=text), span,
                                    N_("dates are written YYYY-MM-DD, e.g. 2026-04-01")))
            value = _dt.date(1970, 1, 1)
        return n.DateLit(value, span=span)

    def t_datetime(self, span: Span, args: list[Any]) -> n.DateTimeLit:
        text = str(args[0])
        micros = parse_datetime_micros(text)
        if micros is None:
            if re.search(r"(Z|[+-]\d\d:\d\d)$", text) is None:
                self.diags.append(error("E107", N_("the date-time `{text}` has no UTC offset", text=text), span,
                                        N_("add the offset, e.g. `{text}+09:00` for Japan", text=text)))
            else:
                self.diags.append(error("E107", N_("`{text}` is not a real date-time", text=text), span,
                                        N_("date-times are written like 2026-04-01T09:30:00+09:00")))
            micros = 0
        return n.DateTimeLit(micros, text, span=span)

    def t_negative(self, span: Span, args: list[Any]) -> object:
        tok = args[1]
        text = "-" + str(tok)
        if tok.type == "NUMBER":
            return n.NumberLit(-self._number_value(str(tok), span), text, span=span)
        return n.DurationLit(-self._duration_micros(str(tok), span), text, span=span)

    def t_list_value(self, span: Span, args: list[Any]) -> n.ListLit:
        self._check_separated(args)
        return n.ListLit(tuple(args), span=span)

    def t_record_value(self, span: Span, args: list[Any]) -> n.RecordLit:
        self._check_separated(args)
        return n.RecordLit(tuple(args), span=span)

    def t_entry(self, span: Span, args: list[Any]) -> n.Entry:
        return n.Entry(self.ident(args[0]), args[1], span=span)

    # -- expressions --------------------------------------------------------------------

    def t_name(self, span: Span, args: list[Any]) -> n.Name:
        return n.Name(str(args[0]), span=span)

    def t_path(self, span: Span, args: list[Any]) -> n.Path:
        return n.Path(args[0], str(args[1]), span=span)

    def t_call(self, span: Span, args: list[Any]) -> n.Call:
        return n.Call(str(args[0]), args[1], args[2], span=span)

    def t_any_call(self, span: Span, args: list[Any]) -> n.Call:
        return n.Call("any", args[0], args[1], span=span)

    def t_all_call(self, span: Span, args: list[Any]) -> n.Call:
        return n.Call("all", args[0], args[1], span=span)

    def t_negate(self, span: Span, args: list[Any]) -> object:
        operand = args[1]
        # `-` on a number or duration literal is folded into a negative literal: one canonical form.
        if isinstance(operand, n.NumberLit):
            text = operand.text[1:] if operand.text.startswith("-") else "-" + operand.text
            return n.NumberLit(-operand.value, text, span=span)
        if isinstance(operand, n.DurationLit):
            text = operand.text[1:] if operand.text.startswith("-") else "-" + operand.text
            return n.DurationLit(-operand.micros, text, span=span)
        return n.Negate(operand, span=span)

    def t_binary(self, span: Span, args: list[Any]) -> n.Binary:
        return n.Binary(str(args[1]), args[0], args[2], span=span)

    def t_not_expr(self, span: Span, args: list[Any]) -> n.Not:
        return n.Not(args[0], span=span)

    def t_and_expr(self, span: Span, args: list[Any]) -> n.And:
        return n.And(tuple(args), span=span)

    def t_or_expr(self, span: Span, args: list[Any]) -> n.Or:
        return n.Or(tuple(args), span=span)

    def t_compare(self, span: Span, args: list[Any]) -> n.Compare:
        return n.Compare(str(args[1]), args[0], args[2], span=span)

    def t_in_expr(self, span: Span, args: list[Any]) -> n.In:
        return n.In(args[0], args[1], False, span=span)

    def t_not_in_expr(self, span: Span, args: list[Any]) -> n.In:
        return n.In(args[0], args[1], True, span=span)

    def t_contains(self, span: Span, args: list[Any]) -> n.Contains:
        return n.Contains(args[0], args[1], "one", span=span)

    def t_contains_any(self, span: Span, args: list[Any]) -> n.Contains:
        return n.Contains(args[0], args[1], "any", span=span)

    def t_contains_all(self, span: Span, args: list[Any]) -> n.Contains:
        return n.Contains(args[0], args[1], "all", span=span)

    def t_mentions(self, span: Span, args: list[Any]) -> n.Mentions:
        return n.Mentions(args[0], args[1], "one", span=span)

    def t_mentions_any(self, span: Span, args: list[Any]) -> n.Mentions:
        return n.Mentions(args[0], args[1], "any", span=span)

    def t_mentions_all(self, span: Span, args: list[Any]) -> n.Mentions:
        return n.Mentions(args[0], args[1], "all", span=span)

    def t_matches(self, span: Span, args: list[Any]) -> n.Matches:
        return n.Matches(args[0], self.string(args[1]), span=span)

    def t_between(self, span: Span, args: list[Any]) -> n.Between:
        return n.Between(args[0], args[1], args[2], span=span)

    def t_is_missing(self, span: Span, args: list[Any]) -> n.IsMissing:
        return n.IsMissing(args[0], False, span=span)

    def t_is_present(self, span: Span, args: list[Any]) -> n.IsMissing:
        return n.IsMissing(args[0], True, span=span)


# Token types that carry meaning; keywords and punctuation are dropped before a t_ method runs.
_KEPT_TOKENS = frozenset({"NAME", "STRING", "NUMBER", "DURATION", "DATE", "DATETIME", "COMPARE", "PLUS",
                          "MINUS", "STAR", "SLASH", "OPTIONAL", "KEY", "SENSITIVE"})


def _span_of(values: list[Any], file: str) -> Span:
    first: Any = None
    last: Any = None
    for v in values:
        if v is not None:
            first = v
            break
    for v in reversed(values):
        if v is not None:
            last = v
            break
    if first is None:
        return Span(file, 1, 1, 1, 1)
    if type(first) is Token:
        line, column = first.line, first.column
    else:
        line, column = first.span.line, first.span.column
    if type(last) is Token:
        end_line, end_column = last.end_line, last.end_column
    else:
        end_line, end_column = last.span.end_line, last.span.end_column
    return Span(file, line, column, end_line, end_column)


def _first_token(item: object) -> Token | None:
    while type(item) is Tree:
        kids = [c for c in item.children if c is not None]
        if not kids:
            return None
        item = kids[0]
    return item if type(item) is Token else None


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"




# Grammar rule name → builder method; built once from the class, never changed.
_METHODS: dict[str, Callable[[_Builder, Span, list[Any]], Any]] = {
    name[2:]: getattr(_Builder, name) for name in dir(_Builder) if name.startswith("t_")
}
