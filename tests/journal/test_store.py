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
