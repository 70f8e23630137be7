"""What compiled policies call for `mentions`: the phrases heard in a text, found once per record.

The analyser (text/words.py, SudachiPy) is loaded the first time a policy that uses `mentions`
is compiled; a policy without `mentions` never imports this module. All the phrases a policy
looks for with `mentions` are analysed once, when it is compiled, into one phrase index (and the
phrases of lists with a kind into one index of acts, text/acts.py). A text is split into words
and searched for every phrase at once, at most once per record (the generated code keeps the
result for each field in a slot), and each `mentions` is then a set test. How a phrase of a kinded
list is said (text/speech.py) is read only where such a phrase was found, once per occurrence, and
what the readings of one text share (its clauses, its sentences and brackets) is found once: a text
that repeats a phrase is read in time that grows with its length, not with its square.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .records import REDACTED
from .tracedata import EMPTY, TraceDict, TraceList
from ..text.acts import ActIndex
from ..text.speech import Reading, read
from ..text.speech_marks import Marks
from ..text.speech_scan import Read
from ..text.words import Match, PhraseIndex, Word, words_of


class Heard:
    """A text's words, the first occurrence of each of the policy's phrases found among them, and
    every occurrence of each phrase of a kinded list (`acts`), with how each is said once read."""

    __slots__ = ("words", "found", "acts", "far", "_readings", "_scans", "_marks")

    def __init__(self, words: Sequence[Word], found: Mapping[str, Match],
                 acts: Mapping[str, Sequence[Match]] | None = None, far: frozenset[Match] = frozenset()) -> None:
        self.words = words
        self.found = found
        self.acts: Mapping[str, Sequence[Match]] = acts or {}
        self.far = far  # occurrences whose pieces lie in two clauses (text/acts.py)
        self._readings: dict[tuple[int, int, str, bool], Reading] = {}
        self._scans: Read = {}  # the clauses read (text/speech_scan.py), shared by the occurrences
        self._marks: Marks | None = None  # where the sentences and brackets are (text/speech_marks.py)

    def reading(self, m: Match, kind: str) -> Reading:
        """How the occurrence `m` is said, for a list of this kind (read once). An occurrence whose
        pieces lie in two clauses counts only in a marked form (てやる, ぞ, a rhetorical question…)."""
        far = m in self.far
        key = (m.word_start, m.word_end, kind, far)
        r = self._readings.get(key)
        if r is None:
            if self._marks is None:
                self._marks = Marks(self.words)
            r = read(self.words, m.word_start, m.word_end, kind, self._scans, self._marks)
            if far and r.counted and not r.marked:
                r = Reading(False, "far: " + r.cue.split(": ", 1)[-1])
            self._readings[key] = r
        return r

    def counted(self, phrase: str, kind: str) -> tuple[Match, Reading] | None:
        """The first occurrence of `phrase` said as `kind` asks, else the first occurrence with the
        reason it does not count (for the evidence); None when the phrase does not occur."""
        first: tuple[Match, Reading] | None = None
        for m in self.acts.get(phrase, ()):
            r = self.reading(m, kind)
            if r.counted:
                return m, r
            if first is None:
                first = (m, r)
        return first


class Listener:
    """Every phrase a policy's `mentions` look for, in one index (and the phrases of kinded lists in
    an index of acts); called once per text field and record.

    >>> hear = Listener(["晒す", "ネットに書く", "死ね"])
    >>> sorted(hear("ネットに書いてやる、晒してやる").found)
    ['ネットに書く', '晒す']
    >>> sorted(Listener([], ["晒す"])("晒すつもりはない").acts)
    ['晒す']
    """

    __slots__ = ("index", "acts")

    def __init__(self, phrases: Iterable[str], kinded: Iterable[str] = (), index: PhraseIndex | None = None,
                 acts: ActIndex | None = None) -> None:
        kinded = list(dict.fromkeys(kinded))
        self.acts = acts if acts is not None else (ActIndex(kinded) if kinded else None)
        if index is None:  # the plain phrases and the pieces of the acts, searched in one pass
            index = PhraseIndex([*dict.fromkeys(phrases), *(self.acts.pieces if self.acts is not None else ())])
        self.index = index

    def __reduce__(self) -> tuple[type[Listener], tuple[tuple[()], tuple[()], PhraseIndex, ActIndex | None]]:
        # Sent to worker processes with the phrases already analysed.
        return (Listener, ((), (), self.index, self.acts))

    def __call__(self, text: str | None) -> Heard | None:
        """None stays None: an absent text is unknown."""
        if text is None:
            return None
        words = words_of(text)
        if self.acts is None:
            return Heard(words, self.index.found(words))
        found: dict[str, Match] = {}
        pieces: list[Match] = []
        is_piece = self.acts.is_piece
        for m in self.index.matches(words):
            if is_piece(m.phrase):
                pieces.append(m)
            elif m.phrase not in found:
                found[m.phrase] = m
        acts: dict[str, list[Match]] = {}
        far: set[Match] = set()
        if pieces:
            for m, apart in self.acts.compose(pieces, words):
                acts.setdefault(m.phrase, []).append(m)
                if apart:
                    far.add(m)
        return Heard(words, found, acts, frozenset(far))


class MentionSet:
    """The phrases of one `mentions` operand, and the kind of their list (None: any form counts).

    >>> hear = Listener(["晒す", "ネットに書く"], ["晒す"])
    >>> ms = MentionSet(["晒す", "ネットに書く"])
    >>> ms.any(hear("ネットに書いてやる")), ms.all(hear("ネットに書いてやる"))
    (True, False)
    >>> said = MentionSet(["晒す"], "announced")
    >>> said.any(hear("晒してやる")), said.any(hear("晒すつもりはありません"))
    (True, False)
    """

    __slots__ = ("phrases", "set", "kind", "_order")

    def __init__(self, phrases: Iterable[str], kind: str | None = None) -> None:
        self.phrases: tuple[str, ...] = tuple(dict.fromkeys(phrases))
        self.set = frozenset(self.phrases)
        self.kind = kind
        self._order = {phrase: i for i, phrase in enumerate(self.phrases)}

    def _heard(self, heard: Heard) -> list[str]:
        """The phrases of this set found in the text (occurring at all, whatever the kind), in the
        set's order. A text holds a few of them, a lexicon a thousand: the search starts from the text."""
        hits = self.set.intersection(heard.found if self.kind is None else heard.acts)
        return sorted(hits, key=self._order.__getitem__) if len(hits) > 1 else list(hits)

    def any(self, heard: Heard) -> bool:
        """Whether some phrase occurs in the text (said as the kind asks)."""
        if self.kind is None:
            return not self.set.isdisjoint(heard.found)
        kind = self.kind
        for phrase in self.set.intersection(heard.acts):
            found = heard.counted(phrase, kind)
            if found is not None and found[1].counted:
                return True
        return False

    def all(self, heard: Heard) -> bool:
        """Whether every phrase occurs in the text (a phrase without words never does)."""
        if self.kind is None:
            return heard.found.keys() >= self.set
        if not heard.acts.keys() >= self.set:
            return False
        for phrase in self.phrases:
            found = heard.counted(phrase, self.kind)
            if found is None or not found[1].counted:
                return False
        return True

    def evidence(self, heard: Heard | None, sensitive: bool, show_sensitive: bool) -> list[Any]:
        """Each phrase found (first occurrence) as `{"phrase", "words", "at": [start, end]}`: the
        words of the text that matched it and where they are (character offsets, end excluded, in the
        NFKC-normalised text); the words are redacted for a sensitive text unless asked (the phrase
        is the policy's own, and stays). For a list with a kind, also `"kind"`, `"counted"` and the
        `"cue"` that decided (`"announced: てやる"`, `"negation: ない"`; for a sensitive text hidden, the
        category alone: `"negation"`), for the first occurrence said as the kind asks, else for the
        first one found (so that a phrase found but not counted shows why)."""
        if heard is None:
            return EMPTY
        hide = sensitive and not show_sensitive
        out: list[Any] = []
        for phrase in self._heard(heard):
            if self.kind is None:
                m = heard.found.get(phrase)
                if m is not None:
                    out.append(TraceDict({"phrase": phrase, "words": _words(heard, m, hide),
                                          "at": TraceList([m.start, m.end])}))
                continue
            found = heard.counted(phrase, self.kind)
            if found is not None:
                m, r = found
                # The cue's words are the text's own: for a sensitive text, only its category stays.
                cue = r.cue.split(": ", 1)[0] if hide else r.cue
                out.append(TraceDict({"phrase": phrase, "words": _words(heard, m, hide),
                                      "at": TraceList([m.start, m.end]), "kind": self.kind,
                                      "counted": r.counted, "cue": cue}))
        return TraceList(out) if out else EMPTY


def _words(heard: Heard, m: Match, hide: bool) -> Any:
    return REDACTED if hide else TraceList([w.surface for w in heard.words[m.word_start:m.word_end]])


def ev_words(mset: MentionSet, heard: Any, sensitive: bool, show_sensitive: bool) -> list[Any]:
    """Evidence of `t mentions …` (see MentionSet.evidence)."""
    return mset.evidence(heard, sensitive, show_sensitive)
