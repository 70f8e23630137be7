"""No traceback, whatever the shell does to the streams (issue 25, item 12): standard output closed for
every command, standard input closed, Shift_JIS records for `kasu report`, and pipes as file names."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

RETAIL = ROOT / "examples" / "retail.kasu"
QUICK = ROOT / "examples" / "quickstart.kasu"
INCIDENTS = ROOT / "examples" / "quickstart-incidents.jsonl"
RETAIL_INCIDENTS = ROOT / "examples" / "retail-incidents.jsonl"


def shell(script, cwd=None, timeout=180):
    """Run `kasu` through bash (`$0` is this Python), so that `>&-`, `<&-` and `<(…)` are the shell's own."""
    return subprocess.run(["bash", "-c", script, sys.executable], env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
                          capture_output=True, timeout=timeout, cwd=cwd)


def kasu(argv, redirect=">&-", cwd=None):
    return shell(f'exec "$0" -m kasuhara_rules {argv} {redirect}', cwd)


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    from kasuhara_rules import load_policy
    from tests.fixtures.risk import survey_rounds

    path = tmp_path_factory.mktemp("answers") / "2026-06.csv"
    path.write_text(survey_rounds(load_policy(str(RETAIL)), staff=40)[0], encoding="utf-8")
    return path


COMMANDS = [  # (argv, whether the command needs standard output)
    (f"check {QUICK}", True), (f"eval {QUICK} {INCIDENTS}", True), (f"eval --jobs 2 {QUICK} {INCIDENTS}", True),
    (f"eval --format text {QUICK} {INCIDENTS}", True), (f"test {QUICK}", True), (f"diff {QUICK} {QUICK} {INCIDENTS}", True),
    (f"doc {QUICK}", True), (f"schema {QUICK}", True), ("lsp", True), (f"report {QUICK} {INCIDENTS} --format md", True),
    (f"survey template {QUICK}", True), ("survey report {answers} --format md", True),
    ("--version", False), ("--help", False), (f"doc {QUICK} -o guide.md", False),
    (f"report {QUICK} {INCIDENTS} --format json -o r.json", False),
]


@pytest.mark.parametrize("argv,needs", COMMANDS, ids=[c[0].split()[0] + str(i) for i, c in enumerate(COMMANDS)])
def test_every_command_with_standard_output_closed(argv, needs, answers, tmp_path):
    """`kasu … >&-`: never a traceback; a command whose output is lost says so and never exits 0."""
    proc = kasu(argv.format(answers=answers), cwd=tmp_path)
    assert b"Traceback" not in proc.stderr and b"Exception ignored" not in proc.stderr, proc.stderr
    if needs:
        assert proc.returncode != 0 and b"standard output" in proc.stderr, proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr


def test_fmt_with_standard_input_closed_names_policies():
    """`kasu fmt - <&-` speaks of POLICY files, not of RECORDS."""
    proc = kasu("fmt -", "<&-")
    assert proc.returncode == 2 and b"POLICY" in proc.stderr and b"RECORDS" not in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_report_with_standard_input_closed():
    """`kasu report POLICY - <&-`: a message naming standard input, exit 2, no traceback."""
    proc = kasu(f"report {QUICK} - --format json", "<&-")
    assert proc.returncode == 2 and b"standard input" in proc.stderr and b"Traceback" not in proc.stderr


def test_report_on_shift_jis_records_is_read_with_a_notice(tmp_path):
    """A Shift_JIS CSV (Japanese Excel) is read as such with a notice naming --encoding (contract 1.2,
    encodings); --encoding cp932 reads it without the notice."""
    path = tmp_path / "sj.csv"
    path.write_bytes("事案番号,受付チャネル\nA-1,counter\n".encode("cp932"))
    proc = kasu(f"report {RETAIL} {path} --format json", "")
    assert proc.returncode in (0, 3) and b"--encoding" in proc.stderr and b"Traceback" not in proc.stderr
    assert b'"records": 1' in proc.stdout
    proc = kasu(f"report {RETAIL} {path} --format json --encoding cp932", "")
    assert b"Traceback" not in proc.stderr and proc.returncode in (0, 3) and b'"records": 1' in proc.stdout
    assert b"--encoding" not in proc.stderr


@pytest.mark.parametrize("command", ["eval {p} {f} --input-format jsonl", "report {p} {f} --input-format jsonl --format json",
                                     "diff {p} {p} {f} --input-format jsonl"])
def test_pipes_are_read_as_files(command):
    """`/dev/stdin` and a process substitution `<(…)` as RECORDS are read, never "no such file"."""
    for name, redirect in (("/dev/stdin", f"< {INCIDENTS}"), (f"<(cat {INCIDENTS})", "")):
        proc = shell(f'"$0" -m kasuhara_rules {command.format(p=QUICK, f=name)} {redirect}')
        assert b"no such file" not in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 1), proc.stderr
        assert b"A-1" in proc.stdout or b'"records"' in proc.stdout or b"changed" in proc.stdout


def test_survey_answers_through_a_pipe(answers, tmp_path):
    """`kasu survey report <(cat answers.csv)` reads the answers."""
    proc = shell(f'"$0" -m kasuhara_rules survey report <(cat {answers}) --format json', cwd=tmp_path)
    assert proc.returncode == 0 and b'"respondents": 40' in proc.stdout, proc.stderr
