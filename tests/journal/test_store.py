"""The journal's database: URLs, faults as refusals in two languages, migrations, the missing extra."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa

from kasuhara_rules.journal import JournalError, open_journal
from tests.conftest import ROOT
from tests.journal.test_journal import policy, record


def refused(call):
    with pytest.raises(JournalError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("url,code", [("not a url", "J101"), ("mysql://x@localhost/db", "J102"),
                                      ("sqlite+aiosqlite:///x.db", "J102"), ("foo://bar", "J102")])
def test_urls_that_do_not_serve(url, code):
    """A URL that does not parse, or names another database, is refused with a usage exit code."""
    error = refused(lambda: open_journal(url))
    assert error.code == code and error.exit == 2
    assert "sqlite:///" in str(error.hint)


def test_a_folder_that_does_not_exist(tmp_path):
    """A SQLite file in a folder that does not exist cannot be opened (J103), in either language."""
    error = refused(lambda: open_journal(f"sqlite:///{tmp_path / 'no' / 'j.db'}"))
    assert error.code == "J103"
    assert "error[J103]" in error.render("ja") and "ヒント" in error.render("ja")


def test_locked(sqlite_url, tmp_path):
    """A writer that waits past its timeout for another's lock is refused (J104); nothing is written."""
    with open_journal(sqlite_url) as journal:
        journal.register(policy(), by="admin")
    other = sqlite3.connect(str(tmp_path / "journal.db"), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with open_journal(sqlite_url, timeout=0.2) as journal:
            error = refused(lambda: journal.add(record(), by="sato", policy=policy()))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert error.code == "J104"
    with open_journal(sqlite_url) as journal:
        assert journal.verify().entries == 1


def test_full(sqlite_url):
    """A database that cannot grow (here: SQLite's page limit) refuses the write (J105) and keeps the chain."""
    with open_journal(sqlite_url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
        sa.event.listen(journal.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA max_page_count = 1"))
        journal.engine.dispose()
        error = refused(lambda: [journal.add(record(f"B-{i}", remarks="x" * 5000), by="sato", policy=policy())
                                 for i in range(50)])
    assert error.code == "J105"
    with open_journal(sqlite_url) as journal:
        result = journal.verify()
        assert result.ok, result


def test_read_only(sqlite_url, tmp_path):
    """A journal opened read-only refuses writes (J106) but can still be verified."""
    with open_journal(sqlite_url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
    ro = f"sqlite:///file:{tmp_path / 'journal.db'}?mode=ro&uri=true"
    with open_journal(ro) as journal:
        assert journal.verify().ok
        error = refused(lambda: journal.verdict("A-1", "confirm", by="tanaka"))
    assert error.code == "J106"


def test_newer_schema(sqlite_url):
    """A journal written by a newer version (an unknown schema revision) is refused, left untouched (J107)."""
    with open_journal(sqlite_url) as journal:
        with journal.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    error = refused(lambda: open_journal(sqlite_url))
    assert error.code == "J107" and "9999_future" in str(error.message)


def test_schema_head_is_alembic_head():
    """The quick check of the schema's revision names the newest migration."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kasuhara_rules.journal.store import MIGRATIONS, SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_migrations_make_the_tables_the_code_reads(url):
    """The tables Alembic creates are the tables of journal/tables.py, column for column."""
    from kasuhara_rules.journal.tables import metadata

    with open_journal(url) as journal:
        inspector = sa.inspect(journal.engine)
        for table in metadata.sorted_tables:
            assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}
            assert {i["name"] for i in inspector.get_indexes(table.name)} >= {i.name for i in table.indexes}


def test_without_the_extra():
    """Without SQLAlchemy the journal names the install command, and `kasu journal` exits 2 saying so."""
    code = ("import sys; sys.modules['sqlalchemy'] = None\n"
            "from kasuhara_rules.journal import open_journal, JournalError\n"
            "try:\n    open_journal('sqlite://')\nexcept JournalError as e:\n    print(e.code, e.hint)\n"
            "from kasuhara_rules.cli import main\n"
            "print('exit', main(['journal', 'verify', '--lang', 'ja']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "J100" in done.stdout and "pip install '.[journal]'" in done.stdout
    assert "exit 2" in done.stdout and "pip install '.[journal]'" in done.stderr


def test_a_writer_goes_on_after_a_lock_is_gone(sqlite_url, tmp_path):
    """A write refused because another held the lock (J104) leaves the journal usable: the next one,
    once the lock is gone, is written and the chain holds."""
    with open_journal(sqlite_url, timeout=0.2) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
        other = sqlite3.connect(str(tmp_path / "journal.db"), isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            assert refused(lambda: journal.add(record("A-2"), by="sato", policy=policy())).code == "J104"
        finally:
            other.execute("ROLLBACK")
            other.close()
        journal.add(record("A-3"), by="sato", policy=policy())
        result = journal.verify()
        assert result.ok and result.entries == 5


def test_checkpoints_run_beside_the_writers(sqlite_url, tmp_path):
    """On SQLite the WAL is copied back into the database by a thread of the journal's own while
    writes go on (writers do it themselves only past WAL_PAGES); closing stops the thread and the
    last connection to close leaves no WAL behind."""
    import time

    from kasuhara_rules.journal.store import WAL_PAGES

    with open_journal(sqlite_url) as journal:
        for i in range(5):
            journal.add(record(f"A-{i}"), by="sato", policy=policy())
        with journal.store.write() as tx:
            assert tx.one("PRAGMA wal_autocheckpoint")[0] == WAL_PAGES
        checkpoints = journal.store._checkpoints
        deadline = time.monotonic() + 10
        while checkpoints.done == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpoints.done >= 1
        thread = checkpoints._thread
        assert thread is not None and thread.is_alive()
    assert not thread.is_alive()
    wal = tmp_path / "journal.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    with open_journal(sqlite_url) as journal:
        assert journal.verify().ok


def _migrate_to(journal, revision):
    """Alembic's downgrade (or upgrade) of an open journal to `revision`, as an operator would run it."""
    from alembic import command
    from alembic.config import Config

    from kasuhara_rules.journal.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with journal.engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if revision == "0001_journal" else command.upgrade)(config, revision)


def _trees(journal):
    """The B-trees of the chain and of the sensitive values: the indexes SQLAlchemy sees, and on SQLite
    whether `seq` is the rowid (no index of SQLite's own beside the table)."""
    inspector = sa.inspect(journal.engine)
    names = {i["name"] for t in ("entries", "sensitive_values") for i in inspector.get_indexes(t)}
    if journal.store.dialect == "sqlite":
        with journal.engine.connect() as conn:
            names |= set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                              "AND tbl_name = 'entries'").scalars())
    return names


def test_migration_0002_keeps_the_chain(url, tmp_path):
    """Migration 0002 (the chain's `seq` as SQLite's rowid, one index fewer on the sensitive values)
    keeps every entry, link and kept value; a journal of the older schema is read as it is where it
    cannot be migrated (a read-only copy), and migrated when opened to write."""
    with open_journal(url) as journal:
        journal.add(record("A-1", remarks="誠意を見せろ"), by="sato", policy=policy())
        journal.add(record("A-2", remarks="土下座しろ"), by="sato", policy=policy())
        journal.amend("A-1", {"threat": True}, by="sato")
        before = journal.verify()
        newest = _trees(journal)
        _migrate_to(journal, "0001_journal")
        older = _trees(journal)
    assert before.ok and "ix_sensitive_seq" in older and "ix_sensitive_seq" not in newest
    if url.startswith("sqlite"):
        assert "sqlite_autoindex_entries_1" in older and "sqlite_autoindex_entries_1" not in newest
        ro = f"sqlite:///file:{tmp_path / 'journal.db'}?mode=ro&uri=true"
        with open_journal(ro) as journal:  # read-only: read as it is, not migrated
            assert _revision_of(journal) == "0001_journal"
            assert journal.verify() == before
            assert journal._full_record("A-1")["remarks"] == "誠意を見せろ"
    with open_journal(url) as journal:
        assert _revision_of(journal) == "0002_fewer_trees" and _trees(journal) == newest
        assert journal.verify() == before
        assert journal._full_record("A-1")["remarks"] == "誠意を見せろ"
        assert journal.amend("A-2", {"threat": True}, by="sato").revision == 2
        after = journal.verify()
    assert after.ok and after.entries == before.entries + 2


def _revision_of(journal):
    with journal.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def test_verify_reads_the_chain_in_the_tables_order(sqlite_url):
    """On SQLite `verify` reads the chain and the kept values straight from their tables, without an
    index and a second look-up for every row (the point of migration 0002)."""
    from kasuhara_rules.journal.verify import _ENTRIES, _VALUES

    with open_journal(sqlite_url) as journal:
        with journal.engine.connect() as conn:
            plans = [" ".join(str(step[-1]) for step in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
                     for sql in (_ENTRIES, _VALUES)]
    assert plans[0] == "SCAN entries", plans
    assert plans[1] == "SCAN sensitive_values", plans


def test_verify_reads_through_a_memory_map_and_gives_it_back(sqlite_url):
    """`verify`'s cursor reads a SQLite journal through a memory map; the pooled connection goes back
    to the pool without it (every other read and write keeps SQLite's plain reads)."""
    from kasuhara_rules.journal.store import SCAN_MMAP

    with open_journal(sqlite_url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
        with journal.store.read_raw() as cursor:
            assert cursor.execute("PRAGMA mmap_size").fetchone()[0] == SCAN_MMAP
        raw = journal.engine.raw_connection()
        try:
            assert raw.cursor().execute("PRAGMA mmap_size").fetchone()[0] == 0
        finally:
            raw.close()
        assert journal.verify().ok


def test_a_write_that_fails_midway_leaves_nothing_and_the_next_goes_on(url):
    """Whatever stops a write transaction — a refusal of the journal's own, another exception, a
    statement the database refuses — rolls back what it wrote, goes on as it was (a database fault
    as a refusal), and gives the turn back: the next write is committed and the chain holds."""
    with open_journal(url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
        for fault, expected in ((ValueError("stop"), ValueError), (None, JournalError)):
            with pytest.raises(expected) as caught:
                with journal.store.write() as tx:
                    tx.run("UPDATE head SET seq = ?, hash = ? WHERE id = 1", (99, "0" * 64))
                    if fault is not None:
                        raise fault
                    tx.run("INSERT INTO no_such_table VALUES (1)")
            if fault is None:  # refused for what the statement did, not for a transaction left open
                assert caught.value.code == "J108" and "no_such_table" in str(caught.value)
            assert journal.verify().ok
        journal.verdict("A-1", "confirm", by="tanaka")
        result = journal.verify()
        assert result.ok and result.entries == 4
