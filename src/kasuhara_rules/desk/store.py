"""The desk's tables through the journal's engine: migrations, the signing secret, users and sessions rows."""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import secrets
import time
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .tables import sessions, settings, surveys, users

SCHEMA_HEAD = "d0001_desk"
MIGRATIONS = "kasuhara_rules.desk:migrations"
VERSION_TABLE = "desk_alembic_version"


def stamp(moment: _dt.datetime | None = None) -> str:
    """A UTC time as the desk writes it: `2026-05-01T01:00:00Z`."""
    return (moment or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_key(session_id: str) -> str:
    """What the sessions table keeps of a cookie's id: its SHA-256 (a stolen copy of the table opens no session)."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class DeskStore:
    """The desk's rows, in the journal's database (SQLite or PostgreSQL) through its SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that takes SQLite's write lock at once (the journal's `kasu_write` option),
        so that two writers queue instead of failing when one upgrades its read lock."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(kasu_write=True)
            with conn.begin():
                yield conn

    # -- schema ----------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the desk's tables (its own Alembic history beside the journal's)."""
        with self.read() as conn:
            if _revision(conn) == SCHEMA_HEAD:
                return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", MIGRATIONS)
        with self.write() as conn:
            if self.engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6465736B})  # "desk"
            if _revision(conn) == SCHEMA_HEAD:
                return
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    # -- settings --------------------------------------------------------------------------------

    def secret(self) -> str:
        """The desk's signing secret (for CSRF tokens), made once and kept, so restarts keep open forms valid."""
        with self.read() as conn:
            found = conn.execute(sa.select(settings.c.value).where(settings.c.key == "secret")).scalar()
        if found is not None:
            return str(found)
        with self.write() as conn:
            found = conn.execute(sa.select(settings.c.value).where(settings.c.key == "secret")).scalar()
            if found is None:
                found = secrets.token_urlsafe(48)
                conn.execute(settings.insert().values(key="secret", value=found))
        return str(found)

    # -- users -----------------------------------------------------------------------------------

    def user(self, name: str) -> Any | None:
        with self.read() as conn:
            return conn.execute(sa.select(users).where(users.c.name == name)).first()

    def users(self) -> list[Any]:
        with self.read() as conn:
            return list(conn.execute(sa.select(users).order_by(users.c.role, users.c.name)).all())

    def count_users(self) -> int:
        with self.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())

    def insert_user(self, row: dict[str, Any]) -> bool:
        """Add a user; False when the name is taken."""
        with self.write() as conn:
            if conn.execute(sa.select(users.c.name).where(users.c.name == row["name"])).first() is not None:
                return False
            conn.execute(users.insert().values(**row))
        return True

    def update_user(self, name: str, **values: Any) -> bool:
        with self.write() as conn:
            done = conn.execute(users.update().where(users.c.name == name).values(**values))
            return bool(done.rowcount)

    def failed_login(self, name: str, lock_after: int, lock_seconds: float) -> None:
        """Count a failure; lock the account when failures reach `lock_after`."""
        with self.write() as conn:
            row = conn.execute(sa.select(users.c.failures).where(users.c.name == name)).first()
            if row is None:
                return
            failures = int(row.failures) + 1
            locked = time.time() + lock_seconds if failures >= lock_after else None
            values: dict[str, Any] = {"failures": failures}
            if locked is not None:
                values["locked_until"] = locked
                values["failures"] = 0
            conn.execute(users.update().where(users.c.name == name).values(**values))

    def end_sessions(self, name: str) -> None:
        """Close every session of `name` (disabled, password changed)."""
        with self.write() as conn:
            conn.execute(sessions.delete().where(sessions.c.user == name))

    # -- sessions --------------------------------------------------------------------------------

    def read_session(self, session_id: str) -> bytes:
        with self.read() as conn:
            row = conn.execute(sa.select(sessions.c.data, sessions.c.expires)
                               .where(sessions.c.key == session_key(session_id))).first()
        if row is None or row.expires < time.time():
            return b""
        return bytes(row.data)

    def write_session(self, session_id: str, data: bytes, ttl: int, user: str | None, touch: float,
                      same: Callable[[bytes, bytes], bool] = bytes.__eq__) -> None:
        """Keep a session's data for `ttl` seconds; a row whose data did not change is rewritten only
        when its expiry would move by more than `touch` seconds (fewer writes under load)."""
        key = session_key(session_id)
        expires = time.time() + max(ttl, 0)
        with self.read() as conn:
            row = conn.execute(sa.select(sessions.c.data, sessions.c.expires).where(sessions.c.key == key)).first()
        if row is not None and same(bytes(row.data), data) and abs(row.expires - expires) < touch:
            return
        with self.write() as conn:
            done = conn.execute(sessions.update().where(sessions.c.key == key)
                                .values(data=data, expires=expires, user=user))
            if not done.rowcount:
                conn.execute(sessions.insert().values(key=key, data=data, expires=expires, user=user))

    def remove_session(self, session_id: str) -> None:
        with self.write() as conn:
            conn.execute(sessions.delete().where(sessions.c.key == session_key(session_id)))

    def expire_sessions(self) -> int:
        with self.write() as conn:
            return int(conn.execute(sessions.delete().where(sessions.c.expires < time.time())).rowcount)

    # -- survey answers --------------------------------------------------------------------------

    def add_survey(self, by: str, name: str, round_name: str | None, content: bytes) -> int:
        with self.write() as conn:
            done = conn.execute(surveys.insert().values(at=stamp(), by_user=by, name=name, round=round_name,
                                                        content=content))
            key = done.inserted_primary_key
            return int(key[0]) if key is not None else 0

    def surveys(self) -> list[Any]:
        with self.read() as conn:
            return list(conn.execute(sa.select(surveys.c.id, surveys.c.at, surveys.c.by_user, surveys.c.name,
                                               surveys.c.round).order_by(surveys.c.id)).all())

    def survey_contents(self) -> list[tuple[str | None, bytes]]:
        with self.read() as conn:
            return [(r.round, bytes(r.content)) for r in
                    conn.execute(sa.select(surveys.c.round, surveys.c.content).order_by(surveys.c.id)).all()]


def _revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    value = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if value is None else str(value)
