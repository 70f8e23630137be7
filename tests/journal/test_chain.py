"""The chain: edits behind the library's back (SQL UPDATE, DELETE) are found at the entry they touched."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from tests.journal.test_journal import policy, record


@pytest.fixture
def journal(url):
    from kasuhara_rules.journal import open_journal

    with open_journal(url) as j:
        j.add(record("A-1"), by="sato", policy=policy())
        j.add(record("A-2", dogeza=False), by="sato", policy=policy())
        j.verdict("A-1", "confirm", by="tanaka")
        yield j


def sql(journal, statement, **params):
    with journal.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_intact(journal):
    """An untouched journal verifies: every entry, every kept value, the head."""
    result = journal.verify()
    assert result.ok and result.entries == 6 and result.broken is None and result.values == 2


@pytest.mark.parametrize("statement,seq", [
    # the decision of A-2 said claim; someone makes it say kasuhara
    ("UPDATE entries SET body = CAST(REPLACE(CAST(body AS VARCHAR), 'claim', 'kasuhara') AS {blob}) WHERE seq = 5", 5),
    ("UPDATE entries SET by_user = 'suzuki' WHERE seq = 6", 6),
    ("UPDATE entries SET at = '2026-01-01T00:00:00.000000Z' WHERE seq = 2", 2),
    ("UPDATE entries SET incident = 'A-9' WHERE seq = 4", 4),
    ("DELETE FROM entries WHERE seq = 3", 3),
])
def test_an_edit_is_found_where_it_was_made(journal, statement, seq):
    """A row changed with SQL makes verify fail, naming that entry."""
    blob = "BLOB" if journal.store.dialect == "sqlite" else "BYTEA"
    if "REPLACE" in statement and journal.store.dialect == "postgresql":
        statement = ("UPDATE entries SET body = convert_to(replace(convert_from(body, 'UTF8'), 'claim', 'kasuhara'), "
                     "'UTF8') WHERE seq = 5")
    sql(journal, statement.format(blob=blob))
    result = journal.verify()
    assert not result.ok and result.broken.seq == seq, result


def test_rewriting_the_hash_too_is_found(journal):
    """Recomputing the edited entry's own hash does not help: the next link breaks, and the first
    entry that does not match is still the edited one."""
    from kasuhara_rules.journal.chain import canonical, envelope, link

    row = None
    with journal.engine.begin() as conn:
        row = conn.execute(sa.text("SELECT seq, at, by_user, kind, incident, body FROM entries WHERE seq = 5")).one()
        prev = conn.execute(sa.text("SELECT hash FROM entries WHERE seq = 4")).scalar_one()
        body = canonical({**journal.timeline("A-2").entries[1].body, "outcome": "kasuhara"})
        forged = link(prev, envelope(5, row.at, row.by_user, row.kind, row.incident, body))
        conn.execute(sa.text("UPDATE entries SET body = :b, hash = :h WHERE seq = 5"), {"b": body, "h": forged})
    result = journal.verify()
    assert not result.ok and result.broken.seq == 6


def test_the_head_is_checked(journal):
    """Dropping the last entries and moving the head back is found once the head no longer matches."""
    sql(journal, "DELETE FROM entries WHERE seq = 6")
    result = journal.verify()
    assert not result.ok and result.broken.seq == 6


def test_a_changed_sensitive_value_is_found(journal):
    """A value kept apart that no longer hashes to what its record entry chains is found."""
    blob = "X'e5b1b1e794b0'" if journal.store.dialect == "sqlite" else "'\\xe5b1b1e794b0'::bytea"
    sql(journal, f"UPDATE sensitive_values SET value = {blob} WHERE seq = 2")
    result = journal.verify()
    assert not result.ok and result.broken.seq == 2


@pytest.mark.parametrize("seq", [1, 3, 99])
def test_a_value_row_of_no_record_is_found(journal, seq):
    """A sensitive value added behind the library's back — at an entry whose record does not chain it
    (the policy's entry, another incident's decision) or past the chain's end — is named at its entry."""
    sql(journal, "INSERT INTO sensitive_values (seq, incident, path, digest, salt, value) "
                 f"SELECT {seq}, incident, path, digest, salt, value FROM sensitive_values WHERE seq = 2")
    result = journal.verify()
    assert not result.ok and result.broken.seq == seq and "sensitive value" in str(result.broken.reason)


def test_values_are_checked_across_chunks(journal, monkeypatch):
    """The values are read beside the entries a chunk at a time: with chunks of two entries, every value
    is still checked against its own record, and a changed one in a later chunk is found there."""
    from kasuhara_rules.journal import verify as module

    monkeypatch.setattr(module, "CHUNK", 2)
    for i in range(3, 9):
        journal.add(record(f"A-{i}", remarks=f"誠意を見せろ {i}"), by="sato", policy=policy())
    result = journal.verify()
    assert result.ok and result.values == 8 and result.entries == 18
    last = journal.incident("A-8").record_seq
    blob = "X'e5b1b1'" if journal.store.dialect == "sqlite" else "'\\xe5b1b1'::bytea"
    sql(journal, f"UPDATE sensitive_values SET value = {blob} WHERE seq = {last}")
    result = journal.verify()
    assert not result.ok and result.broken.seq == last


