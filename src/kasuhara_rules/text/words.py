"""Words of Japanese text (SudachiPy, split mode C) and phrases found among them, for `mentions`."""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any, Iterable, Sequence

import attrs

from .respell import respell

# Katakana ァ..ヶ and the iteration marks ヽヾ map to their hiragana forms (as textnorm does;
# this module imports nothing from the package, so the table is repeated here).
_KANA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
_KANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})
# Sudachi refuses an input longer than 49,149 bytes; a character is at most 4 bytes of UTF-8.
_CHUNK = 12_000
_BREAKS = "。!?\n．"
# Parts of speech whose words may match by reading when one side is written in kana only
# (バカ / ばか / 馬鹿, クズ / 屑): nouns and adjectival nouns, which do not inflect.
_READING_POS = frozenset({"名詞", "形状詞"})
_SPACE_POS = "空白"


def fold(text: str) -> str:
    """Case- and kana-folded text (NFKC first): the form spellings are compared in.

    >>> fold("ﾊﾞｶ"), fold("ＳＮＳ"), fold("ばか")
    ('ばか', 'sns', 'ばか')
    """
    return unicodedata.normalize("NFKC", text).casefold().translate(_KANA)


def _kana_only(text: str) -> bool:
    return all("\u3041" <= ch <= "\u309f" or "\u30a0" <= ch <= "\u30ff" for ch in text)


@attrs.frozen(cache_hash=True)
class Entry:
    """What the dictionary says of a word as written (the same for every occurrence): `norm`, the
    normalised form (晒し → 晒す, あげる → 上げる), case- and kana-folded; `dictionary`, its dictionary
    form; `reading`, the reading of the surface in hiragana; `pos`, the part of speech; `conj_type` and
    `conj_form`, Sudachi's conjugation type and form (`*` for words that do not inflect); `pos2`, the
    second level of the part of speech (格助詞, 終助詞, 非自立可能, 句点 …); `folded`, the
    surface folded like `norm`; `inflected`, whether it is written in another form than its dictionary
    form (死ね, not 死ぬ); `head`, for a compound verb, the normalised form of its last part
    (ぶち殺す → 殺す, 刺し殺す → 殺す), else empty."""

    norm: str
    dictionary: str
    reading: str
    pos: str
    pos2: str
    conj_type: str
    conj_form: str
    folded: str
    inflected: bool
    head: str


@attrs.frozen
class Word:
    """A word of an analysed text; `start`/`end` are character offsets in the NFKC-normalised text,
    `norm` its normalised form (folded), `entry` the rest of what the dictionary says of it."""

    surface: str
    norm: str
    start: int
    end: int
    entry: Entry = attrs.field(eq=False, repr=False)

    @property
    def reading(self) -> str:
        """The reading of the word as written, in hiragana."""
        return self.entry.reading

    @property
    def conj_form(self) -> str:
        """Sudachi's conjugation form (`*` for a word that does not inflect)."""
        return self.entry.conj_form

    @property
    def inflected(self) -> bool:
        """Whether the word is written in another form than its dictionary form."""
        return self.entry.inflected


@attrs.frozen
class Phrase:
    """A phrase as the author wrote it, with its analysed words and its folded spelling; `alts`, other
    readings of a one-word phrase that the analyser reads alone as an interjection or a prefix (クソ
    alone is the interjection; in 「あいつクソやな」 and 「クソが」 it is the noun 糞)."""

    text: str
    words: tuple[Word, ...]
    literal: str
    alts: tuple[Word, ...] = ()

    @property
    def readings(self) -> tuple[tuple[Word, ...], ...]:
        """The phrase's words, then each other reading (one word each)."""
        return (self.words, *((w,) for w in self.alts))


@attrs.frozen
class Match:
    """Where a phrase was found: word index range [word_start, word_end), character offsets
    [start, end) in the NFKC-normalised text, and the matched words as written."""

    phrase: str
    word_start: int
    word_end: int
    start: int
    end: int
    surface: str


@functools.lru_cache(maxsize=1)
def _dictionary() -> Any:  # a sudachipy Dictionary (SudachiPy has no type information)
    from sudachipy import Dictionary  # imported here: policies without `mentions` never pay for it

    return Dictionary(dict="core")


