"""Nodes + comments → the canonical layout of a .kasu file (`kasu fmt`).

The layout depends only on the AST and the comments, so formatting is idempotent, and it
keeps everything in the order written, so meaning never changes. Comments are swept in
source order: an own-line comment goes on its own line before the next item; a comment
after code stays at the end of the line of the item whose code it follows (`Comment.after`),
so a list, block or condition with a comment inside is never joined onto one line: it stays
broken where the comments are.
"""
from __future__ import annotations

from typing import Sequence, cast

import attrs

from ..syntax import nodes as n
from ..syntax.comments import Comment, scan_comments
from .fmt_comments import CommentSweep, span_end, span_start
from ..diagnostics import Diagnostic, error
from ..syntax.parser import parse_source
from ..source import DecodeError, SourceText, Span, display_width, normalize_text
from ..syntax.printer import (P_AND, P_NOT, expect_text, expr, literal, precedence, quote, retention_text,
                              type_text)

WIDTH = 120  # display columns; Japanese characters count two
INDENT = "  "
CLAUSE_PAD = 9      # "escalate " — clause words are padded so their values line up
HEADER_PAD = 10     # "otherwise "
VOCAB_PAD = 12      # "escalations "
FIELD_PAD_MAX = 44  # schema alignment never pushes types further right than this


