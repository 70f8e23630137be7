"""Phrases of a kinded list found as acts: their content words in order, in one sentence.

A phrase of a list with a kind (`announced`, `claimed`, `implied`) names an act, and is found more
freely than a plain phrase, because whether it counts is decided afterwards by how it is said
(speech.py): its words are cut at the particles between its content words, the pieces must occur in
order in one sentence, a few words may come between them, and the particles may differ
(`"ネットに書く"` is found in 「ネットに全部書いてやる」, 「ネットにも書く」 and the Tohoku 「ネットさ書いで」).
A piece is matched like a plain phrase (words.py: every inflection, spelling variants, compound
verbs), and the whole phrase is also found where it is written exactly.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from .words import Match, Phrase, PhraseIndex, Word, analyse_phrase

# Particles a phrase's pieces are cut at (the text may use another particle or none).
_CUT = frozenset({"格助詞", "係助詞", "副助詞"})
_MAX_GAP = 8  # words between two pieces
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
    """The phrases of kinded lists, found as acts (see the module's docstring).

    >>> from .words import words_of
    >>> ix = ActIndex(["ネットに書く", "殺す"])
    >>> [(m.phrase, m.surface) for m in ix.matches(words_of("ネットに全部書いてやる。殺すぞ"))]
    [('ネットに書く', 'ネットに全部書い'), ('殺す', '殺す')]
    """

    __slots__ = ("phrases", "_pieces", "_index", "_whole")

    def __init__(self, phrases: Iterable[str | Phrase]) -> None:
        seen: dict[str, Phrase] = {}
        for p in phrases:
            phrase = p if isinstance(p, Phrase) else analyse_phrase(p)
            if phrase.words and phrase.text not in seen:
                seen[phrase.text] = phrase
        self.phrases: tuple[Phrase, ...] = tuple(seen.values())
        self._pieces: dict[str, tuple[str, ...]] = {}
        piece_phrases: dict[str, Phrase] = {}
        for phrase in self.phrases:
            keys = []
            cut = pieces(phrase)
            for piece in cut:
                key = "\x1f".join(f"{w.surface}\x1e{w.norm}\x1e{w.entry.pos}" for w in piece)
                if key not in piece_phrases:
                    alts = phrase.alts if len(cut) == 1 and len(piece) == 1 else ()
                    piece_phrases[key] = Phrase(key, piece, "".join(w.entry.folded for w in piece), alts)
                keys.append(key)
            self._pieces[phrase.text] = tuple(keys)
        self._index = PhraseIndex(piece_phrases.values())
        self._whole = PhraseIndex(self.phrases)  # the phrase as written (its literal spelling too)

    def __reduce__(self) -> tuple[type[ActIndex], tuple[tuple[Phrase, ...]]]:
        return (ActIndex, (self.phrases,))

    def matches(self, words: Sequence[Word]) -> list[Match]:
        """Every occurrence of every phrase (pieces in order in one sentence), by position."""
        found: dict[str, list[tuple[int, int]]] = {}
        for m in self._index.matches(words):
            found.setdefault(m.phrase, []).append((m.word_start, m.word_end))
        if not found:
            return []
        ends = _sentence_ends(words)
        out: dict[tuple[str, int, int], Match] = {}
        for phrase in self.phrases:
            keys = self._pieces[phrase.text]
            last = found.get(keys[-1])
            if not last or any(k not in found for k in keys):
                continue
            for a, b in last:
                start = _back(keys[:-1], found, a, ends)
                if start is not None:
                    out[(phrase.text, start, b)] = _match(phrase.text, words, start, b)
        for m in self._whole.matches(words):
            out.setdefault((m.phrase, m.word_start, m.word_end), m)
        return sorted(out.values(), key=lambda m: (m.word_start, m.word_end))


def _sentence_ends(words: Sequence[Word]) -> list[int]:
    """For each word, the index of its sentence (the count of sentence ends before it)."""
    out, n = [], 0
    for w in words:
        out.append(n)
        if w.entry.folded in _SENTENCE_END or w.entry.pos2 == "句点":
            n += 1
    return out


def _back(keys: Sequence[str], found: dict[str, list[tuple[int, int]]], before: int,
          sentence: list[int]) -> int | None:
    """Where the pieces `keys` occur in order, the last ending at most _MAX_GAP words before `before`
    in the same sentence; the start of the first, or None."""
    if not keys:
        return before
    for a, b in sorted(found[keys[-1]], key=lambda ab: -ab[1]):
        if b <= before and before - b <= _MAX_GAP and sentence[a] == sentence[before]:
            start = _back(keys[:-1], found, a, sentence)
            if start is not None:
                return start
    return None


def _match(phrase: str, words: Sequence[Word], i: int, j: int) -> Match:
    return Match(phrase, i, j, words[i].start, words[j - 1].end, "".join(w.surface for w in words[i:j]))