_CREATING = threading.Lock()  # taken only while the analyser is first made


@functools.lru_cache(maxsize=1)
def _analyser() -> "_Analyser":
    # Two threads starting at once may both get here; the lock makes the second wait for the
    # first, so that the dictionary (cached by _dictionary) is loaded once.
    with _CREATING:
        return _Analyser()


class _Analyser:
    """One Sudachi tokenizer per thread (Sudachi's tokenizers refuse concurrent use), sharing the
    dictionary, and a cache of entries by (dictionary word id, surface): a word seen before costs
    two calls into Sudachi, not eight.

    Measured (benchmarks/words.py, 200-character texts, tokenize only): a tokenizer behind a lock and
    a tokenizer per thread (threading.local) cost the same on one thread (373 and 374 µs: an
    uncontended lock is ~0.1 µs against ~300 µs of analysis); on two threads and two cores,
    per-thread tokenizers run in parallel (Sudachi releases the GIL: 212 µs of wall time per text)
    while the lock makes them take turns (380 µs), so per-thread tokenizers are used.
    """

    _LIMIT = 50_000  # entries kept before the cache starts over (bounded memory: ~35 MB at most)

    def __init__(self) -> None:
        from sudachipy import SplitMode

        self._dict = _dictionary()
        self._mode_c = SplitMode.C
        self._mode_a = SplitMode.A
        self._local = threading.local()
        self._entries: dict[tuple[int, str], Entry] = {}
        # analyse_phrase's answers (immutable): a policy checked again, as the editor does at each
        # change, or another version naming the same lexicon analyses its phrases once
        self.phrases: dict[str, Phrase] = {}

    def _tokenizer(self) -> Any:
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            tok = self._local.tokenizer = self._dict.tokenizer(mode=self._mode_c)
        return tok

    def _entry(self, m: Any, surface: str) -> Entry:
        pos = m.part_of_speech()
        head = ""
        if pos[0] == "動詞" and len(surface) >= 3:  # only these may be compound verbs
            parts = m.split(self._mode_a)
            if len(parts) > 1:
                head = parts[len(parts) - 1].normalized_form().translate(_KANA)
        folded = surface.casefold().translate(_KANA)
        dictionary = m.dictionary_form()
        return Entry(
            norm=m.normalized_form().casefold().translate(_KANA),
            dictionary=dictionary,
            reading=m.reading_form().translate(_KANA),
            pos=pos[0],
            pos2=pos[1],
            conj_type=pos[4],
            conj_form=pos[5],
            folded=folded,
            inflected=pos[4] != "*" and folded != dictionary.casefold().translate(_KANA),
            head=head,
        )

    def words(self, text: str) -> tuple[Word, ...]:
        tok = self._tokenizer()
        entries = self._entries
        if len(entries) > self._LIMIT:
            entries.clear()
        read, starts, ends = respell(text)
        out: list[Word] = []
        for offset, chunk in _chunks(read):
            at = offset  # Sudachi's surfaces are slices of the input, one after another
            for m in tok.tokenize(chunk):
                surface = m.surface()
                key = (m.word_id(), surface)
                entry = entries.get(key)
                if entry is None:
                    entry = entries[key] = self._entry(m, surface)
                end = at + len(surface)
                if entry.pos != _SPACE_POS:
                    if starts is None or ends is None:
                        out.append(Word(surface, entry.norm, at, end, entry))
                    else:  # respelled: the offsets and the surface of the text as written
                        s, e = starts[at], max(starts[at], ends[end])
                        out.append(Word(text[s:e], entry.norm, s, e, entry))
                at = end
        return tuple(out)


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    """Pieces of at most _CHUNK characters, cut after a sentence end where there is one."""
    start, size = 0, len(text)
    while size - start > _CHUNK:
        cut = max(text.rfind(ch, start, start + _CHUNK) for ch in _BREAKS)
        end = cut + 1 if cut > start else start + _CHUNK
        yield start, text[start:end]
        start = end
    if start < size or size == 0:
        yield start, text[start:]


