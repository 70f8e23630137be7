"""Text normalisation for `contains` and `in` (NFKC, case folding, katakana → hiragana) and phrase sets."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Iterable, cast

# Katakana ァ..ヶ and the iteration marks ヽヾ map to their hiragana forms.
_KANA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
_KANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})
_CACHE_LIMIT = 64


def normalize(text: str) -> str:
    """The form `contains` and `in` compare: NFKC, case-folded, katakana folded to hiragana.

    >>> normalize("ＳＮＳ"), normalize("ﾊﾞｶ"), normalize("バカ"), normalize("ばか")
    ('sns', 'ばか', 'ばか', 'ばか')
    """
    if text.isascii():
        return text.lower()
    if len(text) <= _CACHE_LIMIT:
        return _normalize_short(text)
    return _normalize(text)


@functools.lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_KANA)


def nfkc(text: str) -> str:
    """The form `matches` runs on: NFKC only (the pattern ignores case; kana are not folded)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text)


class PhraseSet:
    """A phrase list ready for matching: the phrases as written, and their normalised forms.

    >>> p = PhraseSet(["殺す", "ネットに書く"])
    >>> p.search(normalize("ﾈｯﾄに書くぞ")), p.found("殺すぞ、ネットに書く")
    (True, ['殺す', 'ネットに書く'])
    """

    __slots__ = ("phrases", "normalized", "pairs", "set", "_starts", "_longest")

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(phrases)
        pairs = []
        seen = set()
        for p in self.phrases:
            key = normalize(p)
            if key and key not in seen:
                seen.add(key)
                pairs.append((p, key))
        self.pairs = tuple(pairs)
        self.normalized = tuple(key for _, key in pairs)
        self.set = frozenset(self.normalized)
        self._longest = max((len(k) for k in self.normalized), default=0)
        # With many phrases, one pattern (a trie) inside a look-ahead: at each position it
        # finds the longest phrase starting there. Compiling it is the cost of a big list.
        self._starts = _alternation(self.normalized) if len(self.normalized) > 12 else None

    def __reduce__(self) -> tuple[type[PhraseSet], tuple[tuple[str, ...]]]:
        return (PhraseSet, (self.phrases,))

    def search(self, normalized_text: str) -> bool:
        """Whether any phrase occurs in an already normalised text."""
        if self._starts is not None:
            return self._starts.search(normalized_text) is not None
        for key in self.normalized:
            if key in normalized_text:
                return True
        return False

    def all_in(self, normalized_text: str) -> bool:
        """Whether every phrase occurs in an already normalised text."""
        if self._starts is not None:
            return len(self._present(normalized_text)) == len(self.set)
        for key in self.normalized:
            if key not in normalized_text:
                return False
        return True

    def found(self, text: str) -> list[str]:
        """The phrases (as written in the policy) that occur in `text` (normalised here)."""
        norm = normalize(text)
        if self._starts is None:
            return [p for p, key in self.pairs if key in norm]
        present = self._present(norm)
        return [p for p, key in self.pairs if key in present]

    def _present(self, norm: str) -> set[str]:
        """The normalised phrases occurring in `norm`, in one pass over it (not one pass per
        phrase, which for 500,000 phrases and a 5 MB text would run for hours): at each
        position the pattern finds the longest phrase starting there, and every phrase that
        starts there is a prefix of it."""
        starts = cast("re.Pattern[str]", self._starts)  # the callers use this only with a pattern
        longest: set[str] = set()
        window, size = 1 << 18, len(norm)
        for start in range(0, size, window):  # findall in C, a window at a time (bounded memory);
            # each window reads on far enough for the longest phrase starting inside it
            longest.update(starts.findall(norm, start, min(size, start + window + self._longest)))
        keys = self.set
        present = set()
        for text in longest:
            for end in range(1, len(text) + 1):
                if text[:end] in keys:
                    present.add(text[:end])
        return present

    def found_in_list(self, items: Iterable[str]) -> list[str]:
        """The phrases equal (after normalisation) to an element of `items`."""
        have = {normalize(x) for x in items}
        return [p for p, key in self.pairs if key in have]


def _alternation(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    """`(?=(trie))`: a zero-width match at every position where a key starts, capturing the
    longest such key (the trie's optional tails are greedy). Search cost grows with the depth
    of the trie, not the number of keys."""
    trie: dict[str, Any] = {}  # character -> subtrie; "" -> True where a key ends
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True
    try:
        return re.compile(f"(?=({_trie_pattern(trie)}))")
    except (re.error, RecursionError, OverflowError):  # pragma: no cover - falls back to a loop
        return None


def _trie_pattern(root: dict[str, Any]) -> str:
    # Iterative post-order over the trie, so that long phrases cannot exhaust the stack.
    out: dict[int, str] = {}
    stack: list[tuple[dict[str, Any], bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for ch, child in node.items() if ch)
            continue
        branches = [re.escape(ch) + out.pop(id(child)) for ch, child in sorted(node.items()) if ch]
        end = "" in node
        if not branches:
            out[id(node)] = ""
            continue
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            body = "(?:" + body + ")?"
        out[id(node)] = body
    return out[id(root)]
