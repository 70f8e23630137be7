"""The journal's database: SQLite (WAL) or PostgreSQL, write transactions, migrations, faults as refusals.

A URL gives an engine (SQLite in WAL mode, or PostgreSQL through psycopg 3); appends run on the
driver's own connection, in a transaction that holds the chain's lock."""
from __future__ import annotations

import contextlib
import errno
import os
import threading
from typing import Any, Iterator, NoReturn, Sequence

import sqlalchemy as sa
from sqlalchemy import event, exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url

from ..i18n import N_
from .checkpoints import Checkpoints
from .errors import EXIT_USAGE, JournalError, unavailable

SCHEMA_HEAD = "0002_fewer_trees"  # the newest migration (tests/journal/test_store.py checks it against Alembic's head)
# older schemas whose tables this version reads (and writes) as they are: a read-only copy of one
# is opened without migrating (0002 changed how rows are stored and indexed, not what they are)
READ_AS_IS = frozenset({"0001_journal"})
SCAN_MMAP = 1 << 30  # how much of a SQLite journal `verify` reads through a memory map (SQLite caps it at 2 GB)
DEFAULT_URL = "sqlite:///kasu-journal.db"
MIGRATIONS = "kasuhara_rules.journal:migrations"
# A writer copies the WAL back into the database itself only past this many pages (32 MB): below it
# the checkpointer's thread does (see Checkpoints). SQLite's default is 1,000 pages.
WAL_PAGES = 8000
_PG_LOCK = 0x6B617375  # "kasu": the advisory lock under which PostgreSQL migrates


def engine_for(url: str, timeout: float = 30.0) -> Engine:
    """The engine of a journal URL: `sqlite:///FILE` (WAL, a busy timeout of `timeout` seconds) or
    `postgresql://…` (psycopg 3, a lock timeout of `timeout`); a URL that does not parse, or names
    another kind of database, is refused (J101, J102)."""
    try:
        parsed = make_url(url)
    except (sa_exc.ArgumentError, ValueError, TypeError):
        raise JournalError("J101", N_("the database URL {url} does not parse", url=repr(url)),
                           N_("write sqlite:///FILE (a file in this folder: sqlite:///kasu-journal.db) "
                              "or postgresql://USER@HOST/DATABASE"), exit=EXIT_USAGE) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise _unsupported(url)
        return _sqlite(parsed, timeout)
    if backend == "postgresql":
        if parsed.drivername not in ("postgresql", "postgresql+psycopg"):
            raise _unsupported(url)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise unavailable("psycopg (PostgreSQL)") from None
        millis = str(int(timeout * 1000))
        return sa.create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=False,
                                connect_args={"options": f"-c lock_timeout={millis}",
                                              "connect_timeout": max(1, int(timeout))})
    raise _unsupported(url)


def _unsupported(url: str) -> JournalError:
    return JournalError("J102", N_("the journal keeps its entries in SQLite or PostgreSQL, not in {url}",
                                   url=repr(_shown(url))),
                        N_("write sqlite:///FILE or postgresql://USER@HOST/DATABASE"), exit=EXIT_USAGE)


