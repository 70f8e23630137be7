"""The case file of one incident as data (what `kasu journal export` renders).

It holds the timeline, the facts of each revision, decisions with their traces, verdicts, actions,
attachments' hashes, the policy versions and digests, every entry's hash and link, and the head."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..coerce import REDACTED
from .chain import link_entry, parse
from .facts import now, stamp
from .sensitive import MARK
from .tables import entries, head, sensitive_values

if TYPE_CHECKING:
    from .reading import Source

FORMAT = "kasu-case-file/1"
PURGED = "‹purged›"


def case_file(journal: "Source", incident: str, show_sensitive: bool = False, by: str | None = None,
              purpose: str | None = None) -> dict[str, Any]:
    """The case file's data (see the module's docstring). With `show_sensitive`, the export is first
    journaled as a `disclosure` to `by` for `purpose`, then the values are included."""
    state = journal.incident(incident)  # J201 when unknown
    disclosed = None
    if show_sensitive:
        disclosed = journal.disclose(incident, by or "", purpose or "", ("*",))
    with journal.store.read() as conn:
        rows = conn.execute(sa.select(entries).where(entries.c.incident == incident).order_by(entries.c.seq)).all()
        previous = {int(r.seq): str(r.hash) for r in conn.execute(
            sa.select(entries.c.seq, entries.c.hash).where(entries.c.seq.in_([int(r.seq) - 1 for r in rows]))).all()}
        top = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
        values = {}
        if show_sensitive:
            for r in conn.execute(sa.select(sensitive_values.c.seq, sensitive_values.c.path, sensitive_values.c.value)
                                  .where(sensitive_values.c.incident == incident)).all():
                values[(int(r.seq), tuple(parse(r.path)))] = parse(r.value) if r.value is not None else PURGED
    timeline = []
    facts, decisions, verdicts, actions, attachments, purges, disclosures = [], [], [], [], [], [], []
    digests: list[str] = []
    intact = True
    for r in rows:
        seq = int(r.seq)
        body = parse(r.body)
        prev = previous.get(seq - 1, "0" * 64 if seq == 1 else None)
        holds = prev is not None and link_entry(prev, seq, r.at, r.by_user, r.kind, r.incident, bytes(r.body)) == r.hash
        intact = intact and holds
        timeline.append({"seq": seq, "at": r.at, "by": r.by_user, "kind": r.kind, "hash": r.hash,
                         "previous": prev, "link_holds": holds})
        item = {"entry": seq, "at": r.at, "by": r.by_user}
        if r.kind == "record":
            shown = _shown(body["record"], seq, values if show_sensitive else None, ())
            facts.append({**item, "revision": body.get("revision"), "site": body.get("site"),
                          "policy": body.get("policy"), "record": shown})
            if body.get("policy") and body["policy"] not in digests:
                digests.append(body["policy"])
        elif r.kind == "decision":
            decisions.append({**item, "decision": body})
        elif r.kind == "verdict":
            verdicts.append({**item, **body})
        elif r.kind == "action":
            actions.append({**item, **body})
        elif r.kind == "attachment":
            attachments.append({**item, **body})
        elif r.kind == "purge":
            purges.append({**item, **body})
        elif r.kind == "disclosure":
            disclosures.append({**item, **body})
    policies = [journal.version(d).to_dict() for d in digests]
    labels = _labels(journal.policy(state.digest))
    return {
        "format": FORMAT, "incident": incident, "exported_at": stamp(now()), "exported_by": by,
        "sensitive_shown": show_sensitive, "disclosure_entry": disclosed.seq if disclosed else None,
        "state": state.to_dict(), "policies": policies, "facts": facts, "decisions": decisions,
        "verdicts": verdicts, "actions": actions, "attachments": attachments, "purges": purges,
        "disclosures": disclosures, "timeline": timeline, "labels": labels,
        "chain": {"head": {"seq": int(top.seq), "hash": str(top.hash)}, "links_hold": intact,
                  "journal": journal.url},
    }


def _labels(policy: Any) -> dict[str, Any]:
    """The words people read for the names in the case file (from the version of the latest decision)."""
    checked = policy.checked
    return {"fields": {f.name: f.title for f in checked.fields},
            "outcomes": {o.name: o.title for o in checked.outcomes},
            "severities": {s.name: s.title for s in checked.severities},
            "escalations": {e.name: e.title for e in checked.escalations},
            "rules": {r.name: r.title or r.name for r in checked.rules},
            "values": {f.name: {v: f.type.label_of(v) for v in f.type.values}  # `one of` values' labels
                       for f in checked.fields if f.type.values}}


def _shown(value: Any, seq: int, values: dict[tuple[int, tuple[Any, ...]], Any] | None, path: tuple[Any, ...]) -> Any:
    """A chained record for people: a sensitive value as ‹redacted› (with its salted hash kept beside it
    in the JSON), or — when asked for — the value itself (‹purged› once its retention ended)."""
    if isinstance(value, dict):
        if len(value) == 1 and MARK in value:
            if values is None:
                return {"value": REDACTED, "salted_hash": value[MARK]}
            return {"value": values.get((seq, path), PURGED), "salted_hash": value[MARK]}
        return {k: _shown(v, seq, values, path + (k,)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v, seq, values, path + (i,)) for i, v in enumerate(value)]
    return value