class FormatError(Exception):
    """The text cannot be formatted because it does not parse; `diagnostics` says why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__("; ".join(f"{d.span}: {d.message}" for d in diagnostics))
        self.diagnostics = tuple(diagnostics)


def format_text(text: str, name: str = "<stdin>") -> str:
    """The canonical layout of a policy text.

    >>> print(format_text('rule r{when a and b then k respond "x"}'), end="")
    rule r {
      when     a and b
      then     k
      respond  "x"
    }
    """
    try:
        text = normalize_text(text)
    except DecodeError as exc:
        raise FormatError([error("E102", exc.message, Span(name, exc.line, exc.column, exc.line, exc.column + 1))])
    tree, diags = parse_source(SourceText.from_text(name, text))
    errors = [d for d in diags if d.is_error]
    if tree is None or errors:
        raise FormatError(errors or diags)
    return format_tree(tree, scan_comments(text))


def format_tree(tree: n.PolicyFile, comments: Sequence[Comment] = ()) -> str:
    """A parsed file in the canonical layout, with `comments` placed by their positions.

    >>> print(format_tree(n.PolicyFile((n.DropRule(n.Ident("r")),))), end="")
    drop rule r
    """
    return _Printer(list(comments)).file(tree)


class _Printer(CommentSweep):
    # -- the file ---------------------------------------------------------------------------

    def file(self, tree: n.PolicyFile) -> str:
        decls = list(tree.decls)
        previous: tuple[n.Spanned, list[str]] | None = None
        for i, decl in enumerate(decls):
            vocab_group = isinstance(decl, _VOCAB_TYPES) and (
                (i > 0 and isinstance(decls[i - 1], _VOCAB_TYPES))
                or (i + 1 < len(decls) and isinstance(decls[i + 1], _VOCAB_TYPES)))
            mark = len(self.out)
            self.decl(decl, vocab_group)
            lines = self.out[mark:]
            if previous is not None and not self.same_group(*previous, decl, lines):
                self.out.insert(mark, "")
            previous = (decl, lines)
        if self.pending:
            if self.out and self.out[-1] != "":
                self.out.append("")
            self.out.extend(c.text for c in self.pending)
            self.pending = []
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"

    def same_group(self, a: n.Spanned, a_lines: list[str], b: n.Spanned, b_lines: list[str]) -> bool:
        """Consecutive vocabularies, and consecutive one-line phrase lists, defines or drops,
        stay together without a blank line (a comment above the second starts a new group);
        decided on the lines printed, which the layout of the source does not change."""
        if b_lines[0].lstrip().startswith("#"):
            return False
        if isinstance(a, _VOCAB_TYPES) and isinstance(b, _VOCAB_TYPES):
            return True
        if type(a) is not type(b):
            return False
        if isinstance(a, _ONE_LINERS):
            return True
        return isinstance(a, (n.PhrasesDecl, n.DefineDecl)) and len(a_lines) == len(b_lines) == 1 \
            and self.one_line(a) and self.one_line(b)

    def one_line(self, d: n.Spanned) -> bool:
        if isinstance(d, n.DefineDecl):
            text = f"{'override ' if d.override else ''}define {d.name.name}{_label(d.label)} = {expr(d.expr)}"
        else:
            phrases = cast(n.PhrasesDecl, d)  # same_group asks only about defines and phrase lists
            text = f"phrases {phrases.name.name}{_label(phrases.label)}{_kind(phrases.kind)} = {literal(phrases.items)}"
        return display_width(text) <= WIDTH

    def decl(self, d: object, vocab_group: bool) -> None:
        if isinstance(d, n.PolicyHeader):
            self.block(d.span, f"policy {quote(d.title.value)} {{",
                       [(e.span, f"{e.key.name.ljust(HEADER_PAD - 1)} {_header_value(e.value)}") for e in d.entries])
        elif isinstance(d, n.ExtendsDecl):
            self.item(d.span, [f"extends {quote(d.path.value)}"], "")
        elif isinstance(d, n.SchemaDecl):
            self.schema(d)
        elif isinstance(d, _VOCAB_TYPES):
            self.vocabulary(d, vocab_group)
        elif isinstance(d, n.PhrasesDecl):
            self.listing(d.span, f"phrases {d.name.name}{_label(d.label)}{_kind(d.kind)} = ", d.items.items, "")
        elif isinstance(d, n.PhrasesFrom):
            self.item(d.span, [f"phrases {d.name.name}{_label(d.label)}{_kind(d.kind)} from {quote(d.path.value)}"], "")
        elif isinstance(d, n.PhrasesAppend):
            self.listing(d.span, f"phrases {d.name.name} += ", d.items.items, "")
        elif isinstance(d, n.DefineDecl):
            head = f"{'override ' if d.override else ''}define {d.name.name}{_label(d.label)} = "
            self.leading(span_start(d.span), "")
            self.condition(d.span, head, d.expr, INDENT, "", own_line_break=True)
        elif isinstance(d, n.RuleDecl):
            self.rule(d)
        elif isinstance(d, n.DropRule):
            self.item(d.span, [f"drop rule {d.name.name}"], "")
        elif isinstance(d, n.ExampleDecl):
            self.example(d)
        else:  # pragma: no cover - every declaration is handled above
            raise TypeError(d)

    def block(self, span: Span, opening: str, entries: list[tuple[Span, str]], indent: str = "") -> None:
        self.leading(span_start(span), indent)
        self.out.append(indent + opening)
        self.trailing_before(span_start(entries[0][0]) if entries else (span.end_line, span.end_column - 1))
        inner = indent + INDENT
        for entry_span, text in entries:
            self.item(entry_span, [inner + text], inner)
        self.leading((span.end_line, span.end_column - 1), inner)
        self.out.append(indent + "}")
        self.trailing(span_end(span))

    # -- schema -------------------------------------------------------------------------

    def schema(self, d: n.SchemaDecl) -> None:
        self.leading(span_start(d.span), "")
        self.out.append("schema {")
        self.trailing_before(span_start(d.fields[0].span) if d.fields else (d.span.end_line, d.span.end_column - 1))
        self.fields(d.fields, INDENT)
        self.leading((d.span.end_line, d.span.end_column - 1), INDENT)
        self.out.append("}")
        self.trailing(span_end(d.span))

    def fields(self, fields: Sequence[n.FieldDecl], indent: str) -> None:
        heads = [f"{f.name.name}{_label(f.label)}:" for f in fields]
        pad = min(max((display_width(h) for h in heads), default=0), FIELD_PAD_MAX) + 1
        for f, head in zip(fields, heads):
            gap = " " * max(pad - display_width(head), 1)
            prefix = indent + head + gap + ("optional " if f.optional else "")
            suffix = (" key" if f.key else "") + (" sensitive" if f.sensitive else "") + \
                (" " + retention_text(f.retain) if f.retain is not None else "")
            record = _record_of(f.type)
            one_line = prefix + type_text(f.type) + suffix
            if isinstance(f.type, n.OneOfType) and (display_width(one_line) > WIDTH
                                                    or self.comments_within(f.type.span)):
                self.leading(span_start(f.span), indent)
                self.listing(f.type.choices.span, prefix[len(indent):].rstrip() + " one of ", f.type.choices.items,
                             indent, closing=suffix, inner=indent + INDENT, end=span_end(f.span))
                continue
            if record is None or (display_width(one_line) <= WIDTH and not self.comments_within(f.type.span)):
                self.item(f.span, [one_line], indent)
                continue
            # a nested record that does not fit: one field per line
            self.leading(span_start(f.span), indent)
            opening = prefix + type_text(f.type).split("{", 1)[0] + "{"
            self.out.append(opening)
            self.trailing_before(span_start(record.fields[0].span) if record.fields else span_start(record.span))
            self.fields(record.fields, indent + INDENT)
            self.leading((record.span.end_line, record.span.end_column - 1), indent + INDENT)
            self.out.append(indent + "}" + suffix)
            self.trailing(span_end(f.span))

    # -- vocabularies and lists -----------------------------------------------------------

    def vocabulary(self, d: n.OutcomesDecl | n.SeveritiesDecl | n.EscalationsDecl, grouped: bool) -> None:
        word = _VOCAB[type(d)]
        keyword = word.ljust(VOCAB_PAD - 1) if grouped else word
        items = [f"{i.name.name}{_label(i.label)}" for i in d.items]
        line = f"{keyword} {{ {', '.join(items)} }}" if items else f"{keyword} {{ }}"
        if display_width(line) <= WIDTH and not self.comments_within(d.span) or not items:
            self.item(d.span, [line], "")
            return
        self.block(d.span, f"{word} {{", [(i.span, text) for i, text in zip(d.items, items)])

    def listing(self, span: Span, head: str, items: Sequence[n.Spanned], indent: str, closing: str = "",
                inner: str | None = None, end: tuple[int, int] | None = None) -> None:
        """`head[a, b, c]` on one line if it fits and holds no comment, else the items filled into
        lines, a line ending after each item a comment follows; `end`: where the item that the
        list closes ends (after `closing`), when not at the `]`."""
        texts = [literal(i) for i in items]
        one = indent + head + "[" + ", ".join(texts) + "]" + closing
        if display_width(one) <= WIDTH and not self.comments_within(span):
            self.item(span, [one], indent)
            self.trailing(end or span_end(span))
            return
        self.leading(span_start(span), indent)
        self.out.append(indent + head + "[")
        self.trailing_before(span_start(items[0].span) if items else (span.end_line, span.end_column - 1))
        inner = inner if inner is not None else indent + INDENT
        line = ""
        for item, text in zip(items, texts):
            comment_before = self.pending and (self.pending[0].line, self.pending[0].column) < span_start(item.span)
            if line and (comment_before or display_width(inner + line + ", " + text + ",") > WIDTH):
                self.out.append(inner + line + ",")
                line = ""
            if comment_before:
                self.leading(span_start(item.span), inner)
            line = text if not line else line + ", " + text
            if self.pending and not self.pending[0].own_line and self.pending[0].after <= span_end(item.span):
                self.out.append(inner + line + ",")
                self.trailing(span_end(item.span))
                line = ""
        if line:
            self.out.append(inner + line + ",")
        self.leading((span.end_line, span.end_column - 1), inner)
        self.out.append(indent + head[: len(head) - len(head.lstrip())] + "]" + closing)
        self.trailing(end or span_end(span))

    # -- conditions -------------------------------------------------------------------------

    def condition(self, span: Span, head: str, e: object, indent: str, base: str,
                  own_line_break: bool = False) -> None:
        """`head + expression` on one line if it fits and holds no comment. Else the and/or
        chain is broken before each `and`/`or` that follows a comment at a line's end or a
        comment on a line of its own, and, when too long, before each top-level one; the
        continuation lines are aligned under the expression's start."""
        one = base + head + expr(e)
        links = _chain(e)
        long = display_width(one) > WIDTH
        if len(links) == 1 or not (long or self.breaks_chain(span, links[-1].node.span)):
            self.inner_comments(span, base)
            self.out.append(one)
            self.trailing(span_end(span))
            return
        line: str | None
        if own_line_break:  # `define x =` then the expression on the following lines
            self.out.append((base + head).rstrip())
            self.trailing_before(span_start(links[0].node.span))
            cont = base + indent
            line = cont
        else:
            cont = base + " " * display_width(head)
            line = base + head
        for k, link in enumerate(links):
            own = self.own_lines_before(span_end(link.node.span))
            if k and line is not None and (own or (long and link.top)):
                self.out.append(line)
                line = None
            self.out.extend((cont if k or own_line_break else base) + text for text in own)
            piece = f"{link.word} {link.text}" if k else link.text
            line = cont + piece if line is None else line + (" " if k else "") + piece
            if k + 1 < len(links):  # comments after this operand (or its operator) end its line
                texts = self.line_ends_before(span_start(links[k + 1].node.span))
                if texts:
                    self.out.append(line + "  " + "  ".join(texts))
                    line = None
        if line is not None:
            self.out.append(line)
        self.trailing(span_end(span))

    # -- rules and examples -------------------------------------------------------------------

    def rule(self, d: n.RuleDecl) -> None:
        self.leading(span_start(d.span), "")
        self.out.append(f"{'override ' if d.override else ''}rule {d.name.name}{_label(d.title)} {{")
        self.trailing_before(span_start(d.clauses[0].span) if d.clauses else (d.span.end_line, d.span.end_column - 1))
        for c in d.clauses:
            self.leading(span_start(c.span), INDENT)
            if isinstance(c, (n.WhenClause, n.UnlessClause)):
                word = "when" if isinstance(c, n.WhenClause) else "unless"
                self.condition(c.span, word.ljust(CLAUSE_PAD), c.expr, INDENT, INDENT)
            else:
                self.item(c.span, [INDENT + _clause(c)], INDENT)
        self.leading((d.span.end_line, d.span.end_column - 1), INDENT)
        self.out.append("}")
        self.trailing(span_end(d.span))

    def example(self, d: n.ExampleDecl) -> None:
        self.leading(span_start(d.span), "")
        self.out.append(f"example {quote(d.title.value)} {{")
        self.trailing_before(span_start(d.given.span))
        given = d.given
        self.leading(span_start(given.span), INDENT)
        one = f"{INDENT}given {literal(given)}"
        if display_width(one) <= WIDTH and not self.comments_within(given.span):
            self.out.append(one)
            self.trailing(span_end(given.span))
        else:
            self.out.append(f"{INDENT}given {{")
            self.trailing_before(span_start(given.entries[0].span) if given.entries else
                                 (given.span.end_line, given.span.end_column - 1))
            self.entries(given.entries, INDENT * 2)
            self.leading((given.span.end_line, given.span.end_column - 1), INDENT * 2)
            self.out.append(INDENT + "}")
            self.trailing(span_end(given.span))
        self.item(d.expect.span, [INDENT + expect_text(d.expect)], INDENT)
        self.leading((d.span.end_line, d.span.end_column - 1), INDENT)
        self.out.append("}")
        self.trailing(span_end(d.span))

    def entries(self, entries: Sequence[n.Entry], indent: str) -> None:
        """Given entries filled into lines; a value too long for a line gets lines of its own."""
        line = ""
        for entry in entries:
            text = f"{entry.key.name}: {literal(entry.value)}"
            comment_before = self.pending and (self.pending[0].line, self.pending[0].column) < span_start(entry.span)
            too_long = display_width(indent + text + ",") > WIDTH
            if line and (comment_before or too_long or display_width(indent + line + ", " + text + ",") > WIDTH):
                self.out.append(indent + line + ",")
                line = ""
            if comment_before:
                self.leading(span_start(entry.span), indent)
            if too_long and isinstance(entry.value, (n.ListLit, n.RecordLit)):
                self.long_value(entry, indent)
                self.trailing(span_end(entry.span))
                continue
            line = text if not line else line + ", " + text
            if self.pending and not self.pending[0].own_line and self.pending[0].after <= span_end(entry.span):
                self.out.append(indent + line + ",")
                self.trailing(span_end(entry.span))
                line = ""
        if line:
            self.out.append(indent + line)

    def long_value(self, entry: n.Entry, indent: str) -> None:
        value = entry.value
        inner = indent + INDENT
        if isinstance(value, n.ListLit):
            self.out.append(f"{indent}{entry.key.name}: [")
            for item in value.items:
                self.item(item.span, [f"{inner}{literal(item)},"], inner)
            self.out.append(indent + "],")
        else:
            self.out.append(f"{indent}{entry.key.name}: {{")
            self.entries(cast(n.RecordLit, value).entries, inner)
            self.out.append(indent + "},")


