"""Issue 14: input robustness — nothing lost, nothing invented, nothing slow (readers and CLI)."""
import io
import json

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.reading import batch
from kasuhara_rules.reading.batch import read_csv, read_json, read_jsonl
from kasuhara_rules.engine.records import RecordError
from tests.conftest import ROOT, policy
from tests.cli.test_eval import run

FIELDS = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n')).checked.fields
RETAIL = str(ROOT / "examples" / "retail.kasu")


def items(reader, data: bytes, *args, **kw):
    return list(reader(io.BytesIO(data), *args, **kw))


def errors(got):
    return [(n, x.message) for n, x in got if isinstance(x, RecordError)]


# ---- 1. CSV: an unterminated quote ----------------------------------------------------------

def test_csv_unterminated_quote_is_an_error_and_swallows_nothing():
    """A quote opened and never closed: an error decision at its line, and every line after it is
    an error decision of its own (never merged into the cell, never silently dropped)."""
    data = ('incident_id,remarks\n'
            'T-1,ok\n'
            'T-2,"never closed\n'
            'T-3,x\n'
            '\n'
            'T-4,y\n').encode()
    got = items(read_csv, data, FIELDS)
    assert got[0] == (2, {"incident_id": "T-1", "remarks": "ok"})
    assert [n for n, _ in got] == [2, 3, 4, 6]
    assert all(isinstance(x, RecordError) for _, x in got[1:])
    assert "never closed" in got[1][1].message and "line 3" in got[2][1].message


def test_csv_text_after_a_closing_quote_is_an_error_for_that_row_only():
    """Strict quoting: `"a"b` is an error for its row; the next row is read normally."""
    got = items(read_csv, b'incident_id,remarks\nT-1,"a"b\nT-2,"c"\n', FIELDS)
    assert [n for n, _ in got] == [2, 3]
    assert isinstance(got[0][1], RecordError) and "after the closing quote" in got[0][1].message
    assert got[1][1] == {"incident_id": "T-2", "remarks": "c"}


def test_csv_quoted_cells_keep_commas_quotes_and_newlines():
    """The CSV dialect Excel writes: commas, doubled quotes and line breaks inside quoted cells."""
    got = items(read_csv, b'incident_id,remarks\r\nT-1,"a,""b""\r\nc"\r\nT-2,5"\r\n', FIELDS)
    assert got == [(2, {"incident_id": "T-1", "remarks": 'a,"b"\r\nc'}), (4, {"incident_id": "T-2", "remarks": '5"'})]


# ---- 2. CSV: a cell longer than the csv module's 131,072 characters ---------------------------

def test_csv_long_cells_up_to_the_text_limit_are_read():
    """A 1,000,000-character cell (the csv module stops at 131,072) is read whole."""
    long = "あ" * 1_000_000
    got = items(read_csv, f'incident_id,remarks\nT-1,"{long}"\nT-2,x\n'.encode(), FIELDS)
    assert got == [(2, {"incident_id": "T-1", "remarks": long}), (3, {"incident_id": "T-2", "remarks": "x"})]


def test_csv_too_long_cell_is_one_error_and_invents_no_record(monkeypatch):
    """Over the limit: one error at the row's line; the cell's own lines (which look like rows with
    ids chosen by whoever wrote the text) are skipped, and reading resumes after the cell."""
    monkeypatch.setattr(batch, "MAX_CELL", 50)
    cell = "\n".join(f"EVIL-{i},phone" for i in range(20))
    got = items(read_csv, f'incident_id,remarks\nT-1,"{cell}"\nT-2,x\n'.encode(), FIELDS)
    assert [n for n, _ in got] == [2, 22]
    assert isinstance(got[0][1], RecordError) and "longer than 50 characters" in got[0][1].message
    assert got[1][1] == {"incident_id": "T-2", "remarks": "x"}
    assert batch.MAX_CELL == 50 and 5_000_000 == __import__("kasuhara_rules.reading.batch").reading.batch.MAX_TEXT


