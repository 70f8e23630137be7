"""Staff at the counter: record an incident in the form built from the policy, see the decision at once, amend it."""
from __future__ import annotations

import datetime as _dt
import re
import secrets
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.responses import Response

from ...i18n import N_, Message
from .. import adapter
from ..core import Ctx, failure, not_found, offset_of, page, visible_site
from ..forms import form_values, read_form, rows_of, rows_wanted, widgets
from ..views import Labels, decision_view

if TYPE_CHECKING:
    from ...journal import Incident
    from ...policy import Policy

RECORDERS = ("staff", "supervisor")
READERS = ("staff", "supervisor", "auditor")
PAGE = 50


def _no_policy(ctx: Ctx) -> Response:
    return failure(ctx, 503, N_("no policy is registered yet"), N_("an author uploads one on the policies page"))


def _suggested_id(ctx: Ctx) -> str:
    now = _dt.datetime.now(ZoneInfo(ctx.desk.settings.timezone))
    return f"{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _form_page(ctx: Ctx, policy: "Policy", values: Mapping[str, str], rows: Mapping[str, int],
               errors: Mapping[str, Message], incident: str | None, status: int = 200,
               problem: str | None = None, kept: tuple[str, ...] = ()) -> Response:
    checked = policy.checked
    shown_errors = {name: ctx.t(message) for name, message in errors.items()}
    labels = Labels(checked)
    made = widgets(checked.fields, rows)
    anchors = {w.name: w.dom_id for w in _all(made)}
    error_list = [(anchors.get(name, ""), labels.field(re.sub(r"\.\d+(?=\.|$)", "", name)).label, text)
                  for name, text in shown_errors.items()]
    return ctx.render("record.html", status=status, policy=policy, widgets=made, error_list=error_list,
                      values=values, errors=shown_errors, incident=incident, problem=problem, kept=kept,
                      timezone=ctx.desk.settings.timezone,
                      action="/record" if incident is None else f"/incidents/{quote(incident, safe='')}/amend")


@page(*RECORDERS, form=True)
def record(ctx: Ctx) -> Response:
    """GET: the empty form (today's date-time and a new incident number filled in); POST: journal and decide."""
    policy = adapter.policy_in_force(ctx.journal)
    if policy is None:
        return _no_policy(ctx)
    checked = policy.checked
    if ctx.request.method == "GET":
        values: dict[str, str] = {}
        key = checked.key_field
        if key is not None:
            values[key.name] = _suggested_id(ctx)
        now = _dt.datetime.now(ZoneInfo(ctx.desk.settings.timezone)).strftime("%Y-%m-%dT%H:%M")
        first = next((f for f in checked.fields if f.type.kind == "datetime"), None)
        if first is not None:
            values[first.name] = now
        return _form_page(ctx, policy, values, {}, {}, None)
    return _save(ctx, policy, None)


def _save(ctx: Ctx, policy: "Policy", incident: str | None, old: Mapping[str, Any] | None = None) -> Response:
    from ...journal import JournalError

    assert ctx.user is not None and ctx.form is not None
    checked = policy.checked
    form = {k: v for k, v in ctx.form.multi_items() if isinstance(v, str)}
    grow = ctx.field("_add") or None
    if grow is not None:  # "add a row": the same form again, one row longer, nothing saved
        return _form_page(ctx, policy, form, rows_wanted(form, checked.fields, grow), {}, incident,
                          kept=_kept(checked, old))
    read = read_form(form, checked.fields, ctx.desk.settings.timezone)
    record = read.record
    if old is not None:
        for f in checked.fields:  # sensitive values not retyped are kept (never shown in the form)
            if f.sensitive and f.name not in record and f.name in old and ctx.field(f"{f.name}.remove") != "yes":
                record[f.name] = old[f.name]
    key = checked.key_field
    errors = dict(read.errors)
    if incident is not None and key is not None:  # an amendment keeps its incident number
        record[key.name] = old.get(key.name, incident) if old is not None else incident
        errors.pop(key.name, None)
    if not errors and incident is None and key is not None and adapter.exists(ctx.journal, str(record.get(key.name))):
        errors[key.name] = N_("this incident number is already journaled: open the incident to amend it")
    if errors:
        return _form_page(ctx, policy, form, rows_wanted(form, checked.fields, None), errors, incident, 400,
                          kept=_kept(checked, old))
    try:
        added = ctx.journal.add(record, by=ctx.user.name, site=ctx.user.site if incident is None else None,
                                incident=incident)
    except JournalError as exc:
        field = getattr(exc, "field", None)
        message: Any = exc.message or N_("the record was refused")
        if field:
            errors[str(field).split(".")[0].split("[")[0]] = message
        return _form_page(ctx, policy, form, rows_wanted(form, checked.fields, None), errors, incident, 400,
                          problem=ctx.t(message), kept=_kept(checked, old))
    return ctx.redirect(f"/incidents/{quote(added.incident, safe='')}?saved={added.revision}")