def _shown(url: str) -> str:
    """A URL as messages show it: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL that does not parse is shown as given
        return url


def _sqlite(parsed: sa.URL, timeout: float) -> Engine:
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": timeout, "check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = sa.pool.StaticPool
    engine = sa.create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # transactions are begun below, never implicitly by the driver
        cursor = dbapi.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            if not memory:
                cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_PAGES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # a writer takes SQLite's write lock at once: the head it reads is the head it extends
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kasu_write") else "BEGIN")

    return engine


class Store:
    """An open database: transactions for reading, for appending, and the faults that refuse them."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.shown = _shown(url)
        with faults(self.shown):
            self.engine = engine_for(url, timeout)
        self.dialect = self.engine.dialect.name
        dbapi = self.engine.dialect.loaded_dbapi
        self._driver_errors: tuple[type[BaseException], ...] = (dbapi.Error,)
        # Writers of this process take turns here before asking SQLite for its write lock. SQLite
        # makes a writer that finds the lock taken sleep and retry (1, 2, 5 … 100 ms), so 20 threads
        # writing at once waited 2–3 s each (benchmarks/desk.py, a POST's p95); a lock in the process
        # hands the turn over at once. Other processes still wait through SQLite's busy timeout.
        self._turns = threading.Lock() if self.dialect == "sqlite" else contextlib.nullcontext()
        # On SQLite, where writers of this process take turns anyway, the writer keeps one connection
        # of the pool (checking one out and in again cost about a tenth of an append), and a thread of
        # its own copies the WAL back into the database (see Checkpoints).
        self._writer: Any = None
        self._writer_pid = 0
        self._writer_pool: Any = None
        path = sqlite_path(url) if self.dialect == "sqlite" else None
        self._checkpoints = Checkpoints(path, timeout) if path is not None else None

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction."""
        with faults(self.shown, self._driver_errors):
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn

    def write(self) -> "Writing":
        """A write transaction holding the chain's lock (SQLite's write lock, or the head row's lock on
        PostgreSQL), on the driver's own connection: `with store.write() as tx:`. Everything written
        inside is committed together, or nothing is."""
        return Writing(self)

    def _kept(self) -> tuple[Any, Any]:
        """The writer's connection on SQLite and its cursor, kept between writes (a new one in a forked
        process, and after the engine's pool was disposed of: connections made from then on may be
        set up anew)."""
        writer: tuple[Any, Any] | None = self._writer
        if writer is None or self._writer_pid != os.getpid() or self._writer_pool is not self.engine.pool:
            self._release()
            raw = self.engine.raw_connection()
            driver: Any = raw.dbapi_connection
            writer = self._writer = (raw, driver.cursor())
            self._writer_pid = os.getpid()
            self._writer_pool = self.engine.pool
        return writer

    def _release(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and self._writer_pid == os.getpid():
            for part in reversed(writer):
                with contextlib.suppress(Exception):
                    part.close()

    @contextlib.contextmanager
    def read_raw(self) -> Iterator[Any]:
        """A cursor on the driver's own connection in a read transaction, to read the whole journal fast
        (verify): SQLite reads the file through a memory map rather than with a system call for every
        page (docs/architecture.md, journal/)."""
        sqlite = self.dialect != "postgresql"
        with faults(self.shown, self._driver_errors):
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                try:
                    if sqlite:
                        cursor.execute(f"PRAGMA mmap_size = {SCAN_MMAP}")
                        cursor.execute("BEGIN")
                    yield cursor
                finally:
                    with contextlib.suppress(Exception):
                        cursor.close()
                    with contextlib.suppress(Exception):
                        raw.rollback()
                    if sqlite:  # the pooled connection goes back as it came
                        with contextlib.suppress(Exception):
                            raw.cursor().execute("PRAGMA mmap_size = 0")
            finally:
                raw.close()

    def migrate(self) -> None:
        """Bring the database to the schema this version writes (creating it when empty); refuse one
        written by a newer version (J107). Writers that open a new database at once migrate it once.
        A read-only journal of an older schema this version still reads (READ_AS_IS) is read as it is."""
        try:
            self._migrate()
        except JournalError as exc:
            if exc.code != "J106":
                raise
            with faults(self.shown, self._driver_errors):
                older = self._revision_quick()
            if older not in READ_AS_IS:
                raise

    def _migrate(self) -> None:
        with faults(self.shown, self._driver_errors):
            if self._revision_quick() == SCHEMA_HEAD:
                return
            with self.engine.connect() as conn:
                conn.execution_options(kasu_write=True)
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                    current = _revision(conn)
                    if current == SCHEMA_HEAD:
                        return
                    _upgrade(conn, current, self.shown)

    def _revision_quick(self) -> str | None:
        with self.engine.connect() as conn:
            with conn.begin():
                return _revision(conn)

    def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.stop()
        with self._turns:
            self._release()
        self.engine.dispose()


def _revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def _upgrade(conn: Connection, current: str | None, shown: str) -> None:
    try:
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext  # noqa: F401
        from alembic.script import ScriptDirectory
        from alembic import command
    except ImportError:
        raise unavailable("Alembic") from None
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    script = ScriptDirectory.from_config(config)
    if current is not None:
        known = {rev.revision for rev in script.walk_revisions()}
        if current not in known:
            raise JournalError("J107", N_("the journal {url} was written by a newer kasuhara-rules (schema "
                                          "revision {revision})", url=shown, revision=current),
                               N_("upgrade kasuhara-rules to read and write it; this version leaves it untouched"))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


class Writing:
    """A write transaction (`Store.write`). A class of its own rather than a generator: it is entered
    for every append, and a generator's context manager with the fault handling around it cost about
    a third of an empty transaction on SQLite (docs/performance.md). Faults are refused as `faults`
    refuses them; a SQLite connection that failed is not kept."""

    __slots__ = ("store", "raw", "cursor")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.raw: Any = None
        self.cursor: Any = None

    def __enter__(self) -> "Tx":
        store = self.store
        store._turns.__enter__()
        postgres = store.dialect == "postgresql"
        try:
            if postgres:
                self.raw = store.engine.raw_connection()
                self.cursor = cursor = self.raw.cursor()
                cursor.execute("SELECT seq, hash FROM head WHERE id = 1 FOR UPDATE")
            else:
                self.raw, cursor = store._kept()
                self.cursor = cursor
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("SELECT seq, hash FROM head WHERE id = 1")
            row = cursor.fetchone()
            if row is None:  # every journal has its head from the start: gone means changed behind its back
                raise JournalError("J110", N_("the chain's head is missing from {url}: the journal was changed "
                                              "behind its back, and nothing is appended to it", url=store.shown),
                                   N_("run kasu journal verify, and restore the journal from a backup"))
            seq, last = row
        except BaseException as exc:
            self._refuse(exc)
        return Tx(cursor, postgres, int(seq), str(last))

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            refused = self._fail(exc)
            if refused is not None:
                raise refused from None
            return  # the exception goes on as it is
        store = self.store
        try:
            if store.dialect == "postgresql":
                self.raw.commit()
            else:  # the kept cursor: COMMIT as a cached statement (the driver's commit() prepares it anew)
                self.cursor.execute("COMMIT")
        except BaseException as failed:
            self._refuse(failed)
        self._end()
        if store._checkpoints is not None:
            store._checkpoints.nudge()

    def _refuse(self, exc: BaseException) -> NoReturn:
        """End the transaction after `exc` and raise the refusal it stands for, or `exc` itself."""
        refused = self._fail(exc)
        if refused is not None:
            raise refused from None
        raise exc

    def _fail(self, exc: BaseException) -> BaseException | None:
        """Roll back, give the connection and the turn back, and say which refusal `exc` stands for."""
        store = self.store
        if self.raw is not None:
            with contextlib.suppress(Exception):
                self.raw.rollback()
        self._end(isinstance(exc, store._driver_errors))
        return refusal(exc, store.shown, store._driver_errors)

    def _end(self, fault: bool = False) -> None:
        store = self.store
        try:
            if store.dialect == "postgresql":
                for part in (self.cursor, self.raw):
                    if part is not None:
                        with contextlib.suppress(Exception):
                            part.close()
            elif fault:  # a connection that failed is not kept: the next write opens another
                store._release()
        finally:
            self.raw = self.cursor = None
            store._turns.__exit__(None, None, None)


class Tx:
    """An open write transaction: the cursor, and the chain's last link when it began (`seq`, `hash`).
    SQL is written with `?` placeholders (psycopg's `%s` are put in for PostgreSQL)."""

    __slots__ = ("cursor", "postgres", "seq", "hash")

    def __init__(self, cursor: Any, postgres: bool, seq: int, hash: str) -> None:
        self.cursor = cursor
        self.postgres = postgres
        self.seq = seq
        self.hash = hash

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self._sql(sql), tuple(params))

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self._sql(sql), [tuple(r) for r in rows])

    def inserted(self, sql: str, params: Sequence[Any] = ()) -> bool:
        """Run an `INSERT … ON CONFLICT … DO NOTHING`: whether it inserted its row."""
        self.cursor.execute(self._sql(sql), tuple(params))
        return bool(self.cursor.rowcount == 1)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cursor.execute(self._sql(sql), tuple(params))
        return self.cursor.fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        self.cursor.execute(self._sql(sql), tuple(params))
        return list(self.cursor.fetchall())


