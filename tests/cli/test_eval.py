"""Tests for `kasu eval`: formats, order, exit codes 0/1/2/3, text explanations, redaction."""
import io
import json
import subprocess
import sys

from kasuhara_rules.cli.commands import main
from tests.conftest import ROOT, policy, sized

RETAIL = str(ROOT / "examples" / "retail.kasu")
INCIDENTS = str(ROOT / "examples" / "retail-incidents.jsonl")


def run(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        old = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        try:
            code = main(list(argv), out=out, err=err)
        finally:
            sys.stdin = old
    else:
        code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_one_line_per_record_in_order_and_exit_3():
    """Every input record gives one JSON line in input order; invalid ones make the exit code 3."""
    code, out, _ = run("eval", RETAIL, INCIDENTS)
    lines = out.splitlines()
    inputs = [ln for ln in open(INCIDENTS, encoding="utf-8").read().splitlines() if ln.strip()]
    assert code == 3 and len(lines) == len(inputs)
    decoded = [json.loads(ln) for ln in lines]
    broken = [n for n, ln in enumerate(open(INCIDENTS, encoding="utf-8").read().splitlines(), 1)
              if ln.strip() and (not ln.endswith("}") or any(x in ln for x in ('"telephone"', '"2027-05-18"', "三十分"))
                                 or '"raised_voice"' not in ln)]
    assert [d.get("error", {}).get("line") for d in decoded if d["outcome"] is None] == broken
    assert len(broken) == 5 and decoded[0]["incident"] == "R-2026-0001"


def test_all_valid_exit_0(tmp_path):
    """All records decided: exit 0."""
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(ln for ln in open(INCIDENTS, encoding="utf-8").read().splitlines()
                              if ln.strip() and '"R-2026-0001"' in ln), encoding="utf-8")
    assert run("eval", RETAIL, str(good))[0] == 0


def test_policy_errors_exit_1(tmp_path):
    """A broken policy: diagnostics on stderr, nothing decided, exit 1."""
    bad = tmp_path / "bad.kasu"
    bad.write_text(policy('rule r { when nope then kasuhara respond "x" }\n'), encoding="utf-8")
    code, out, err = run("eval", str(bad), INCIDENTS)
    assert code == 1 and out == "" and "E301" in err


def test_usage_errors_exit_2(tmp_path):
    """An unknown input extension or a missing file is a usage error."""
    other = tmp_path / "x.txt"
    other.write_text("{}", encoding="utf-8")
    assert run("eval", RETAIL, str(other))[0] == 2
    assert run("eval", RETAIL, str(tmp_path / "none.jsonl"))[0] == 2
    assert run("eval", RETAIL, "--format", "yaml", INCIDENTS)[0] == 2


def test_records_are_not_claimed_required():
    """`kasu eval` alone names POLICY as missing, not RECORDS (standard input is read without them)."""
    code, _, err = run("eval")
    assert code == 2 and "POLICY" in err and "RECORDS" not in err.split("required")[-1], err


def test_stdin_is_json_lines():
    """With no RECORDS, JSON Lines come from standard input."""
    line = open(INCIDENTS, encoding="utf-8").readline().encode()
    code, out, _ = run("eval", RETAIL, stdin=line + b"oops\n")
    assert code == 3 and len(out.splitlines()) == 2


def test_explain_adds_trace():
    """--explain adds one trace entry per rule."""
    code, out, _ = run("eval", "--explain", RETAIL, INCIDENTS)
    first = json.loads(out.splitlines()[0])
    from kasuhara_rules import load_policy

    assert len(first["trace"]) == len(load_policy(RETAIL).rule_names) and first["trace"][0]["rule"] == "violence"
    assert first["trace"][0]["at"].startswith("examples/mhlw-baseline.kasu:") or "mhlw-baseline.kasu" in first["trace"][0]["at"]
    assert "retail.kasu" in first["trace"][-1]["at"]  # each rule names the file it came from


def test_text_format_in_both_languages():
    """--format text writes the explanation, in Japanese by default or English with --lang en."""
    _, ja, _ = run("eval", "--format", "text", RETAIL, INCIDENTS)
    _, en, _ = run("eval", "--format", "text", "--lang", "en", RETAIL, INCIDENTS)
    assert "判断したルール: legitimate「正当なクレーム」" in ja
    assert "decided by: legitimate" in en and "判断したルール" not in en


