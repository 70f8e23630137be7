"""Tests for render/report.py and `kasu report`: counts, periods, backlog, changes, invalid records, no
sensitive value, and the HTML in a real browser."""
import io
import json
import sys

import pytest

from kasuhara_rules import load_policy, parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.render import report as rep
from tests import browser
from tests.conftest import ROOT
from tests.fixtures.risk import SECRET, incidents, jsonl

POLICY = ROOT / "examples" / "retail.kasu"


@pytest.fixture(scope="module")
def policy():
    return load_policy(str(POLICY))


@pytest.fixture(scope="module")
def records(policy):
    return incidents(policy)


@pytest.fixture(scope="module")
def data(policy, records):
    decisions = [policy.evaluate_numbered(r if not isinstance(r, str) else _bad(r), i)
                 for i, r in enumerate(records, 1)]
    return rep.aggregate(policy.checked, decisions)


def _bad(text):
    from kasuhara_rules.reading.batch import jsonl_record

    return jsonl_record(text.encode(), 1)


@pytest.fixture(scope="module")
def incidents_file(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("report") / "incidents.jsonl"
    path.write_text(jsonl(records), encoding="utf-8")
    return path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_fixture_is_large_and_spans_18_months(records, data):
    """The generator gives ≥ 2,000 incidents over 18 months, a few of them broken on purpose."""
    assert len(records) >= 2000
    assert len(data["periods"]) == 18
    assert data["invalid"]["count"] == 12 and data["decided"] == len(records) - 12


def test_totals_add_up(policy, data):
    """Outcome totals equal the decided records and the sum of the periods; every outcome is listed."""
    assert set(data["outcomes"]) == {o.name for o in policy.checked.outcomes}
    assert data["undated"] == 0
    for dim in rep.DIMENSIONS:
        assert sum(data[dim].values()) == data["decided"], dim
        for key, total in data[dim].items():
            assert sum(p[dim].get(key, 0) for p in data["periods"]) == total
    assert all(p["records"] == sum(p["outcomes"].values()) for p in data["periods"])


def test_every_one_of_field_per_period(policy, data):
    """Every non-sensitive `one of` field of the loaded policy is counted per period."""
    names = [f.name for f in policy.checked.fields if f.type.kind == "enum" and not f.sensitive]
    assert names and set(data["fields"]) == set(names)
    for p in data["periods"]:
        for name in names:
            assert sum(p["fields"][name].values()) == p["records"]


def test_review_backlog_and_top_rules(policy, data):
    """The backlog counts review decisions and names the fields they miss; top rules are sorted."""
    assert data["review"]["count"] == data["outcomes"].get("review", 0) > 0
    optional = {f.name for f in policy.checked.fields if f.optional}
    assert data["review"]["missing"] and all(m["field"] in optional for m in data["review"]["missing"])
    counts = [r["matched"] for r in data["top_rules"]]
    assert counts == sorted(counts, reverse=True) and len(counts) <= 10


def test_change_since_previous_period(data):
    """The change block compares the last period with the one before it."""
    last, prev = data["periods"][-1], data["periods"][-2]
    change = data["change"]
    assert (change["period"], change["previous"]) == (last["period"], prev["period"])
    for key, row in change["outcomes"].items():
        assert row == {"count": last["outcomes"].get(key, 0), "previous": prev["outcomes"].get(key, 0),
                       "change": last["outcomes"].get(key, 0) - prev["outcomes"].get(key, 0)}


def test_quarters(policy, records):
    """--by quarter gives 2026-Q1 style periods with the same totals."""
    decisions = [policy.evaluate_numbered(r, i) for i, r in enumerate(records, 1) if not isinstance(r, str)]
    data = rep.aggregate(policy.checked, decisions, by="quarter")
    assert all(p["period"][5] == "Q" for p in data["periods"]) and 6 <= len(data["periods"]) <= 7
    assert sum(p["records"] for p in data["periods"]) == data["decided"]


def test_periods_are_local_dates_and_gaps_are_kept():
    """A record late on the last day of a month counts in that month (its own offset); empty months appear."""
    p = parse_policy('policy "p" { id p version "1" otherwise claim } outcomes { claim, kasuhara } '
                     'schema { at: datetime, loud: bool }\nrule r { when loud then kasuhara respond "x" }')
    recs = [{"at": "2026-01-31T23:30:00+09:00", "loud": True}, {"at": "2026-04-01T00:10:00+09:00", "loud": False}]
    data = rep.aggregate(p.checked, [p.evaluate_numbered(r, i) for i, r in enumerate(recs, 1)])
    assert [x["period"] for x in data["periods"]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert data["periods"][0]["outcomes"] == {"claim": 0, "kasuhara": 1, "review": 0}


def test_no_sensitive_value_in_any_format(policy, data):
    """Sensitive text and a sensitive `one of` field never reach the report, in any format."""
    text = json.dumps(data, ensure_ascii=False) + rep.to_markdown(data) + rep.to_html(data, "en")
    assert SECRET not in text
    p = parse_policy('policy "p" { id p version "1" otherwise claim } outcomes { claim, kasuhara } '
                     'schema { at: datetime, who: one of ["alice_tanaka", "bob"] sensitive, note: text sensitive, '
                     'loud: bool }\nrule r { when loud then kasuhara respond "x" }')
    recs = [{"at": "2026-01-03T10:00:00+09:00", "who": "alice_tanaka", "note": SECRET, "loud": True},
            {"at": "2026-01-03T10:00:00+09:00", "who": "bob", "note": 5, "loud": True}]
    small = rep.aggregate(p.checked, [p.evaluate_numbered(r, i) for i, r in enumerate(recs, 1)])
    text = json.dumps(small, ensure_ascii=False) + rep.to_markdown(small) + rep.to_html(small)
    assert "alice_tanaka" not in text and SECRET not in text and "who" not in small["fields"]
    assert small["invalid"]["count"] == 1 and small["invalid"]["records"][0]["line"] == 2


def test_cli_json_and_exit_codes(incidents_file, records, tmp_path):
    """`kasu report --format json` has the contract's keys; exit 3 when records are invalid, 0 when not."""
    code, out, _ = run("report", POLICY, incidents_file, "--format", "json", "--no-progress")
    data = json.loads(out)
    assert code == 3 and isinstance(data["outcomes"], dict)
    assert all(set(p) >= {"period", "outcomes"} for p in data["periods"])
    assert [r["line"] for r in data["invalid"]["records"]] == sorted(r["line"] for r in data["invalid"]["records"])
    assert all(r["file"] == str(incidents_file) for r in data["invalid"]["records"])
    bad = {r["line"] for r in data["invalid"]["records"]}
    clean = tmp_path / "clean.jsonl"
    clean.write_text(jsonl([r for i, r in enumerate(records, 1) if i not in bad]), encoding="utf-8")
    code, out, err = run("report", POLICY, clean, "--format", "md", "-o", tmp_path / "r.md")
    assert code == 0 and out == "", err
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# カスタマーハラスメント 傾向レポート")


def test_cli_usage_errors(incidents_file):
    """A --date-field that is no date, or a missing file, is a usage error (2) with a message."""
    code, _, err = run("report", POLICY, incidents_file, "--date-field", "channel", "--format", "json")
    assert code == 2 and "reported_at" in err
    code, _, err = run("report", POLICY, "nope.jsonl", "--format", "json")
    assert code == 2 and "no such file" in err


def test_cli_date_field(incidents_file):
    """--date-field names the field periods come from."""
    code, out, _ = run("report", POLICY, incidents_file, "--format", "json", "--date-field", "reported_at")
    assert code == 3 and json.loads(out)["date_field"] == "reported_at"


def test_html_without_the_extra_says_how_to_install(incidents_file, monkeypatch):
    """Without vl-convert, --format html stops with the install command; md and json still work."""
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    code, out, err = run("report", POLICY, incidents_file)
    assert code == 2 and "pip install '.[report]'" in err and out == ""
    code, _, _ = run("report", POLICY, incidents_file, "--format", "md")
    assert code == 3


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_in_a_real_browser(incidents_file, tmp_path, lang):
    """The HTML report renders with no console message, has its charts, and prints on A4 without a lone heading."""
    pytest.importorskip("vl_convert")
    code, out, _ = run("report", POLICY, incidents_file, "--lang", lang)
    assert code == 3 and SECRET not in out
    assert "<script" not in out and "http://" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "") \
        .replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    texts = browser.check_page(out, tmp_path, f"report-{lang}", charts=5)
    assert len(texts) >= 3


@pytest.mark.browser
def test_browser_check_catches_console_errors(tmp_path):
    """The browser helper does see a page's console errors (so the checks above can fail)."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><script>nosuch()</script></body></html>", encoding="utf-8")
    messages, _ = browser.console_errors(page, tmp_path)
    assert any("nosuch" in m for m in messages)


def test_lone_heading_check_sees_a_heading_at_the_foot_of_a_page():
    """The lone-heading check flags a page whose last line is a heading."""
    html_text = "<h1>T</h1><h2>節 A</h2><p>x</p><h2>節 B</h2>"
    assert browser.lone_headings(html_text, ["T\n節 A\nx\n節 B", "本文"]) == ["節B"]
    assert browser.lone_headings(html_text, ["T\n節 A\nx", "節 B\n本文"]) == []


def test_a_schema_without_dates_gives_totals_only():
    """Without a date field the report has totals and no periods (not an error)."""
    p = parse_policy('policy "p" { id p version "1" otherwise claim } outcomes { claim, kasuhara } '
                     'schema { loud: bool }\nrule r { when loud then kasuhara respond "x" }')
    data = rep.aggregate(p.checked, [p.evaluate_numbered({"loud": v}, i) for i, v in enumerate([True, False, True])])
    assert data["periods"] == [] and data["date_field"] is None and data["undated"] == 3
    assert data["outcomes"] == {"claim": 1, "kasuhara": 2, "review": 0} and data["change"] is None
    assert "| カスタマーハラスメント |" not in rep.to_markdown(data) and "| kasuhara | 2 |" in rep.to_markdown(data)


def test_backlog_keeps_settled_outcomes_apart_from_reviews():
    """A settled outcome whose pending rule would raise the severity or the escalation is not in the
    review backlog (staff act on it); the report counts it apart with the facts worth finding out."""
    p = parse_policy('policy "p" { id p version "1" otherwise claim } outcomes { claim, kasuhara }\n'
                     'severities { low, high } escalations { staff, police }\n'
                     'schema { loud: bool, armed: optional bool, valid: optional bool }\n'
                     'rule weapon { when armed then kasuhara severity high respond "w" escalate police }\n'
                     'rule loud { when loud then kasuhara severity low respond "l" escalate staff }\n'
                     'rule fine { when valid then claim severity high respond "c" }\n')
    records = [{"loud": True}, {"loud": True, "armed": False}, {"loud": False, "armed": False}]
    data = rep.aggregate(p.checked, [p.evaluate_numbered(r, i) for i, r in enumerate(records, 1)])
    assert data["outcomes"]["review"] == 2 and data["outcomes"]["claim"] == 1  # `fine` would make 1 and 2 claims
    records = [{"loud": True, "valid": False}, {"loud": True, "valid": False, "armed": False}]
    data = rep.aggregate(p.checked, [p.evaluate_numbered(r, i) for i, r in enumerate(records, 1)])
    assert data["review"]["count"] == 0 and data["outcomes"]["kasuhara"] == 2
    assert data["review"]["settled_open"] == 1 and data["review"]["settled_missing"] == [{"field": "armed", "count": 1}]
    md = rep.to_markdown(data, "en")
    assert "1 records have a settled outcome whose severity or escalation could still rise" in md
    assert "判断の区分は確定しているものの" in rep.to_markdown(data, "ja")
