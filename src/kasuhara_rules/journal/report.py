"""The trend report from the journal (`kasu report --db`), with people's verdicts per rule.

The latest decision of every incident, and per rule how often people confirmed or overrode its
decisions (and to what), and what still waits for a verdict."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..check.checked import REVIEW
from .chain import parse
from .replay import state
from .tables import incidents

if TYPE_CHECKING:
    from .reading import Source


class _Pending:
    __slots__ = ("missing",)

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing


class _Decided:
    """An incident's latest decision as the report reads a decision (never a sensitive value); a plain
    class, since a hundred thousand of them are made for one report."""

    __slots__ = ("outcome", "severity", "rule", "escalation", "matched", "pending", "record")
    error = None
    line = None

    def __init__(self, outcome: str, severity: str | None, rule: str | None, escalation: str | None,
                 matched: tuple[str, ...], pending: tuple[_Pending, ...], record: dict[str, Any]) -> None:
        self.outcome = outcome
        self.severity = severity
        self.rule = rule
        self.escalation = escalation
        self.matched = matched
        self.pending = pending
        self.record = record


def report(journal: "Source", by: str = "month", date_field: str | None = None,
           fiscal_start: int = 4) -> dict[str, Any]:
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
    decided = [_Decided(outcome, severity, rule, escalation, tuple(parse(matched)),
                        (_Pending(tuple(parse(missing))),) if outcome == REVIEW else (), parse(facts))
               for _digest, outcome, severity, escalation, rule, matched, missing, facts, *_rest in rows]
    data = aggregate(policy.checked, decided, by, date_field, [journal.url], fiscal_start)
    data["people"] = people(list(rows), [r.name for r in policy.checked.rules])
    return data


def people(rows: list[Any], order: list[str]) -> dict[str, Any]:
    """Per deciding rule: decisions, confirmed, overridden, and the states people overrode them to."""
    per: dict[str, dict[str, Any]] = {}
    confirmed = overridden = waiting = reviews_waiting = 0
    for _digest, outcome, _severity, _escalation, rule, _m, _x, _f, verdict, final_outcome, final_severity in rows:
        key = rule or "-"
        item = per.get(key)
        if item is None:
            item = per[key] = {"rule": key, "decided": 0, "confirmed": 0, "overridden": 0, "to": Counter()}
        item["decided"] += 1
        if verdict == "confirm":
            item["confirmed"] += 1
            confirmed += 1
        elif verdict == "override":
            item["overridden"] += 1
            overridden += 1
            item["to"][state({"outcome": final_outcome, "severity": final_severity})] += 1
        else:
            waiting += 1
            reviews_waiting += outcome == REVIEW
    rules = sorted(per.values(), key=lambda i: (order.index(i["rule"]) if i["rule"] in order else len(order),
                                                i["rule"]))
    for item in rules:
        judged = item["confirmed"] + item["overridden"]
        item["override_rate"] = round(item["overridden"] / judged, 3) if judged else None
        item["to"] = dict(item["to"].most_common())
    return {"confirmed": confirmed, "overridden": overridden, "without_verdict": waiting,
            "reviews_without_verdict": reviews_waiting, "rules": rules}
