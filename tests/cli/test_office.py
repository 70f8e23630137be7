"""Issue 28: the files a Japanese office produces, in and out — Shift_JIS CSV with label headers, Excel
date-times, .xlsx, `kasu eval --format csv` for Excel, the fiscal year in `kasu report`."""
import csv
import io
import json

import pytest

from tests.cli.test_eval import run
from tests.conftest import ROOT

RETAIL = str(ROOT / "examples" / "retail.kasu")
INCIDENTS = str(ROOT / "examples" / "retail-incidents.jsonl")
HEADER = ["事案番号", "店舗", "受付チャネル", "受付日時", "要求の種類", "発言内容（記録）", "大声・威圧（なし／一度／続いた）",
          "土下座の要求", "退去を求めても応じなかった回数"]
ROWS = [
    ["E-1", "新宿店", "counter", "2027/4/13 14:00", "apology", "誠意を見せろ、土下座しろ", "none", "はい", ""],
    ["E-2", "横浜店", "phone", "2027-04-14 10:00:00", "refund", "帰らないからな", "once", "", "3"],
    ["E-3", "横浜店", "counter", "2027/3/31 18:30", "explanation", "説明してください", "none", "いいえ", "0"],
    ["=HYPERLINK(\"http://x\")", "新宿店", "counter", "2027/4/1 9:00", "apology", "x", "大声", "", ""],
]


