"""Replaying a new policy version over the journal, against the machine's and the people's conclusions.

What a new version would decide on every journaled incident, against the machine's latest decision
and the people's verdict: the measure a policy author needs before changing a rule (as `kasu diff`
does for record files)."""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, Mapping

import attrs
import sqlalchemy as sa

from ..coerce import RecordError
from ..i18n import N_, gettext_for, translate
from .chain import parse
from .reading import record_of
from .tables import entries, incidents

if TYPE_CHECKING:
    from ..policy import Policy
    from .reading import Source


def summary(d: Mapping[str, Any]) -> dict[str, Any]:
    """What is compared: outcome, severity, deciding rule, escalation and responses."""
    return {"outcome": d.get("outcome"), "severity": d.get("severity"), "rule": d.get("rule"),
            "escalation": d.get("escalation"), "responses": list(d.get("responses") or [])}


def state(s: Mapping[str, Any] | None) -> str:
    """`kasuhara/high`, `claim` — an outcome and its severity."""
    if not s:
        return "-"
    return str(s["outcome"]) + (f"/{s['severity']}" if s.get("severity") else "")


@attrs.frozen
class Replayed:
    """One incident the new version decides differently: the machine's latest decision, the people's
    verdict (None without one), the new decision, and whether the new one agrees with the people."""

    incident: str
    machine: dict[str, Any]
    people: dict[str, Any] | None
    new: dict[str, Any]

    @property
    def agrees_with_people(self) -> bool | None:
        return None if self.people is None else state(self.new) == state(self.people)

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "machine": self.machine, "people": self.people, "new": self.new,
                "agrees_with_people": self.agrees_with_people}


@attrs.frozen
class ReplayReport:
    """The replay: the new version, the incidents it decides differently, the transitions (machine →
    new), how many are unchanged, those it cannot decide, and the agreement with people's verdicts."""

    new: dict[str, Any]
    incidents: int
    changes: tuple[Replayed, ...]
    transitions: tuple[tuple[str, str, int], ...]
    unchanged: int
    undecidable: tuple[tuple[str, str], ...]
    with_verdict: int
    machine_agreed: int
    new_agrees: int
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "incidents": self.incidents, "changes": [c.to_dict() for c in self.changes],
                "transitions": [{"from": a, "to": b, "count": n} for a, b, n in self.transitions],
                "unchanged": self.unchanged, "changed": len(self.changes), "invalid": len(self.undecidable),
                "undecidable": [{"incident": i, "error": str(e)} for i, e in self.undecidable],
                "people": {"with_verdict": self.with_verdict, "machine_agreed": self.machine_agreed,
                           "new_agrees": self.new_agrees},
                "warnings": [str(w) for w in self.warnings]}


def replay(journal: "Source", policy: "Policy") -> ReplayReport:
    """Decide every journaled incident's latest facts (sensitive values included while they are kept;
    a purged one reads as unknown) with `policy`; see ReplayReport."""
    changes = []
    undecidable = []
    counts: Counter[tuple[str, str]] = Counter()
    unchanged = total = with_verdict = machine_agreed = new_agrees = 0
    with journal.store.read() as conn:
        rows = conn.execute(sa.select(incidents.c.incident, incidents.c.record_seq, incidents.c.decision_seq,
                                      incidents.c.verdict, incidents.c.final_outcome, incidents.c.final_severity,
                                      incidents.c.final_escalation).order_by(incidents.c.record_seq)).all()
        for row in rows:
            total += 1
            record = record_of(conn, row.record_seq)
            machine = summary(parse(conn.execute(sa.select(entries.c.body)
                                                 .where(entries.c.seq == row.decision_seq)).scalar_one()))
            people = None if row.verdict is None else {
                "verdict": row.verdict, "outcome": row.final_outcome, "severity": row.final_severity,
                "escalation": row.final_escalation}
            try:
                new = summary(policy.evaluate(record).to_dict())
            except RecordError as exc:
                undecidable.append((row.incident, exc.described))
                continue
            if people is not None:
                with_verdict += 1
                machine_agreed += state(machine) == state(people)
                new_agrees += state(new) == state(people)
            if new == machine:
                unchanged += 1
                continue
            changes.append(Replayed(row.incident, machine, people, new))
            counts[(state(machine), state(new))] += 1
    transitions = tuple((a, b, n) for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    warnings = []
    for version in journal.versions(policy.id):
        if version.version == policy.version and version.digest != policy.digest:
            warnings.append(N_("the journal holds version \"{version}\" with other contents ({digest}…): give the "
                               "new one its own version, or decisions cannot tell them apart",
                               version=policy.version, digest=version.digest[:19]))
            break
    return ReplayReport(policy.policy_block(), total, tuple(changes), transitions, unchanged, tuple(undecidable),
                        with_verdict, machine_agreed, new_agrees, tuple(warnings))


def render_text(report: ReplayReport, lang: str = "en") -> str:
    """The replay for people (as `kasu diff` shows a diff)."""
    _ = gettext_for(lang)

    def describe(s: Mapping[str, Any]) -> str:
        text = state(s)
        if s.get("rule"):
            text += f" by {s['rule']}"
        if s.get("escalation"):
            text += f", escalate {s['escalation']}"
        return text

    new = report.new
    lines = [_("warning: {warning}").format(warning=translate(w, lang)) for w in report.warnings]
    lines.append(_("{new} on {total} journaled incidents").format(
        new=f"{new['id']} {new['version']} ({new['digest'][:15]}…)", total=report.incidents))
    for c in report.changes:
        line = f"  {c.incident}: {describe(c.machine)} → {describe(c.new)}"
        if c.people is not None:
            line += "; " + _("people: {verdict} {state}").format(verdict=c.people["verdict"], state=state(c.people))
            line += " (" + (_("the new version agrees") if c.agrees_with_people else _("the new version differs")) + ")"
        lines.append(line)
    if report.undecidable:
        lines.append(_("undecidable:"))
        lines += [f"  {incident}: {translate(reason, lang)}" for incident, reason in report.undecidable]
    if report.transitions:
        lines.append(_("transitions:"))
        width = max(len(f"{a} → {b}") for a, b, _n in report.transitions)
        lines += [f"  {f'{a} → {b}'.ljust(width)}  {n}" for a, b, n in report.transitions]
    if report.with_verdict:
        lines.append(_("against people's verdicts on {n} incidents: the machine agreed on {before}, the new "
                       "version agrees on {after}").format(n=report.with_verdict, before=report.machine_agreed,
                                                           after=report.new_agrees))
    lines.append(_("changed: {changed}, unchanged: {unchanged}, undecidable: {invalid}").format(
        changed=len(report.changes), unchanged=report.unchanged, invalid=len(report.undecidable)))
    return "\n".join(lines)
