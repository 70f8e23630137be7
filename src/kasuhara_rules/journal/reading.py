"""Reading the journal: policy versions, an incident's state and timeline, the supervisors' queue."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Iterator, Protocol, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..i18n import N_
from .errors import JournalError
from .chain import parse
from .results import Entry, Incident, PolicyVersion, QueuePage, Recorded, Timeline, Verification
from .sensitive import restore
from .tables import entries, incidents, policy_versions, sensitive_values

if TYPE_CHECKING:
    from ..policy import Policy
    from .store import Store, Tx

QUEUE_KINDS = ("review", "escalation", "unconfirmed")
INCIDENT_COLUMNS = tuple(c.name for c in incidents.columns)


class Source(Protocol):
    """What the case file, the replay and the report read of a journal (the Journal has it; they name
    the shape, not the class, so that the journal's modules import each other in one direction)."""

    store: "Store"

    @property
    def url(self) -> str: ...
    def version(self, digest: str) -> PolicyVersion: ...
    def versions(self, policy_id: str | None = None) -> tuple[PolicyVersion, ...]: ...
    def policy(self, digest: str) -> "Policy": ...
    def incident(self, incident: str) -> Incident: ...
    def disclose(self, incident: str, to: str, purpose: str, fields: Sequence[str] = ()) -> Recorded: ...


class Reading:
    """The read side of a Journal (mixed into it)."""

    store: "Store"

    def policy(self, digest: str) -> "Policy":  # provided by Journal
        raise NotImplementedError

    def versions(self, policy_id: str | None = None) -> tuple[PolicyVersion, ...]:
        """Every registered policy version (of `policy_id`, when given), in the order registered."""
        with self.store.read() as conn:
            query = sa.select(policy_versions).order_by(policy_versions.c.seq)
            if policy_id is not None:
                query = query.where(policy_versions.c.policy_id == policy_id)
            return tuple(self._version(conn, row) for row in conn.execute(query).all())

    def _version(self, conn: Connection, row: Any) -> PolicyVersion:
        body = parse(conn.execute(sa.select(entries.c.body).where(entries.c.seq == row.seq)).scalar_one())
        files = tuple((f["path"], f["digest"]) for f in body.get("files", []))
        effective = _dt.date.fromisoformat(row.effective) if row.effective else None
        return PolicyVersion(row.digest, row.policy_id, row.version, effective, row.title, int(row.seq), files)

    def incident(self, incident: str) -> Incident:
        """Where `incident` stands (J201 when the journal has no such incident)."""
        with self.store.read() as conn:
            row = conn.execute(sa.select(incidents).where(incidents.c.incident == incident)).first()
        if row is None:
            raise JournalError("J201", N_("no incident `{incident}` in the journal", incident=incident),
                               N_("check the incident id (kasu journal add journals incidents)"), incident=incident)
        return Incident.from_row(row)

    def incidents(self, site: str | None = None) -> Iterator[Incident]:
        """Every incident (of `site`), in the order first journaled."""
        with self.store.read() as conn:
            query = sa.select(incidents).order_by(incidents.c.record_seq)
            if site is not None:
                query = query.where(incidents.c.site == site)
            rows = conn.execute(query).all()
        for row in rows:
            yield Incident.from_row(row)

    def record(self, incident: str) -> dict[str, Any]:
        """The latest facts of `incident` as journaled, sensitive values left out (they read as unknown)."""
        state = self.incident(incident)
        with self.store.read() as conn:
            body = parse(conn.execute(sa.select(entries.c.body).where(entries.c.seq == state.record_seq))
                              .scalar_one())
        out: dict[str, Any] = restore(body["record"], {})
        return out

    def _full_record(self, incident: str) -> dict[str, Any]:
        """The latest facts with the sensitive values still kept (for deciding again, never for showing)."""
        state = self.incident(incident)
        with self.store.read() as conn:
            return record_of(conn, state.record_seq)

    def timeline(self, incident: str) -> Timeline:
        """Every entry of `incident`, oldest first (J201 when there is none)."""
        with self.store.read() as conn:
            rows = conn.execute(sa.select(entries).where(entries.c.incident == incident).order_by(entries.c.seq)).all()
        if not rows:
            raise JournalError("J201", N_("no incident `{incident}` in the journal", incident=incident),
                               N_("check the incident id (kasu journal add journals incidents)"), incident=incident)
        return Timeline(incident, tuple(entry_of(r) for r in rows))

    def entries(self, after: int = 0, limit: int | None = None) -> tuple[Entry, ...]:
        """Entries after seq `after`, oldest first (at most `limit`)."""
        with self.store.read() as conn:
            query = sa.select(entries).where(entries.c.seq > after).order_by(entries.c.seq)
            if limit is not None:
                query = query.limit(limit)
            return tuple(entry_of(r) for r in conn.execute(query).all())

    def queue(self, limit: int = 50, offset: int = 0, site: str | None = None,
              kinds: Sequence[str] = QUEUE_KINDS) -> QueuePage:
        """The supervisors' queue: incidents whose latest decision has no verdict yet — reviews,
        escalations (`escalation`) and the other decisions (`unconfirmed`) as `kinds` asks —
        reviews first, then the most severe, then the newest; one page of `limit` from `offset`."""
        wanted = set(kinds)
        conds: list[Any] = [incidents.c.verdict.is_(None)]
        parts = []
        if "review" in wanted:
            parts.append(incidents.c.outcome == "review")
        if "escalation" in wanted:
            parts.append(sa.and_(incidents.c.outcome != "review", incidents.c.escalation.is_not(None)))
        if "unconfirmed" in wanted:
            parts.append(sa.and_(incidents.c.outcome != "review", incidents.c.escalation.is_(None)))
        if not wanted.issuperset(QUEUE_KINDS):  # all three cover every outcome: no condition (the index alone counts)
            conds.append(sa.or_(*parts) if parts else sa.false())
        if site is not None:
            conds.append(incidents.c.site == site)
        where = sa.and_(*conds)
        with self.store.read() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(incidents).where(where)).scalar_one())
            rows = conn.execute(sa.select(incidents).where(where)
                                .order_by(incidents.c.rank.desc(), incidents.c.occurred_at.desc(),
                                          incidents.c.record_seq.desc())
                                .limit(limit).offset(offset)).all()
        return QueuePage(tuple(Incident.from_row(r) for r in rows), total, offset, limit)

    def verify(self, heads: Sequence[tuple[int, str]] = ()) -> Verification:
        """Recompute the chain from its first entry: every link, every sensitive value still kept
        against its salted hash, and the head. `broken` names the first entry that does not match.

        `heads` are heads handed out earlier (seq, hash: what `verify` printed, or a case file's
        `chain.head`): each must still be the link at its entry. A chain written again from its first
        entry, with every link recomputed, verifies by itself; it does not keep a head handed out before."""
        from .verify import verify

        return verify(self.store, heads)


