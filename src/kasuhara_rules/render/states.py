"""A decision's state as people read it: `カスハラ/重度 (kasuhara/high) by rule「title」, escalate 上長 (supervisor)`."""
from __future__ import annotations

from typing import Any, Mapping

from ..check.checked import CheckedPolicy


def titles(*policies: CheckedPolicy) -> dict[str, str]:
    """The labels people know the outcomes, severities, escalations and rules by (`kind:name` →
    label), the later policy's winning.

    >>> from kasuhara_rules import parse_policy
    >>> p = parse_policy('policy "t" { id t version "1" otherwise claim } outcomes { claim "クレーム" }')
    >>> titles(p.checked)["outcome:claim"]
    'クレーム'
    """
    out: dict[str, str] = {}
    for c in policies:
        for kind, items in (("outcome", c.outcomes), ("severity", c.severities), ("escalation", c.escalations)):
            out.update({f"{kind}:{i.name}": i.label for i in items if i.label and i.label != i.name})
        out.update({f"rule:{r.name}": r.title for r in c.rules if r.title and r.title != r.name})
    return out


def shown(s: Mapping[str, Any] | None, labels: Mapping[str, str]) -> str:
    """`カスハラ/重度 (kasuhara/high)`, or the codes alone where nothing has a label; `-` for no state.

    >>> shown({"outcome": "kasuhara", "severity": "high"}, {"outcome:kasuhara": "カスハラ"})
    'カスハラ/high (kasuhara/high)'
    """
    if not s or not s.get("outcome"):
        return "-"
    code = str(s["outcome"]) + (f"/{s['severity']}" if s.get("severity") else "")
    words = labels.get(f"outcome:{s['outcome']}", str(s["outcome"]))
    if s.get("severity"):
        words += "/" + labels.get(f"severity:{s['severity']}", str(s["severity"]))
    return code if words == code else f"{words} ({code})"


def described(s: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> str:
    """The state, the deciding rule with its title and the escalation with its label.

    >>> described({"outcome": "claim", "severity": None, "rule": "r", "escalation": "boss"},
    ...           {"rule:r": "大声", "escalation:boss": "上長"}, "ja")
    'claim by r「大声」, escalate 上長 (boss)'
    """
    text = shown(s, labels)
    if s.get("rule"):
        title = labels.get(f"rule:{s['rule']}")
        text += f" by {s['rule']}" + (f"「{title}」" if title and lang == "ja" else f' "{title}"' if title else "")
    if s.get("escalation"):
        esc = labels.get(f"escalation:{s['escalation']}")
        text += f", escalate {esc} ({s['escalation']})" if esc else f", escalate {s['escalation']}"
    return text
