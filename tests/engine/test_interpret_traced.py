"""The two tiers of explanations: the interpreter (engine/interpret_traced.py) returns exactly
what the compiled `explain` returns — the key, the masks and the trace, byte for byte as JSON —
and Program answers the first explanations with it, then compiles `explain` once."""
import functools
import json
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import load_policy, parse_policy
from kasuhara_rules.engine import compile_policy as cp
from kasuhara_rules.engine.compile_policy import compile_policy
from kasuhara_rules.engine.interpret_traced import TracedInterpreter
from kasuhara_rules.engine.records import RecordError
from kasuhara_rules.syntax.printer import expr as text_of
from tests import strategies as S
from tests.conftest import budget, ROOT, policy, sized
from tests.engine.test_compile_expr import NESTED, nested_records

PHRASES = 'phrases threats = ["殺す", "晒す", "バカ", "sns", "ネットに書く"]\n'
FIELDS = ["channel", "repeat", "dogeza", "words", "contacts", "reported_at", "call_length", "amount",
          "demand_valid", "remarks", "birthday", "incident_id"]
BAD = [None, "x", 1, 2.5, True, [], {}, "2026-01-01", float("nan"), ["a", 1], [None], 10**40, -1]


def tiers(p):
    """(compiled explain, interpreted explain) of a loaded policy."""
    compiled = compile_policy(p.checked, interpret_first=0)
    return compiled.explain, TracedInterpreter(p.checked, compiled.validate).explain


def outcome(explain, record, show):
    try:
        key, m, u, entries = explain(record, show)
    except RecordError as exc:
        return ("error", exc.message, exc.field, str(exc))
    return (key, m, u, json.dumps(entries, ensure_ascii=False))  # as text: 1, 1.0 and True differ


def assert_same(compiled, interpreted, record, show):
    want, got = outcome(compiled, record, show), outcome(interpreted, record, show)
    assert got == want, (record, show)


@st.composite
def policies(draw):
    """A policy text over the test schema: random conditions, defines used by the rules (a
    condition, a number, a duration), `unless` clauses."""
    defines = [text_of(e) for e in draw(st.lists(S.expr("bool", 2), max_size=2))]
    body = PHRASES + "".join(f"define d{i} = {c}\n" for i, c in enumerate(defines))
    body += f"define n0 = {text_of(draw(S.expr('int', 2)))}\n"
    body += f"define t0 = {text_of(draw(S.expr('duration', 2)))}\n"
    uses = [f"d{i}" for i in range(len(defines))] + ["n0 > 3", "t0 >= 30min", "not (n0 == 1)"]
    for i, cond in enumerate(draw(st.lists(S.expr("bool", 3), min_size=1, max_size=4))):
        when = text_of(cond)
        if draw(st.booleans()):
            when = f"{draw(st.sampled_from(uses))} {draw(st.sampled_from(['and', 'or']))} ({when})"
        unless = f" unless {text_of(draw(S.expr('bool', 2)))}" if draw(st.booleans()) else ""
        body += f'rule r{i} {{ when {when}{unless} then kasuhara respond "x" }}\n'
    return policy(body)


@settings(max_examples=budget(60))
@given(policies(), st.lists(st.tuples(S.records(), st.booleans()), min_size=1, max_size=5), st.data())
def test_interpreter_equals_compiled_on_random_policies(text, runs, data):
    """Random policies and records, shown and redacted: the same key, masks and JSON (the same
    keys in the same order); an invalid record raises the same RecordError in both."""
    p = parse_policy(text, "interp.kasu")
    compiled, interpreted = tiers(p)
    for record, show in runs:
        assert_same(compiled, interpreted, record, show)
        bad = dict(record, **{data.draw(st.sampled_from(FIELDS)): data.draw(st.sampled_from(BAD))})
        assert_same(compiled, interpreted, bad, show)


