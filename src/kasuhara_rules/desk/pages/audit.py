"""Auditors: the chain verified from the page; and the case file of an incident, printable on A4."""
from __future__ import annotations

import datetime as _dt

from starlette.responses import Response

from ..core import Ctx, not_found, page
from ..views import Labels, decision_view, trace_view
from .staff import allowed_incident

AUDITORS = ("auditor",)
CASE_READERS = ("supervisor", "auditor")


@page(*AUDITORS)
def chain(ctx: Ctx) -> Response:
    """Recompute every link of the chain now (`kasu journal verify`), and show the head."""
    verification = ctx.journal.verify()
    return ctx.render("chain.html", verification=verification,
                      checked_at=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))


@page(*CASE_READERS)
def case_file(ctx: Ctx) -> Response:
    """What a supervisor hands to the police or a lawyer: the timeline of facts, decisions with their
    explanations, verdicts, actions, attachments' hashes, the policy versions and digests, and every
    entry's hash with the chain's head (sensitive values only as the chain keeps them: salted hashes).

    Need from the journal: its own case file (`kasu journal export --format html`), which this page
    would then show as it is."""
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    timeline = ctx.journal.timeline(found.incident).entries
    digests = []
    blocks = []
    for entry in timeline:
        body = entry.body
        if entry.kind == "decision":
            policy_block = body.get("policy") or {}
            digest = policy_block.get("digest")
            labels = Labels(ctx.journal.policy(digest).checked) if digest else None
            if digest and digest not in digests:
                digests.append(digest)
            blocks.append({"entry": entry, "view": decision_view(body, labels) if labels else None,
                           "trace": trace_view(body.get("trace"), labels) if labels else ()})
        else:
            blocks.append({"entry": entry, "view": None, "trace": ()})
    versions = [v for v in ctx.journal.versions() if v.digest in digests]
    verification = ctx.journal.verify()
    return ctx.render("case_file.html", found=found, blocks=blocks, versions=versions, verification=verification,
                      made_at=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))
