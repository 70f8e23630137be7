"""Objects that cannot be changed after the fact (issue 25, items 15–18): a policy's ref, a decision's record
and error, shared trace nodes (even through `dict.__setitem__`), and equality that includes the policy."""
import copy
import json
import pickle

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.tracedata import EMPTY

SOURCE = '''policy "t" {{ id t version "{version}" otherwise claim }}
outcomes {{ claim, kasuhara }}
severities {{ low, high }}
schema {{
  id: text key
  loud: bool
  calls: list of {{ minutes: int }}
}}
rule r {{ when loud and count(calls where minutes >= 30) >= 1 then kasuhara severity high }}
rule s {{ when not loud then kasuhara severity low }}
'''
RECORD = {"id": "A-1", "loud": True, "calls": [{"minutes": 45}]}


@pytest.fixture(scope="module")
def policy():
    return parse_policy(SOURCE.format(version="1"))


# ---- item 15 -----------------------------------------------------------------------------------------


def test_policy_ref_cannot_be_changed(policy):
    """`policy.ref` is read-only all the way down; every decision's policy block stays what was loaded."""
    with pytest.raises(TypeError):
        policy.ref["version"] = "forged"
    with pytest.raises(TypeError):
        policy.ref["files"][0]["digest"] = "sha256:forged"
    with pytest.raises((TypeError, AttributeError)):
        policy.ref["files"].append({"path": "x"})
    block = policy.evaluate(RECORD).to_dict()["policy"]
    assert block["version"] == "1" and block["digest"] == policy.digest


# ---- item 16 -----------------------------------------------------------------------------------------


def test_the_record_of_a_decision_cannot_change_its_explanation(policy):
    """Whatever is done to `decision.record` (top level or inside its lists), the explanation stays."""
    d = policy.evaluate(dict(RECORD, calls=[{"minutes": 45}]))
    before = (d.explain(), json.dumps(d.to_dict(explain=True)))
    with pytest.raises(TypeError):
        d.record["loud"] = False
    d.record["calls"][0]["minutes"] = 1
    d.record["calls"].append({"minutes": 99})
    assert (d.explain(), json.dumps(d.to_dict(explain=True))) == before
    assert d.record["calls"] == [{"minutes": 45}]


def test_the_error_of_a_decision_cannot_be_changed(policy):
    """An error decision's message, field and line are read-only; its explanation stays."""
    d = policy.evaluate_numbered({"id": "A-2", "loud": "yes", "calls": []}, 7)
    before = d.explain()
    for name, value in (("message", "forged"), ("field", "id"), ("line", 1), ("args", ("forged",))):
        with pytest.raises(AttributeError):
            setattr(d.error, name, value)
    assert d.explain() == before and d.error.line == 7 and d.error.field == "loud"


# ---- item 17 -----------------------------------------------------------------------------------------


def test_shared_trace_nodes_cannot_be_rewritten_even_with_dict_setitem(policy):
    """Two decisions with the same values share cached trace entries inside the engine; what a caller gets
    is never one of them, so `dict.__setitem__`/`list.append` on it forge no other decision's trace."""
    for i in range(40):  # past the interpreter's first explanations: the compiled, cached `explain` answers
        policy.evaluate(dict(RECORD, id=f"W-{i}"), explain=True)
    first = policy.evaluate(RECORD, explain=True)
    second = policy.evaluate(dict(RECORD), explain=True)
    expected = json.dumps(second.to_dict(explain=True))
    trace = first.to_dict(explain=True)["trace"]
    dict.__setitem__(trace[0]["condition"], "value", False)
    dict.__setitem__(trace[0], "result", "not_matched")
    list.append(trace[1]["condition"]["children"], {"forged": True})
    for node in (first.trace()[0]["condition"], first.trace()[0]):
        dict.__setitem__(node, "text", "forged")
    assert json.dumps(second.to_dict(explain=True)) == expected
    assert json.dumps(policy.evaluate(dict(RECORD), explain=True).to_dict(explain=True)) == expected
    assert second.explain() == policy.evaluate(dict(RECORD)).explain()
    assert len(EMPTY) == 0


def test_traces_still_read_and_serialise_as_json(policy):
    """The copies a caller gets are ordinary JSON data: dicts and lists, equal to the shared entries."""
    d = policy.evaluate(RECORD, explain=True)
    trace = d.to_dict(explain=True)["trace"]
    assert type(trace) is list and type(trace[0]) is dict and trace == d.trace()
    assert json.loads(d.to_json(explain=True)) == d.to_dict(explain=True)
    assert json.loads(d.to_json()) == d.to_dict()


# ---- item 18 -----------------------------------------------------------------------------------------


def test_decisions_of_two_policy_versions_differ(policy):
    """Equality includes the policy's digest: the same decision by another version is another decision."""
    other = parse_policy(SOURCE.format(version="2"))
    a, b = policy.evaluate(RECORD), other.evaluate(RECORD)
    assert (a.outcome, a.rule) == (b.outcome, b.rule)
    assert a != b and len({a, b}) == 2
    assert a == parse_policy(SOURCE.format(version="1")).evaluate(RECORD)


def test_an_error_decision_equals_its_pickled_copy(policy):
    """An error decision survives pickling equal (and with equal hash), its error whole."""
    d = policy.evaluate_numbered({"id": "A-2", "loud": "yes", "calls": []}, 7)
    again = pickle.loads(pickle.dumps(d))
    assert again == d and hash(again) == hash(d)
    assert (again.error.message, again.error.field, again.error.line) == (d.error.message, d.error.field, 7)
    assert copy.copy(d) == d
