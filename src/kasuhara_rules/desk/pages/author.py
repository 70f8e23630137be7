"""Policy authors: the versions, a new version's diagnostics and examples, its replay on journaled incidents, activation."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from starlette.responses import Response

from ...i18n import N_
from .. import adapter
from ..core import Ctx, failure, not_found, page
from ..drafts import Draft, check_draft, replay

AUTHORS = ("author",)
READERS = ("author", "auditor")
MAX_TEXT = 1_000_000


@page(*READERS)
def policies(ctx: Ctx) -> Response:
    """Every registered version: which is in force today, which wait for their date."""
    versions = ctx.journal.versions()
    current = adapter.policy_in_force(ctx.journal)
    today = _dt.date.today()
    rows = [{"version": v, "in_force": current is not None and v.digest == current.digest,
             "scheduled": v.effective is not None and v.effective > today} for v in reversed(versions)]
    return ctx.render("policies.html", rows=rows, can_edit=ctx.user is not None and ctx.user.role == "author")


@page(*READERS)
def version(ctx: Ctx) -> Response:
    """A registered version's files, as they were registered (read from the journal, never from disk)."""
    from ...journal import JournalError

    digest = ctx.params["digest"]
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        return not_found(ctx)
    try:
        policy = ctx.journal.policy(digest)
    except JournalError:
        return not_found(ctx)
    files = [(name, data.decode("utf-8", "replace")) for name, data in policy.files]
    return ctx.render("policy.html", policy=policy, files=files, digest=digest)


def _text_of(ctx: Ctx) -> str | None:
    upload = ctx.upload("file")
    if upload is not None and upload.filename:
        upload.file.seek(0)
        data = upload.file.read(MAX_TEXT + 1)
        if len(data) > MAX_TEXT:
            return None
        from ...source import DecodeError, decode_source

        try:
            return decode_source(data)
        except DecodeError:
            return None
    text = ctx.field("text")
    return text if len(text) <= MAX_TEXT else None


@page(*AUTHORS, form=True)
def draft(ctx: Ctx) -> Response:
    """GET: the text of the version in force to start from; POST: check a text (typed or uploaded) —
    diagnostics as `kasu check` gives them in the author's language, the examples, and the replay."""
    if ctx.request.method == "GET":
        current = adapter.policy_in_force(ctx.journal)
        text = ""
        name = "policy.kasu"
        if current is not None:
            # the policy itself is the last .kasu file (its bases come first, each followed by its phrase files)
            name, data = next(f for f in reversed(current.files) if f[0].endswith(".kasu"))
            text = data.decode("utf-8", "replace")
            name = str(name).rsplit("/", 1)[-1]
        return ctx.render("draft.html", text=text, name=name, result=None, effective="")
    given = _text_of(ctx)
    if given is None:
        return failure(ctx, 400, N_("the policy file is too large or not UTF-8 text"),
                       N_("save it as UTF-8 (kasu fmt writes UTF-8)"))
    effective = ctx.field("effective").strip()
    name = _file_name(ctx)
    result = check_draft(given, name, ctx.lang, effective or None)
    replayed = replay(ctx.journal, result.policy) if result.policy is not None else None
    return ctx.render("draft.html", text=result.text, name=name, result=result, replayed=replayed,
                      effective=effective or (result.effective or ""))


def _file_name(ctx: Ctx) -> str:
    upload = ctx.upload("file")
    given = upload.filename if upload is not None and upload.filename else ctx.field("name") or "policy.kasu"
    base = re.sub(r"[^\w.\-]", "_", given.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:80]
    return base if base.endswith(".kasu") else (base or "policy") + ".kasu"


@page(*AUTHORS, form=True)
def activate(ctx: Ctx) -> Response:
    """Register the checked text as a new version (it takes effect on its effective date)."""
    from ...journal import JournalError

    assert ctx.user is not None
    text = ctx.field("text")
    name = _file_name(ctx)
    result: Draft = check_draft(text, name, ctx.lang, ctx.field("effective").strip() or None)
    if result.policy is None or result.errors:
        return ctx.render("draft.html", status=400, text=result.text, name=name, result=result, replayed=None,
                          effective=ctx.field("effective"))
    try:
        registered = ctx.journal.register(result.policy, by=ctx.user.name)
    except JournalError as exc:
        return failure(ctx, 400, exc.message, exc.hint)
    ctx.request.session["flash"] = ctx.t(
        N_("version {version} is registered; it takes effect on {date}", version=registered.version.version,
           date=registered.version.effective.isoformat() if registered.version.effective else "—")
        if registered.new else N_("this version was already registered"))
    return ctx.redirect("/policies")


def flash(ctx: Ctx) -> Any:
    return ctx.request.session.pop("flash", None)
