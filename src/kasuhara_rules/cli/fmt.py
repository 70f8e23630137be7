"""`kasu fmt`: rewrite policies in the canonical layout (or check, or show the difference)."""
from __future__ import annotations

import argparse
from typing import Any, Callable, TextIO

from ..diagnostics import render_text
from ..i18n import N_, os_reason, translate
from .common import EXIT_FAIL, EXIT_OK, emit, exit_codes, stdin_bytes


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu fmt` to the subcommands."""
    p = sub.add_parser("fmt", help=_("rewrite policies in the canonical layout"), description=_("Rewrite each file in place in the canonical layout, keeping comments. "
                                     "`-` formats standard input to standard output."),
                       epilog=exit_codes(_, _("0  done (or nothing to reformat with --check)"),
                                     _("1  --check found a file to reformat, or a file has errors"),
                                     _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files, or - for standard input"))
    p.add_argument("--check", action="store_true", help=_("write nothing; exit 1 if a file would change"))
    p.add_argument("--diff", action="store_true", help=_("write nothing; print what would change"))
    p.set_defaults(run=cmd_fmt)


def cmd_fmt(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import difflib

    from ..render.formatter import FormatError, format_text
    from ..source import DecodeError, decode_source
    from .check import policy_paths

    status = EXIT_OK
    for path in policy_paths(args.policies):
        try:
            if path == "-":
                data = stdin_bytes(N_("standard input is closed: give POLICY files, or pipe a policy in")).read()
                raw = data if isinstance(data, bytes) else data.encode()
            else:
                with open(path, "rb") as handle:
                    raw = handle.read()
            original = decode_source(raw)
            formatted = format_text(original, path)
        except OSError as exc:
            emit(err, translate(N_("kasu fmt: cannot read {path}: {reason}", path=path,
                                   reason=os_reason(exc)), args.msg_lang) + "\n")
            status = EXIT_FAIL
            continue
        except DecodeError as exc:
            emit(err, f"{path}:{exc.line}:{exc.column}: {translate(exc.message, args.msg_lang)}\n")
            status = EXIT_FAIL
            continue
        except FormatError as exc:
            from ..source import SourceText

            emit(err, render_text(exc.diagnostics, {path: SourceText.from_text(path, original)}, args.msg_lang) + "\n")
            status = EXIT_FAIL
            continue
        if path == "-" and not (args.check or args.diff):
            emit(out, formatted)
            continue
        changed = formatted != raw.decode("utf-8", "replace")
        if args.diff and changed:
            emit(out, "".join(difflib.unified_diff(original.splitlines(True), formatted.splitlines(True),
                                                   translate(N_("{path} (original)", path=path), args.msg_lang),
                                                   translate(N_("{path} (formatted)", path=path), args.msg_lang))))
        if args.check:
            if changed:
                emit(out, translate(N_("would reformat {path}", path=path), args.msg_lang) + "\n")
                status = EXIT_FAIL
        elif not args.diff and changed:
            from ..files import write_atomic

            write_atomic(path, formatted)  # never truncated in place: a failed write leaves the policy whole
            emit(out, translate(N_("reformatted {path}", path=path), args.msg_lang) + "\n")
    return status
