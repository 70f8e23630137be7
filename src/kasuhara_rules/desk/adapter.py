"""What the desk asks of the journal beyond its public methods, in one place (docs/desk.md lists each need).

Everything here goes through `kasuhara_rules.journal`: its public methods where they exist, its
tables (read only) where the desk needs a page of them that the API does not give yet.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from ..journal import Incident, Journal
    from ..policy import Policy


def policy_in_force(journal: "Journal", day: _dt.date | None = None) -> "Policy | None":
    """The version in force today of the policy registered last (None: no policy yet)."""
    from ..journal import JournalError

    versions = journal.versions()
    if not versions:
        return None
    policy_id = versions[-1].id
    try:
        version = journal.in_force(policy_id, day or _dt.date.today())
    except JournalError:
        version = journal.versions(policy_id)[0]
    return journal.policy(version.digest)


def incidents_page(journal: "Journal", site_only: bool, site: str | None, limit: int, offset: int,
                   search: str = "") -> tuple[list["Incident"], int]:
    """One page of incidents, newest first (of one site when `site_only`), and how many in all.

    Need: `Journal.incidents(site=, limit=, offset=, newest_first=True)` returning a page and a count."""
    from ..journal import Incident
    from ..journal.tables import incidents

    conds: list[Any] = []
    if site_only:
        conds.append(incidents.c.site.is_(None) if site is None else incidents.c.site == site)
    if search:
        conds.append(incidents.c.incident.contains(search, autoescape=True))
    where = sa.and_(sa.true(), *conds)
    with journal.store.read() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(incidents).where(where)).scalar_one())
        rows = conn.execute(sa.select(incidents).where(where).order_by(incidents.c.last_seq.desc())
                            .limit(limit).offset(offset)).all()
    return [Incident.from_row(r) for r in rows], total


def exists(journal: "Journal", incident: str) -> bool:
    from ..journal import JournalError

    try:
        journal.incident(incident)
    except JournalError:
        return False
    return True


def decision_of(journal: "Journal", incident: "Incident") -> dict[str, Any]:
    """The latest decision of an incident with its trace (the `decision` entry's body)."""
    for entry in journal.timeline(incident.incident).entries:
        if entry.seq == incident.decision_seq:
            return dict(entry.body)
    return {}


def full_record(journal: "Journal", incident: str) -> dict[str, Any]:
    """The latest facts with the sensitive values still kept, to carry them into an amendment unseen.

    Need: a public `Journal.amend(incident, changes, by)` that keeps the sensitive values not changed."""
    return journal._full_record(incident)  # noqa: SLF001 - see the need above


def counts(journal: "Journal") -> dict[str, int]:
    """Incidents by outcome, and how many wait in the queue (for the start pages)."""
    from ..journal.tables import incidents

    with journal.store.read() as conn:
        rows = conn.execute(sa.select(incidents.c.outcome, sa.func.count()).group_by(incidents.c.outcome)).all()
    return {str(outcome): int(n) for outcome, n in rows}


class _Decided:
    """An incident of the index as `render.report.aggregate` reads a decision (no record values but the
    index's non-sensitive choices and dates)."""

    __slots__ = ("outcome", "severity", "rule", "escalation", "matched", "pending", "record", "error", "line")

    def __init__(self, row: Any) -> None:
        import json

        self.outcome, self.severity, self.rule, self.escalation = row.outcome, row.severity, row.rule, row.escalation
        self.matched = tuple(json.loads(row.matched))
        self.pending = (_Pending(tuple(json.loads(row.missing))),) if row.outcome == "review" else ()
        self.record = json.loads(row.facts) if row.facts else {}
        self.error = None
        self.line = None


class _Pending:
    __slots__ = ("missing",)

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing


def _site_filter(site_only: bool, site: str | None) -> Any:
    from ..journal.tables import incidents

    if not site_only:
        return sa.true()
    return incidents.c.site.is_(None) if site is None else incidents.c.site == site


def report_items(journal: "Journal", site: str | None, site_only: bool) -> list[Any]:
    """Every incident's latest decision, as `kasu report` counts decisions (from the incident index).

    Need: `kasu report --db` as a function (`journal.report(by=…)`), so that the page and the command
    share one implementation."""
    from ..journal.tables import incidents

    columns = [incidents.c.outcome, incidents.c.severity, incidents.c.rule, incidents.c.escalation,
               incidents.c.matched, incidents.c.missing, incidents.c.facts]
    with journal.store.read() as conn:
        rows = conn.execute(sa.select(*columns).where(_site_filter(site_only, site))).all()
    return [_Decided(r) for r in rows]


def overrides(journal: "Journal", site: str | None, site_only: bool) -> dict[str | None, dict[str, int]]:
    """For each deciding rule (None: no rule decided), how many of its decisions people confirmed,
    overrode, or have not judged yet."""
    from ..journal.tables import incidents

    with journal.store.read() as conn:
        rows = conn.execute(sa.select(incidents.c.rule, incidents.c.verdict, sa.func.count())
                            .where(_site_filter(site_only, site))
                            .group_by(incidents.c.rule, incidents.c.verdict)).all()
    out: dict[str | None, dict[str, int]] = {}
    for rule, verdict, n in rows:
        counts = out.setdefault(rule, {"confirm": 0, "override": 0, "open": 0})
        counts[verdict if verdict in ("confirm", "override") else "open"] += int(n)
    return out
