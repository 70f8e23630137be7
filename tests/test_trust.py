"""Decisions that are true and self-contained (issue 14 items 12 and 13)."""
import copy

from kasuhara_rules import parse_policy
from tests.conftest import policy

NESTED = '''policy "n" {
  id n
  version "1"
  otherwise ok
}
outcomes { ok, bad }
schema {
  incident_id: text key
  case: { contacts: list of { length: optional duration in minutes, note: optional text sensitive } }
}
rule long { when sum(case.contacts.length) >= 30min then bad }
rule noted { when count(case.contacts where note is present) > 0 then bad }
'''


def _nodes(node):
    yield node
    for child in node["children"]:
        yield from _nodes(child)


def test_reads_of_a_path_through_a_list_show_the_values_that_decided():
    """`sum(case.contacts.length)` over present values reads those values, not null."""
    p = parse_policy(NESTED, "n.kasu")
    record = {"incident_id": "1", "case": {"contacts": [{"length": "PT35M", "note": "秘密"}, {"length": 5}]}}
    d = p.evaluate(record, explain=True)
    assert d.outcome == "bad"
    reads = {}
    for entry in d.to_dict(explain=True)["trace"]:
        for node in _nodes(entry["condition"]):
            reads.update(node["reads"])
    assert reads["case.contacts.length"] == ["PT35M", 5]
    assert "秘密" not in str(d.to_dict(explain=True))
    shown = {}
    for entry in d.trace(show_sensitive=True):
        for node in _nodes(entry["condition"]):
            shown.update(node["reads"])
    assert "秘密" in str(shown)


def test_a_decision_does_not_change_when_the_callers_record_does():
    """Mutating (or reusing) the record after evaluate leaves the decision and its trace alone."""
    p = parse_policy(policy('rule d { when dogeza and count(contacts) > 0 then kasuhara respond "x" }'), "t.kasu")
    record = {"incident_id": "T-1", "channel": "phone", "repeat": 1, "dogeza": True, "words": [],
              "contacts": [{"at": "2026-04-01T10:00:00+09:00"}], "reported_at": "2026-04-01T10:00:00+09:00"}
    for explain in (False, True):
        rec = copy.deepcopy(record)
        d = p.evaluate(rec, explain=explain)
        before = d.to_dict(explain=True)
        rec["dogeza"] = False
        rec["contacts"].clear()
        rec["contacts"].append({"at": "bad"})
        assert d.to_dict(explain=True) == before
        assert before["trace"][0]["result"] == "matched"

    def reused():  # a generator that reuses one dict, as some readers do
        rec = copy.deepcopy(record)
        for dogeza in (True, False):
            rec["dogeza"] = dogeza
            yield rec

    for explain in (False, True):
        ds = list(p.evaluate_many(reused(), explain=explain))
        assert [d.outcome for d in ds] == ["kasuhara", "claim"]
        assert [d.to_dict(explain=True)["trace"][0]["result"] for d in ds] == ["matched", "not_matched"]
        assert "✔" in ds[0].explain(lang="en") or "matched" in ds[0].explain(lang="en")


def test_to_dict_policy_is_a_copy():
    """Editing one output's policy block changes neither the policy nor later outputs."""
    p = parse_policy(policy('rule d { when dogeza then kasuhara respond "x" }'), "t.kasu")
    record = {"incident_id": "T-1", "channel": "phone", "repeat": 1, "dogeza": True, "words": [],
              "contacts": [], "reported_at": "2026-04-01T10:00:00+09:00"}
    d = p.evaluate(record)
    out = d.to_dict()
    out["policy"]["digest"] = "sha256:forged"
    out["policy"].get("files", [{}])[0]["path"] = "x" if out["policy"].get("files") else None
    assert d.to_dict()["policy"]["digest"] == p.digest
    assert p.evaluate(record).to_dict()["policy"]["digest"] == p.digest
