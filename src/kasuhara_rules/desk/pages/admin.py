"""Admins: the users of the desk — add one (a first password shown once), unlock, disable, reset a password."""
from __future__ import annotations

import time

from starlette.responses import Response

from ...i18n import N_
from ..core import Ctx, failure, page
from ..errors import DeskError
from ..users import ROLES, add_user, new_password, set_password

ADMINS = ("admin",)


def _page(ctx: Ctx, status: int = 200, error: str | None = None, created: tuple[str, str] | None = None) -> Response:
    now = time.time()
    rows = [{"row": r, "locked": r.locked_until is not None and r.locked_until > now} for r in ctx.desk.store.users()]
    return ctx.render("users.html", status=status, rows=rows, roles=ROLES, error=error, created=created,
                      message=ctx.request.session.pop("flash", None))


@page(*ADMINS, form=True)
def users(ctx: Ctx) -> Response:
    """GET: the users; POST: add one with a password made here and shown once (changed at first login)."""
    assert ctx.user is not None
    if ctx.request.method == "GET":
        return _page(ctx)
    password = new_password()
    try:
        made = add_user(ctx.desk.store, ctx.field("name"), ctx.field("role"), password,
                        site=ctx.field("site").strip() or None, by=ctx.user.name, must_change=True)
    except DeskError as exc:
        return _page(ctx, 400, error=ctx.t(exc.message))
    return _page(ctx, 200, created=(made.name, password))


@page(*ADMINS, form=True)
def user(ctx: Ctx) -> Response:
    """One user: unlock, disable, enable, or reset the password (a new one shown once)."""
    assert ctx.user is not None
    name = ctx.params["name"]
    row = ctx.desk.store.user(name)
    if row is None:
        return failure(ctx, 404, N_("no user `{name}`", name=name))
    op = ctx.field("op")
    store = ctx.desk.store
    if op == "unlock":
        store.update_user(name, failures=0, locked_until=None)
        ctx.request.session["flash"] = ctx.t(N_("{name} is unlocked", name=name))
    elif op in ("disable", "enable"):
        if name == ctx.user.name:
            return _page(ctx, 400, error=ctx.t(N_("you cannot disable yourself")))
        store.update_user(name, disabled=op == "disable")
        if op == "disable":
            store.end_sessions(name)
        ctx.request.session["flash"] = ctx.t(N_("{name} is disabled", name=name) if op == "disable"
                                             else N_("{name} is enabled", name=name))
    elif op == "reset":
        password = new_password()
        set_password(store, name, password, must_change=True)
        return _page(ctx, 200, created=(name, password))
    else:
        return failure(ctx, 400, N_("unknown operation"))
    return ctx.redirect("/users")
