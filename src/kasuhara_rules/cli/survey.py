"""`kasu survey`: the anonymous staff risk assessment (questionnaire template and its aggregate)."""
from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

if TYPE_CHECKING:
    from ..check.checked import CheckedPolicy

from ..i18n import N_, os_reason

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu survey template` and `kasu survey report` to the subcommands."""
    from .common import _Parser, encoding_option, exit_codes

    written = (_("0  written"), _("1  errors in the policy"), _("2  usage error"))
    aggregated = (_("0  written"), _("1  errors in the policy, or a sealed round whose answers changed (see --reopen)"),
                  _("2  usage error"), _("3  some answer rows invalid (counted by line)"))

    p = sub.add_parser("survey", help=_("the anonymous staff risk assessment: questionnaire and results"),
                       description=_("`kasu survey template POLICY` writes a questionnaire built from the policy; "
                                     "`kasu survey report ANSWERS…` aggregates the answers by group and round, "
                                     "publishing no figure that rests on fewer than K respondents."),
                       epilog=exit_codes(_, *aggregated))
    inner = p.add_subparsers(dest="survey_command", metavar="template|report",
                             help=_("template: write the questionnaire; report: aggregate the answers"), parser_class=getattr(sub, "_parser_class", _Parser))
    t = inner.add_parser("template", help=_("write the questionnaire (CSV for a form builder, or printable HTML)"),
                         epilog=exit_codes(_, *written))
    t.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    t.add_argument("--format", choices=("csv", "html"), default="csv",
                   help=_("csv: for a form builder or Excel (default); html: printable"))
    t.add_argument("--lang", choices=("ja", "en"), default="ja", help=_("language of the questionnaire (default ja)"))
    t.add_argument("--months", type=int, default=6, metavar="N", help=_("the period questions ask about (default 6)"))
    t.add_argument("--group", action="append", choices=("department", "role", "channel"),
                   help=_("a grouping question (repeatable; default department and role)"))
    t.add_argument("--by", choices=("rule", "tag"), default="rule", help=_("one question per rule, or per tag"))
    t.add_argument("--departments", action="append", default=[], metavar="LIST",
                   help=_("the departments to offer as choices, separated by commas (店舗A,店舗B; repeatable); "
                          "free text otherwise"))
    t.add_argument("--departments-from", metavar="FILE",
                   help=_("read the departments from FILE, one a line (# starts a comment)"))
    t.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    t.set_defaults(run=cmd_template)
    r = inner.add_parser("report", help=_("aggregate answers (CSV in UTF-8 or Shift_JIS, or .xlsx)"),
                         epilog=exit_codes(_, *aggregated))
    r.add_argument("answers", nargs="+", metavar="ANSWERS", help=_("one file per round (or a column `round`)"))
    r.add_argument("--policy", metavar="POLICY", help=_("the policy the questionnaire was built from"))
    r.add_argument("--min-group", type=int, default=5, metavar="K",
                   help=_("publish no figure resting on fewer than K respondents (default 5; at least 3)"))
    r.add_argument("--format", choices=("html", "md", "json"), default="html",
                   help=_("html: with charts, printable (default); md: Markdown; json: the figures as JSON"))
    r.add_argument("--lang", choices=("ja", "en"), default="ja", help=_("language of the report (default ja)"))
    r.add_argument("--group", action="append", default=[], metavar="HEADER",
                   help=_("also treat the column with this header as a grouping question"))
    r.add_argument("--by", choices=("rule", "tag"), default="rule", help=_("how the template was built"))
    r.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    r.add_argument("--seal", metavar="FILE",
                   help=_("where the fingerprints of reported rounds are kept (default: kasu-survey.seal.json beside "
                          "the output, or in the current directory)"))
    r.add_argument("--reopen", action="append", default=[], metavar="ROUND",
                   help=_("report this sealed round again although its answers changed (repeatable); anyone who "
                          "compares the two reports can then work out the answers that were added or removed"))
    encoding_option(r, _, lang, _("read CSV answers in this encoding (default: UTF-8, or Shift_JIS when the file "
                                  "is that, with a notice)"))
    r.set_defaults(run=cmd_survey_report)
    p.set_defaults(run=lambda args, out, err: _usage(p, err, _lang(args)))


def _lang(args: argparse.Namespace) -> str:
    """The language of messages (set by `kasu`; the questionnaire's --lang otherwise)."""
    return getattr(args, "msg_lang", None) or getattr(args, "lang", None) or "en"


def _usage(p: argparse.ArgumentParser, err: TextIO, lang: str = "en") -> int:
    from .common import say

    p.print_usage(err)
    say(err, "survey", N_("choose `template` or `report`"), lang)
    return EXIT_USAGE


def _load(path: str, err: TextIO, lang: str = "en") -> CheckedPolicy | None:
    from ..check.loader import load_path
    from ..diagnostics import render_text
    from .common import emit

    loaded = load_path(path)
    if loaded.result.policy is None or not loaded.result.ok:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, lang) + "\n")
        return None
    return loaded.result.policy


def cmd_template(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render import survey as sv
    from .common import say
    from .report import write_output

    lang = _lang(args)
    policy = _load(args.policy, err, lang)
    if policy is None:
        return EXIT_FAIL
    if args.months < 1:
        say(err, "survey template", N_("--months must be at least 1"), lang)
        return EXIT_USAGE
    try:
        departments = department_list(args.departments, args.departments_from, lambda text: say(err, "survey template", text, lang))
    except ValueError as exc:
        say(err, "survey template", exc.args[0], lang)
        return EXIT_USAGE
    template = sv.build_template(policy, args.lang, args.months, tuple(args.group or ("department", "role")), args.by,
                                 departments)
    if args.format == "html":
        text = sv.template_html(template, args.lang)
    else:
        from ..render.spreadsheet import csv_file

        text = csv_file(sv.template_csv_rows(template, args.lang))  # a BOM, so that Excel opens UTF-8; no formulas
    return write_output(args.output, text, out, err, "survey template", lang)


def department_list(lists: Sequence[str], path: str | None, notice: Callable[[str], None]) -> list[str]:
    """The departments of `--departments A,B` (commas, or the Japanese 、) and `--departments-from FILE`
    (one a line, `#` comments; UTF-8 or Shift_JIS), in order, without repeats. ValueError for a FILE
    that cannot be read."""
    import re

    names = [d for text in lists for d in re.split(r"[,、，]", text)]
    if path is not None:
        from ..reading.encoding import resolve

        try:
            encoding = resolve(path, None, notice)
            with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding) as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise ValueError(N_("cannot read {path}: {reason}", path=path, reason=reason)) from None
        names += [line.split("#", 1)[0] for line in lines]
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def cmd_survey_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..reading import read_table
    from ..render import survey as sv
    from .common import say, unreadable
    from .report import charts_missing, write_output

    lang = _lang(args)
    try:
        sv.check_k(args.min_group)
    except sv.SurveyError as exc:
        say(err, "survey report", exc.args[0], lang)
        return EXIT_USAGE
    templates: Sequence[sv.Template] = ()
    if args.policy:
        policy = _load(args.policy, err, lang)
        if policy is None:
            return EXIT_FAIL
        templates = [sv.build_template(policy, lang, months, ("department", "role", "channel"), args.by)
                     for lang in ("ja", "en") for months in range(1, 25)]
    for path in args.answers:  # a pipe (`/dev/stdin`, `<(…)`) is read as a file is
        problem = unreadable(path) if path != "-" else N_("cannot read {path}: no such file", path=path)
        if problem is not None:
            say(err, "survey report", problem, lang)
            return EXIT_USAGE
    answers: list[sv.Answer] = []
    invalid: list[dict[str, Any]] = []
    rounds: list[str] = []
    kinds: dict[str, str] = {}
    groups: dict[str, str] = {}
    for path in args.answers:
        try:
            header, stream = read_table(path, args.encoding, lambda text: say(err, "survey report", text, lang))
            rows = list(stream)
            columns = sv.classify(header, templates, args.group, [r for _, r in rows[:50]])
        except (ValueError, sv.SurveyError) as exc:
            say(err, "survey report", N_("{path}: {reason}", path=path, reason=exc.args[0] if exc.args else exc),
                lang)
            return EXIT_USAGE
        name = os.path.splitext(os.path.basename(path))[0]
        got, bad = sv.parse_rows(rows, columns, name, args.lang)
        answers += got
        invalid += [{"file": path, "line": line} for line in bad]
        rounds = list(dict.fromkeys(rounds + [a.round for a in got]))
        kinds.update({key: label for _, key, label in columns.conduct if key not in kinds})
        groups.update({key: label for _, key, label in columns.groups if key not in groups})
    try:
        data = sv.aggregate(answers, list(kinds.items()), list(groups.items()), args.min_group, rounds)
    except sv.SurveyError as exc:
        say(err, "survey report", exc.args[0], lang)
        return EXIT_USAGE
    data["invalid"] = {"count": len(invalid), "rows": invalid}
    from . import survey_seal as seal

    seal_file = seal.seal_path(args.seal, args.output)
    try:
        previous = seal.read_seal(seal_file)
        sealed, refused, reopened = seal.check_rounds(previous, data, answers, args.reopen)
    except seal.SealError as exc:
        say(err, "survey report", exc.args[0], lang)
        return EXIT_USAGE
    for name, before, now in refused:
        say(err, "survey report", N_(
            "round {round} was already reported ({before} respondents; sealed in {seal}) and its answers or "
            "figures have changed ({now} respondents now): comparing the two reports would reveal the answers of "
            "whoever was added or removed. Nothing was written. Put late answers in the next round; or, knowing "
            "that risk, give --reopen {round}", round=name, before=before, now=now, seal=seal_file), lang)
    if refused:
        return EXIT_FAIL
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "md":
        text = sv.to_markdown(data, args.lang)
    else:
        from ..render.charts import ChartsUnavailable, render_svg

        try:
            text = sv.to_html(data, args.lang, render_svg(sv.chart_specs(data, args.lang)))
        except ChartsUnavailable as exc:
            say(err, "survey report", charts_missing(exc), lang)
            return EXIT_USAGE
    status = write_output(args.output, text, out, err, "survey report", lang)
    if status != EXIT_OK:
        return status
    for name, before, now in reopened:
        say(err, "survey report", N_(
            "warning: round {round} was reopened and reported again with other answers or figures ({before} "
            "respondents before, {now} now). Anyone who has both reports can work out the answers of the people "
            "added or removed; withdraw the earlier report. The seal now holds this report's answers",
            round=name, before=before, now=now), lang)
    if sealed != previous:
        from ..files import write_atomic

        try:
            write_atomic(seal_file, seal.seal_text(sealed))
        except OSError as exc:
            say(err, "survey report", N_("cannot write the seal {path}: {reason}; the report was written but its "
                                         "rounds are not sealed", path=seal_file, reason=os_reason(exc)), lang)
            return EXIT_FAIL
    return EXIT_INVALID if invalid else EXIT_OK