def words_of(text: str) -> tuple[Word, ...]:
    """The words of `text` (NFKC-normalised first), each with its normalised form.

    >>> [(w.surface, w.norm) for w in words_of("晒してやる")]
    [('晒し', '晒す'), ('て', 'て'), ('やる', '遣る')]
    """
    if not text:
        return ()
    text = unicodedata.normalize("NFKC", text)
    if _SURROGATE.search(text):  # a lone surrogate (valid JSON) is read as U+FFFD, as `matches` reads it
        text = _SURROGATE.sub("\ufffd", text)
    return _analyser().words(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def analyse_phrase(text: str) -> Phrase:
    """A phrase ready for matching: its words, and its spelling folded for the literal check.

    >>> [w.norm for w in analyse_phrase("ネットに書く").words]
    ['ねっと', 'に', '書く']
    """
    kept = _analyser().phrases
    found = kept.get(text)
    if found is None:
        if len(kept) > _Analyser._LIMIT:
            kept.clear()
        found = kept[text] = _phrase(text)
    return found


def _phrase(text: str) -> Phrase:
    words = words_of(text)
    alts: list[Word] = []
    if len(words) == 1 and words[0].entry.pos in _ALONE_POS:
        # Read as it is used: in the carrying sentences, the word written the same way.
        for carrier in _CARRIERS:
            for w in words_of(carrier.format(text)):
                if w.entry.folded == words[0].entry.folded and w.entry.pos not in _ALONE_POS \
                        and w.norm != words[0].norm and all(a.norm != w.norm for a in alts):
                    alts.append(w)
    return Phrase(text=text, words=words, literal="".join(w.entry.folded for w in words), alts=tuple(alts))


# A one-word phrase read alone as one of these is also read in the carrying sentences below.
_ALONE_POS = frozenset({"感動詞", "接頭辞", "接尾辞"})
_CARRIERS = ("{}が", "この{}", "{}だ")


_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})


def phrase_warning(phrase: Phrase) -> str | None:
    """Why the analyser may not split a phrase as its author meant, or None: `"empty"` (no words),
    `"one-character"` (matches inside many words' neighbours: 死, 殺), `"particles-only"` (only
    particles, auxiliaries or symbols: に, です). For `kasu check` to warn with a hint.

    >>> [phrase_warning(analyse_phrase(t)) for t in ("死ね", "死", "には", " ")]
    [None, 'one-character', 'particles-only', 'empty']
    """
    if not phrase.words:
        return "empty"
    if len(phrase.literal) == 1:
        return "one-character"
    if all(w.entry.pos in _FUNCTION_POS for w in phrase.words):
        return "particles-only"
    return None


def _word_matches(p: Word, w: Word) -> bool:
    """Whether text word `w` matches phrase word `p`.

    Same normalised form: a phrase word in its dictionary form matches every inflection; an
    inflected phrase word matches the same form with the same reading, or an imperative that
    begins with it (Sudachi reads 「死ねよ」 and 「覚えておけよ」 as one imperative word). A word that
    does not inflect must also read the same, long vowels aside (Sudachi normalises ばあ and ババア
    alike; サーバ and サーバー read alike). Nouns and adjectival nouns written in kana also match
    the same word in other spellings by reading (ばか / 馬鹿). A verb in its dictionary form also
    matches a compound verb ending in it (殺す: ぶち殺す, 刺し殺す), and a humble verb its plain one
    in any form (する: いたす, 言う: 申す, 行く: 参る / 伺う).
    """
    pe, we = p.entry, w.entry
    if _HUMBLE.get(w.norm) == p.norm and (not pe.inflected or pe.conj_form.split("-")[0] == we.conj_form.split("-")[0]):
        return True
    if p.norm == w.norm:
        if not pe.inflected:
            if pe.conj_type == "*" and we.conj_type == "*":  # the same spelling read otherwise in context
                return _unlong(pe.reading) == _unlong(we.reading) or pe.folded == we.folded
            return True
        if we.conj_form == pe.conj_form and we.reading == pe.reading:
            return True
        if we.conj_form.startswith("命令形") and we.reading.startswith(pe.reading):
            return True
    if pe.inflected and _imperative_with_particle(pe, we):
        return True
    if we.head and p.norm == we.head:
        return not pe.inflected
    return (pe.pos in _READING_POS and pe.pos == we.pos and pe.reading == we.reading
            and (_kana_only(p.surface) or _kana_only(w.surface)))


