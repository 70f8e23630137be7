"""The cache of trace entries: explained decisions are the same with or without it, it never
mixes up shown and redacted values, it stays bounded, and the shared entries are read-only."""
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.compile_policy import compile_policy
from kasuhara_rules.engine.tracedata import TraceDict, TraceList, freeze, thaw
from kasuhara_rules.syntax.printer import expr as text_of
from tests import strategies as S
from tests.conftest import budget, ROOT, policy

PHRASES = 'phrases threats = ["殺す", "晒す", "バカ", "sns", "ネットに書く"]\n'


def pair(conditions: list[str]):
    rules = "".join(f'rule r{i} {{ when {c} then kasuhara respond "x" }}\n' for i, c in enumerate(conditions))
    p = parse_policy(policy(PHRASES + rules), "cache.kasu")
    # the cache belongs to the compiled tier: both programs use it from the first explanation
    return (compile_policy(p.checked, interpret_first=0),
            compile_policy(p.checked, trace_cache=False, interpret_first=0))


def text(entries) -> str:
    return json.dumps(entries, ensure_ascii=False, sort_keys=True)


@settings(max_examples=budget(60))
@given(st.lists(S.expr("bool", 3), min_size=1, max_size=4),
       st.lists(st.tuples(S.records(), st.booleans()), min_size=1, max_size=8))
def test_cached_traces_equal_fresh_ones(exprs, runs):
    """Random conditions over a random sequence of records, shown and redacted interleaved:
    the cached program writes byte for byte the JSON the uncached one writes."""
    cached, fresh = pair([text_of(e) for e in exprs])
    for record, show in runs + runs:  # the second pass reads from the cache
        assert text(cached.explain(record, show)[3]) == text(fresh.explain(record, show)[3])


BASE = {"incident_id": "T-1", "channel": "phone", "repeat": 3, "dogeza": False, "words": ["バカ"], "contacts": [],
        "reported_at": "2026-05-01T10:00:00+09:00"}


def test_equal_numbers_that_print_differently_are_not_confused():
    """30 and 30.0, 0.0 and -0.0 are equal in Python but not in the JSON: separate entries."""
    program = pair(["amount >= 0"])[0]
    shown = []
    for amount in (30, 30.0, 0.0, -0.0, 30, 0.0):
        entries = program.explain(dict(BASE, amount=amount), False)[3]
        shown.append(json.dumps(entries[0]["condition"]["reads"]["amount"]))
    assert shown == ["30", "30.0", "0.0", "-0.0", "30", "0.0"]


def test_redacted_and_shown_entries_never_mix():
    """A sensitive value seen with show_sensitive=True never comes back redacted-off later."""
    program = pair(['remarks contains "バカ"'])[0]
    record = dict(BASE, remarks="バカ野郎")
    shown = program.explain(record, True)[3][0]["condition"]
    hidden = program.explain(record, False)[3][0]["condition"]
    also_hidden = program.explain(record, 0)[3][0]["condition"]
    assert shown["reads"]["remarks"] == "バカ野郎"
    assert "バカ野郎" not in text([hidden, also_hidden]) and hidden["reads"]["remarks"] == "‹redacted›"
    assert program.explain(record, True)[3][0]["condition"]["reads"]["remarks"] == "バカ野郎"


def test_large_values_are_not_cached_and_the_cache_is_bounded():
    """Long texts are never keys; a rule keeps at most CACHE_LIMIT entries, whatever the input."""
    program = pair(['remarks contains "バカ"', "repeat > 5"])[0]
    scope = program.explain.__globals__
    caches = [v for k, v in scope.items() if k.startswith("C") and isinstance(v, dict)]
    program.explain(dict(BASE, remarks="x" * 1000), False)
    assert all(len(c) == 0 for c in caches[:2])  # the remarks rule's caches stay empty
    from kasuhara_rules.engine.compile_policy import TRACE_CACHE_ENTRIES

    for repeat in range(TRACE_CACHE_ENTRIES + 500):
        program.explain(dict(BASE, repeat=repeat), False)
    assert sum(len(c) for c in caches) == TRACE_CACHE_ENTRIES  # the policy's whole budget, no more
    assert max(len(c) for c in caches) <= scope["CACHE_LIMIT"]
    assert json.loads(text(program.explain(dict(BASE, repeat=10**6), False)[3]))[1]["condition"]["reads"] == \
        {"repeat": 10**6}