_VOCAB = {n.OutcomesDecl: "outcomes", n.SeveritiesDecl: "severities", n.EscalationsDecl: "escalations"}
_VOCAB_TYPES = (n.OutcomesDecl, n.SeveritiesDecl, n.EscalationsDecl)  # the keys of _VOCAB
_ONE_LINERS = (n.PhrasesFrom, n.DropRule, n.ExtendsDecl)


def _label(label: n.StringLit | None) -> str:
    return f" {quote(label.value)}" if label is not None else ""


def _kind(kind: n.Ident | None) -> str:
    """A phrase list's kind (announced, claimed, implied), after its label."""
    return f" {kind.name}" if kind is not None else ""


def _header_value(value: object) -> str:
    return value.name if isinstance(value, n.Ident) else literal(value)


def _record_of(t: object) -> n.RecordType | None:
    while isinstance(t, n.ListType):
        t = t.element
    return t if isinstance(t, n.RecordType) else None


@attrs.frozen
class _Link:
    """One operand of an and/or chain as written: `word` is the operator before it ("" for the
    first) and `top` whether that operator is the whole expression's own."""

    word: str
    node: n.Spanned
    text: str
    top: bool


def _chain(e: object) -> list[_Link]:
    """An expression as the chain of operands its and/or join, in order: an `and` inside an `or`
    is written without parentheses, so its operands join the chain; any other operand is one link.

    >>> [(x.word, x.text, x.top) for x in _chain(n.Or((n.And((n.Name("a"), n.Name("b"))), n.Name("c"))))]
    [('', 'a', False), ('and', 'b', False), ('or', 'c', True)]
    """
    parts = _operands(e)
    if parts is None:
        return [_Link("", cast(n.Spanned, e), expr(e), False)]
    word, operands = parts
    minimum = P_NOT if word == "and" else P_AND
    links: list[_Link] = []
    for k, operand in enumerate(operands):
        if _operands(operand) is not None and precedence(operand) >= minimum:
            sub = _chain(operand)
        else:
            sub = [_Link("", operand, _operand_text(operand, word), False)]
        links.append(attrs.evolve(sub[0], word=word if k else "", top=k > 0))
        links.extend(attrs.evolve(link, top=False) for link in sub[1:])
    return links


def _operands(e: object) -> tuple[str, tuple[n.Spanned, ...]] | None:
    if isinstance(e, n.And):
        return "and", e.operands
    if isinstance(e, n.Or):
        return "or", e.operands
    return None


def _operand_text(operand: object, word: str) -> str:
    text = expr(operand)
    minimum = P_NOT if word == "and" else P_AND
    return f"({text})" if precedence(operand) < minimum else text


def _clause(c: object) -> str:
    if isinstance(c, n.ThenClause):
        text = c.outcome.name + (f" severity {c.severity.name}" if c.severity else "")
        return "then".ljust(CLAUSE_PAD) + text
    if isinstance(c, n.RespondClause):
        return "respond".ljust(CLAUSE_PAD) + quote(c.text.value)
    if isinstance(c, n.EscalateClause):
        return "escalate".ljust(CLAUSE_PAD) + c.level.name
    if isinstance(c, n.CiteClause):
        return "cite".ljust(CLAUSE_PAD) + quote(c.text.value)
    if isinstance(c, n.TagsClause):
        return "tags".ljust(CLAUSE_PAD) + ", ".join(t.name for t in c.tags)
    raise TypeError(c)  # pragma: no cover


