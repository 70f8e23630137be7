"""The tiers agree on a fixed corpus: every form of every operator, on records chosen to reach
what random records rarely do (unknown fields and list elements, texts equal only once
normalised, empty lists, division by zero, phrases heard as words), without Hypothesis.

For each rule and record: the plain evaluator equals the reference interpreter
(tests/reference.py), the compiled `explain` gives the same results as `evaluate`, and the
interpreter of traces returns the compiled `explain`'s answer byte for byte (shown and
redacted). Every operator form of the grammar is in the corpus (a test checks it).
"""
import functools
import json

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.syntax import nodes as n
from tests.conftest import policy
from tests.engine.test_interpret_traced import CATALOGUE, DEFINES, PHRASES, tiers
from tests.reference import Reference

# Beyond the catalogue of the random tier test: the remaining forms, and operators inside
# `where`, inside defines and on computed operands.
MORE = [
    'remarks not in threats', 'channel not in ["phone", "sns"]', '"ﾒｰﾙ" not in words', 'not (remarks in words)',
    'channel == "sns" or channel != "phone"', 'repeat < 3 or repeat <= 2 or repeat >= 9 or repeat > 10',
    'amount is present and amount / 2 > 1', 'call_length / 0 is missing', 'min(contacts.length) is missing',
    'max(contacts.at) is present', 'sum(contacts.length) is missing', 'birthday between 1990-01-01 and 2000-01-01',
    'reported_at between 2026-01-01T00:00:00+09:00 and 2027-01-01T00:00:00Z',
    'count(contacts where kind is missing) == 0', 'any(contacts where kind contains "電話")',
    'any(contacts where kind mentions "電話")', 'any(contacts where kind in ["電話", "来店"])',
    'any(contacts where kind matches "^[0-9]")', 'all(contacts where length between 1min and 1h)',
    'count(contacts where len(kind) > 1) > 0', 'count(contacts) == len(remarks)',
    'remarks contains channel', 'words contains channel', 'remarks mentions any threats', 'remarks mentions all ["殺す"]',
    'words contains any ["ＢＡＫＡ", "sns"]', 'words contains all threats',
    'demand_valid == dogeza', 'not demand_valid or not dogeza', 'dogeza and (demand_valid or repeat > 1)',
    '(amount + 1) * 2 - repeat / 4 > 0', '-amount < 0', 'amount * 0.5 == amount / 2',
    'call_length + 30min > 1h', 'call_length - 5min < 0min', '2 * call_length >= 1h',
    'reported_at - 1d < reported_at', 'birthday < 2000-01-01 or birthday is missing',
    'heavy is missing', 'not shouted', 'long_talk or shouted', 'true', 'false or dogeza',
    'any(contacts where kind == "来店" or length > 1h)', 'count(contacts where kind == "来店" and length < 1h) == 0',
    'all(contacts where not (kind == "来店"))',
]

RECORDS = [
    {"incident_id": "F-1", "channel": "sns", "call_length": 45, "repeat": 4, "amount": 3.5, "dogeza": True,
     "demand_valid": False, "remarks": "ネットにＳＮＳで晒すぞ、バカ。殺す 123", "words": ["ﾊﾞｶ", "sns", "ok"],
     "contacts": [{"at": "2026-04-01T10:00:00+09:00", "length": 35, "kind": "電話"},
                  {"at": "2026-04-02T10:00:00+09:00", "length": 5, "kind": "来店"}],
     "reported_at": "2026-04-03T10:00:00+09:00", "birthday": "1995-05-05"},
    # every optional field absent, every list empty
    {"incident_id": "F-2", "channel": "phone", "repeat": 0, "dogeza": False, "words": [], "contacts": [],
     "reported_at": "2026-04-03T10:00:00+09:00"},
    # optional fields null; list elements whose fields are unknown
    {"incident_id": "F-3", "channel": "counter", "call_length": None, "repeat": 12, "amount": None,
     "dogeza": False, "demand_valid": None, "remarks": None, "words": ["ＢＡＫＡ"],
     "contacts": [{"at": "2026-04-01T10:00:00+09:00"}, {"at": "2026-04-02T10:00:00+09:00", "kind": "電話"},
                  {"at": "2026-04-02T11:00:00+09:00", "length": 90, "kind": None}],
     "reported_at": "2026-04-03T10:00:00+09:00", "birthday": None},
    # texts equal only once normalised; division by zero; the text the words are heard in
    {"incident_id": "F-4", "channel": "email", "call_length": 0, "repeat": 3, "amount": 0, "dogeza": True,
     "demand_valid": True, "remarks": "ｓｎｓ", "words": ["ｓｎｓ", "ﾒｰﾙ", "バカ"],
     "contacts": [{"at": "2026-04-01T10:00:00Z", "length": 10, "kind": "ﾃﾞﾝﾜ"}],
     "reported_at": "2026-04-01T09:00:00Z", "birthday": "1989-12-31"},
    {"incident_id": "F-5", "channel": "visit", "call_length": 61, "repeat": -2, "amount": -1e6, "dogeza": False,
     "demand_valid": True, "remarks": "死ねと言われた。殺すとも言われ、ネットに書くと", "words": ["殺す", "晒す", "バカ", "sns",
                                                                                  "ネットに書く"],
     "contacts": [{"at": "2025-12-31T23:59:59Z", "length": 60, "kind": "1回目"}],
     "reported_at": "2026-01-01T00:00:00Z", "birthday": "2000-01-01"},
    # an element whose condition is unknown and decides nothing
    {"incident_id": "F-6", "channel": "phone", "repeat": 1, "dogeza": False, "words": ["バカ"],
     "contacts": [{"at": "2026-04-01T10:00:00+09:00", "length": 10}], "reported_at": "2026-04-03T10:00:00+09:00"},
]


