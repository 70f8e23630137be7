"""Decisions per second on one core: a 20-rule policy beside the same rules written by hand.

    python benchmarks/evaluate.py              # 100,000 records, 3 rounds
    python benchmarks/evaluate.py --n 20000 --rounds 5

The hand-written function is the physical limit: plain Python over the dicts, no validation,
no three-valued logic, the winner picked the same way (highest severity, then the earlier
rule). Before timing, the engine's deciding rule and matched set must equal the hand-written
ones on every record. Each round times every variant once, in rotating order; the table gives
the median records/s and the median of the paired ratios (hand-written pass right before).

Variants:
  hand-written      the limit
  evaluate_many     plain decisions through the public API
  to_dict           plain decisions as the JSON of section 7 (what `kasu eval` writes)
  explained         evaluate_many(records, explain=True) then to_dict(explain=True): every rule's
                    trace with every condition's values, as a fresh copy the caller may change
  explained JSON    evaluate_many(records, explain=True) then to_json(explain=True): the same as the
                    JSON text `kasu eval --explain` writes (the shared trace entries serialised, no copy)
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

POLICY = """
policy "benchmark: 20 rules" {
  id        bench20
  version   "1"
  decide    highest_severity
  otherwise claim
}

schema {
  incident_id: text key
  channel: one of ["counter", "phone", "email", "sns", "web_form"]
  call_length: optional duration in minutes
  repeat_30d: int
  dogeza: bool
  manager: bool
  home_visit: bool
  sns_threat: bool
  physical: bool
  demand_valid: optional bool
  stayed: int
  amount: int
  purchase: int
  words: list of text
  remarks: text
}

outcomes    { claim, kasuhara }
severities  { low, medium, high, critical }

phrases threats = ["殺す", "覚えてろ", "火をつける"]
phrases insults = ["無能", "クズ", "役立たず"]

define valid = demand_valid is present and demand_valid
define on_call = call_length is present

rule r01 { when physical then kasuhara severity critical respond "1" }
rule r02 { when remarks contains any threats then kasuhara severity critical respond "2" }
rule r03 { when dogeza and sns_threat then kasuhara severity critical respond "3" }
rule r04 { when dogeza then kasuhara severity high respond "4" }
rule r05 { when amount > purchase * 3 and not valid then kasuhara severity high respond "5" }
rule r06 { when sns_threat and not valid then kasuhara severity high respond "6" }
rule r07 { when count(words) >= 3 then kasuhara severity high respond "7" }
rule r08 { when channel in ["counter", "web_form"] and stayed >= 60 then kasuhara severity high respond "8" }
rule r09 { when channel == "phone" and on_call and call_length >= 30min and repeat_30d >= 3
           then kasuhara severity medium respond "9" }
