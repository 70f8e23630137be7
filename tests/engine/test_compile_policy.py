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
    """Loading compiles `validate` only; the first INTERPRET_FIRST explanations are interpreted,
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


def test_evaluate_is_compiled_on_first_use_once():
    """`evaluate` is generated and compiled on the first plain decision, not at load: a policy
    loaded to be explained never compiles it; threads asking at once get one build."""
    import threading

    from kasuhara_rules.engine import compile_policy as cp

    p = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
    assert p.program._build_evaluate is not None  # nothing compiled yet
    explained = p.evaluate(RECORD, explain=True)
    assert p.program._build_evaluate is not None  # an explained decision needs no evaluate
    builds = []
    real = p.program._build_evaluate

    def counted():
        builds.append(1)
        return real()

    object.__setattr__(p.program, "_build_evaluate", counted)
    got = []
    threads = [threading.Thread(target=lambda: got.append(p.evaluate(RECORD))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == [1] and p.program._build_evaluate is None
    assert all(d.to_dict(explain=True) == explained.to_dict(explain=True) for d in got)
    assert isinstance(cp.Program.__dict__["evaluate"], type(cp.Program.validate))  # a plain slot once built
    try:
        p.program.something_else
    except AttributeError:
        pass
    else:
        raise AssertionError("only `evaluate` is built on demand")


def test_source_of_shows_the_generated_code():
    """The generated code can be read as text (never compiled from text)."""
    p = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
    text = source_of(p.checked)
    assert "def evaluate(rec):" in text and "def explain(rec, show):" in text and "def validate(rec):" in text
