"""`kasu eval --jobs`: bounded work whatever happens to the workers (issue 25, item 9) — workers killed over
and over (an out-of-memory killer) end the run with an error line for every record not decided, never a
hang or a traceback; --jobs is cut to what the machine and the input can use, with a notice."""
import json
import multiprocessing.process
import os
import signal
import subprocess
import sys
import threading
import time

from kasuhara_rules import load_policy
from kasuhara_rules.cli import jobs
from tests.conftest import ROOT

QUICK = ROOT / "examples" / "quickstart.kasu"


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


def test_workers_killed_again_and_again_end_the_run_with_every_line(tmp_path):
    """Every worker SIGKILLed every twentieth of a second for the whole run: the run ends in bounded time, with
    exactly one output line per record in order (decided, or an error naming the workers' deaths), exit 3."""
    data = tmp_path / "many.jsonl"
    data.write_text("".join(json.dumps({"incident_id": f"A-{i}", "demanded_dogeza": i % 2 == 0, "demanded_manager": False})
                            + "\n" for i in range(40000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with open(out, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "kasuhara_rules", "eval", "--jobs", "2", str(QUICK), str(data)],
                                stdout=sink, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        kills = []

        def killer():
            while proc.poll() is None:
                for child in _children(proc.pid):
                    try:
                        os.kill(child, signal.SIGKILL)
                        kills.append(child)
                    except OSError:
                        pass
                time.sleep(0.05)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            _, err = proc.communicate(timeout=240)
        finally:
            proc.kill()
    decisions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert proc.returncode == 3 and kills, err
    assert [d.get("incident") or f"A-{d['error']['line'] - 1}" for d in decisions] == [f"A-{i}" for i in range(40000)]
    failed = [d for d in decisions if d["outcome"] is None]
    assert failed and all("worker process" in d["error"]["message"] for d in failed)
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_more_jobs_than_chunks_or_cpus_start_no_idle_workers(monkeypatch):
    """--jobs 1000 for one record starts one worker (there is one chunk), and says that 1000 is more than
    the machine can use."""
    started = []
    real = multiprocessing.process.BaseProcess.start

    def counted(self):
        started.append(self)
        return real(self)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", counted)
    policy = load_policy(str(QUICK))
    record = {"incident_id": "A-1", "demanded_dogeza": True, "demanded_manager": False}
    outputs, notices = [], []
    options = {"format": "json", "explain": False, "lang": "ja", "show_sensitive": False}
    invalid = jobs.run(policy, [("records", [(1, record)])], 1000, options, outputs.append, lambda n: None,
                       notices.append)
    assert invalid == 0 and len(outputs) == 1 and json.loads(outputs[0])["rule"] == "dogeza"
    assert len(started) == 1
    assert len(notices) == 1 and "--jobs 1000" in notices[0] and str(jobs.cap_jobs(1000)) in notices[0]
    assert jobs.cap_jobs(1000) <= jobs.PER_CPU * (os.cpu_count() or 1) and jobs.cap_jobs(2) == min(2, jobs.cap_jobs(2))
