"""Tests for testing.py and `kasu test`: pass/fail, failure output, coverage, JSON, exit codes."""
import io
import json

from kasuhara_rules import load_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.cli.examples import run_examples, run_file
from tests.conftest import GOLDEN, ROOT

FAILING = GOLDEN / "testing" / "failing.kasu"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_shipped_examples_all_pass_with_full_coverage():
    """Every example of every shipped policy passes, and the retail examples cover every rule and unless."""
    code, out, _ = run("test", "--coverage", *map(str, sorted((ROOT / "examples").glob("*.kasu"))))
    assert code == 0 and out.strip().endswith("0 failed")
    report = run_examples(load_policy(ROOT / "examples" / "retail.kasu"))
    assert report.uncovered == () and report.unless_never_exercised == ()


def test_failure_output_golden(golden):
    """A failing example prints its title and location, expected versus actual, and the explanation."""
    code, out, _ = run("test", "--coverage", str(FAILING.relative_to(ROOT)))
    assert code == 1
    golden("testing/failing.out", out)


def test_results_in_detail():
    """Severity mismatch, review where claim was expected, and an invalid given all fail clearly."""
    report = run_file(FAILING)
    assert (report.passed, report.failed) == (1, 3)
    by_title = {r.title: r for r in report.results}
    assert by_title["重さを間違えた例"].problems == ("severity: expected low, got high",)
    assert by_title["妥当性が未判断"].actual["outcome"] == "review"
    invalid = by_title["記録が不正"]
    assert invalid.actual is None and "expected true or false" in invalid.problems[0]


def test_coverage_counts_matches_and_unless():
    """Coverage counts the examples that matched each rule and those where `unless` blocked it."""
    report = run_file(FAILING)
    cov = {c.rule: c for c in report.coverage}
    assert cov["dogeza"].matched == 2 and cov["dogeza"].unless_blocked is None
    assert cov["legitimate"].matched == 0 and cov["legitimate"].unless_blocked == 1
    assert report.uncovered == ("legitimate",)


def test_json_format():
    """--format json gives counts, every example and the coverage, with no sensitive value."""
    code, out, _ = run("test", "--format", "json", str(FAILING))
    data = json.loads(out)
    assert code == 1 and (data["passed"], data["failed"]) == (1, 3)
    assert data["policies"][0]["examples"][1]["expected"] == {"outcome": "kasuhara", "severity": "low",
                                                              "rule": "dogeza", "escalation": None}
    assert "秘密" not in out


def test_a_broken_policy_exits_1(tmp_path):
    """A policy with errors outside its examples cannot be tested: diagnostics and exit 1."""
    bad = tmp_path / "bad.kasu"
    bad.write_text(FAILING.read_text(encoding="utf-8").replace("when     demanded_dogeza", "when nope"),
                   encoding="utf-8")
    code, _, err = run("test", str(bad))
    assert code == 1 and "E301" in err
