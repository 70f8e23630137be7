"""The labelled speech acts (tests/corpus/speech-acts.tsv) through the shipped baseline: the figures."""
import importlib.util
import re

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("speech_eval", ROOT / "benchmarks" / "speech_eval.py")
speech_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(speech_eval)

CORPUS = speech_eval.load_corpus()
LABELS = {"threat", "exposure", "legal", "none"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return speech_eval.evaluate(speech_eval.baseline(tmp_path_factory.mktemp("b")), CORPUS)


def test_the_set_is_large_labelled_and_says_how_each_line_was_written():
    """At least 300 utterances, a third of them written blind, each with a known label, its form,
    how it was written and its source; no utterance twice."""
    assert len(CORPUS) >= 300
    assert sum(u.blind for u in CORPUS) * 3 >= len(CORPUS)
    assert len({u.text for u in CORPUS}) == len(CORPUS)
    for u in CORPUS:
        assert u.label in LABELS, u.text
        assert u.form and u.how and u.source, u.text
    positives = [u for u in CORPUS if u.positive]
    assert len(positives) >= 150 and sum(not u.positive for u in CORPUS) >= 150
    forms = {u.form for u in CORPUS}
    for needed in ("past", "negation", "passive", "quoted", "whether", "question-permission", "hypothetical",
                   "naming-title", "reported-victim"):
        assert any(f.startswith(needed) for f in forms), needed
    assert sum("kansai" in u.form or "dialect" in u.form for u in CORPUS) >= 20
    assert sum(u.form.startswith("long") for u in CORPUS) >= 15


def test_the_whole_set_reaches_the_targets(result):
    """Announced threats or exposure as the baseline decides them: precision ≥ 0.95, recall ≥ 0.9."""
    s = result.whole
    assert s.precision >= 0.95, result.false_alarms
    assert s.recall >= 0.9, result.misses


def test_the_part_written_blind_reaches_the_targets(result):
    """The same on the utterances written by people who never saw the lexicon or the rules."""
    s = result.blind
    assert s.tp + s.fn >= 50
    assert s.precision >= 0.95, [u.text for u, _ in result.false_alarms if u.blind]
    assert s.recall >= 0.9, [u.text for u, _ in result.misses if u.blind]


def test_the_issues_remarks_are_decided_right(result):
    """The remarks issue 24 quotes (the review already posted, the denial, the shop's own page, the
    quoted threat, 「ヤクザみたいな言い方はやめてください」, 「殺したろか」 …) are all decided right."""
    wrong = {u.text for u, _ in result.misses + result.false_alarms}
    quoted = [u for u in CORPUS if u.source == "issue 24"]
    assert len(quoted) >= 20
    assert [u.text for u in quoted if u.text in wrong] == []


def test_every_miss_and_false_alarm_is_listed_in_the_docs(result):
    """docs/matching-speech.md lists every utterance the baseline decides wrongly (so the figures
    there are the figures here)."""
    doc = (ROOT / "docs" / "matching-speech.md").read_text(encoding="utf-8")
    for u, _ in result.misses + result.false_alarms:
        assert u.text in doc, u.text
    shown = re.search(r"\| with kinds \(shipped\) \| whole set \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", doc)
    assert shown is not None
    assert (float(shown.group(3)), float(shown.group(4))) == (round(result.whole.precision, 3),
                                                              round(result.whole.recall, 3))


def test_matching_in_any_form_is_what_the_kinds_fix(result, tmp_path):
    """The same lists without their kinds raise many more false alarms (the defect of issue 24)."""
    plain = speech_eval.evaluate(speech_eval.baseline(tmp_path, kinds=False), CORPUS)
    assert plain.whole.fp > 5 * max(1, result.whole.fp)
    assert plain.whole.precision < 0.8


FOUND = speech_eval.load_corpus(ROOT / "tests" / "corpus" / "speech-found.tsv")


def test_the_found_text_and_its_first_sight_are_shown_as_measured(tmp_path):
    """Remarks not written for this analysis (tests/corpus/speech-found.tsv): docs/matching-speech.md
    shows the figures measured here and lists every miss and false alarm (a floor, not a target:
    the set is a first sight and is not tuned on)."""
    assert len(FOUND) >= 100 and all(u.label in LABELS and u.how for u in FOUND)
    found = speech_eval.evaluate(speech_eval.baseline(tmp_path), FOUND)
    doc = (ROOT / "docs" / "matching-speech.md").read_text(encoding="utf-8")
    s = found.whole
    row = (f"| with kinds (shipped) | narratives (found) | {s.tp + s.fn} | {s.fp + s.tn} "
           f"| {s.precision:.3f} | {s.recall:.3f} | {s.fn} | {s.fp} |")
    assert row in doc
    for u, _ in found.misses + found.false_alarms:
        assert u.text in doc, u.text
    assert s.precision >= 0.95


def test_the_parts_by_how_they_were_written_are_shown_as_measured(result):
    """The table of docs/matching-speech.md by how the lines were written shows today's figures."""
    doc = (ROOT / "docs" / "matching-speech.md").read_text(encoding="utf-8")
    for part, s in result.parts.items():
        assert s.tp + s.fn + s.fp + s.tn
        cell = f"{s.precision:.3f} / {s.recall:.3f} ({s.fn}, {s.fp})"
        assert any(line.startswith(f"| {part}") and cell in line for line in doc.splitlines()), (part, cell)
