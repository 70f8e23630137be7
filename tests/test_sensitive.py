"""No sensitive value appears in any output unless asked for (property test over all output paths)."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from kasuhara_rules.engine.records import RecordError
from tests.conftest import budget, HEADER, VOCAB

SCHEMA = """schema {
  incident_id: text key
  name "氏名": text sensitive
  phone: optional text sensitive
  notes: optional text sensitive
  age: optional int sensitive
  visits: list of { at: datetime, memo: optional text sensitive }
  dogeza: bool
}
"""
RULES = """
phrases threats = ["殺す", "晒す"]
rule a { when notes contains any threats then kasuhara severity high respond "a" }
rule b { when name matches "[A-Z]{3}" or phone contains "090" then kasuhara severity low respond "b" }
rule c { when age > 60 and dogeza then claim respond "c" }
rule d { when any(visits where memo contains "土下座") then kasuhara severity medium respond "d" }
rule e { when notes == name then claim respond "e" }
rule f { when notes mentions any threats or any(visits where memo mentions "土下座") then kasuhara respond "f" }
"""
POLICY = parse_policy(HEADER + VOCAB + SCHEMA + RULES, "s.kasu")
MARK = "秘"  # every secret contains this character, and nothing else in the outputs does

secrets = st.text(alphabet="ABCDEFXYZ0123456789殺す晒土下座", min_size=0, max_size=6).map(lambda s: MARK + s + MARK)


@st.composite
def records(draw):
    rec = {"incident_id": "S-1", "name": draw(secrets), "dogeza": draw(st.booleans()),
           "visits": [{"at": "2026-05-01T10:00:00+09:00", **({"memo": draw(secrets)} if draw(st.booleans()) else {})}
                      for _ in range(draw(st.integers(0, 2)))]}
    if draw(st.booleans()):
        rec["phone"] = draw(secrets)
    if draw(st.booleans()):
        rec["notes"] = draw(secrets)
    if draw(st.booleans()):
        rec["age"] = draw(st.integers(0, 100))
    return rec


KEYED = parse_policy(HEADER + VOCAB + SCHEMA.replace("incident_id: text key", "incident_id: text key sensitive")
                     + RULES, "k.kasu")


def test_sensitive_key_is_redacted_everywhere():
    """A sensitive key shows as ‹redacted› in JSON, explanations, repr and error decisions."""
    record = {"incident_id": MARK + "1", "name": "x", "dogeza": True, "visits": []}
    d = KEYED.evaluate(record)
    bad = next(KEYED.evaluate_many([dict(record, dogeza="yes")]))
    for text in (json.dumps(d.to_dict(explain=True), ensure_ascii=False), d.explain(), d.explain("en"), repr(d),
                 json.dumps(bad.to_dict(), ensure_ascii=False), repr(bad), bad.explain()):
        assert MARK not in text
    assert d.to_dict(show_sensitive=True)["incident"] == MARK + "1"


def outputs(record, show: bool) -> str:
    d = next(POLICY.evaluate_many([record]))
    parts = [json.dumps(d.to_dict(show_sensitive=show), ensure_ascii=False),
             json.dumps(d.to_dict(explain=True, show_sensitive=show), ensure_ascii=False),
             d.explain("ja", show_sensitive=show), d.explain("en", show_sensitive=show), repr(d)]
    return "\n".join(parts)


@given(records())
def test_no_sensitive_value_in_any_output(record):
    """JSON, traces, both explanations and repr never contain a sensitive value by default."""
    assert MARK not in outputs(record, show=False)


@given(records())
def test_sensitive_values_shown_when_asked(record):
    """With show_sensitive, values read by rules do appear."""
    text = outputs(record, show=True)
    assert record["name"] in text


@given(records(), st.sampled_from(["name", "phone", "notes", "age"]), st.sampled_from([1, [MARK], {"x": MARK}, MARK + "x"]))
def test_errors_never_carry_sensitive_values(record, field, bad):
    """A record error about a sensitive field names the field, not the value."""
    record = dict(record, **{field: bad if not (field == "age" and bad == 1) else MARK})
    d = next(POLICY.evaluate_many([record]))
    if d.error is not None:
        assert MARK not in d.error.message and MARK not in json.dumps(d.to_dict(), ensure_ascii=False)
        assert MARK not in d.explain()
    try:
        POLICY.evaluate(record)
    except RecordError as exc:
        assert MARK not in str(exc) and MARK not in repr(exc)


@given(records())
def test_shown_first_then_hidden_never_leaks(record):
    """Explaining a record with sensitive values shown, then hidden, on the same policy (whose
    trace cache has just seen the shown values) reveals nothing."""
    outputs(record, show=True)
    assert MARK not in outputs(record, show=False)


def _cli(argv, stdin: bytes) -> tuple[int, str, str]:
    import io
    import sys

    from kasuhara_rules.cli.commands import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        code = main(argv, out=out, err=err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=budget(25))
@given(st.lists(records(), min_size=1, max_size=4), st.sampled_from(["name", "phone", "age", "visits"]))
def test_kasu_eval_never_prints_sensitive_values(tmp_path_factory, recs, broken):
    """Every `kasu eval` output (JSON, --explain, text in both languages, error lines, stderr)
    is free of sensitive values unless --show-sensitive; with it, they appear."""
    path = tmp_path_factory.mktemp("s") / "s.kasu"
    path.write_text(HEADER + VOCAB + SCHEMA + RULES, encoding="utf-8")
    visit = {"at": "2026-05-01T10:00:00+09:00", "memo": [MARK]}  # memo is the sensitive part of a visit
    bad = dict(recs[0], **{broken: [MARK] if broken != "visits" else [visit]})
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs + [bad]).encode()
    for extra in ([], ["--explain"], ["--format", "text"], ["--format", "text", "--lang", "en"]):
        code, out, err = _cli(["eval", str(path), *extra], data)
        assert code == 3 and MARK not in out and MARK not in err
    _, shown, _ = _cli(["eval", str(path), "--explain", "--show-sensitive"], data)
    assert recs[0]["name"] in shown


def test_kasu_eval_jobs_never_prints_sensitive_values(tmp_path):
    """The same with worker processes."""
    path = tmp_path / "s.kasu"
    path.write_text(HEADER + VOCAB + SCHEMA + RULES, encoding="utf-8")
    recs = [{"incident_id": f"S-{i}", "name": MARK + "名前" + MARK, "notes": MARK + "殺す" + MARK, "dogeza": True,
             "visits": [{"at": "2026-05-01T10:00:00+09:00", "memo": MARK + "土下座" + MARK}]} for i in range(50)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs).encode()
    for extra in (["--explain"], ["--format", "text"]):
        code, out, err = _cli(["eval", str(path), "--jobs", "2", *extra], data)
        assert code == 0 and MARK not in out + err and out.count("‹redacted›") >= 50
