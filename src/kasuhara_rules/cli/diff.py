"""`kasu diff`: what a new version of a policy would have decided differently on the same records.

Each policy reads the records with its own schema (a CSV column the new version added is a field
for the new version); a record either version cannot decide is listed with the reasons, never
silently dropped; a change of responses is a change; a changed digest under an unchanged version
is a warning (two different policies would otherwise look like one in stored decisions)."""
from __future__ import annotations

import argparse
import io
import json
import os
from collections import Counter
from itertools import zip_longest
from typing import Any, Callable, Iterable, Iterator, TextIO

import attrs

from ..coerce import RecordError
from ..i18n import N_, gettext_for, translate
from ..check.loader import load_path
from ..diagnostics import render_text as render_diagnostics
from ..policy import Decision, Policy
from ..check.checked import REVIEW
from ..source import display_width
from .common import (
    EXIT_FAIL, EXIT_INVALID_RECORDS, EXIT_OK, EXIT_USAGE, FORMATS, emit, encoding_option, exit_codes,
    pending_text, stdin_bytes, unreadable,
)


@attrs.frozen
class Change:
    """One record whose outcome, severity, deciding rule, escalation or responses differ; `old` and
    `new` also carry each decision's `pending` rules with what they would give."""

    incident: Any
    line: int | None
    old: dict[str, Any]
    new: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "line": self.line, "old": self.old, "new": self.new}


@attrs.frozen
class Undecidable:
    """A record that the old or the new version (or both) cannot decide, with each one's reason."""

    incident: Any
    line: int | None
    old: str | None  # the old version's error message, None when it decided the record
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "line": self.line, "old_error": self.old, "new_error": self.new}


@attrs.frozen
class DiffReport:
    old: dict[str, Any]
    new: dict[str, Any]
    changes: tuple[Change, ...]
    transitions: tuple[tuple[str, str, int], ...]
    unchanged: int
    undecidable: tuple[Undecidable, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def invalid(self) -> int:
        return len(self.undecidable)

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "changes": [c.to_dict() for c in self.changes],
                "transitions": [{"from": a, "to": b, "count": n} for a, b, n in self.transitions],
                "unchanged": self.unchanged, "changed": len(self.changes), "invalid": self.invalid,
                "undecidable": [u.to_dict() for u in self.undecidable], "warnings": list(self.warnings)}


def summary_of(d: Decision) -> dict[str, Any]:
    """What `kasu diff` compares of a decision (outcome, severity, rule, escalation, responses)."""
    return {"outcome": d.outcome, "severity": d.severity, "rule": d.rule, "escalation": d.escalation,
            "responses": list(d.responses)}


def pending_of(d: Decision) -> list[dict[str, Any]]:
    """The pending rules of a decision, each with what it would give: shown beside a change, not
    compared (a settled outcome whose unrecorded data changed is not a different decision)."""
    return [p.to_dict() for p in d.pending]


def state(s: dict[str, Any]) -> str:
    """`kasuhara/high`, `claim`, `review` — the outcome and severity of a decision."""
    text: str = s["outcome"] + (f"/{s['severity']}" if s["severity"] else "")
    return text


