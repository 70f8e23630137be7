"""`kasu test`: run a policy's example blocks, compare with `expect`, and measure rule coverage."""
from __future__ import annotations

import argparse
import json
import os
from typing import Any, Callable, TextIO, cast

import attrs

from ..check.checked import Example, Expect
from ..policy import Decision, Policy
from ..engine.records import RecordError
from ..i18n import N_, gettext_for, translate
from ..check.checked import REVIEW
from .common import EXIT_FAIL, EXIT_OK, emit, exit_codes, pending_text


@attrs.frozen
class ExampleResult:
    """One example: whether it passed, what it expected, what the policy decided and why not."""

    title: str
    at: str
    passed: bool
    expected: Expect
    actual: dict[str, Any] | None
    problems: tuple[str, ...]
    decision: Decision | None = attrs.field(default=None, repr=False, eq=False)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "at": self.at, "passed": self.passed, "expected": expect_dict(self.expected),
                "actual": self.actual, "problems": list(self.problems)}


@attrs.frozen
class RuleCoverage:
    """How many examples matched a rule, and (for a rule with `unless`) how many it blocked."""

    rule: str
    matched: int
    unless_blocked: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "matched": self.matched, "unless_blocked": self.unless_blocked}


@attrs.frozen
class TestReport:
    """The results of every example of one policy, and its rule coverage."""

    policy: str
    results: tuple[ExampleResult, ...]
    coverage: tuple[RuleCoverage, ...]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def uncovered(self) -> tuple[str, ...]:
        return tuple(c.rule for c in self.coverage if c.matched == 0)

    @property
    def unless_never_exercised(self) -> tuple[str, ...]:
        return tuple(c.rule for c in self.coverage if c.unless_blocked == 0)

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "passed": self.passed, "failed": self.failed,
                "examples": [r.to_dict() for r in self.results],
                "coverage": [c.to_dict() for c in self.coverage],
                "uncovered": list(self.uncovered), "unless_never_exercised": list(self.unless_never_exercised)}


def expect_dict(e: Expect) -> dict[str, Any]:
    return {"outcome": e.outcome, "severity": e.severity, "rule": e.rule, "escalation": e.escalate}


def describe(d: dict[str, Any] | Expect) -> str:
    """`kasuhara severity high by dogeza escalate supervisor` — only the parts that are set (as
    `expect` is written; the pending rules of a decision are shown apart, see `pending_text`)."""
    if isinstance(d, Expect):
        d = expect_dict(d)
    text = str(d["outcome"])
    if d.get("severity"):
        text += f" severity {d['severity']}"
    if d.get("rule"):
        text += f" by {d['rule']}"
    if d.get("escalation"):
        text += f" escalate {d['escalation']}"
    return text


def run_examples(policy: Policy) -> TestReport:
    """Run every example of `policy`. Parts of `expect` that are left out are not compared.

    >>> from kasuhara_rules import parse_policy
    >>> p = parse_policy('''policy "t" { id t version "1" otherwise claim }
    ... outcomes { claim, kasuhara }
    ... schema { dogeza: bool }
    ... rule r { when dogeza then kasuhara respond "断る" }
    ... example "e" { given { dogeza: true } expect kasuhara by r }''')
    >>> report = run_examples(p)
    >>> report.passed, report.failed, report.uncovered
    (1, 0, ())
    """
    rules = policy.checked.rules
    matched = [0] * len(rules)
    blocked = [0 if r.unless is not None else None for r in rules]
    results = []
    for ex in policy.checked.examples:
        result = _run(policy, ex)
        results.append(result)
        if result.decision is None:
            continue
        for i, entry in enumerate(result.decision._shared_trace()):  # read here, never handed out
            if entry["result"] == "matched":
                matched[i] += 1
            if rules[i].unless is not None:
                when, unless = entry["condition"]["children"]
                if when["value"] is True and unless["value"] is True:
                    blocked[i] = cast(int, blocked[i]) + 1  # an int for every rule with `unless`
    coverage = tuple(RuleCoverage(r.name, matched[i], blocked[i]) for i, r in enumerate(rules))
    return TestReport(policy.name, tuple(results), coverage)


def run_file(path: str | os.PathLike[str]) -> TestReport:
    """Load the policy at `path` and run its examples. Problems inside example blocks become
    failing examples; any other error raises PolicyError."""
    from ..check.loader import load_path
    from ..policy import policy_from

    loaded = load_path(path, tolerate_example_errors=True)
    return run_examples(policy_from(loaded.result, loaded.files, os.fspath(path), loaded.sources))


