"""Alembic's environment for the desk: migrate the connection the desk hands over, in its own version table."""
from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transaction_per_migration=False,
                  version_table="desk_alembic_version")
with context.begin_transaction():
    context.run_migrations()
