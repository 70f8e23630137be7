"""Where each comment goes as `kasu fmt` lays a file out.

Before an item on a line of its own, at the end of the line of the item whose code it follows, or
inside an item that must then stay broken. The comments are swept in source order: `pending` holds those not yet written, `out` the lines
written so far.
"""
from __future__ import annotations

from ..source import Span
from ..syntax.comments import Comment


def span_start(span: Span) -> tuple[int, int]:
    """(line, column) where a node starts.

    >>> span_start(Span("f", 1, 2, 3, 4))
    (1, 2)
    """
    return (span.line, span.column)


def span_end(span: Span) -> tuple[int, int]:
    """(line, column) just past a node's last token: what `Comment.after` is compared with.

    >>> span_end(Span("f", 1, 2, 3, 4))
    (3, 4)
    """
    return (span.end_line, span.end_column)


def comment_at(c: Comment) -> tuple[int, int]:
    """(line, column) of a comment's `#`."""
    return (c.line, c.column)


class CommentSweep:
    """The lines written so far and the comments still to place (a base of the formatter's printer)."""

    def __init__(self, comments: list[Comment]) -> None:
        self.pending = list(comments)  # not yet emitted, in source order
        self.out: list[str] = []

    def leading(self, before: tuple[int, int], indent: str) -> bool:
        """Emit the comments that come before a position as lines of their own; a blank line
        that followed a comment in the source is kept."""
        emitted = False
        while self.pending and (self.pending[0].line, self.pending[0].column) < before:
            c = self.pending.pop(0)
            self.out.append(indent + c.text)
            following = self.pending[0].line if self.pending and (self.pending[0].line, self.pending[0].column) \
                < before else before[0]
            if following > c.line + 1 and c.own_line:
                self.out.append("")
            emitted = True
        return emitted

    def trailing(self, end: tuple[int, int]) -> None:
        """Append the comments after code that ends by `end` (the end of the item just printed)
        to the last output line, and any comment still left inside the item; a comment after a
        later item on the same source line stays for that item."""
        texts = []
        while self.pending and ((not self.pending[0].own_line and self.pending[0].after <= end)
                                or comment_at(self.pending[0]) < end):
            texts.append(self.pending.pop(0).text)
        if texts:
            self.out[-1] = self.out[-1].rstrip() + "  " + "  ".join(texts)

    def trailing_before(self, position: tuple[int, int]) -> None:
        """Append the end-of-line comments that come before `position` to the last output line."""
        texts = []
        while self.pending and not self.pending[0].own_line and \
                (self.pending[0].line, self.pending[0].column) < position:
            texts.append(self.pending.pop(0).text)
        if texts:
            self.out[-1] = self.out[-1].rstrip() + "  " + "  ".join(texts)

    def item(self, span: Span, lines: list[str], indent: str) -> None:
        """Emit one item: comments before it, its lines, the comments on its last line."""
        self.leading(span_start(span), indent)
        self.inner_comments(span, indent)
        self.out.extend(lines)
        self.trailing(span_end(span))

    def inner_comments(self, span: Span, indent: str) -> None:
        """Own-line comments inside an item printed on fewer lines go before it."""
        while self.pending and self.pending[0].own_line and self.pending[0].line < span.end_line:
            self.out.append(indent + self.pending.pop(0).text)

    def comments_within(self, span: Span) -> bool:
        """Whether a comment sits inside the item (a comment after its last token does not)."""
        start, end = span_start(span), span_end(span)
        return any(start < comment_at(c) < end for c in self.pending)

    def own_lines_before(self, position: tuple[int, int]) -> list[str]:
        """Take the comments on lines of their own that come before `position`."""
        texts = []
        while self.pending and self.pending[0].own_line and comment_at(self.pending[0]) < position:
            texts.append(self.pending.pop(0).text)
        return texts

    def line_ends_before(self, position: tuple[int, int]) -> list[str]:
        """Take the comments at a line's end that follow code ending before `position`."""
        texts = []
        while self.pending and not self.pending[0].own_line and self.pending[0].after < position:
            texts.append(self.pending.pop(0).text)
        return texts

    def breaks_chain(self, span: Span, last: Span) -> bool:
        """Whether a comment inside a condition (`span`) breaks it: one on a line of its own before
        its last operand (`last`) ends, or one at a line's end after code before that operand (a
        comment inside the last operand only goes to the end of the line, so it breaks nothing)."""
        return any(span_start(span) < comment_at(c) and (comment_at(c) < span_end(last) if c.own_line
                                                          else c.after < span_start(last)) for c in self.pending)
