"""Whether a database holds a journal, found without writing to it: for the commands that only read one.

Opening a SQLite URL creates the file, and the journal's engine turns a database to WAL mode: a
command that reads a journal (verify, export, replay) looks first, and refuses a file that is not
there (J103) or is not a journal (J109), leaving it as it is."""
from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..i18n import N_
from .errors import JournalError
from .store import _os_fault, faults, sqlite_path

if TYPE_CHECKING:
    from .store import Store

SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every SQLite database file
TABLES = frozenset({"alembic_version", "entries", "head"})  # what every journal's schema has


def require_journal(store: "Store") -> None:
    """Refuse a database that holds no journal, touching nothing: a SQLite file that is not there
    (J103), or one that is not a SQLite database or has no journal's tables (J109), read before the
    engine opens it; a PostgreSQL (or memory) database without the journal's schema (J109)."""
    path = sqlite_path(store.url) if store.dialect == "sqlite" else None
    if path is not None:
        if not os.path.exists(path):
            raise JournalError("J103", N_("there is no journal at {path}: the file does not exist", path=path),
                               N_("check the path in --db; reading a journal never creates one"))
        try:
            with open(path, "rb") as handle:
                magic = handle.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise _os_fault(exc, store.shown) from None
        if magic != SQLITE_MAGIC:  # an empty file too, which SQLite would take for an empty database
            raise not_journal(path)
        tables = _sqlite_tables(path)
        if tables is not None and not TABLES <= tables:
            raise not_journal(path)
    with faults(store.shown, store._driver_errors):
        revision = store._revision_quick()
    if revision is None:
        raise not_journal(path or store.shown)


def not_journal(where: str) -> JournalError:
    return JournalError("J109", N_("{path} is not a kasuhara-rules journal", path=where),
                        N_("check the path in --db (a journal is made by kasu journal add); it was left as it is"))


def _sqlite_tables(path: str) -> set[str] | None:
    """The tables of a SQLite file, read without writing to it; None when that cannot be told here
    (opening it as a journal then says why)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)) as conn:
            return {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise not_journal(path) from None
        return None
