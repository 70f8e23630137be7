"""Tests for the shipped lexicon (examples/lexicon) on the labelled utterances (tests/corpus/utterances.tsv)."""
import importlib.util
from pathlib import Path

import pytest

from kasuhara_rules.text.words import analyse_phrase, phrase_warning

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("lexicon_eval", ROOT / "benchmarks" / "lexicon_eval.py")
lexicon_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lexicon_eval)

LISTS = lexicon_eval.load_lexicon()
CORPUS = lexicon_eval.load_corpus()


@pytest.fixture(scope="module")
def by_words():
    return lexicon_eval.evaluate(CORPUS, LISTS, lexicon_eval.word_matcher(LISTS))


def test_the_corpus_is_large_and_labelled_with_known_lists():
    """At least 300 utterances, 100 of them matching no list, each naming only lists that exist and a source."""
    assert len(CORPUS) >= 300
    assert sum(1 for u in CORPUS if not u.expected) >= 100
    assert len({u.text for u in CORPUS}) == len(CORPUS)
    for u in CORPUS:
        assert u.expected <= set(lexicon_eval.FAMILIES), u.text
        assert u.source, u.text
    assert set(lexicon_eval.FAMILIES) == {"threats", "abuse", "exposure", "discrimination", "sexual", "coercion",
                                          "superiors"}
    assert {m for members in lexicon_eval.FAMILIES.values() for m in members} == set(LISTS)


def test_word_matching_reaches_the_goal(by_words):
    """Overall precision ≥ 0.95 and recall ≥ 0.9 of `mentions any` on the labelled utterances."""
    assert by_words.overall.recall >= 0.9, by_words.errors
    assert by_words.overall.precision >= 0.95, by_words.errors


def test_word_matching_finds_more_than_substrings(by_words):
    """Word matching beats substring matching (`contains any`) on recall and on precision, same lists."""
    subs = lexicon_eval.evaluate(CORPUS, LISTS, lexicon_eval.substring_matcher(LISTS))
    assert by_words.overall.recall > subs.overall.recall
    assert by_words.overall.precision > subs.overall.precision


@pytest.mark.parametrize("name", sorted(LISTS))
def test_phrases_are_written_for_word_matching(name):
    """Every phrase has words, is longer than one character, is not only particles, and is listed once."""
    phrases = LISTS[name]
    assert len(phrases) == len(set(phrases))
    for text in phrases:
        assert phrase_warning(analyse_phrase(text)) is None, text


def test_every_list_cites_its_sources():
    """Each list file opens with comments naming its sources."""
    for path in sorted(lexicon_eval.LEXICON.glob("*.txt")):
        header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
        assert any("Sources" in line for line in header), path.name
        assert any("厚生労働省" in line or "東京都" in line for line in header), path.name


def test_the_legal_list_is_written_for_word_matching():
    """lexicon/legal.txt (rights: lawsuits, lawyers, authorities; not scored on the utterances) is
    written for `mentions` like the other lists, and 訴えてやる, 訴えます and 訴訟を起こす all find it."""
    path = lexicon_eval.LEXICON / "legal.txt"
    phrases = [ln.split("#", 1)[0].strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    phrases = [p for p in phrases if p]
    assert len(phrases) == len(set(phrases)) and "訴える" in phrases
    for text in phrases:
        assert phrase_warning(analyse_phrase(text)) is None, text
    from kasuhara_rules.engine.mentions import Listener, MentionSet

    hear, legal = Listener(phrases, []), MentionSet(phrases, None)  # as the baseline reads it: no kind
    for said in ("このままなら訴えてやる", "弁護士を立てて訴えます", "少額訴訟を起こします", "消費生活センターに相談します"):
        assert legal.any(hear(said)), said


def test_the_docs_show_the_figures_measured(by_words):
    """docs/matching-speech.md shows, for all lists together, the figures measured here (words and
    substrings), so the page never keeps figures of an earlier lexicon."""
    subs = lexicon_eval.evaluate(CORPUS, LISTS, lexicon_eval.substring_matcher(LISTS))
    w, s = by_words.overall, subs.overall
    doc = (ROOT / "docs" / "matching-speech.md").read_text(encoding="utf-8")
    row = (f"| **all** | {w.tp + w.fn} | **{w.precision:.3f}** | **{w.recall:.3f}** | {s.precision:.3f} "
           f"| {s.recall:.3f} |")
    assert row in doc
