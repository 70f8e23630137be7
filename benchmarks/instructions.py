"""The peer job counted in CPU instructions (valgrind callgrind), not seconds.

    python benchmarks/instructions.py                 # 2,000 records, every engine of peers.py found
    python benchmarks/instructions.py --n 5000 --engines kasuhara,zen
    python benchmarks/instructions.py --tiers --n 100  # the two tiers of explanations alone

Why: on a shared machine wall-clock rates move by 30% and more between runs, and even the paired
ratios of benchmarks/peers.py drift when other processes compete for the same core. Callgrind
counts the instructions a process executes, which is the same for the same program, input and
interpreter whatever else the machine is doing. It does not see cache misses or branch
mispredictions, so a ratio of instructions is a lower bound of the ratio of times (traces touch
more memory than plain decisions); the two harnesses together bracket the truth.

Method: for each engine a child process builds the same records as peers.py, loads the engine,
runs one warm-up sweep (caches filled, code compiled), then K sweeps; it runs once with K=1 and
once with K=3 under callgrind, and (I3 - I1) / 2 / n is the cost of one warm sweep per record,
free of start-up and loading. Every engine's classification is checked against the hand-written
reference first (peers.verify), in this process, without valgrind.

`--tiers` counts the explanations of the peer job's records alone (`explain(rec, False)`, no
decision objects, no JSON): by the interpreter of traces, which answers a policy's first 32
explanations, and by the compiled `explain` with its trace cache.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402

CHILD = """
import sys
sys.path.insert(0, {here!r})
import peers
records = peers.incidents({n}, 1)
engine = [e for e in peers.all_engines() if e.name == {name!r}][0]
engine.load()
engine.classify(records)
for _ in range({reps}):
    engine.classify(records)
"""

TIER = """
import sys
sys.path.insert(0, {here!r})
import peers, kasuhara_rules
from kasuhara_rules.engine.compile_policy import compile_policy
from kasuhara_rules.engine.interpret_traced import TracedInterpreter
records = peers.incidents({n}, 1)
policy = kasuhara_rules.load_policy(peers.POLICY_FILE).checked
program = compile_policy(policy, interpret_first=0)
if {name!r} == "interpreted":
    explain = TracedInterpreter(policy, program.validate).explain
else:
    explain = program.explain
for r in records:
    explain(r, False)
for _ in range({reps}):
    for r in records:
        explain(r, False)
"""
TIERS = ("interpreted", "compiled")


def instructions(name: str, n: int, reps: int) -> int:
    code = (TIER if name in TIERS else CHILD).format(here=str(HERE), n=n, name=name, reps=reps)
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
                          capture_output=True, text=True)
    found = re.search(r"refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{name}: callgrind failed:\n{done.stderr[-800:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="records per sweep (default 2,000)")
    ap.add_argument("--engines", default="", help="comma-separated parts of engine names (the limit always runs)")
    ap.add_argument("--jobs", type=int, default=2, help="callgrind runs at once (default 2)")
    ap.add_argument("--tiers", action="store_true", help="the two tiers of explanations instead of the peers")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    if args.tiers:
        return tiers(args.n, args.jobs)
    wanted = [w.strip().lower() for w in args.engines.split(",") if w.strip()]
    records = peers.incidents(args.n, 1)
    engines = []
    for engine in peers.all_engines():
        if wanted and not isinstance(engine, peers.HandWritten) and not any(w in engine.name.lower() for w in wanted):
            continue
        try:
            engine.load()
        except peers.Skip as why:
            print(f"skipped {engine.name}: {why}", file=sys.stderr)
            continue
        problem = peers.verify(engine, records)
        if problem:
            print(f"FAIL {engine.name}: {problem}", file=sys.stderr)
            return 1
        engines.append(engine.name)
    jobs = [(name, reps) for name in engines for reps in (1, 3)]
    with ThreadPoolExecutor(args.jobs) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: instructions(job[0], args.n, job[1]), jobs)))
    per_record = {name: (counts[(name, 3)] - counts[(name, 1)]) / 2 / args.n for name in engines}
    limit = per_record[engines[0]]
    zen = next((v for k, v in per_record.items() if k.startswith("zen-engine")), None)
    print(f"# {args.n:,} records × 21 rules; instructions per record of one warm sweep (callgrind); "
          f"Python {sys.version.split()[0]}")
    print()
    print("| engine | instructions/record | vs hand-written | vs zen-engine |")
    print("|---|---:|---:|---:|")
    for name in engines:
        v = per_record[name]
        vs_zen = f"{zen / v:.2f}× fewer" if zen else "-"
        print(f"| {name} | {v:,.0f} | {v / limit:.2f}× | {vs_zen} |")
    return 0


def tiers(n: int, jobs: int) -> int:
    runs = [(name, reps) for name in TIERS for reps in (1, 3)]
    with ThreadPoolExecutor(jobs) as pool:
        counts = dict(zip(runs, pool.map(lambda job: instructions(job[0], n, job[1]), runs)))
    print(f"# {n:,} records × 21 rules, explain(rec, False); instructions per record of one warm sweep (callgrind); "
          f"Python {sys.version.split()[0]}")
    print()
    print("| tier of explanations | instructions/record |")
    print("|---|---:|")
    for name in TIERS:
        print(f"| {name} | {(counts[(name, 3)] - counts[(name, 1)]) / 2 / n:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
