"""Build the blind corpus (tests/corpus/incidents/) from its two independent halves: the sourced
narratives (written by a researcher who never saw the rules) and the incident records (written from
the narratives by a writer who saw the schemas but not the rules).

    python tools/corpus_build.py NARRATIVES.jsonl RECORDS_DIR [OUT_DIR]

Each case is the narrative, its source, the record as written, and an outcome-level expectation
taken from the narrative's verdict — never a deciding rule:

- legitimate → claim, harassment → kasuhara, care → care, no_action → no_action;
- the researcher's "care-injury" cases (an illness-caused act that hurt staff) are decided by the
  policies' rule "care unless someone is hurt", so they expect kasuhara (the note says so);
- an escalation is expected only where the source implies one: `police` where the narrative itself
  reports the police called, a report filed or an arrest, for harassment; `organisation` where a
  legitimate complainant acts through a lawyer, ADR or a lawsuit (a right the organisation answers).

Field values that restate the verdict rather than the narrative's facts are dropped here (DROPPED,
each with its reason, copied into the case's note); the record is otherwise used as written.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTCOME = {"legitimate": "claim", "harassment": "kasuhara", "care": "care", "no_action": "no_action"}
POLICE = re.compile(r"警察|110番|逮捕|被害届|交番")
LEGAL = re.compile(r"弁護士|訴訟|ADR|法的措置")
DROPPED = {
    ("N-094", "posted_online"): "posted_online（誹謗中傷）を外した: 物語は「職務怠慢」と書いた投稿とだけ述べ、"
                                "それが誹謗中傷かは判断そのもの（写真と店名は post_identifies_staff に記録済み）",
}


def expectation(n: dict) -> tuple[dict, str]:
    """The expected outcome (and escalation where the source implies one), and a note."""
    note = ""
    outcome = OUTCOME[n["verdict"]]
    if n["group"] == "care-injury":
        outcome = "kasuhara"
        note = ("研究者の判定は care（病気による行為でけが人あり）。方針の原則「けが人が出ない限りケア」により "
                "kasuhara を期待する")
    expect = {"outcome": outcome}
    if outcome == "kasuhara" and n.get("escalation") == "police" and POLICE.search(n["narrative"]):
        expect["escalation"] = "police"
    if outcome == "claim" and n.get("escalation") == "organisation" and LEGAL.search(n["narrative"]):
        expect["escalation"] = "organisation"
    return expect, note


def build(narratives: Path, records: Path) -> dict[str, list[dict]]:
    """The cases, by policy file name, in narrative order."""
    written: dict[str, dict] = {}
    for path in sorted(records.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                written[item["id"]] = item
    out: dict[str, list[dict]] = {}
    for line in narratives.read_text(encoding="utf-8").splitlines():
        n = json.loads(line)
        item = written[n["id"]]
        record = dict(item["record"])
        notes = []
        for (case, name), why in DROPPED.items():
            if case == n["id"] and name in record:
                del record[name]
                notes.append(why)
        expect, note = expectation(n)
        if note:
            notes.append(note)
        policy = item["policy"] + ".kasu"
        out.setdefault(policy, []).append({
            "id": n["id"], "policy": policy, "sector": n["sector"], "group": n["group"],
            "narrative": n["narrative"], "source": n["source"], "source_says": n["source_says"],
            "unverified": "unverified" in n["source"],
            "record": record, "expect": expect, "legitimate": n["verdict"] == "legitimate",
            "note": " / ".join(notes),
        })
    return out


def main(argv: list[str]) -> int:
    narratives, records = Path(argv[0]), Path(argv[1])
    target = Path(argv[2]) if len(argv) > 2 else ROOT / "tests" / "corpus" / "incidents"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.jsonl"):
        old.unlink()
    for policy, cases in build(narratives, records).items():
        text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
        (target / policy.replace(".kasu", ".jsonl")).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
