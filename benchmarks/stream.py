"""`kasu eval` over a large JSON Lines file: throughput and peak memory, one process and --jobs N.

    python benchmarks/stream.py                    # a 1 GB file, jobs 1 and 2
    python benchmarks/stream.py --size-mb 100 --jobs 1 --jobs 2 --jobs 4
    python benchmarks/stream.py --keep /tmp/big.jsonl   # keep (or reuse) the generated file

The file repeats the retail incidents of `examples/` (valid records and the broken lines
among them) under fresh incident ids until it reaches the size. Each run is a fresh
`python -m kasuhara_rules eval examples/retail.kasu FILE` writing JSON Lines to a file; the
table gives the wall time, records per second and the peak resident memory of the whole
process tree (the main process plus its workers, sampled from /proc every 20 ms; with only
the kernel's figure for the largest single process where /proc is missing). Every run is
checked: one output line per input record, in input order, and exit status 3 (some lines
are invalid on purpose). Target (issue 7): memory stays under 200 MB on a 1 GB file.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "retail.kasu"
INCIDENTS = ROOT / "examples" / "retail-incidents.jsonl"
_ID = re.compile(r'"incident_id":\s*"[^"]*"')


def generate(path: Path, size_mb: int) -> int:
    """Write the file; return the number of non-blank lines (= records, valid or not)."""
    lines = [ln for ln in INCIDENTS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    target = size_mb * 1024 * 1024
    written = count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        while written < target:
            block = []
            for line in lines:
                count += 1
                block.append(_ID.sub(f'"incident_id": "S-{count:09d}"', line, count=1))
            text = "\n".join(block) + "\n"
            out.write(text)
            written += len(text.encode("utf-8"))
    return count


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _tree_rss_kb(pid: int, cpu: dict[int, float] | None = None) -> int:
    """Resident memory of a process and all its descendants, in kB (0 if it is gone); `cpu` gets
    the user + system seconds of each process seen (its own, not its children's)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            if cpu is not None:
                with open(f"/proc/{p}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                cpu[p] = max(cpu.get(p, 0.0), (int(fields[11]) + int(fields[12])) / _TICK)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(data: Path, records: int, jobs: int) -> dict:
    out_path = data.with_suffix(f".out{jobs}.jsonl")
    cmd = [sys.executable, "-m", "kasuhara_rules", "eval", str(POLICY), str(data), "--no-progress"]
    if jobs > 1:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    peak = 0
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.02)
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    seconds = time.perf_counter() - start
    if peak == 0:  # no /proc: the kernel's figure for the largest single process
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out_lines, in_order, first_bad = 0, True, None
    with open(out_path, "rb") as f:
        previous = 0
        for line in f:
            out_lines += 1
            decision = json.loads(line)
            incident = decision.get("incident")
            if isinstance(incident, str) and incident.startswith("S-"):
                number = int(incident[2:])
                if number <= previous:
                    in_order = False
                previous = number
            elif first_bad is None and decision.get("error") is None:
                first_bad = decision
    out_path.unlink()
    return {"jobs": jobs, "seconds": seconds, "peak_mb": peak / 1024, "exit": proc.returncode,
            "ok": out_lines == records and in_order and proc.returncode == 3,
            "out_lines": out_lines, "stderr": stderr.strip()[-300:]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--jobs", type=int, action="append", help="process counts to run (default 1 and 2)")
    ap.add_argument("--keep", type=Path, help="generate the file here and keep it (reused if it exists)")
    args = ap.parse_args(argv)
    jobs = args.jobs or [1, 2]

    with tempfile.TemporaryDirectory() as tmp:
        data = args.keep or Path(tmp) / "incidents.jsonl"
        if data.exists():
            records = sum(1 for line in open(data, "rb") if line.strip())
        else:
            started = time.perf_counter()
            records = generate(data, args.size_mb)
            print(f"generated {data} in {time.perf_counter() - started:.1f} s")
        size = data.stat().st_size / 1024 / 1024
        print(f"# kasu eval {POLICY.name}: {records:,} records, {size:,.0f} MB of JSON Lines; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}\n")
        print("| jobs | seconds | records/s | MB/s | peak memory MB (process tree) | output checked |")
        print("|---:|---:|---:|---:|---:|---|")
        failed = False
        for n in jobs:
            r = run(data, records, n)
            verdict = "ok: one line per record, in order, exit 3" if r["ok"] else \
                f"FAIL: {r['out_lines']:,} lines, exit {r['exit']} {r['stderr']}"
            failed = failed or not r["ok"]
            print(f"| {n} | {r['seconds']:.1f} | {records / r['seconds']:,.0f} | {size / r['seconds']:.1f} "
                  f"| {r['peak_mb']:.0f} | {verdict} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
