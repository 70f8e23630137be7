"""The desk's own tables in the journal's database (users, sessions, settings, survey answers), apart from the chain.

They hold what is not evidence: who may log in, the open sessions, the desk's signing secret and the
survey answers uploaded by managers. They are created and changed only by the desk's Alembic
migrations (`desk/migrations`, version table `desk_alembic_version`), never by the journal's.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "desk_users", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("site", sa.Text, nullable=True),
    sa.Column("password", sa.Text, nullable=False),  # an Argon2id hash (argon2-cffi's encoded form)
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=True),  # seconds since the epoch
    sa.Column("must_change", sa.Boolean, nullable=False, default=False),
    sa.Column("lang", sa.String(2), nullable=True),
    sa.Column("last_login", sa.String(32), nullable=True),
)

sessions = sa.Table(
    "desk_sessions", metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # SHA-256 of the cookie's id: a copy of the table opens nothing
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("expires", sa.Float, nullable=False),
    sa.Column("user", sa.Text, nullable=True),
    sa.Index("ix_desk_sessions_expires", "expires"),
    sa.Index("ix_desk_sessions_user", "user"),
)

settings = sa.Table(
    "desk_settings", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

surveys = sa.Table(
    "desk_surveys", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("by_user", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("round", sa.Text, nullable=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
)
