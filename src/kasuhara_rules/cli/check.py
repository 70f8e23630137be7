"""`kasu check`: parse, resolve, type-check and lint policies; diagnostics as text or JSON."""
from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

from ..check.loader import load_path
from ..diagnostics import render_json, render_text
from ..i18n import N_, translate
from .common import EXIT_FAIL, EXIT_OK, emit, exit_codes

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu check` to the subcommands."""
    p = sub.add_parser("check", help=_("parse, resolve, type-check and lint policies"), description=_("Parse, resolve, type-check and lint each policy; a directory stands for "
                                     "every .kasu file under it."),
                       epilog=exit_codes(_, _("0  no errors (warnings allowed)"), _("1  errors"), _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files or directories"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: one array of diagnostics"))
    p.set_defaults(run=cmd_check)


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    all_diags: list[Diagnostic] = []
    failed = False
    blocks = []
    lang = args.msg_lang
    paths = policy_paths(args.policies)
    for path in paths:
        loaded = load_path(path)
        diags = loaded.result.diagnostics
        all_diags.extend(diags)
        failed = failed or not loaded.result.ok
        if diags:
            blocks.append(render_text(diags, loaded.sources, lang))
    if args.format == "json":
        emit(out, render_json(all_diags, lang) + "\n")
    else:
        if blocks:
            emit(out, "\n\n".join(blocks) + "\n")
        errors = sum(1 for d in all_diags if d.is_error)
        warnings = len(all_diags) - errors
        files = len(paths)
        summary = (f"checked {files} file{'s' if files != 1 else ''}: {errors} error{'s' if errors != 1 else ''}, "
                   f"{warnings} warning{'s' if warnings != 1 else ''}")
        if lang != "en":
            summary = translate(N_("checked {files} files: {errors} errors, {warnings} warnings",
                                     files=files, errors=errors, warnings=warnings), lang)
        emit(out, ("\n" if blocks else "") + summary + "\n")
    return EXIT_FAIL if failed else EXIT_OK


def policy_paths(names: Sequence[str]) -> list[str]:
    """The files to check: each name, or every .kasu file under it when it is a directory (sorted)."""
    paths: list[str] = []
    for name in names:
        if os.path.isdir(name):
            found: list[str] = []
            for root, dirs, files in os.walk(name):
                dirs.sort()
                found.extend(os.path.join(root, f) for f in files if f.endswith(".kasu"))
            paths.extend(sorted(found))
        else:
            paths.append(name)
    return paths
