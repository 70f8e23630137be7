"""SQLite's checkpoints run beside the writers, from a thread of the journal's own."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading


class Checkpoints:
    """A thread that copies a SQLite journal's WAL back into the database while writers go on.

    In WAL mode a commit only appends pages to the WAL; a checkpoint copies them into the database
    and syncs both files. SQLite runs it inside the commit that passes 1,000 pages, so one append in
    seventy waited for it: two fifths of an append's time (benchmarks/journal.py). SQLite's own advice
    (wal.html, "Automatic Checkpoint") is to run checkpoints from a thread of their own: here a PASSIVE
    checkpoint, which never blocks a writer or a reader, at most every `PAUSE` seconds while writes go
    on. A writer still checkpoints itself past WAL_PAGES, should this thread fall behind, and SQLite
    checkpoints when the last connection closes. What a commit makes durable is unchanged: the WAL
    is synced at each checkpoint (synchronous NORMAL), in this thread instead of a writer's."""

    PAUSE = 0.05

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.done = 0  # checkpoints run (for tests and benchmarks)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def nudge(self) -> None:
        """A write was committed: checkpoint soon (starting the thread on the first write)."""
        if self._thread is None or self._pid != os.getpid():
            with self._lock:
                if self._thread is None or self._pid != os.getpid():
                    self._stop.clear()
                    self._thread = threading.Thread(target=self._run, name="kasu-journal-checkpoints", daemon=True)
                    self._pid = os.getpid()
                    self._thread.start()
        if not self._wake.is_set():
            self._wake.set()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:  # the writers checkpoint themselves (past WAL_PAGES, and on closing)
            return
        try:
            while True:
                self._wake.wait()
                if self._stop.is_set():
                    return
                self._wake.clear()
                with contextlib.suppress(sqlite3.Error):  # busy: another checkpoint runs; the next one will do
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.done += 1
                if self._stop.wait(self.PAUSE):
                    return
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the thread (its connection closes; the last connection to close checkpoints)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._wake.set()
        if thread is not None and self._pid == os.getpid():
            thread.join(self.timeout)
