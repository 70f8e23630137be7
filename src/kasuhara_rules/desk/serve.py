"""Starting the desk: the journal opened, a demo policy and an admin on the first start, then uvicorn."""
from __future__ import annotations

import datetime as _dt
import logging
from typing import TYPE_CHECKING, Any, TextIO

from ..i18n import N_, os_reason, translate
from .errors import DeskError, unavailable
from .settings import Settings

if TYPE_CHECKING:
    from ..journal import Journal

DEMO_POLICY = "acme-retail.kasu"
SYSTEM_USER = "kasu-desk"
NEEDED = (("starlette", "Starlette"), ("uvicorn", "uvicorn"), ("jinja2", "Jinja2"), ("multipart", "python-multipart"),
          ("argon2", "argon2-cffi"), ("starsessions", "starsessions"), ("starlette_wtf", "starlette-wtf"),
          ("secure", "secure"), ("sqlalchemy", "SQLAlchemy"), ("alembic", "Alembic"))


def require() -> None:
    """Refuse (D100, naming `pip install '.[desk]'`) when a library of the desk extra is missing."""
    import importlib.util

    for module, name in NEEDED:
        if importlib.util.find_spec(module) is None:
            raise unavailable(name)


def first_start(journal: "Journal", out: TextIO, lang: str) -> None:
    """On an empty journal: register the shipped demo policy; with no user: make an admin and print
    its password once (it must be changed at the first login)."""
    from .drafts import shipped
    from .store import DeskStore
    from .users import add_user, new_password

    if not journal.versions():
        from ..check.loader import load_text
        from ..policy import policy_from

        files = shipped()
        loaded = load_text(files[DEMO_POLICY], DEMO_POLICY, preloaded={k: v for k, v in files.items()
                                                                        if k != DEMO_POLICY})
        policy = policy_from(loaded.result, loaded.files, DEMO_POLICY, loaded.sources)
        journal.register(policy, by=SYSTEM_USER)
        out.write(translate(N_("registered the demo policy {id} {version} (authors replace it on the policies page)",
                               id=policy.id, version=policy.version), lang) + "\n")
    store = DeskStore(journal.engine)
    store.migrate()
    if store.count_users() == 0:
        password = new_password()
        add_user(store, "admin", "admin", password, by=SYSTEM_USER, must_change=True)
        out.write(translate(N_("made the user admin with the password {password} — it is shown this once; "
                               "change it at the first login", password=password), lang) + "\n")
    out.flush()


def warm(journal: "Journal") -> tuple[str, ...]:
    """Build, before the first request, the policy version of each policy that new records are
    decided by (in force today, else the last registered), with its explanation compiled (the desk
    explains every decision it journals): otherwise the first staff members to record an incident
    wait for it (benchmarks/desk.py: a POST's p95 was 2.3 s on a fresh server, its median 18 ms). A
    version that cannot be built is left for the request that needs it to report. The digests
    built, in order."""
    from ..journal import JournalError

    today = _dt.date.today()
    by_policy: dict[str, list[Any]] = {}
    for version in journal.versions():
        by_policy.setdefault(version.id, []).append(version)
    def order(v: Any) -> tuple[_dt.date, int]:
        return (v.effective or _dt.date.min, v.seq)  # as the journal chooses (Journal.in_force)

    chosen = []
    for versions in by_policy.values():
        in_force = [v for v in versions if (v.effective or _dt.date.min) <= today]
        chosen.append(max(in_force or versions, key=order))
    built = []
    for version in chosen:
        try:
            journal.policy(version.digest).program.compiled_explain()
        except JournalError:
            continue
        built.append(version.digest)
    return tuple(built)


def serve(settings: Settings, out: TextIO, lang: str) -> int:
    """Open the journal, prepare it on the first start, and serve until stopped (Ctrl-C): 0."""
    require()
    import uvicorn

    from ..journal import open_journal
    from .app import create_app

    journal = open_journal(settings.db)
    try:
        first_start(journal, out, lang)
        warm(journal)
        app = create_app(journal, settings)
        url = "http://%s:%d/" % (settings.host, settings.port)
        out.write(translate(N_("the desk is at {url} (Ctrl-C stops it)", url=url), lang) + "\n")
        out.flush()
        logging.getLogger("kasuhara_rules.desk").setLevel(logging.INFO)
        config = uvicorn.Config(app, host=settings.host, port=settings.port, access_log=False, log_level="info",
                                proxy_headers=settings.tls, forwarded_allow_ips=settings.proxy if settings.tls else None,
                                server_header=False, date_header=True, log_config=_log_config())
        server = _Server(config)
        try:
            server.run()
        except OSError as exc:
            raise DeskError("D108", N_("cannot serve on {host}:{port}: {reason}", host=settings.host,
                                       port=settings.port, reason=os_reason(exc)),
                            N_("choose another --port, or stop what uses it")) from None
        if getattr(server, "started", True) is False:
            raise DeskError("D108", N_("cannot serve on {host}:{port}: {reason}", host=settings.host,
                                       port=settings.port, reason="bind"),
                            N_("choose another --port, or stop what uses it"))
    finally:
        journal.close()
    return 0


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, for which Ctrl-C or SIGTERM is a clean stop: `kasu serve` then exits 0
        (uvicorn would raise the signal again once it has shut down)."""

        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            self._captured_signals.clear()

    return Server


def _Server(config: Any) -> Any:
    return _server_class()(config)


def _log_config() -> dict[str, object]:
    """uvicorn's own messages and the desk's one line per request (QuietLog), on standard error."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
        "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": {"handlers": ["err"], "level": "INFO", "propagate": False},
                    "uvicorn.error": {"handlers": ["err"], "level": "INFO", "propagate": False},
                    "kasuhara_rules.desk": {"handlers": ["err"], "level": "INFO", "propagate": False}},
    }