def _all(items: Any) -> Any:
    for w in items:
        yield w
        yield from _all(w.children)
        for row in w.rows:
            yield from _all(row)


def _kept(checked: Any, old: Mapping[str, Any] | None) -> tuple[str, ...]:
    if old is None:
        return ()
    return tuple(f.name for f in checked.fields if f.sensitive and old.get(f.name) is not None)


def allowed_incident(ctx: Ctx, incident: str) -> "Incident | None":
    """The incident, when this user may see it (staff: their site's only); None otherwise (shown as not found,
    so that incident numbers of other sites cannot be probed)."""
    from ...journal import JournalError

    assert ctx.user is not None
    try:
        found = ctx.journal.incident(incident)
    except JournalError:
        return None
    limited, site = visible_site(ctx.user)
    if limited and found.site != site:
        return None
    return found


@page(*RECORDERS, form=True)
def amend(ctx: Ctx) -> Response:
    """A new revision of an incident's facts, decided again (sensitive values kept unless replaced or removed)."""
    incident = ctx.params["incident"]
    found = allowed_incident(ctx, incident)
    if found is None:
        return not_found(ctx)
    policy = ctx.journal.policy(found.digest)
    old = adapter.full_record(ctx.journal, incident)
    if ctx.request.method == "POST":
        return _save(ctx, policy, incident, old)
    shown = ctx.journal.record(incident)
    values = form_values(shown, policy.checked.fields, ctx.desk.settings.timezone)
    return _form_page(ctx, policy, values, rows_of(shown, policy.checked.fields), {}, incident,
                      kept=_kept(policy.checked, old))


@page(*READERS)
def incidents(ctx: Ctx) -> Response:
    """Incidents, newest first: staff see their site's, supervisors theirs or all, auditors all."""
    assert ctx.user is not None
    limited, site = visible_site(ctx.user)
    offset = offset_of(ctx)
    search = ctx.request.query_params.get("q", "")[:100]
    items, total = adapter.incidents_page(ctx.journal, limited, site, PAGE, offset, search)
    return ctx.render("incidents.html", items=[_row(ctx, i) for i in items], total=total, offset=offset,
                      page=PAGE, q=search, limited=limited, site=site)


def _row(ctx: Ctx, incident: "Incident") -> dict[str, Any]:
    labels = Labels(ctx.journal.policy(incident.digest).checked)
    return {"incident": incident, "outcome": labels.outcome(incident.outcome),
            "severity": labels.severity(incident.severity), "escalation": labels.escalation(incident.escalation),
            "final": labels.outcome(incident.final_outcome)}


def decision_for(ctx: Ctx, found: "Incident") -> tuple[Any, Labels, dict[str, Any]]:
    policy = ctx.journal.policy(found.digest)
    labels = Labels(policy.checked)
    decision = adapter.decision_of(ctx.journal, found)
    return decision_view(decision, labels), labels, decision