def excel_csv(tmp_path, rows=ROWS, name="excel.csv"):
    """A CSV as Japanese Excel saves it: Shift_JIS (cp932), CRLF, label headers."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER, *rows])
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode("cp932"))
    return path


def test_report_reads_excels_shift_jis_csv_with_japanese_labels(tmp_path):
    """The issue's first finding (a traceback before): `kasu report` decides a Shift_JIS CSV with label
    headers and Excel's date-times, tells on standard error that it read Shift_JIS (in Japanese with
    --lang ja), and counts the one bad row as invalid (exit 3)."""
    path = excel_csv(tmp_path)
    code, out, err = run("report", RETAIL, str(path), "--format", "json", "--lang", "ja", "--no-progress")
    assert code == 3, err
    data = json.loads(out)
    assert data["records"] == 4 and data["decided"] == 3 and data["invalid"]["count"] == 1
    assert data["invalid"]["records"][0]["line"] == 5 and data["invalid"]["records"][0]["field"] == "raised_voice"
    assert [p["period"] for p in data["periods"]] == ["2027-03", "2027-04"]
    assert "Shift_JIS" in err and "として読みます" in err and "Traceback" not in err
    code, out, err = run("report", RETAIL, str(path), "--format", "json", "--encoding", "utf-8", "--no-progress")
    assert code == 2 and "--encoding cp932" in err and out == ""


def test_eval_format_csv_opens_in_excel(tmp_path):
    """`kasu eval --format csv`: UTF-8 with a BOM, CRLF, the header of the contract's columns, one row per
    decision in input order (an invalid record too, with its error), responses one a line, and a cell
    that would be a formula neutralised."""
    path = excel_csv(tmp_path)
    code, out, err = run("eval", RETAIL, str(path), "--format", "csv", "--no-progress")
    assert code == 3, err
    assert out.startswith("\ufeffline,incident,outcome,outcome_label,severity,escalation,rule,pending,responses,error\r\n")
    rows = list(csv.DictReader(io.StringIO(out[1:], newline="")))
    assert [r["line"] for r in rows] == ["2", "3", "4", "5"]
    assert rows[0]["incident"] == "E-1" and rows[0]["rule"] == "dogeza" and rows[0]["outcome_label"] == "カスタマーハラスメント"
    assert rows[0]["severity"] == "high" and rows[0]["escalation"] == "supervisor"
    assert len(rows[0]["responses"].splitlines()) >= 2
    assert rows[1]["rule"] == "refusing_to_leave"
    assert rows[3]["incident"].startswith("'=HYPERLINK") and rows[3]["outcome"] == ""
    assert "raised_voice" in rows[3]["error"] and "大声" in rows[3]["error"]


def test_eval_csv_the_same_with_jobs_and_into_a_file(tmp_path):
    """--jobs 2 writes the same bytes; -o FILE writes the file whole (UTF-8 with BOM), nothing on standard
    output; a FILE in a folder that does not exist is a usage error that leaves nothing behind."""
    code, serial, _ = run("eval", RETAIL, INCIDENTS, "--format", "csv", "--no-progress")
    code2, parallel, _ = run("eval", RETAIL, INCIDENTS, "--format", "csv", "--no-progress", "--jobs", "2")
    assert code == code2 == 3 and serial == parallel
    assert serial.count("\r\n") >= 42
    target = tmp_path / "decisions.csv"
    code, out, _ = run("eval", RETAIL, INCIDENTS, "--format", "csv", "--no-progress", "-o", str(target))
    assert code == 3 and out == ""
    assert target.read_bytes() == serial.encode("utf-8") and target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.csv"]  # no temporary file left
    code, out, err = run("eval", RETAIL, INCIDENTS, "--format", "csv", "-o", str(tmp_path / "no" / "x.csv"))
    assert code == 2 and "no/x.csv" in err


def test_the_round_trip_csv_in_csv_out_reads_back(tmp_path):
    """The tutorial's round trip: a CSV in (Shift_JIS), `--format csv` out, read back by Excel's rules
    (BOM, quoted line breaks): one row per input row, the same incidents in the same order."""
    path = excel_csv(tmp_path, ROWS[:3])
    code, out, _ = run("eval", RETAIL, str(path), "--format", "csv", "--no-progress", "-o", str(tmp_path / "out.csv"))
    assert code == 0
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["incident"] for r in rows] == ["E-1", "E-2", "E-3"]


def test_xlsx_for_eval_diff_and_report(tmp_path):
    """A workbook is read by every command that reads records (the first sheet, label headers)."""
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["X-1", "新宿店", "counter", dt.datetime(2027, 4, 13, 14), "apology", "土下座しろ", "none", True, None])
    path = tmp_path / "records.xlsx"
    book.save(path)
    code, out, err = run("eval", RETAIL, str(path), "--no-progress")
    assert code == 0 and json.loads(out)["rule"] == "dogeza", err
    code, out, err = run("diff", RETAIL, RETAIL, str(path))
    assert code == 0, err
    code, out, err = run("report", RETAIL, str(path), "--format", "json", "--no-progress")
    assert code == 0 and json.loads(out)["periods"][0]["period"] == "2027-04"
    code, out, err = run("eval", RETAIL, "-", "--input-format", "xlsx", stdin=b"")
    assert code == 2 and "standard input" in err


@pytest.mark.parametrize("by, start, periods", [
    ("fiscal-year", 4, ["FY2026", "FY2027"]),
    ("fiscal-quarter", 4, ["FY2026-Q3", "FY2026-Q4", "FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]),
    ("fiscal-year", 10, ["FY2026", "FY2027"]),
    ("fiscal-year", 1, ["FY2026", "FY2027", "FY2028"]),
    ("quarter", 4, ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"]),
])
def test_report_by_fiscal_periods(by, start, periods):
    """The shipped retail incidents (2026-10 to 2028-03) by fiscal year and quarter (April start: 2026年度
    and 2027年度), by a fiscal year starting in October or January, and by calendar quarter."""
    code, out, err = run("report", RETAIL, INCIDENTS, "--by", by, "--fiscal-start", str(start), "--format", "json",
                         "--no-progress")
    assert code == 3, err
    data = json.loads(out)
    assert [p["period"] for p in data["periods"]] == periods
    assert sum(p["records"] for p in data["periods"]) == data["decided"] - data["undated"]
    if by.startswith("fiscal"):
        assert data["fiscal_start"] == start
        first = data["periods"][0]
        assert first["start"][5:7] == f"{start:02d}" or by == "fiscal-quarter"


def test_the_fiscal_year_boundary_and_the_period_names(tmp_path):
    """March 31st 23:59 and April 1st 00:00 (Tokyo) fall in different 年度; the names read 2026年度 / FY2026 Q4."""
    rows = [["B-1", "新宿店", "counter", "2027/3/31 23:59", "explanation", "x", "none", "", ""],
            ["B-2", "新宿店", "counter", "2027/4/1 0:00", "explanation", "x", "none", "", ""],
            ["B-3", "新宿店", "counter", "2027-03-31T15:30:00Z", "explanation", "x", "none", "", ""]]
    path = excel_csv(tmp_path, rows)
    code, out, _ = run("report", RETAIL, str(path), "--by", "fiscal-year", "--format", "json", "--no-progress")
    data = json.loads(out)
    assert [(p["period"], p["records"], p["start"], p["end"]) for p in data["periods"]] == [
        ("FY2026", 1, "2026-04-01", "2027-03-31"), ("FY2027", 2, "2027-04-01", "2028-03-31")]
    code, md, _ = run("report", RETAIL, str(path), "--by", "fiscal-quarter", "--format", "md", "--no-progress")
    assert "| 2026年度 Q4 |" in md and "| 2027年度 Q1 |" in md and "| 年度の始まり | 4月 |" in md
    code, md, _ = run("report", RETAIL, str(path), "--by", "fiscal-quarter", "--format", "md", "--lang", "en",
                      "--no-progress")
    assert "| FY2026 Q4 |" in md and "| fiscal years start in | April |" in md
    code, _, err = run("report", RETAIL, str(path), "--fiscal-start", "13")
    assert code == 2 and "'13' is not a month" in err  # argparse's refusal, on main's own err


def test_survey_report_reads_shift_jis_with_a_notice_and_encoding(tmp_path, monkeypatch):
    """`kasu survey report` reads answers as the record commands do: a notice for Shift_JIS, from a file
    or a pipe (a FIFO, as `<(…)` gives), and --encoding forces (utf-8 then refuses the file)."""
    import os
    import threading

    from tests.fixtures import risk
    from kasuhara_rules import load_policy

    monkeypatch.chdir(tmp_path)  # where the rounds' seal is kept
    text = risk.survey_rounds(load_policy(RETAIL), staff=40)[0]
    path = tmp_path / "round1.csv"
    path.write_bytes(text.lstrip("\ufeff").encode("cp932", "replace"))
    code, out, err = run("survey", "report", str(path), "--policy", RETAIL, "--format", "json", "--min-group", "3")
    assert code in (0, 3) and json.loads(out)["rounds"][0]["respondents"] == 40 and "Shift_JIS" in err, err
    fifo = tmp_path / "piped.csv"
    os.mkfifo(fifo)
    threading.Thread(target=fifo.write_bytes, args=(path.read_bytes(),), daemon=True).start()
    code, piped, err = run("survey", "report", str(fifo), "--policy", RETAIL, "--format", "json", "--min-group", "3")
    assert code in (0, 3) and json.loads(piped)["rounds"][0]["respondents"] == 40 and "Shift_JIS" in err, err
    code, out, err = run("survey", "report", str(path), "--policy", RETAIL, "--format", "json", "--encoding", "utf-8")
    assert code == 2 and out == ""


def test_survey_template_departments(tmp_path):
    """--departments and --departments-from give the department question its choices (a formula-like
    name neutralised in the CSV)."""
    listed = tmp_path / "depts.txt"
    listed.write_text("# 部署の一覧\n本店\n横浜店  # 二号店\n\n", encoding="utf-8")
    code, out, _ = run("survey", "template", RETAIL, "--departments", "新宿店,=1+1", "--departments", "渋谷店、池袋店",
                       "--departments-from", str(listed))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline="")))
    department = next(r for r in rows if r[0] == "所属部署")
    assert department[3:9] == ["新宿店", "'=1+1", "渋谷店", "池袋店", "本店", "横浜店"]
    code, out, _ = run("survey", "template", RETAIL, "--group", "role", "--departments", "A,B", "--format", "html")
    assert code == 0 and out.index("所属部署") < out.index("職種")


def test_journal_add_reads_excels_csv_and_reports_by_fiscal_year(tmp_path):
    """`kasu journal add` reads the same Shift_JIS CSV as `kasu eval` (a notice, label headers, Excel's
    date-times in the policy's Asia/Tokyo); `kasu report --db` counts it by fiscal year."""
    pytest.importorskip("sqlalchemy")
    path = excel_csv(tmp_path, ROWS[:3])
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    code, out, err = run("journal", "add", RETAIL, str(path), "--by", "sato", "--db", url, "--no-progress")
    assert code == 0 and "Shift_JIS" in err, err
    assert [json.loads(line)["rule"] for line in out.splitlines()][:2] == ["dogeza", "refusing_to_leave"]
    code, out, err = run("report", "--db", url, "--by", "fiscal-year", "--format", "json", "--no-progress")
    assert code == 0, err
    assert [(p["period"], p["records"]) for p in json.loads(out)["periods"]] == [("FY2026", 1), ("FY2027", 2)]


def test_journal_add_reads_a_workbook(tmp_path):
    """`kasu journal add` reads .xlsx as `kasu eval` does: label headers, a date-time cell, a formula saved
    without its value as the error of its row (exit 3), the other rows journaled."""
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("sqlalchemy")
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["X-1", "新宿店", "counter", dt.datetime(2027, 4, 13, 14), "apology", "土下座しろ", "none", True, None])
    book.active.append(["X-2", "新宿店", "counter", "=NOW()", "apology", "x", "none", False, None])
    path = tmp_path / "records.xlsx"
    book.save(path)
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    code, out, err = run("journal", "add", RETAIL, str(path), "--by", "sato", "--db", url, "--no-progress")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 3 and lines[0]["rule"] == "dogeza", err
    assert "D3" in lines[1]["error"]["message"] and lines[1]["error"]["line"] == 3
    code, out, err = run("report", "--db", url, "--format", "json", "--no-progress")
    assert code == 0 and [p["period"] for p in json.loads(out)["periods"]] == ["2027-04"], err
    code, out, err = run("report", "--db", url, "--date-field", "nope", "--format", "json", "--lang", "en")
    assert code == 2 and "nope" in err and out == "" and "Traceback" not in err


