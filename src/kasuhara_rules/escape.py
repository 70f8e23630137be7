"""Text made safe for where it is shown: control characters visible in text and Markdown outputs.

Values in outputs come from records, answers and policies, so they may hold anything.
`visible(text)` is for text and Markdown outputs (explanations, `kasu diff`, reports, guides):
a control character — ESC (which drives terminals), a bare CR or an LF inside a value (which
forge lines and Markdown headings), any other C0 or C1 control, DEL, the line and paragraph
separators, and the bidirectional controls that reorder what is displayed — is written as an
escape (`\\n`, `\\r`, `\\t`, `\\u{1b}`). Japanese and every other printable text is kept as is.
`pictured(text)` shows each control as one visible character (diagnostics' source lines). CSV
cells a spreadsheet would run as formulas are neutralised by `render/spreadsheet.neutralise`.
"""
from __future__ import annotations

import re

__all__ = ["visible", "pictured"]

# C0 and C1 controls and DEL, the line and paragraph separators, and the bidirectional marks,
# embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


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