def compare(old: Policy, new: Policy, records: Iterable[tuple[int | None, Any]],
            new_records: Iterable[tuple[int | None, Any]] | None = None) -> DiffReport:
    """Evaluate both policies on every record and collect the decisions that differ.

    `records` are read for the old policy; `new_records`, when given, are the same records read
    with the new policy's schema (in the same order), else `records` serve both.

    >>> from kasuhara_rules import parse_policy
    >>> head = 'policy "t" {{ id t version "{}" otherwise claim }} outcomes {{ claim, kasuhara }} schema {{ n: int }} '
    >>> a = parse_policy(head.format(1) + 'rule r { when n > 5 then kasuhara respond "x" }')
    >>> b = parse_policy(head.format(2) + 'rule r { when n > 3 then kasuhara respond "x" }')
    >>> report = compare(a, b, enumerate([{"n": 4}, {"n": 9}], 1))
    >>> report.transitions, report.unchanged
    ((('claim', 'kasuhara', 1),), 1)
    """
    changes = []
    undecidable = []
    counts: Counter[tuple[str, str]] = Counter()
    unchanged = 0
    pairs = ((r, r) for r in records) if new_records is None else zip_longest(records, new_records)
    for old_item, new_item in pairs:
        line = (old_item or new_item)[0]
        a = old.evaluate_numbered(old_item[1] if old_item else RecordError(N_("no record for this version")), line)
        b = new.evaluate_numbered(new_item[1] if new_item else RecordError(N_("no record for this version")), line)
        if a.error is not None or b.error is not None:
            key = a.to_dict()["incident"] if a.incident is not None else b.to_dict()["incident"]
            undecidable.append(Undecidable(key, line, a.error.described if a.error else None,
                                           b.error.described if b.error else None))
            continue
        sa, sb = summary_of(a), summary_of(b)
        if sa == sb:
            unchanged += 1
            continue
        key = a.to_dict()["incident"]
        changes.append(Change(key, line, dict(sa, pending=pending_of(a)), dict(sb, pending=pending_of(b))))
        counts[(state(sa), state(sb))] += 1
    transitions = tuple((f, t, n) for (f, t), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    warnings = []
    if old.digest != new.digest and old.version == new.version and old.id == new.id:
        warnings.append(N_("the policies differ (digest {old}… and {new}…) but both say version "
                           "\"{version}\": give the new one its own version, or stored decisions cannot tell "
                           "them apart", old=old.digest[:15], new=new.digest[:15], version=old.version))
    return DiffReport(old.policy_block(), new.policy_block(), tuple(changes), transitions, unchanged,
                      tuple(undecidable), tuple(warnings))


def titles(*policies: Policy) -> dict[str, str]:
    """The labels people know the outcomes, severities, escalations and rules by (`kind:name` →
    label), the later policy's winning: the text of `kasu diff` shows them beside the codes."""
    from ..render.states import titles as of_policies

    return of_policies(*(policy.checked for policy in policies))


def render_text(report: DiffReport, lang: str = "en", labels: dict[str, str] | None = None) -> str:
    """The report for people; with `labels` (from `titles`), each code shown with its label."""
    _ = gettext_for(lang)
    labels = labels or {}

    def ref(r: dict[str, Any]) -> str:
        return f"{r['id']} {r['version']} ({r['digest'][:15]}…)"

    def shown(s: dict[str, Any]) -> str:
        """`カスハラ/重度 (kasuhara/high)`, or the codes alone where nothing has a label."""
        words = labels.get(f"outcome:{s['outcome']}", s["outcome"])
        if s["severity"]:
            words += "/" + labels.get(f"severity:{s['severity']}", s["severity"])
        code = state(s)
        return code if words == code else f"{words} ({code})"

    def describe(s: dict[str, Any]) -> str:
        text = shown(s)
        if s["rule"]:
            title = labels.get(f"rule:{s['rule']}")
            text += f" by {s['rule']}" + (f"「{title}」" if title and lang == "ja" else f' "{title}"' if title else "")
        if s["escalation"]:
            esc = labels.get(f"escalation:{s['escalation']}")
            text += f", escalate {esc} ({s['escalation']})" if esc else f", escalate {s['escalation']}"
        return text

    def pending(c: Change) -> list[str]:
        return [f"      {which}: {pending_text(s['pending'], s['outcome'] == REVIEW, lang)}"
                for which, s in (("old", c.old), ("new", c.new)) if s.get("pending")]

    def responses(c: Change) -> list[str]:
        if c.old["responses"] == c.new["responses"]:
            return []
        return [f"      responses: {json.dumps(c.old['responses'], ensure_ascii=False)} → "
                f"{json.dumps(c.new['responses'], ensure_ascii=False)}"]

    total = report.unchanged + len(report.changes) + report.invalid
    lines = [_("warning: {warning}").format(warning=translate(w, lang)) for w in report.warnings]
    lines.append(_("{old} → {new} on {total} records").format(old=ref(report.old), new=ref(report.new), total=total))
    for c in report.changes:
        where = " " + _("(line {line})").format(line=c.line) if c.line is not None else ""
        lines.append(f"  {c.incident}{where}: {describe(c.old)} → {describe(c.new)}")
        lines.extend(responses(c))
        lines.extend(pending(c))
    if report.undecidable:
        lines.append(_("undecidable:"))
        for u in report.undecidable:
            where = " " + _("(line {line})").format(line=u.line) if u.line is not None else ""
            name = u.incident if u.incident is not None else _("record")
            if u.old == u.new:
                reasons = _("both: {reason}").format(reason=translate(u.old, lang))
            else:
                reasons = "; ".join([_("old: {reason}").format(reason=translate(u.old, lang)) if u.old
                                     else _("old: decided"),
                                     _("new: {reason}").format(reason=translate(u.new, lang)) if u.new
                                     else _("new: decided")])
            lines.append(f"  {name}{where}: {reasons}")
    if report.transitions:
        lines.append(_("transitions:"))
        def state_shown(code: str) -> str:
            outcome, _sep, severity = code.partition("/")
            return shown({"outcome": outcome, "severity": severity or None})

        arrows = [(f"{state_shown(a)} → {state_shown(b)}", count) for a, b, count in report.transitions]
        width = max(display_width(text) for text, _count in arrows)
        for text, count in arrows:
            lines.append(f"  {text}{' ' * (width - display_width(text))}  {count}")
    lines.append(_("changed: {changed}, unchanged: {unchanged}, undecidable: {invalid}").format(
        changed=len(report.changes), unchanged=report.unchanged, invalid=report.invalid))
    from ..escape import visible

    return "\n".join(visible(line) for line in lines)  # ids and reasons may hold ESC, CR, LF: never a forged line


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu diff` to the subcommands."""
    p = sub.add_parser("diff", help=_("show what a new policy version decides differently on the same records"),
                       description=_("Evaluate OLD and NEW on the same records and report every record whose "
                                     "outcome, severity, deciding rule or escalation changes, with a table of "
                                     "transitions."),
                       epilog=exit_codes(_, _("0  nothing changed"), _("1  changes"), _("2  usage error"),
                                     _("3  some records undecidable by either version")))
    p.add_argument("old", metavar="OLD", help=_("the current policy file"))
    p.add_argument("new", metavar="NEW", help=_("the new policy file"))
    p.add_argument("records", nargs="+", metavar="RECORDS", help=_("record files (.json, .jsonl, .ndjson, .csv, .xlsx)"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: the report as JSON"))
    p.add_argument("--input-format", choices=FORMATS, help=_("read RECORDS as this format, whatever the extension"))
    encoding_option(p, _, lang)
    p.set_defaults(run=cmd_diff)


def _read_all(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..reading.batch import format_of
    from ..policy import policy_from

    policies = []
    for path in (args.old, args.new):
        loaded = load_path(path)
        if loaded.result.policy is None:
            emit(err, render_diagnostics(loaded.result.diagnostics, loaded.sources, args.msg_lang) + "\n")
            return EXIT_USAGE
        policies.append(policy_from(loaded.result, loaded.files, path, loaded.sources))
    for path in args.records:
        problem = unreadable(path)
        if problem is not None:
            emit(err, "kasu diff: " + translate(problem, args.msg_lang) + "\n")
            return EXIT_USAGE
        if args.input_format is None and format_of(path) is None:
            emit(err, translate(N_("kasu diff: cannot tell the format of {path}: use .json, .jsonl, .ndjson, .csv or .xlsx",
                                   path=path), args.msg_lang) + "\n")
            return EXIT_USAGE
    # standard input, read twice (once per schema, both readings side by side): kept, each reading its own copy
    kept = stdin_bytes().read() if "-" in args.records else None
    # a pipe named as a file (`/dev/stdin`, `<(…)`) can be read only once: kept too
    piped = {path: _read_all(path) for path in args.records if path != "-" and not os.path.isfile(path)}

    from ..reading import InputRefused, read_records
    from .common import notices

    tell = notices(err, "diff", args.msg_lang)

    def records(policy: Policy) -> Iterator[tuple[int, Any]]:  # each version reads the records with its own schema
        for path in args.records:
            if path in piped:
                yield from read_records("-", policy, encoding=args.encoding,
                                        input_format=args.input_format or format_of(path), notice=tell,
                                        stdin=io.BytesIO(piped[path]))
                continue
            yield from read_records(path, policy, encoding=args.encoding, input_format=args.input_format,
                                    notice=tell, stdin=io.BytesIO(kept) if path == "-" and kept is not None else None)

    try:
        report = compare(policies[0], policies[1], records(policies[0]), records(policies[1]))
    except InputRefused as exc:
        emit(err, "kasu diff: " + translate(exc.args[0] if exc.args else str(exc), args.msg_lang) + "\n")
        return EXIT_USAGE
    if args.format == "json":
        emit(out, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        emit(out, render_text(report, args.msg_lang, titles(policies[0], policies[1])) + "\n")
    if report.undecidable:
        return EXIT_INVALID_RECORDS
    return EXIT_FAIL if report.changes else EXIT_OK
