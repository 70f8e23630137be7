"""The trend report from the journal (`kasu report --db`), with people's verdicts per rule.

The latest decision of every incident, and per rule how often people confirmed or overrode its
decisions (and to what), and what still waits for a verdict."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from ..check.checked import REVIEW
from .chain import parse
from .replay import state
from .tables import incidents

if TYPE_CHECKING:
    from .reading import Source


@attrs.frozen
class _Pending:
    missing: tuple[str, ...]


@attrs.frozen
class _Decided:
    """An incident's latest decision as the report reads a decision (never a sensitive value)."""

    outcome: str
    severity: str | None
    rule: str | None
    escalation: str | None
    matched: tuple[str, ...]
    pending: tuple[_Pending, ...]
    record: dict[str, Any]
    error: None = None
    line: None = None


def report(journal: "Source", by: str = "month", date_field: str | None = None) -> dict[str, Any]:
    """The report data (render.report's, with a `people` part); labels from the latest registered
    version of the policy of the most recent incident."""
    from ..render.report import aggregate

    with journal.store.read() as conn:
        rows = conn.execute(sa.select(incidents.c.digest, incidents.c.outcome, incidents.c.severity,
                                      incidents.c.escalation, incidents.c.rule, incidents.c.matched,
                                      incidents.c.missing, incidents.c.facts, incidents.c.verdict,
                                      incidents.c.final_outcome, incidents.c.final_severity)).all()
    latest = journal.versions()
    if not latest:
        from ..i18n import N_
        from .errors import JournalError

        raise JournalError("J213", N_("no policy is registered in this journal"),
                           N_("give the policy: kasu journal add POLICY RECORDS…"))
    policy = journal.policy(latest[-1].digest)
    decided = [_Decided(r.outcome, r.severity, r.rule, r.escalation, tuple(parse(r.matched)),
                        (_Pending(tuple(parse(r.missing))),) if r.outcome == REVIEW else (), parse(r.facts))
               for r in rows]
    data = aggregate(policy.checked, decided, by, date_field, [journal.url])
    data["people"] = people(list(rows), [r.name for r in policy.checked.rules])
    return data


def people(rows: list[Any], order: list[str]) -> dict[str, Any]:
    """Per deciding rule: decisions, confirmed, overridden, and the states people overrode them to."""
    per: dict[str, dict[str, Any]] = {}
    confirmed = overridden = waiting = reviews_waiting = 0
    for r in rows:
        key = r.rule or "-"
        item = per.setdefault(key, {"rule": key, "decided": 0, "confirmed": 0, "overridden": 0, "to": Counter()})
        item["decided"] += 1
        if r.verdict == "confirm":
            item["confirmed"] += 1
            confirmed += 1
        elif r.verdict == "override":
            item["overridden"] += 1
            overridden += 1
            item["to"][state({"outcome": r.final_outcome, "severity": r.final_severity})] += 1
        else:
            waiting += 1
            reviews_waiting += r.outcome == REVIEW
    rules = sorted(per.values(), key=lambda i: (order.index(i["rule"]) if i["rule"] in order else len(order),
                                                i["rule"]))
    for item in rules:
        judged = item["confirmed"] + item["overridden"]
        item["override_rate"] = round(item["overridden"] / judged, 3) if judged else None
        item["to"] = dict(item["to"].most_common())
    return {"confirmed": confirmed, "overridden": overridden, "without_verdict": waiting,
            "reviews_without_verdict": reviews_waiting, "rules": rules}
