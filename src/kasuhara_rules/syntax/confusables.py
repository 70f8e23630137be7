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
from typing import Iterator

from ..diagnostics import Diagnostic, error, warning
from ..i18n import N_
from ..source import SourceText, Span

# alphabets with letters that look like each other's (the confusable ones)
_ALPHABETS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "GEORGIAN")
_WORD = re.compile(r"\w+")  # a name, or a word of a string or comment
# Pre-filters, so that ordinary (Japanese) text costs one regex scan: every format character
# (category Cf) of Unicode 15 and the line/paragraph separators; the letters that are
# ligatures; the letters of the look-alike alphabets other than Latin. Each hit is confirmed
# with unicodedata.
_SUSPECT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u0132\u0133\u013f\u0140\u0149\u01c4-\u01cc\u01f1-\u01f3\u037a\u0587\u0675-\u0678\u0e33\u0eb3"
    "\u0edc\u0edd\u1e9a\ufb00-\ufb4f]")
_OTHER_ALPHABET = re.compile("[\u0370-\u058f\u10a0-\u10ff\u13a0-\u13ff\u1c80-\u1cbf\u1d00-\u1dbf\u1f00-\u1fff"
                             "\u2d00-\u2d2f\U00010400-\U0001044f\U0001d400-\U0001d7ff"
                             "\u2c80-\u2cff\u2de0-\u2dff\ua640-\ua69f\uab65\uab70-\uabbf\ufb13-\ufb17]")


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


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?|#.*')  # a string (to its closing quote) or a comment


def _segments(line: str) -> Iterator[tuple[str, int, str]]:
    """(kind, start, text) for the code, string and comment parts of one line (strings never
    span lines; `\\` escapes inside them)."""
    pos = 0
    for m in _QUOTED.finditer(line):
        if m.start() > pos:
            yield "code", pos, line[pos:m.start()]
        yield ("comment" if m.group().startswith("#") else "string"), m.start(), m.group()
        pos = m.end()
    if pos < len(line):
        yield "code", pos, line[pos:]


def scan(source: SourceText) -> list[Diagnostic]:
    """Diagnostics for look-alike, ligature, bidirectional and invisible characters."""
    out: list[Diagnostic] = []
    text = source.text[1:] if source.text.startswith("\ufeff") else source.text
    offset = 1 if source.text.startswith("\ufeff") else 0
    if text.isascii():
        return out
    for number, line in enumerate(text.split("\n"), 1):
        if line.isascii() or not (_SUSPECT.search(line) or _OTHER_ALPHABET.search(line)):
            continue  # ordinary text, Japanese included: nothing to look at
        shift = offset if number == 1 else 0
        for kind, start, part in _segments(line):
            if part.isascii():
                continue
            in_name = kind == "code"
            make = error if in_name else warning
            code = "E113" if in_name else "W120"
            where = {"code": N_("a name"), "string": N_("a string"), "comment": N_("a comment")}[kind]

            def span(i: int, length: int = 1) -> Span:
                col = start + i + 1 + shift
                return Span(source.name, number, col, number, col + length)

            for hit in _SUSPECT.finditer(part):
                i, ch = hit.start(), hit.group()
                cat = unicodedata.category(ch)
                if cat == "Cf" or ch in "\u2028\u2029":
                    bidi = unicodedata.bidirectional(ch) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
                                                             "FSI", "PDI") or ch in "\u200e\u200f\u061c"
                    what = N_("a bidirectional control") if bidi else N_("an invisible character")
                    out.append(make(code, N_("{where} contains {what}, {char}: the text on screen "
                                             "is not what the engine reads", where=where, what=what,
                                             char=code_point(ch)), span(i),
                                    N_("delete the character (retype the text around it); write it as an escape "
                                       "such as \\u{{200d}} in a string if it is really meant")))
                elif _is_ligature(ch):
                    spelled = unicodedata.normalize("NFKC", ch)
                    out.append(make(code, N_("{where} contains the ligature {char}: write the letters "
                                             "`{spelled}`", where=where, char=code_point(ch), spelled=spelled),
                                    span(i), N_("replace it with `{spelled}`", spelled=spelled)))
            if not _OTHER_ALPHABET.search(part):
                continue
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
                out.append(make(code, N_("`{word}` mixes {names} letters: {char} looks like a "
                                         "{alphabet} letter but is another character", word=word, names=names,
                                         char=code_point(odd), alphabet=main.capitalize()),
                                span(m.start(), len(word)),
                                N_("retype `{word}` with {alphabet} letters only", word=word,
                                   alphabet=main.capitalize())))
    return out
