"""Hostile records: whatever a record holds, every output path gives a decision or an error
decision — never an exception — and every JSON written is strict JSON (no NaN or Infinity)."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from tests import strategies as S
from tests.conftest import budget, policy

RULES = """
phrases threats = ["殺す", "晒す", "バカ"]
define busy = count(contacts where length > 10min) >= 2
rule a { when amount / 3 > 1 or amount * amount > 100000 then kasuhara severity low respond "a" }
rule b { when call_length * 2 > 30min or call_length / 0.001 > 1h or call_length + 1h > 2h then kasuhara respond "b" }
rule c { when sum(contacts.length) > 1h or max(contacts.length) > 20min or busy then kasuhara respond "c" }
rule d { when remarks contains any threats or remarks matches "土下座.{0,10}しろ" or len(remarks) > 100 then kasuhara respond "d" }
rule e { when repeat * repeat > 50 or -repeat < -30 or repeat / 7 > 2 then kasuhara severity high respond "e" }
rule f { when reported_at - 1h < 2026-04-01T00:00:00+09:00 or birthday < 2000-01-01 then claim respond "f" }
rule g { when any(contacts where at > reported_at) or words contains any threats then kasuhara respond "g" }
"""
POLICY = parse_policy(policy(RULES), "hostile.kasu")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10 ** 30), 10 ** 30) | st.sampled_from([2 ** 63, -(2 ** 63), 10 ** 400])
    | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -1e308, 5e-324, -0.0])
    | st.text(max_size=20) | st.sampled_from(["\ud800", "PT99999999999H", "35min", "9" * 50 + "min", "P1Y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
FIELDS = ["incident_id", "channel", "repeat", "dogeza", "words", "contacts", "reported_at", "call_length", "amount",
          "demand_valid", "remarks", "birthday"]


@st.composite
def hostile_records(draw):
    record = draw(S.records())
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3)):
        record[name] = draw(json_values)
    contacts = record.get("contacts")
    if draw(st.booleans()) and isinstance(contacts, list) and contacts and isinstance(contacts[0], dict):
        record["contacts"][0] = dict(record["contacts"][0], length=draw(json_values))
    record.update(draw(st.dictionaries(st.text(max_size=4), json_values, max_size=2)))
    return record


def every_output(decision) -> None:
    for explain in (False, True):
        for show in (False, True):
            json.dumps(decision.to_dict(explain=explain, show_sensitive=show), ensure_ascii=False, allow_nan=False)
    decision.explain("ja")
    decision.explain("en", show_sensitive=True)
    repr(decision)


@settings(max_examples=budget(300))  # more under HYPOTHESIS_PROFILE=long
@given(st.lists(hostile_records(), min_size=1, max_size=3))
def test_hostile_records_never_raise(records):
    """evaluate_many (plain and explained) and every rendering of every decision succeed."""
    for explain in (False, True):
        decisions = list(POLICY.evaluate_many(records, explain=explain))
        assert len(decisions) == len(records)
        for d in decisions:
            assert (d.error is None) != (d.outcome is None)
            every_output(d)


BASE = {"incident_id": "T-1", "channel": "phone", "repeat": 3, "dogeza": False, "words": [], "contacts": [],
        "reported_at": "2026-05-01T10:00:00+09:00"}


def one(record):
    return next(POLICY.evaluate_many([record]))


def test_numbers_beyond_the_exchangeable_range_are_refused():
    """Integers and numbers must lie within ±(2**53 − 1); the error says so, without the digits."""
    for field, value in [("repeat", 2 ** 53), ("repeat", -(10 ** 400)), ("amount", 1e300), ("amount", 10 ** 20)]:
        d = one(dict(BASE, **{field: value}))
        assert d.error is not None and d.error.field == field and "9,007,199,254,740,991" in d.error.message
    assert one(dict(BASE, repeat=2 ** 53 - 1)).error is None and one(dict(BASE, amount=-(2 ** 53 - 1))).error is None
    assert "about 401 digits" in one(dict(BASE, repeat=10 ** 400)).error.message


def test_durations_longer_than_a_century_are_refused():
    """A duration beyond a hundred years (as a number, text or timedelta) is an error, never an overflow."""
    import datetime as dt

    for value in (36526 * 24 * 60, 1e300, "99999999999h", "PT99999999999H", dt.timedelta(days=10 ** 6)):
        d = one(dict(BASE, call_length=value))
        assert d.error is not None and d.error.field == "call_length", value
    d = one(dict(BASE, contacts=[{"at": "2026-05-01T10:00:00+09:00", "length": 1e300}]))
    assert d.error.field == "contacts[0].length"
    # a timedelta is shown as a duration in the message (it read "the duration a timedelta is longer …")
    assert "the duration P1000000D is longer" in one(dict(BASE, call_length=dt.timedelta(days=10 ** 6))).error.message


def test_an_examples_duration_past_what_python_holds_is_e502_not_a_crash(tmp_path):
    """`given { d: 1000000000d }` (more days than a timedelta holds) and `99999999999999h` are E502 with the
    literal as written, from check, test, doc and schema alike; 200000000d was E502 already."""
    import io

    from kasuhara_rules.cli.commands import main

    for literal, said in (("1000000000d", '"1000000000d"'), ("99999999999999h", '"99999999999999h"'),
                          ("200000000d", "P200000000D")):
        path = tmp_path / "o.kasu"
        path.write_text('policy "O" { id o version "1" otherwise claim }\nschema { d: optional duration }\n'
                        f'outcomes {{ claim, kasuhara }}\nexample "huge" {{ given {{ d: {literal} }} expect claim }}\n',
                        encoding="utf-8")
        for command in ("check", "test", "doc", "schema"):
            out, err = io.StringIO(), io.StringIO()
            assert main([command, str(path)], out, err) == 1, (literal, command, err.getvalue())
            shown = out.getvalue() + err.getvalue()  # check writes its diagnostics to standard output
            assert f'example "huge": d: the duration {said} is longer than a hundred years' in shown, shown
            assert command == "test" or "E502" in shown


def test_arithmetic_overflow_makes_the_rule_undetermined():
    """A product beyond the range of floats leaves that rule undetermined (and the batch going);
    values that cannot be shown in JSON appear as null."""
    huge = "(repeat" + " * repeat" * 40 + ")"
    p = parse_policy(policy(f'rule r {{ when {huge} / 3 > 1 then kasuhara respond "x" }}\n'
                            'define late = reported_at + call_length * 1000\n'
                            'rule s { when late > 2026-01-01T00:00:00Z then claim respond "y" }\n'))
    record = dict(BASE, repeat=2 ** 50, call_length=36500 * 24 * 60)
    for explain in (False, True):
        d = next(p.evaluate_many([record], explain=explain))
        assert d.error is None and d.outcome == "review" and [r.rule for r in d.pending] == ["r"]
        assert "s" in d.matched
        trace = d.to_dict(explain=True)["trace"]
        assert trace[0]["result"] == "undetermined" and trace[0]["condition"]["value"] is None
        assert trace[1]["condition"]["children"][0]["value"] is None  # the date-time beyond 9999
        json.dumps(d.to_dict(explain=True), allow_nan=False)
        every_output(d)
