"""`kasu lsp`: a Language Server Protocol server for .kasu files (needs the `lsp` extra)."""
from __future__ import annotations

import argparse
from typing import TextIO

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
    serve()
    return 0