def test_sensitive_values_hidden_unless_asked():
    """Sensitive values are redacted unless --show-sensitive."""
    _, hidden, _ = run("eval", "--explain", RETAIL, INCIDENTS)
    _, shown, _ = run("eval", "--explain", "--show-sensitive", RETAIL, INCIDENTS)
    assert "C-88213" not in hidden and "土下座しろ" not in hidden and "‹redacted›" in hidden
    assert "土下座しろ" in shown  # customer_ref is read by no rule, so it never appears at all


def test_csv_and_json_inputs(tmp_path):
    """CSV and JSON array inputs are read by their extension."""
    csv_file = tmp_path / "r.csv"
    csv_file.write_text(
        "incident_id,store,channel,reported_at,demand_type,demanded_dogeza,demanded_rank,demanded_home_visit,"
        "threatened_sns,physical_contact,raised_voice,discriminatory,sexual_conduct,targeted_employee,posted_online,"
        "remarks,same_matter_contacts,has_basis\n"
        "C-1,新宿店,counter,2026-10-02T10:15:00+09:00,apology,true,none,false,false,false,once,false,false,false,"
        "false,土下座しろ,,true\n",
        encoding="utf-8")
    code, out, _ = run("eval", RETAIL, str(csv_file))
    assert code == 0 and json.loads(out)["rule"] == "dogeza"
    json_file = tmp_path / "r.json"
    records = [json.loads(ln) for ln in open(INCIDENTS, encoding="utf-8").read().splitlines()[:3]]
    json_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert len(run("eval", RETAIL, str(json_file))[1].splitlines()) == 3


