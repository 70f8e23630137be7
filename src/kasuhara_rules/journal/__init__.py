"""The decision journal: what people did after the machine decided, append-only and hash-chained.

>>> from kasuhara_rules.journal import open_journal
>>> journal = open_journal("sqlite://")          # in memory; a file: sqlite:///kasu-journal.db
>>> added = journal.add({"incident_id": "A-1", "demanded_dogeza": True, "demanded_manager": False},
...                     by="sato", policy=load_example("quickstart.kasu"))
>>> added.decision["outcome"], added.revision
('kasuhara', 1)
>>> journal.verdict("A-1", "confirm", by="tanaka").kind
'verdict'
>>> journal.verify().ok
True

Needs the `journal` extra (SQLAlchemy, Alembic; psycopg for PostgreSQL): without it,
`open_journal` raises a JournalError naming `pip install '.[journal]'`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CODES, JournalError, unavailable
from .results import (
    Added, Broken, Entry, Incident, PolicyVersion, Purged, QueuePage, Recorded, Registered, Timeline, Verification,
)

if TYPE_CHECKING:
    from ..policy import Policy
    from .journal import Journal

__all__ = [
    "CODES", "Added", "Broken", "Entry", "Incident", "Journal", "JournalError", "PolicyVersion", "Purged",
    "QueuePage", "Recorded", "Registered", "Timeline", "Verification", "open_journal", "DEFAULT_URL",
]

DEFAULT_URL = "sqlite:///kasu-journal.db"


def open_journal(url: str = DEFAULT_URL, timeout: float = 30.0, create: bool = True) -> "Journal":
    """Open the journal at a database URL (`sqlite:///FILE`, `postgresql://USER@HOST/DB`), creating or
    migrating its tables as needed. `timeout` is how long a writer waits for another (seconds).
    With `create=False` (to read a journal: verify, export, replay) a database that holds no journal
    is refused and left untouched: a SQLite file that does not exist (J103), or that is not a journal
    (J109).

    Refusals are JournalErrors: the extra missing (J100), a URL that does not parse (J101) or names
    another database (J102), a database that cannot be opened (J103), locked (J104), full (J105),
    read-only (J106) or written by a newer version (J107)."""
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise unavailable("SQLAlchemy") from None
    from .journal import Journal
    from .store import Store

    store = Store(url, timeout)
    try:
        if not create:  # a journal to read: one that is not there is refused, not created
            from .presence import require_journal

            require_journal(store)
        store.migrate()
    except BaseException:
        store.close()
        raise
    return Journal(store)


def __getattr__(name: str) -> Any:
    if name == "Journal":
        from .journal import Journal

        return Journal
    raise AttributeError(f"module 'kasuhara_rules.journal' has no attribute {name!r}")


def load_example(name: str) -> "Policy":
    """A policy shipped in examples/ (for the examples of this documentation)."""
    from pathlib import Path

    from .. import load_policy

    here = Path(__file__).resolve().parents[3] / "examples" / name
    if not here.exists():
        from importlib import resources

        return load_policy(str(resources.files("kasuhara_rules") / "examples" / name))
    return load_policy(here)
