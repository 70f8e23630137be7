"""Logging in and out, the language, and one's own account (password, language)."""
from __future__ import annotations

import time
from typing import Any

from starlette.responses import Response
from starsessions import regenerate_session_id

from ...i18n import LANGUAGES, N_
from ..core import ANYONE, Ctx, page
from ..errors import DeskError
from ..users import set_password

HOME = {"staff": "/record", "supervisor": "/queue", "author": "/policies", "auditor": "/incidents",
        "admin": "/users"}


def _next(ctx: Ctx, target: str) -> str:
    """A place to go after logging in: only a path of this desk (never another site)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and target != "/login":
        return target
    return "/"


@page(public=True)
def home(ctx: Ctx) -> Response:
    if ctx.user is None:
        return ctx.redirect("/login")
    return ctx.redirect(HOME.get(ctx.user.role, "/account"))


@page(public=True, form=True)
def login(ctx: Ctx) -> Response:
    if ctx.request.method == "GET":
        return ctx.render("login.html", next=_next(ctx, ctx.request.query_params.get("next", "/")), error=None,
                          name="")
    name = ctx.field("name")[:200]
    password = ctx.field("password")[:1000]
    target = _next(ctx, ctx.field("next", "/"))
    result = _authenticate(ctx, name, password)
    if result.user is None:
        if result.refusal == "locked":
            until = time.strftime("%H:%M", time.localtime(result.until or time.time()))
            error = ctx.t(N_("too many failed logins: this account is locked until {until}, or until an admin "
                             "unlocks it", until=until))
        else:
            error = ctx.t(N_("the name or the password is wrong"))
        return ctx.render("login.html", status=401 if result.refusal != "locked" else 423, next=target, error=error,
                          name=name)
    session = ctx.request.session
    lang = session.get("lang")
    # a new session id at login (the old row deleted): whoever knew the id before learns nothing now
    old = ctx.request.scope["session_handler"].session_id
    if old:
        ctx.desk.store.remove_session(old)
    session.clear()
    regenerate_session_id(ctx.request)
    session.update({"user": result.user.name, "login_at": time.time()})
    if lang in LANGUAGES:
        session["lang"] = lang
    # the session's CSRF token went with session.clear(): the next page makes a new one
    return ctx.redirect("/account" if result.user.must_change else target)


def _authenticate(ctx: Ctx, name: str, password: str) -> Any:
    from anyio import from_thread

    from ..users import authenticate

    settings = ctx.desk.settings

    def bounded() -> Any:
        return authenticate(ctx.desk.store, name, password, settings.lock_after, settings.lock_minutes * 60,
                     ctx.desk.dummy_hash)

    # at most `hash_limit` Argon2 hashes at once (64 MiB each): the rest wait their turn
    return from_thread.run(_limited, ctx.desk.hashing, bounded)


async def _limited(limiter: Any, work: Any) -> Any:
    from anyio import to_thread

    return await to_thread.run_sync(work, limiter=limiter)


@page(*ANYONE, form=True)
def logout(ctx: Ctx) -> Response:
    ctx.request.session.clear()
    return ctx.redirect("/login")


@page(public=True, form=True)
def language(ctx: Ctx) -> Response:
    lang = ctx.field("lang")
    back = _next(ctx, ctx.field("next", "/"))
    if lang in LANGUAGES:
        ctx.request.session["lang"] = lang
        if ctx.user is not None:
            ctx.desk.store.update_user(ctx.user.name, lang=lang)
    return ctx.redirect(back)


@page(*ANYONE, form=True)
def account(ctx: Ctx) -> Response:
    assert ctx.user is not None
    message = error = None
    if ctx.request.method == "POST":
        row = ctx.desk.store.user(ctx.user.name)
        current = ctx.field("current")
        new, again = ctx.field("new"), ctx.field("again")
        checked = _authenticate(ctx, ctx.user.name, current) if row is not None else None
        if checked is None or checked.user is None:
            error = ctx.t(N_("the current password is wrong"))
        elif new != again:
            error = ctx.t(N_("the two new passwords differ"))
        else:
            try:
                set_password(ctx.desk.store, ctx.user.name, new)
            except DeskError as exc:
                error = ctx.t(exc.message)
            else:
                # every session of this user ended (set_password); this one goes on with a new id
                ctx.request.session.clear()
                regenerate_session_id(ctx.request)
                ctx.request.session.update({"user": ctx.user.name, "login_at": time.time()})
                message = ctx.t(N_("your password is changed; your other sessions are closed"))
    user = ctx.desk.store.user(ctx.user.name)
    return ctx.render("account.html", message=message, error=error,
                      must_change=bool(user.must_change) if user is not None else False)