rule r10 { when manager and not valid then kasuhara severity medium respond "10" }
rule r11 { when stayed >= 30 then kasuhara severity medium respond "11" }
rule r12 { when repeat_30d >= 10 then kasuhara severity medium respond "12" }
rule r13 { when on_call and call_length >= 90min then kasuhara severity medium respond "13" }
rule r14 { when home_visit and not valid then kasuhara severity medium respond "14" }
rule r15 { when channel == "sns" and count(words) >= 1 then kasuhara severity medium respond "15" }
rule r16 { when words contains any insults then kasuhara severity low respond "16" }
rule r17 { when channel == "email" and repeat_30d >= 5 and not valid then kasuhara severity low respond "17" }
rule r18 { when manager and channel in ["phone", "email"] and repeat_30d >= 2 then kasuhara severity low respond "18" }
rule r19 { when amount >= 500000 and demand_valid is missing then kasuhara severity low respond "19" }
rule r20 { when valid then claim respond "20" }
"""

RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, None: 0}
SEVERITY = [None, "critical", "critical", "critical", "high", "high", "high", "high", "high", "medium", "medium",
            "medium", "medium", "medium", "medium", "medium", "low", "low", "low", "low", None]
KEY = [RANK[SEVERITY[i]] * 1000 - i for i in range(21)]
THREATS = ("殺す", "覚えてろ", "火をつける")
INSULTS = frozenset(("無能", "クズ", "役立たず"))
WORDS = ["無能", "クズ", "役立たず", "バカ", "ふざけるな", "金返せ", "責任者を出せ"]
REMARKS = ["", "交換してほしい", "覚えてろよ", "説明してください", "火をつけるぞ", "納得できない"]


def hand_written(r: dict) -> list[int]:
    """The 20 rules by hand: the indices (1-based) of the matched rules, in rule order."""
    valid = r.get("demand_valid") is True
    cl = r.get("call_length")
    ch, rep, words, remarks = r["channel"], r["repeat_30d"], r["words"], r["remarks"]
    m = []
    if r["physical"]: m.append(1)
    if any(t in remarks for t in THREATS): m.append(2)
    if r["dogeza"] and r["sns_threat"]: m.append(3)
    if r["dogeza"]: m.append(4)
    if r["amount"] > r["purchase"] * 3 and not valid: m.append(5)
    if r["sns_threat"] and not valid: m.append(6)
    if len(words) >= 3: m.append(7)
    if (ch == "counter" or ch == "web_form") and r["stayed"] >= 60: m.append(8)
    if ch == "phone" and cl is not None and cl >= 30 and rep >= 3: m.append(9)
    if r["manager"] and not valid: m.append(10)
    if r["stayed"] >= 30: m.append(11)
    if rep >= 10: m.append(12)
    if cl is not None and cl >= 90: m.append(13)
    if r["home_visit"] and not valid: m.append(14)
    if ch == "sns" and words: m.append(15)
    if not INSULTS.isdisjoint(words): m.append(16)
    if ch == "email" and rep >= 5 and not valid: m.append(17)
    if r["manager"] and (ch == "phone" or ch == "email") and rep >= 2: m.append(18)
    if r["amount"] >= 500000 and "demand_valid" not in r: m.append(19)
    if valid: m.append(20)
    return m


def pick(matched: list[int]) -> int:
    return max(matched, key=KEY.__getitem__, default=0)


def generate(n: int, seed: int = 20261128) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        ch = rnd.choice(["counter", "phone", "phone", "email", "sns", "web_form"])
        r = {"incident_id": f"B-{i:07d}", "channel": ch, "repeat_30d": min(15, int(rnd.expovariate(1 / 2.5))),
             "dogeza": rnd.random() < 0.04, "manager": rnd.random() < 0.25, "home_visit": rnd.random() < 0.03,
             "sns_threat": rnd.random() < 0.08, "physical": rnd.random() < 0.01,
             "stayed": rnd.randint(1, 90) if ch in ("counter", "web_form") and rnd.random() < 0.3 else 0,
             "amount": 0 if rnd.random() < 0.6 else int(rnd.expovariate(1 / 120_000)),
             "purchase": int(rnd.expovariate(1 / 20_000)),
             "words": rnd.sample(WORDS, rnd.choice([0, 0, 0, 1, 1, 2, 3, 4])),
             "remarks": rnd.choice(REMARKS)}
        if ch == "phone" or rnd.random() < 0.1:
            r["call_length"] = min(120, int(rnd.expovariate(1 / 22)))
        if rnd.random() >= 0.2:
            r["demand_valid"] = rnd.random() < 0.55
        out.append(r)
    return out


def verify(policy, records: list[dict]) -> None:
    for r in records:
        want = hand_written(r)
        d = policy.evaluate(r)
        got = sorted(int(name[1:]) for name in d.matched)
        winner = int(d.rule[1:]) if d.rule else 0
        if got != want or winner != pick(want):
            raise SystemExit(f"MISMATCH on {r['incident_id']}: engine {got} / {d.rule}, hand {want} / {pick(want)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-pin", action="store_true")
    args = ap.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    from kasuhara_rules import parse_policy

    policy = parse_policy(POLICY, "bench20.kasu")
    records = generate(args.n)
    verify(policy, records)

    def hand() -> None:
        for r in records:
            pick(hand_written(r))

    def plain() -> None:
        for d in policy.evaluate_many(records):
            d.rule

    def as_json() -> None:
        for d in policy.evaluate_many(records):
            d.to_dict()

    def explained() -> None:
        for d in policy.evaluate_many(records, explain=True):
            d.to_dict(explain=True)

    def explained_json() -> None:
        import json

        for d in policy.evaluate_many(records, explain=True):
            if hasattr(d, "to_json"):
                d.to_json(explain=True)
            else:  # the code before to_json: what `kasu eval --explain` wrote
                json.dumps(d.to_dict(explain=True), ensure_ascii=False, separators=(",", ":"))

    variants = [("hand-written", hand), ("evaluate_many", plain), ("to_dict", as_json),
                ("explained", explained), ("explained JSON", explained_json)]
    rates: dict[str, list[float]] = {name: [] for name, _ in variants}
    ratios: dict[str, list[float]] = {name: [] for name, _ in variants}
    for rnd in range(args.rounds):
        order = variants[rnd % len(variants):] + variants[: rnd % len(variants)]
        for name, fn in order:
            gc.collect()
            t0 = time.perf_counter()
            hand()
            anchor = args.n / (time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            fn()
            rate = args.n / (time.perf_counter() - t0)
            rates[name].append(rate)
            ratios[name].append(anchor / rate)
    print(f"{args.n:,} records, {args.rounds} rounds, one core; engine verified against the hand-written rules")
    print()
    print("| variant | records/s (median) | µs / record | vs hand-written (paired median) |")
    print("|---|---:|---:|---:|")
    for name, _ in variants:
        rate = statistics.median(rates[name])
        ratio = statistics.median(ratios[name])
        print(f"| {name} | {rate:,.0f} | {1e6 / rate:.2f} | {ratio:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
