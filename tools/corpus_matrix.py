"""Run the labelled corpus (tests/corpus/incidents/*.jsonl) and print, per policy, the confusion
matrix of expected against decided outcomes, the mismatches, and any legitimate complaint decided
as harassment (Markdown, for docs/policies.md).

    PYTHONPATH=src python tools/corpus_matrix.py [CORPUS_DIR]

The exit code is 1 when any case does not decide as expected, else 0.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kasuhara_rules import load_policy  # noqa: E402

KEYS = ("outcome", "severity", "rule", "escalation")


def load_cases(directory: Path) -> list[dict]:
    """Every case of every corpus file, in file and line order."""
    cases = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


def decide_all(cases: list[dict], examples: Path) -> list[tuple[dict, dict]]:
    """Each case with the decision (as JSON) of the shipped policy it names."""
    policies: dict = {}
    out = []
    for case in cases:
        policy = policies.get(case["policy"])
        if policy is None:
            policy = policies[case["policy"]] = load_policy(examples / case["policy"])
        out.append((case, policy.evaluate(case["record"]).to_dict()))
    return out


def mismatches(case: dict, decision: dict) -> list[str]:
    """The expected keys the decision does not meet, as `key: expected X, got Y`."""
    return [f"{k}: expected {case['expect'][k]}, got {decision.get(k)}"
            for k in KEYS if k in case["expect"] and decision.get(k) != case["expect"][k]]


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else ROOT / "tests" / "corpus" / "incidents"
    results = decide_all(load_cases(directory), ROOT / "examples")
    by_policy: dict[str, list[tuple[dict, dict]]] = {}
    for case, decision in results:
        by_policy.setdefault(case["policy"], []).append((case, decision))
    bad = 0
    total_legit = sum(1 for case, _ in results if case["legitimate"])
    print(f"{len(results)} cases, {total_legit} legitimate complaints, {len(by_policy)} policies\n")
    for policy, items in by_policy.items():
        outcomes = sorted({c["expect"]["outcome"] for c, _ in items} | {d["outcome"] for _, d in items})
        agree = sum(1 for c, d in items if not mismatches(c, d))
        alarms = [c["id"] for c, d in items if c["legitimate"] and d["outcome"] == "kasuhara"]
        print(f"**{policy}** — {len(items)} cases ({sum(c['legitimate'] for c, _ in items)} legitimate), "
              f"{agree} decided as expected, false alarms on legitimate complaints: {len(alarms)}\n")
        print("| expected ↓ / decided → | " + " | ".join(outcomes) + " |")
        print("|---|" + "---|" * len(outcomes))
        for row in outcomes:
            cells = [sum(1 for c, d in items if c["expect"]["outcome"] == row and d["outcome"] == col)
                     for col in outcomes]
            print(f"| {row} | " + " | ".join(str(n) for n in cells) + " |")
        print()
        for c, d in items:
            problems = mismatches(c, d)
            if problems:
                bad += 1
                print(f"- {c['id']}: " + "; ".join(problems))
        if alarms:
            bad += len(alarms)
            print("- legitimate complaints decided as harassment: " + ", ".join(alarms))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
