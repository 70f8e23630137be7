"""Verifying the journal: every link of the chain, the sensitive values kept, the policy files, the head.

Every link is recomputed from the first entry; the sensitive values still kept are checked against
their salted hashes and the policy files against their digests; the first entry that does not
match is named."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Generator, Mapping, Sequence

import sqlalchemy as sa

from ..i18n import N_
from .chain import GENESIS, link_entry, parse, salted
from .results import Broken, Verification
from .sensitive import MARK
from .tables import entries, policy_files, policy_versions

if TYPE_CHECKING:
    from .store import Store

CHUNK = 20_000
_ENTRIES = "SELECT seq, at, by_user, kind, incident, body, hash FROM entries ORDER BY seq"


def verify(store: "Store", heads: Sequence[tuple[int, str]] = ()) -> Verification:
    """The chain recomputed (see the module's docstring); `heads`, links kept from earlier (seq, hash),
    must still be links of the chain."""
    kept = {int(seq): str(hash_).lower() for seq, hash_ in heads}
    top, count, prev, values, broken = _links(store, kept)
    if broken is None:
        beyond = [seq for seq in kept if seq > count]
        if beyond:
            broken = Broken(min(beyond), N_("the chain ends at entry {last}, before entry {seq} of a head kept "
                                            "earlier: entries were removed", last=count, seq=min(beyond)))
    if broken is None and (int(top[0]) != count or top[1] != prev):
        if int(top[0]) > count:
            broken = Broken(count + 1, N_("entry {seq} is missing: the head says the chain ends at entry {head}",
                                          seq=count + 1, head=int(top[0])))
        else:
            broken = Broken(int(top[0]), N_("the head (entry {head}) does not match the last entry ({last})",
                                            head=int(top[0]), last=count))
    if broken is None:
        with store.read() as conn:
            broken = _policies(conn)
    return Verification(broken is None, count, int(top[0]), str(top[1]), values, broken, len(kept))


# the values in the order they were written: their entries' order (they are written under the chain's lock)
_VALUES = "SELECT seq, path, digest, salt, value FROM sensitive_values ORDER BY id"


def _links(store: "Store", kept: Mapping[int, str]) -> tuple[Any, int, str, int, Broken | None]:
    """Every link recomputed, reading the entries in one pass on the driver's own cursor, the links in
    `kept` compared, and every sensitive value checked against the entry whose record chains it.
    Returns the head, how many entries matched, the last hash recomputed, how many kept values
    matched, and the first break.

    With each chunk of entries it reads the values written with them (a second cursor, in the same
    read transaction), so that a record's body is checked where it is already in memory. One thread
    reads and hashes: a second one reading ahead made SQLite (through its memory map) a third slower,
    the two threads taking the interpreter's lock from each other, and PostgreSQL no faster
    (docs/performance.md)."""
    with store.read_raw() as cursor:
        cursor.execute("SELECT seq, hash FROM head WHERE id = 1")
        top = cursor.fetchone()
        values = cursor.connection.cursor()
        values.execute(_VALUES)
        cursor.execute(_ENTRIES)
        chunks = _chunks(cursor, values)
        prev = GENESIS
        expected = 1
        checked = 0
        broken: Broken | None = None
        try:
            for rows, kept_values in chunks:
                bodies: dict[int, bytes] = {}
                for seq, at, by, kind, incident, body, stored in rows:
                    if seq != expected:
                        broken = Broken(expected, N_("entry {seq} is missing (the next entry is {next})",
                                                     seq=expected, next=seq))
                        break
                    computed = link_entry(prev, seq, at, by, kind, incident, body)
                    if computed != stored:
                        broken = Broken(seq, N_("entry {seq} does not match its hash: it was changed after it "
                                                "was written (or an entry before it was)", seq=seq))
                        break
                    if kept and seq in kept and kept[seq] != computed:
                        broken = Broken(seq, N_("entry {seq} is not the one of the head kept earlier ({hash}): the "
                                                "chain was written again up to it", seq=seq, hash=kept[seq][:16]))
                        break
                    if kept_values:
                        bodies[seq] = body
                    prev = computed
                    expected += 1
                found, count = _values(kept_values, bodies, broken.seq if broken is not None else None)
                checked += count
                broken = found or broken  # a value's break comes before the link's (_values stops there)
                if broken is not None or not rows:
                    break
        finally:
            chunks.close()
            values.close()
        return top, expected - 1, prev, checked, broken


def _chunks(cursor: Any, values: Any) -> Generator[tuple[list[Any], list[Any]], None, None]:
    """The entries in chunks, each with the value rows written with them (`values`, a cursor on the
    values in the order they were written); the last chunk has no entries and every value left."""
    ahead: list[Any] = []  # value rows read past the entries handed over so far
    done = False  # every value row is read
    while True:
        rows = cursor.fetchmany(CHUNK)
        last = rows[-1][0] if rows else None  # None: no entries left, every value goes now
        with_them = [r for r in ahead if last is None or r[0] <= last]
        ahead = [r for r in ahead if last is not None and r[0] > last]
        while not ahead and not done:
            more = values.fetchmany(CHUNK)
            done = not more
            for row in more:
                (with_them if last is None or row[0] <= last else ahead).append(row)
        yield rows, with_them
        if not rows:
            return


def _values(rows: Sequence[Any], bodies: Mapping[int, bytes], before: int | None) -> tuple[Broken | None, int]:
    """Each sensitive value of `rows` (seq, path, digest, salt, value) hashes, with its salt, to the hash
    its record entry chains (`bodies`, the stored bodies by entry); values of entries from `before` on
    are left (a link broke there). Returns the first break and how many kept values matched."""
    record: Any = None
    current = None
    count = 0
    for seq, path, digest, salt, value in rows:
        if before is not None and seq >= before:
            continue
        if seq != current:
            current = seq
            body = bodies.get(seq)
            record = parse(body).get("record") if body is not None else None
        where = tuple(parse(path))
        if _at(record, where) != {MARK: digest}:
            return Broken(int(seq), N_("entry {seq}: the sensitive value kept for {path} is not the one its "
                                       "entry chains", seq=seq, path=".".join(map(str, where)))), count
        if value is not None:
            if salt is None or salted(bytes.fromhex(salt), bytes(value)) != digest:
                return Broken(int(seq), N_("entry {seq}: the sensitive value kept for {path} does not "
                                           "match its salted hash", seq=seq,
                                           path=".".join(map(str, where)))), count
            count += 1
    return None, count


def _at(record: Any, path: tuple[Any, ...]) -> Any:
    """What stands at `path` (keys and list positions) in a chained record; None when nothing does."""
    for step in path:
        if isinstance(record, dict) and isinstance(step, str):
            record = record.get(step)
        elif isinstance(record, list) and isinstance(step, int) and 0 <= step < len(record):
            record = record[step]
        else:
            return None
    return record


def _policies(conn: Any) -> Broken | None:
    """The stored bytes of each registered policy file have the digest its registration chains."""
    for version in conn.execute(sa.select(policy_versions.c.digest, policy_versions.c.seq)).all():
        body = parse(conn.execute(sa.select(entries.c.body).where(entries.c.seq == version.seq)).scalar_one())
        chained = [f["digest"] for f in body.get("files", [])]
        stored = conn.execute(sa.select(policy_files.c.content).where(policy_files.c.digest == version.digest)
                              .order_by(policy_files.c.position)).scalars().all()
        if body.get("digest") != version.digest or len(stored) != len(chained) or any(
                "sha256:" + hashlib.sha256(bytes(data)).hexdigest() != d for data, d in zip(stored, chained)):
            return Broken(int(version.seq), N_("entry {seq}: the stored files of policy version {digest} are not "
                                               "the ones it registered", seq=version.seq, digest=version.digest))
    return None
