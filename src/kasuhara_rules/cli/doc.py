"""`kasu doc` and `kasu schema`: the staff guideline and the JSON Schema of the incident record."""
from __future__ import annotations

import argparse
import json
from typing import Any, Callable, TextIO

from ..check.loader import load_path
from ..diagnostics import render_text
from ..i18n import N_, os_reason, translate
from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, emit, exit_codes


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu doc` to the subcommands."""
    p = sub.add_parser("doc", help=_("write the staff guideline of a policy (Markdown or HTML)"), description=_("Write the staff guideline: every rule as plain-language criteria, responses, "
                                     "escalation and citations."),
                       epilog=exit_codes(_, _("0  written"), _("1  errors in the policy"), _("2  usage error")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of the guideline and messages (the guideline defaults to ja)"))
    p.add_argument("--format", choices=("md", "html"), default="md", help=_("md: Markdown (default); html: HTML"))
    p.add_argument("--audience", choices=("staff", "auditor"), default="staff",
                   help=_("staff: labels only, with a first page to pin by the phone (default); "
                          "auditor: with the policy's codes and source positions"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    p.set_defaults(run=cmd_doc)
    p = sub.add_parser("schema", help=_("print the JSON Schema (2020-12) of the incident record"), epilog=exit_codes(_, _("0  printed"), _("1  errors in the policy"), _("2  usage error")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.set_defaults(run=cmd_schema)


def cmd_doc(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.guide import build_guide

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
        return EXIT_FAIL
    text = build_guide(loaded.result.policy, args.lang or "ja", args.format, args.audience)
    if args.output:
        from ..files import write_atomic

        try:
            write_atomic(args.output, text)  # all or nothing: a failed write leaves the old guide
        except OSError as exc:
            emit(err, translate(N_("kasu doc: cannot write {path}: {reason}", path=args.output,
                                   reason=os_reason(exc)), args.msg_lang) + "\n")
            return EXIT_USAGE
    else:
        emit(out, text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.json_schema import record_schema

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
        return EXIT_FAIL
    emit(out, json.dumps(record_schema(loaded.result.policy), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
