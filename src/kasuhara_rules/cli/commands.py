"""The `kasu` command line: subcommands, options and exit codes (section 8 of the contract)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Sequence, TextIO

from .. import __version__
from ..diagnostics import render_json, render_text
from .batch import dump_json
from .common import (  # noqa: F401 (re-exported: the commands' shared pieces)
    EXIT_BROKEN_PIPE, EXIT_FAIL, EXIT_INTERRUPTED, EXIT_INVALID_RECORDS, EXIT_OK, EXIT_USAGE, Progress, _Parser, emit,
)
from ..check.loader import load_path

FORMATS = ("jsonl", "json", "csv")  # batch.FORMATS, without importing the evaluator for `kasu check`


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="kasu", description="Customer-harassment (カスハラ) policies: check, evaluate, test, "
                                          "format and document .kasu files.")
    ap.add_argument("--version", action="version", version=f"kasu {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("check", help="parse, resolve, type-check and lint policies")
    p.add_argument("policies", nargs="+", metavar="POLICY")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("eval", help="decide incident records (JSON, JSON Lines or CSV)",
                       description="Decide each record and write one decision per record, in input order: "
                                   "JSON Lines by default, or the explanation for people with --format text. "
                                   "With no RECORDS (or -), JSON Lines are read from standard input.")
    p.add_argument("policy", metavar="POLICY")
    p.add_argument("records", nargs="*", metavar="RECORDS")
    p.add_argument("--explain", action="store_true", help="add the trace of every rule to each decision")
    p.add_argument("--format", choices=("json", "text"), default="json",
                   help="json: one JSON object a line (default); text: the explanation for people")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of --format text (default ja)")
    p.add_argument("--show-sensitive", action="store_true", help="show sensitive field values (never by default)")
    p.add_argument("--input-format", choices=FORMATS, help="read RECORDS as this format, whatever the extension")
    p.add_argument("--no-progress", action="store_true", help="no progress line on standard error")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N",
                   help="decide in N processes (output stays in input order)")
    _encoding_option(p)
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("test", help="run the example blocks of policies")
    p.add_argument("policies", nargs="+", metavar="POLICY")
    p.add_argument("--coverage", action="store_true", help="list per rule how many examples matched it")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of failure explanations")
    p.set_defaults(run=cmd_test)

    p = sub.add_parser("fmt", help="rewrite policies in the canonical layout",
                       description="Rewrite each file in place in the canonical layout, keeping comments. "
                                   "`-` formats standard input to standard output.")
    p.add_argument("policies", nargs="+", metavar="POLICY")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    p.add_argument("--diff", action="store_true", help="write nothing; print what would change")
    p.set_defaults(run=cmd_fmt)

    p = sub.add_parser("diff", help="show what a new policy version decides differently on the same records",
                       description="Evaluate OLD and NEW on the same records and report every record whose outcome, "
                                   "severity, deciding rule or escalation changes, with a table of transitions.")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("records", nargs="+", metavar="RECORDS")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--input-format", choices=FORMATS, help="read RECORDS as this format, whatever the extension")
    _encoding_option(p)
    p.set_defaults(run=cmd_diff)

    p = sub.add_parser("doc", help="write the staff guideline of a policy (Markdown or HTML)")
    p.add_argument("policy", metavar="POLICY")
    p.add_argument("--lang", choices=("ja", "en"), default="ja")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("--audience", choices=("staff", "auditor"), default="staff",
                   help="staff: labels only, with a first page to pin by the phone (default); "
                        "auditor: with the policy's codes and source positions")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(run=cmd_doc)

    p = sub.add_parser("schema", help="print the JSON Schema (2020-12) of the incident record")
    p.add_argument("policy", metavar="POLICY")
    p.set_defaults(run=cmd_schema)

    from .lsp import cmd_lsp  # needs pygls only when run (the `lsp` extra)
    p = sub.add_parser("lsp", help="run the Language Server Protocol server on standard input/output")
    p.set_defaults(run=cmd_lsp)
    from . import report, survey  # their own modules (issue 16)
    report.register(sub)
    survey.register(sub)
    return ap


def _encoding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", type=_encoding, default="utf-8", metavar="NAME",
                   help="read RECORDS in this encoding (default utf-8; cp932 for CSV saved by Japanese Excel)")


def _encoding(text: str) -> str:
    from .batch import check_encoding

    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


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
        emit(out, render_json(all_diags) + "\n")
    else:
        if blocks:
            emit(out, "\n\n".join(blocks) + "\n")
        errors = sum(1 for d in all_diags if d.is_error)
        warnings = len(all_diags) - errors
        files = len(args.policies)
        summary = (f"checked {files} file{'s' if files != 1 else ''}: {errors} error{'s' if errors != 1 else ''}, "
                   f"{warnings} warning{'s' if warnings != 1 else ''}")
        emit(out, ("\n" if blocks else "") + summary + "\n")
    return EXIT_FAIL if failed else EXIT_OK


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .batch import EncodingRefused, format_of
    from ..engine.policy import policy_from

    loaded = load_path(args.policy)
    if not loaded.result.ok:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources) + "\n")
        return EXIT_FAIL
    policy = policy_from(loaded.result, loaded.files, args.policy, loaded.sources)
    inputs = args.records or ["-"]
    for path in inputs:
        if path != "-" and not os.path.isfile(path):
            err.write(f"kasu eval: cannot read {path}: no such file\n")
            return EXIT_USAGE
        if args.input_format is None and format_of(path) is None:
            err.write(f"kasu eval: cannot tell the format of {path}: use .json, .jsonl, .ndjson or .csv, "
                      "or --input-format\n")
            return EXIT_USAGE
    stdin = stdin_bytes() if "-" in inputs else None
    progress = Progress(err, not args.no_progress)
    try:
        if args.jobs > 1:
            invalid = _eval_parallel(args, policy, inputs, stdin, out, progress, err)
        else:
            invalid = _eval_serial(args, policy, inputs, stdin, out, progress)
    except EncodingRefused as exc:
        progress.done()
        emit(err, f"kasu eval: {exc}\n")
        return EXIT_USAGE
    progress.done()
    return EXIT_INVALID_RECORDS if invalid else EXIT_OK


def _eval_serial(args: argparse.Namespace, policy, inputs: list, stdin, out: TextIO, progress: Progress) -> int:
    from .batch import read_path
    from .jobs import decide_one

    options = _render_options(args)
    explain = args.explain or args.format == "text"
    invalid = 0
    first = True
    for path in inputs:
        for line, record in read_path(path, policy.checked.fields, args.input_format, stdin, args.encoding):
            text, bad = decide_one(policy, record, line, explain, options)
            invalid += bad
            if args.format == "json":
                emit(out, text + "\n")
            else:
                emit(out, ("" if first else "\n") + text + "\n")
            first = False
            progress.tick()
    return invalid


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
            emit(err, exc.render() + "\n")
            failed_to_load = True
    if args.format == "json":
        data = {"passed": sum(r.passed for r in reports), "failed": sum(r.failed for r in reports),
                "policies": [r.to_dict() for r in reports]}
        emit(out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        for report in reports:
            emit(out, render_report(report, coverage=args.coverage, lang=args.lang) + "\n")
        emit(out, summary(reports) + "\n")
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
            err.write(f"kasu fmt: cannot read {path}: {exc.strerror or exc}\n")
            status = EXIT_FAIL
            continue
        except DecodeError as exc:
            err.write(f"{path}:{exc.line}:{exc.column}: {exc.message}\n")
            status = EXIT_FAIL
            continue
        except FormatError as exc:
            from ..source import SourceText

            emit(err, render_text(exc.diagnostics, {path: SourceText.from_text(path, original)}) + "\n")
            status = EXIT_FAIL
            continue
        if path == "-" and not (args.check or args.diff):
            emit(out, formatted)
            continue
        changed = formatted != raw.decode("utf-8", "replace")
        if args.diff and changed:
            emit(out, "".join(difflib.unified_diff(original.splitlines(True), formatted.splitlines(True),
                                                   f"{path} (original)", f"{path} (formatted)")))
        if args.check:
            if changed:
                emit(out, f"would reformat {path}\n")
                status = EXIT_FAIL
        elif not args.diff and changed:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(formatted)
            emit(out, f"reformatted {path}\n")
    return status


def _render_options(args: argparse.Namespace) -> dict:
    return {"format": args.format, "explain": args.explain, "lang": args.lang,
            "show_sensitive": args.show_sensitive, "encoding": args.encoding}


def _eval_parallel(args: argparse.Namespace, policy, inputs: list, stdin, out: TextIO, progress: Progress,
                   err: TextIO | None = None) -> int:
    from . import jobs as parallel
    from .batch import format_of, read_path

    options = _render_options(args)

    def tasks():
        for path in inputs:
            kind = args.input_format or format_of(path)
            if kind == "jsonl":
                stream = stdin if path == "-" else open(path, "rb")
                try:
                    for chunk in parallel.chunks(enumerate(stream, 1)):
                        yield ("raw", chunk)
                finally:
                    if path != "-":
                        stream.close()
            else:
                for chunk in parallel.chunks(read_path(path, policy.checked.fields, args.input_format, stdin,
                                                       args.encoding)):
                    yield ("records", chunk)

    first = [True]

    def write(text: str) -> None:
        if args.format == "json":
            emit(out, text + "\n")
        else:
            emit(out, ("" if first[0] else "\n") + text + "\n")
            first[0] = False

    def warn(text: str) -> None:
        emit(sys.stderr if err is None else err, f"kasu eval: {text}\n")

    return parallel.run(policy, tasks(), args.jobs, options, write, progress.tick, warn)


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .batch import format_of, read_path
    from ..engine.policy import policy_from

    import io

    from .diff import compare, render_text as render_diff

    policies = []
    for path in (args.old, args.new):
        loaded = load_path(path)
        if loaded.result.policy is None:
            emit(err, render_text(loaded.result.diagnostics, loaded.sources) + "\n")
            return EXIT_USAGE
        policies.append(policy_from(loaded.result, loaded.files, path, loaded.sources))
    for path in args.records:
        if path != "-" and not os.path.isfile(path):
            err.write(f"kasu diff: cannot read {path}: no such file\n")
            return EXIT_USAGE
        if args.input_format is None and format_of(path) is None:
            err.write(f"kasu diff: cannot tell the format of {path}: use .json, .jsonl, .ndjson or .csv\n")
            return EXIT_USAGE
    stdin = stdin_bytes() if "-" in args.records else None
    if stdin is not None:  # read twice (once per schema): keep it
        stdin = io.BytesIO(stdin.read())

    def records(policy):  # each version reads the records with its own schema
        for path in args.records:
            if path == "-" and stdin is not None:
                stdin.seek(0)
            yield from read_path(path, policy.checked.fields, args.input_format, stdin, args.encoding)

    from .batch import EncodingRefused

    try:
        report = compare(policies[0], policies[1], records(policies[0]), records(policies[1]))
    except EncodingRefused as exc:
        emit(err, f"kasu diff: {exc}\n")
        return EXIT_USAGE
    if args.format == "json":
        emit(out, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        emit(out, render_diff(report) + "\n")
    if report.undecidable:
        return EXIT_INVALID_RECORDS
    return EXIT_FAIL if report.changes else EXIT_OK


def cmd_doc(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.guide import build_guide

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources) + "\n")
        return EXIT_FAIL
    text = build_guide(loaded.result.policy, args.lang, args.format, args.audience)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as exc:
            err.write(f"kasu doc: cannot write {args.output}: {exc.strerror or exc}\n")
            return EXIT_USAGE
    else:
        emit(out, text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.json_schema import record_schema

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources) + "\n")
        return EXIT_FAIL
    emit(out, json.dumps(record_schema(loaded.result.policy), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


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
        code = args.run(args, out, err)
        if not getattr(out, "closed", False):  # (the language server closes it when the client exits)
            out.flush()  # a full disk shows here, not silently at exit
        return code
    except KeyboardInterrupt:
        err.write("kasu: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`kasu eval … | head`): quiet, but not success
        _discard(out)
        return EXIT_BROKEN_PIPE
    except NoInput as exc:
        emit(err, f"kasu {args.command}: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:  # a full disk, a failing device: say so, never exit 0
        _discard(out)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        emit(err, f"kasu {args.command}: cannot go on: {exc.strerror or exc}{where} "
                  f"/ 入出力のエラーで続行できません\n")
        return EXIT_FAIL


class NoInput(Exception):
    """Standard input is needed but closed."""


def stdin_bytes():
    """The binary standard input; NoInput when it is closed (`<&-`)."""
    stream = sys.stdin
    if stream is None or getattr(stream, "closed", False):
        raise NoInput("standard input is closed: give RECORDS files, or pipe records in "
                      "/ 標準入力が閉じています: 記録のファイルを指定してください")
    return getattr(stream, "buffer", stream)


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
        sys.stderr.write("kasu: interrupted\n")
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
