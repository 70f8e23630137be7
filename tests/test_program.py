"""Tests for program.py: large policies split across functions, explain compiled after the first uses."""
import json

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.compile_policy import CHUNK, source_of
from tests.conftest import policy

RECORD = {"incident_id": "P-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [], "contacts": [],
          "reported_at": "2026-05-01T10:00:00+09:00"}


def test_policies_larger_than_one_chunk_evaluate_and_explain():
    """A policy of more than CHUNK rules (several generated functions) decides every rule."""
    count = 2 * CHUNK + 50
    rules = "".join(f'rule r{i} {{ when repeat > {i} then kasuhara respond "x" }}\n' for i in range(count))
    p = parse_policy(policy(rules + 'rule last { when demand_valid then kasuhara respond "y" }\n'))
    for repeat in (0, CHUNK + 3, count + 1):
        d = p.evaluate(dict(RECORD, repeat=repeat), explain=True)
        assert sorted(d.matched, key=lambda r: int(r[1:])) == [f"r{i}" for i in range(min(repeat, count))]
        trace = d.to_dict(explain=True)["trace"]
        assert len(trace) == count + 1 and trace[-1]["rule"] == "last"
        assert trace[-1]["result"] == "undetermined"
        assert [r.rule for r in d.pending] == (["last"] if repeat == 0 else [])  # it could only decide alone
        assert [e["result"] == "matched" for e in trace[:count]] == [i < repeat for i in range(count)]


def test_explain_is_compiled_after_the_first_explanations():
    """Loading compiles `evaluate` only; the first INTERPRET_FIRST explanations are interpreted,
    the next one compiles `explain` (see test_interpret_traced.py for the two tiers' equality)."""
    from kasuhara_rules.engine.compile_policy import INTERPRET_FIRST

    p = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
    assert p.program._explain is None
    p.evaluate(RECORD)
    assert p.program._explain is None
    first = p.evaluate(RECORD, explain=True).to_dict(explain=True)
    assert p.program._explain is None and first["trace"][0]["result"] == "not_matched"
    for _ in range(INTERPRET_FIRST):
        p.evaluate(RECORD, explain=True)
    assert p.program._explain is not None and p.program.builds == 1
    assert json.dumps(first) == json.dumps(p.evaluate(RECORD, explain=True).to_dict(explain=True))


def test_source_of_shows_the_generated_code():
    """The generated code can be read as text (never compiled from text)."""
    p = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
    text = source_of(p.checked)
    assert "def evaluate(rec):" in text and "def explain(rec, show):" in text and "def validate(rec):" in text