# One rule per form of every operator, with texts that differ only once normalised (ＳＮＳ, ﾊﾞｶ),
# lists whose elements may be unknown, aggregates with `where`, arithmetic, defines.
CATALOGUE = [
    'remarks contains "ＳＮＳ"', 'remarks contains any threats', 'remarks contains all ["バカ", "ｓｎｓ"]',
    'channel contains "PHONE"', 'words contains "ﾊﾞｶ"', 'words contains any threats', 'words contains all ["バカ", "sns"]',
    'contacts.kind contains "電話"', 'contacts.kind contains any ["電話", "来店"]',
    'contacts.kind contains all ["電話", "来店"]', '"電話" in contacts.kind', '"ﾒｰﾙ" not in contacts.kind',
    'remarks in threats', 'remarks not in ["ＢＡＫＡ", "ok"]', 'channel in ["phone", "sns"]', '35min in contacts.length',
    '"ﾊﾞｶ" in words', 'remarks in words',
    'remarks mentions "死ね"', 'remarks mentions any ["殺す", "晒す"]', 'remarks mentions all threats',
    'channel mentions "sns"', 'remarks matches "[0-9]{3}"', 'remarks matches "ネット.{0,10}晒"',
    'any(contacts where kind is missing or length > 30min)', 'all(contacts where kind == "電話" and length is present)',
    'count(contacts where not (length >= 10min)) >= 1', 'any(contacts where at >= reported_at - 30d)',
    'all(contacts where length is present and length > 5min)', 'count(contacts where kind contains "電話") > 0',
    'sum(contacts.length) >= 30min', 'max(contacts.length) > 20min', 'min(contacts.at) < reported_at',
    'count(words) > 1', 'len(remarks) > 3', 'len(channel) == 5', 'amount / 2 > 1', 'amount * 2.5 >= 5',
    'call_length * 1.5 > 30min', 'call_length / 2 < 10min', 'call_length * 2 > 1h', '-repeat < -3',
    'repeat between 3 and 10', 'call_length between 10min and 1h', 'birthday < 2000-01-01',
    'reported_at - min(contacts.at) > 1d', 'amount is missing', 'call_length is present and call_length > 30min',
    'not demand_valid', 'demand_valid or dogeza', 'demand_valid and not dogeza', 'heavy > 10',
    'shouted and heavy > 3', 'shouted or not shouted', 'long_talk', 'repeat / 0 > 1',
]
DEFINES = ('define heavy = amount * 2 + repeat\n'
           'define shouted = remarks contains any threats or words contains any threats\n'
           'define long_talk = sum(contacts.length) + call_length > 1h\n')


@functools.cache
def catalogue():
    unless = ["", " unless dogeza", " unless shouted", " unless amount is missing or heavy > 20"]
    rules = "".join(f'rule c{i} {{ when {c}{unless[i % 4]} then kasuhara respond "x" }}\n'
                    for i, c in enumerate(CATALOGUE))
    return tiers(parse_policy(policy(PHRASES + DEFINES + rules), "catalogue.kasu"))


@settings(max_examples=budget(100))
@given(S.records(), st.booleans())
def test_interpreter_equals_compiled_on_every_operator(record, show):
    compiled, interpreted = catalogue()
    assert_same(compiled, interpreted, record, show)


@pytest.fixture(scope="module")
def chunked():
    """More rules than one generated function holds (CHUNK): the compiled explain is split into
    parts that hand the words of each text on; the interpreter has no parts."""
    from kasuhara_rules.engine.compile_policy import CHUNK

    conditions = [CATALOGUE[i % len(CATALOGUE)] for i in range(CHUNK + 30)]
    rules = "".join(f'rule c{i} {{ when {c} then kasuhara respond "x" }}\n' for i, c in enumerate(conditions))
    return tiers(parse_policy(policy(PHRASES + DEFINES + rules), "chunked.kasu"))


@settings(max_examples=budget(20))
@given(S.records(), st.booleans())
def test_interpreter_equals_compiled_across_chunks(chunked, record, show):
    compiled, interpreted = chunked
    assert_same(compiled, interpreted, record, show)


