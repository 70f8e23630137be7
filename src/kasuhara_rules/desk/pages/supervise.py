"""One incident's page for every reader, and the supervisors' work: the queue, verdicts, actions, attachments."""
from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from ...i18n import N_
from ..core import Ctx, failure, not_found, offset_of, page, visible_site
from ..views import trace_view
from .staff import READERS, allowed_incident, decision_for

SUPERVISORS = ("supervisor",)
REVEALERS = ("supervisor", "auditor")
CHUNK = 1 << 16


@page(*READERS)
def incident(ctx: Ctx) -> Response:
    """The decision at once (outcome, what to do, whom to call, what could still change it); for
    supervisors and auditors also the explanation, the facts, the timeline and the forms of their work."""
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    return incident_page(ctx, found)


def incident_page(ctx: Ctx, found: Any, revealed: dict[str, Any] | None = None) -> Response:
    assert ctx.user is not None
    view, labels, decision = decision_for(ctx, found)
    record = ctx.journal.record(found.incident)
    policy = ctx.journal.policy(found.digest)
    yes, no = ctx.t(N_("yes")), ctx.t(N_("no"))
    facts = _facts(policy.checked.fields, record, labels, yes=yes, no=no)
    full = ctx.user.role in ("supervisor", "auditor")
    timeline = ctx.journal.timeline(found.incident).entries if full else ()
    return ctx.render(
        "incident.html", found=found, view=view, facts=facts, full=full, timeline=timeline,
        trace=trace_view(decision.get("trace"), labels) if full else (),
        saved=ctx.request.query_params.get("saved"), labels=labels, policy=policy,
        can_act=ctx.user.role == "supervisor", can_amend=ctx.user.role in ("staff", "supervisor"),
        can_reveal=ctx.user.role in REVEALERS and any(f.sensitive for f in policy.checked.fields),
        revealed=None if revealed is None else _facts(policy.checked.fields, revealed, labels, True, yes, no),
        outcomes=policy.checked.outcomes, severities=policy.checked.severities,
        escalations=policy.checked.escalations, message=ctx.request.session.pop("flash", None),
        quoted=quote(found.incident, safe=""))


def _facts(fields: Any, record: Any, labels: Any, only_sensitive: bool = False,
           yes: str = "yes", no: str = "no") -> list[tuple[str, str, bool]]:
    """(label, value shown, sensitive) for each field of the record; sensitive ones say they are kept apart."""
    out = []
    for f in fields:
        if only_sensitive and not f.sensitive:
            continue
        value = record.get(f.name) if isinstance(record, dict) else None
        if f.sensitive and not only_sensitive:
            out.append((f.title, "", True))
            continue
        if value is None:
            shown = "—"
        elif f.type.kind == "enum":
            shown = labels.choice(f.name, value)
        elif value is True:
            shown = yes
        elif value is False:
            shown = no
        elif isinstance(value, list):
            shown = "; ".join(", ".join(f"{labels.field(f.name + '.' + k).label.split(' › ')[-1]}: {v}"
                                        for k, v in item.items()) if isinstance(item, dict) else str(item)
                              for item in value) or "—"
        else:
            shown = str(value)
        out.append((f.title, shown, f.sensitive))
    return out


def _back(ctx: Ctx, incident: str, flash: Any = None) -> Response:
    if flash is not None:
        ctx.request.session["flash"] = ctx.t(flash)
    return ctx.redirect(f"/incidents/{quote(incident, safe='')}")


def _refused(ctx: Ctx, exc: Any) -> Response:
    return failure(ctx, 400, exc.message, exc.hint)


@page(*SUPERVISORS)
def queue(ctx: Ctx) -> Response:
    """Reviews, escalations and decisions without a verdict: reviews first, then the most severe, the newest."""
    from ..views import Labels

    assert ctx.user is not None
    limited, site = visible_site(ctx.user)
    offset = offset_of(ctx)
    found = ctx.journal.queue(limit=50, offset=offset, site=site if limited else None)
    rows = []
    for item in found.items:
        labels = Labels(ctx.journal.policy(item.digest).checked)
        rows.append({"incident": item, "outcome": labels.outcome(item.outcome),
                     "severity": labels.severity(item.severity), "escalation": labels.escalation(item.escalation),
                     "missing": [labels.field(m).label for m in item.missing]})
    return ctx.render("queue.html", rows=rows, total=found.total, offset=offset, page=50)


@page(*SUPERVISORS, form=True)
def verdict(ctx: Ctx) -> Response:
    """Confirm the decision, or override it with what the supervisor concluded and a reason."""
    from ...journal import JournalError

    assert ctx.user is not None
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    kind = ctx.field("verdict")
    if kind not in ("confirm", "override"):
        return failure(ctx, 400, N_("choose confirm or override"))
    values = {k: (ctx.field(k) or None) for k in ("outcome", "severity", "escalation")} if kind == "override" else {}
    try:
        ctx.journal.verdict(found.incident, kind, by=ctx.user.name, reason=ctx.field("reason").strip() or None,
                            **values)
    except JournalError as exc:
        return _refused(ctx, exc)
    return _back(ctx, found.incident, N_("the verdict is journaled"))


@page(*SUPERVISORS, form=True)
def action(ctx: Ctx) -> Response:
    """An escalation step taken, when, and a note."""
    from ...journal import JournalError
    from ..forms import local_datetime

    assert ctx.user is not None
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    when = ctx.field("at").strip()
    try:
        at = local_datetime(when, ctx.desk.settings.timezone) if when else None
        ctx.journal.act(found.incident, ctx.field("action"), by=ctx.user.name, note=ctx.field("note") or None, at=at)
    except ValueError as exc:
        return failure(ctx, 400, exc.args[0])
    except JournalError as exc:
        return _refused(ctx, exc)
    return _back(ctx, found.incident, N_("the action is journaled"))


@page(*SUPERVISORS, form=True)
def attachment(ctx: Ctx) -> Response:
    """A file's name, media type and SHA-256 (the file itself is hashed and not kept), or a hash typed in."""
    from ...journal import JournalError

    assert ctx.user is not None
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    upload = ctx.upload("file")
    name, digest, media, size = ctx.field("name").strip(), ctx.field("sha256").strip(), None, None
    if upload is not None and upload.filename:
        hasher = hashlib.sha256()
        size = 0
        upload.file.seek(0)
        while chunk := upload.file.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
        digest, name = hasher.hexdigest(), name or upload.filename
        media = upload.content_type
    try:
        ctx.journal.attach(found.incident, name, digest, by=ctx.user.name, media_type=media, size=size)
    except JournalError as exc:
        return _refused(ctx, exc)
    return _back(ctx, found.incident, N_("the attachment's hash is journaled"))


@page(*REVEALERS, form=True)
def reveal(ctx: Ctx) -> Response:
    """Show the sensitive values of an incident once, with the purpose given; the showing is journaled."""
    from ...journal import JournalError

    assert ctx.user is not None
    found = allowed_incident(ctx, ctx.params["incident"])
    if found is None:
        return not_found(ctx)
    purpose = ctx.field("purpose").strip()
    if not purpose:
        return failure(ctx, 400, N_("say why you need to see the sensitive values"),
                       N_("for example: a report to the police"))
    try:
        record = ctx.journal.sensitive(found.incident, to=ctx.user.name, purpose=purpose[:200])
    except JournalError as exc:
        return _refused(ctx, exc)
    # shown in this answer only: the values are never put in the session or a redirect
    return incident_page(ctx, found, revealed=record)