# Humble verbs and the plain verbs they stand for (the polite form of a threat is the threat:
# 連絡いたします, 保証いたしかねます).
_HUMBLE = {"致す": "為る", "申す": "言う", "申し上げる": "言う", "参る": "行く", "伺う": "行く"}


def _imperative_with_particle(pe: Entry, we: Entry) -> bool:
    """An imperative written as the phrase's word and one more character (おけ → おけよ), which
    Sudachi may read as one word of another verb (おけよ: おける)."""
    return (we.conj_form.startswith("命令形") and len(we.folded) == len(pe.folded) + 1
            and we.folded.startswith(pe.folded))


def _unlong(reading: str) -> str:
    return reading.replace("ー", "")


def _match_at(phrase: Phrase, words: Sequence[Word], i: int) -> int:
    """The end of the phrase's occurrence starting at word i, or -1 when there is none."""
    pw = phrase.words
    n = len(pw)
    if n and i + n <= len(words):
        for k in range(n):
            if not _word_matches(pw[k], words[i + k]):
                break
        else:
            return i + n
    for alt in phrase.alts:
        if _word_matches(alt, words[i]):
            return i + 1
    # The literal spelling starting and ending at word boundaries, where Sudachi splits the text
    # differently from the phrase (「死ね。」 is read as 死 + ね). Where it splits both alike, the
    # words have decided (辞めちまえ is not found in 辞めちまえば: another form of ちまう).
    lit = phrase.literal
    if lit and lit.startswith(words[i].entry.folded):
        acc = ""
        for j in range(i, len(words)):
            acc += words[j].entry.folded
            if acc == lit:
                if [w.entry.folded for w in words[i:j + 1]] == [w.entry.folded for w in pw]:
                    # Split alike: the same kana may be read as other words in context (お + かん in
                    # ただじゃおかん, い in いてまう); each inflecting word must keep its form
                    # (辞めちまえ is not in 辞めちまえば).
                    return j + 1 if len(pw) > 1 and _same_forms(pw, words[i:j + 1]) else -1
                return j + 1
            if len(acc) >= len(lit) or not lit.startswith(acc):
                break
    return -1


def _same_forms(pw: Sequence[Word], tw: Sequence[Word]) -> bool:
    """Each inflecting phrase word and the text word spelled like it are in the same conjugation
    form (its main part: 連用形-一般 and 連用形-省略 are alike)."""
    return all(p.entry.conj_type == "*" or p.entry.conj_form.split("-")[0] == t.entry.conj_form.split("-")[0]
               for p, t in zip(pw, tw))


def find(phrase: Phrase, words: Sequence[Word]) -> tuple[int, int] | None:
    """The word index range [start, end) of the phrase's first occurrence among `words`, or None.

    >>> text = words_of("祖母が死んだ。死ねよ")
    >>> find(analyse_phrase("死ね"), text), find(analyse_phrase("バカ"), words_of("買ったばかり"))
    ((5, 6), None)
    """
    if not phrase.words:
        return None
    firsts = [r[0] for r in phrase.readings]
    norms = {f.norm for f in firsts}
    readings = {f.entry.reading for f in firsts if f.entry.pos in _READING_POS}
    lit = phrase.literal
    for i, w in enumerate(words):
        e = w.entry
        if w.norm in norms or e.head in norms or e.reading in readings or lit.startswith(e.folded) \
                or (e.conj_form.startswith("命令形") and lit.startswith(e.folded[:-1])):
            end = _match_at(phrase, words, i)
            if end >= 0:
                return (i, end)
    return None


def _surface(words: Sequence[Word], i: int, j: int) -> str:
    return "".join(w.surface for w in words[i:j])


def distinct_phrases(phrases: Iterable[str | Phrase]) -> tuple[Phrase, ...]:
    """The phrases analysed (texts) or as given (Phrase), in order, each text once, those with no word left out."""
    seen: dict[str, Phrase] = {}
    for p in phrases:
        phrase = p if isinstance(p, Phrase) else analyse_phrase(p)
        if phrase.words and phrase.text not in seen:
            seen[phrase.text] = phrase
    return tuple(seen.values())


