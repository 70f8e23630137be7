"""What pages show of a decision: labels instead of names, the pending facts, and the explanation as a tree."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import attrs

from ..check.checked import REVIEW

if TYPE_CHECKING:
    from ..check.checked import CheckedPolicy


@attrs.frozen
class Named:
    """A name of the policy with the label people see (the label is the name when the policy gives none)."""

    name: str
    label: str


@attrs.frozen
class Pending:
    """An undetermined rule: its title, the facts it lacks (labels), and what it would give."""

    rule: Named
    missing: tuple[Named, ...]
    outcome: Named | None
    severity: Named | None
    escalation: Named | None


@attrs.frozen
class DecisionView:
    """A decision (section 7's JSON) with every name labelled."""

    outcome: Named
    severity: Named | None
    escalation: Named | None
    rule: Named | None
    matched: tuple[Named, ...]
    responses: tuple[str, ...]
    pending: tuple[Pending, ...]
    provisional: tuple[Named | None, Named | None, Named | None] | None
    policy: Mapping[str, Any]
    review: bool


class Labels:
    """The labels of one policy's names."""

    def __init__(self, checked: "CheckedPolicy") -> None:
        self.checked = checked
        self.rules = {r.name: r for r in checked.rules}

    def outcome(self, name: str | None) -> Named | None:
        if name is None:
            return None
        for item in self.checked.outcomes:
            if item.name == name:
                return Named(name, item.title)
        return Named(name, name)

    def severity(self, name: str | None) -> Named | None:
        item = self.checked.severity(name) if name else None
        return None if name is None else Named(name, item.title if item else name)

    def escalation(self, name: str | None) -> Named | None:
        item = self.checked.escalation(name) if name else None
        return None if name is None else Named(name, item.title if item else name)

    def rule(self, name: str | None) -> Named | None:
        if name is None:
            return None
        rule = self.rules.get(name)
        return Named(name, (rule.title if rule is not None and rule.title else name))

    def field(self, path: str) -> Named:
        fields = self.checked.fields
        label = []
        for part in path.split("."):
            found = next((f for f in fields if f.name == part), None)
            if found is None:
                label.append(part)
                continue
            label.append(found.title)
            inner = found.type.elem() if found.type.is_list else found.type
            fields = inner.fields
        return Named(path, " › ".join(label))

    def choice(self, field: str, value: Any) -> str:
        f = self.checked.field(field)
        label_of = getattr(f.type, "label_of", None) if f is not None else None
        return label_of(value) if callable(label_of) and isinstance(value, str) else str(value)


def decision_view(decision: Mapping[str, Any], labels: Labels) -> DecisionView:
    """Label a decision: outcome, severity, whom to call, responses, and what could still change it."""
    pending = []
    for p in decision.get("pending") or ():
        would = p.get("would") or {}
        pending.append(Pending(labels.rule(p.get("rule")) or Named("?", "?"),
                               tuple(labels.field(m) for m in p.get("missing") or ()),
                               labels.outcome(would.get("outcome")), labels.severity(would.get("severity")),
                               labels.escalation(would.get("escalation"))))
    provisional = decision.get("provisional")
    shown = None
    if provisional:
        shown = (labels.outcome(provisional.get("outcome")), labels.severity(provisional.get("severity")),
                 labels.rule(provisional.get("rule")))
    outcome = labels.outcome(decision.get("outcome")) or Named("?", "?")
    return DecisionView(
        outcome=outcome, severity=labels.severity(decision.get("severity")),
        escalation=labels.escalation(decision.get("escalation")), rule=labels.rule(decision.get("rule")),
        matched=tuple(n for n in (labels.rule(m) for m in decision.get("matched") or ()) if n is not None),
        responses=tuple(str(r) for r in decision.get("responses") or ()), pending=tuple(pending),
        provisional=shown, policy=decision.get("policy") or {}, review=decision.get("outcome") == REVIEW)


@attrs.frozen
class TraceLine:
    """One condition of the explanation: its text, its value (true, false, unknown), the facts it read."""

    text: str
    value: Any
    reads: tuple[tuple[str, str], ...]
    evidence: tuple[str, ...]
    at: str
    children: tuple["TraceLine", ...]


@attrs.frozen
class RuleTrace:
    rule: Named
    result: str
    at: str
    condition: TraceLine | None


def trace_view(trace: Any, labels: Labels) -> tuple[RuleTrace, ...]:
    """The decision's trace (section 7) as rule blocks of condition trees, facts labelled."""
    out = []
    for item in trace or ():
        if not isinstance(item, Mapping):
            continue
        out.append(RuleTrace(labels.rule(str(item.get("rule"))) or Named("?", "?"), str(item.get("result")),
                             str(item.get("at") or ""), _node(item.get("condition"), labels)))
    return tuple(out)


def _node(node: Any, labels: Labels, depth: int = 0) -> TraceLine | None:
    if not isinstance(node, Mapping) or depth > 40:
        return None
    reads = tuple((labels.field(str(k)).label, _value(v)) for k, v in (node.get("reads") or {}).items())
    evidence = tuple(_value(e) for e in node.get("evidence") or ())
    children = tuple(c for c in (_node(c, labels, depth + 1) for c in node.get("children") or ()) if c is not None)
    return TraceLine(str(node.get("text") or ""), node.get("value"), reads, evidence, str(node.get("at") or ""),
                     children)


def _value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "—"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def entry_value(value: Any) -> str:
    """A value of a journal entry as the journal holds it (JSON: true/false, lists, objects), each
    sensitive value kept apart shown as such with the start of its salted hash — never a Python repr."""
    import json

    from ..journal.sensitive import MARK as SENSITIVE_MARK

    def shown(v: Any) -> Any:
        if isinstance(v, dict):
            if set(v) == {SENSITIVE_MARK}:
                return f"‹{str(v[SENSITIVE_MARK])[:16]}…›"
            return {k: shown(x) for k, x in v.items()}
        if isinstance(v, list):
            return [shown(x) for x in v]
        return v

    out = shown(value)
    return out if isinstance(out, str) else json.dumps(out, ensure_ascii=False)
