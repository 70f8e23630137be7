"""Tests for the compiler: the generated code agrees with the reference interpreter (section 5)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.records import validate_record
from kasuhara_rules.syntax.printer import expr as text_of
from tests import strategies as S
from tests.conftest import policy
from tests.reference import Reference

PHRASES = 'phrases threats = ["殺す", "晒す", "バカ", "sns", "ネットに書く"]\n'


def policy_with(conditions: list[str]):
    rules = "".join(f'rule r{i} {{ when {c} then kasuhara respond "x" }}\n' for i, c in enumerate(conditions))
    return parse_policy(policy(PHRASES + rules), "diff.kasu")


def results(p, record):
    key, m, u = p.program.evaluate(record)
    return [True if m >> i & 1 else (None if u >> i & 1 else False) for i in range(len(p.checked.rules))]


@settings(max_examples=max(60, settings().max_examples // 5))
@given(st.lists(S.expr("bool", 3), min_size=1, max_size=4), st.lists(S.records(), min_size=1, max_size=5))
def test_compiled_rules_agree_with_reference(exprs, recs):
    """Random well-typed conditions on random records: compiled == reference, evaluate == explain."""
    p = policy_with([text_of(e) for e in exprs])
    for record in recs:
        want = [Reference(p.checked, record).rule(r) for r in p.checked.rules]
        assert results(p, record) == want, (record, [text_of(e) for e in exprs])
        key, m, u, entries = p.program.explain(record, False)
        traced = [{"matched": True, "not_matched": False, "undetermined": None}[e["result"]] for e in entries]
        assert traced == want
        assert (key, m, u) == p.program.evaluate(record)


@settings(max_examples=max(40, settings().max_examples // 5))
@given(S.expr("bool", 2), S.records())
def test_every_trace_node_value_agrees_with_reference(e, record):
    """The value of every node of a trace is the reference value of that sub-expression."""
    p = policy_with([text_of(e)])
    entry = p.program.explain(record, False)[3][0]
    ref = Reference(p.checked, record)
    rule = p.checked.rules[0]
    assert entry["condition"]["value"] == ref.ev(rule.when)


@given(S.records())
def test_fast_validation_matches_the_reference_validator(record):
    """The generated validation coerces exactly as records.validate_record does."""
    p = policy_with(["dogeza"])
    assert p.program.validate(record) == validate_record(p.checked.fields, record)


@given(S.records(), st.sampled_from(["channel", "repeat", "dogeza", "words", "contacts", "reported_at",
                                     "call_length", "amount", "demand_valid", "remarks", "birthday"]),
       st.sampled_from([None, "x", 1, 2.5, True, [], {}, "2026-01-01", float("nan"), ["a", 1], [None]]))
def test_fast_validation_rejects_like_the_reference(record, field, bad):
    """With a random value in a random field, both validators accept or both raise the same error."""
    from kasuhara_rules.engine.records import RecordError

    record = dict(record, **{field: bad})
    p = policy_with(["dogeza"])
    try:
        want = validate_record(p.checked.fields, record)
    except RecordError as exc:
        want = ("error", exc.message, exc.field)
    try:
        got = p.program.validate(record)
    except RecordError as exc:
        got = ("error", exc.message, exc.field)
    assert got == want