@pytest.mark.parametrize("industry", ["call-centre", "hospital-care", "local-government", "lodging", "retail",
                                      "transport"])
def test_shipped_incidents_span_18_months(industry):
    """Each industry's example incidents cover at least 18 months, so the trend report compares periods."""
    policy, records = (str(ROOT / "examples" / f"{industry}{suffix}") for suffix in (".kasu", "-incidents.jsonl"))
    code, out, err = run("report", policy, records, "--format", "json", "--no-progress")
    periods = [p["period"] for p in json.loads(out)["periods"]]
    assert code in (0, 3) and len(periods) >= 18, (periods, err)
    assert all(p["records"] for p in json.loads(out)["periods"][:1] + json.loads(out)["periods"][-1:])


def test_shift_jis_piped_into_eval_and_diff(tmp_path):
    """Excel's CSV piped in is read as the same file named is, with a notice; `kasu diff` reads standard
    input once per version, each reading its own copy (they used to share one, and mix their rows)."""
    data = excel_csv(tmp_path, ROWS[:3]).read_bytes()
    code, out, err = run("eval", RETAIL, "-", "--input-format", "csv", "--no-progress", "--lang", "en", stdin=data)
    assert code == 0 and "standard input is not UTF-8 but is valid Shift_JIS" in err, err
    assert [json.loads(line)["incident"] for line in out.splitlines()] == ["E-1", "E-2", "E-3"]
    jsonl = "".join(json.dumps({"incident_id": f"J-{n}", "store": "新宿店", "channel": "counter",
                                "reported_at": "2027/4/13 14:00", "demand_type": "apology", "remarks": "土下座しろ",
                                "raised_voice": "none", "demanded_dogeza": n % 2 == 0}, ensure_ascii=False) + "\n"
                    for n in range(6)).encode("cp932")
    for argv, piped in ((["--input-format", "csv"], data), ([], jsonl)):  # --jobs: CSV read here, JSON Lines by workers
        alone = run("eval", RETAIL, "-", *argv, "--no-progress", stdin=piped)
        code, out, err = run("eval", RETAIL, "-", *argv, "--no-progress", "--jobs", "2", stdin=piped)
        assert (code, out) == alone[:2] and "Shift_JIS" in err, (argv, err)
    for forced in ([], ["--encoding", "cp932"]):
        code, out, err = run("diff", RETAIL, RETAIL, "-", "--input-format", "csv", "--lang", "en", *forced, stdin=data)
        assert code == 0 and "changed: 0, unchanged: 3, undecidable: 0" in out, (forced, out, err)
