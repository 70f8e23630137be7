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
    review = next(d for d in decisions if d.outcome == "review" and d.pending[0].rule == "persistent_contacts")
    text = review.explain()
    assert "判断を保留したルール: persistent_contacts" in text
    assert "足りない情報: 話が平行線（同じ主張の繰り返し・回答済みの件の蒸し返し） (deadlocked)" in text
    assert "暫定の判断:" in text and "記録のない次の情報しだいで、判断の区分が変わります" in text
    # unknown data that could not change the decision: the decision stands, pending still shown
    stands = next(d for d in decisions if d.outcome == "claim" and d.pending)
    text = stands.explain()
    assert "判断の区分は確定です" in text and "判断を保留したルール:" in text and "暫定の判断" not in text
    assert "当てはまれば: クレーム" in text  # each pending rule says what it would give
    # the remark itself is sensitive; the policy phrases found in it are policy text (evidence)
    said = "覚えてろよ。夜道に気をつけろ。"
    assert "‹redacted›" in decisions[4].explain() and said not in decisions[4].explain()
    assert said not in json.dumps(decisions[4].to_dict(explain=True), ensure_ascii=False)
    assert "夜道に気をつける" in decisions[4].explain()  # the policy's phrase (lexicon/implied.txt)
    assert "(暗黙の脅し)" in decisions[4].explain()  # how it was said: the category, not the text's words


def test_unknown_language_is_an_error(decisions):
    """Only ja and en are known."""
    with pytest.raises(ValueError):
        decisions[0].explain(lang="fr")


MISSING_POLICY = '''policy "M" { id m version "1" otherwise claim }
schema {
  id: text key
  a: optional int
  contacts: list of { length: optional duration in minutes }
}
outcomes { claim, kasuhara }
rule long_contact "長い連絡" { when max(contacts.length) >= 30min then kasuhara respond "x" }
rule ratio { when a / 0 > 1 then kasuhara respond "y" }
'''


def test_a_rule_the_recorded_values_leave_open_names_no_missing_field():
    """The largest of an empty list and a division by zero are unknown (language.md), so the rule is
    pending — but nothing is missing: `missing` is empty (it named the recorded `contacts` and `a`), and
    the explanation says the recorded values do not settle it instead of "data not recorded". A list with
    an element that lacks the value is still named."""
    from kasuhara_rules import parse_policy
    from kasuhara_rules.cli.common import pending_text

    p = parse_policy(MISSING_POLICY)
    d = p.evaluate({"id": "M1", "contacts": [], "a": 5})
    assert d.outcome == "review" and [(x.rule, x.missing) for x in d.pending] == [("long_contact", ()), ("ratio", ())]
    ja, en = d.explain("ja"), d.explain("en")
    assert "記録された値からは当てはまるかどうかが決まりません" in ja and "記録のない" not in ja
    assert ja.count("足りない情報: なし（記録された値からは決まりません）") == 2
    assert "the recorded values do not settle the rules below" in en and "not recorded" not in en
    pending = d.to_dict()["pending"]
    assert "rules the recorded values do not settle" in pending_text(pending, True, "en")
    assert "記録された値からは決まらないルール" in pending_text(pending, True, "ja")
    d = p.evaluate({"id": "M2", "contacts": [{"length": 5}, {}], "a": 5})
    assert [(x.rule, x.missing) for x in d.pending] == [("long_contact", ("contacts",)), ("ratio", ())]
    ja = d.explain("ja")
    assert "記録のない次の情報しだいで" in ja and "足りない情報: contacts" in ja
    assert "data not recorded" in pending_text(d.to_dict()["pending"], True, "en")
