"""`kasu diff`: what a new version of a policy would have decided differently on the same records."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

import attrs

from ..i18n import gettext_for
from ..engine.policy import Decision, Policy


@attrs.frozen
class Change:
    """One record whose outcome, severity, deciding rule or escalation differs."""

    incident: Any
    line: int | None
    old: dict
    new: dict

    def to_dict(self) -> dict:
        return {"incident": self.incident, "line": self.line, "old": self.old, "new": self.new}


@attrs.frozen
class DiffReport:
    old: dict
    new: dict
    changes: tuple[Change, ...]
    transitions: tuple[tuple[str, str, int], ...]
    unchanged: int
    invalid: int

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "changes": [c.to_dict() for c in self.changes],
                "transitions": [{"from": a, "to": b, "count": n} for a, b, n in self.transitions],
                "unchanged": self.unchanged, "changed": len(self.changes), "invalid": self.invalid}


def summary_of(d: Decision) -> dict:
    return {"outcome": d.outcome, "severity": d.severity, "rule": d.rule, "escalation": d.escalation}


def state(s: dict) -> str:
    """`kasuhara/high`, `claim`, `review` — the outcome and severity of a decision."""
    return s["outcome"] + (f"/{s['severity']}" if s["severity"] else "")


def compare(old: Policy, new: Policy, records: Iterable[tuple[int | None, Any]]) -> DiffReport:
    """Evaluate both policies on every record and collect the decisions that differ.

    >>> from kasuhara_rules import parse_policy
    >>> head = 'policy "t" {{ id t version "{}" otherwise claim }} outcomes {{ claim, kasuhara }} schema {{ n: int }} '
    >>> a = parse_policy(head.format(1) + 'rule r { when n > 5 then kasuhara respond "x" }')
    >>> b = parse_policy(head.format(2) + 'rule r { when n > 3 then kasuhara respond "x" }')
    >>> report = compare(a, b, enumerate([{"n": 4}, {"n": 9}], 1))
    >>> report.transitions, report.unchanged
    ((('claim', 'kasuhara', 1),), 1)
    """
    changes = []
    counts: Counter = Counter()
    unchanged = invalid = 0
    for line, record in records:
        a = old.evaluate_numbered(record, line)
        b = new.evaluate_numbered(record, line)
        if a.error is not None or b.error is not None:
            invalid += 1
            continue
        sa, sb = summary_of(a), summary_of(b)
        if sa == sb:
            unchanged += 1
            continue
        key = a.to_dict()["incident"]
        changes.append(Change(key, line, sa, sb))
        counts[(state(sa), state(sb))] += 1
    transitions = tuple((f, t, n) for (f, t), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return DiffReport(old.ref, new.ref, tuple(changes), transitions, unchanged, invalid)


def render_text(report: DiffReport, lang: str = "en") -> str:
    _ = gettext_for(lang)

    def ref(r: dict) -> str:
        return f"{r['id']} {r['version']} ({r['digest'][:15]}…)"

    def describe(s: dict) -> str:
        text = state(s)
        if s["rule"]:
            text += f" by {s['rule']}"
        if s["escalation"]:
            text += f", escalate {s['escalation']}"
        return text

    total = report.unchanged + len(report.changes) + report.invalid
    lines = [_("{old} → {new} on {total} records").format(old=ref(report.old), new=ref(report.new), total=total)]
    for c in report.changes:
        where = " " + _("(line {line})").format(line=c.line) if c.line is not None else ""
        lines.append(f"  {c.incident}{where}: {describe(c.old)} → {describe(c.new)}")
    if report.transitions:
        lines.append(_("transitions:"))
        width = max(len(f"{a} → {b}") for a, b, _ in report.transitions)
        for a, b, count in report.transitions:
            lines.append(f"  {f'{a} → {b}'.ljust(width)}  {count}")
    lines.append(_("changed: {changed}, unchanged: {unchanged}, invalid: {invalid}").format(
        changed=len(report.changes), unchanged=report.unchanged, invalid=report.invalid))
    return "\n".join(lines)
