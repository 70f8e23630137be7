"""The desk's Alembic migrations (its own history, in `desk_alembic_version`)."""
