"""Source text and spans: decoding policy files, line/column positions and caret excerpts."""
from __future__ import annotations

import posixpath
import unicodedata
from bisect import bisect_right

import attrs

from .escape import pictured
from .i18n import N_


@attrs.frozen(order=True)
class Span:
    """A region of a source file: 1-based line and column (in characters), end exclusive.

    >>> str(Span("acme.kasu", 3, 5, 3, 9))
    'acme.kasu:3:5'
    """

    file: str
    line: int
    column: int
    end_line: int = attrs.field(default=0)
    end_column: int = attrs.field(default=0)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def display_width(text: str) -> int:
    """Terminal columns taken by `text`: East Asian wide and full-width characters count 2.

    >>> display_width("abc"), display_width("土下座")
    (3, 6)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


@attrs.frozen
class SourceText:
    """The decoded text of one policy file, with fast offset → (line, column) lookup."""

    name: str
    text: str
    line_starts: tuple[int, ...] = attrs.field(eq=False, repr=False)

    @classmethod
    def from_text(cls, name: str, text: str) -> "SourceText":
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return cls(name, text, tuple(starts))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(self.name, line, column, end_line, end_column)

    def between(self, line: int, column: int, end_line: int, end_column: int) -> str:
        """The text from (line, column) up to (end_line, end_column), without copying whole
        lines (a policy may hold a phrase list of ten megabytes on one line)."""
        starts = self.line_starts
        if not (1 <= line <= len(starts) and 1 <= end_line <= len(starts)):
            return ""
        return self.text[starts[line - 1] + column - 1 : starts[end_line - 1] + end_column - 1]

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def excerpt(self, span: Span, width: int = 100) -> list[str]:
        """The source line of `span` and a caret line under it, aligned for wide characters.

        Lines longer than `width` columns are shown as a window around the span.
        """
        text = self.line_text(span.line)
        if not text and span.line > len(self.line_starts):
            return []
        shown = pictured(text.replace("\t", " "))  # ESC, CR… as one visible character each: carets stay aligned
        start = max(span.column - 1, 0)
        if span.end_line == span.line and span.end_column > span.column:
            end = span.end_column - 1
        else:
            end = start + 1
        end = min(max(end, start + 1), start + 60)
        left = ""
        if display_width(shown[:start]) > width - 30:  # measured once: linear in the line
            cut, seen = start, 0
            while cut > 0 and seen < 40:  # at most ~40 characters, one at a time
                cut -= 1
                seen += display_width(shown[cut])
            shown = shown[cut:]
            start, end = start - cut, end - cut
            left = "…"
        right = ""
        limit, seen = 0, 0
        while limit < len(shown) and seen <= width:  # the longest prefix that fits, one character at a time
            seen += display_width(shown[limit])
            limit += 1
        if seen > width:
            limit = max(limit - 1, end)
            if limit < len(shown):
                shown, right = shown[:limit], "…"
        marked = shown[start:end]
        carets = "^" * max(display_width(marked), 1)
        gutter = str(span.line)
        pad = " " * len(gutter)
        indent = " " * (display_width(left) + display_width(shown[:start]))
        return [f" {gutter} | {left}{shown}{right}", f" {pad} | {indent}{carets}"]


class DecodeError(Exception):
    """Raised by `decode_source` with the offset and a message when bytes are not a policy text."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode_source(data: bytes) -> str:
    """Decode policy bytes: UTF-8, an optional BOM removed, CRLF and CR made LF, no NUL.

    >>> decode_source("\\ufeffpolicy\\r\\n".encode())
    'policy\\n'
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise DecodeError(
            N_("the file is not valid UTF-8 (byte 0x{byte} at byte offset {offset})", byte=format(data[exc.start], "02x"),
               offset=exc.start),
            line,
            column,
        ) from None
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Drop a leading BOM and make line ends LF; reject NUL characters."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise DecodeError(N_("the file contains a NUL character; is it a binary file?"), line, column)
    return text


def relative_name(name: str, root: str, top: str | None = None) -> str:
    """A file's name relative to the root policy's directory (`top` is the root policy itself: its
    own name without directories), with `/`, as digests, `policy.files` and traces show it."""
    if name == top:
        return posixpath.basename(name.replace("\\", "/")) or name
    name = name.replace("\\", "/")
    root = root.replace("\\", "/")
    if name.startswith("<"):
        return name
    if root in ("", "."):
        return posixpath.normpath(name)
    return posixpath.relpath(name, root)
