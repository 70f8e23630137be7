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
from .sensitive import MARK, marks

if TYPE_CHECKING:
    from .store import Store

CHUNK = 20_000
_ENTRIES = "SELECT seq, at, by_user, kind, incident, body, hash FROM entries ORDER BY seq"


def verify(store: "Store", heads: Sequence[tuple[int, str]] = ()) -> Verification:
    """The chain recomputed (see the module's docstring); `heads`, links kept from earlier (seq, hash),
    must still be links of the chain. Whatever the database holds, it answers (a row of another type
    than the journal writes is a break, never an exception)."""
    kept = {int(seq): str(hash_).lower() for seq, hash_ in heads}
    scan = _links(store, kept)
    count, prev, broken = scan.count, scan.prev, scan.broken
    top = scan.top
    head = (int(top[0]), str(top[1])) if top is not None and type(top[0]) is int and isinstance(top[1], str) \
        else None
    if broken is None:
        beyond = [seq for seq in kept if seq > count]
        if beyond:
            broken = Broken(min(beyond), N_("the chain ends at entry {last}, before entry {seq} of a head kept "
                                            "earlier: entries were removed", last=count, seq=min(beyond)))
    if broken is None and head is None:
        broken = Broken(count, N_("the head of the chain is missing or unreadable: the journal no longer says "
                                  "where its chain ends (its last entry is {last})", last=count))
    if broken is None and head is not None and (head[0] != count or head[1] != prev):
        if head[0] > count:
            broken = Broken(count + 1, N_("entry {seq} is missing: the head says the chain ends at entry {head}",
                                          seq=count + 1, head=head[0]))
        else:
            broken = Broken(head[0], N_("the head (entry {head}) does not match the last entry ({last})",
                                        head=head[0], last=count))
    if broken is None:
        broken = scan.gone()
    if broken is None:
        with store.read() as conn:
            broken = _policies(conn, scan.registered, count)
    seq, hash_ = head if head is not None else (0, "")
    return Verification(broken is None, count, seq, hash_, scan.values, broken, len(kept))


# the values in the order they were written: their entries' order (they are written under the chain's lock)
_VALUES = "SELECT seq, path, digest, salt, value, incident FROM sensitive_values ORDER BY id"
_MARK = b'"' + MARK.encode() + b'":'  # how a salted hash stands in a stored record body


class _Scan:
    """What one pass over the chain found: the head row, how many entries matched, the last hash
    recomputed, how many kept values matched, the first break; and, for the checks after it, the
    values the chain says are kept that no row holds (`pending`), the values purge entries removed
    (`purged`) and the registrations of policy versions (`registered`, seq → body)."""

    def __init__(self) -> None:
        self.top: Any = None
        self.count = 0
        self.prev = GENESIS
        self.values = 0
        self.broken: Broken | None = None
        self.pending: list[tuple[int, tuple[Any, ...]]] = []
        self.purged: set[tuple[Any, tuple[Any, ...]]] = set()
        self.registered: dict[int, bytes] = {}

    def gone(self) -> Broken | None:
        """The first value the chain says is kept, whose row is gone (or emptied) with no purge entry
        that removed it."""
        for seq, where in sorted(self.pending, key=lambda p: p[0]):
            if (seq, where) not in self.purged:
                return Broken(seq, N_("entry {seq}: the sensitive value kept for {path} is gone, and no purge "
                                      "entry removed it", seq=seq, path=_path_text(where)))
        return None


