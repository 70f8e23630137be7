"""Where the marks of one text are, found once: what the speech-act reader asks of the words around an act.

A text that repeats a phrase (「殺さない殺さない…」) holds about as many acts as it has words. Reading
each by walking back to the start of its sentence (or of the text, for the brackets) and on to its
end would cost the square of the text's length: a remark of a few hundred thousand characters would
never be decided. `Marks(words)` answers the same questions from tables built once per text, the
first time one is asked: the first word from a position on (or the last one before it) that passes
a test, and how deep in brackets a word lies. A question about a few words is answered by looking
at them; the tables are built only where that would take longer.
"""
from __future__ import annotations

from typing import Callable, Sequence

from . import speech_words as V
from .words import Word

# A test of the word at an index (it may look at the words before it: 私が, 隣の人が).
Test = Callable[[Sequence[Word], int], bool]
_NEAR = 24  # words looked at one by one before a table is built


class Marks:
    """The words of one text, with the tables the reader has asked for so far.

    >>> from .words import words_of
    >>> ws = words_of("「晒すぞ」と言われた。晒してやる")
    >>> m = Marks(ws)
    >>> is_quote_end = lambda words, k: words[k].surface == "」"
    >>> m.first(is_quote_end, 0, len(ws)), m.last(is_quote_end, 0, len(ws)), m.first(is_quote_end, 4, len(ws))
    (3, 3, -1)
    >>> m.depth(2), m.depth(5)
    (1, 0)
    """

    __slots__ = ("words", "_next", "_last", "_depth")

    def __init__(self, words: Sequence[Word]) -> None:
        self.words = words
        self._next: dict[Test, list[int]] = {}  # test -> for each index, the first one on that passes
        self._last: dict[Test, list[int]] = {}  # test -> for each index, the last one before it that passes
        self._depth: list[int] | None = None

    def first(self, test: Test, i: int, stop: int) -> int:
        """The index of the first word of words[i:stop] that passes `test`, or -1."""
        words = self.words
        stop = min(stop, len(words))
        near = min(stop, i + _NEAR)
        for k in range(i, near):
            if test(words, k):
                return k
        if near >= stop:
            return -1
        table = self._next.get(test)
        if table is None:
            table = self._next[test] = [0] * (len(words) + 1)
            at = table[len(words)] = len(words)
            for k in range(len(words) - 1, -1, -1):
                if test(words, k):
                    at = k
                table[k] = at
        k = table[near]
        return k if k < stop else -1

    def last(self, test: Test, lo: int, hi: int) -> int:
        """The index of the last word of words[lo:hi] that passes `test`, or -1."""
        words = self.words
        lo = max(lo, 0)
        near = max(lo, hi - _NEAR)
        for k in range(hi - 1, near - 1, -1):
            if test(words, k):
                return k
        if near <= lo:
            return -1
        table = self._last.get(test)
        if table is None:
            table = self._last[test] = [0] * (len(words) + 1)
            at = table[0] = -1
            for k in range(len(words)):
                if test(words, k):
                    at = k
                table[k + 1] = at
        k = table[near]
        return k if k >= lo else -1

    def depth(self, i: int) -> int:
        """How many brackets (「, 『…) are open before word i (a closing one without an opening one
        is passed over)."""
        if i <= _NEAR and self._depth is None:
            return _depth_after(self.words, 0, i, 0)
        if self._depth is None:
            table, depth = [0], 0
            for k in range(len(self.words)):
                depth = _depth_after(self.words, k, k + 1, depth)
                table.append(depth)
            self._depth = table
        return self._depth[i]


def _depth_after(words: Sequence[Word], i: int, j: int, depth: int) -> int:
    for w in words[i:j]:
        if w.entry.folded in V.OPENING:
            depth += 1
        elif w.entry.folded in V.CLOSING and depth:
            depth -= 1
    return depth