def test_a_changed_policy_file_is_found(journal):
    """The stored bytes of a registered policy are checked against the digests its entry chains."""
    blob = "X'00'" if journal.store.dialect == "sqlite" else "'\\x00'::bytea"
    sql(journal, f"UPDATE policy_files SET content = {blob}")
    result = journal.verify()
    assert not result.ok and result.broken.seq == 1


def test_purge_keeps_the_chain_verifiable(journal):
    """Removing values by a purge leaves the chain intact: the chain held only their salted hashes."""
    journal.purge(by="admin", incident="A-1", reason="本人の求め")
    result = journal.verify()
    assert result.ok and result.values == 1


def test_recompute_by_hand(journal):
    """An auditor can recompute a link from the stored row alone: SHA-256(prev, newline, canonical JSON)."""
    import hashlib

    with journal.engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT seq, at, by_user, kind, incident, body, hash FROM entries "
                                    "WHERE seq IN (2, 3) ORDER BY seq")).all()
    first, second = rows
    import json

    entry = ('{"at":%s,"body":%s,"by":%s,"incident":%s,"kind":%s,"seq":%d}' % (
        json.dumps(second.at), bytes(second.body).decode(), json.dumps(second.by_user, ensure_ascii=False),
        json.dumps(second.incident, ensure_ascii=False), json.dumps(second.kind), second.seq))
    assert hashlib.sha256((first.hash + "\n" + entry).encode()).hexdigest() == second.hash


def rewrite_from(journal, seq):
    """Rewrite the chain from entry `seq` on as someone with the database would: entry `seq`'s
    decision changed, and every link from there recomputed, the head moved to the new last link."""
    from kasuhara_rules.journal.chain import GENESIS, canonical, envelope, link

    with journal.engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT seq, at, by_user, kind, incident, body FROM entries ORDER BY seq")).all()
        prev = GENESIS
        for row in rows:
            body = bytes(row.body)
            if row.seq == seq:
                body = canonical({**json.loads(body), "outcome": "kasuhara", "forged": True})
            if row.seq >= seq:
                conn.execute(sa.text("UPDATE entries SET body = :b, hash = :h WHERE seq = :s"),
                             {"b": body, "h": link(prev, envelope(row.seq, row.at, row.by_user, row.kind,
                                                                  row.incident, body)), "s": row.seq})
            prev = conn.execute(sa.text("SELECT hash FROM entries WHERE seq = :s"), {"s": row.seq}).scalar_one()
        conn.execute(sa.text("UPDATE head SET hash = :h WHERE id = 1"), {"h": prev})


def test_a_head_kept_earlier_finds_a_chain_written_again(journal):
    """A chain written again from an entry on, every link recomputed, verifies by itself; the head
    handed out before (`verify --head`) names the entry where they part."""
    kept = journal.verify()
    assert journal.verify([(kept.head_seq, kept.head_hash)]).heads == 1
    with journal.engine.begin() as conn:  # a head handed out when the chain ended at entry 4
        early = conn.execute(sa.text("SELECT hash FROM entries WHERE seq = 4")).scalar_one()
    rewrite_from(journal, 5)
    assert journal.verify().ok
    result = journal.verify([(kept.head_seq, kept.head_hash)])
    assert not result.ok and result.broken.seq == kept.head_seq and "written again" in str(result.broken.reason)
    assert journal.verify([(4, early)]).ok  # the rewrite began after it


def test_a_head_kept_earlier_finds_entries_removed(journal):
    """Removing the last entries and moving the head back verifies by itself, but not against a head
    kept from before."""
    kept = journal.verify()
    with journal.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM entries WHERE seq = 6"))
        last = conn.execute(sa.text("SELECT hash FROM entries WHERE seq = 5")).scalar_one()
        conn.execute(sa.text("UPDATE head SET seq = 5, hash = :h WHERE id = 1"), {"h": last})
    assert journal.verify().ok
    result = journal.verify([(kept.head_seq, kept.head_hash)])
    assert not result.ok and result.broken.seq == 6 and "removed" in str(result.broken.reason)


@settings(max_examples=60, deadline=None)
@given(seq=st.integers(1, 2**62), at=st.text(max_size=40), by=st.text(max_size=40), kind=st.text(max_size=12),
       incident=st.none() | st.text(max_size=40), body=st.dictionaries(st.text(max_size=8), st.text(max_size=20)))
def test_link_entry_is_the_link_of_the_envelope(seq, at, by, kind, incident, body):
    """The hash appending and verifying compute from the stored columns is the documented one:
    SHA-256 of the previous hash, a newline and the entry's canonical JSON."""
    from kasuhara_rules.journal.chain import GENESIS, canonical, envelope, link, link_entry

    data = canonical(body)
    assert link_entry(GENESIS, seq, at, by, kind, incident, data) == \
        link(GENESIS, envelope(seq, at, by, kind, incident, data))
