"""One machine against Dask and Spark: N generated incidents decided by one process, `kasu eval
--jobs 2`, Dask with 2 worker processes and Spark local[2]; records/s, peak memory, overhead.

    python benchmarks/scale.py                      # 1,000,000 incidents
    python benchmarks/scale.py --n 200000 --parts 8
    python benchmarks/scale.py --n 1000000 --mentions-n 20000   # add rows with `mentions` on

Needs the `distributed` extra (`pip install '.[distributed]'`) and Java for the Spark row (the
engines missing are left out of the table, saying why).

The incidents follow the retail schema (examples/retail.kasu and its baseline): every field
the rules read, with remarks of 50–300 characters of Japanese (some with the lexicon's
abusive or threatening phrases), some optional fields absent, and one line in 5,000 broken on
purpose (not JSON, or a value of the wrong type), which every engine must turn into an error
decision. They are written to `--parts` JSON Lines files, which every engine reads: the
command line as `kasu eval POLICY PART…`, Dask as `kasuhara_rules.dask.read_jsonl` (one
partition per file), Spark as `kasuhara_rules.spark.read_jsonl`. Every engine writes the
decisions (JSON Lines, as `kasu eval`) to files, and the run is checked: one decision per
record, the broken lines as errors.

The main table uses the retail policy with `remarks contains any …` in place of `remarks mentions
any …` (a copy made in a temporary folder): `mentions` analyses words with SudachiPy and
would measure that instead. `--mentions-n` adds rows with the shipped policy, on fewer records.

Each engine runs as a fresh process (`python -m kasuhara_rules eval …`, or a small driver
script for Dask and Spark); the wall time is that process's, start-up included (the Dask
cluster, the Spark JVM); "decide s" is the time the driver spent in the computation itself
(for the command line, the wall time). Peak memory is the resident memory (VmRSS) of the whole
process tree — the driver, the Dask scheduler, nannies and workers, the Spark JVM and its
Python workers — summed, sampled from /proc every 50 ms. "CPU s" is the user + system time of
the whole process tree (each process's own `utime + stime` from /proc/PID/stat, the last value
sampled, summed over every process seen; the last 50 ms of each process may be missed),
start-up included. Two overheads against one process: the CPU
time spent (`CPU / one-process CPU − 1`, what the engine costs in work, whatever else runs on
the machine) and the cores held (`cores × wall / one-process wall − 1`: 0 % for a perfect 2-core
run on an idle machine; on a busy machine it is also the share of the cores others took).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stream import _tree_rss_kb  # noqa: E402  (one walker of /proc for both benchmarks)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SRC = ROOT / "src"

STORES = ["新宿店", "横浜店", "池袋店", "渋谷店", "梅田店", "札幌店", "コールセンター"]
CHANNELS = ["counter", "phone", "email", "sns", "web_form", "visit", "letter"]
DEMANDS = ["refund", "exchange", "apology", "explanation", "compensation", "service", "other"]
VOICES = ["none", "none", "none", "once", "persistent"]
RANKS = ["none", "manager", "branch_head", "president"]
PLAIN = ["昨日買った商品の電源が入らないので交換してほしい。", "レシートは持っています。", "説明が分かりにくかった。",
         "店員の対応が遅いと感じた。", "返金の手続きについて教えてほしい。", "配送が予定より二日遅れた。",
         "箱を開けたら部品が足りなかった。", "何度も電話したがつながらなかった。", "前回の説明と違うのではないか。",
         "担当者の名前を教えてほしい。", "もう一度確認してから連絡してほしい。", "今日中に回答がほしい。"]
HARSH = ["お前は馬鹿か。", "ふざけるな、誠意を見せろ。", "土下座して謝れ。", "SNSに書いて拡散してやる。",
         "ネットに晒すぞ。", "責任者を出せ。", "家まで謝りに来い。", "覚えておけよ。", "役立たずが。"]


def remarks(rng: random.Random) -> str:
    """50–300 characters of Japanese: plain sentences, sometimes a harsh one."""
    target = rng.randint(50, 300)
    parts: list[str] = []
    while sum(map(len, parts)) < target:
        parts.append(rng.choice(HARSH) if rng.random() < 0.08 else rng.choice(PLAIN))
    return "".join(parts)[:target]


def incident(n: int, rng: random.Random) -> dict:
    record = {
        "incident_id": f"S-{n:09d}",
        "store": rng.choice(STORES),
        "channel": rng.choice(CHANNELS),
        "reported_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 21):02d}:"
                       f"{rng.randint(0, 59):02d}:00+09:00",
        "demand_type": rng.choice(DEMANDS),
        "remarks": remarks(rng),
        "raised_voice": rng.choice(VOICES),
    }
    optional = {
        "has_basis": rng.random() < 0.6, "proportionate": rng.random() < 0.7,
        "amount_requested": rng.choice([0, 1000, 5000, 30000, 100000, 1000000]),
        "reference_amount": rng.choice([500, 4980, 12000, 30000]),
        "days_since_purchase": rng.randint(0, 120),
        "physical_contact": rng.random() < 0.01, "demanded_dogeza": rng.random() < 0.02,
        "discriminatory": rng.random() < 0.01, "sexual_conduct": rng.random() < 0.005,
        "targeted_employee": rng.random() < 0.02, "posted_online": rng.random() < 0.02,
        "threatened_sns": rng.random() < 0.03, "demanded_rank": rng.choice(RANKS),
        "demanded_home_visit": rng.random() < 0.01, "accommodation_request": rng.random() < 0.02,
        "exit_orders": rng.choice([0, 0, 0, 1, 2]), "contact_length": rng.choice([5, 10, 20, 35, 60, 95]),
        "deadlocked": rng.random() < 0.15, "same_matter_contacts": rng.choice([1, 1, 2, 3, 5, 8]),
        "customer_ref": f"C-{rng.randint(1, 99999):05d}",
    }
    for name, value in optional.items():
        if rng.random() < 0.85:  # the rest are absent: unknown, never false
            record[name] = value
    return record


def generate(folder: Path, n: int, parts: int, seed: int = 19) -> tuple[list[Path], int]:
    """Write N incidents into `parts` files; returns the files and the number of broken lines."""
    rng = random.Random(seed)
    paths = [folder / f"incidents-{i:03d}.jsonl" for i in range(parts)]
    per = -(-n // parts)
    broken = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    count = 0
    for path in paths:
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            lines = []
            for _ in range(min(per, n - count)):
                count += 1
                if count % 5000 == 0:
                    broken += 1
                    lines.append(f'{{"incident_id": "S-{count:09d}", "channel": "fax"' if broken % 2
                                 else dumps(dict(incident(count, rng), contact_length="ずっと")))
                else:
                    lines.append(dumps(incident(count, rng)))
            out.write("\n".join(lines) + "\n")
    return paths, broken


def policy_without_mentions(folder: Path) -> Path:
    """A copy of examples/retail.kasu whose baseline matches remarks with `contains` (substrings)."""
    for name in ("retail.kasu", "mhlw-baseline.kasu"):
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace(" mentions any ", " contains any "), encoding="utf-8")
    shutil.copytree(EXAMPLES / "lexicon", folder / "lexicon")
    return folder / "retail.kasu"


DASK = textwrap.dedent("""
    import glob, json, logging, sys, time
    from distributed import Client, LocalCluster
    from kasuhara_rules import load_policy
    import kasuhara_rules.dask as kd
    policy_path, out_dir, *paths = sys.argv[1:]
    if __name__ == "__main__":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        policy = load_policy(policy_path)
        start = time.perf_counter()
        kd.decide_bag(kd.read_jsonl(paths), policy, output="json").to_textfiles(out_dir + "/*.jsonl")
        print(json.dumps({"decide": time.perf_counter() - start}))
        client.close(); cluster.close()