def _run(policy: Policy, ex: Example) -> ExampleResult:
    at = str(ex.span)
    if ex.problems:
        return ExampleResult(ex.title, at, False, ex.expect, None,
                             tuple(f"{d.span}: {d.message}" for d in ex.problems))
    try:
        decision = policy.evaluate(ex.given, explain=True)
    except RecordError as exc:
        return ExampleResult(ex.title, at, False, ex.expect, None, (N_("the given record is invalid: {reason}", reason=exc.described),))
    actual = {"outcome": decision.outcome, "severity": decision.severity, "rule": decision.rule,
              "escalation": decision.escalation, "pending": [p.to_dict() for p in decision.pending]}
    e = ex.expect
    problems = []
    for key, want in (("outcome", e.outcome), ("severity", e.severity), ("rule", e.rule), ("escalation", e.escalate)):
        if want is not None and actual[key] != want:
            problems.append(N_("{key}: expected {want}, got {got}", key=key, want=want,
                               got=actual[key] if actual[key] is not None else "none"))
    return ExampleResult(ex.title, at, not problems, e, actual, tuple(problems), decision)


def render_text(report: TestReport, coverage: bool = False, lang: str = "ja", msg_lang: str = "en") -> str:
    """The report for people: each example, failures with their explanation (in `lang`), a summary line."""
    _ = gettext_for(msg_lang)
    lines = [report.policy]
    for r in report.results:
        if r.passed:
            lines.append(f"  ✔ {r.title}")
            if r.actual is not None and r.actual["pending"]:
                lines.append("      " + pending_text(r.actual["pending"], r.actual["outcome"] == REVIEW, msg_lang))
            continue
        lines.append(f"  ✘ {r.title}  {r.at}")
        lines.append("      " + _("expected: {what}").format(what=describe(r.expected)))
        if r.actual is not None:
            lines.append("      " + _("actual:   {what}").format(what=describe(r.actual)))
        for p in r.problems:
            lines.append(f"      - {translate(p, msg_lang)}")
        if r.decision is not None:
            lines.extend("      " + ln for ln in r.decision.explain(lang=lang).splitlines())
    if coverage:
        width = max((len(c.rule) for c in report.coverage), default=4)
        lines.append("  " + _("coverage (examples that matched each rule):"))
        for c in report.coverage:
            note = "  " + _("← no example matched this rule") if c.matched == 0 else ""
            unless = "  " + _("(unless blocked it in {count})").format(count=c.unless_blocked) if c.unless_blocked else ""
            lines.append(f"    {c.rule.ljust(width)}  {c.matched}{unless}{note}")
        if report.uncovered:
            lines.append("  " + _("rules no example matched: {rules}").format(rules=", ".join(report.uncovered)))
        if report.unless_never_exercised:
            lines.append("  " + _("unless clauses no example exercised: {rules}").format(
                rules=", ".join(report.unless_never_exercised)))
    from ..escape import visible

    return "\n".join(visible(line) for line in lines)


def summary(reports: list[TestReport]) -> str:
    passed = sum(r.passed for r in reports)
    failed = sum(r.failed for r in reports)
    return N_("{passed} passed, {failed} failed", passed=passed, failed=failed)


def register(sub: Any, _: Callable[[str], str], lang: str) -> None:
    """Add `kasu test` to the subcommands."""
    p = sub.add_parser("test", help=_("run the example blocks of policies"), description=_("Run every `example` block and print each failure with the explanation."),
                       epilog=exit_codes(_, _("0  all examples pass"), _("1  a failure or a policy error"),
                                     _("2  usage error")))
    p.add_argument("policies", nargs="+", metavar="POLICY", help=_("policy files"))
    p.add_argument("--coverage", action="store_true", help=_("list per rule how many examples matched it"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text: for people (default); json: the results as JSON"))
    p.add_argument("--lang", choices=("ja", "en"), default=None,
                   help=_("language of messages and failure explanations (explanations default to ja)"))
    p.set_defaults(run=cmd_test)


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..policy import PolicyError

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
            emit(out, render_text(report, coverage=args.coverage, lang=args.lang or "ja",
                                    msg_lang=args.msg_lang) + "\n")
        emit(out, translate(summary(reports), args.msg_lang) + "\n")
    ok = not failed_to_load and all(r.failed == 0 for r in reports)
    return EXIT_OK if ok else EXIT_FAIL
