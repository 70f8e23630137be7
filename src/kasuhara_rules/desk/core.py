"""The desk's request machinery: the Desk (journal, users, templates), who is asking, and the role each page allows."""
from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping, Sequence
from urllib.parse import quote

import attrs
import jinja2
from anyio import CapacityLimiter, to_thread
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..i18n import LANGUAGES, N_, Message, translate
from .settings import Settings
from .store import DeskStore
from .users import ROLES, User, user_of

if TYPE_CHECKING:
    from ..journal import Journal

ANYONE = ROLES
STATIC_VERSION = "1"


class Desk:
    """One running desk: the journal, the desk's own tables, the settings and the templates."""

    def __init__(self, journal: "Journal", settings: Settings) -> None:
        from importlib import resources

        self.journal = journal
        self.settings = settings
        self.store = DeskStore(journal.engine)
        self.store.migrate()
        self.secret = self.store.secret()
        root = resources.files("kasuhara_rules") / "desk" / "templates"
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(root)), autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True)
        from .views import entry_value

        self.templates.filters["entry_value"] = entry_value
        self.hashing = CapacityLimiter(settings.hash_limit)
        from .users import hasher

        self.dummy_hash = hasher().hash("not a password of anyone")


@attrs.define
class Ctx:
    """One request as a page sees it: who asks, in which language, and the submitted form."""

    desk: Desk
    request: Request
    user: User | None
    lang: str
    form: FormData | None = None
    params: Mapping[str, str] = attrs.Factory(dict)

    @property
    def journal(self) -> "Journal":
        return self.desk.journal

    def t(self, message: Message | str) -> str:
        """A message (marked with `N_`) in the page's language."""
        return str(translate(message, self.lang))

    def field(self, name: str, default: str = "") -> str:
        """A text field of the submitted form (an upload or a missing field gives `default`)."""
        if self.form is None:
            return default
        value = self.form.get(name)
        return value if isinstance(value, str) else default

    def upload(self, name: str) -> UploadFile | None:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, UploadFile) else None

    def csrf(self) -> str:
        """The form token of this session (starlette-wtf: a random token kept in the session, signed with a time)."""
        from starlette_wtf import csrf_token

        return str(csrf_token(self.request))

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        page = self.desk.templates.get_template(template)
        lang = self.lang

        def tr(text: str, **args: Any) -> str:
            return str(translate(N_(text, **args), lang))

        html = page.render(_=tr, tr=lambda m: translate(m, lang), user=self.user, lang=lang, csrf=self.csrf(),
                           path=self.request.url.path, nav=nav_for(self.user), static=STATIC_VERSION,
                           role_names=ROLE_NAMES, units=UNIT_NAMES, **values)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)


def nav_for(user: User | None) -> list[tuple[str, str]]:
    """The navigation of a role: (path, message id) in order."""
    if user is None:
        return []
    return [(path, label) for path, label, roles in NAV if user.role in roles]


NAV: tuple[tuple[str, str, Sequence[str]], ...] = (
    ("/record", N_("Record an incident"), ("staff", "supervisor")),
    ("/incidents", N_("Incidents"), ("staff", "supervisor", "auditor")),
    ("/queue", N_("Queue"), ("supervisor",)),
    ("/policies", N_("Policies"), ("author", "auditor")),
    ("/chain", N_("Verify the chain"), ("auditor",)),
    ("/dashboard", N_("Trends"), ("supervisor", "auditor", "admin")),
    ("/surveys", N_("Staff survey"), ("admin", "auditor")),
    ("/users", N_("Users"), ("admin",)),
    ("/account", N_("Account"), ANYONE),
)

ROLE_NAMES = {"staff": N_("staff"), "supervisor": N_("supervisor"), "author": N_("policy author"),
              "auditor": N_("auditor"), "admin": N_("admin")}
UNIT_NAMES = (("minutes", N_("minutes")), ("seconds", N_("seconds")), ("hours", N_("hours")), ("days", N_("days")))

