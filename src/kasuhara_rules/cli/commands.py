"""The `kasu` command line: subcommands, options and exit codes (section 8 of the contract)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator, Sequence, TextIO, cast

from .. import __version__
from ..diagnostics import render_json, render_text
from ..i18n import N_, choose_language, gettext_for, translate
from .batch import dump_json
from .common import (  # noqa: F401 (re-exported: the commands' shared pieces)
    ARGPARSE_WORDS, EXIT_BROKEN_PIPE, EXIT_FAIL, EXIT_INTERRUPTED, EXIT_INVALID_RECORDS, EXIT_OK, EXIT_USAGE, Progress,
    NoInput, _formatter, _Parser, emit, parser_for, stdin_bytes, typed,
)
from .evaluate import EvalTally, _eval_parallel, _eval_serial, _render_options, cmd_eval  # noqa: F401 (re-exported)
from ..check.loader import load_path

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..engine.policy import Policy

FORMATS = ("jsonl", "json", "csv")  # batch.FORMATS, without importing the evaluator for `kasu check`


def _exits(_: Callable[[str], str], *codes: str) -> str:
    return _("exit codes:") + "\n" + "\n".join("  " + c for c in codes)


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The argument parser, its help in `lang`."""
    _ = gettext_for(lang)
    fmt = _formatter(lang)
    parser_class = parser_for(lang)
    ap = parser_class(prog="kasu", formatter_class=fmt,
                      description=_("Customer-harassment (カスハラ) policies: check, evaluate, test, "
                                    "format and document .kasu files."),
                      epilog=_exits(_, _("0  success"), _("1  errors in a policy or a failed test"),
                                    _("2  usage error"), _("3  some records invalid")))
    ap.add_argument("--version", action="version", version=f"kasu {__version__}", help=_("show the version and exit"))
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class,
                            title=_("commands"), help=_("run `kasu COMMAND --help` for its arguments"))

    p = sub.add_parser("check", help=_("parse, resolve, type-check and lint policies"), formatter_class=fmt,
                       description=_("Parse, resolve, type-check and lint each policy; a directory stands for "
                                     "every .kasu file under it."),
                       epilog=_exits(_, _("0  no errors (warnings allowed)"), _("1  errors"), _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files or directories"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: one array of diagnostics"))
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("eval", help=_("decide incident records (JSON, JSON Lines or CSV)"), formatter_class=fmt,
                       description=_("Decide each record and write one decision per record, in input order: "
                                     "JSON Lines by default, or the explanation for people with --format text. "
                                     "With no RECORDS (or -), JSON Lines are read from standard input. "
                                     "A one-line summary goes to standard error at the end."),
                       epilog=_exits(_, _("0  every record decided"), _("1  errors in the policy"),
                                     _("2  usage error"), _("3  some records invalid (the rest still decided)")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.add_argument("records", nargs="*", metavar="RECORDS",
                   help=_("record files (.json, .jsonl, .ndjson, .csv); - or none: standard input"))
    p.add_argument("--explain", action="store_true", help=_("add the trace of every rule to each decision"))
    p.add_argument("--format", choices=("json", "text"), default="json",
                   help=_("json: one JSON object a line (default); text: the explanation for people"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of messages and of --format text (the explanation defaults to ja)"))
    p.add_argument("--show-sensitive", action="store_true", help=_("show sensitive field values (never by default)"))
    p.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress line on standard error"))
    p.add_argument("--jobs", type=typed(_positive, lang), default=1, metavar="N",
                   help=_("decide in N processes (output stays in input order)"))
    _encoding_option(p, _, lang)
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("test", help=_("run the example blocks of policies"), formatter_class=fmt,
                       description=_("Run every `example` block and print each failure with the explanation."),
                       epilog=_exits(_, _("0  all examples pass"), _("1  a failure or a policy error"),
                                     _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files"))
    p.add_argument("--coverage", action="store_true", help=_("list per rule how many examples matched it"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: the results as JSON"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of messages and failure explanations (explanations default to ja)"))
    p.set_defaults(run=cmd_test)

    p = sub.add_parser("fmt", help=_("rewrite policies in the canonical layout"), formatter_class=fmt,
                       description=_("Rewrite each file in place in the canonical layout, keeping comments. "
                                     "`-` formats standard input to standard output."),
                       epilog=_exits(_, _("0  done (or nothing to reformat with --check)"),
                                     _("1  --check found a file to reformat, or a file has errors"),
                                     _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files, or - for standard input"))
    p.add_argument("--check", action="store_true", help=_("write nothing; exit 1 if a file would change"))
    p.add_argument("--diff", action="store_true", help=_("write nothing; print what would change"))
    p.set_defaults(run=cmd_fmt)

    p = sub.add_parser("diff", help=_("show what a new policy version decides differently on the same records"),
                       formatter_class=fmt,
                       description=_("Evaluate OLD and NEW on the same records and report every record whose "
                                     "outcome, severity, deciding rule or escalation changes, with a table of "
                                     "transitions."),
                       epilog=_exits(_, _("0  nothing changed"), _("1  changes"), _("2  usage error"),
                                     _("3  some records undecidable by either version")))
    p.add_argument("old", metavar="OLD", help=_("the current policy file"))
    p.add_argument("new", metavar="NEW", help=_("the new policy file"))
    p.add_argument("records", nargs="+", metavar="RECORDS", help=_("record files (.json, .jsonl, .ndjson, .csv)"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: the report as JSON"))
    p.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    _encoding_option(p, _, lang)
    p.set_defaults(run=cmd_diff)

    p = sub.add_parser("doc", help=_("write the staff guideline of a policy (Markdown or HTML)"), formatter_class=fmt,
                       description=_("Write the staff guideline: every rule as plain-language criteria, responses, "
                                     "escalation and citations."),
                       epilog=_exits(_, _("0  written"), _("1  errors in the policy"), _("2  usage error")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of the guideline and messages (the guideline defaults to ja)"))
    p.add_argument("--format", choices=("md", "html"), default="md", help=_("md: Markdown (default); html: HTML"))
    p.add_argument("--audience", choices=("staff", "auditor"), default="staff",
                   help=_("staff: labels only, with a first page to pin by the phone (default); "
                          "auditor: with the policy's codes and source positions"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    p.set_defaults(run=cmd_doc)

    p = sub.add_parser("schema", help=_("print the JSON Schema (2020-12) of the incident record"), formatter_class=fmt,
                       epilog=_exits(_, _("0  printed"), _("1  errors in the policy"), _("2  usage error")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.set_defaults(run=cmd_schema)

    from .init import add_parser as add_init
    add_init(sub, _, fmt, _exits)
    from .lsp import cmd_lsp  # needs pygls only when run (the `lsp` extra)
    p = sub.add_parser("lsp", help=_("run the Language Server Protocol server on standard input/output"),
                       description=_("Serve the Language Server Protocol on standard input/output for editors "
                                     "(needs the `lsp` extra)."),
                       epilog=_exits(_, _("0  the client asked the server to exit"),
                                     _("2  the `lsp` extra is not installed")))
    p.set_defaults(run=cmd_lsp)
    from . import report, survey  # their own modules (issue 16)
    report.register(sub, _)
    survey.register(sub, _)
    return ap


def finish_parser(ap: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Give every command `--lang` and translate argparse's own -h help (call after all commands exist)."""
    _ = gettext_for(lang)
    parsers = [ap]
    for action in ap._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers.extend(action.choices.values())
    for p in parsers:
        if not any("--lang" in a.option_strings for a in p._actions):
            p.add_argument("--lang", choices=("ja", "en"), default=None,
                           help=_("language of messages (default: KASU_LANG, then the locale, else en)"))
        for a in p._actions:
            if isinstance(a, argparse._HelpAction):
                a.help = _("show this help message and exit")
    return ap


def _peek_lang(argv: Sequence[str]) -> str | None:
    """The value of --lang in argv, before parsing (the help itself is in that language)."""
    for i, word in enumerate(argv):
        if word == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
    return None


def _encoding_option(p: argparse.ArgumentParser, _: Callable[[str], str] = lambda text: text,
                     lang: str = "en") -> None:
    p.add_argument("--encoding", type=typed(_encoding, lang), default="utf-8", metavar="NAME",
                   help=_("read RECORDS in this encoding (default utf-8; cp932 for CSV saved by Japanese Excel)"))


def _encoding(text: str) -> str:
    from .batch import check_encoding

    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(exc.args[0] if exc.args else str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(N_("{text} is not a whole number", text=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(N_("must be at least 1"))
    return value


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


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..engine.policy import PolicyError
    from .examples import render_text as render_report
    from .examples import run_file, summary

    reports = []
    failed_to_load = False
    for path in args.policies:
        try:
            reports.append(run_file(path))
        except PolicyError as exc:
            emit(err, exc.render(args.msg_lang) + "\n")
            failed_to_load = True
    if args.format == "json":
        data = {"passed": sum(r.passed for r in reports), "failed": sum(r.failed for r in reports),
                "policies": [r.to_dict() for r in reports]}
        emit(out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        for report in reports:
            emit(out, render_report(report, coverage=args.coverage, lang=args.lang or "ja",
                                    msg_lang=args.msg_lang) + "\n")
        emit(out, translate(summary(reports), args.msg_lang) + "\n")
    ok = not failed_to_load and all(r.failed == 0 for r in reports)
    return EXIT_OK if ok else EXIT_FAIL


def cmd_fmt(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import difflib

    from ..render.formatter import FormatError, format_text
    from ..source import DecodeError, decode_source

    status = EXIT_OK
    for path in args.policies:
        try:
            if path == "-":
                data = stdin_bytes().read()
                raw = data if isinstance(data, bytes) else data.encode()
            else:
                with open(path, "rb") as handle:
                    raw = handle.read()
            original = decode_source(raw)
            formatted = format_text(original, path)
        except OSError as exc:
            emit(err, translate(N_("kasu fmt: cannot read {path}: {reason}", path=path,
                                   reason=exc.strerror or exc), args.msg_lang) + "\n")
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
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(formatted)
            emit(out, translate(N_("reformatted {path}", path=path), args.msg_lang) + "\n")
    return status


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .batch import format_of, read_path
    from ..engine.policy import policy_from

    import io

    from .diff import compare, render_text as render_diff

    policies = []
    for path in (args.old, args.new):
        loaded = load_path(path)
        if loaded.result.policy is None:
            emit(err, render_text(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
            return EXIT_USAGE
        policies.append(policy_from(loaded.result, loaded.files, path, loaded.sources))
    for path in args.records:
        if path != "-" and not os.path.isfile(path):
            emit(err, translate(N_("kasu diff: cannot read {path}: no such file", path=path), args.msg_lang) + "\n")
            return EXIT_USAGE
        if args.input_format is None and format_of(path) is None:
            emit(err, translate(N_("kasu diff: cannot tell the format of {path}: use .json, .jsonl, .ndjson or .csv",
                                   path=path), args.msg_lang) + "\n")
            return EXIT_USAGE
    stdin = stdin_bytes() if "-" in args.records else None
    if stdin is not None:  # read twice (once per schema): keep it
        stdin = io.BytesIO(stdin.read())

    def records(policy: Policy) -> Iterator[tuple[int, Any]]:  # each version reads the records with its own schema
        for path in args.records:
            if path == "-" and stdin is not None:
                stdin.seek(0)
            yield from read_path(path, policy.checked.fields, args.input_format, stdin, args.encoding)

    from .batch import EncodingRefused

    try:
        report = compare(policies[0], policies[1], records(policies[0]), records(policies[1]))
    except EncodingRefused as exc:
        emit(err, "kasu diff: " + translate(exc.args[0] if exc.args else str(exc), args.msg_lang) + "\n")
        return EXIT_USAGE
    if args.format == "json":
        emit(out, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        emit(out, render_diff(report, args.msg_lang) + "\n")
    if report.undecidable:
        return EXIT_INVALID_RECORDS
    return EXIT_FAIL if report.changes else EXIT_OK


def cmd_doc(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.guide import build_guide

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
        return EXIT_FAIL
    text = build_guide(loaded.result.policy, args.lang or "ja", args.format, args.audience)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            emit(err, translate(N_("kasu doc: cannot write {path}: {reason}", path=args.output,
                                   reason=exc.strerror or exc), args.msg_lang) + "\n")
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


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run `kasu` with `argv`; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(_peek_lang(argv), os.environ)
    ap = finish_parser(build_parser(lang), lang)
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        ap.print_help(out)
        return EXIT_USAGE
    args.msg_lang = lang
    try:
        code: int = args.run(args, out, err)
        if not getattr(out, "closed", False):  # (the language server closes it when the client exits)
            out.flush()  # a full disk shows here, not silently at exit
        return code
    except KeyboardInterrupt:
        emit(err, translate(N_("interrupted"), lang) + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`kasu eval … | head`): quiet, but not success
        _discard(out)
        return EXIT_BROKEN_PIPE
    except NoInput as exc:
        emit(err, f"kasu {args.command}: " + translate(exc.args[0], lang) + "\n")
        return EXIT_USAGE
    except OSError as exc:  # a full disk, a failing device: say so, never exit 0
        _discard(out)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        emit(err, f"kasu {args.command}: " + translate(N_("cannot go on: {reason}{where}",
                                                           reason=exc.strerror or exc, where=where), lang) + "\n")
        return EXIT_FAIL


def _discard(out: TextIO) -> None:
    """After a write failed: point standard output at /dev/null so that the final flush at
    exit cannot fail again (and print "Exception ignored …")."""
    try:
        if out is sys.stdout or out is sys.__stdout__:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    except (OSError, ValueError):
        pass


def entry() -> None:  # pragma: no cover - the console script
    try:
        code = main()
    except KeyboardInterrupt:  # Ctrl-C before main's own handler (while starting up)
        emit(sys.stderr, "kasu: " + translate(N_("interrupted"), choose_language(_peek_lang(sys.argv), os.environ))
             + "\n")
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        # Ctrl-C: leave now, without the interpreter's shutdown, whose joining of the worker
        # pool's feeder threads can print "Exception ignored …" about pipes the workers closed.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)