# ---- 3. JSON: trailing data after the array ----------------------------------------------------

def test_json_trailing_data_is_an_error():
    """A second array (or anything) after the first array's `]` is an error at its line."""
    got = items(read_json, b'[{"a": 1}]\n[{"a": 2}]\n')
    assert got[0] == (1, {"a": 1})
    assert len(got) == 2 and isinstance(got[1][1], RecordError) and got[1][0] == 2
    assert "after the end" in got[1][1].message
    assert items(read_json, b'[{"a": 1}]\n  \n') == [(1, {"a": 1})]
    got = items(read_json, b'{"a": 1} {"b": 2}')
    assert len(got) == 1 and isinstance(got[0][1], RecordError)


# ---- 4. duplicated keys ----------------------------------------------------------------------

def test_csv_duplicated_column_is_an_error_naming_it():
    """Two columns of one name: every row is an error naming the column (no cell silently wins)."""
    got = items(read_csv, b"incident_id,remarks,remarks\nT-1,,x\nT-2,y,\n", FIELDS)
    assert [n for n, _ in got] == [2, 3]
    assert all(isinstance(x, RecordError) and "remarks" in x.message and "twice" in x.message for _, x in got)


def test_json_duplicated_key_is_an_error_naming_it():
    """A key twice in one object (at any depth) is an error naming the key, in every reader."""
    got = items(read_jsonl, b'{"incident_id": "A", "incident_id": "B"}\n{"c": {"x": 1, "x": 2}}\n')
    assert [isinstance(x, RecordError) for _, x in got] == [True, True]
    assert '"incident_id"' in got[0][1].message and '"x"' in got[1][1].message
    got = items(read_json, b'[{"a": 1}, {"a": 1, "a": 2}, {"b": 3}]')
    assert got[0] == (1, {"a": 1}) and isinstance(got[1][1], RecordError) and '"a"' in got[1][1].message
    assert got[2] == (1, {"b": 3})


# ---- 5. encodings and Japanese headers --------------------------------------------------------

SJIS_HEADER = "incident_id,受付チャネル,土下座の要求\n"


def test_csv_in_shift_jis_is_refused_with_a_hint():
    """A CSV as Japanese Excel saves it (CP932): refused, naming --encoding cp932."""
    data = ("受付チャネル,incident_id\n" + "phone,T-1\n").encode("cp932")
    with pytest.raises(batch.EncodingRefused) as info:
        items(read_csv, data, FIELDS)
    assert "--encoding cp932" in str(info.value)


def test_csv_in_shift_jis_is_read_when_told_and_labels_name_columns():
    """With encoding="cp932" the file is decoded; the fields' labels work as column names."""
    data = (SJIS_HEADER + "T-1,phone,はい\n").encode("cp932")
    got = items(read_csv, data, FIELDS, encoding="cp932")
    assert got == [(2, {"incident_id": "T-1", "channel": "phone", "dogeza": True})]


def test_ambiguous_or_doubled_labels_are_errors():
    """A label and the field's name in one header name one field twice: an error naming both."""
    got = items(read_csv, "channel,incident_id,受付チャネル\nphone,T-1,sns\n".encode(), FIELDS)
    assert isinstance(got[0][1], RecordError) and "channel" in got[0][1].message and "受付チャネル" in got[0][1].message


def test_rows_not_in_utf8_hint_at_the_encoding():
    """UTF-8 header, a CP932 row: an error decision for the row, with the hint."""
    data = b"incident_id,remarks\n" + "T-1,土下座しろ\n".encode("cp932") + b"T-2,x\n"
    got = items(read_csv, data, FIELDS)
    assert isinstance(got[0][1], RecordError) and "--encoding cp932" in got[0][1].message
    assert got[1][1] == {"incident_id": "T-2", "remarks": "x"}
    got = items(read_jsonl, '{"a": "土下座"}\n'.encode("cp932"))
    assert "--encoding cp932" in got[0][1].message
    assert items(read_jsonl, '{"a": "土下座"}\n'.encode("cp932"), encoding="cp932") == [(1, {"a": "土下座"})]


