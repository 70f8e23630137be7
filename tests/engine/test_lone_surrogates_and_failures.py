"""`mentions` on a text with a lone surrogate, any failure of one record, and integers too long to print
(issue 25, items 7 and 8): every record gets its decision, explanations never raise."""
import json
import re

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.engine import mentions

POLICY = '''policy "t" { id t version "1" otherwise claim }
outcomes { claim, kasuhara }
schema {
  id: text key
  remarks: optional text
  n: int
}
rule threat { when remarks mentions "殺す" then kasuhara }
rule many { when n > 3 then kasuhara }
'''


@pytest.fixture(scope="module")
def policy():
    return parse_policy(POLICY)


def test_mentions_reads_a_lone_surrogate_as_u_fffd(policy):
    """A lone surrogate (valid in JSON) is searched as U+FFFD, as `matches` reads it: the phrase around it is
    still found, and the records after it are decided."""
    records = [{"id": "A", "remarks": "\ud800殺すぞ", "n": 0}, {"id": "B", "remarks": "abc\udfff", "n": 5},
               {"id": "C", "remarks": "ふつうの文", "n": 0}]
    decisions = list(policy.evaluate_many(records))
    assert [(d.incident, d.outcome, d.rule) for d in decisions] == \
        [("A", "kasuhara", "threat"), ("B", "kasuhara", "many"), ("C", "claim", None)]
    explained = list(policy.evaluate_many(records, explain=True))
    assert [d.outcome for d in explained] == ["kasuhara", "kasuhara", "claim"]
    evidence = explained[0].to_dict(explain=True)["trace"][0]["condition"]["evidence"]
    assert evidence[0]["phrase"] == "殺す" and evidence[0]["at"] == [1, 3]
    assert policy.evaluate_numbered(records[0], 1).rule == "threat"
    json.dumps(explained[0].to_dict(explain=True)), explained[0].explain()


def test_any_failure_of_a_record_is_an_error_decision_naming_it(policy, monkeypatch):
    """Whatever a record makes fail (here the analyser itself), `evaluate_many` and `evaluate_numbered` keep
    their promise: that record gets an error decision with its line and key, the others are decided."""
    real = mentions.words_of

    def broken(text):
        if "BOOM" in text:
            raise RuntimeError("the analyser fell over")
        return real(text)

    monkeypatch.setattr(mentions, "words_of", broken)
    records = [{"id": "A", "remarks": "殺す", "n": 0}, {"id": "B", "remarks": "BOOM", "n": 0},
               {"id": "C", "remarks": "x", "n": 9}]
    for explain in (False, True):
        decisions = list(policy.evaluate_many(records, explain=explain))
        assert [(d.incident, d.outcome) for d in decisions] == [("A", "kasuhara"), ("B", None), ("C", "kasuhara")]
        bad = decisions[1]
        assert bad.line == 2 and "RuntimeError" in bad.error.message and bad.to_dict()["error"]["line"] == 2
        assert "B" in bad.explain() and json.dumps(bad.to_dict(explain=True))
    d = policy.evaluate_numbered(records[1], 7)
    assert d.error is not None and d.error.line == 7 and d.incident == "B"


def test_a_mapping_that_fails_when_read_is_an_error_decision(policy):
    """A record object whose reading raises (not a RecordError) is an error decision, never a raise."""
    from collections.abc import Mapping

    class Hostile(Mapping):
        def __getitem__(self, key):
            raise KeyError(key) if key != "n" else RuntimeError("no")

        def __iter__(self):
            raise RuntimeError("cannot list my keys")

        def __len__(self):
            return 3

    d = policy.evaluate_numbered(Hostile(), 4)
    assert d.outcome is None and d.error is not None and d.line == 4
    (only,) = policy.evaluate_many([Hostile()])
    assert only.error is not None and only.line == 1


def test_an_integer_too_long_to_print_never_breaks_an_explanation():
    """Arithmetic can make an integer of thousands of digits (ten squarings of 10**15): plain decisions
    and explanations (JSON, text, compiled and interpreted) all work; the trace shows it as unknown."""
    defines = "define d0 = n * n\n" + "".join(f"define d{i} = d{i - 1} * d{i - 1}\n" for i in range(1, 10))
    p = parse_policy('policy "t" { id t version "1" otherwise claim }\noutcomes { claim, kasuhara }\n'
                     'schema {\n  id: text key\n  n: int\n}\n' + defines + "rule r { when d9 > 3 then kasuhara }\n")
    for i in range(40):  # the interpreter's first explanations, then the compiled explain
        d = p.evaluate({"id": f"A{i}", "n": 10**15 + i}, explain=True)
        assert d.outcome == "kasuhara"
        text = json.dumps(d.to_dict(explain=True))
        assert d.explain() and d.explain("en") and not re.search(r"\d{400}", text)
    node = d.to_dict(explain=True)["trace"][0]["condition"]
    assert node["value"] is True and node["children"][0]["value"] is None
