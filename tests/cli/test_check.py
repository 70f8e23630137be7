"""Tests for `kasu check` in cli.py: output, JSON, exit codes 0/1/2."""
import io
import json
import subprocess
import sys

from kasuhara_rules.cli.commands import main
from tests.conftest import policy

CLEAN = policy('rule r { when dogeza then kasuhara severity high respond "x" }\n')


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_clean_policy_exits_0(tmp_path):
    """A clean policy prints a summary and exits 0."""
    f = tmp_path / "ok.kasu"
    f.write_text(CLEAN, encoding="utf-8")
    code, out, _ = run("check", str(f))
    assert code == 0 and out.strip() == "checked 1 file: 0 errors, 0 warnings"


def test_warnings_only_exit_0(tmp_path):
    """Warnings are printed but the exit code stays 0."""
    f = tmp_path / "w.kasu"
    f.write_text(policy("rule r { when dogeza then kasuhara }\n"), encoding="utf-8")
    code, out, _ = run("check", str(f))
    assert code == 0 and "warning[W103]" in out


def test_errors_exit_1_with_caret_and_hint(tmp_path):
    """An error prints file:line:col, the line, a caret and a hint; exit 1."""
    f = tmp_path / "bad.kasu"
    f.write_text(policy('rule r { when channel == "phon" then kasuhara respond "x" }\n'), encoding="utf-8")
    code, out, _ = run("check", str(f))
    assert code == 1
    first, src, caret, hint = out.splitlines()[:4]
    assert first.startswith(f"{f}:") and "error[E403]" in first
    assert '"phon"' in src and "^" in caret and hint == 'hint: did you mean "phone"?'


def test_several_files(tmp_path):
    """All files are checked; any error makes the exit code 1."""
    good, bad = tmp_path / "a.kasu", tmp_path / "b.kasu"
    good.write_text(CLEAN, encoding="utf-8")
    bad.write_text("nonsense", encoding="utf-8")
    code, out, _ = run("check", str(good), str(bad))
    assert code == 1 and "checked 2 files: 1 error" in out


def test_json_format(tmp_path):
    """--format json prints the same diagnostics as a JSON array."""
    f = tmp_path / "bad.kasu"
    f.write_text(policy('rule r { when call_length >= 30 then kasuhara respond "x" }\n'), encoding="utf-8")
    code, out, _ = run("check", "--format", "json", str(f))
    data = json.loads(out)
    assert code == 1 and len(data) == 1
    assert data[0]["code"] == "E402" and data[0]["hint"] == "write `30min`"
    assert set(data[0]) == {"file", "line", "column", "end_line", "end_column", "severity", "code", "message", "hint"}


def test_usage_errors_exit_2():
    """No policy, an unknown option or no command is a usage error: exit 2."""
    assert run("check")[0] == 2
    assert run("check", "--format", "xml", "x.kasu")[0] == 2
    assert run()[0] == 2
    assert run("frobnicate")[0] == 2


def test_missing_file_is_a_diagnostic_not_a_traceback(tmp_path):
    """A missing file is E100 and exit 1."""
    code, out, _ = run("check", str(tmp_path / "none.kasu"))
    assert code == 1 and "error[E100]" in out


def test_console_script_and_module(tmp_path):
    """`python -m kasuhara_rules check` works as a process."""
    f = tmp_path / "ok.kasu"
    f.write_text(CLEAN, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kasuhara_rules", "check", str(f)], capture_output=True, text=True)
    assert proc.returncode == 0 and "0 errors" in proc.stdout and proc.stderr == ""