class PhraseIndex:
    """Many phrases, indexed by what their first word may be matched by (its normalised form, its
    reading, the prefixes of the phrase's spelling), so that matching a text costs a few dictionary
    look-ups per word, not one scan per phrase.

    >>> ix = PhraseIndex(["晒す", "ネットに書く", "殺す"])
    >>> [(m.phrase, m.surface) for m in ix.matches(words_of("殺されたいのか。ネットに書いてやる"))]
    [('殺す', '殺さ'), ('ネットに書く', 'ネットに書い')]
    """

    __slots__ = ("phrases", "_by_norm", "_by_reading", "_by_prefix", "_seen")
    _LIMIT = 50_000  # entries whose candidates are remembered before starting over

    def __init__(self, phrases: Iterable[str | Phrase]) -> None:
        self.phrases: tuple[Phrase, ...] = distinct_phrases(phrases)
        by_norm: dict[str, list[int]] = {}
        by_reading: dict[str, list[int]] = {}
        by_prefix: dict[str, list[int]] = {}
        for k, phrase in enumerate(self.phrases):
            for reading in phrase.readings:
                first = reading[0]
                by_norm.setdefault(first.norm, []).append(k)
                if first.entry.pos in _READING_POS:
                    by_reading.setdefault(first.entry.reading, []).append(k)
            for end in range(1, len(phrase.literal) + 1):  # a text word that begins the spelling
                by_prefix.setdefault(phrase.literal[:end], []).append(k)
        self._by_norm = {k: tuple(v) for k, v in by_norm.items()}
        self._by_reading = {k: tuple(v) for k, v in by_reading.items()}
        self._by_prefix = {k: tuple(v) for k, v in by_prefix.items()}
        # The candidates of a dictionary entry, once worked out (entries are shared by every
        # occurrence of a word, so a text costs one look-up per word here).
        self._seen: dict[Entry, Sequence[int]] = {}

    def __reduce__(self) -> tuple[type[PhraseIndex], tuple[tuple[Phrase, ...]]]:
        # Rebuilt from the analysed phrases (no analyser needed), without the candidates seen so far.
        return (PhraseIndex, (self.phrases,))

    def _candidates(self, w: Word) -> Sequence[int]:
        """The phrases (by position) that may start at word `w`, in phrase order."""
        e = w.entry
        ks = self._seen.get(e)
        if ks is None:
            if len(self._seen) > self._LIMIT:
                self._seen.clear()
            ks = self._seen[e] = self._work_out(w)
        return ks

    def _work_out(self, w: Word) -> Sequence[int]:
        e = w.entry
        found = [ks for ks in (self._by_norm.get(w.norm),
                               self._by_norm.get(e.head) if e.head else None,
                               self._by_reading.get(e.reading) if e.pos in _READING_POS else None,
                               self._by_prefix.get(e.folded),
                               self._by_prefix.get(e.folded[:-1]) if e.conj_form.startswith("命令形") else None)
                 if ks]
        if not found:
            return ()
        if len(found) == 1:
            return found[0]
        return sorted({k for ks in found for k in ks})

    def matches(self, words: Sequence[Word]) -> list[Match]:
        """Every occurrence of every phrase, by position in the text, then by phrase order."""
        out: list[Match] = []
        phrases = self.phrases
        for i, w in enumerate(words):
            for k in self._candidates(w):
                end = _match_at(phrases[k], words, i)
                if end >= 0:
                    out.append(Match(phrases[k].text, i, end, w.start, words[end - 1].end, _surface(words, i, end)))
        return out

    def first(self, words: Sequence[Word]) -> Match | None:
        """The first occurrence of any phrase (stops there: the fast path of `mentions any`)."""
        phrases = self.phrases
        for i, w in enumerate(words):
            for k in self._candidates(w):
                end = _match_at(phrases[k], words, i)
                if end >= 0:
                    return Match(phrases[k].text, i, end, w.start, words[end - 1].end, _surface(words, i, end))
        return None

    def found(self, words: Sequence[Word]) -> dict[str, Match]:
        """The first occurrence of each phrase found, keyed by the phrase as written, in phrase order
        (for `mentions all`: every phrase is found when its length equals the number of phrases)."""
        first: dict[str, Match] = {}
        for m in self.matches(words):
            first.setdefault(m.phrase, m)
        return {p.text: first[p.text] for p in self.phrases if p.text in first}