def _links(store: "Store", kept: Mapping[int, str]) -> _Scan:
    """Every link recomputed, reading the entries in one pass on the driver's own cursor, the links in
    `kept` compared, and every sensitive value checked against the entry whose record chains it.

    With each chunk of entries it reads the values written with them (a second cursor, in the same
    read transaction), so that a record's body is checked where it is already in memory. One thread
    reads and hashes: a second one reading ahead made SQLite (through its memory map) a third slower,
    the two threads taking the interpreter's lock from each other, and PostgreSQL no faster
    (docs/performance.md)."""
    scan = _Scan()
    with store.read_raw() as cursor:
        cursor.execute("SELECT seq, hash FROM head WHERE id = 1")
        scan.top = cursor.fetchone()
        values = cursor.connection.cursor()
        values.execute(_VALUES)
        cursor.execute(_ENTRIES)
        chunks = _chunks(cursor, values)
        prev = GENESIS
        expected = 1
        broken: Broken | None = None
        try:
            for rows, kept_values in chunks:
                marked: dict[int, tuple[bytes, Any]] = {}  # record entries that chain sensitive values
                for seq, at, by, kind, incident, body, stored in rows:
                    if seq != expected:
                        broken = Broken(expected, N_("entry {seq} is missing (the next entry is {next})",
                                                     seq=expected, next=seq))
                        break
                    computed: str | None
                    try:
                        computed = link_entry(prev, seq, at, by, kind, incident, body)
                    except (TypeError, ValueError):  # a column of another type than the journal writes
                        computed = None
                    if computed is None or computed != stored:
                        broken = Broken(seq, N_("entry {seq} does not match its hash: it was changed after it "
                                                "was written (or an entry before it was)", seq=seq))
                        break
                    if kept and seq in kept and kept[seq] != computed:
                        broken = Broken(seq, N_("entry {seq} is not the one of the head kept earlier ({hash}): the "
                                                "chain was written again up to it", seq=seq, hash=kept[seq][:16]))
                        break
                    if kind == "record":
                        if _MARK in body:
                            marked[seq] = (bytes(body), incident)
                    elif kind == "purge":
                        _purged(scan.purged, body)
                    elif kind == "policy":
                        scan.registered[seq] = bytes(body)
                    prev = computed
                    expected += 1
                found, count = _values(scan, kept_values, marked, broken.seq if broken is not None else None,
                                       expected)
                scan.values += count
                broken = found or broken  # a value's break comes before the link's (_values stops there)
                if broken is not None or not rows:
                    break
        finally:
            chunks.close()
            values.close()
        scan.count, scan.prev, scan.broken = expected - 1, prev, broken
        return scan


def _purged(purged: set[tuple[Any, tuple[Any, ...]]], body: bytes) -> None:
    """The values a purge entry removed, as (entry, path)."""
    try:
        for value in parse(body).get("values") or ():
            purged.add((value["entry"], tuple(value["path"])))
    except (TypeError, ValueError, KeyError, AttributeError):  # not as the journal writes it: it removed nothing
        pass


def _chunks(cursor: Any, values: Any) -> Generator[tuple[list[Any], list[Any]], None, None]:
    """The entries in chunks, each with the value rows written with them (`values`, a cursor on the
    values in the order they were written); the last chunk has no entries and every value left,
    with the rows whose entry is not a number."""
    ahead: list[Any] = []  # value rows read past the entries handed over so far
    strays: list[Any] = []  # value rows whose entry is not a number (changed behind the journal's back)
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
                if type(row[0]) is not int:
                    strays.append(row)
                else:
                    (with_them if last is None or row[0] <= last else ahead).append(row)
        if not rows:
            with_them += strays
        yield rows, with_them
        if not rows:
            return


