"""What compiled policies call for `mentions`: the words of a text, and phrases analysed once.

The analyser (engine/words.py, SudachiPy) is loaded the first time a policy that uses `mentions`
is compiled; a policy without `mentions` never imports this module. A text is split into words
once per record (the generated code keeps the words of each field in a slot), and each operand's
phrases once, when the policy is compiled.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from .records import REDACTED
from .tracedata import EMPTY, TraceDict, TraceList
from .words import PhraseIndex, Word, words_of


def words(text: str | None) -> tuple[Word, ...] | None:
    """The words of a text (None stays None: an absent text is unknown)."""
    return None if text is None else words_of(text)


class MentionSet:
    """The phrases of one `mentions` operand, analysed into words when the policy is compiled.

    >>> ms = MentionSet(["晒す", "ネットに書く"])
    >>> ms.any(words("ネットに書いてやる")), ms.all(words("ネットに書いてやる"))
    (True, False)
    """

    __slots__ = ("phrases", "index", "complete")

    def __init__(self, phrases: Iterable[str], index: PhraseIndex | None = None) -> None:
        self.phrases: tuple[str, ...] = tuple(dict.fromkeys(phrases))
        self.index = index if index is not None else PhraseIndex(self.phrases)
        # A phrase without words (only spaces) is never found, so `mentions all` with it is false.
        self.complete = len(self.index.phrases) == len(self.phrases)

    def __reduce__(self):
        # Sent to worker processes with the phrases already analysed.
        return (MentionSet, (self.phrases, self.index))

    def any(self, text_words: Sequence[Word]) -> bool:
        """Whether some phrase occurs among the words."""
        return self.index.first(text_words) is not None

    def all(self, text_words: Sequence[Word]) -> bool:
        """Whether every phrase occurs among the words."""
        return self.complete and len(self.index.found(text_words)) == len(self.index.phrases)

    def evidence(self, text_words: Sequence[Word] | None, sensitive: bool, show_sensitive: bool) -> list:
        """Each phrase found (first occurrence) as `{"phrase", "words", "at": [start, end]}`: the
        words of the text that matched it and where they are (character offsets, end excluded, in the
        NFKC-normalised text); the words are redacted for a sensitive text
        unless asked (the phrase is the policy's own, and stays)."""
        if not text_words:
            return EMPTY
        hide = sensitive and not show_sensitive
        return TraceList([
            TraceDict({"phrase": phrase,
                       "words": REDACTED if hide else TraceList([w.surface for w in text_words[m.word_start:m.word_end]]),
                       "at": TraceList([m.start, m.end])})
            for phrase, m in self.index.found(text_words).items()
        ])


def ev_words(mset: MentionSet, text_words: Any, sensitive: bool, show_sensitive: bool) -> list:
    """Evidence of `t mentions …` (see MentionSet.evidence)."""
    return mset.evidence(text_words, sensitive, show_sensitive)


HELPERS: dict[str, Any] = {"words": words, "ev_words": ev_words}