def test_the_budget_goes_to_the_rules_that_need_it():
    """A rule whose input takes many values may keep more than an even share of the budget (up
    to four shares), while rules over true/false keep two entries each."""
    from kasuhara_rules.engine.compile_policy import TRACE_CACHE_ENTRIES

    conditions = ["repeat > 5"] + ["dogeza"] * 7
    program = pair(conditions)[0]
    scope = program.explain.__globals__
    caches = [v for k, v in scope.items() if k.startswith("C") and isinstance(v, dict)]
    share = TRACE_CACHE_ENTRIES // len(conditions)
    for repeat in range(share + 300):
        program.explain(dict(BASE, repeat=repeat, dogeza=repeat % 2 == 0), False)
    assert max(len(c) for c in caches) == share + 300
    assert scope["CACHE_LIMIT"] == 4 * share


def test_what_is_cached():
    """Entries over lists of records are always built afresh; durations and times are keyed by
    the value as given (35 and "PT35M" are shown differently, so are cached apart); Python
    objects (timedelta) are not keys."""
    import datetime as dt

    program, fresh = pair(["count(contacts) > 1", "call_length > 5min"])
    scope = program.explain.__globals__
    caches = [v for k, v in scope.items() if k.startswith("C") and isinstance(v, dict)]
    for length in (10, "PT10M", 10, dt.timedelta(minutes=10)):
        record = dict(BASE, call_length=length)
        assert text(program.explain(record, False)[3]) == text(fresh.explain(record, False)[3])
    assert [len(c) for c in caches] == [2, 0]  # contacts: no cache at all; call_length: 10 and "PT10M"
    shown = [program.explain(dict(BASE, call_length=v), False)[3][1]["condition"]["reads"]["call_length"]
             for v in (10, "PT10M")]
    assert shown == [10, "PT10M"]


def test_traces_are_read_only_but_copy_and_serialise_freely():
    """Shared entries cannot be changed; what a caller gets (`to_dict`, `trace`) is a fresh, plain, editable
    copy whose changes reach nothing else; JSON, pickle and == behave as for plain dicts and lists."""
    from kasuhara_rules import load_policy

    p = load_policy(ROOT / "examples" / "retail.kasu")
    record = json.loads((ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    d = p.evaluate(record, explain=True)
    shared = d._shared_trace()
    with pytest.raises(TypeError, match="read-only"):
        shared[0]["result"] = "matched"
    with pytest.raises(TypeError, match="read-only"):
        shared.append({})
    with pytest.raises(TypeError, match="read-only"):
        shared[0]["condition"]["children"].clear()
    trace = d.to_dict(explain=True)["trace"]
    assert type(trace) is list and type(trace[0]) is dict and trace == shared
    trace[0]["result"] = "edited"
    trace[0]["condition"]["children"].clear()
    assert shared[0]["result"] != "edited" and d.to_dict(explain=True)["trace"] == shared
    assert json.loads(json.dumps(shared, ensure_ascii=False)) == shared == thaw(shared)
    assert pickle.loads(pickle.dumps(shared)) == shared
    assert p.evaluate(record, explain=True).to_dict(explain=True) == d.to_dict(explain=True)


def test_freeze_and_thaw():
    """freeze makes nested JSON read-only (keeping what is read-only already); thaw undoes it."""
    data = {"a": [1, {"b": (2, 3)}], "c": "x"}
    frozen = freeze(data)
    assert type(frozen) is TraceDict and type(frozen["a"]) is TraceList and type(frozen["a"][1]["b"]) is TraceList
    assert freeze(frozen) is frozen and frozen == {"a": [1, {"b": [2, 3]}], "c": "x"}
    assert thaw(frozen) == frozen and type(thaw(frozen)["a"][1]) is dict
    with pytest.raises(TypeError):
        frozen.update({})
    with pytest.raises(TypeError):
        frozen["a"] += [1]
