"""The journal's first schema: the chain, its head, sensitive values apart, policy versions, the incident index.

Revision ID: 0001_journal
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_journal"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("by_user", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("incident", sa.Text, nullable=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_entries_incident", "entries", ["incident", "seq"])
    head = op.create_table(
        "head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "sensitive_values",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("incident", sa.Text, nullable=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("salt", sa.String(32), nullable=True),
        sa.Column("value", sa.LargeBinary, nullable=True),
        sa.Column("retain_until", sa.String(10), nullable=True),
        sa.Column("purged_seq", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_sensitive_seq", "sensitive_values", ["seq"])
    op.create_index("ix_sensitive_incident", "sensitive_values", ["incident"])
    op.create_index("ix_sensitive_retain", "sensitive_values", ["retain_until"])
    op.create_table(
        "policy_versions",
        sa.Column("digest", sa.String(80), primary_key=True),
        sa.Column("policy_id", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("effective", sa.String(10), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "policy_files",
        sa.Column("digest", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "incidents",
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
    )
    op.create_index("ix_incidents_queue", "incidents", ["verdict", "rank", "occurred_at"])
    op.create_index("ix_incidents_site", "incidents", ["site"])


def downgrade() -> None:
    for table in ("incidents", "policy_files", "policy_versions", "sensitive_values", "head", "entries"):
        op.drop_table(table)
