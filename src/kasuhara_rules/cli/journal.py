"""`kasu journal`: add decided records, verdicts, actions, attachments and purges; verify, export, replay."""
from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import os
import re
from typing import TYPE_CHECKING, Any, Callable, TextIO

from ..i18n import N_, gettext_for, translate
from .common import (
    EXIT_FAIL, EXIT_INVALID_RECORDS, EXIT_OK, EXIT_USAGE, FORMATS, Progress, emit, encoding_option, exit_codes, say,
    stdin_bytes,
)

if TYPE_CHECKING:
    from ..journal import Journal, JournalError

EXIT_BROKEN = 4
DEFAULT_URL = "sqlite:///kasu-journal.db"


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu journal add|verdict|act|attach|purge|verify|export|replay` to the subcommands."""
    from .common import _Parser

    p = sub.add_parser("journal", help=_("the decision journal: what people did after the machine decided"),
                       description=_("An append-only, hash-chained journal of incidents: the facts as recorded, "
                                     "each decision, people's verdicts, the steps taken, attachments' hashes and "
                                     "the policy versions in force."),
                       epilog=exit_codes(_, _("0  done"), _("1  refused (an unknown incident, a value the policy "
                                                            "does not have, a missing reason, a database fault)"),
                                         _("2  usage error"), _("3  some records invalid"), _("4  the chain is broken")))
    inner = p.add_subparsers(dest="journal_command", metavar="add|verdict|act|attach|purge|verify|export|replay",
                             parser_class=getattr(sub, "_parser_class", _Parser))

    def db(q: argparse.ArgumentParser) -> None:
        q.add_argument("--db", default=DEFAULT_URL, metavar="URL",
                       help=_("the journal's database (default sqlite:///kasu-journal.db; or postgresql://…)"))

    a = inner.add_parser("add", help=_("decide records and append their facts and decisions"),
                         description=_("Decide each record with the policy version in force on the incident's "
                                       "date and append the facts and the decision, one transaction per record. "
                                       "The policy is registered when it is new (a file changed since is a new "
                                       "version). A record of an incident already journaled is a new revision."),
                         epilog=exit_codes(_, _("0  every record journaled"), _("1  errors in the policy, or refused"),
                                           _("2  usage error"), _("3  some records invalid (the rest journaled)")))
    a.add_argument("policy", metavar="POLICY", help=_("the policy file"))
    a.add_argument("records", nargs="+", metavar="RECORDS", help=_("record files (.json, .jsonl, .ndjson, .csv, .xlsx); "
                                                                   "- for standard input"))
    a.add_argument("--by", metavar="USER", help=_("who records them (default: the system's user name)"))
    a.add_argument("--site", metavar="NAME", help=_("the site (store, office) the incidents belong to"))
    a.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    a.add_argument("--no-progress", action="store_true", help=_("no progress line on standard error"))
    encoding_option(a, _, lang)
    db(a)
    a.set_defaults(run=cmd_add)

    v = inner.add_parser("verdict", help=_("a person's verdict on the latest decision"),
                         epilog=exit_codes(_, _("0  recorded"), _("1  refused (unknown incident, a value not in the "
                                                                  "policy, no reason, nothing changed)")))
    v.add_argument("incident", metavar="INCIDENT")
    v.add_argument("verdict", choices=("confirm", "override"), metavar="confirm|override")
    v.add_argument("--outcome", metavar="O", help=_("the outcome concluded (override)"))
    v.add_argument("--severity", metavar="S", help=_("the severity concluded (override)"))
    v.add_argument("--escalate", metavar="E", help=_("the escalation concluded (override)"))
    v.add_argument("--reason", metavar="TEXT", help=_("why (required for override)"))
    v.add_argument("--by", required=True, metavar="USER", help=_("who decides"))
    db(v)
    v.set_defaults(run=cmd_verdict)

    t = inner.add_parser("act", help=_("record an escalation step taken"),
                         epilog=exit_codes(_, _("0  recorded"), _("1  refused")))
    t.add_argument("incident", metavar="INCIDENT")
    t.add_argument("action", metavar="ACTION", help=_("an escalation name of the policy, or a short text"))
    t.add_argument("--by", required=True, metavar="USER", help=_("who took the step"))
    t.add_argument("--note", metavar="TEXT", help=_("a note (no personal data: notes stay in the chain)"))
    t.add_argument("--at", metavar="DATETIME", help=_("when it was taken (default now), e.g. 2026-05-01T10:30:00+09:00"))
    db(t)
    t.set_defaults(run=cmd_act)

    h = inner.add_parser("attach", help=_("record a file kept elsewhere by its SHA-256 (the file is never stored)"),
                         epilog=exit_codes(_, _("0  recorded"), _("1  refused"), _("2  the file cannot be read")))
    h.add_argument("incident", metavar="INCIDENT")
    h.add_argument("file", metavar="FILE", help=_("the recording, photo or document"))
    h.add_argument("--by", required=True, metavar="USER", help=_("who attaches it"))
    h.add_argument("--name", metavar="NAME", help=_("the name to record (default: the file's name)"))
    h.add_argument("--media-type", metavar="TYPE", help=_("e.g. audio/wav (default: guessed from the name)"))
    db(h)
    h.set_defaults(run=cmd_attach)

    g = inner.add_parser("purge", help=_("remove sensitive values whose retention has ended (or one incident's, "
                                         "on request)"),
                         epilog=exit_codes(_, _("0  done"), _("1  refused")))
    g.add_argument("--by", metavar="USER", help=_("who purges (default: the system's user name)"))
    g.add_argument("--today", metavar="DATE", help=_("purge as of this date (default today)"))
    g.add_argument("--incident", metavar="INCIDENT", help=_("purge every sensitive value of this incident now"))
    g.add_argument("--reason", metavar="TEXT", help=_("why (required with --incident)"))
    db(g)
    g.set_defaults(run=cmd_purge)

    y = inner.add_parser("verify", help=_("recompute the hash chain"),
                         epilog=exit_codes(_, _("0  intact"), _("1  the journal cannot be read"), _("2  usage error"),
                                           _("4  broken (the first entry that does not match is named)")))
    y.add_argument("--format", choices=("text", "json"), default="text", help=_("text (default) or json"))
    y.add_argument("--head", action="append", default=[], metavar="SEQ:HASH|FILE",
                   help=_("a head kept from earlier (as verify printed it, or the JSON of verify or of a case "
                          "file) that must still be a link of the chain; may be repeated"))
    db(y)
    y.set_defaults(run=cmd_verify)

    x = inner.add_parser("export", help=_("the case file of one incident (printable A4 HTML, or JSON)"),
                         epilog=exit_codes(_, _("0  written"), _("1  unknown incident, or refused"),
                                           _("2  usage error")))
    x.add_argument("incident", metavar="INCIDENT")
    x.add_argument("--format", choices=("html", "json"), default="html", help=_("html (default) or json"))
    x.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
    x.add_argument("--lang", choices=("ja", "en"), default=None, help=_("language of the case file (default ja)"))
    x.add_argument("--show-sensitive", action="store_true",
                   help=_("include sensitive values (journaled as a disclosure; needs --by and --purpose)"))
    x.add_argument("--by", metavar="USER", help=_("who exports (required with --show-sensitive)"))
    x.add_argument("--purpose", metavar="TEXT", help=_("for whom and why (required with --show-sensitive)"))
    db(x)
    x.set_defaults(run=cmd_export)

    r = inner.add_parser("replay", help=_("what a new policy version would decide on every journaled incident"),
                         epilog=exit_codes(_, _("0  nothing changed"), _("1  changes"), _("2  usage error"),
                                           _("3  some incidents undecidable by the new version")))
    r.add_argument("policy", metavar="POLICY", help=_("the new policy file"))
    r.add_argument("--format", choices=("text", "json"), default="text", help=_("text (default) or json"))
    db(r)
    r.set_defaults(run=cmd_replay)
    p.set_defaults(run=lambda args, out, err: _usage(p, err, args.msg_lang))


def _usage(p: argparse.ArgumentParser, err: TextIO, lang: str) -> int:
    p.print_usage(err)
    say(err, "journal", N_("choose add, verdict, act, attach, purge, verify, export or replay"), lang)
    return EXIT_USAGE


def _refused(err: TextIO, args: argparse.Namespace, exc: "JournalError") -> int:
    emit(err, f"kasu journal {args.journal_command}: " + exc.render(args.msg_lang) + "\n")
    return int(exc.exit)


def _open(args: argparse.Namespace, create: bool = True) -> "Journal":
    """The journal of --db; `create=False` for the commands that read one (verify, export, replay):
    a journal that is not there is refused rather than created empty."""
    from ..journal import open_journal

    return open_journal(args.db, create=create)


def _guarded(run: Callable[[argparse.Namespace, TextIO, TextIO], int]) -> Callable[..., int]:
    """A command whose refusals (JournalError) are printed in the message language with their exit code."""

    def guarded(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        from ..journal import JournalError

        try:
            return run(args, out, err)
        except JournalError as exc:
            return _refused(err, args, exc)

    guarded.__name__ = run.__name__
    return guarded


@_guarded
def cmd_add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..check.loader import load_path
    from ..diagnostics import render_text
    from ..journal import JournalError
    from ..policy import policy_from
    from ..reading import InputRefused, read_records
    from .common import notices

    lang = args.msg_lang
    loaded = load_path(args.policy)
    if not loaded.result.ok:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, lang) + "\n")
        return EXIT_FAIL
    policy = policy_from(loaded.result, loaded.files, args.policy, loaded.sources)
    from .report import unreadable_inputs

    problem = unreadable_inputs(args.records, args.input_format)
    if problem is not None:
        say(err, "journal add", problem, lang)
        return EXIT_USAGE
    stdin = stdin_bytes() if "-" in args.records else None
    with _open(args) as journal:
        registered = journal.register(policy, args.by)
        _ = gettext_for(lang)
        if registered.new:
            say(err, "journal add", N_("registered policy {id} {version} ({digest}…) in {url}", id=policy.id,
                                       version=policy.version, digest=policy.digest[:19], url=journal.url), lang)
        if registered.same_version_other_digest is not None:
            say(err, "journal add", N_("warning: version \"{version}\" was registered before with other contents "
                                       "({digest}…); both are kept as separate versions: give the new one its own "
                                       "version", version=policy.version,
                                       digest=registered.same_version_other_digest.digest[:19]), lang)
        progress = Progress(err, not args.no_progress, lang, "kasu journal add")
        added = amended = 0
        invalid: list[Any] = []
        try:
            for path in args.records:
                for line, record in read_records(path, policy, encoding=args.encoding, input_format=args.input_format,
                                                 notice=notices(err, "journal add", lang), stdin=stdin):
                    progress.tick()
                    if not isinstance(record, dict):
                        problem = getattr(record, "described", None) or str(record)
                        invalid.append(line)
                        emit(out, json.dumps({"incident": None, "outcome": None,
                                              "error": {"message": translate(problem, lang), "line": line}},
                                             ensure_ascii=False) + "\n")
                        continue
                    try:
                        result = journal.add(record, args.by, policy, args.site)
                    except JournalError as exc:
                        if exc.exit != EXIT_INVALID_RECORDS:
                            raise
                        invalid.append(line)
                        emit(out, json.dumps({"incident": exc.incident, "outcome": None,
                                              "error": {"code": exc.code, "message": translate(exc.message, lang),
                                                        "field": exc.field, "line": line}},
                                             ensure_ascii=False) + "\n")
                        continue
                    added += 1
                    amended += result.amended
                    emit(out, json.dumps(result.decision, ensure_ascii=False) + "\n")
        except InputRefused as exc:
            progress.done()
            say(err, "journal add", exc.args[0] if exc.args else str(exc), lang)
            return EXIT_USAGE
        progress.done()
        summary = _("kasu journal add: {count} journaled ({amended} new revisions)").format(count=added,
                                                                                           amended=amended)
        if invalid:
            lines = ", ".join(str(n) for n in invalid[:5]) + (", …" if len(invalid) > 5 else "")
            summary += "; " + _("{count} invalid").format(count=len(invalid)) + " (" + \
                _("lines {lines}").format(lines=lines) + ")"
        emit(err, summary + "\n")
    return EXIT_INVALID_RECORDS if invalid else EXIT_OK


def _recorded(out: TextIO, lang: str, what: str, recorded: Any) -> None:
    _ = gettext_for(lang)
    emit(out, _("{incident}: {what} recorded (entry {seq}, {hash}…)").format(
        incident=recorded.incident, what=what, seq=recorded.seq, hash=recorded.hash[:16]) + "\n")


@_guarded
def cmd_verdict(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _open(args) as journal:
        done = journal.verdict(args.incident, args.verdict, args.by, args.outcome, args.severity, args.escalate,
                               args.reason)
    _recorded(out, args.msg_lang, args.verdict, done)
    return EXIT_OK


@_guarded
def cmd_act(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _open(args) as journal:
        done = journal.act(args.incident, args.action, args.by, args.note, args.at)
    _recorded(out, args.msg_lang, args.action, done)
    return EXIT_OK


@_guarded
def cmd_attach(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    digest = hashlib.sha256()
    size = 0
    try:
        with open(args.file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        say(err, "journal attach", N_("cannot read {path}: {reason}", path=args.file, reason=exc.strerror or exc),
            args.msg_lang)
        return EXIT_USAGE
    name = args.name or os.path.basename(args.file)
    media = args.media_type or mimetypes.guess_type(name)[0]
    with _open(args) as journal:
        done = journal.attach(args.incident, name, digest.hexdigest(), args.by, media, size)
    _recorded(out, args.msg_lang, name, done)
    return EXIT_OK


@_guarded
def cmd_purge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import datetime as _dt

    _ = gettext_for(args.msg_lang)
    today = None
    if args.today:
        try:
            today = _dt.date.fromisoformat(args.today)
        except ValueError:
            say(err, "journal purge", N_("--today {value}: write a date such as 2029-04-01", value=args.today),
                args.msg_lang)
            return EXIT_USAGE
    with _open(args) as journal:
        done = journal.purge(args.by, today, args.incident, args.reason)
    emit(out, _("purged {count} sensitive values of {incidents} incidents").format(
        count=done.values, incidents=len(done.incidents)) + "\n")
    return EXIT_OK


def kept_head(given: str) -> tuple[int, str] | None:
    """A head given to `verify --head`: `SEQ:HASH` (as `verify` prints it: `entry SEQ HASH` also
    reads), or a file of JSON with a head: the output of `verify --format json` or a case file's JSON.
    None when it is neither."""
    text = given.strip()
    found = _HEAD.fullmatch(text)
    if found is None and os.path.isfile(given):
        try:
            with open(given, "rb") as stream:
                data = json.loads(stream.read(_HEAD_FILE_MAX))
        except (OSError, ValueError):
            return None
        head = data.get("head", (data.get("chain") or {}).get("head")) if isinstance(data, dict) else None
        if isinstance(head, dict) and isinstance(head.get("seq"), int) and isinstance(head.get("hash"), str):
            found = _HEAD.fullmatch(f"{head['seq']}:{head['hash']}")
    if found is None:
        return None
    return int(found.group(1)), found.group(2).lower()


_HEAD = re.compile(r"(?:entry\s+)?(\d{1,18})[:\s]\s*([0-9a-fA-F]{64})")
_HEAD_FILE_MAX = 64 << 20  # a case file with its timeline is far smaller


@_guarded
def cmd_verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _ = gettext_for(args.msg_lang)
    heads = []
    for given in args.head:
        head = kept_head(given)
        if head is None:
            say(err, "journal verify", N_("--head {given} is neither SEQ:HASH (the head verify prints) nor a file "
                                          "of JSON with a head (verify --format json, or a case file)",
                                          given=repr(given)), args.msg_lang)
            return EXIT_USAGE
        heads.append(head)
    with _open(args, create=False) as journal:
        result = journal.verify(heads)
    if args.format == "json":
        data = result.to_dict()
        if result.broken is not None:
            data["broken"]["reason"] = translate(result.broken.reason, args.msg_lang)
        emit(out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif result.ok:
        emit(out, _("intact: {entries} entries and {values} sensitive values checked; head: entry {seq} {hash}")
             .format(entries=result.entries, values=result.values, seq=result.head_seq, hash=result.head_hash) + "\n")
        if result.heads:
            emit(out, _("every head kept from earlier ({count}) is a link of this chain").format(count=result.heads) + "\n")
    if result.broken is not None:
        emit(err, "kasu journal verify: " + _("broken at entry {seq}: {reason}").format(
            seq=result.broken.seq, reason=translate(result.broken.reason, args.msg_lang)) + "\n")
        return EXIT_BROKEN
    return EXIT_OK


@_guarded
def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..render.casefile import to_html
    from ..files import write_atomic

    lang = args.lang or "ja"
    if args.show_sensitive and not (args.by and (args.purpose or "").strip()):
        say(err, "journal export", N_("--show-sensitive needs --by USER and --purpose TEXT: the export is "
                                      "journaled as a disclosure"), args.msg_lang)
        return EXIT_USAGE
    with _open(args, create=False) as journal:
        data = journal.case_file(args.incident, show_sensitive=args.show_sensitive, by=args.by,
                                 purpose=args.purpose)
    text = (json.dumps(data, ensure_ascii=False, indent=2) + "\n") if args.format == "json" else to_html(data, lang)
    if not args.output:
        emit(out, text)
        return EXIT_OK
    try:
        write_atomic(args.output, text)  # all or nothing; a link is followed, permissions kept
    except OSError as exc:
        say(err, "journal export", N_("cannot write {path}: {reason}", path=args.output,
                                      reason=exc.strerror or exc), args.msg_lang)
        return EXIT_USAGE
    return EXIT_OK


@_guarded
def cmd_replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..check.loader import load_path
    from ..diagnostics import render_text
    from ..journal.replay import render_text as replay_text
    from ..policy import policy_from

    loaded = load_path(args.policy)
    if loaded.result.policy is None:
        emit(err, render_text(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
        return EXIT_USAGE
    policy = policy_from(loaded.result, loaded.files, args.policy, loaded.sources)
    with _open(args, create=False) as journal:
        report = journal.replay(policy)
    if args.format == "json":
        emit(out, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        from ..render.states import titles

        emit(out, replay_text(report, args.msg_lang, titles(policy.checked)) + "\n")
    if report.undecidable:
        return EXIT_INVALID_RECORDS
    return EXIT_FAIL if report.changes else EXIT_OK