def test_output_is_utf8_even_with_c_locale(tmp_path):
    """Under LANG=C the output is still UTF-8 Japanese (not an encoding error)."""
    env = {"LANG": "C", "LC_ALL": "C", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": ""}
    proc = subprocess.run([sys.executable, "-m", "kasuhara_rules", "eval", "--format", "text", RETAIL, INCIDENTS],
                          capture_output=True, env=env)
    assert proc.returncode == 3
    assert "判断したルール".encode() in proc.stdout


def test_jobs_keep_input_order_and_exit_code(tmp_path, monkeypatch):
    """--jobs N gives byte-identical output to one process, in input order, for every format."""
    import functools

    from kasuhara_rules.cli import jobs

    # tasks of 200 records (not 2,000), so that a file of some 1,400 records makes several per worker
    monkeypatch.setattr(jobs, "chunks", functools.partial(jobs.chunks, size=200))
    many = tmp_path / "many.jsonl"
    lines = open(INCIDENTS, encoding="utf-8").read().splitlines()
    many.write_text("\n".join(lines * 30) + "\n", encoding="utf-8")
    one = run("eval", RETAIL, str(many))
    three = run("eval", "--jobs", "3", RETAIL, str(many))
    assert three == one and one[0] == 3
    assert len(one[1].splitlines()) == sum(1 for ln in lines if ln.strip()) * 30 > 6 * 200
    for extra in (["--format", "text", "--lang", "en"], ["--explain"]):
        assert run("eval", "--jobs", "2", *extra, RETAIL, INCIDENTS) == run("eval", *extra, RETAIL, INCIDENTS)
    json_file = tmp_path / "r.json"
    json_file.write_text(json.dumps([json.loads(ln) for ln in lines[:3]] * 2, ensure_ascii=False), encoding="utf-8")
    assert run("eval", "--jobs", "2", RETAIL, str(json_file)) == run("eval", RETAIL, str(json_file))


def test_jobs_from_stdin_and_usage():
    """--jobs reads standard input too; --jobs 0 or a word is a usage error."""
    data = open(INCIDENTS, "rb").read()
    assert run("eval", "--jobs", "2", RETAIL, stdin=data) == run("eval", RETAIL, stdin=data)
    assert run("eval", "--jobs", "0", RETAIL, INCIDENTS)[0] == 2
    assert run("eval", "--jobs", "many", RETAIL, INCIDENTS)[0] == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_only(monkeypatch):
    """A progress line (count and rate) appears on a terminal's stderr, is cleared at the end,
    and never appears when stderr is a file or with --no-progress."""
    from kasuhara_rules.cli import common as cli

    clock = iter(range(0, 10**6))
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    err = _Terminal()
    progress = cli.Progress(err, True)
    for _ in range(600):
        progress.tick()
    progress.done()
    text = err.getvalue()
    assert "\rkasu eval: 256 records" in text and "512 records" in text and text.endswith("\r")
    quiet = _Terminal()
    progress = cli.Progress(quiet, False)
    for _ in range(600):
        progress.tick()
    progress.done()
    assert quiet.getvalue() == ""
    plain = io.StringIO()
    progress = cli.Progress(plain, True)
    progress.tick(1000)
    progress.done()
    assert plain.getvalue() == ""


def test_cli_formats_match_the_readers():
    """The CLI's --input-format choices are exactly the formats batch.py reads."""
    from kasuhara_rules.reading import batch
    from kasuhara_rules.cli import common as cli

    assert cli.FORMATS == batch.FORMATS


def test_hostile_lines_each_give_one_output_line(tmp_path):
    """Every kind of bad line gives exactly one output line, in order, with its line number,
    and the good lines around them are still decided (exit 3)."""
    good = open(INCIDENTS, encoding="utf-8").readline().strip()
    record = json.loads(good)
    lines = [
        good.encode(),
        b"not json",
        b"[1, 2, 3]",
        b"[" * 100000 + b"]" * 100000,                         # deeper than Python's json can go
        b'{"a":' * 100000 + b"1" + b"}" * 100000,
        good.replace('"has_basis": true', '"has_basis": NaN').encode(),
        good.replace('"has_basis": true', '"has_basis": Infinity').encode(),
        good.replace('"incident_id"', '"big": ' + "9" * 5000 + ', "incident_id"').encode(),
        # the longest text a record is promised to carry (reading.batch.MAX_TEXT: 15 MB of UTF-8) in
        # CI, a fifth of it in a quick local run (the time goes to reading its words)
        json.dumps(dict(record, remarks="あ" * sized(5_000_000, 1_000_000)), ensure_ascii=False).encode(),
        good.encode()[:-20] + b"\xff\xfe" + good.encode()[-20:],  # invalid UTF-8
        good.encode() + b"\r",                                    # CRLF
        json.dumps(dict(record, reported_at="2026-13-45T10:00:00+09:00"), ensure_ascii=False).encode(),
        json.dumps(dict(record, store=123), ensure_ascii=False).encode(),
        b"null",
        good.encode(),
    ]
    data = tmp_path / "hostile.jsonl"
    data.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    code, out, err = run("eval", RETAIL, str(data))
    decided = [json.loads(line) for line in out.splitlines()]
    assert code == 3 and err.startswith("kasu eval: 4 decided (claim 4); 11 invalid (lines 2, 3, 4, 5, 6, …)") and err.count("\n") == 1 and len(decided) == len(lines)
    ok = {0, 8, 10, 14}  # the good line (BOM before it), the long text, CRLF, and the last good line
    for number, d in enumerate(decided):
        if number in ok:
            assert d["outcome"] is not None, (number, d)
        else:
            assert d["outcome"] is None and d["error"]["line"] == number + 1, (number, d)
    messages = [d["error"]["message"] for d in decided if d["outcome"] is None]
    assert "nested too deeply" in messages[2] and "NaN" in messages[4] and "too many digits" in messages[6]
    assert "not valid UTF-8" in messages[7]


def test_eval_summary_on_standard_error(tmp_path):
    """At the end `kasu eval` writes one line: decided per outcome, invalid records with their lines."""
    data = tmp_path / "r.jsonl"
    good = open(INCIDENTS, encoding="utf-8").readline().strip()
    data.write_text(good + '\nnot json\n' + good + "\n", encoding="utf-8")
    code, out, err = run("eval", "--lang", "ja", RETAIL, str(data))
    outcome = json.loads(out.splitlines()[0])["outcome"]
    assert code == 3 and len(out.splitlines()) == 3
    assert err == f"kasu eval: 2 件を判断 ({outcome} 2); 不正 1 件 (行 2)\n"


def test_eval_summary_is_the_same_with_jobs(tmp_path):
    """--jobs N gives the same one-line summary as one process."""
    good = open(INCIDENTS, encoding="utf-8").readline().strip()
    data = tmp_path / "r.jsonl"
    data.write_text(good + "\nnot json\n" + good + "\n", encoding="utf-8")
    one = run("eval", "--lang", "en", RETAIL, str(data))
    two = run("eval", "--lang", "en", "--jobs", "2", RETAIL, str(data))
    assert one[0] == two[0] == 3 and one[2] == two[2] and "1 invalid (lines 2)" in one[2]