@given(nested_records(), st.booleans())
def test_interpreter_equals_compiled_on_record_paths(record, show):
    """Paths into records and through lists, sensitive fields inside records."""
    compiled, interpreted = tiers(parse_policy(NESTED, "n.kasu"))
    assert_same(compiled, interpreted, record, show)


BIG = " * 100000000000000000000" * 16  # 1e320: beyond floats, fine for Python's integers
BIGF = " * 100000000000000000000.5" * 16  # the same in floats: infinity, which a duration cannot be


def test_overflow_fails_the_same_rules():
    """Arithmetic beyond the range of floats: the same rules undetermined, with the same failed
    entries; an operand that cannot be unknown is not even computed by `is present`."""
    rules = (f'rule a {{ when repeat{BIG} / 3 > 1 then kasuhara respond "x" }}\n'
             f'rule b {{ when call_length{BIGF} > 1min and repeat > 1 then kasuhara respond "x" }}\n'
             f'rule c {{ when amount / 0 > 1 or (1min{BIGF}) is present then kasuhara respond "x" }}\n'
             f'rule d {{ when count(contacts where length{BIGF} > 1min) > 0 then kasuhara respond "x" }}\n'
             f'rule e {{ when dogeza unless amount is missing or amount{BIG} / 2 > 0 then kasuhara respond "x" }}\n')
    p = parse_policy(policy(rules), "o.kasu")
    compiled, interpreted = tiers(p)
    record = {"incident_id": "O-1", "channel": "phone", "repeat": 3, "dogeza": True, "words": [],
              "contacts": [{"at": "2026-04-01T10:00:00+09:00", "length": 30}], "call_length": 90,
              "amount": 2.5, "reported_at": "2026-04-01T10:00:00+09:00"}
    for rec in (record, dict(record, amount=None, contacts=[{"at": "2026-04-01T10:00:00+09:00"}])):
        results = [e["result"] for e in compiled(rec, False)[3]]
        assert "undetermined" in results and "matched" in results, results
        assert_same(compiled, interpreted, rec, False)


def _shipped():
    for kasu in sorted((ROOT / "examples").glob("*.kasu")):
        yield pytest.param(kasu, id=kasu.name)


def _records(kasu: Path):
    """The example incidents of a shipped policy, and the labelled corpus cases for it."""
    found = []
    stem = kasu.name.split(".")[0]
    for path in [ROOT / "examples" / f"{stem}-incidents.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            try:  # the incident files hold a few broken lines on purpose
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                found.append(record)
    for path in sorted((ROOT / "tests" / "corpus" / "incidents").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if case["policy"] == kasu.name:
                    found.append(case["record"])
    return found


@pytest.mark.parametrize("kasu", list(_shipped()))
def test_interpreter_equals_compiled_on_shipped_policies(kasu):
    """Every shipped policy on its own example incidents, the corpus cases and the policy's own
    `example` blocks, shown and redacted (in a quick local run, every fourth of them: `sized`)."""
    p = load_policy(kasu)
    records = (_records(kasu) + [dict(e.given) for e in p.checked.examples])[::sized(1, 4)]
    assert records, kasu
    compiled, interpreted = tiers(p)
    for record in records:
        for show in (False, True):
            assert_same(compiled, interpreted, record, show)


RECORD = {"incident_id": "P-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [], "contacts": [],
          "reported_at": "2026-05-01T10:00:00+09:00"}


def counting(monkeypatch):
    """Counts how often the compiled explain is built (and how often the interpreter runs)."""
    counts = {"builds": 0, "interpreted": 0}
    build = cp._traced_definitions

    def traced_definitions(*args):
        counts["builds"] += 1
        return build(*args)

    explain = TracedInterpreter.explain

    def interpreted(self, rec, show):
        counts["interpreted"] += 1
        return explain(self, rec, show)

    monkeypatch.setattr(cp, "_traced_definitions", traced_definitions)
    monkeypatch.setattr(TracedInterpreter, "explain", interpreted)
    return counts


def test_first_calls_are_interpreted_then_compiled_once(monkeypatch):
    counts = counting(monkeypatch)
    p = parse_policy(policy('rule r { when dogeza and repeat > 2 then kasuhara respond "x" }\n'))
    first = [p.evaluate(dict(RECORD, repeat=i), explain=True).to_dict(explain=True) for i in range(cp.INTERPRET_FIRST)]
    assert counts == {"builds": 0, "interpreted": cp.INTERPRET_FIRST} and p.program.builds == 0
    later = [p.evaluate(dict(RECORD, repeat=i), explain=True).to_dict(explain=True) for i in range(cp.INTERPRET_FIRST)]
    assert counts == {"builds": 1, "interpreted": cp.INTERPRET_FIRST} and p.program.builds == 1
    assert json.dumps(first) == json.dumps(later)
    assert p.program.explain is p.program.compiled_explain()  # from then on, the compiled function itself


def test_either_tier_can_be_forced(monkeypatch):
    counts = counting(monkeypatch)
    p = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))
    always = compile_policy(p.checked, interpret_first=10**9)
    never = compile_policy(p.checked, interpret_first=0)
    assert counts["builds"] == 0
    for _ in range(3):
        assert always.explain(RECORD, False) == never.explain(RECORD, False)
    assert counts == {"builds": 1, "interpreted": 3} and always.builds == 0 and never.builds == 1


