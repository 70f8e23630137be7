"""The `kasu` command line: subcommands, options and exit codes (section 8 of the contract)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence, TextIO

from . import __version__
from .diagnostics import render_text
from .loader import load_path

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID_RECORDS = 3


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 and a hint to --help (never a traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n(run `{self.prog} --help` for help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="kasu", description="Customer-harassment (カスハラ) policies: check, evaluate, test, "
                                          "format and document .kasu files.")
    ap.add_argument("--version", action="version", version=f"kasu {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("check", help="parse, resolve, type-check and lint policies")
    p.add_argument("policies", nargs="+", metavar="POLICY")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_check)
    return ap


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    all_diags = []
    failed = False
    blocks = []
    for path in args.policies:
        loaded = load_path(path)
        diags = loaded.result.diagnostics
        all_diags.extend(diags)
        failed = failed or not loaded.result.ok
        if diags:
            blocks.append(render_text(diags, loaded.sources))
    if args.format == "json":
        out.write(json.dumps([d.to_dict() for d in all_diags], ensure_ascii=False, indent=2) + "\n")
    else:
        if blocks:
            out.write("\n\n".join(blocks) + "\n")
        errors = sum(1 for d in all_diags if d.is_error)
        warnings = len(all_diags) - errors
        files = len(args.policies)
        summary = (f"checked {files} file{'s' if files != 1 else ''}: {errors} error{'s' if errors != 1 else ''}, "
                   f"{warnings} warning{'s' if warnings != 1 else ''}")
        out.write(("\n" if blocks else "") + summary + "\n")
    return EXIT_FAIL if failed else EXIT_OK


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run `kasu` with `argv`; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        ap.print_help(out)
        return EXIT_USAGE
    try:
        return args.run(args, out, err)
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


def entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())
