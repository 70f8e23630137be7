"""The desk as an ASGI application: routes with the roles they allow, sessions, CSRF, security headers, quiet logs."""
from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .core import Desk
from .pages import admin, audit, auth, author, manage, staff, supervise
from .settings import Settings

if TYPE_CHECKING:
    from ..journal import Journal

LOG = logging.getLogger("kasuhara_rules.desk")

ROUTES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("/", auth.home, ("GET",)),
    ("/login", auth.login, ("GET", "POST")),
    ("/logout", auth.logout, ("POST",)),
    ("/language", auth.language, ("POST",)),
    ("/account", auth.account, ("GET", "POST")),
    ("/record", staff.record, ("GET", "POST")),
    ("/incidents", staff.incidents, ("GET",)),
    # an incident number may hold a slash (`2026/05-1`): the longer routes come first
    ("/incidents/{incident:path}/amend", staff.amend, ("GET", "POST")),
    ("/incidents/{incident:path}/verdict", supervise.verdict, ("POST",)),
    ("/incidents/{incident:path}/action", supervise.action, ("POST",)),
    ("/incidents/{incident:path}/attachment", supervise.attachment, ("POST",)),
    ("/incidents/{incident:path}/reveal", supervise.reveal, ("POST",)),
    ("/incidents/{incident:path}/case-file", audit.case_file, ("GET",)),
    ("/incidents/{incident:path}", supervise.incident, ("GET",)),
    ("/queue", supervise.queue, ("GET",)),
    ("/policies", author.policies, ("GET",)),
    ("/policies/draft", author.draft, ("GET", "POST")),
    ("/policies/activate", author.activate, ("POST",)),
    ("/policies/{digest}", author.version, ("GET",)),
    ("/chain", audit.chain, ("GET",)),
    ("/dashboard", manage.dashboard, ("GET",)),
    ("/surveys", manage.surveys, ("GET",)),
    ("/surveys/upload", manage.upload, ("POST",)),
    ("/users", admin.users, ("GET", "POST")),
    ("/users/{name}", admin.user, ("POST",)),
)


def content_security_policy() -> str:
    """Nothing but this desk's own files: no inline script, no inline style, no frames, forms only to itself.
    The report's and the survey's own style sheets are allowed by their hashes (they are the same
    self-contained pages `kasu report` writes)."""
    from ..render import report, survey

    hashes = " ".join(f"'sha256-{_b64sha(css)}'" for css in {report.CSS, getattr(survey, "CSS", report.CSS)})
    return ("default-src 'none'; script-src 'self'; style-src 'self' " + hashes + "; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "object-src 'none'")


def _b64sha(text: str) -> str:
    import base64

    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def security_headers(tls: bool) -> Any:
    """The security headers (the `secure` library): CSP, no sniffing, no framing, no referrer to other
    sites, HSTS behind TLS (pages say `Cache-Control: no-store` themselves)."""
    import secure

    csp = secure.ContentSecurityPolicy().set(content_security_policy())
    kwargs: dict[str, Any] = {
        "csp": csp,
        "xcto": secure.XContentTypeOptions(),
        "xfo": secure.XFrameOptions().deny(),
        # same-origin: behind TLS, starlette-wtf checks that a form came from this desk by its Referer
        "referrer": secure.ReferrerPolicy().same_origin(),
        "coop": secure.CrossOriginOpenerPolicy().same_origin(),
        "corp": secure.CrossOriginResourcePolicy().same_origin(),
        "permissions": secure.PermissionsPolicy().geolocation().camera().microphone(),
        "server": secure.Server().set("kasu"),
    }
    if tls:
        kwargs["hsts"] = secure.StrictTransportSecurity().max_age(31_536_000).include_subdomains()
    return secure.Secure(**kwargs)


class QuietLog:
    """The one access log line of a request: method, the route's pattern (never the incident in the
    path, a query string or a user name), the status and the time taken."""

    def __init__(self, app: ASGIApp, routes: list[Any]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            LOG.info("%s %s %d %.0fms", scope.get("method"), self.pattern(scope), status[0],
                     (time.perf_counter() - started) * 1000)

    def pattern(self, scope: Scope) -> str:
        from starlette.routing import Match

        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return str(getattr(route, "path", "?"))
        return "(no route)"


async def csrf_failed(request: Request, exc: Exception) -> Response:
    """The CSRF refusal (starlette-wtf raises a 403), in both languages."""
    body = ("<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>403</title>"
            "<link rel=\"icon\" href=\"/static/favicon.svg\"><link rel=\"stylesheet\" href=\"/static/desk.css\"></head>"
            "<body><main class=\"narrow\"><h1>403</h1><p>フォームの有効期限が切れたか、別のページから送られました。ページを読み込み直してから、"
            "もう一度送ってください。</p><p lang=\"en\">The form expired or was sent from another page. Reload the "
            "page and send it again.</p></main></body></html>")
    return HTMLResponse(body, status_code=403, headers={"Cache-Control": "no-store"})


def create_app(journal: "Journal", settings: Settings | None = None) -> Starlette:
    """The desk over an open journal (its tables created or migrated on the way)."""
    from importlib import resources

    from secure.middleware import SecureASGIMiddleware
    from starlette_wtf import CSRFProtectMiddleware
    from starsessions import SessionAutoloadMiddleware, SessionMiddleware

    from .sessions import TableStore

    settings = settings or Settings()
    desk = Desk(journal, settings)
    static = str(resources.files("kasuhara_rules") / "desk" / "static")
    routes: list[Any] = [Route(path, endpoint, methods=list(methods)) for path, endpoint, methods in ROUTES]
    routes.append(Mount("/static", app=StaticFiles(directory=static), name="static"))
    middleware = [
        Middleware(QuietLog, routes=routes),
        Middleware(SecureASGIMiddleware, secure=security_headers(settings.tls)),
        Middleware(SessionMiddleware, store=TableStore(desk.store), lifetime=settings.idle_minutes * 60,
                   rolling=True, cookie_name="kasu_session", cookie_same_site="lax", cookie_https_only=settings.tls),
        Middleware(SessionAutoloadMiddleware),
        # every POST is checked against the token kept in the session (core.page calls csrf_protect)
        Middleware(CSRFProtectMiddleware, csrf_secret=desk.secret, csrf_field_name="csrftoken",
                   csrf_time_limit=settings.session_hours * 3600, csrf_ssl_strict=True),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={403: csrf_failed, 404: _not_found, 405: _not_allowed, 500: _server_error})
    app.state.desk = desk
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return _plain(404, "ページがありません / There is no such page")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _plain(405, "この操作はできません / Not allowed")


async def _server_error(request: Request, exc: Exception) -> Response:
    LOG.error("internal error: %s", type(exc).__name__)  # the type only: a message could quote a record
    return _plain(500, "内部エラーが起きました / An internal error occurred")


def _plain(status: int, text: str) -> Response:
    body = (f"<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{status}</title>"
            f"<link rel=\"icon\" href=\"/static/favicon.svg\"><link rel=\"stylesheet\" href=\"/static/desk.css\"></head><body><main class=\"narrow\">"
            f"<h1>{status}</h1><p>{text}</p><p><a href=\"/\">← /</a></p></main></body></html>")
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


Endpoint = Callable[[Request], Awaitable[Response]]