def entry_of(row: Any) -> Entry:
    return Entry(int(row.seq), row.at, row.by_user, row.kind, row.incident, parse(row.body), row.hash)


def record_of(conn: Connection, record_seq: int) -> dict[str, Any]:
    """The record of entry `record_seq` with its kept sensitive values put back (purged ones left out)."""
    stored, incident = conn.execute(sa.select(entries.c.body, entries.c.incident)
                                    .where(entries.c.seq == record_seq)).one()
    body = parse(stored)
    values = {tuple(parse(r.path)): parse(r.value) for r in conn.execute(  # found through the incident's index
        sa.select(sensitive_values.c.path, sensitive_values.c.value)
        .where(sensitive_values.c.incident == incident, sensitive_values.c.seq == record_seq,
               sensitive_values.c.value.is_not(None))).all()}
    out: dict[str, Any] = restore(body["record"], values)
    return out


def record_of_tx(tx: "Tx", record_seq: int) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """`record_of` inside a write transaction, with the paths of the values put back."""
    stored, incident = tx.one("SELECT body, incident FROM entries WHERE seq = ?", (record_seq,))
    body = parse(stored)
    values = {tuple(parse(path)): parse(value) for path, value in tx.all(
        "SELECT path, value FROM sensitive_values WHERE incident = ? AND seq = ? AND value IS NOT NULL",
        (incident, record_seq))}
    out: dict[str, Any] = restore(body["record"], values)
    return out, list(values)
