"""`kasu journal verify` on a database changed behind the journal's back, one column of one row at a time,
to values of every type the database lets through: it answers (4, naming where), never with a traceback.

A few columns are not what verify proves; each is listed in HARMLESS with the reason, and a change to
it must leave the chain intact (0). A change the database itself refuses (a type PostgreSQL will not
store, a NOT NULL, a key that would repeat) is skipped: it cannot happen."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.journal.copies import copy_sqlite
from tests.journal.test_journal import policy, record

# (table, the rows changed, its columns)
TABLES = [
    ("entries", ["seq = 2", "seq = 8"], ["seq", "at", "by_user", "kind", "incident", "body", "hash"]),
    ("head", ["id = 1"], ["id", "seq", "hash"]),
    ("sensitive_values", ["seq = 2", "seq = 4"],  # a value kept, and one a purge entry removed
     ["id", "seq", "incident", "path", "digest", "salt", "value", "retain_until", "purged_seq"]),
    ("policy_versions", ["seq = 1"], ["digest", "policy_id", "version", "effective", "title", "name", "root", "seq"]),
    ("policy_files", ["position = 0"], ["digest", "position", "path", "content"]),
    ("incidents", ["incident = 'A-1'"], ["site", "outcome", "record_seq", "decision_seq", "last_seq", "facts"]),
]
HARMLESS = {
    ("sensitive_values", "id"): "a row's own number: nothing chains it (verify reads the values in its order)",
    ("sensitive_values", "retain_until"): "not chained: it says when a purge is due, and that purge is itself "
                                          "journaled as an entry",
    ("sensitive_values", "purged_seq"): "read by nothing: the purge entry in the chain says which values it removed",
    ("policy_versions", "root"): "written as '.' and read by nothing (the files' paths are chained)",
    ("incidents", None): "the incident index is derived from the chain for the queue and the report: verify proves "
                         "the chain, the values kept and the policy files, not the index",
}
# what a column becomes: another text, a blob, an integer, NULL, and the same value as another type
SQLITE_CHANGES = ["'x'", "X'00'", "7", "NULL", "CAST({col} AS TEXT)", "CAST({col} AS BLOB)"]
POSTGRES_CHANGES = ["'x'", "7", "NULL"]  # its columns keep their types: another value, or none
CASES = [(table, where, col) for table, rows, cols in TABLES for where in rows for col in cols]


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    """A journal to copy: two incidents with a sensitive value each (the second one's purged on request),
    a verdict and an action."""
    pytest.importorskip("sqlalchemy")
    path = tmp_path_factory.mktemp("tamper") / "journal.db"
    fill(f"sqlite:///{path}")
    return path


def fill(url):
    from kasuhara_rules.journal import open_journal

    with open_journal(url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())  # entries 1 (policy), 2, 3
        journal.add(record("A-2", remarks="山田"), by="sato", policy=policy())  # 4, 5
        journal.verdict("A-1", "confirm", by="tanaka")  # 6
        journal.act("A-1", "police", by="tanaka")  # 7
        journal.purge(by="admin", incident="A-2", reason="本人の求め")  # 8
        assert journal.verify().ok and journal.verify().entries == 8
    return url


@pytest.fixture(scope="session")
def made_postgres(postgres):
    return fill(postgres.url()).rsplit("/", 1)[1]


def verify(url):
    from kasuhara_rules.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["journal", "verify", "--db", url, "--lang", "en"], out=out, err=err)  # raises on a traceback
    return code, out.getvalue(), err.getvalue()


def expect(table, col, change, url):
    code, out, err = verify(url)
    why = HARMLESS.get((table, col)) or HARMLESS.get((table, None))
    if why is not None:
        assert code == 0, (why, err)
    else:
        assert code == 4 and "kasu journal verify: broken at entry " in err, (code, out, err)


@pytest.mark.parametrize("change", SQLITE_CHANGES)
@pytest.mark.parametrize("table,where,col", CASES)
def test_sqlite_every_column_changed(made, tmp_path, table, where, col, change):
    """On SQLite, which stores a value of any type in any column: each change is found (4) or harmless (0)."""
    copy_sqlite(made, tmp_path / "t.db")
    url = f"sqlite:///{tmp_path / 't.db'}"
    if not changed(url, table, where, col, change):
        pytest.skip("SQLite refuses this change, or it changes nothing")
    expect(table, col, change, url)


@pytest.mark.parametrize("table,rows,cols", [pytest.param(*t, id=t[0]) for t in TABLES if t[0] != "incidents"])
def test_postgres_every_column_changed(postgres, made_postgres, table, rows, cols):
    """On PostgreSQL, whose columns keep their types: each change it lets through is found (4) or
    harmless. One database a table, its rows put back after each change (a database copied for each
    change took a second and more)."""
    url = postgres.url(template=made_postgres)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE saved AS SELECT * FROM {table}"))
    try:
        for where in rows:
            for col in cols:
                for change in POSTGRES_CHANGES:
                    if changed(url, table, where, col, change):
                        expect(table, col, change, url)
                    with engine.begin() as conn:
                        conn.execute(sa.text(f"DELETE FROM {table}"))
                        conn.execute(sa.text(f"INSERT INTO {table} SELECT * FROM saved"))
    finally:
        engine.dispose()


def changed(url, table, where, col, change):
    """Apply the change; whether the database took it and it made a difference."""
    engine = sa.create_engine(url)
    snapshot = sa.text(f"SELECT * FROM {table}")

    def rows():
        with engine.connect() as conn:
            return sorted(repr(tuple((type(v), v) for v in row)) for row in conn.execute(snapshot).all())

    try:
        before = rows()
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(f"UPDATE {table} SET {col} = {change.format(col=col)} WHERE {where}"))
        except sa.exc.DBAPIError:
            return False
        return rows() != before
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", ["DELETE FROM head", "DELETE FROM sensitive_values WHERE seq = 2",
                                       "UPDATE sensitive_values SET value = NULL, salt = NULL WHERE seq = 2",
                                       "DELETE FROM policy_versions", "DELETE FROM policy_files",
                                       "UPDATE sensitive_values SET salt = '00' WHERE seq = 4"])
def test_rows_removed_are_found(made, tmp_path, statement):
    """The head removed, a value the chain says is kept removed or emptied with no purge entry, a
    registered version or its files removed, a salt put back beside a purged value: each is a break."""
    url = tampered(made, tmp_path, statement)
    code, out, err = verify(url)
    assert code == 4, (code, out, err)
    if "head" in statement:
        assert "the head of the chain is missing" in err
    elif "seq = 2" in statement:
        assert "broken at entry 2: entry 2: the sensitive value kept for remarks is gone, and no purge entry " \
               "removed it" in err


def tampered(made, tmp_path, statement):
    """A copy of the journal `made`, changed behind its back by one SQL statement: its URL."""
    copy_sqlite(made, tmp_path / "t.db")
    url = f"sqlite:///{tmp_path / 't.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()
    return url


def test_a_value_removed_by_a_purge_may_go(made, tmp_path):
    """The row of a value a purge entry removed may be deleted: nothing the chain keeps is lost."""
    url = tampered(made, tmp_path, "DELETE FROM sensitive_values WHERE seq = 4")
    code, out, err = verify(url)
    assert code == 0 and "intact: 8 entries and 1 sensitive values checked" in out, err


def test_nothing_is_appended_to_a_chain_whose_head_was_removed(made, tmp_path):
    """With the head row deleted behind the journal's back, a write is refused (J110, exit 1, in either
    language) instead of starting the chain again from nothing; nothing is written, and verify still
    names the missing head."""
    from kasuhara_rules.cli import main
    from kasuhara_rules.journal import JournalError, open_journal

    url = tampered(made, tmp_path, "DELETE FROM head")
    with open_journal(url) as journal:
        with pytest.raises(JournalError) as refused:
            journal.add(record("A-3"), by="sato", policy=policy())
        assert refused.value.code == "J110"
        with pytest.raises(JournalError):
            journal.act("A-1", "warned", by="tanaka")
    for lang, said in (("en", "the chain's head is missing"), ("ja", "鎖の先頭（head）がありません")):
        out, err = io.StringIO(), io.StringIO()
        assert main(["journal", "act", "A-1", "warned", "--by", "x", "--db", url, "--lang", lang], out, err) == 1
        assert "error[J110]" in err.getvalue() and said in err.getvalue(), err.getvalue()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM entries")).scalar_one() == 8
    engine.dispose()
    code, out, err = verify(url)
    assert code == 4 and "the head of the chain is missing" in err
