"""Verifying the journal: recompute every link of the chain from the first entry, check the sensitive
values still kept against their salted hashes and the policy files against their digests, and name
the first entry that does not match."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..i18n import N_
from .chain import GENESIS, link_parts, parse, parts, salted
from .results import Broken, Verification
from .sensitive import marks
from .tables import entries, head, policy_files, policy_versions, sensitive_values

if TYPE_CHECKING:
    from .store import Store

CHUNK = 20_000


def verify(store: "Store") -> Verification:
    """The chain recomputed (see the module's docstring)."""
    with store.read() as conn:
        top = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
        prev = GENESIS
        expected = 1
        count = 0
        broken: Broken | None = None
        result = conn.execution_options(yield_per=CHUNK).execute(
            sa.select(entries.c.seq, entries.c.at, entries.c.by_user, entries.c.kind, entries.c.incident,
                      entries.c.body, entries.c.hash).order_by(entries.c.seq))
        for seq, at, by, kind, incident, body, stored in result:
            if seq != expected:
                broken = Broken(expected, N_("entry {seq} is missing (the next entry is {next})", seq=expected,
                                             next=seq))
                break
            before, after = parts(seq, at, by, kind, incident)
            computed = link_parts(prev, before, body, after)
            if computed != stored:
                broken = Broken(seq, N_("entry {seq} does not match its hash: it was changed after it was written "
                                        "(or an entry before it was)", seq=seq))
                break
            prev = computed
            expected += 1
            count += 1
        result.close()
        if broken is None and (int(top.seq) != count or top.hash != prev):
            if int(top.seq) > count:
                broken = Broken(count + 1, N_("entry {seq} is missing: the head says the chain ends at entry {head}",
                                              seq=count + 1, head=int(top.seq)))
            else:
                broken = Broken(int(top.seq), N_("the head (entry {head}) does not match the last entry ({last})",
                                                 head=int(top.seq), last=count))
        values = 0
        if broken is None:
            broken, values = _values(conn)
        if broken is None:
            broken = _policies(conn)
        return Verification(broken is None, count, int(top.seq), str(top.hash), values, broken)


def _values(conn: Any) -> tuple[Broken | None, int]:
    """Each sensitive value still kept hashes, with its salt, to the hash its record entry chains."""
    rows = conn.execution_options(yield_per=CHUNK).execute(
        sa.select(sensitive_values.c.seq, sensitive_values.c.path, sensitive_values.c.digest,
                  sensitive_values.c.salt, sensitive_values.c.value, entries.c.body)
        .select_from(sensitive_values.outerjoin(entries, entries.c.seq == sensitive_values.c.seq))
        .order_by(sensitive_values.c.seq, sensitive_values.c.id))
    chained: dict[tuple[Any, ...], str] = {}
    current = None
    count = 0
    for seq, path, digest, salt, value, body in rows:
        if seq != current:
            current = seq
            record = parse(body).get("record") if body is not None else None
            chained = dict(marks(record))
        where = tuple(parse(path))
        if chained.get(where) != digest:
            return Broken(int(seq), N_("entry {seq}: the sensitive value kept for {path} is not the one its "
                                       "entry chains", seq=seq, path=".".join(map(str, where)))), count
        if value is not None:
            if salt is None or salted(bytes.fromhex(salt), value) != digest:
                return Broken(int(seq), N_("entry {seq}: the sensitive value kept for {path} does not match its "
                                           "salted hash", seq=seq, path=".".join(map(str, where)))), count
            count += 1
    return None, count


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
