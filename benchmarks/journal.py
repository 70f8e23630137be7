"""The decision journal on SQLite: appending decided incidents with their explanations, verifying the
chain, and the trend report of a large journal.

    python benchmarks/journal.py                       # 100,000 incidents (several minutes)
    python benchmarks/journal.py --incidents 20000     # quicker
    python benchmarks/journal.py --policy demo         # the desk's demo policy (short traces)
    python benchmarks/journal.py --db postgresql://kasu@127.0.0.1:5432/bench   # another database
    python benchmarks/journal.py --db sqlite:///big.db --existing              # verify and report only

Needs the `journal` extra (`pip install '.[journal]'`; `.[report]` too for the HTML report row).

The incidents are the valid records of examples/retail-incidents.jsonl (the retail policy and its
MHLW baseline: 40 rules, `mentions` on remarks, a sensitive field with a retention), each given a new
incident number and a date spread over two years, appended one by one with `Journal.add` — one
transaction each, the decision's full trace in the chain (about 20 KB a decision) — as `kasu journal
add` does. Rates are wall-clock, in one process, and also per CPU second of that process (what the
machine's other load does not take away). `verify` recomputes every link, every kept sensitive value
and the policy files; the report row is `Journal.report()` (the data of `kasu report --db`) and the
whole command `kasu report --db URL --format json` in a fresh process, start-up included.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def records() -> list[dict]:
    from kasuhara_rules import load_policy

    policy = load_policy(ROOT / "examples" / "retail.kasu")
    out = []
    for line in (ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            policy.evaluate(record)
        except Exception:  # noqa: BLE001 - the broken lines of the shipped file
            continue
        out.append(record)
    return out


def timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--db", help="a database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--policy", choices=("retail", "demo"), default="retail",
                        help="retail: the retail policy on the MHLW baseline and its sourced incidents (a trace "
                             "of about 100 KB a decision); demo: the desk's demo policy (acme-retail.kasu) and "
                             "the varied records of benchmarks/desk.py (a few KB)")
    parser.add_argument("--existing", action="store_true", help="the journal at --db is already filled: "
                                                                 "verify and report it only")
    args = parser.parse_args()

    from kasuhara_rules import load_policy
    from kasuhara_rules.journal import open_journal

    folder = tempfile.mkdtemp(prefix="kasu-journal-bench-")
    url = args.db or f"sqlite:///{folder}/journal.db"
    n = args.incidents
    if args.policy == "demo":
        import random

        sys.path.insert(0, str(ROOT / "benchmarks"))
        from desk import record as demo_record

        policy = load_policy(ROOT / "examples" / "acme-retail.kasu")
        rng = random.Random(7)
        made = [demo_record(i, rng) for i in range(n)]
    else:
        policy = load_policy(ROOT / "examples" / "retail.kasu")
        base = records()
        made = []
        for i in range(n):
            record = dict(base[i % len(base)])
            record["incident_id"] = f"B-{i:06d}"
            day = 1 + i % 28
            month = 1 + (i // 28) % 12
            year = 2027 + (i // (28 * 12)) % 2
            record["reported_at"] = f"{year}-{month:02d}-{day:02d}T10:00:00+09:00"
            made.append(record)
    journal = open_journal(url)
    journal.register(policy, by="bench")
    trace_kb = sum(len(policy.evaluate(r, explain=True).to_json(explain=True).encode()) for r in made[:200])
    print(f"{args.policy} policy: an explained decision is {trace_kb / min(n, 200) / 1e3:.1f} KB of JSON on average")

    def append() -> None:
        for record in made:
            journal.add(record, by="bench", policy=policy)

    rows = []
    if args.existing:
        n = sum(1 for _ in journal.incidents())
    else:
        _, wall, cpu = timed(append)
        rows.append(("append (one transaction each, with trace)", n, wall, cpu))
    result, wall, cpu = timed(journal.verify)
    assert result.ok, result
    rows.append(("verify", result.entries, wall, cpu))
    data, wall, cpu = timed(journal.report)
    assert sum(data["outcomes"].values()) == n
    rows.append((f"report data of {n:,} incidents", n, wall, cpu))
    journal.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kasuhara_rules", "report", "--db", url, "--format", "json"],
                          capture_output=True, env=env)
    assert done.returncode == 0, done.stderr[-500:]
    rows.append((f"kasu report --db (fresh process) of {n:,}", n, time.perf_counter() - start, None))
    from kasuhara_rules.journal.store import sqlite_path

    path = sqlite_path(url)
    size = os.path.getsize(path) if path else None
    print(f"{'':46} {'items':>9} {'wall s':>8} {'per s':>9} {'per CPU s':>10}")
    for name, count, wall, cpu in rows:
        per_cpu = f"{count / cpu:>10,.0f}" if cpu else f"{'':>10}"
        print(f"{name:46} {count:>9,} {wall:>8.2f} {count / wall:>9,.0f} {per_cpu}")
    if size:
        print(f"database: {size / 1e6:,.0f} MB ({size / n / 1e3:.1f} KB an incident)")


if __name__ == "__main__":
    main()
