"""The desk under load: 20 staff recording incidents at once on SQLite, the queue of a journal of
100,000 incidents, and the server's memory.

    python benchmarks/desk.py                                  # 100,000 incidents first (several minutes)
    python benchmarks/desk.py --incidents 5000                 # quicker
    python benchmarks/desk.py --db sqlite:///big.db --existing # a journal filled before (and its users)

Needs the `desk` extra. The journal is filled with `Journal.add` (the shipped demo policy,
acme-retail.kasu, varied records over eight months and four sites); then `kasu serve` runs in its own
process on 127.0.0.1 and `--users` threads, each logged in as another staff member, each open the
form and record an incident `--records` times (the POST that journals and decides it, answered by
the redirect to the decision, is what is timed; the page of the decision after it is timed apart),
while a supervisor reloads the queue (the first page of 50, reviews and the most severe first, over
every incident). Memory is the server process's peak resident set (VmHWM).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PASSWORD = "benchmark password"
TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')
SITES = ("shinjuku", "osaka", "nagoya", "fukuoka")


def record(i: int, rng: random.Random) -> dict:
    day = dt.datetime(2026, 10, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9))) + dt.timedelta(  # the demo policy takes effect 2026-10-01
        minutes=rng.randrange(0, 240 * 24 * 60))
    channel = rng.choice(["phone", "counter", "email", "sns", "visit"])
    out = {"incident_id": f"B-{i:07d}", "channel": channel, "repeat_contacts_30d": rng.randrange(0, 6),
           "demanded_dogeza": rng.random() < 0.1, "demanded_manager": rng.random() < 0.3,
           "contacts": [{"at": (day - dt.timedelta(days=d)).isoformat(), "length": rng.randrange(5, 40)}
                        for d in range(rng.randrange(0, 4))],
           "reported_at": day.isoformat()}
    if channel == "phone":
        out["call_length"] = rng.randrange(5, 90)
    if rng.random() < 0.7:
        out["demand_valid"] = rng.random() < 0.5
    if rng.random() < 0.6:
        out["remarks"] = rng.choice(["誠意を見せろ", "ネットに書くぞ", "責任者を出せ", "もういい", "訴える"])
    return out


def fill(url: str, count: int, users: int) -> float:
    from kasuhara_rules.desk.serve import first_start
    from kasuhara_rules.desk.store import DeskStore
    from kasuhara_rules.desk.users import add_user
    from kasuhara_rules.journal import open_journal

    started = time.perf_counter()
    with open_journal(url) as journal:
        first_start(journal, io.StringIO(), "en")
        store = DeskStore(journal.engine)
        for n in range(users):
            add_user(store, f"staff{n:02d}", "staff", PASSWORD, site=SITES[n % len(SITES)])
        add_user(store, "boss", "supervisor", PASSWORD)
        rng = random.Random(7)
        for i in range(count):
            journal.add(record(i, rng), by=f"staff{i % users:02d}", site=SITES[i % len(SITES)])
            if i and i % 10_000 == 0:
                print(f"  {i} incidents journaled ({time.perf_counter() - started:.0f} s)", flush=True)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def login(base: str, name: str):
    import httpx

    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login")
    done = client.post("/login", data={"csrftoken": TOKEN.search(page.text).group(1), "name": name,
                                       "password": PASSWORD, "next": "/"})
    assert done.status_code == 303, done.text[:500]
    return client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1), "max_ms": round(max(values) * 1000, 1),
            "mean_ms": round(statistics.mean(values) * 1000, 1)}


def memory(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def cpu_seconds(pid: int) -> float:
    """User and system time the process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--records", type=int, default=25, help="incidents each user records")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each staff member spends between two incidents, each starting at a random moment within the "
                             "first S seconds (0: all at once, one after another, "
                             "the server saturated)")
    parser.add_argument("--db", help="a SQLite URL (default: a file in a temporary folder)")
    parser.add_argument("--existing", action="store_true", help="the journal at --db is filled already")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kasu-desk-bench-")
    url = args.db or f"sqlite:///{folder}/journal.db"
    result: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform(), "load": os.getloadavg()},
                    "incidents": args.incidents, "users": args.users, "think_s": args.think}
    run = f"{int(time.time()) % 100_000:05d}"  # new incident numbers on every run over an --existing journal
    if not args.existing:
        print(f"journaling {args.incidents} incidents …", flush=True)
        result["fill_s"] = round(fill(url, args.incidents, args.users), 1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "kasuhara_rules", "serve", "--db", url, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    try:
        import httpx

        for _ in range(600):
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        clients = [login(base, f"staff{n:02d}") for n in range(args.users)]
        boss = login(base, "boss")
        queue_idle = []
        for _ in range(30):
            t = time.perf_counter()
            answer = boss.get("/queue")
            queue_idle.append(time.perf_counter() - t)
            assert answer.status_code == 200
        found = re.search(r"全部で (\d+) 件|(\d+) in all", answer.text)
        total = int(found.group(1) or found.group(2)) if found else None
        posts: list[float] = []
        shows: list[float] = []
        queue_busy: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        done = threading.Event()

        def staff(n: int, client) -> None:
            rng = random.Random(n)
            if args.think:  # people start at different moments, not all in the same instant
                time.sleep(rng.uniform(0, args.think))
            for k in range(args.records):
                form = client.get("/record")
                token = TOKEN.search(form.text).group(1)
                data = {"csrftoken": token, "incident_id": f"L{run}-{n:02d}-{k:03d}", "channel": "phone",
                        "call_length": "35", "call_length.unit": "minutes", "repeat_contacts_30d": "2",
                        "demanded_dogeza": "false", "demanded_manager": "true", "demand_valid": "unknown",
                        "remarks": "責任者を出せ", "contacts.rows": "1", "reported_at": "2026-11-20T10:00"}
                t = time.perf_counter()
                answer = client.post("/record", data=data)
                spent = time.perf_counter() - t
                t = time.perf_counter()
                shown = client.get(answer.headers.get("location", "/")) if answer.status_code == 303 else None
                shown_time = time.perf_counter() - t
                if args.think:
                    time.sleep(rng.uniform(0.5, 1.5) * args.think)
                with lock:
                    if answer.status_code != 303:
                        errors.append(f"{answer.status_code}")
                    else:
                        posts.append(spent)
                        shows.append(shown_time)

        def supervisor() -> None:
            while not done.is_set():
                t = time.perf_counter()
                boss.get("/queue")
                with lock:
                    queue_busy.append(time.perf_counter() - t)
                time.sleep(0.5)

        threads = [threading.Thread(target=staff, args=(n, c)) for n, c in enumerate(clients)]
        watcher = threading.Thread(target=supervisor)
        started = time.perf_counter()
        cpu_before = cpu_seconds(server.pid)
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done.set()
        watcher.join()
        elapsed = time.perf_counter() - started
        requests = 3 * len(posts) + len(queue_busy)  # the form, the POST and the decision page; the queue
        server_cpu = cpu_seconds(server.pid) - cpu_before
        result.update({
            "record_post": summary(posts), "decision_page": summary(shows), "queue_idle": summary(queue_idle),
            "queue_under_load": summary(queue_busy) if queue_busy else None, "queue_total": total,
            "records_per_s": round(len(posts) / elapsed, 1), "errors": errors,
            "server_memory_mb": memory(server.pid), "server_cpu_s": round(server_cpu, 1),
            "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, requests), 1),
            "load_after": os.getloadavg(),
        })
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
