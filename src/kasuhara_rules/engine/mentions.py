"""What compiled policies call for `mentions`: the phrases heard in a text, found once per record.

The analyser (text/words.py, SudachiPy) is loaded the first time a policy that uses `mentions`
is compiled; a policy without `mentions` never imports this module. All the phrases a policy
looks for with `mentions` are analysed once, when it is compiled, into one phrase index. A text is
split into words and searched for every phrase at once, at most once per record (the generated
code keeps the result for each field in a slot), and each `mentions` is then a set test.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .records import REDACTED
from .tracedata import EMPTY, TraceDict, TraceList
from ..text.words import Match, PhraseIndex, Word, words_of


class Heard:
    """A text's words, and the first occurrence of each of the policy's phrases found among them."""

    __slots__ = ("words", "found")

    def __init__(self, words: Sequence[Word], found: Mapping[str, Match]) -> None:
        self.words = words
        self.found = found


class Listener:
    """Every phrase a policy's `mentions` look for, in one index; called once per text field and
    record.

    >>> hear = Listener(["晒す", "ネットに書く", "死ね"])
    >>> sorted(hear("ネットに書いてやる、晒してやる").found)
    ['ネットに書く', '晒す']
    """

    __slots__ = ("index",)

    def __init__(self, phrases: Iterable[str], index: PhraseIndex | None = None) -> None:
        self.index = index if index is not None else PhraseIndex(dict.fromkeys(phrases))

    def __reduce__(self) -> tuple[type[Listener], tuple[tuple[()], PhraseIndex]]:
        # Sent to worker processes with the phrases already analysed.
        return (Listener, ((), self.index))

    def __call__(self, text: str | None) -> Heard | None:
        """None stays None: an absent text is unknown."""
        if text is None:
            return None
        words = words_of(text)
        return Heard(words, self.index.found(words))


class MentionSet:
    """The phrases of one `mentions` operand.

    >>> hear = Listener(["晒す", "ネットに書く"])
    >>> ms = MentionSet(["晒す", "ネットに書く"])
    >>> ms.any(hear("ネットに書いてやる")), ms.all(hear("ネットに書いてやる"))
    (True, False)
    """

    __slots__ = ("phrases", "set")

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases: tuple[str, ...] = tuple(dict.fromkeys(phrases))
        self.set = frozenset(self.phrases)

    def any(self, heard: Heard) -> bool:
        """Whether some phrase occurs in the text."""
        return not self.set.isdisjoint(heard.found)

    def all(self, heard: Heard) -> bool:
        """Whether every phrase occurs in the text (a phrase without words never does)."""
        return heard.found.keys() >= self.set

    def evidence(self, heard: Heard | None, sensitive: bool, show_sensitive: bool) -> list[Any]:
        """Each phrase found (first occurrence) as `{"phrase", "words", "at": [start, end]}`: the
        words of the text that matched it and where they are (character offsets, end excluded, in the
        NFKC-normalised text); the words are redacted for a sensitive text unless asked (the phrase
        is the policy's own, and stays)."""
        if heard is None or not heard.found:
            return EMPTY
        hide = sensitive and not show_sensitive
        out: list[Any] = []
        for phrase in self.phrases:
            m = heard.found.get(phrase)
            if m is not None:
                words = REDACTED if hide else TraceList([w.surface for w in heard.words[m.word_start:m.word_end]])
                out.append(TraceDict({"phrase": phrase, "words": words, "at": TraceList([m.start, m.end])}))
        return TraceList(out) if out else EMPTY


def ev_words(mset: MentionSet, heard: Any, sensitive: bool, show_sensitive: bool) -> list[Any]:
    """Evidence of `t mentions …` (see MentionSet.evidence)."""
    return mset.evidence(heard, sensitive, show_sensitive)