@functools.cache
def corpus():
    unless = ["", " unless dogeza", " unless shouted", " unless amount is missing or heavy > 20"]
    conditions = CATALOGUE + MORE
    rules = "".join(f'rule c{i} {{ when {c}{unless[i % 4]} then kasuhara respond "x" }}\n'
                    for i, c in enumerate(conditions))
    p = parse_policy(policy(PHRASES + DEFINES + rules), "corpus.kasu")
    return p, tiers(p)


def _forms(node):
    """The operator form of a node: its class, and its operator or mode where it has one."""
    name = type(node).__name__
    for attr in ("op", "mode", "func"):
        if hasattr(node, attr):
            return f"{name} {getattr(node, attr)}"
    if isinstance(node, n.In):
        return f"In {'not in' if node.negated else 'in'}"
    if isinstance(node, n.IsMissing):
        return f"IsMissing {'present' if node.present else 'missing'}"
    return name


def test_the_corpus_has_every_form_of_every_operator():
    p, _ = corpus()
    roots = [r.when for r in p.checked.rules] + [d.expr for d in p.checked.defines.values()]
    seen = {_forms(sub) for root in roots for sub in n.walk(root)}
    want = {f"Binary {o}" for o in "+-*/"} | {f"Compare {o}" for o in ("==", "!=", "<", "<=", ">", ">=")}
    want |= {f"{c} {m}" for c in ("Contains", "Mentions") for m in ("one", "any", "all")}
    want |= {f"Call {f}" for f in ("count", "any", "all", "sum", "min", "max", "len")}
    want |= {"In in", "In not in", "IsMissing missing", "IsMissing present", "Matches", "Between", "Not", "And",
             "Or", "Negate", "Path", "Name", "BoolLit", "NumberLit", "StringLit", "DurationLit", "DateLit",
             "DateTimeLit", "ListLit"}
    assert want <= seen, sorted(want - seen)


@pytest.mark.parametrize("index", range(len(RECORDS)))
def test_every_tier_agrees_on_the_fixed_corpus(index):
    p, (compiled, interpreted) = corpus()
    record = RECORDS[index]
    want = [Reference(p.checked, record).rule(r) for r in p.checked.rules]
    key, m, u, _ = p.program.evaluate(record)
    plain = [True if m >> i & 1 else (None if u >> i & 1 else False) for i in range(len(want))]
    wrong = [(r.name, r.when.span.line) for r, a, b in zip(p.checked.rules, plain, want) if a != b]
    assert not wrong, wrong
    for show in (False, True):
        a, b = compiled(record, show), interpreted(record, show)
        assert a[:3] == (key, m, u)
        for entry_a, entry_b in zip(a[3], b[3]):
            assert json.dumps(entry_a, ensure_ascii=False) == json.dumps(entry_b, ensure_ascii=False), entry_a["rule"]
        assert json.dumps(a[3]) == json.dumps(b[3])