@contextlib.contextmanager
def faults(url: str, driver: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Database faults as refusals: locked (J104), full (J105), read-only (J106), unreachable (J103)."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - what is not a database fault goes on as it is
        refused = refusal(exc, url, driver)
        if refused is None:
            raise
        raise refused from None


def refusal(exc: BaseException, url: str, driver: tuple[type[BaseException], ...] = ()) -> JournalError | None:
    """The refusal a database fault stands for (`faults`); None for anything else, a JournalError included."""
    if isinstance(exc, JournalError):
        return None
    if isinstance(exc, sa_exc.DBAPIError):
        return classify(exc.orig, url)
    if driver and isinstance(exc, driver):  # the driver's own error, from the append path
        return classify(exc, url)
    if isinstance(exc, sa_exc.NoSuchModuleError):
        return unavailable("a database driver")
    if isinstance(exc, sa_exc.SQLAlchemyError):
        return JournalError("J108", N_("the journal {url} failed: {reason}", url=url, reason=_first_line(exc)),
                            N_("check that the URL names a kasuhara-rules journal"))
    if isinstance(exc, OSError):
        return _os_fault(exc, url)
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _os_fault(exc: OSError, url: str) -> JournalError:
    if exc.errno == errno.ENOSPC:
        return _full(url)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _read_only(url)
    return JournalError("J103", N_("cannot open the journal {url}: {reason}", url=url,
                                   reason=exc.strerror or _first_line(exc)),
                        N_("check that the folder exists and may be written, or that the server is running"))


def _full(url: str) -> JournalError:
    return JournalError("J105", N_("the journal {url} cannot grow: the database or its disk is full", url=url),
                        N_("free space (or raise the database's size limit); nothing of this step was written"))


def _read_only(url: str) -> JournalError:
    return JournalError("J106", N_("the journal {url} is read-only here", url=url),
                        N_("ask for write access, or give a journal that may be written; nothing was written"))


def _locked(url: str) -> JournalError:
    return JournalError("J104", N_("the journal {url} stayed locked by another writer", url=url),
                        N_("try again in a moment; if it lasts, look for a process that keeps it open in a "
                           "long transaction (nothing of this step was written)"))


def classify(orig: BaseException | None, url: str) -> JournalError:
    """The refusal for a driver's error (sqlite3 or psycopg)."""
    text = str(orig or "").lower()
    state = getattr(orig, "sqlstate", None) or ""
    if "locked" in text or "busy" in text or state in ("55P03", "40P01", "57014"):
        return _locked(url)
    if "full" in text or state.startswith("53"):
        return _full(url)
    if "readonly" in text or "read-only" in text or state == "25006":
        return _read_only(url)
    if "unable to open" in text or "connection" in text or state.startswith("08") or state == "3D000" \
            or state.startswith("28"):
        return JournalError("J103", N_("cannot open the journal {url}: {reason}", url=url,
                                       reason=_first_line(orig) if orig else "?"),
                            N_("check that the folder exists and may be written, or that the server is running"))
    if "no such table" in text or state == "42P01" or "file is not a database" in text:
        return JournalError("J108", N_("the journal {url} failed: {reason}", url=url,
                                       reason=_first_line(orig) if orig else "?"),
                            N_("check that the URL names a kasuhara-rules journal"))
    if isinstance(orig, OSError):
        return _os_fault(orig, url)
    return JournalError("J108", N_("the journal {url} failed: {reason}", url=url,
                                   reason=_first_line(orig) if orig else "?"),
                        N_("check that the URL names a kasuhara-rules journal"))


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None for another database or memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(parsed.database)
