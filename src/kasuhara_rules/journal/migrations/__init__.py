"""The Alembic migrations of the journal's database (applied by the journal itself when it opens one)."""
