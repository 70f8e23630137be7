"""`mentions any` with the shipped lexicon, through the real engine, on the labelled utterances."""
import importlib.util

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("mentions_bench", ROOT / "benchmarks" / "mentions.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lexicon")
    corpus = bench.read_corpus()
    words = bench.accuracy(bench.load(bench.policy_text("mentions", 0), tmp), corpus)
    letters = bench.accuracy(bench.load(bench.policy_text("contains", 0), tmp), corpus)
    return words, letters


def test_policy_reaches_the_goal(scores):
    """Rules `remarks mentions any LIST` over `phrases LIST from "lexicon/LIST.txt"`: recall ≥ 0.9 and
    precision ≥ 0.95 over every (utterance, list) pair of tests/corpus/utterances.tsv."""
    words, _ = scores
    assert words["all"][0] + words["all"][1] >= 200  # enough positives for the figures to mean something
    assert bench.recall(words["all"]) >= 0.9, words
    assert bench.precision(words["all"]) >= 0.95, words


def test_mentions_beats_contains_on_the_same_lists(scores):
    """The same rules with `contains any` find fewer of the utterances and raise more false alarms."""
    words, letters = scores
    assert bench.recall(words["all"]) > bench.recall(letters["all"])
    assert bench.precision(words["all"]) > bench.precision(letters["all"])
