"""Appends from concurrent writers lose nothing and keep one chain; a writer killed mid-batch leaves
only whole records (SQLite in WAL mode, PostgreSQL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa

from kasuhara_rules.journal import open_journal
from tests.conftest import ROOT

WRITERS = 8
EACH = 12


def start(url: str, name: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "tests.journal.writer", url, name, str(count)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_eight_writers_one_chain(url):
    """Eight processes append at once (each its own connection): every record, decision and verdict is
    there, in one unbroken chain, and each incident's entries are in its own order."""
    writers = [start(url, f"W{w}", EACH) for w in range(WRITERS)]
    for w in writers:
        out, err = w.communicate(timeout=900)
        assert w.returncode == 0, err[-2000:]
        assert len(out.split()) == EACH
    with open_journal(url) as journal:
        result = journal.verify()
        assert result.ok, result
        assert result.entries == 1 + WRITERS * EACH * 3  # the policy once; record, decision, verdict each
        assert result.values == WRITERS * EACH
        incidents = list(journal.incidents())
        assert len(incidents) == WRITERS * EACH and all(i.verdict == "confirm" for i in incidents)
        for incident in incidents[:: WRITERS]:
            kinds = [e.kind for e in journal.timeline(incident.incident).entries]
            assert kinds == ["record", "decision", "verdict"]


def whole(url: str) -> int:
    """Checks that every committed record is whole: the chain verifies, each record entry is followed
    by its decision, its sensitive value is kept, and the index points at them. Returns how many."""
    with open_journal(url) as journal:
        result = journal.verify()
        assert result.ok, result
        with journal.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT seq, kind, incident FROM entries ORDER BY seq")).all()
            values = {r[0] for r in conn.execute(sa.text("SELECT seq FROM sensitive_values")).all()}
            index = {r[0]: (r[1], r[2]) for r in conn.execute(
                sa.text("SELECT incident, record_seq, decision_seq FROM incidents")).all()}
        by_seq = {r.seq: r for r in rows}
        records = [r for r in rows if r.kind == "record"]
        for r in records:
            after = by_seq.get(r.seq + 1)
            assert after is not None and after.kind == "decision" and after.incident == r.incident, r
            assert r.seq in values
            assert index[r.incident] == (r.seq, r.seq + 1)
        assert len(index) == len(records)
        return len(records)


def test_killed_writer_leaves_only_whole_records(sqlite_url):
    """SIGKILL at a random moment of a batch, three times: what was committed is whole, the chain
    verifies, and a new writer goes on from the same head."""
    committed = 0
    for round_ in range(3):
        writer = start(sqlite_url, f"K{round_}", 10_000)
        seen = 0
        deadline = time.monotonic() + 300
        while seen < 5 + 7 * round_ and time.monotonic() < deadline:  # let it commit a few, then kill mid-write
            line = writer.stdout.readline()
            if not line:
                break
            seen += 1
        time.sleep(0.013 * (round_ + 1))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
        assert writer.returncode == -signal.SIGKILL
        now = whole(sqlite_url)
        assert now >= committed + seen
        committed = now
