"""`kasu eval`: records in, decisions out (in this process or with --jobs N), and the summary line."""
from __future__ import annotations

import argparse
import os
import sys
from typing import IO, TYPE_CHECKING, Any, Callable, Iterator, TextIO, cast

from ..diagnostics import render_text
from ..i18n import N_, gettext_for, os_reason, translate
from .common import (
    EXIT_FAIL, EXIT_INVALID_RECORDS, EXIT_OK, EXIT_USAGE, FORMATS, Progress, emit, encoding_option, exit_codes,
    output_to, positive, stdin_bytes, typed, unreadable,
)
from ..check.loader import load_path

if TYPE_CHECKING:
    from ..policy import Policy

def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu eval` to the subcommands."""
    p = sub.add_parser("eval", help=_("decide incident records (JSON, JSON Lines or CSV)"), description=_("Decide each record and write one decision per record, in input order: "
                                     "JSON Lines by default, or the explanation for people with --format text. "
                                     "With no RECORDS (or -), JSON Lines are read from standard input. "
                                     "A one-line summary goes to standard error at the end."),
                       epilog=exit_codes(_, _("0  every record decided"), _("1  errors in the policy"),
                                     _("2  usage error"), _("3  some records invalid (the rest still decided)")))
    p.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    p.add_argument("records", nargs="*", metavar="RECORDS", default=[],
                   help=_("record files (.json, .jsonl, .ndjson, .csv, .xlsx); - or none: standard input"))
    p.add_argument("--explain", action="store_true", help=_("add the trace of every rule to each decision"))
    p.add_argument("--format", choices=("json", "text", "csv"), default="json",
                   help=_("json: one JSON object a line (default); text: the explanation for people; csv: one row "
                          "a decision, UTF-8 with a BOM, for Excel"))
    p.add_argument("-o", "--output", metavar="FILE",
                   help=_("write to FILE instead of standard output (whole or not at all; use it in PowerShell, "
                          "whose > changes the encoding)"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of messages and of --format text (the explanation defaults to ja)"))
    p.add_argument("--show-sensitive", action="store_true", help=_("show sensitive field values (never by default)"))
    p.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    p.add_argument("--no-progress", action="store_true", help=_("no progress line on standard error"))
    p.add_argument("--jobs", type=typed(positive, lang), default=1, metavar="N",
                   help=_("decide in N processes (output stays in input order)"))
    encoding_option(p, _, lang)
    p.set_defaults(run=cmd_eval)


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..reading.batch import InputRefused, format_of
    from ..policy import policy_from

    lang = args.msg_lang
    loaded = load_path(args.policy)
    if not loaded.result.ok:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, lang) + "\n")
        return EXIT_FAIL
    policy = policy_from(loaded.result, loaded.files, args.policy, loaded.sources)
    inputs = args.records or ["-"]
    for path in inputs:
        problem = unreadable(path)
        if problem is not None:
            emit(err, "kasu eval: " + translate(problem, lang) + "\n")
            return EXIT_USAGE
        if args.input_format is None and format_of(path) is None:
            emit(err, translate(N_("kasu eval: cannot tell the format of {path}: use .json, .jsonl, .ndjson, "
                                   ".csv or .xlsx, or --input-format", path=path), lang) + "\n")
            return EXIT_USAGE
    stdin = stdin_bytes() if "-" in inputs else None
    progress = Progress(err, not args.no_progress, lang)
    tally = EvalTally()
    try:
        with output_to(args.output, out) as target:
            if args.format == "csv":
                from ..render.spreadsheet import decision_header

                emit(target, decision_header())
            if args.jobs > 1:
                invalid = _eval_parallel(args, policy, inputs, stdin, target, progress, err, tally)
            else:
                invalid = _eval_serial(args, policy, inputs, stdin, target, progress, tally)
    except InputRefused as exc:
        progress.done()
        emit(err, "kasu eval: " + translate(exc.args[0] if exc.args else str(exc), lang) + "\n")
        return EXIT_USAGE
    except OSError as exc:
        if args.output is None or getattr(exc, "filename", None) not in (None, args.output):
            raise
        progress.done()
        emit(err, "kasu eval: " + translate(N_("cannot write {path}: {reason}", path=args.output,
                                                 reason=os_reason(exc)), lang) + "\n")
        return EXIT_USAGE
    progress.done()
    emit(err, tally.summary(lang) + "\n")
    return EXIT_INVALID_RECORDS if invalid else EXIT_OK


def _eval_serial(args: argparse.Namespace, policy: Policy, inputs: list[str], stdin: IO[bytes] | None,
                 out: TextIO, progress: Progress,
                 tally: "EvalTally | None" = None) -> int:
    from ..reading import read_records
    from .common import notices
    from .jobs import decide_one

    options = _render_options(args)
    tell = notices(progress.err, "eval", args.msg_lang)
    explain = args.explain or args.format == "text"
    invalid = 0
    first = True
    for path in inputs:
        for line, record in read_records(path, policy, encoding=args.encoding, input_format=args.input_format,
                                         notice=tell, stdin=stdin):
            text, bad, outcome = decide_one(policy, record, line, explain, options)
            if tally is not None:
                tally.add(outcome, True if bad else None, line)
            invalid += bad
            if args.format == "json":
                emit(out, text + "\n")
            elif args.format == "csv":
                emit(out, text)
            else:
                emit(out, ("" if first else "\n") + text + "\n")
            first = False
            progress.tick()
    return invalid


class EvalTally:
    """What `kasu eval` decided, for its one-line summary on standard error."""

    SHOWN = 5

    def __init__(self) -> None:
        self.outcomes: dict[str, int] = {}
        self.invalid_lines: list[object] = []
        self.invalid = 0

    def add(self, outcome: str | None, error: object, line: object) -> None:
        if error is not None:
            self.invalid += 1
            if len(self.invalid_lines) < self.SHOWN:
                self.invalid_lines.append(getattr(error, "line", None) or line)
        elif outcome is not None:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def summary(self, lang: str) -> str:
        """e.g. `kasu eval: 12 decided (kasuhara 3, claim 9); 2 invalid (lines 4, 9)`."""
        _ = gettext_for(lang)
        decided = sum(self.outcomes.values())
        per = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        text = _("kasu eval: {count} decided").format(count=decided) + (f" ({per})" if per else "")
        if self.invalid:
            lines = ", ".join(str(n) for n in self.invalid_lines if n is not None)
            more = ", …" if self.invalid > len(self.invalid_lines) else ""
            text += "; " + _("{count} invalid").format(count=self.invalid)
            if lines:
                text += " (" + _("lines {lines}").format(lines=lines + more) + ")"
        return text


def _render_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"format": args.format, "explain": args.explain, "lang": args.lang or "ja",
            "show_sensitive": args.show_sensitive, "encoding": args.encoding or "utf-8"}


def _eval_parallel(args: argparse.Namespace, policy: Policy, inputs: list[str], stdin: IO[bytes] | None,
                   out: TextIO, progress: Progress,
                   err: TextIO | None = None, tally: "EvalTally | None" = None) -> int:
    from . import jobs as parallel
    from ..reading import read_records
    from ..reading.batch import InputRefused, format_of
    from ..reading.encoding import as_utf8, resolve
    from .common import notices

    options = _render_options(args)
    tell = notices(progress.err, "eval", args.msg_lang)

    def tasks() -> Iterator[tuple[str, list[Any]]]:
        for path in inputs:
            kind = args.input_format or format_of(path)
            try:
                encoding = resolve(path, args.encoding, tell)
            except ValueError as exc:
                raise InputRefused(exc.args[0]) from None
            # standard input and pipes, read once, are judged as they are read (reading/encoding.as_utf8)
            guessed = args.encoding is None and (path == "-" or not os.path.isfile(path))
            if kind == "jsonl" and encoding == options["encoding"]:  # the workers decode the lines
                opened = cast("IO[bytes]", stdin) if path == "-" else open(path, "rb")
                stream = as_utf8(opened, N_("standard input") if path == "-" else path, tell) if guessed else opened
                try:
                    for chunk in parallel.chunks(enumerate(stream, 1)):
                        yield ("raw", chunk)
                finally:
                    if path != "-":
                        opened.close()
            else:
                for chunk in parallel.chunks(read_records(path, policy, encoding=None if guessed else encoding,
                                                          stdin=stdin, input_format=args.input_format,
                                                          notice=tell)):
                    yield ("records", chunk)

    first = [True]

    def write(text: str) -> None:
        if args.format == "json":
            emit(out, text + "\n")
        elif args.format == "csv":
            emit(out, text)
        else:
            emit(out, ("" if first[0] else "\n") + text + "\n")
            first[0] = False

    def warn(text: str) -> None:
        emit(sys.stderr if err is None else err, "kasu eval: " + translate(text, args.msg_lang) + "\n")

    return parallel.run(policy, tasks(), args.jobs, options, write, progress.tick, warn, tally)
