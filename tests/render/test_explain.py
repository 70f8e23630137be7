"""Golden files for decisions (JSON) and explanations (ja, en) of the shipped retail incidents."""
import json
import os

import pytest

from kasuhara_rules import load_policy
from kasuhara_rules.reading.files import read_path
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def decisions():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        p = load_policy("examples/retail.kasu")
        return [p.evaluate_numbered(r, line)
                for line, r in read_path("examples/retail-incidents.jsonl", p.checked.fields)]
    finally:
        os.chdir(cwd)


def test_json_golden(decisions, golden):
    """Every decision, with its trace, as JSON Lines."""
    text = "".join(json.dumps(d.to_dict(explain=True), ensure_ascii=False, sort_keys=False) + "\n" for d in decisions)
    golden("explain/retail-decisions.jsonl", text)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_text_golden(decisions, golden, lang):
    """Every explanation for people, in Japanese and English."""
    golden(f"explain/retail-{lang}.txt", "\n\n".join(d.explain(lang=lang) for d in decisions) + "\n")


def test_explanation_shape(decisions):
    """The headline names outcome and label; review explanations name pending rules and missing fields."""
    first = decisions[0].explain()
    assert first.splitlines()[0] == "R-2026-0001 → クレーム（申し出として誠実に対応） (claim)"
    review = next(d for d in decisions if d.outcome == "review" and d.pending[0].rule == "excessive_demand")
    text = review.explain()
    assert "判断を保留したルール: excessive_demand" in text
    assert "足りない情報: 要求の程度（求める対応が損害に見合うか） (proportionate)" in text
    assert "暫定の判断:" in text
    # unknown data that could not change the decision: the decision stands, pending still shown
    stands = next(d for d in decisions if d.outcome == "claim" and d.pending)
    text = stands.explain()
    assert "判断は変わらないため" in text and "判断を保留したルール:" in text and "暫定の判断" not in text
    # the remark itself is sensitive; the policy phrases found in it are policy text (evidence)
    said = "覚えてろよ。夜道に気をつけろ。"
    assert "‹redacted›" in decisions[4].explain() and said not in decisions[4].explain()
    assert said not in json.dumps(decisions[4].to_dict(explain=True), ensure_ascii=False)
    assert "夜道に気をつけろ" in decisions[4].explain()


def test_unknown_language_is_an_error(decisions):
    """Only ja and en are known."""
    with pytest.raises(ValueError):
        decisions[0].explain(lang="fr")