""")

SPARK = textwrap.dedent("""
    import json, sys, time
    from pyspark.sql import SparkSession
    from kasuhara_rules import load_policy
    import kasuhara_rules.spark as ks
    policy_path, out_dir, *paths = sys.argv[1:]
    spark = (SparkSession.builder.master("local[2]").appName("kasu-scale").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "1g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    policy = load_policy(policy_path)
    start = time.perf_counter()
    ks.decide_rdd(ks.read_jsonl(spark.sparkContext, paths), policy, output="json").saveAsTextFile(out_dir)
    print(json.dumps({"decide": time.perf_counter() - start}))
    spark.stop()
""")


def run(name: str, cmd: list[str], out_dir: Path, stdout_file: Path | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    peak = 0
    cpu_by_pid: dict[int, float] = {}
    start = time.perf_counter()
    with open(stdout_file or os.devnull, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out if stdout_file else subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid, cpu_by_pid))
            time.sleep(0.05)
        stdout = proc.stdout.read().decode() if proc.stdout else ""
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    seconds = time.perf_counter() - start
    cpu = sum(cpu_by_pid.values())
    decide = seconds
    for line in stdout.splitlines():
        if line.startswith("{"):
            decide = json.loads(line)["decide"]
    return {"name": name, "seconds": seconds, "decide": decide, "cpu": cpu, "peak_mb": peak / 1024,
            "exit": proc.returncode,
            "stderr": stderr.strip()[-400:]}


def check(out_files: list[Path], n: int, broken: int) -> str:
    lines = errors = 0
    for path in out_files:
        with open(path, "rb") as f:
            for line in f:
                lines += 1
                if b'"outcome":null' in line:
                    errors += 1
    return "ok" if (lines, errors) == (n, broken) else f"FAIL: {lines:,} decisions, {errors:,} errors"


def _available(module: str) -> str | None:
    try:
        __import__(module)
    except ImportError:
        return f"{module} is not installed (pip install '.[distributed]')"
    return None


def bench(policy: Path, paths: list[Path], n: int, broken: int, work: Path, engines: list[str]) -> list[dict]:
    rows = []
    for engine in engines:
        out_dir = work / f"out-{engine}"
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir()
        eval_cmd = [sys.executable, "-m", "kasuhara_rules", "eval", str(policy), *map(str, paths), "--no-progress"]
        if engine == "one process":
            r = run(engine, eval_cmd, out_dir, out_dir / "out.jsonl")
        elif engine == "kasu eval --jobs 2":
            r = run(engine, [*eval_cmd, "--jobs", "2"], out_dir, out_dir / "out.jsonl")
        elif engine == "Dask, 2 workers":
            missing = _available("distributed")
            if missing:
                rows.append({"name": engine, "skipped": missing})
                continue
            r = run(engine, [sys.executable, "-c", DASK, str(policy), str(out_dir), *map(str, paths)], out_dir, None)
        else:
            missing = _available("pyspark") or (None if shutil.which("java") else "no Java runtime")
            if missing:
                rows.append({"name": engine, "skipped": missing})
                continue
            shutil.rmtree(out_dir)
            r = run(engine, [sys.executable, "-c", SPARK, str(policy), str(out_dir), *map(str, paths)], out_dir, None)
        outputs = sorted(p for p in out_dir.glob("*") if p.is_file() and not p.name.startswith((".", "_")))
        r["check"] = check(outputs, n, broken) if r["exit"] in (0, 3) else f"FAIL: exit {r['exit']} {r['stderr']}"
        shutil.rmtree(out_dir, ignore_errors=True)
        rows.append(r)
    return rows


def table(rows: list[dict], n: int, cores: int = 2) -> str:
    base = next((r for r in rows if r["name"] == "one process" and "seconds" in r), None)
    out = ["| engine | wall s | decide s | records/s (decide) | CPU s (process tree) | peak memory MB "
           "(process tree) | overhead: CPU vs one process | overhead: cores × wall | checked |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if "skipped" in r:
            out.append(f"| {r['name']} | – | – | – | – | – | – | – | skipped: {r['skipped']} |")
            continue
        used = 1 if r["name"] == "one process" else cores
        by_cpu = f"{r['cpu'] / base['cpu'] - 1:+.0%}" if base else "–"
        by_wall = f"{used * r['seconds'] / base['seconds'] - 1:+.0%}" if base else "–"
        out.append(f"| {r['name']} | {r['seconds']:.1f} | {r['decide']:.1f} | {n / r['decide']:,.0f} | "
                   f"{r['cpu']:.1f} | {r['peak_mb']:,.0f} | {by_cpu} | {by_wall} | {r['check']} |")
    return "\n".join(out)


ENGINES = ["one process", "kasu eval --jobs 2", "Dask, 2 workers", "Spark local[2]"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="incidents to generate (default 1,000,000)")
    ap.add_argument("--parts", type=int, default=16, help="JSON Lines files (= Dask and Spark partitions)")
    ap.add_argument("--mentions-n", type=int, default=0, help="also run the shipped policy (mentions) on this many")
    ap.add_argument("--engine", action="append", choices=ENGINES, help="engines to run (default all)")
    args = ap.parse_args(argv)
    engines = args.engine or ENGINES
    failed = False
    with tempfile.TemporaryDirectory(prefix="kasu-scale-") as tmp:
        work = Path(tmp)
        (work / "policy").mkdir()
        policy = policy_without_mentions(work / "policy")
        started = time.perf_counter()
        paths, broken = generate(work, args.n, args.parts)
        size = sum(p.stat().st_size for p in paths) / 1024 / 1024
        print(f"generated {args.n:,} incidents ({broken} broken lines) in {args.parts} files, {size:,.0f} MB, "
              f"in {time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}\n")
        print(f"## retail policy, remarks by `contains` ({args.n:,} records)\n")
        rows = bench(policy, paths, args.n, broken, work, engines)
        print(table(rows, args.n), flush=True)
        failed = any(r.get("check", "ok") != "ok" for r in rows)
        if args.mentions_n:
            for p in paths:
                p.unlink()
            paths, broken = generate(work, args.mentions_n, max(2, args.parts // 4), seed=20)
            print(f"\n## the shipped retail policy, remarks by `mentions` ({args.mentions_n:,} records)\n")
            rows = bench(EXAMPLES / "retail.kasu", paths, args.mentions_n, broken, work, engines)
            print(table(rows, args.mentions_n), flush=True)
            failed = failed or any(r.get("check", "ok") != "ok" for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
