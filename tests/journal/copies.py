"""Copies of a journal prepared once, for tests that each need their own journal in the same starting state."""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a closed SQLite journal (SQLite's backup, which also takes what is still in
    the WAL): the copy is another database, so what a test writes to it reaches no other test."""
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
