"""`mentions` on a text that repeats a phrase: the work grows with the text's length, not with its
square (text/speech_marks.py finds the sentences, brackets and cues of a text once, for every act
found in it; text/acts.py sorts the pieces of an act once per text). The work is counted, not timed:
the words the reader looks at and the occurrences it sorts."""
import json
import re

import pytest

from kasuhara_rules import load_policy
from kasuhara_rules.engine import mentions
from kasuhara_rules.text import acts
from kasuhara_rules.text.speech import read, sentence_of
from kasuhara_rules.text.speech_marks import Marks
from kasuhara_rules.text.words import words_of
from tests.conftest import ROOT, sized

EXAMPLES = ROOT / "examples"
RETAIL = load_policy(EXAMPLES / "retail.kasu")
RECORD = json.loads((EXAMPLES / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines()[0])
# Denied, denied sentence by sentence, quoted, announced, an act of two pieces (text/acts.py), and
# the readers that look further than the next few words: a concession, a condition, a means of
# threat named, another person's act, an intent denied.
PATTERNS = ["殺さない", "殺さない。", "「殺す」と言われた", "晒す", "ネットに書く",
            "殺してもいい", "殺したら", "ヤクザの", "佐藤が殺さない", "殺すつもりはない"]


class Counted(tuple):
    """A text's words that count how many of them are looked at."""

    looked = 0

    def __getitem__(self, k):
        got = super().__getitem__(k)
        Counted.looked += len(got) if isinstance(k, slice) else 1
        return got


def work(monkeypatch, remarks):
    """The words looked at and the occurrences sorted in deciding (and explaining) a record."""
    sorted_ = sorted
    counts = {"sorted": 0}

    def counting_sorted(items, **kw):
        items = list(items)
        counts["sorted"] += len(items)
        return sorted_(items, **kw)

    monkeypatch.setattr(mentions, "words_of", lambda text: Counted(words_of(text)))
    monkeypatch.setattr(acts, "sorted", counting_sorted, raising=False)
    Counted.looked = 0
    d = RETAIL.evaluate(dict(RECORD, remarks=remarks), explain=True)
    assert d.error is None and d.to_json(explain=True)
    return Counted.looked + counts["sorted"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_twice_the_text_is_about_twice_the_work(monkeypatch, pattern):
    """A phrase said 800 times costs at most 2.5 times what it costs said 400 times (before the
    sentences and brackets were found once per text, about 4 times: every act was read by walking
    back to the start of its sentence, or of the text)."""
    once, twice = work(monkeypatch, pattern * 400), work(monkeypatch, pattern * 800)
    assert twice / once <= 2.5, (pattern, once, twice)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_long_repeated_phrase_is_decided_as_a_short_one(pattern):
    """A remark of 100,000 characters (1,000,000 in CI) repeating one phrase is decided, with the
    evidence of the phrase said a few times: the same cues (where the first occurrence that counts
    is, the last one in 「ネットに書くネットに書く…」, is further on)."""
    size = sized(1_000_000, 100_000) // (1 if pattern == "殺さない" else 10)
    many = RETAIL.evaluate(dict(RECORD, remarks=pattern * (size // len(pattern))), explain=True)
    few = RETAIL.evaluate(dict(RECORD, remarks=pattern * 3), explain=True)
    assert many.error is None and many.outcome == few.outcome and many.matched == few.matched
    assert _anywhere(many) == _anywhere(few)


def _anywhere(decision):
    """The explained decision, without where in the text the evidence was found."""
    return re.sub(r'"at":\[\d+,\d+\]', '"at":[]', decision.to_json(explain=True))


def test_the_marks_answer_as_a_walk_over_the_words_does():
    """Sentence bounds, brackets and the first word of a kind are the same looked at one by one
    (a few words) as taken from the tables (many)."""
    text = "「晒すぞ」と言われた。" * 10 + "ネットに晒してやる、いいな。" * 10 + "口コミに書く"
    words = words_of(text)
    marks = Marks(words)
    for start in range(len(words)):
        s0, s1 = sentence_of(words, start, start + 1, marks)
        walk0 = max([k + 1 for k in range(start) if words[k].surface in "。"] + [0])
        walk1 = min([k for k in range(start + 1, len(words)) if words[k].surface in "。"] + [len(words)])
        assert (s0, s1) == (walk0, walk1)
        depth = sum(1 if w.surface == "「" else -1 if w.surface == "」" else 0 for w in words[:start])
        assert marks.depth(start) == depth
        for kind in ("announced", "claimed", "implied"):
            assert read(words, start, start + 1, kind, None, marks) == read(words[:], start, start + 1, kind)
