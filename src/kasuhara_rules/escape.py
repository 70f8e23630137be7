"""Text made safe for where it is shown: control characters visible, CSV cells that Excel will not run.

Values in outputs come from records, answers and policies, so they may hold anything. Two
neutralisers, used by every output of the project and meant for new ones:

- `visible(text)`: for text and Markdown outputs (explanations, `kasu diff`, reports, guides).
  A control character — ESC (which drives terminals), a bare CR or an LF inside a value (which
  forge lines and Markdown headings), any other C0 or C1 control, DEL, the line and paragraph
  separators, and the bidirectional controls that reorder what is displayed — is written as an
  escape (`\\n`, `\\r`, `\\t`, `\\u{1b}`). Japanese and every other printable text is kept as is.
- `csv_cell(value)`: for every CSV the project writes. A cell that starts with `=`, `+`, `-`,
  `@`, a tab or a carriage return is prefixed with `'`, as OWASP recommends against CSV (formula)
  injection, so that a spreadsheet shows it as text and never runs it.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["visible", "pictured", "csv_cell", "csv_row", "FORMULA_STARTS"]

# C0 and C1 controls and DEL, the line and paragraph separators, and the bidirectional marks,
# embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escaped(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _SHORT.get(ch) or f"\\u{{{ord(ch):x}}}"


def visible(text: str) -> str:
    """`text` with every control character written as an escape, everything else unchanged.

    >>> visible("電話\\x1b[2J\\r# 偽の見出し")
    '電話\\\\u{1b}[2J\\\\r# 偽の見出し'
    >>> visible("土下座しろ、と言われた")
    '土下座しろ、と言われた'
    """
    if _CONTROL.search(text) is None:  # the common case: nothing to do, no copy
        return text
    return _CONTROL.sub(_escaped, text)


def pictured(text: str) -> str:
    """`text` with every control character replaced by one visible character — its Unicode control
    picture (ESC → ␛, CR → ␍), or U+FFFD — so that columns under it stay aligned (a caret line).

    >>> pictured("a\\x1b[2Jb\\r")
    'a␛[2Jb␍'
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group(0))) if m.group(0) < " " else
                        "\u2421" if m.group(0) == "\x7f" else "\ufffd", text)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows and never evaluates (None is empty).

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-1"), csv_cell("窓口"), csv_cell(None)
    ('\\'=HYPERLINK("http://x")', "'-1", '窓口', '')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(values: Any) -> list[str]:
    """Every cell of a row through `csv_cell` (for `csv.writer(...).writerow`)."""
    return [csv_cell(v) for v in values]
