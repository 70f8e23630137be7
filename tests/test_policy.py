"""Tests for policy.py: the Python API of section 9 — load, evaluate, batches, pickling, threads."""
import json
import pickle
import threading

import pytest

from kasuhara_rules import PolicyError, RecordError, load_policy, parse_policy
from tests.conftest import ROOT, policy, sized

RETAIL = ROOT / "examples" / "retail.kasu"
INCIDENTS = ROOT / "examples" / "retail-incidents.jsonl"


def incidents(path=INCIDENTS):
    """The records of an incidents file; a line that is not JSON stays a string (a bad record)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            out.append(line)
    return out


def test_load_policy_and_facts():
    """load_policy returns a policy with its id, version, title and digest."""
    p = load_policy(RETAIL)
    assert (p.id, p.version) == ("retail", "2026.4")
    assert p.digest.startswith("sha256:") and len(p.digest) == 7 + 64
    assert "dogeza" in p.rule_names


def test_digest_is_sha256_of_the_file_bytes():
    """For a one-file policy the digest is the SHA-256 of its bytes."""
    import hashlib

    one = ROOT / "examples" / "quickstart.kasu"
    assert load_policy(one).digest == "sha256:" + hashlib.sha256(one.read_bytes()).hexdigest()


def test_digest_of_an_extending_policy():
    """With extends: SHA-256 of the lines `<hex digest> <file name>`, base first (section 7)."""
    import hashlib

    names = ["mhlw-baseline.kasu", "lexicon/threats.txt", "lexicon/backing.txt", "lexicon/implied.txt",
             "lexicon/exposure.txt", "lexicon/abuse.txt", "lexicon/legal.txt", "retail.kasu"]  # the base, the phrase files it names, then the policy itself
    lines = "".join(f"{hashlib.sha256((ROOT / 'examples' / name).read_bytes()).hexdigest()} {name}\n"
                    for name in names)
    policy = load_policy(RETAIL)
    assert policy.digest == "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    files = next(iter(policy.evaluate_many([{}]))).to_dict()["policy"]["files"]
    assert [f["path"] for f in files] == names


def test_policy_error_carries_diagnostics():
    """A broken policy raises PolicyError with every diagnostic."""
    with pytest.raises(PolicyError) as info:
        parse_policy(policy('rule r { when nope then kasuhra respond "x" }\n'), "bad.kasu")
    assert [d.code for d in info.value.diagnostics] == ["E301", "E302"]
    assert "bad.kasu:" in info.value.render()


def test_evaluate_raises_record_error():
    """evaluate() raises RecordError naming the field for an invalid record."""
    p = load_policy(RETAIL)
    record = dict(incidents()[0], channel="fax")
    with pytest.raises(RecordError) as info:
        p.evaluate(record)
    assert info.value.field == "channel" and "fax" in info.value.message


@pytest.mark.parametrize("record", [None, [], "text", 3, {"incident_id": 1}])
def test_evaluate_rejects_non_records(record):
    """Anything but a mapping of the schema raises RecordError, never another exception."""
    with pytest.raises(RecordError):
        load_policy(RETAIL).evaluate(record)


def test_evaluate_many_never_raises_and_keeps_order():
    """evaluate_many yields one decision per input, in order; bad ones carry `error` and a position."""
    p = load_policy(RETAIL)
    items = incidents() + [None, {"x": 1}]
    decisions = list(p.evaluate_many(items))
    assert len(decisions) == len(items)
    bad = [(i + 1, d.error.line) for i, d in enumerate(decisions) if d.error is not None]
    assert bad and all(line == pos for pos, line in bad)
    assert all(d.outcome is None for d in decisions if d.error is not None)
    assert decisions[0].incident == "R-2026-0001"


def test_decision_json_has_exactly_the_contract_keys():
    """to_dict() gives the keys of section 7, in order; trace only with explain."""
    d = load_policy(RETAIL).evaluate(incidents()[1])
    keys = ["incident", "outcome", "outcome_label", "severity", "escalation", "rule", "matched", "pending",
            "provisional", "responses", "policy"]
    assert list(d.to_dict()) == keys
    assert list(d.to_dict(explain=True)) == keys + ["trace"]
    assert list(d.to_dict()["policy"]) == ["id", "version", "digest", "files"]
    entry = d.to_dict(explain=True)["trace"][0]
    assert list(entry) == ["rule", "title", "at", "result", "condition"]
    assert set(entry["condition"]) >= {"text", "value", "at", "reads", "children"}


def test_error_decision_json():
    """An invalid record is {incident, outcome: null, error: {message, field, line}}."""
    p = load_policy(RETAIL)
    d = list(p.evaluate_many([dict(incidents()[0], channel="fax")]))[0]
    assert d.to_dict() == {"incident": "R-2026-0001", "outcome": None,
                           "error": {"message": d.error.message, "field": "channel", "line": 1},
                           "policy": p.policy_block()}


def test_policy_is_picklable_and_decides_the_same():
    """A pickled policy rebuilds from its own bytes (no file access) and decides identically."""
    p = load_policy(RETAIL)
    q = pickle.loads(pickle.dumps(p))
    assert q.digest == p.digest
    for record in incidents():
        assert [d.to_dict(explain=True) for d in q.evaluate_many([record])] == \
               [d.to_dict(explain=True) for d in p.evaluate_many([record])]


def test_policy_is_immutable():
    """Attributes of a Policy cannot be changed."""
    p = load_policy(RETAIL)
    with pytest.raises(AttributeError):
        p.name = "other"


def test_thread_safe_evaluation():
    """Eight threads evaluating the same policy get the same decisions as one thread. The threads
    switch every 0.1 ms (not every 5 ms) so that they interleave often in a short run; the explained
    JSON is compared as text (`to_json`: the same data as `to_dict`, without the fresh copy)."""
    import sys

    p = load_policy(RETAIL)
    records = [r for r in incidents() if isinstance(r, dict)] * 4
    expected = [d.to_json(explain=True) for d in p.evaluate_many(records)]
    results: dict[int, list] = {}

    def work(k: int) -> None:
        results[k] = [d.to_json(explain=True) for d in p.evaluate_many(records)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert all(results[k] == expected for k in range(8))


def test_deterministic_json():
    """The same policy bytes and record give byte-identical decision JSON."""
    a = load_policy(RETAIL)
    b = load_policy(RETAIL)
    for record in incidents():
        da = next(a.evaluate_many([record])).to_dict(explain=True)
        db = next(b.evaluate_many([record])).to_dict(explain=True)
        assert json.dumps(da, ensure_ascii=False) == json.dumps(db, ensure_ascii=False)


def test_python_values_are_accepted():
    """Developers may pass datetime, date and timedelta objects; traces show them as ISO text."""
    import datetime as dt

    p = parse_policy(policy('rule r { when call_length >= 30min then kasuhara respond "x" }\n'))
    jst = dt.timezone(dt.timedelta(hours=9))
    record = {"incident_id": "P-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [],
              "contacts": [{"at": dt.datetime(2026, 5, 1, 9, tzinfo=jst), "length": dt.timedelta(minutes=5)}],
              "reported_at": dt.datetime(2026, 5, 1, 10, tzinfo=jst), "call_length": dt.timedelta(minutes=45),
              "birthday": dt.date(1990, 1, 1)}
    d = p.evaluate(record)
    assert d.rule == "r"
    reads = d.to_dict(explain=True)["trace"][0]["condition"]["reads"]
    assert reads == {"call_length": "PT45M"}
    json.dumps(d.to_dict(explain=True))


def _all_incident_records():
    return [r for path in sorted((ROOT / "examples").glob("*-incidents.jsonl")) for r in incidents(path)]


@pytest.mark.parametrize("name", ["retail", "call-centre", "hospital-care", "transport", "local-government",
                                  "lodging"][:sized(6, 2)])
def test_evaluate_many_fast_path_equals_one_by_one(name):
    """evaluate_many's fast loop gives exactly the decisions evaluate_numbered gives, frozen alike
    (on every industry policy in CI; on two in a quick local run: `sized`)."""
    import attrs

    p = load_policy(ROOT / "examples" / f"{name}.kasu")
    records = _all_incident_records()
    fast = list(p.evaluate_many(records))
    slow = [p.evaluate_numbered(r, n) for n, r in enumerate(records, 1)]
    assert [d.to_json(explain=True) for d in fast] == [d.to_json(explain=True) for d in slow]
    assert [(d.line, d.incident, d.outcome, d.rule) for d in fast] == [(d.line, d.incident, d.outcome, d.rule)
                                                                     for d in slow]
    decided = next(d for d in fast if d.error is None)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decided.line = 0
    assert repr(decided).startswith("<Decision")


def test_other_mappings_never_invent_a_missing_field():
    """A required field absent from a dict subclass whose subscript invents values (defaultdict)
    or from any other mapping is still missing: the record is refused, the caller's mapping is
    left as it was, and a complete one decides as the same plain dict does."""
    from collections import UserDict, defaultdict

    p = load_policy(RETAIL)
    record = incidents()[0]
    assert isinstance(record, dict)
    required = next(f.name for f in p.checked.fields if not f.optional and not f.key)
    for make in (lambda d: defaultdict(int, d), lambda d: defaultdict(list, d), UserDict):
        partial = make({k: v for k, v in record.items() if k != required})
        before = dict(partial)
        with pytest.raises(RecordError) as caught:
            p.evaluate(partial)
        assert caught.value.field == required
        assert dict(partial) == before  # nothing was added to the caller's mapping
        [decision] = p.evaluate_many([partial])
        assert decision.error is not None and decision.error.field == required
        assert p.evaluate(make(record)).to_dict(explain=True) == p.evaluate(record).to_dict(explain=True)


def test_ordinary_decisions_are_the_same_frozen_decisions():
    """The batch loop fills ordinary decisions through an unfrozen twin of the class (see
    policy._Unfrozen): what comes out is a true Decision — frozen, equal to one made by attrs'
    own __init__, evolvable — and the twin keeps the same slots, so the fast path is taken."""
    import attrs

    from kasuhara_rules.policy import Decision, _decision_maker, _Unfrozen

    p = load_policy(RETAIL)
    assert set(_Unfrozen.__slots__) == {a.name for a in attrs.fields(Decision)}
    assert _decision_maker(p).__name__ == p._make.__name__ == "make"  # not the fallback
    records = [r for r in incidents() if isinstance(r, dict)]
    for explain in (False, True):
        decisions = [d for d in p.evaluate_many(incidents(), explain=explain) if d.error is None]
        ones = []
        for r in records:
            try:
                ones.append(p.evaluate(r, explain=explain))
            except RecordError:
                pass
        assert decisions and [d.to_dict(explain=True) for d in decisions] == [d.to_dict(explain=True) for d in ones]
        decisions += ones
        # pickled together, so that the policy is pickled (and loaded again) once, not once a decision
        copies = pickle.loads(pickle.dumps(decisions))
        for d, again in zip(decisions, copies, strict=True):
            assert type(d) is Decision
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                d.line = 0
            same = Decision(d.policy, d.incident, d.core, d.pending, d.error, d.line, d._record, d._entries)
            assert d == same and hash(d) == hash(same) and repr(d) == repr(same)
            assert d.to_json(explain=True) == same.to_json(explain=True)
            assert attrs.evolve(d, line=0).line == 0 and d.line != 0
            assert (d.outcome, d.severity, d.rule) == (d.core.outcome, d.core.severity, d.core.rule)
            assert type(again) is Decision and again == d and again.rule == d.rule
    errors = [d for d in p.evaluate_many(incidents()) if d.error is not None]
    assert errors and all((d.outcome, d.severity, d.rule) == (None, None, None) for d in errors)