def test_threads_get_the_same_explanations_and_one_build(monkeypatch):
    """Eight threads explaining at once across the switch of tiers: the compiled explain is built
    once, and every answer is the one a single thread gets."""
    counts = counting(monkeypatch)
    rules = "".join(f'rule r{i} {{ when repeat > {i} and (remarks contains any threats or dogeza) '
                    f'then kasuhara respond "x" }}\n' for i in range(30))
    p = parse_policy(policy(PHRASES + rules))
    records = [dict(RECORD, repeat=i, remarks="ネットに書くぞ" if i % 2 else "ok") for i in range(40)]
    expected = [json.dumps(compile_policy(p.checked, interpret_first=0).explain(r, i % 3 == 0))
                for i, r in enumerate(records)]
    counts["builds"] = 0
    program = p.program
    got: dict[int, list[str]] = {}
    start = threading.Barrier(8)

    def work(t: int) -> None:
        start.wait()
        got[t] = [json.dumps(program.explain(r, i % 3 == 0)) for i, r in enumerate(records)]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(got[t] == expected for t in range(8))
    assert counts["builds"] == 1 and program.builds == 1
    assert counts["interpreted"] == cp.INTERPRET_FIRST


def test_threads_asking_first_make_the_steps_once(monkeypatch):
    """Eight threads asking the interpreter for their first explanation at the same moment: one makes
    the steps of every rule while the others wait (a fresh desk's first requests each made them), and
    every thread gets the explanation a single thread gets."""
    from kasuhara_rules.engine import interpret_traced as it

    made = []
    real = it.Steps

    def counted(*args):
        made.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(it, "Steps", counted)
    rules = "".join(f'rule r{i} {{ when repeat > {i} and remarks contains any threats then kasuhara respond "x" }}\n'
                    for i in range(40))
    p = parse_policy(policy(PHRASES + rules))
    record = dict(RECORD, repeat=7, remarks="ネットに書くぞ")
    expected = json.dumps(TracedInterpreter(p.checked, p.program.validate).explain(record, False))
    made.clear()
    interpreter = TracedInterpreter(p.checked, p.program.validate)
    start = threading.Barrier(8)
    got: dict[int, str] = {}

    def work(t: int) -> None:
        start.wait()
        got[t] = json.dumps(interpreter.explain(record, False))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and set(got.values()) == {expected}
