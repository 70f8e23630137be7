"""Explanations of a large generated policy: how soon the first one is ready (issue 19).

    python benchmarks/bigpolicy.py                  # 500 and 2,000 rules
    python benchmarks/bigpolicy.py --rules 2000 --runs 5

For each size, in a fresh process per run: the load (parse, check, compile `validate`), the
first explained decision (`evaluate(record, explain=True).to_dict(explain=True)`: one pass,
no plain evaluator needed), then a plain decision and its explanation
(`evaluate(record).to_dict(explain=True)`: the first compiles `evaluate`), the next 15 of
those, and the compile of the second tier (`Program.compiled_explain()`), with `explain`
compiled on the first call ("before": INTERPRET_FIRST = 0) and with the interpreter answering
first ("after"). "load + first" is the load and the first explained decision.
Median of the runs; wall-clock seconds, and the process's user CPU seconds beside them (the
machine may be running something else). The policy is benchmarks/parse.py's `make_policy`.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def records(count: int) -> list[dict[str, object]]:
    out = []
    for i in range(count):
        out.append({
            "incident_id": f"B-{i}", "channel": ["phone", "counter", "email"][i % 3], "call_length": 20 + 7 * i,
            "repeat_contacts_30d": i % 9, "demanded_dogeza": i % 2 == 0, "demanded_manager": False,
            "demand_valid": None if i % 4 == 0 else i % 3 == 0, "remarks": "ネットに書くぞ" if i % 5 == 0 else "",
            "contacts": [{"at": f"2026-04-{d:02d}T10:00:00+09:00", "length": 10 + d + i} for d in range(1, 6)],
            "reported_at": "2026-04-20T10:00:00+09:00",
        })
    return out


def cpu() -> float:
    return os.times().user


def measure(rules: int, before: bool) -> dict[str, float]:
    from parse import make_policy

    from kasuhara_rules import parse_policy
    from kasuhara_rules.engine import compile_policy as cp

    if before:
        cp.INTERPRET_FIRST = 0
    text = make_policy(rules)
    recs = records(17)
    out: dict[str, float] = {}

    def timed(label: str, fn: object) -> object:
        c0, t0 = cpu(), time.perf_counter()
        result = fn()  # type: ignore[operator]
        out[label] = time.perf_counter() - t0
        out[label + "_cpu"] = cpu() - c0
        return result

    policy = timed("load", lambda: parse_policy(text, "bench.kasu"))
    # an explained decision, in one pass (what an auditor's tool asks for)
    timed("first", lambda: policy.evaluate(recs[0], explain=True).to_dict(explain=True))  # type: ignore[attr-defined]
    # a plain decision, then its explanation (the first compiles `evaluate`)
    timed("plain_then", lambda: policy.evaluate(recs[1]).to_dict(explain=True))  # type: ignore[attr-defined]
    timed("next15", lambda: [policy.evaluate(r).to_dict(explain=True) for r in recs[2:17]])  # type: ignore[attr-defined]
    timed("compile", lambda: policy.program.compiled_explain())  # type: ignore[attr-defined]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=int, action="append", help="rule counts (default 500 and 2000)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(measure(int(args.child[0]), args.child[1] == "before")))
        return 0
    print("| rules | tiers | load s | first explained decision s | then a plain decision and its explanation s "
          "| next 15 s | compile of explain s | load + first s |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for count in args.rules or [500, 2000]:
        for mode in ("before", "after"):
            runs = []
            for _ in range(args.runs):
                done = subprocess.run([sys.executable, __file__, "--child", str(count), mode],
                                      capture_output=True, text=True, check=True)
                runs.append(json.loads(done.stdout))

            def cell(key: str) -> str:
                wall = statistics.median(r[key] for r in runs)
                user = statistics.median(r[key + "_cpu"] for r in runs)
                return f"{wall:.2f} ({user:.2f})"

            total = statistics.median(r["load"] + r["first"] for r in runs)
            compile_cell = "in first" if mode == "before" else cell("compile")
            name = "compiled first" if mode == "before" else "interpreter first"
            print(f"| {count:,} | {name} | {cell('load')} | {cell('first')} | {cell('plain_then')} | "
                  f"{cell('next15')} | {compile_cell} | {total:.2f} |")
    print("\nwall-clock seconds, user CPU seconds in brackets; median of", args.runs, "runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
