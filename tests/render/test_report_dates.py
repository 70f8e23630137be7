"""`kasu report` and its dates (issue 25): periods never from a sensitive field unless asked (and then the
report says so), dates compared as dates with records outside a sane range listed as invalid."""
import io
import json

from kasuhara_rules import parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.render import report as rep

HEAD = '''policy "t" { id t version "1" otherwise claim }
outcomes { claim, kasuhara }
'''
RULE = "rule loud { when shouted then kasuhara }\n"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _policy(schema):
    return parse_policy(HEAD + "schema {\n" + schema + "\n}\n" + RULE)


def test_periods_never_come_from_a_sensitive_field_by_default():
    """A customer's birth date (sensitive, first in the schema) is passed over for the report's own date."""
    p = _policy('  id: text key\n  birth "生年月日": datetime sensitive\n  reported "受付日時": datetime\n  shouted: bool')
    records = [{"id": f"A{i}", "birth": f"19{50 + i}-0{1 + i % 9}-01T00:00:00+09:00",
                "reported": "2026-05-01T10:00:00+09:00", "shouted": True} for i in range(8)]
    data = rep.aggregate(p.checked, [p.evaluate_numbered(r, i) for i, r in enumerate(records, 1)])
    assert data["date_field"] == "reported" and [x["period"] for x in data["periods"]] == ["2026-05"]
    assert not any(x["period"].startswith("19") for x in data["periods"])


def test_only_sensitive_dates_give_totals_only_unless_asked(tmp_path):
    """With only a sensitive date, the report has totals and no periods; --date-field names it explicitly,
    and then the report says that its periods come from a sensitive field (never that none appears)."""
    policy = tmp_path / "p.kasu"
    policy.write_text(HEAD + 'schema {\n  id: text key\n  birth "生年月日": date sensitive\n  shouted: bool\n}\n' + RULE,
                      encoding="utf-8")
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps({"id": f"A{i}", "birth": f"1980-0{1 + i}-01", "shouted": True}) + "\n"
                               for i in range(3)), encoding="utf-8")
    code, out, _ = run("report", policy, records, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["date_field"] is None and data["periods"] == []
    code, out, _ = run("report", policy, records, "--format", "json", "--date-field", "birth")
    data = json.loads(out)
    assert code == 0 and data["date_field"] == "birth" and data["date_field_sensitive"] is True
    for lang, words in (("ja", "機微な項目「生年月日」"), ("en", "sensitive field 生年月日")):
        code, md, _ = run("report", policy, records, "--format", "md", "--date-field", "birth", "--lang", lang)
        assert code == 0 and words in md
        assert "この報告には、機微な項目" not in md and "never contains" not in md


def test_a_date_outside_a_sane_range_is_invalid_and_periods_stay_few():
    """A record dated year 0026 (or 9999) is listed as invalid; the periods span the sane records only, and
    the change between the last two periods is computed."""
    p = _policy('  id: text key\n  reported: datetime\n  shouted: bool')
    dates = ["2026-04-03T10:00:00+09:00", "0026-05-01T10:00:00+09:00", "2026-05-20T10:00:00+09:00",
             "9999-12-31T10:00:00+09:00", "2026-06-01T10:00:00+09:00"]
    decisions = [p.evaluate_numbered({"id": f"A{i}", "reported": d, "shouted": True}, i) for i, d in enumerate(dates, 1)]
    data = rep.aggregate(p.checked, decisions)
    assert [x["period"] for x in data["periods"]] == ["2026-04", "2026-05", "2026-06"]
    assert [r["line"] for r in data["invalid"]["records"]] == [2, 4]
    assert data["invalid"]["records"][0]["field"] == "reported" and "1970" in data["invalid"]["records"][0]["message"]
    assert data["decided"] == 3 and data["change"]["period"] == "2026-06"
    assert sum(x["records"] for x in data["periods"]) == 3


def test_a_moment_whose_local_day_is_past_the_calendar_is_invalid_not_a_crash(tmp_path):
    """9999-12-31T23:59:59-12:00 is already 10000-01-01 in Tokyo, and 0001-01-01T00:00:00+14:00 still
    year 0 there: `kasu eval` decides both; `kasu report` lists them as invalid (exit 3), never a traceback."""
    policy = tmp_path / "p.kasu"
    policy.write_text('policy "t" { id t version "1" otherwise claim timezone "Asia/Tokyo" }\n'
                      'outcomes { claim, kasuhara }\nschema {\n  id: text key\n  reported: datetime\n'
                      '  shouted: bool\n}\n' + RULE, encoding="utf-8")
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps({"id": f"A{i}", "reported": d, "shouted": True}) + "\n" for i, d in enumerate(
        ["9999-12-31T23:59:59-12:00", "2026-05-01T10:00:00+09:00", "0001-01-01T00:00:00+14:00"])), encoding="utf-8")
    code, out, err = run("eval", policy, records)
    assert code == 0 and len(out.splitlines()) == 3, err
    code, out, err = run("report", policy, records, "--format", "json", "--no-progress")
    assert code == 3 and "Traceback" not in err, err
    data = json.loads(out)
    assert [r["line"] for r in data["invalid"]["records"]] == [1, 3] and data["decided"] == 1
    assert all("1970" in r["message"] for r in data["invalid"]["records"])


def test_periods_are_ordered_as_dates():
    """Periods sort as dates (a two-digit year would sort as text after 2026)."""
    p = _policy('  id: text key\n  reported: date\n  shouted: bool')
    dates = ["2026-12-03", "2027-01-05", "2026-11-30"]
    decisions = [p.evaluate_numbered({"id": f"A{i}", "reported": d, "shouted": True}, i) for i, d in enumerate(dates, 1)]
    data = rep.aggregate(p.checked, decisions)
    assert [x["period"] for x in data["periods"]] == ["2026-11", "2026-12", "2027-01"]