Handler = Callable[[Ctx], Response]


def language(request: Request, user: User | None, default: str) -> str:
    """The page's language: the user's choice, else the session's, else the desk's default."""
    chosen = user.lang if user is not None and user.lang else None
    if chosen is None:
        try:
            chosen = request.session.get("lang")
        except Exception:  # noqa: BLE001 - no session middleware (tests of a bare route)
            chosen = None
    return chosen if chosen in LANGUAGES else default


def current_user(desk: Desk, request: Request) -> User | None:
    """The logged-in user of this request, or None (no session, expired, or a user since disabled)."""
    session = request.session
    name = session.get("user")
    if not isinstance(name, str):
        return None
    login_at = session.get("login_at")
    if not isinstance(login_at, (int, float)) or time.time() - login_at > desk.settings.session_hours * 3600:
        session.clear()
        return None
    row = desk.store.user(name)
    if row is None or row.disabled:
        session.clear()
        return None
    return user_of(row)


def page(*roles: str, form: bool = False, public: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Make a page handler an endpoint: the user is looked up, the role checked (403 otherwise; to the
    login page when nobody is logged in), the form read, and the handler run in a worker thread
    (the journal is synchronous)."""
    allowed = tuple(roles)

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        from starlette_wtf import csrf_protect

        async def checked(request: Request) -> Response:
            desk: Desk = request.app.state.desk
            user = await to_thread.run_sync(current_user, desk, request)
            lang = language(request, user, desk.settings.lang)
            ctx = Ctx(desk, request, user, lang, params=dict(request.path_params))
            if not public:
                if user is None:
                    if request.method == "GET":
                        return RedirectResponse("/login?next=" + quote(request.url.path, safe="/"), status_code=303)
                    return await to_thread.run_sync(lambda: forbidden(ctx, login=True))
                if user.role not in allowed:
                    return await to_thread.run_sync(forbidden, ctx)
                if user.must_change and request.url.path not in ("/account", "/logout"):
                    return RedirectResponse("/account", status_code=303)
            if request.method == "POST":
                ctx.form = await request.form()  # read (within the limits below) and checked by csrf_protect
            return await to_thread.run_sync(handler, ctx)

        protected = csrf_protect(checked)  # every POST: the session's token, or 403

        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            if request.method == "POST":
                desk: Desk = request.app.state.desk
                try:  # parsed once here within these limits; starlette-wtf and the page reuse it
                    await request.form(max_files=4, max_fields=2000, max_part_size=desk.settings.max_upload)
                except Exception:  # noqa: BLE001 - a malformed or oversized body
                    return HTMLResponse("400", status_code=400)
            response: Response = await protected(request)
            return response

        endpoint.roles = allowed if not public else ("*",)  # type: ignore[attr-defined]
        return endpoint

    return wrap


def forbidden(ctx: Ctx, login: bool = False) -> Response:
    message = N_("log in first") if login else N_("this page is not for your role")
    return failure(ctx, 403, message)


def failure(ctx: Ctx, status: int, message: str, hint: str | None = None) -> Response:
    return ctx.render("error.html", status=status, message=translate(message, ctx.lang),
                      hint=translate(hint, ctx.lang) if hint else None)


def not_found(ctx: Ctx) -> Response:
    return failure(ctx, 404, N_("there is no such page"), N_("go back to the start page"))


def offset_of(ctx: Ctx) -> int:
    """The `offset` of a paged list (`?offset=50`): 0 when absent, negative or not a number."""
    try:
        return max(0, int(ctx.request.query_params.get("offset", "0")))
    except ValueError:
        return 0


def visible_site(user: User) -> tuple[bool, str | None]:
    """Whether `user` is limited to one site's incidents, and which (staff always; supervisors with a site)."""
    if user.role == "staff":
        return True, user.site
    if user.role == "supervisor" and user.site is not None:
        return True, user.site
    return False, None
