"""What the journal hands back: frozen, typed results (entries, versions, verdicts, the queue, verification)."""
from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs

KINDS = ("policy", "record", "decision", "verdict", "action", "attachment", "purge", "disclosure")
VERDICTS = ("confirm", "override")


@attrs.frozen
class Entry:
    """One entry of the chain as written: `body` is its JSON (sensitive values only as salted hashes)."""

    seq: int
    at: str
    by: str
    kind: str
    incident: str | None
    body: dict[str, Any] = attrs.field(eq=False, repr=False)
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "by": self.by, "kind": self.kind, "incident": self.incident,
                "body": self.body, "hash": self.hash}


@attrs.frozen
class PolicyVersion:
    """A registered version of a policy: its digest names it; `effective` is the date it takes effect."""

    digest: str
    id: str
    version: str
    effective: _dt.date | None
    title: str
    seq: int
    files: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "digest": self.digest, "title": self.title,
                "effective": self.effective.isoformat() if self.effective else None, "entry": self.seq,
                "files": [{"path": path, "digest": digest} for path, digest in self.files]}


@attrs.frozen
class Registered:
    """The outcome of registering a policy: the version, whether it is new, and an earlier version that
    says the same `version` with other contents (a file changed on disk after registration)."""

    version: PolicyVersion
    new: bool
    same_version_other_digest: PolicyVersion | None = None


@attrs.frozen
class Added:
    """A record journaled and decided: the incident, the revision of its facts, the two entries
    written and the decision (the JSON of section 7, without its trace)."""

    incident: str
    revision: int
    record_seq: int
    decision_seq: int
    decision: dict[str, Any] = attrs.field(eq=False, repr=False)
    version: PolicyVersion

    @property
    def amended(self) -> bool:
        return self.revision > 1


@attrs.frozen
class Recorded:
    """A verdict, action, attachment or disclosure written: the entry's seq and hash."""

    incident: str | None
    kind: str
    seq: int
    hash: str


@attrs.frozen
class Purged:
    """Sensitive values removed: how many, of which incidents, and the purge entries written."""

    values: int
    incidents: tuple[str, ...]
    seqs: tuple[int, ...]


@attrs.frozen
class Broken:
    """The first entry whose link does not hold, and why (a marked message)."""

    seq: int
    reason: str


@attrs.frozen
class Verification:
    """The chain recomputed: `ok`, how many entries and sensitive values were checked, the head, the
    first break, and how many heads kept from earlier were compared."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    values: int = 0
    broken: Broken | None = None
    heads: int = 0  # heads kept from earlier that were compared (`verify --head`)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "values": self.values, "heads_compared": self.heads,
                "head": {"seq": self.head_seq, "hash": self.head_hash},
                "broken": None if self.broken is None else {"seq": self.broken.seq, "reason": str(self.broken.reason)}}


@attrs.frozen
class Incident:
    """Where an incident stands: its latest revision and decision, and the verdict on that decision."""

    incident: str
    site: str | None
    policy_id: str
    digest: str
    revision: int
    record_seq: int
    decision_seq: int
    occurred_at: str | None
    outcome: str
    severity: str | None
    escalation: str | None
    rule: str | None
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    verdict: str | None
    verdict_seq: int | None
    final_outcome: str | None
    final_severity: str | None
    final_escalation: str | None
    last_seq: int
    updated_at: str

    @classmethod
    def from_row(cls, row: Any) -> "Incident":
        return cls(row.incident, row.site, row.policy_id, row.digest, row.revision, row.record_seq, row.decision_seq,
                   row.occurred_at, row.outcome, row.severity, row.escalation, row.rule,
                   tuple(_parse(row.matched)), tuple(_parse(row.missing)), row.verdict, row.verdict_seq,
                   row.final_outcome, row.final_severity, row.final_escalation, row.last_seq, row.updated_at)

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["matched"], out["missing"] = list(self.matched), list(self.missing)
        return out


def _parse(text: str) -> Any:
    import orjson

    return orjson.loads(text)


@attrs.frozen
class QueuePage:
    """One page of the supervisors' queue (most severe first, then newest), and how many in all."""

    items: tuple[Incident, ...]
    total: int
    offset: int
    limit: int


@attrs.frozen
class Timeline:
    """Every entry of one incident, oldest first."""

    incident: str
    entries: tuple[Entry, ...]
