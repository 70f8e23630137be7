"""The journal's tables as SQLAlchemy Core sees them (created and changed only by the Alembic migrations).

`entries` is the chain itself (append-only); `head` is its last link, one row, which every writer
locks first so that appends queue up into one chain; `sensitive_values` keeps personal data
apart from the chain (the chain holds only salted hashes); `policy_versions` and `policy_files`
keep every registered version with the bytes of its files; `incidents` is an index rebuilt from
the chain (the latest revision, decision and verdict of each incident) for the queue and the report.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

entries = sa.Table(
    "entries", metadata,
    # on SQLite the rowid (only INTEGER PRIMARY KEY is; migration 0002): the chain is the table's own order
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("by_user", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("incident", sa.Text, nullable=True),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_entries_incident", "incident", "seq"),
)

head = sa.Table(
    "head", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

sensitive_values = sa.Table(
    "sensitive_values", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("incident", sa.Text, nullable=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("salt", sa.String(32), nullable=True),
    sa.Column("value", sa.LargeBinary, nullable=True),
    sa.Column("retain_until", sa.String(10), nullable=True),
    sa.Column("purged_seq", sa.BigInteger, nullable=True),
    sa.Index("ix_sensitive_incident", "incident"),
    sa.Index("ix_sensitive_retain", "retain_until"),
)

policy_versions = sa.Table(
    "policy_versions", metadata,
    sa.Column("digest", sa.String(80), primary_key=True),
    sa.Column("policy_id", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("effective", sa.String(10), nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("root", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

policy_files = sa.Table(
    "policy_files", metadata,
    sa.Column("digest", sa.String(80), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)

incidents = sa.Table(
    "incidents", metadata,
    sa.Column("incident", sa.Text, primary_key=True),
    sa.Column("site", sa.Text, nullable=True),
    sa.Column("policy_id", sa.Text, nullable=False),
    sa.Column("digest", sa.String(80), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("record_seq", sa.BigInteger, nullable=False),
    sa.Column("decision_seq", sa.BigInteger, nullable=False),
    sa.Column("occurred_at", sa.String(32), nullable=True),
    sa.Column("occurred_on", sa.String(10), nullable=True),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=True),
    sa.Column("escalation", sa.Text, nullable=True),
    sa.Column("rule", sa.Text, nullable=True),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("matched", sa.Text, nullable=False),
    sa.Column("missing", sa.Text, nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=True),
    sa.Column("verdict_seq", sa.BigInteger, nullable=True),
    sa.Column("final_outcome", sa.Text, nullable=True),
    sa.Column("final_severity", sa.Text, nullable=True),
    sa.Column("final_escalation", sa.Text, nullable=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Index("ix_incidents_queue", "verdict", "rank", "occurred_at"),
    sa.Index("ix_incidents_site", "site"),
)
