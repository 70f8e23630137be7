"""A throwaway PostgreSQL server for the journal's tests: initdb and pg_ctl on a temporary folder, a free
port on 127.0.0.1, run as an unprivileged user (PostgreSQL refuses root: `nobody` when the tests run
as root). Skipped with the reason when no server binaries are installed, unless KASU_REQUIRE_POSTGRES=1
(as .ci/run sets), when it fails instead."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import pytest

REQUIRED = "KASU_REQUIRE_POSTGRES"


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRED) == "1":
        pytest.fail(f"PostgreSQL is required here ({REQUIRED}=1): {reason}")
    pytest.skip(f"no PostgreSQL server to test against: {reason} (.ci/run installs Debian's postgresql)")


def binaries() -> str:
    """The folder of initdb and pg_ctl (Debian keeps them under /usr/lib/postgresql/VERSION/bin)."""
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[-3]))
    if not versions:
        _missing("initdb is not installed")
    return os.path.dirname(versions[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running server; `url(name)` creates a fresh database and gives its URL."""

    def __init__(self) -> None:
        import psycopg  # noqa: F401 - the driver the journal uses

        self.bin = binaries()
        self.root = tempfile.mkdtemp(prefix="kasu-pg-")
        os.chmod(self.root, 0o755)
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.user = None
        prefix: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            runuser = shutil.which("runuser")
            if runuser is None:
                _missing("the tests run as root and there is no runuser to run PostgreSQL as nobody")
            self.user = "nobody"
            prefix = [runuser, "-u", self.user, "--"]
        os.mkdir(self.data, 0o700)
        if self.user is not None:
            shutil.chown(self.data, self.user)
            shutil.chown(self.root, self.user)
        env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        self.env = env
        self.prefix = prefix
        self._run("initdb", "-D", self.data, "-U", "kasu", "-A", "trust", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c max_connections=50", "start")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(self.prefix + [os.path.join(self.bin, tool), *args], capture_output=True, text=True,
                              env=self.env, cwd=self.root, timeout=120)
        if done.returncode != 0:
            log = ""
            try:
                with open(os.path.join(self.root, "log"), encoding="utf-8", errors="replace") as handle:
                    log = handle.read()[-2000:]
            except OSError:
                pass
            raise RuntimeError(f"{tool} failed: {done.stderr[-2000:]}{log}")

    def url(self, name: str | None = None, template: str | None = None) -> str:
        """A new database's URL: empty, or a copy of the database `template` (one no one is connected to)."""
        import psycopg

        name = name or "t" + uuid.uuid4().hex[:12]
        copied = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=kasu dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copied}')
        return f"postgresql://kasu@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
