"""Phrases of a kinded list found as acts: their content words in order, in one clause or sentence.

A phrase of a list with a kind (`announced`, `claimed`, `implied`) names an act, and is found more
freely than a plain phrase, because whether it counts is decided afterwards by how it is said
(speech.py): its words are cut at the particles between its content words, the pieces must occur in
order in one clause (no predicate between them) with a few words between them, and the particles
may differ (`"ネットに書く"` is found in 「ネットに全部書いてやる」, 「ネットにも書く」 and the Tohoku
「ネットさ書いで」). Pieces in two clauses of one sentence are found too, marked `far`: such an act
counts only in a marked form (「テレビ局に知り合いおるけえ、この件流してもらうわ」, not 「ネットで
予約して、備考欄に書きます」). A piece is matched like a plain phrase (words.py: every inflection,
spelling variants, compound verbs).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from .words import Match, Phrase, PhraseIndex, Word, analyse_phrase, distinct_phrases  # noqa: F401 - analyse_phrase: the doctests

# Particles a phrase's pieces are cut at (the text may use another particle or none).
_CUT = frozenset({"格助詞", "係助詞", "副助詞"})
_MAX_GAP = 8  # words between two pieces in one clause (no predicate between them)
_MAX_FAR = 14  # words between two pieces in two clauses of one sentence
_SENTENCE_END = frozenset({"。", "!", "?", "．", "\n"})


def pieces(phrase: Phrase) -> tuple[tuple[Word, ...], ...]:
    """The phrase's words cut at the particles between its content words (the particles dropped).

    >>> [[w.surface for w in p] for p in pieces(analyse_phrase("ネットに書く"))]
    [['ネット'], ['書く']]
    >>> [[w.surface for w in p] for p in pieces(analyse_phrase("晒してやる"))]
    [['晒し', 'て', 'やる']]
    """
    out: list[list[Word]] = [[]]
    for k, w in enumerate(phrase.words):
        cut = w.entry.pos == "助詞" and w.entry.pos2 in _CUT and 0 < k < len(phrase.words) - 1
        if cut:
            if out[-1]:
                out.append([])
            continue
        out[-1].append(w)
    # A verbal noun's する is left to the reading (連絡いたします, 拡散させていただく, 放火した).
    return tuple(tuple(p[:-1] if len(p) > 1 and p[-1].norm == "為る" and not p[-1].inflected and p[-2].entry.pos == "名詞" else p)
                 for p in out if p)


class ActIndex:
    """The phrases of kinded lists, found as acts (see the module's docstring). Its `pieces` may be
    searched together with other phrases in one `PhraseIndex` (engine/mentions.py does), the found
    pieces then put together with `compose`.

    >>> from .words import words_of
    >>> ix = ActIndex(["ネットに書く", "殺す"])
    >>> [(m.phrase, m.surface) for m in ix.matches(words_of("ネットに全部書いてやる。殺すぞ"))]
    [('ネットに書く', 'ネットに全部書い'), ('殺す', '殺す')]
    """

    __slots__ = ("phrases", "pieces", "_keys", "_by_last", "_verbal", "_index")

    def __init__(self, phrases: Iterable[str | Phrase]) -> None:
        self.phrases: tuple[Phrase, ...] = distinct_phrases(phrases)
        self._keys: dict[str, tuple[str, ...]] = {}
        # Phrases that end in a verb: only an act said in a later clause (組 … 者 is no act).
        self._verbal = frozenset(p.text for p in self.phrases if p.words[-1].entry.pos in ("動詞", "助動詞"))
        by_last: dict[str, list[str]] = {}
        made: dict[str, Phrase] = {}
        for phrase in self.phrases:
            keys = []
            cut = pieces(phrase)
            for piece in cut:
                # A piece's name: its words as analysed (never a phrase an author writes).
                key = "\x1f".join(f"{w.surface}\x1e{w.norm}\x1e{w.entry.pos}" for w in piece)
                if key not in made:
                    alts = phrase.alts if len(cut) == 1 and len(piece) == 1 else ()
                    made[key] = Phrase(key, piece, "".join(w.entry.folded for w in piece), alts)
                keys.append(key)
            self._keys[phrase.text] = tuple(keys)
            by_last.setdefault(keys[-1], []).append(phrase.text)
        self.pieces: tuple[Phrase, ...] = tuple(made.values())
        self._by_last = {k: tuple(v) for k, v in by_last.items()}
        self._index: PhraseIndex | None = None

    def __reduce__(self) -> tuple[type[ActIndex], tuple[tuple[Phrase, ...]]]:
        return (ActIndex, (self.phrases,))

    def is_piece(self, name: str) -> bool:
        """Whether a phrase name found by a shared index is one of this index's pieces."""
        return "\x1f" in name or "\x1e" in name

    def matches(self, words: Sequence[Word]) -> list[Match]:
        """Every occurrence of every phrase (pieces in order in one clause, or in one sentence), by
        position."""
        if self._index is None:
            self._index = PhraseIndex(self.pieces)
        return [m for m, _ in self.compose(self._index.matches(words), words)]

    def compose(self, found_pieces: Iterable[Match], words: Sequence[Word]) -> list[tuple[Match, bool]]:
        """The phrases whose pieces were found (`found_pieces`, matches of `pieces`), put together,
        each with whether its pieces lie in two clauses of one sentence (`far`: 「テレビ局に知り合い
        おるけえ、この件流してもらうわ」), which then counts only when its form is marked
        (speech.Reading.marked)."""
        found: dict[str, list[tuple[int, int]]] = {}
        for m in found_pieces:
            found.setdefault(m.phrase, []).append((m.word_start, m.word_end))
        if not found:
            return []
        clauses, sentences = _units(words)
        by_end = {key: _by_end(spans) for key, spans in found.items()}
        out: dict[tuple[str, int, int], tuple[Match, bool]] = {}
        for key, spans in found.items():
            for text in self._by_last.get(key, ()):
                keys = self._keys[text]
                if any(k not in found for k in keys):
                    continue
                for a, b in spans:
                    start, far = _back(keys[:-1], by_end, a, clauses, _MAX_GAP), False
                    if start is None and text in self._verbal:
                        start, far = _back(keys[:-1], by_end, a, sentences, _MAX_FAR), True
                    if start is not None:
                        out[(text, start, b)] = (_match(text, words, start, b), far)
        return sorted(out.values(), key=lambda mf: (mf[0].word_start, mf[0].word_end))


def _units(words: Sequence[Word]) -> tuple[list[int], list[int]]:
    """For each word, the index of its clause and of its sentence. A new clause starts after a
    sentence end and after a predicate (a verb, する after a noun, an adjective not used as an
    adverb): two pieces of a phrase with a predicate between them (「ネットで予約して、備考欄に
    書きます」 for `"ネットに書く"`) are in two clauses."""
    clauses, sentences = [], []
    c = s = 0
    prev = None
    for w in words:
        clauses.append(c)
        sentences.append(s)
        e = w.entry
        if e.folded in _SENTENCE_END or e.pos2 == "句点":
            c += 1
            s += 1
        elif (e.pos == "動詞" and (e.pos2 != "非自立可能" or (w.norm == "為る" and prev is not None
                                                          and prev.entry.pos == "名詞"))) \
                or (e.pos == "形容詞" and e.pos2 != "非自立可能" and not e.conj_form.startswith("連用形")):
            c += 1
        prev = w
    return clauses, sentences


# A piece's occurrences, the latest ending first: (-end of each, the (start, end) of each).
ByEnd = tuple[list[int], list[tuple[int, int]]]


def _by_end(spans: list[tuple[int, int]]) -> ByEnd:
    """Sorted once per text: an act is put together from the few occurrences of its pieces just
    before it (a text that repeats a phrase of two pieces has thousands of each)."""
    latest = sorted(spans, key=lambda ab: -ab[1])
    return [-b for _, b in latest], latest


def _back(keys: Sequence[str], by_end: dict[str, ByEnd], before: int, unit: list[int], gap: int) -> int | None:
    """Where the pieces `keys` occur in order, the last ending at most `gap` words before `before`
    in the same unit (clause or sentence); the start of the first, or None."""
    if not keys:
        return before
    ends, latest = by_end[keys[-1]]
    # The occurrences ending from `before` back to `gap` words before it, the latest first.
    for a, b in latest[bisect_left(ends, -before):bisect_right(ends, gap - before)]:
        if unit[b] == unit[before]:
            start = _back(keys[:-1], by_end, a, unit, gap)
            if start is not None:
                return start
    return None


def _match(phrase: str, words: Sequence[Word], i: int, j: int) -> Match:
    return Match(phrase, i, j, words[i].start, words[j - 1].end, "".join(w.surface for w in words[i:j]))
