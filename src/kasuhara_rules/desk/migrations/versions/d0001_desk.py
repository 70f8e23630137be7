"""The desk's first schema: users, sessions, settings and survey answers.

Revision ID: d0001_desk
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0001_desk"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_users",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("site", sa.Text, nullable=True),
        sa.Column("password", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.Float, nullable=True),
        sa.Column("must_change", sa.Boolean, nullable=False),
        sa.Column("lang", sa.String(2), nullable=True),
        sa.Column("last_login", sa.String(32), nullable=True),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.Column("user", sa.Text, nullable=True),
    )
    op.create_index("ix_desk_sessions_expires", "desk_sessions", ["expires"])
    op.create_index("ix_desk_sessions_user", "desk_sessions", ["user"])
    op.create_table(
        "desk_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "desk_surveys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("by_user", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("round", sa.Text, nullable=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in ("desk_surveys", "desk_settings", "desk_sessions", "desk_users"):
        op.drop_table(table)
