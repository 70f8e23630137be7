"""`kasu serve` and `kasu users`: the desk's commands, plugged into `kasu` (entry points, pyproject.toml).

This module imports nothing of the desk's libraries until a command runs, so that `kasu --help`
works without the desk extra and `kasu serve` then says what to install.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, Callable, TextIO

from ..i18n import N_, translate

EXIT_OK, EXIT_REFUSED = 0, 1


def _db_option(p: argparse.ArgumentParser, _: Callable[[str], str], lang_option: bool = False) -> None:
    if lang_option:
        p.add_argument("--lang", choices=("ja", "en"), default=None,
                       help=_("language of messages (default: KASU_LANG, then the locale, else en)"))
    p.add_argument("--db", default="sqlite:///kasu-journal.db", metavar="URL",
                   help=_("the journal's database (default: sqlite:///kasu-journal.db, a file in this folder; "
                          "or postgresql://USER@HOST/DB)"))


def register_serve(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu serve` to the subcommands."""
    from ..cli.common import exit_codes

    p = sub.add_parser("serve", help=_("the desk: the journal in a browser"),
                       description=_("Serve the desk: staff record incidents and see the decision, supervisors "
                                     "work the queue, authors publish policy versions, auditors verify, managers "
                                     "see the trends. The first start registers a demo policy and makes the user "
                                     "admin, whose password is printed once."),
                       epilog=exit_codes(_, _("0  stopped cleanly"), _("1  refused (the desk extra missing, the "
                                                                           "port in use, the database)"),
                                         _("2  usage error")))
    _db_option(p, _)
    p.add_argument("--host", default="127.0.0.1",
                   help=_("the address to listen on (default: 127.0.0.1, this computer only; see docs/desk.md "
                          "for a TLS proxy in front)"))
    p.add_argument("--port", type=int, default=8000, help=_("the port (default: 8000)"))
    p.add_argument("--behind-tls-proxy", action="store_true", dest="tls",
                   help=_("a TLS proxy on this computer forwards to the desk: Secure cookies, HSTS, and the "
                          "proxy's X-Forwarded-For and X-Forwarded-Proto trusted"))
    p.set_defaults(run=cmd_serve)


def register_users(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu users add|list` to the subcommands."""
    from ..cli.common import exit_codes, parser_for

    p = sub.add_parser("users", help=_("the users of the desk"),
                       description=_("Add a user of the desk, or list them."),
                       epilog=exit_codes(_, _("0  done"), _("1  refused"), _("2  usage error")))
    inner = p.add_subparsers(dest="users_command", metavar="add|list", parser_class=parser_for(lang))
    add = inner.add_parser("add", help=_("add a user (the password is asked, never an argument)"),
                           description=_("Add a user. The password is asked twice on a terminal; when standard "
                                         "input is not a terminal, its first line is the password."))
    add.add_argument("name", metavar="NAME", help=_("the user's name (what they type to log in)"))
    add.add_argument("--role", required=True, choices=("staff", "supervisor", "author", "auditor", "admin"),
                     help=_("what the user does at the desk"))
    add.add_argument("--site", default=None, metavar="NAME",
                     help=_("the site whose incidents the user sees (staff see only their site's)"))
    _db_option(add, _, lang_option=True)
    add.set_defaults(run=cmd_users_add)
    listing = inner.add_parser("list", help=_("list the users"))
    _db_option(listing, _, lang_option=True)
    listing.set_defaults(run=cmd_users_list)
    p.set_defaults(run=lambda args, out, err: _usage(p, err))


def _usage(p: argparse.ArgumentParser, err: TextIO) -> int:
    p.print_usage(err)
    return 2


def _say(err: TextIO, command: str, text: str) -> None:
    err.write(f"kasu {command}: {text}\n")
    err.flush()


def cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..journal import JournalError
    from .errors import DeskError
    from .serve import serve
    from .settings import Settings

    lang = args.msg_lang
    if not 0 < args.port < 65536:
        _say(err, "serve", translate(N_("--port is a number from 1 to 65535"), lang))
        return 2
    settings = Settings(db=args.db, host=args.host, port=args.port, lang=lang if args.lang else "ja", tls=args.tls)
    try:
        return serve(settings, out, lang)
    except (DeskError, JournalError) as exc:
        _say(err, "serve", exc.render(lang))
        return EXIT_REFUSED


def read_password(lang: str, stdin: TextIO | None = None, err: TextIO | None = None) -> str:
    """The new password: asked twice without echo on a terminal; else the first line of standard input."""
    from .errors import DeskError

    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass(translate(N_("password: "), lang))
        again = getpass.getpass(translate(N_("the same password again: "), lang))
        if first != again:
            raise DeskError("D105", N_("the two passwords typed differ"), N_("type the same password twice"))
        return first
    line = stdin.readline()
    if not line:
        raise DeskError("D106", N_("no password given"),
                        N_("type it when asked, or give it on the first line of standard input"))
    return line.rstrip("\r\n")


def cmd_users_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..journal import JournalError, open_journal
    from .errors import DeskError
    from .serve import require
    from .store import DeskStore
    from .users import add_user

    lang = args.msg_lang
    try:
        require()
        password = read_password(lang)
        with open_journal(args.db) as journal:
            store = DeskStore(journal.engine)
            store.migrate()
            made = add_user(store, args.name, args.role, password, site=args.site, by="kasu users")
    except (DeskError, JournalError) as exc:
        _say(err, "users add", exc.render(lang))
        return EXIT_REFUSED
    site = made.site if made.site is not None else "-"
    out.write(translate(N_("added {name} ({role}, site {site})", name=made.name, role=made.role, site=site), lang)
              + "\n")
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..journal import JournalError, open_journal
    from .errors import DeskError
    from .serve import require
    from .store import DeskStore

    lang = args.msg_lang
    try:
        require()
        with open_journal(args.db) as journal:
            store = DeskStore(journal.engine)
            store.migrate()
            rows = store.users()
    except (DeskError, JournalError) as exc:
        _say(err, "users list", exc.render(lang))
        return EXIT_REFUSED
    for row in rows:
        state = "disabled" if row.disabled else "active"
        out.write(f"{row.name}\t{row.role}\t{row.site or '-'}\t{state}\n")
    return EXIT_OK
