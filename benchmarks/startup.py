"""Start-up: `import kasuhara_rules` and `kasu check` as whole processes, beside a bare interpreter.

    python benchmarks/startup.py              # 15 runs each, median
    python benchmarks/startup.py --runs 30

Rows: the bare interpreter (`python -c pass`, the yardstick of issue 7), the import alone,
`kasu check` of a small policy (the parse tables are shipped in the package: nothing is
cached on disk since 0.2), `kasu check` of a policy with a syntax error (Lark is built in
memory to explain it), and `kasu check` of a generated 2,000-rule policy. Targets (issue 7): the import and the small
check within 10× of the bare interpreter; the 2,000-rule check under 4 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "examples" / "acme-retail.kasu"


def median_seconds(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from parse import make_policy

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    py = sys.executable
    kasu = [py, "-m", "kasuhara_rules"]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.kasu"
        big.write_text(make_policy(2000), encoding="utf-8")
        broken = Path(tmp) / "broken.kasu"
        broken.write_text(SMALL.read_text(encoding="utf-8").replace("then", "than", 1), encoding="utf-8")
        rows = [
            ("python -c pass", [py, "-c", "pass"], env, args.runs),
            ("python -c 'import kasuhara_rules'", [py, "-c", "import kasuhara_rules"], env, args.runs),
            ("python -c 'import kasuhara_rules; kasuhara_rules.load_policy(...)' (small)",
             [py, "-c", f"import kasuhara_rules; kasuhara_rules.load_policy({str(SMALL)!r})"], env, args.runs),
            ("kasu check (small policy)", kasu + ["check", str(SMALL)], env, args.runs),
            ("kasu check (small policy with a syntax error)", kasu + ["check", str(broken)], env, args.runs),
            ("kasu check (2,000 rules, 22,000 lines)", kasu + ["check", str(big)], env, max(3, args.runs // 5)),
        ]
        results = [(label, median_seconds(cmd, runs, e)) for label, cmd, e, runs in rows]
    bare = results[0][1]
    print(f"# start-up, median of {args.runs} runs; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| command | ms | × python -c pass |")
    print("|---|---:|---:|")
    for label, seconds in results:
        print(f"| {label} | {seconds * 1000:,.0f} | {seconds / bare:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
