"""`kasu lsp`: a Language Server Protocol server for .kasu files (needs the `lsp` extra)."""
from __future__ import annotations

import argparse
from typing import Any, Callable, TextIO

from ...i18n import N_, translate

INSTALL = "pip install 'kasuhara-rules[lsp]'"
EXIT_MISSING = 2  # like a usage error: the command cannot run as installed


def cmd_lsp(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Serve the protocol on standard input/output; exit 0 when the client says exit."""
    try:
        from .server import serve
    except ImportError as exc:
        missing = getattr(exc, "name", None) or "pygls"
        lang = getattr(args, "msg_lang", "en")
        err.write("kasu lsp: " + translate(N_("the language server needs the `lsp` extra ({missing} is not "
                                              "installed).", missing=missing), lang) + "\n"
                  + translate(N_("hint: {hint}", hint=INSTALL), lang) + "\n")
        return EXIT_MISSING
    import sys

    if sys.stdin is None or sys.stdout is None:  # the protocol needs both (`<&-`, `>&-`)
        err.write("kasu lsp: " + translate(N_("standard input or standard output is closed: the language server "
                                              "talks over both"), getattr(args, "msg_lang", "en")) + "\n")
        return 1
    serve()
    return 0


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu lsp` to the subcommands (pygls is needed only when it runs: the `lsp` extra)."""
    from ..common import exit_codes

    p = sub.add_parser("lsp", help=_("run the Language Server Protocol server on standard input/output"),
                       description=_("Serve the Language Server Protocol on standard input/output for editors "
                                     "(needs the `lsp` extra)."),
                       epilog=exit_codes(_, _("0  the client asked the server to exit"),
                                         _("2  the `lsp` extra is not installed")))
    p.set_defaults(run=cmd_lsp)
