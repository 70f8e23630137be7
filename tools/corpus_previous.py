"""How the previous shipped policies (versions 2026.1/2026.2, before issue 12) decide the labelled
corpus: each record is translated to the old schema the way a clerk would have filled in the old
form, then decided, and compared with the expected outcome.

    mkdir -p /tmp/prev && for f in examples/*.kasu; do git show 8cfc969:$f > /tmp/prev/$(basename $f); done
    PYTHONPATH=src python tools/corpus_previous.py /tmp/prev

The translation (old field ← new fields): demand_valid ← has_basis and proportionate (unknown when
either is); intimidation ← any raised voice, once or persistent (the old form had one box for
「大声・机を叩く等」); demanded_manager ← any demanded_rank; stayed_after_request ← 40 min after one
refused exit order, 75 min after two or more; call_length ← contact_length on the phone, and the
local-government counter_time ← contact_length at the counter; contacts ← one contact in the last
30 days per earlier contact on the same matter; same_topic_repeated ← deadlocked; silent_calls_7d ←
the earlier silent calls. Checkboxes not ticked are false. Prints Markdown.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from corpus_matrix import load_cases  # noqa: E402

from kasuhara_rules import load_policy  # noqa: E402

CHECKBOXES = ("physical_contact", "demanded_dogeza", "discriminatory", "sexual_conduct", "targeted_employee",
              "posted_online", "threatened_sns", "demanded_home_visit")
SAME = ("incident_id", "channel", "reported_at", "demand_type", "remarks", "amount_requested", "reference_amount",
        "calls_today", "perpetrator", "setting", "symptom_related", "demanded_unlawful", "information_request",
        "recording_notified", "excessive_requests", "accommodation_request", "mode", "obstructed_operation",
        "intoxicated", "refused_fare", "delay_length", "store", "days_since_purchase", "section", "property")


def to_old(record: dict) -> dict:
    """The record as the old (2026.1) form would have recorded it."""
    old = {k: record[k] for k in SAME if k in record}
    for k in CHECKBOXES:
        old[k] = bool(record.get(k, False))
    basis, proportion = record.get("has_basis"), record.get("proportionate")
    if basis is False or proportion is False:
        old["demand_valid"] = False
    elif basis is True and proportion is True:
        old["demand_valid"] = True
    old["intimidation"] = record.get("raised_voice", "none") != "none"
    old["demanded_manager"] = record.get("demanded_rank", "none") not in (None, "none")
    orders = record.get("exit_orders") or 0
    if orders:
        old["stayed_after_request"] = 75 if orders >= 2 else 40
    length = record.get("contact_length")
    if length is not None and record.get("channel") == "phone":
        old["call_length"] = length
    if length is not None and record.get("channel") in ("counter", "visit"):
        old["counter_time"] = length
    at = dt.datetime.fromisoformat(record["reported_at"])
    earlier = max((record.get("same_matter_contacts") or 1) - 1, 0)
    old["contacts"] = [{"at": (at - dt.timedelta(days=i + 1)).isoformat(), "channel": record.get("channel", "phone")}
                       for i in range(earlier)]
    if record.get("deadlocked") is not None:
        old["same_topic_repeated"] = record["deadlocked"]
    if record.get("silent_calls"):
        old["silent_calls_7d"] = record["silent_calls"] - 1
    return old


def main(argv: list[str]) -> int:
    previous = Path(argv[0])
    cases = load_cases(ROOT / "tests" / "corpus" / "incidents")
    policies: dict = {}
    rows: dict[str, list] = {}
    for case in cases:
        name = case["policy"]
        if name not in policies:
            policies[name] = load_policy(previous / name)
        p = policies[name]
        d = p.evaluate_numbered(to_old(case["record"]), None)
        decided = "invalid" if d.error is not None else d.outcome
        rows.setdefault(name, []).append((case, decided))
    total = sum(len(v) for v in rows.values())
    agree_all = sum(1 for v in rows.values() for c, o in v if c["expect"]["outcome"] == o)
    alarms_all = sum(1 for v in rows.values() for c, o in v if c["legitimate"] and o == "kasuhara")
    print(f"previous versions: {agree_all} of {total} cases decided with the expected outcome; "
          f"{alarms_all} legitimate complaints decided as harassment\n")
    for name, items in rows.items():
        outcomes = sorted({c["expect"]["outcome"] for c, _ in items} | {o for _, o in items})
        agree = sum(1 for c, o in items if c["expect"]["outcome"] == o)
        alarms = [c["id"] for c, o in items if c["legitimate"] and o == "kasuhara"]
        version = policies[name].version
        print(f"**{name} {version}** — {agree} of {len(items)} as expected; legitimate complaints decided "
              f"as harassment: {len(alarms)}" + (f" ({', '.join(alarms)})" if alarms else "") + "\n")
        print("| expected ↓ / decided → | " + " | ".join(outcomes) + " |")
        print("|---|" + "---|" * len(outcomes))
        for row in outcomes:
            print(f"| {row} | " + " | ".join(str(sum(1 for c, o in items if c['expect']['outcome'] == row and o == col))
                                           for col in outcomes) + " |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
