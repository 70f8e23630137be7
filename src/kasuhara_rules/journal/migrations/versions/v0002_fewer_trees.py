"""Fewer B-trees a write: the chain's `seq` is SQLite's rowid, and sensitive values are found by incident.

On SQLite a `BIGINT PRIMARY KEY` is not the table's rowid, so every entry was written twice (the
table, keyed by a hidden rowid, and an index on `seq`) and `verify`, which reads the chain in `seq`
order, walked that index and looked every row up again. Only `INTEGER PRIMARY KEY` makes the column
the rowid: the table is rebuilt with it (the same rows, the same bytes; the chain is unchanged).
PostgreSQL keeps its table as it is.

`ix_sensitive_seq` goes on both: a record's values are looked up by incident and entry together,
through `ix_sensitive_incident` (an incident has a handful of rows), and `verify` reads them in the
order they were written.

Revision ID: 0002_fewer_trees
Revises: 0001_journal
"""
from __future__ import annotations

from alembic import op

revision = "0002_fewer_trees"
down_revision = "0001_journal"
branch_labels = None
depends_on = None

_COLUMNS = "seq, at, by_user, kind, incident, body, hash"


def _rebuild_entries(seq_type: str) -> None:
    """The entries table made again with `seq` of `seq_type`, every row copied in chain order."""
    op.execute(f"CREATE TABLE entries_rebuilt (seq {seq_type} NOT NULL PRIMARY KEY, at VARCHAR(32) NOT NULL, "
               "by_user TEXT NOT NULL, kind VARCHAR(16) NOT NULL, incident TEXT, body BLOB NOT NULL, "
               "hash VARCHAR(64) NOT NULL)")
    op.execute(f"INSERT INTO entries_rebuilt ({_COLUMNS}) SELECT {_COLUMNS} FROM entries ORDER BY seq")
    op.execute("DROP TABLE entries")
    op.execute("ALTER TABLE entries_rebuilt RENAME TO entries")
    op.execute("CREATE INDEX ix_entries_incident ON entries (incident, seq)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_entries("INTEGER")
    op.drop_index("ix_sensitive_seq", table_name="sensitive_values")


def downgrade() -> None:
    op.create_index("ix_sensitive_seq", "sensitive_values", ["seq"])
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_entries("BIGINT")