def test_cli_reads_shift_jis_csv_with_a_notice_and_encoding_forces(tmp_path):
    """Contract 1.2: `kasu eval` reads a CP932 CSV (valid Shift_JIS, not UTF-8) as such with a notice on
    standard error; --encoding forces an encoding (utf-8 then refuses it, exit 2, with the hint)."""
    header = "事案番号,店舗,受付チャネル,受付日時,要求の種類,土下座の要求,大声・威圧（なし／一度／続いた）,発言内容（記録）\n"
    row = "C-1,新宿店,counter,2026-10-02T10:15:00+09:00,apology,true,none,土下座しろ\n"
    data = tmp_path / "excel.csv"
    data.write_bytes((header + row).encode("cp932"))
    code, out, err = run("eval", RETAIL, str(data))
    assert code == 0, err
    assert json.loads(out)["rule"] == "dogeza" and "Shift_JIS" in err and "excel.csv" in err
    code, out, err = run("eval", "--encoding", "utf-8", RETAIL, str(data))
    assert code == 2 and out == "" and "--encoding cp932" in err
    code, out, err = run("eval", "--encoding", "cp932", RETAIL, str(data))
    assert code == 0, (out, err)
    assert json.loads(out)["rule"] == "dogeza" and "Shift_JIS" not in err
    code, out, err = run("eval", "--encoding", "no-such-codec", RETAIL, str(data))
    assert code == 2 and "no-such-codec" in err  # argparse's refusal, on main's own err


# ---- 6. integers beyond what can be printed ---------------------------------------------------

def _retail_record() -> dict:
    return json.loads(open(ROOT / "examples" / "retail-incidents.jsonl", encoding="utf-8").readline())


def test_a_huge_integer_key_does_not_break_any_output():
    """An integer key of 5,000 digits (beyond Python's 4,300-digit printing limit): the error
    decision renders as JSON, with --explain and as text; integers are bounded as numbers are."""
    from kasuhara_rules import load_policy

    policy_ = load_policy(RETAIL)
    for key in (10**5000, -(10**5000), 2**53):
        d = policy_.evaluate_numbered(dict(_retail_record(), incident_id=key), 7, True)
        assert d.error is not None and d.to_dict()["incident"] is None
        json.dumps(d.to_dict(explain=True))
        assert "7" in d.explain() and d.explain(lang="en")
    d = policy_.evaluate_numbered(dict(_retail_record(), incident_id=2**53 - 1), 1)
    assert d.error is not None and d.to_dict()["incident"] == 2**53 - 1


def test_csv_integers_of_any_length_give_the_range_message():
    """A CSV int cell of 5,000 digits: the same "too large" error as in JSON, not Python's limit text."""
    got = items(read_csv, b"incident_id,repeat\nT-1," + b"9" * 5000 + b"\n", FIELDS)
    assert isinstance(got[0][1], RecordError) and "too large" in got[0][1].message
    assert "4300" not in got[0][1].message and "sys.set_int_max_str_digits" not in got[0][1].message


def test_one_failing_record_never_loses_its_chunk(monkeypatch):
    """--jobs: if deciding or writing one record fails unexpectedly, that record gets an error
    line and the other records of its chunk are still written."""
    from kasuhara_rules import load_policy
    from kasuhara_rules.cli import jobs

    real = load_policy(RETAIL)

    class Flaky:
        checked = real.checked

        def evaluate_numbered(self, record, line, explain=False):
            if line == 2:
                raise ValueError("boom")
            return real.evaluate_numbered(record, line, explain)

    jobs._init(Flaky(), {"format": "json", "explain": False, "lang": "ja", "show_sensitive": False})
    try:
        outputs, invalid, _seen = jobs._work(("records", [(1, _retail_record()), (2, _retail_record()),
                                                   (3, _retail_record())]))
    finally:
        jobs._worker.clear()
    assert len(outputs) == 3 and invalid == 1
    decided = [json.loads(o) for o in outputs]
    assert decided[0]["outcome"] and decided[2]["outcome"]
    assert decided[1]["outcome"] is None and decided[1]["error"]["line"] == 2