def _values(scan: _Scan, rows: Sequence[Any], marked: Mapping[int, tuple[bytes, Any]], before: int | None,
            end: int) -> tuple[Broken | None, int]:
    """Each sensitive value of `rows` (seq, path, digest, salt, value, incident) hashes, with its salt,
    to the hash its record entry chains (`marked`, the stored bodies and incidents of the chunk's
    records that chain values), under that entry's incident; values of entries from `before` on are
    left (a link broke there). The values a record chains that no row of the chunk keeps are added
    to `scan.pending` (a purge entry must have removed them). Returns the first break and how many
    kept values matched; a row whose entry is no number is named at `end`, past the chain."""
    records: dict[int, Any] = {}
    found: set[tuple[int, tuple[Any, ...]]] = set()  # the values kept and matched: (entry, path)
    per_entry: dict[int, int] = {}
    count = 0
    for seq, path, digest, salt, value, incident in rows:
        if type(seq) is not int:
            return Broken(end, N_("a sensitive value row names no entry of the chain (its entry is {given})",
                                  given=repr(seq)[:40])), count
        if before is not None and seq >= before:
            continue
        where: tuple[Any, ...] = ()
        try:
            if not isinstance(path, str):
                raise TypeError(path)
            where = tuple(parse(path))
            if seq not in records:
                chained = marked.get(seq)
                records[seq] = parse(chained[0]).get("record") if chained is not None else None
            if _at(records[seq], where) != {MARK: digest}:
                return Broken(seq, N_("entry {seq}: the sensitive value kept for {path} is not the one its "
                                      "entry chains", seq=seq, path=_path_text(where))), count
            if incident != marked[seq][1]:
                return Broken(seq, N_("entry {seq}: the sensitive value kept for {path} is filed under another "
                                      "incident", seq=seq, path=_path_text(where))), count
            if value is None:  # purged (a purge entry must have removed it: `pending`), with its salt
                if salt is not None:
                    raise TypeError(salt)
                continue
            if salt is None or salted(bytes.fromhex(salt), bytes(value)) != digest:
                return Broken(seq, N_("entry {seq}: the sensitive value kept for {path} does not "
                                      "match its salted hash", seq=seq, path=_path_text(where))), count
        except (TypeError, ValueError, AttributeError):  # a column of another type than the journal writes
            return Broken(seq, N_("entry {seq}: the sensitive value kept for {path} is not stored as the journal "
                                  "writes it", seq=seq, path=_path_text(where))), count
        if (seq, where) not in found:
            found.add((seq, where))
            per_entry[seq] = per_entry.get(seq, 0) + 1
        count += 1
    for seq, (body, _) in marked.items():
        if (before is None or seq < before) and per_entry.get(seq, 0) < body.count(_MARK):
            for where, _hash in marks(parse(body).get("record")):
                if (seq, where) not in found:
                    scan.pending.append((seq, where))
    return None, count


def _path_text(where: tuple[Any, ...]) -> str:
    return ".".join(map(str, where)) or "?"


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


_VERSIONS = "SELECT digest, policy_id, version, effective, title, name, seq FROM policy_versions"
_FILES = "SELECT position, path, content FROM policy_files WHERE digest = :digest"


def _policies(conn: Any, registered: Mapping[int, bytes], end: int) -> Broken | None:
    """Each registration of the chain (`registered`, seq → body) has its stored version, with the id,
    version, date, title and files it chains, and the stored bytes of each file have the digest its
    registration chains. Rows are read as stored (no type is converted), so that a value of another
    type is a break rather than an exception."""
    by_digest: dict[Any, int] = {}
    chained: dict[int, Any] = {}
    for seq, stored_body in registered.items():
        try:
            data = parse(stored_body)
        except ValueError:
            data = None
        chained[seq] = data if isinstance(data, dict) else {}
        by_digest.setdefault(chained[seq].get("digest"), seq)
    stored: set[int] = set()
    for digest, policy_id, version, effective, title, name, seq in conn.execute(sa.text(_VERSIONS)).all():
        try:
            at = by_digest.get(digest)
        except TypeError:  # a digest that is no text (a blob): not hashable as stored
            at = None
        if at is None:
            at = seq if type(seq) is int else end
        body = chained.get(seq) if type(seq) is int else None
        files = body.get("files") if body is not None else None
        if body is None or not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            return Broken(at, N_("entry {seq}: a stored policy version ({digest}) is not the one a registration "
                                 "of the chain names", seq=at, digest=str(digest)[:80]))
        if (body.get("digest"), body.get("id"), body.get("version"), body.get("effective"), body.get("title")) \
                != (digest, policy_id, version, effective, title) or name not in [f.get("path") for f in files]:
            return Broken(at, N_("entry {seq}: the stored policy version {digest} is not the one it registered "
                                 "(its id, version, date, title or file)", seq=at, digest=str(digest)[:80]))
        stored.add(seq)
        kept = conn.execute(sa.text(_FILES), {"digest": digest}).all()
        try:
            kept = sorted(kept, key=lambda row: row[0])
            same = [row[0] for row in kept] == list(range(len(files))) and all(
                row[1] == f.get("path") and "sha256:" + hashlib.sha256(bytes(row[2])).hexdigest() == f.get("digest")
                for row, f in zip(kept, files))
        except (TypeError, ValueError):  # a position, path or content of another type than the journal writes
            same = False
        if not same:
            return Broken(at, N_("entry {seq}: the stored files of policy version {digest} are not "
                                 "the ones it registered", seq=at, digest=str(digest)[:80]))
    for seq in sorted(set(registered) - stored):
        return Broken(seq, N_("entry {seq}: the policy version it registered is no longer stored", seq=seq))
    return None
