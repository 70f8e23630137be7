"""Tests for the compiler: the generated code agrees with the reference interpreter (section 5)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.records import validate_record
from kasuhara_rules.syntax.printer import expr as text_of
from tests import strategies as S
from tests.conftest import budget, policy
from tests.reference import Reference

PHRASES = 'phrases threats = ["殺す", "晒す", "バカ", "sns", "ネットに書く"]\n'


def policy_with(conditions: list[str]):
    rules = "".join(f'rule r{i} {{ when {c} then kasuhara respond "x" }}\n' for i, c in enumerate(conditions))
    return parse_policy(policy(PHRASES + rules), "diff.kasu")


def results(p, record):
    key, m, u, _ = p.program.evaluate(record)
    return [True if m >> i & 1 else (None if u >> i & 1 else False) for i in range(len(p.checked.rules))]


@settings(max_examples=budget(60))
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
        assert (key, m, u) == p.program.evaluate(record)[:3]


@settings(max_examples=budget(40))
@given(S.expr("bool", 2), S.records())
def test_every_trace_node_value_agrees_with_reference(e, record):
    """The value of every node of a trace is the reference value of that sub-expression."""
    p = policy_with([text_of(e)])
    entry = p.program.explain(record, False)[3][0]
    ref = Reference(p.checked, record)
    rule = p.checked.rules[0]
    assert entry["condition"]["value"] == ref.ev(rule.when)


def _trace_nodes(node):
    yield node
    for child in node["children"]:
        yield from _trace_nodes(child)


@settings(max_examples=budget(40))
@given(S.expr("bool", 2), S.records(), st.booleans())
def test_every_trace_nodes_reads_agree_with_reference(e, record, show):
    """The reads of every node of a trace are what the reference reads from the record that
    decided: present values are never shown as null, absent ones never invented, sensitive ones
    redacted unless asked."""
    p = policy_with([text_of(e)])
    entry = p.evaluate(record, explain=True).trace(show_sensitive=show)[0]
    ref = Reference(p.checked, record)
    for node in _trace_nodes(entry["condition"]):
        for label, value in node["reads"].items():
            assert value == ref.read(label, record, show), (label, node["text"])


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


NESTED = '''policy "n" {
  id n
  version "1"
  otherwise ok
}
outcomes { ok, bad }
schema {
  incident_id: text key
  case: optional { contacts: list of { length: optional duration in minutes, note: optional text sensitive },
                    owner: optional { name: text sensitive, level: optional int } }
}
rule long { when sum(case.contacts.length) >= 30min or max(case.contacts.length) > 20min then bad }
rule noted { when count(case.contacts where note is present) > 0 and case.owner.level > 1 then bad }
rule named { when case.owner.name == "x" then bad }
'''


@st.composite
def nested_records(draw):
    contact = st.fixed_dictionaries({}, optional={
        "length": st.one_of(st.none(), st.integers(0, 40), st.sampled_from(["PT35M", "10min"])),
        "note": st.one_of(st.none(), st.sampled_from(["x", "y", "秘密"]))})
    owner = st.fixed_dictionaries({"name": st.sampled_from(["x", "山田"])},
                                  optional={"level": st.one_of(st.none(), st.integers(0, 3))})
    case = st.fixed_dictionaries({"contacts": st.lists(contact, max_size=3)}, optional={"owner": owner})
    rec = {"incident_id": "1"}
    if draw(st.booleans()):
        rec["case"] = draw(case)
    return rec


@given(nested_records(), st.booleans())
def test_reads_of_record_paths_agree_with_reference(record, show):
    """Paths into records and through lists (`case.contacts.length`) read what decided."""
    p = parse_policy(NESTED, "n.kasu")
    ref = Reference(p.checked, record)
    d = p.evaluate(record, explain=True)
    for i, entry in enumerate(d.trace(show_sensitive=show)):
        assert {True: "matched", False: "not_matched", None: "undetermined"}[ref.rule(p.checked.rules[i])] \
            == entry["result"]
        for node in _trace_nodes(entry["condition"]):
            for label, value in node["reads"].items():
                assert value == ref.read(label, record, show), (label, node["text"])


@settings(max_examples=budget(30))
@given(st.lists(S.expr("bool", 3), min_size=1, max_size=4), S.records())
def test_generated_code_needs_no_location_pass(exprs, record):
    """Every node the engine generates carries its location (engine.located), so compiling
    never walks the tree to add one: with that walk made to fail, random policies still load,
    decide and explain."""
    from kasuhara_rules.engine import codegen

    def refuse(tree):
        raise AssertionError("a generated node has no location")

    saved, codegen.locate = codegen.locate, refuse
    try:
        p = policy_with([text_of(e) for e in exprs])
        assert p.program.explain(record, False)[:3] == p.program.evaluate(record)[:3]
    finally:
        codegen.locate = saved
