"""Syntax errors the lexer finds: full-width characters, unclosed strings, glued numbers.

Also Japanese quotes, units and dates, with the ASCII form a beginner meant (`ascii_form`).
"""
from __future__ import annotations

import re

from ..diagnostics import Diagnostic, error
from ..i18n import N_
from lark.exceptions import UnexpectedCharacters
from ..source import SourceText, Span

_GLUED_NUMBER = re.compile(r"\d[\d_]*(\.\d[\d_]*)?[^\W\d_]\w*")
FULLWIDTH_HINTS = {
    "＝": "=", "（": "(", "）": ")", "［": "[", "］": "]", "｛": "{", "｝": "}", "，": ",",
    "：": ":", "＃": "#", "＜": "<", "＞": ">", "！": "!", "＋": "+", "－": "-", "＊": "*",
    "／": "/", "．": ".", "”": '"', "“": '"', "„": '"', "″": '"', "＂": '"', "、": ",", "。": ".",
    "≧": ">=", "≦": "<=", "≠": "!=", "≥": ">=", "≤": "<=", "≒": "==",
}
JAPANESE_QUOTES = "「」『』【】〈〉《》〔〕"
# a number glued to a unit written in Japanese -> (multiplier, ASCII unit)
JAPANESE_UNITS = {"秒": (1, "s"), "秒間": (1, "s"), "分": (1, "min"), "分間": (1, "min"), "時間": (1, "h"),
                  "時": (1, "h"), "日": (1, "d"), "日間": (1, "d"), "週": (7, "d"), "週間": (7, "d")}
_BAD_NUMBER = re.compile(r"[0-9][\w.]*")
_WORD_AT = re.compile(r"[\w.\-:+]+")
_JAPANESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def ascii_form(text: str) -> str | None:
    """`text` (a number, duration or date as a beginner types it) in the language's ASCII form, or None.

    >>> ascii_form("３０ｍｉｎ"), ascii_form("30分"), ascii_form("２週間"), ascii_form("2026年4月1日")
    ('30min', '30min', '14d', '2026-04-01')
    """
    import unicodedata

    folded = unicodedata.normalize("NFKC", text)
    date = _JAPANESE_DATE.match(folded)
    if date:
        return f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?)?", folded):
        return folded if folded != text else None
    m = re.fullmatch(r"([0-9][0-9_]*(?:\.[0-9]+)?)(.*)", folded)
    if m is None:
        return None
    number, unit = m.group(1), m.group(2)
    if unit in JAPANESE_UNITS:
        times, ascii_unit = JAPANESE_UNITS[unit]
        if times != 1:
            try:
                number = str(int(number) * times)
            except ValueError:
                return None
        return number + ascii_unit
    if unit in ("", "s", "min", "h", "d") and folded != text:
        return folded
    return None


def lexical_diagnostic(exc: UnexpectedCharacters, source: SourceText) -> Diagnostic:
    """E103/E104/E106: a character the lexer cannot start a token with, and what was meant."""
    line, column = exc.line, exc.column
    ch = exc.char
    span = Span(source.name, line, column, line, column + 1)
    if ch == '"':
        rest = source.line_text(line)[column - 1 :]
        span = Span(source.name, line, column, line, column + len(rest))
        return error("E104", N_("this string is not closed before the end of the line"), span,
                     N_('end it with `"`; to put a line break inside a string write \\n'))
    word = _WORD_AT.match(source.line_text(line), column - 1)
    if word and ch.isdigit() and not ch.isascii():
        text = word.group(0)
        fixed = ascii_form(text)
        span = Span(source.name, line, column, line, column + len(text))
        return error("E103", N_("full-width digits in `{text}`", text=text), span,
                     N_("numbers, durations and dates are written in ASCII: write `{fixed}`",
                        fixed=fixed or text) if fixed else N_("write the digits in ASCII (0-9)"))
    glued = _GLUED_NUMBER.match(source.line_text(line), column - 1)
    if glued:
        text = glued.group(0)
        span = Span(source.name, line, column, line, column + len(text))
        fixed = ascii_form(text)
        return error("E106", N_("`{text}` is neither a number nor a duration", text=text), span,
                     N_("write `{fixed}`: dates are written YYYY-MM-DD", fixed=fixed) if fixed and "-" in fixed
                     else N_("write `{fixed}`: units are s, min, h and d (not 秒, 分, 時間, 日)", fixed=fixed)
                     if fixed else N_("durations are a number glued to a unit: 45s, 30min, 1.5h, 7d"))
    bad = _BAD_NUMBER.match(source.line_text(line), column - 1) if ch in "0123456789" else None
    if bad:
        return _bad_number(bad.group(0), Span(source.name, line, column, line, column + len(bad.group(0))))
    hint = None
    if ch in JAPANESE_QUOTES:
        hint = N_('texts are written in straight double quotes: write "…" instead of {open}…{close}',
                  open=ch if ch in "「『【〈《〔" else JAPANESE_QUOTES[JAPANESE_QUOTES.index(ch) - 1],
                  close=ch if ch not in "「『【〈《〔" else JAPANESE_QUOTES[JAPANESE_QUOTES.index(ch) + 1])
    elif ch in FULLWIDTH_HINTS:
        hint = N_("`{ch}` is a full-width character; write the ASCII `{ascii}` instead", ch=ch,
                  ascii=FULLWIDTH_HINTS[ch])
    elif ch in "'‘’":
        hint = N_('texts are written in double quotes: "…"')
    elif ch == "&":
        hint = N_("write `and`")
    elif ch == "|":
        hint = N_("write `or`")
    elif ch == "!":
        hint = N_("write `not`, or `!=` for 'is not equal to'")
    elif ch == ";":
        hint = N_("no semicolons are needed; start the next clause on a new line")
    elif ch == "=" :
        hint = N_("write `==` to compare")
    shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
    return error("E103", N_("unexpected character `{ch}`", ch=shown), span, hint)


def _bad_number(text: str, span: Span) -> Diagnostic:
    """E103 on a number the lexer cannot read (`1.5.5h`, `5.`): what is wrong with it."""
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(digits):]
    if digits.count(".") > 1:
        return error("E103", N_("`{text}` has more than one decimal point", text=text), span,
                     N_("a number has one decimal point at most: 1.5, 1.5h, 90min"))
    if digits.endswith("."):
        return error("E103", N_("`{text}` ends its number with a decimal point", text=text), span,
                     N_("write digits after the point, or leave it out: write `{fixed}`", fixed=digits[:-1] + unit))
    return error("E103", N_("`{text}` is neither a number nor a duration", text=text), span,
                 N_("durations are a number glued to a unit: 45s, 30min, 1.5h, 7d"))
