"""What changed from the previous policy versions: the previous versions (a directory of their files,
e.g. from `git show`) decide the blind corpus and every shipped incident file beside the current ones,
as `kasu diff` does. Prints Markdown for docs/policies.md.

    rm -rf /tmp/prev && mkdir -p /tmp/prev/lexicon
    for f in $(git ls-tree -r --name-only REV examples/); do git show REV:$f > /tmp/prev/${f#examples/}; done
    PYTHONPATH=src python tools/corpus_previous.py /tmp/prev

The schemas only grew (new optional fields, `demand_type` "none"), so an old version reads the new
records as they are, ignoring the fields it does not name; a record with `demand_type` "none" is given
"other" for the old versions, which had no such value.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from corpus_report import load_cases  # noqa: E402

from kasuhara_rules import load_policy  # noqa: E402
from kasuhara_rules.reading import read_records  # noqa: E402
from kasuhara_rules.cli.diff import compare, state  # noqa: E402

POLICIES = ("mhlw-baseline", "retail", "call-centre", "hospital-care", "local-government", "lodging", "transport",
            "acme-retail", "tutorial", "tutorial.en", "quickstart")


def old_record(record: dict) -> dict:
    """The record as an old version can read it."""
    return dict(record, demand_type="other") if record.get("demand_type") == "none" else record


def corpus_section(previous: Path) -> list[str]:
    cases = load_cases()
    out = ["| policy | previous | cases | as the sources (previous → now) | legitimate complaints decided as "
           "harassment (previous → now) |", "|---|---|---:|---|---|"]
    total = Counter()
    for name in sorted({c["policy"] for c in cases}):
        old, new = load_policy(previous / name), load_policy(ROOT / "examples" / name)
        part = [c for c in cases if c["policy"] == name]
        agree_old = agree_new = alarms_old = alarms_new = 0
        alarm_ids = []
        for c in part:
            a = old.evaluate_numbered(old_record(c["record"]), None)
            b = new.evaluate(c["record"])
            agree_old += a.outcome == c["expect"]["outcome"]
            agree_new += b.outcome == c["expect"]["outcome"]
            if c["legitimate"] and a.outcome == "kasuhara":
                alarms_old += 1
                alarm_ids.append(f"{c['id']} ({a.rule})")
            alarms_new += c["legitimate"] and b.outcome == "kasuhara"
        total.update(cases=len(part), agree_old=agree_old, agree_new=agree_new, alarms_old=alarms_old,
                     alarms_new=alarms_new)
        out.append(f"| {name} | {old.version} | {len(part)} | {agree_old} → {agree_new} | {alarms_old} → {alarms_new}"
                   + (f": {', '.join(alarm_ids)}" if alarm_ids else "") + " |")
    out.append(f"| **all** | | {total['cases']} | {total['agree_old']} → {total['agree_new']} | "
               f"{total['alarms_old']} → {total['alarms_new']} |")
    return out


def diff_section(previous: Path) -> list[str]:
    """Per changed policy and incident file: records changed / decided by both (`kasu diff`'s counts),
    then each policy's transitions on its own incident file (or, for the baseline, on them all)."""
    files = sorted((ROOT / "examples").glob("*-incidents.jsonl"))
    head = "| policy | versions | " + " | ".join(f.name.replace("-incidents.jsonl", "") for f in files) + " |"
    out = [head, "|---|---|" + "---:|" * len(files)]
    moves: list[str] = []
    for name in POLICIES:
        old, new = load_policy(previous / f"{name}.kasu"), load_policy(ROOT / "examples" / f"{name}.kasu")
        if old.digest == new.digest:
            continue
        cells = []
        own: Counter[tuple[str, str]] = Counter()
        for path in files:
            report = compare(old, new, read_records(str(path), old, encoding="utf-8"),
                             read_records(str(path), new, encoding="utf-8"))
            decided = report.unchanged + len(report.changes)
            cells.append(f"{len(report.changes)}/{decided}" if decided else "—")
            if path.name.startswith(name + "-") or name == "mhlw-baseline":
                own.update({(a, b): k for a, b, k in report.transitions})
        out.append(f"| {name} | {old.version} → {new.version} | " + " | ".join(cells) + " |")
        if own:
            moves.append(f"- **{name}**: " + ", ".join(f"{a} → {b} ×{k}" for (a, b), k in
                                                     sorted(own.items(), key=lambda kv: (-kv[1], kv[0]))))
    return out + [""] + moves


def main(argv: list[str]) -> int:
    previous = Path(argv[0])
    print("\n".join(corpus_section(previous)))
    print()
    print("\n".join(diff_section(previous)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
