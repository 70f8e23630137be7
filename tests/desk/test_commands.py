"""`kasu serve` and `kasu users`: the first start, the admin's password printed once, 127.0.0.1, quiet logs."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from kasuhara_rules.cli import main
from kasuhara_rules.desk import serve as serve_module
from kasuhara_rules.desk.commands import read_password

from .conftest import token


def test_users_add_reads_the_password_from_stdin(tmp_path, monkeypatch):
    """Not on a terminal, the first line of standard input is the password; it is never an argument."""
    db = f"sqlite:///{tmp_path / 'j.db'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    out, err = io.StringIO(), io.StringIO()
    assert main(["users", "add", "sato", "--role", "staff", "--site", "新宿店", "--db", db], out, err) == 0, err.getvalue()
    assert "added sato (staff, site 新宿店)" in out.getvalue()
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    err = io.StringIO()
    assert main(["users", "add", "sato", "--role", "staff", "--db", db, "--lang", "ja"], io.StringIO(), err) == 1
    assert "D103" in err.getvalue() and "すでに" in err.getvalue()
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    err = io.StringIO()
    assert main(["users", "add", "ito", "--role", "author", "--db", db], io.StringIO(), err) == 1
    assert "D104" in err.getvalue()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    err = io.StringIO()
    assert main(["users", "add", "ito", "--role", "author", "--db", db], io.StringIO(), err) == 1
    assert "D106" in err.getvalue()
    err = io.StringIO()
    assert main(["users", "add", "ito", "--role", "manager", "--db", db], io.StringIO(), err) == 2
    out = io.StringIO()
    assert main(["users", "list", "--db", db], out, io.StringIO()) == 0
    assert out.getvalue().startswith("sato\tstaff\t新宿店\tactive")


def test_password_is_asked_twice_on_a_terminal(monkeypatch):
    """On a terminal the password is asked twice without echo; two different ones are refused."""
    from kasuhara_rules.desk.errors import DeskError

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["one long password", "another password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    try:
        read_password("en", Tty())
    except DeskError as exc:
        assert exc.code == "D105"
    else:
        raise AssertionError("two different passwords were accepted")


def test_serve_without_the_extra_names_the_install_command(monkeypatch):
    """Without the desk's libraries, kasu serve says which one is missing and how to install the extra."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "starlette" else real(name, *a))
    err = io.StringIO()
    assert main(["serve", "--db", "sqlite://", "--lang", "ja"], io.StringIO(), err) == 1
    assert "D100" in err.getvalue() and "pip install '.[desk]'" in err.getvalue() and "Starlette" in err.getvalue()


def test_help_lists_serve_and_users():
    """`kasu --help` lists the desk's commands, plugged in through the entry points."""
    out = io.StringIO()
    assert main(["--help"], out, io.StringIO()) == 0
    shown = out.getvalue()
    assert re.search(r"^\s+serve\s", shown, re.M) and re.search(r"^\s+users\s", shown, re.M)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_kasu_serve_first_start(tmp_path: Path):
    """A fresh folder: kasu serve registers the demo policy, makes admin and prints the password once,
    listens on 127.0.0.1 only, works with that password, and logs no personal data."""
    port = _port()
    env = {**os.environ, "KASU_LANG": "en"}
    process = subprocess.Popen([sys.executable, "-m", "kasuhara_rules", "serve", "--port", str(port)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "the desk is at" in line:
                break
        printed = "".join(lines)
        password = re.search(r"with the password (\S+) ", printed).group(1)
        assert f"http://127.0.0.1:{port}/" in printed and "acme_retail" in printed
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=True) as client:
            page = client.get("/login")
            done = client.post("/login", data={"csrftoken": token(page.text), "name": "admin", "password": password,
                                               "next": "/"})
            assert done.url.path == "/account"  # the printed password must be changed first
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout if os.path.exists(
            "/usr/bin/ss") or os.path.exists("/bin/ss") else ""
        if listening:
            assert f"127.0.0.1:{port}" in listening and f"0.0.0.0:{port}" not in listening
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert password not in out and password not in err  # printed once, before the line above
    assert "admin" not in err and "POST /login 303" in err
    second = subprocess.run([sys.executable, "-m", "kasuhara_rules", "users", "list"], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=60)
    assert second.stdout.startswith("admin\tadmin")
    assert (tmp_path / "kasu-journal.db").exists()
    assert serve_module.DEMO_POLICY in printed or "acme_retail" in printed


def test_ci_runs_the_browser_tests_and_they_cannot_skip():
    """`.ci/run` installs the desk and browser-test extras and runs tests/desk/browser with
    KASU_REQUIRE_PLAYWRIGHT=1, under which a missing Playwright or chromium fails instead of skipping."""
    from tests.conftest import ROOT

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '".[test,desk,browser-test]"' in ci
    assert re.search(r"^KASU_REQUIRE_PLAYWRIGHT=1 .*-m pytest -q (-n \S+ )?tests/desk/browser$", ci, re.M)
    conftest = (ROOT / "tests" / "desk" / "browser" / "conftest.py").read_text(encoding="utf-8")
    assert 'os.environ.get("KASU_REQUIRE_PLAYWRIGHT") == "1"' in conftest and "pytest.fail(" in conftest
