"""`kasu report`: decide incident records and write the trend report (HTML, Markdown or JSON)."""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from ..i18n import N_, os_reason
from .common import encoding_option, exit_codes, month, typed, unreadable

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INVALID_RECORDS = 0, 1, 2, 3


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu report` to the subcommands."""
    from ..reading.batch import FORMATS

    p = sub.add_parser("report", help=_("the trend report of decided incidents (HTML with charts, Markdown, JSON)"),
                       description=_("Decide the records and report counts per period by outcome, severity, rule, "
                                     "escalation and each `one of` field, the review backlog, the rules that fire "
                                     "most, the change since the previous period and the invalid records. "
                                     "No sensitive field value ever appears in a report."),
                       epilog=exit_codes(_, _("0  written"), _("1  errors in the policy"), _("2  usage error"),
                                         _("3  some records invalid (counted and listed in the report)")))
    p.add_argument("policy", nargs="?", metavar="POLICY", help=_("the policy file (not with --db)"))
    p.add_argument("records", nargs="*", metavar="RECORDS", help=_("record files (.json, .jsonl, .ndjson, .csv, .xlsx)"))
    p.add_argument("--db", metavar="URL", help=_("report from the journal at URL instead of record files, with "
                                                 "people's verdicts beside the machine's decisions"))
    p.add_argument("--format", choices=("html", "md", "json"), default="html",
                   help=_("html: with charts, printable (default); md: Markdown; json: the figures as JSON"))
    p.add_argument("--by", choices=("month", "quarter", "fiscal-quarter", "fiscal-year"), default="month",
                   help=_("periods: calendar months (default) or quarters, or quarters and years of the fiscal year "
                          "(年度, named after the year it starts in: 2026年度 / FY2026)"))
    p.add_argument("--fiscal-start", type=typed(month, lang), default=4, metavar="MONTH",
                   help=_("the month fiscal years start in, 1 to 12 (default 4, April, as the Japanese 年度)"))
    p.add_argument("--date-field", metavar="NAME", help=_("the date or datetime field periods come from "
                                                          "(default: the first datetime field of the schema)"))
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help=_("language of the report (default ja)"))
    p.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    encoding_option(p, _, lang)
    p.add_argument("--no-progress", action="store_true", help=_("no progress line on standard error"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    p.set_defaults(run=cmd_report)


def write_output(path: str | None, text: str, out: TextIO, err: TextIO, command: str, lang: str = "en") -> int:
    """Write text to FILE (UTF-8, all or nothing: files.write_atomic) or standard output; a usage error
    when FILE cannot be written (an existing FILE is then left as it was)."""
    from ..files import write_atomic
    from .common import emit, say

    if not path:
        emit(out, text)
        return EXIT_OK
    try:
        write_atomic(path, text)
    except OSError as exc:
        say(err, command, N_("cannot write {path}: {reason}", path=path, reason=os_reason(exc)), lang)
        return EXIT_USAGE
    return EXIT_OK


def charts_missing(exc: Exception) -> str:
    """The message of a missing charting extra, with what works without it."""
    return N_("{reason}\n(--format md and --format json need no extra)", reason=exc.args[0] if exc.args else exc)


def unreadable_inputs(paths: list[str], input_format: str | None) -> str | None:
    """Why RECORDS cannot be read (a missing file, a format that cannot be told), or None."""
    from ..reading.batch import format_of

    for path in paths:
        problem = unreadable(path)
        if problem is not None:
            return problem
        if input_format is None and format_of(path) is None:
            return N_("cannot tell the format of {path}: use .json, .jsonl, .ndjson, .csv or .xlsx, "
                      "or --input-format", path=path)
    return None


def charts_ready(args: argparse.Namespace, err: TextIO, lang: str) -> bool:
    """For --format html: whether the charting extra is there (saying so when it is not), before any work."""
    if args.format != "html":
        return True
    try:
        import vl_convert  # noqa: F401 - only to fail before deciding thousands of records
    except ImportError:
        from ..render.charts import ChartsUnavailable
        from .common import say

        say(err, "report", charts_missing(ChartsUnavailable()), lang)
        return False
    return True


def cmd_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..check.loader import load_path
    from ..diagnostics import render_text
    from ..policy import policy_from
    from ..render import report as rep
    from ..reading import InputRefused, read_records
    from .common import Progress, emit, notices, say, stdin_bytes

    lang = getattr(args, "msg_lang", args.lang)
    if args.db:
        return _from_journal(args, out, err, lang)
    if not args.policy or not args.records:
        say(err, "report", N_("give POLICY and RECORDS, or --db URL to report from the journal"), lang)
        return EXIT_USAGE
    loaded = load_path(args.policy)
    if not loaded.result.ok:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, lang) + "\n")
        return EXIT_FAIL
    policy = policy_from(loaded.result, loaded.files, args.policy, loaded.sources)
    try:
        rep.pick_date_field(policy.checked, args.date_field)
    except rep.ReportError as exc:
        say(err, "report", exc.args[0], lang)
        return EXIT_USAGE
    problem = unreadable_inputs(args.records, args.input_format)
    if problem is not None:
        say(err, "report", problem, lang)
        return EXIT_USAGE
    if not charts_ready(args, err, lang):
        return EXIT_USAGE
    stdin = stdin_bytes() if "-" in args.records else None  # closed (`<&-`): a message, exit 2
    progress = Progress(err, not args.no_progress, lang, "kasu report")

    tell = notices(err, "report", lang)

    def decisions() -> Iterator[tuple[str, Any]]:
        for path in args.records:
            for line, record in read_records(path, policy, encoding=args.encoding, input_format=args.input_format,
                                             notice=tell, stdin=stdin):
                yield path, policy.evaluate_numbered(record, line)
                progress.tick()

    try:
        data = rep.aggregate(policy.checked, decisions(), args.by, args.date_field, args.records, args.fiscal_start)
    except InputRefused as exc:
        progress.done()
        say(err, "report", exc.args[0], lang)
        return EXIT_USAGE
    progress.done()
    return _write(args, data, out, err, lang)


def _from_journal(args: argparse.Namespace, out: TextIO, err: TextIO, lang: str) -> int:
    """`kasu report --db URL`: the journal's latest decisions, with people's verdicts per rule."""
    from ..journal import JournalError, open_journal
    from ..render.report import ReportError
    from .common import emit, say

    if args.policy or args.records:
        say(err, "report", N_("--db reports from the journal: give no POLICY or RECORDS with it"), lang)
        return EXIT_USAGE
    if not charts_ready(args, err, lang):
        return EXIT_USAGE
    try:
        with open_journal(args.db, create=False) as journal:  # a report reads: a mistyped path creates nothing
            data = journal.report(args.by, args.date_field, args.fiscal_start)
    except JournalError as exc:
        emit(err, "kasu report: " + exc.render(lang) + "\n")
        return int(exc.exit)
    except ReportError as exc:  # a report option that does not fit the policy (--date-field, --fiscal-start)
        say(err, "report", exc.args[0], lang)
        return EXIT_USAGE
    return _write(args, data, out, err, lang)


def _write(args: argparse.Namespace, data: dict[str, Any], out: TextIO, err: TextIO, lang: str) -> int:
    from ..render import report as rep

    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "md":
        text = rep.to_markdown(data, args.lang)
    else:
        from ..render.charts import render_svg

        text = rep.to_html(data, args.lang, render_svg(rep.chart_specs(data, args.lang)))
    status = write_output(args.output, text, out, err, "report", lang)
    if status != EXIT_OK:
        return status
    return EXIT_INVALID_RECORDS if data["invalid"]["count"] else EXIT_OK