# ---- 7. --jobs: a killed worker, Ctrl-C ---------------------------------------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

INCIDENTS = str(ROOT / "examples" / "retail-incidents.jsonl")


def _kasu(*argv, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **kw.pop("env", {}))
    return subprocess.Popen([sys.executable, "-m", "kasuhara_rules", *argv], env=env, **kw)


def test_a_killed_worker_fails_its_records_loudly_and_never_hangs(tmp_path):
    """A worker killed (SIGKILL) while deciding: the run ends (bounded wait), every input record
    still has exactly one output line in order; chunks in flight run again, and the records of
    the chunk whose worker dies again are error lines naming the worker's death; exit 3."""
    good = [ln for ln in open(INCIDENTS, encoding="utf-8").read().splitlines() if ln.strip()][0]
    data = tmp_path / "many.jsonl"
    data.write_text((good + "\n") * 9000, encoding="utf-8")  # five chunks
    proc = _kasu("eval", "--jobs", "2", RETAIL, str(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                 env={"KASU_TEST_KILL_WORKER_AT_LINE": "4500"})
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    lines = [json.loads(x) for x in out.splitlines()]
    assert proc.returncode == 3 and len(lines) == 9000, err
    lost = [d["error"]["line"] for d in lines if d["outcome"] is None]
    assert lost == list(range(4001, 6001))  # the chunk that killed its worker twice; the others ran again
    assert all("worker" in d["error"]["message"] for d in lines if d["outcome"] is None)
    assert b"Traceback" not in err and b"4001" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_promptly_with_130_and_no_traceback(jobs, tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while records are
    being decided: exit 130 within a bounded time, a short message, no traceback from any process."""
    import threading
    import tempfile

    good = [ln for ln in open(INCIDENTS, encoding="utf-8").read().splitlines() if ln.strip()][0]
    out = tempfile.TemporaryFile(dir=tmp_path)
    proc = _kasu("eval", "--jobs", jobs, RETAIL, stdin=subprocess.PIPE, stdout=out,
                 stderr=subprocess.PIPE, start_new_session=True)

    def feed():  # more than the run can take in at once; standard input stays open
        try:
            proc.stdin.write(((good + "\n") * 40000).encode())
            proc.stdin.flush()
        except OSError:
            pass

    threading.Thread(target=feed, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while os.fstat(out.fileno()).st_size == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.fstat(out.fileno()).st_size > 0, "deciding never began"
        os.killpg(proc.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        code = proc.poll()
        err = proc.stderr.read() if code is not None else b""
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
    assert code == 130 and b"Traceback" not in err and b"interrupted" in err, err


# ---- 8. closed standard input, a full disk, a closed pipe ----------------------------------------

def _shell(command: str, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(["sh", "-c", command, sys.executable], env=env, capture_output=True, timeout=120, **kw)


def test_closed_standard_input_is_a_clear_error():
    """`kasu eval POLICY <&-`: a message naming standard input and exit 2, no traceback."""
    proc = _shell(f'exec "$0" -m kasuhara_rules eval {RETAIL} <&-')
    assert proc.returncode == 2 and b"standard input" in proc.stderr and b"Traceback" not in proc.stderr


def test_a_full_disk_is_a_clear_error():
    """Output to /dev/full (no space left): a message and exit 1, never 0, no traceback."""
    for argv in (f"eval {RETAIL} {INCIDENTS}", f"schema {RETAIL}"):
        proc = _shell(f'exec "$0" -m kasuhara_rules {argv} >/dev/full')
        assert proc.returncode == 1, (argv, proc.stderr)
        assert b"No space left" in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr


def test_a_closed_output_pipe_exits_quietly_but_not_with_0():
    """The reader of the output goes away (`kasu eval … | head -1`): no message, no traceback,
    and exit 141 (128 + SIGPIPE, what a shell reports for tools killed by the broken pipe)."""
    proc = subprocess.run(["bash", "-c", f'"$0" -m kasuhara_rules eval --explain {RETAIL} {INCIDENTS} | '
                           'head -c 10 >/dev/null; echo "status ${PIPESTATUS[0]}" >&2', sys.executable],
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), capture_output=True, timeout=120)
    assert proc.stderr.decode().strip() == "status 141", proc.stderr  # 435 KB of output: more than a pipe holds


# ---- 11. quadratic printing, FIFOs, quadratic JSON arrays ------------------------------------------

def test_showing_a_long_line_measures_each_character_a_bounded_number_of_times(monkeypatch):
    """The excerpt of a 30,000-character line (a phrase list on one line) measures the line in
    linear work: the characters passed to display_width stay within a small multiple of the
    line's length (the old loop measured ~450 million for 30 KB: 56 s for `kasu check`)."""
    from kasuhara_rules import source as src
    from kasuhara_rules.source import SourceText, Span

    measured = [0]
    real = src.display_width

    def counting(text: str) -> int:
        measured[0] += len(text)
        return real(text)

    monkeypatch.setattr(src, "display_width", counting)
    line = "phrases p = [" + ", ".join(f'"語{i}"' for i in range(5000)) + "]"
    text = SourceText.from_text("p.kasu", line + "\n")
    for column in (1, len(line) // 2, len(line) - 3):
        measured[0] = 0
        got = text.excerpt(Span("p.kasu", 1, column, 1, column + 3))
        assert len(got) == 2 and "…" in got[0]
        assert measured[0] <= 4 * len(line), (column, measured[0])


def test_a_fifo_as_a_phrase_file_is_refused_at_once(tmp_path):
    """`phrases p from "pipe"` where pipe is a FIFO: refused with E221 and a hint (opening it
    would block forever waiting for a writer); the same for a directory."""
    from kasuhara_rules import check_path

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dir.txt").mkdir()
    for name in ("pipe.txt", "dir.txt"):
        pol = tmp_path / f"p-{name}.kasu"
        pol.write_text(policy(f'phrases p from "{name}"\nrule r {{ when remarks contains p then kasuhara '
                              'respond "x" }\n'), encoding="utf-8")
        result = check_path(str(pol))
        found = [d for d in result.diagnostics if d.code == "E221"]
        assert found and "regular file" in found[0].message and found[0].hint, result.diagnostics


def test_a_fifo_as_the_policy_is_refused_at_once(tmp_path):
    """`kasu check FIFO`: E100 naming the problem, without blocking."""
    from kasuhara_rules.check.loader import load_path

    os.mkfifo(tmp_path / "p.kasu")
    loaded = load_path(str(tmp_path / "p.kasu"))
    assert [d.code for d in loaded.result.diagnostics] == ["E100"]
    assert "regular file" in loaded.result.diagnostics[0].message


def test_json_array_line_numbers_are_counted_in_linear_work():
    """Reading a JSON array of 20,000 records counts line breaks over each character once (the old
    reader recounted from the start for every record: 80,000 records took 152 s)."""
    from kasuhara_rules.reading.batch import LineCounter, _json_array

    text = "[\n" + ",\n".join('{"incident_id": "T-%d", "n": %d}' % (i, i) for i in range(20000)) + "\n]"
    counter = LineCounter(text)
    got = list(_json_array(text, 0, counter))
    assert len(got) == 20000 and got[-1][0] == 20001 and got[0][0] == 2
    assert counter.scanned <= len(text)


# ---- 17. record values from Python: numpy, pandas, NaN, negative durations, messages -------------

from kasuhara_rules import parse_policy as _parse  # noqa: E402

P17 = _parse(policy('rule r { when dogeza and repeat >= 2 then kasuhara respond "x" }\n'))
BASE17 = {"incident_id": "N-1", "channel": "phone", "repeat": 3, "dogeza": True, "words": [], "contacts": [],
          "reported_at": "2026-05-01T10:00:00+09:00"}


def test_numpy_scalars_are_their_python_values():
    """np.bool_, np.int64 and np.float64 decide exactly as bool, int and float do."""
    np = pytest.importorskip("numpy")
    plain = P17.evaluate(dict(BASE17, amount=2.5, call_length=30))
    for record in (dict(BASE17, dogeza=np.bool_(True), repeat=np.int64(3), amount=np.float64(2.5),
                        call_length=np.int32(30)),
                   dict(BASE17, dogeza=np.True_, repeat=np.int8(3), amount=np.float32(2.5),
                        call_length=np.float64(30.0))):
        d = P17.evaluate(record, explain=True)
        assert (d.outcome, d.rule) == (plain.outcome, plain.rule) == ("kasuhara", "r")
        json.dumps(d.to_dict(explain=True), allow_nan=False)
    with pytest.raises(RecordError) as info:
        P17.evaluate(dict(BASE17, repeat=np.int64(2**60)))
    assert info.value.field == "repeat" and "too large" in info.value.message


def test_nan_none_na_and_nat_are_absent_for_optional_fields():
    """float("nan"), None, pd.NA and pd.NaT mean "absent" in an optional field (never an error,
    never false); in a required field they are reported as missing."""
    pd = pytest.importorskip("pandas")
    for absent in (None, float("nan"), pd.NA, pd.NaT, __import__("numpy").float64("nan")):
        d = P17.evaluate(dict(BASE17, amount=absent, call_length=absent, demand_valid=absent, birthday=absent))
        assert d.outcome == "kasuhara", absent
        with pytest.raises(RecordError) as info:
            P17.evaluate(dict(BASE17, repeat=absent))
        assert info.value.field == "repeat" and "requires" in info.value.message


def test_a_dataframe_is_decided_row_by_row():
    """evaluate_many(df) decides each row (not the column names)."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([dict(BASE17, amount=1.5), dict(BASE17, incident_id="N-2", repeat=1, amount=float("nan"))])
    got = list(P17.evaluate_many(df))
    assert [(d.incident, d.outcome) for d in got] == [("N-1", "kasuhara"), ("N-2", "claim")]
    assert all(d.error is None for d in got)


def test_evaluate_many_refuses_a_single_record():
    """A dict given to evaluate_many (whose iteration would be its keys) is refused, naming evaluate."""
    with pytest.raises(TypeError) as info:
        list(P17.evaluate_many(BASE17))
    assert "evaluate(" in str(info.value)


def test_negative_durations_are_refused():
    """A negative call length is an error naming the field, from a number, text or a timedelta."""
    import datetime

    for value in (-5, -0.5, "-35min", "-PT35M", datetime.timedelta(minutes=-1)):
        with pytest.raises(RecordError) as info:
            P17.evaluate(dict(BASE17, call_length=value))
        assert info.value.field == "call_length" and "negative" in info.value.message, value


def test_record_error_message_does_not_repeat_the_field():
    """`.message` says what is wrong; `.field` says where; str() and renderers show both once."""
    with pytest.raises(RecordError) as info:
        P17.evaluate(dict(BASE17, repeat="three"))
    e = info.value
    assert e.field == "repeat" and not e.message.startswith("repeat") and "repeat" not in e.message
    assert str(e) == f"repeat: {e.message}"
    d = P17.evaluate_numbered(dict(BASE17, contacts=[{"at": "x"}]), 4)
    assert d.error.field == "contacts[0].at" and "contacts" not in d.error.message
    assert "contacts[0].at: " in d.explain(lang="en") and d.explain(lang="en").count("contacts[0].at") == 1
