"""A policy version an author is writing: checked as `kasu check` checks it, its examples run, its replay on the journal.

The text is loaded in an empty temporary folder with the shipped policies beside it (so `extends
"mhlw-baseline.kasu"` works and nothing else on the server's disk can be read), and the folder's
name is taken out of the messages, which then read exactly as `kasu check policy.kasu` prints them.
"""
from __future__ import annotations

import datetime as _dt
import re
import shutil
import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..i18n import translate

if TYPE_CHECKING:
    from ..cli.examples import TestReport
    from ..journal import Journal
    from ..policy import Policy

REPLAY_LIMIT = 5000  # the newest incidents a page's replay decides again (the rest: kasu journal replay)
_HEADER = re.compile(r'^(?P<head>[ \t]*policy\s+"(?:[^"\\]|\\.)*"\s*\{)(?P<body>[^}]*)\}', re.S | re.M)


@attrs.frozen
class Problem:
    severity: str
    code: str
    where: str
    message: str
    hint: str | None


@attrs.frozen
class Draft:
    """A checked text: the text (its effective date set), the diagnostics as `kasu check` prints them,
    each problem, the policy when it has no error, its examples and its effective date."""

    text: str
    rendered: str
    problems: tuple[Problem, ...]
    errors: bool
    policy: "Policy | None"
    examples: "TestReport | None"
    effective: str | None


def shipped() -> dict[str, bytes]:
    """The shipped policies and their phrase lists, by name relative to the draft's folder."""
    root = resources.files("kasuhara_rules") / "examples"
    found: dict[str, bytes] = {}
    base = Path(str(root))
    if not base.is_dir():  # a source checkout: examples/ beside src/
        base = Path(__file__).resolve().parents[3] / "examples"
    for path in base.rglob("*"):
        if path.is_file() and path.suffix in (".kasu", ".txt"):
            found[path.relative_to(base).as_posix()] = path.read_bytes()
    return found


def set_effective(text: str, day: str) -> str:
    """The text with its header's `effective` set to `day` (written in, or replaced).

    >>> set_effective('policy "t" {\\n  id t\\n  version "1"\\n  otherwise claim\\n}\\n', "2026-06-01")
    'policy "t" {\\n  id t\\n  version "1"\\n  otherwise claim\\n  effective 2026-06-01\\n}\\n'
    """
    found = _HEADER.search(text)
    if found is None:
        return text
    body = found.group("body")
    if re.search(r"\beffective\s+\S+", body):
        body = re.sub(r"\beffective\s+\S+", f"effective {day}", body, count=1)
    else:
        body = body.rstrip() + f"\n  effective {day}\n"
    return text[:found.start("body")] + body + text[found.end("body"):]


def check_draft(text: str, name: str, lang: str, effective: str | None = None) -> Draft:
    """Check `text` as the file `name`: diagnostics in `lang`, the examples when it loads."""
    from ..check.loader import load_text
    from ..cli.examples import run_examples
    from ..diagnostics import render_text, sort_diagnostics
    from ..policy import policy_from

    if effective:
        try:
            _dt.date.fromisoformat(effective)
        except ValueError:
            effective = None
        else:
            text = set_effective(text, effective)
    folder = tempfile.mkdtemp(prefix="kasu-draft-")
    try:
        top = f"{folder}/{name}"
        preloaded = {f"{folder}/{k}": v for k, v in shipped().items() if k != name}
        loaded = load_text(text, top, preloaded=preloaded)
        diagnostics = sort_diagnostics(loaded.result.diagnostics)
        rendered = render_text(diagnostics, loaded.sources, lang).replace(folder + "/", "") if diagnostics else ""
        problems = tuple(Problem(d.severity, d.code, _where(d, folder), str(translate(d.message, lang)),
                                 str(translate(d.hint, lang)) if d.hint else None) for d in diagnostics)
        errors = any(d.severity == "error" for d in diagnostics)
        policy = None if errors else policy_from(loaded.result, loaded.files, top, loaded.sources)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = run_examples(policy) if policy is not None else None
    day = policy.checked.header.effective.isoformat() if policy is not None and policy.checked.header.effective else None
    return Draft(text, rendered, problems, errors, policy, report, day or effective)


def _where(d: Any, folder: str) -> str:
    span = getattr(d, "span", None)
    if span is None:
        return ""
    name = str(getattr(span, "file", "") or "").replace(folder + "/", "")
    return f"{name}:{getattr(span, 'line', '?')}:{getattr(span, 'column', '?')}"


@attrs.frozen
class Replayed:
    """A new version against the journal: how many incidents it decides again, how many it decides
    differently, the outcome transitions, the changed incidents, and how it stands with people's verdicts."""

    decided: int
    changed: int
    undecidable: int
    transitions: tuple[tuple[str, str, int], ...]  # (outcome / severity before, after, how many)
    examples: tuple[dict[str, Any], ...]
    overridden: int  # incidents people overrode
    agrees: int  # …of which the new version now decides what they concluded
    limited: bool


def replay(journal: "Journal", policy: "Policy") -> Replayed:
    """Decide the newest journaled incidents (at most REPLAY_LIMIT) with `policy` and compare.

    Need from the journal: `Journal.replay(policy)` (as `kasu journal replay`), which the desk would show."""
    from .adapter import full_record, incidents_page

    items, total = incidents_page(journal, False, None, REPLAY_LIMIT, 0)
    transitions: Counter[tuple[str, str]] = Counter()
    changed = undecidable = overridden = agrees = 0
    shown: list[dict[str, Any]] = []
    for item in items:
        try:
            record = full_record(journal, item.incident)
            new = policy.evaluate(record)
        except Exception:  # noqa: BLE001 - a record the new schema cannot read: counted, never a crash
            undecidable += 1
            continue
        if new.error is not None:
            undecidable += 1
            continue
        before = (item.outcome, item.severity, item.rule, item.escalation)
        after = (new.outcome, new.severity, new.rule, new.escalation)
        if item.verdict == "override":
            overridden += 1
            if new.outcome == item.final_outcome and (item.final_severity is None or new.severity == item.final_severity):
                agrees += 1
        if before != after:
            changed += 1
            transitions[(_state(item.outcome, item.severity), _state(new.outcome, new.severity))] += 1
            if len(shown) < 50:
                shown.append({"incident": item.incident, "before": before, "after": after,
                              "verdict": item.verdict, "final": item.final_outcome})
    rows = tuple((a, b, n) for (a, b), n in sorted(transitions.items(), key=lambda kv: -kv[1]))
    return Replayed(len(items) - undecidable, changed, undecidable, rows, tuple(shown), overridden, agrees,
                    total > len(items))


def _state(outcome: str | None, severity: str | None) -> str:
    """An outcome with its severity, as the replay's table of changes shows it (kasuhara / high)."""
    return " / ".join(p for p in (outcome, severity) if p) or "—"
