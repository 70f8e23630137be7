"""Rule results → a decision (section 6): ranking, strategies, review only when the outcome is open.

A pending rule sends the incident to review only if, were it matched, it would change the
*outcome* of the provisional decision (contract 1.2). Otherwise the provisional decision stands,
with its severity and escalation, and each pending rule says what it `would` give."""
from __future__ import annotations

import attrs

from ..check.checked import FIRST_MATCH, REVIEW, CheckedPolicy, Item


@attrs.frozen
class Provisional:
    """The decision that stands if every pending rule turns out not matched."""

    outcome: str
    severity: str | None
    rule: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"outcome": self.outcome, "severity": self.severity, "rule": self.rule}


@attrs.frozen
class Would:
    """What the decision would be, were one pending rule matched: its outcome and severity (it
    would decide), and the escalation, the higher of its own and the matched rules' (section 7)."""

    outcome: str
    severity: str | None
    escalation: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"outcome": self.outcome, "severity": self.severity, "escalation": self.escalation}


def would_raise(policy: CheckedPolicy, would: Would, severity: str | None, escalation: str | None) -> bool:
    """Whether a pending rule, were it matched, would raise this severity or escalation (the
    unrecorded fact staff may still want to find out when the outcome is settled)."""
    def rank(item: Item | None) -> int:
        return item.rank if item is not None else -1

    return (rank(policy.severity(would.severity)) > rank(policy.severity(severity))
            or rank(policy.escalation(would.escalation)) > rank(policy.escalation(escalation)))


@attrs.frozen
class DecisionCore:
    """Everything about a decision that depends only on which rules matched and which are
    undetermined (so it is shared by every record with the same rule results)."""

    outcome: str
    outcome_label: str
    severity: str | None
    escalation: str | None
    rule: str | None
    matched: tuple[str, ...]
    pending: tuple[str, ...]
    would: tuple[Would, ...]  # one for each pending rule, in the same order
    provisional: Provisional | None
    responses: tuple[str, ...]
    deciding_index: int | None
    matched_indices: tuple[int, ...]
    pending_indices: tuple[int, ...]


class Decider:
    """Precomputed ranking for one policy; `decide(m, u)` is pure and its results are cached."""

    def __init__(self, policy: CheckedPolicy) -> None:
        self.policy = policy
        sev_rank = {s.name: s.rank for s in policy.severities}
        self.rank = {r.index: (sev_rank.get(r.severity, -1) if r.severity else -1) for r in policy.rules}
        # rank order: severity highest first (no severity lowest), then position
        self.order = sorted(range(len(policy.rules)), key=lambda i: (-self.rank[i], i))
        self.first_match = policy.header.decide == FIRST_MATCH
        self.esc_rank = {e.name: e.rank for e in policy.escalations}
        self._cache: dict[tuple[int, int], DecisionCore] = {}
        self.settled: dict[int, DecisionCore] = {}  # matched mask → core, when nothing is undetermined

    def decide(self, m: int, u: int) -> DecisionCore:
        """The decision for these rule results (cached: the same results give the same core)."""
        if not u:
            core = self.settled.get(m)
            if core is None:
                core = self._decide(m, 0)
                if len(self.settled) < 65536:
                    self.settled[m] = core
            return core
        key = (m, u)
        core = self._cache.get(key)
        if core is None:
            core = self._decide(m, u)
            if len(self._cache) < 65536:
                self._cache[key] = core
        return core

    def _would(self, index: int, escalation: str | None, esc_rank: int) -> Would:
        """What this pending rule would give, were it matched: it outranks the provisional
        deciding rule (or comes before it), so it would decide; the escalation would be the
        higher of its own and the matched ones'."""
        rule = self.policy.rules[index]
        if rule.escalate is not None and self.esc_rank[rule.escalate] > esc_rank:
            escalation = rule.escalate
        return Would(rule.outcome, rule.severity, escalation)

    def _decide(self, m: int, u: int) -> DecisionCore:
        rules = self.policy.rules
        matched = [i for i in self.order if m >> i & 1]
        if self.first_match:
            deciding = next((i for i in range(len(rules)) if m >> i & 1), None)
            limit = deciding if deciding is not None else len(rules)
            pending = [i for i in range(limit) if u >> i & 1]
        else:
            deciding = matched[0] if matched else None
            if deciding is None:
                pending = [i for i in self.order if u >> i & 1]
            else:
                position = self.order.index(deciding)
                pending = [i for i in self.order[:position] if u >> i & 1]
        if deciding is not None:
            d = rules[deciding]
            outcome, severity, rule_name = d.outcome, d.severity, d.name
        else:
            outcome, severity, rule_name = self.policy.header.otherwise, None, None
        escalation = None
        best = -1
        for i in matched:
            level = rules[i].escalate
            if level is not None and self.esc_rank[level] > best:
                best, escalation = self.esc_rank[level], level
        would = tuple(self._would(i, escalation, best) for i in pending)
        provisional = None
        if any(w.outcome != outcome for w in would):
            provisional = Provisional(outcome, severity, rule_name)
            outcome, severity, rule_name = REVIEW, None, None
        responses: list[str] = []
        ordered = ([deciding] if deciding is not None else []) + [i for i in matched if i != deciding]
        for i in ordered:
            for text in rules[i].responds:
                if text not in responses:
                    responses.append(text)
        label = self.policy.outcome(outcome).title
        return DecisionCore(
            outcome=outcome, outcome_label=label, severity=severity, escalation=escalation, rule=rule_name,
            matched=tuple(rules[i].name for i in matched), pending=tuple(rules[i].name for i in pending),
            would=would, provisional=provisional, responses=tuple(responses), deciding_index=deciding,
            matched_indices=tuple(matched), pending_indices=tuple(pending),
        )
