"""Characters that make a policy read differently from what it does (Trojan Source).

A reviewer reads a policy on screen; the engine reads its code points. They disagree when:

- a name mixes look-alike letters of different alphabets (`cоde` with a Cyrillic `о` is another
  name than `code`, and a rule can silently test the wrong thing);
- a ligature such as `ﬁ` (U+FB01) stands for two letters;
- a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066…U+2069 isolates) reorders the
  text on screen, or an invisible character (U+200B ZERO WIDTH SPACE, U+200D ZERO WIDTH JOINER,
  U+2060 WORD JOINER, any other format character) hides in it.

In names (outside strings and comments) each is an error (E113); in strings and comments a
warning (W120), since a respond text may legitimately hold an emoji sequence. The message names
the code point. Japanese names mixing kanji, hiragana, katakana, ASCII digits and `_` are
ordinary, and so are Latin letters beside Japanese ones (`sns投稿`): only the alphabets whose
letters look alike (Latin, Cyrillic, Greek and a few others) are compared.
"""
from __future__ import annotations

import re
import unicodedata

from ..diagnostics import Diagnostic, error, warning
from ..source import SourceText, Span

# alphabets with letters that look like each other's (the confusable ones)
_ALPHABETS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "GEORGIAN")
_WORD = re.compile(r"\w+")  # a name, or a word of a string or comment


def code_point(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED CHARACTER')}"


def _alphabet(ch: str) -> str | None:
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("FULLWIDTH LATIN"):
        return "LATIN"
    first = name.split(" ", 1)[0]
    return first if first in _ALPHABETS else None


def _is_ligature(ch: str) -> bool:
    return (unicodedata.decomposition(ch).startswith("<compat>") and unicodedata.category(ch).startswith("L")
            and len(unicodedata.normalize("NFKC", ch)) > 1)


def _segments(line: str):
    """(kind, start, text) for the code, string and comment parts of one line (strings never
    span lines; `\\` escapes inside them)."""
    i, start, kind = 0, 0, "code"
    while i < len(line):
        ch = line[i]
        if kind == "string":
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                yield kind, start, line[start:i + 1]
                kind, start = "code", i + 1
        elif ch == '"':
            yield kind, start, line[start:i]
            kind, start = "string", i
        elif ch == "#":
            yield kind, start, line[start:i]
            yield "comment", i, line[i:]
            return
        i += 1
    yield kind, start, line[start:]


def scan(source: SourceText) -> list[Diagnostic]:
    """Diagnostics for look-alike, ligature, bidirectional and invisible characters."""
    out: list[Diagnostic] = []
    text = source.text[1:] if source.text.startswith("\ufeff") else source.text
    offset = 1 if source.text.startswith("\ufeff") else 0
    if text.isascii():
        return out
    for number, line in enumerate(text.split("\n"), 1):
        if line.isascii():
            continue
        shift = offset if number == 1 else 0
        for kind, start, part in _segments(line):
            if part.isascii():
                continue
            in_name = kind == "code"
            make = error if in_name else warning
            code = "E113" if in_name else "W120"
            where = {"code": "a name", "string": "a string", "comment": "a comment"}[kind]

            def span(i: int, length: int = 1) -> Span:
                col = start + i + 1 + shift
                return Span(source.name, number, col, number, col + length)

            for i, ch in enumerate(part):
                cat = unicodedata.category(ch)
                if cat == "Cf" or ch in "\u2028\u2029":
                    bidi = unicodedata.bidirectional(ch) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
                                                             "FSI", "PDI") or ch in "\u200e\u200f\u061c"
                    what = "a bidirectional control" if bidi else "an invisible character"
                    out.append(make(code, f"{where} contains {what}, {code_point(ch)}: the text on screen "
                                          f"is not what the engine reads", span(i),
                                    "delete the character (retype the text around it); write it as an escape "
                                    "such as \\u{200d} in a string if it is really meant"))
                elif _is_ligature(ch):
                    spelled = unicodedata.normalize("NFKC", ch)
                    out.append(make(code, f"{where} contains the ligature {code_point(ch)}: write the letters "
                                          f"`{spelled}`", span(i), f"replace it with `{spelled}`"))
            for m in _WORD.finditer(part):
                word = m.group()
                scripts: dict[str, int] = {}
                for j, ch in enumerate(word):
                    alphabet = _alphabet(ch)
                    if alphabet is not None:
                        scripts.setdefault(alphabet, j)
                if len(scripts) < 2:
                    continue
                counts = {a: sum(1 for ch in word if _alphabet(ch) == a) for a in scripts}
                main = max(counts, key=lambda a: (counts[a], -scripts[a]))
                odd = next(ch for ch in word if _alphabet(ch) not in (None, main))
                names = " and ".join(a.capitalize() for a in scripts)
                out.append(make(code, f"`{word}` mixes {names} letters: {code_point(odd)} looks like a "
                                      f"{main.capitalize()} letter but is another character", span(m.start(), len(word)),
                                f"retype `{word}` with {main.capitalize()} letters only"))
    return out
