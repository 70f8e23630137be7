"""`kasu eval --jobs N`: decide records in N worker processes, writing results in input order.

The main process reads the input in chunks and keeps only a small window of chunks in flight,
so memory stays bounded whatever the input size. JSON Lines are sent to the workers as raw
lines (the workers parse them too); other formats are parsed here and sent as records.
"""
from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.connection
import os
import signal
from typing import Any, Callable, Iterable, Iterator

from ..reading.batch import BLANK, dump_json, jsonl_record
from ..policy import Decision, Policy
from ..engine.records import RecordError
from ..i18n import N_

CHUNK = 2000     # records per task
WINDOW = 4       # chunks read ahead per worker
PER_CPU = 4      # --jobs is cut to this many workers per CPU
RETRIES = 1      # a chunk whose worker dies runs once more, in a fresh worker
MAX_DEATHS = 8   # worker deaths, beyond one per worker, after which the run gives up the rest

_worker: dict[str, Any] = {}  # per worker process: set once by _init, never shared

# what a worker returns for one chunk: the outputs, the number of invalid records, and
# (outcome, error, line) of each record for the tally
ChunkResult = tuple[list[str], int, list[tuple[str | None, bool | None, int]]]


def _init(policy: Policy, options: dict[str, Any]) -> None:
    _worker["policy"] = policy
    _worker["options"] = options


def _render(decision: Decision, options: dict[str, Any]) -> str:

    if options["format"] == "json":
        # the shared trace written as it is: to_dict would first copy it for a caller who may change it
        return decision.to_json(explain=options["explain"], show_sensitive=options["show_sensitive"])
    if options["format"] == "csv":
        from ..render.spreadsheet import decision_row

        return decision_row(decision.to_dict(show_sensitive=options["show_sensitive"]), decision.line, options["lang"])
    text: str = decision.explain(lang=options["lang"], show_sensitive=options["show_sensitive"])
    return text


def _work(task: tuple[str, list[Any]]) -> ChunkResult:
    """Decide one chunk in a worker: (rendered outputs, number of invalid records)."""
    kind, items = task
    policy: Policy = _worker["policy"]
    options = _worker["options"]
    explain = options["explain"] or options["format"] == "text"
    out: list[str] = []
    invalid = 0
    seen: list[tuple[str | None, bool | None, int]] = []
    doomed = _kill_at()
    for line, item in items:
        if line == doomed:  # tests only: a worker killed mid-chunk, as the OOM killer would
            os.kill(os.getpid(), signal.SIGKILL)
        if kind == "raw":
            item = jsonl_record(item, line, options.get("encoding", "utf-8"))
            if item is BLANK:
                continue
        text, bad, outcome = decide_one(policy, item, line, explain, options)
        invalid += bad
        seen.append((outcome, True if bad else None, line))
        out.append(text)
    return out, invalid, seen


def _kill_at() -> int | None:
    """The line at which a test asks this worker to be killed (KASU_TEST_KILL_WORKER_AT_LINE)."""
    text = os.environ.get("KASU_TEST_KILL_WORKER_AT_LINE", "")
    return int(text) if text.isdigit() else None


def decide_one(policy: Policy, item: Any, line: int, explain: bool,
               options: dict[str, Any]) -> tuple[str, bool, str | None]:
    """One record decided and rendered: (the output, whether it is an error, the outcome). An unexpected
    failure on one record becomes an error output for that record alone, never the loss of
    its chunk or of the run."""
    try:
        decision = policy.evaluate_numbered(item, line, explain)
        return _render(decision, options), decision.error is not None, decision.outcome
    except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others
        problem = undecidable(exc, line)
        try:
            return _render(Decision(policy, None, None, (), problem, line), options), True, None
        except Exception:  # noqa: BLE001 - even the error cannot be rendered: the plainest line
            return dump_json({"incident": None, "outcome": None, "error": problem.to_dict()}), True, None


def undecidable(exc: BaseException, line: int | None) -> RecordError:
    """The error of a record whose deciding failed unexpectedly (a bug): that record alone."""
    from ..policy import undecidable as error_of

    return error_of(exc, line)


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cap_jobs(jobs: int) -> int:
    """At most PER_CPU workers per CPU this process may use: more only add processes that wait."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs, PER_CPU * max(cpus, 1)))


class _Worker:
    """One worker process with its own pipe: given one chunk at a time, so that a worker's death
    costs its own chunk and nothing else (no queue shared between workers, no feeder thread)."""

    def __init__(self, context: Any, policy: Policy, options: dict[str, Any]) -> None:
        here, there = context.Pipe()
        self.process = context.Process(target=_serve, args=(there, policy, options), daemon=True)
        self.process.start()
        there.close()
        self.conn = here
        self.item: tuple[int, tuple[str, list[Any]], int] | None = None  # (sequence, chunk, attempts)

    def stop(self, now: bool = False) -> None:
        try:
            if not now:
                self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        if now:
            self.process.kill()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - a worker that ignores the end of its pipe
            self.process.kill()
            self.process.join(5)


def _serve(conn: Any, policy: Policy, options: dict[str, Any]) -> None:
    """A worker: decide each chunk it is sent until the pipe closes (Ctrl-C is the main process's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init(policy, options)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: Any = _work(task)
        except Exception:  # noqa: BLE001 - the chunk failed as a whole: the main process gives it its errors
            result = None
        try:
            conn.send(result)
        except OSError:
            return


def run(policy: Policy, tasks: Iterable[tuple[str, list[Any]]], jobs: int, options: dict[str, Any],
        emit: Callable[[str], None], tick: Callable[[int], None],
        warn: Callable[[str], None] = lambda text: None, tally: Any = None) -> int:
    """Process `tasks` with up to `jobs` workers; emit every output in input order; the invalid count.

    Workers are started only as chunks need them (one record starts one worker), at most PER_CPU per
    CPU (`warn` says when --jobs is cut). A worker that dies (killed, out of memory) costs only its own
    chunk, which runs again in a fresh worker; a chunk whose worker dies again becomes error outputs
    naming its lines. After MAX_DEATHS deaths more than the workers' number the run gives up: every
    record not yet decided (the rest of the input included) becomes an error output, and it ends.
    Nothing waits without bound. Ctrl-C stops the workers at once and raises KeyboardInterrupt here.
    """
    limit = cap_jobs(jobs)
    if limit < jobs:
        warn(N_("--jobs {jobs} is more than this machine can use: deciding in {limit} processes "
                "({per} per CPU)", jobs=jobs, limit=limit, per=PER_CPU))
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method() != "fork" else "fork")
    source = iter(tasks)
    window = limit * WINDOW  # chunks read ahead of the one to write next: memory stays bounded
    workers: list[_Worker] = []
    idle: list[_Worker] = []
    waiting: collections.deque[tuple[int, tuple[str, list[Any]], int]] = collections.deque()  # to run again
    results: dict[int, ChunkResult] = {}
    counts = {"read": 0, "written": 0, "invalid": 0, "deaths": 0}
    state = {"exhausted": False, "gave_up": False}

    def write(result: ChunkResult) -> None:
        outputs, bad, seen = result
        for outcome, error, line in seen if tally is not None else ():
            tally.add(outcome, error, line)
        for text in outputs:
            emit(text)
        tick(len(outputs))
        counts["invalid"] += bad

    def lost(task: tuple[str, list[Any]], why: str) -> ChunkResult:
        outputs, lines = _lost(policy, options, task, warn, why)
        return outputs, len(outputs), [(None, True, line) for line in lines]

    def died(worker: _Worker) -> None:
        if worker not in workers:  # already stopped (the run gave up)
            return
        workers.remove(worker)
        worker.stop(now=True)
        counts["deaths"] += 1
        if worker.item is None:
            return
        sequence, task, attempts = worker.item
        if attempts >= RETRIES:  # its worker died again: the records of this chunk are errors
            results[sequence] = lost(task, "stopped")
        else:
            waiting.appendleft((sequence, task, attempts + 1))
        if counts["deaths"] > MAX_DEATHS + limit and not state["gave_up"]:
            state["gave_up"] = True  # workers keep dying: what is left is given its errors, and the run ends
            left = [w.item[1] for w in workers if w.item is not None] + [item[1] for item in waiting]
            first = min((line for _, items in left for line, _ in items[:1]), default=None)
            warn(N_("worker processes stopped unexpectedly {count} times (killed, or out of memory?): the records "
                    "not decided yet{where} are written as errors, and the run ends", count=counts["deaths"],
                    where=" ({}–)".format(first) if first is not None else ""))
            for w in list(workers):
                if w.item is not None:
                    results[w.item[0]] = lost(w.item[1], "kept")
                w.stop(now=True)
            workers.clear()
            idle.clear()
            while waiting:
                sequence, task, _ = waiting.popleft()
                results[sequence] = lost(task, "kept")

    def next_item() -> tuple[int, tuple[str, list[Any]], int] | None:
        if waiting:
            return waiting.popleft()
        if state["exhausted"] or counts["read"] - counts["written"] >= window:
            return None
        task = next(source, None)
        if task is None:
            state["exhausted"] = True
            return None
        counts["read"] += 1
        return counts["read"] - 1, task, 0

    try:
        while True:
            while not state["gave_up"]:  # hand chunks to idle workers, starting workers as needed
                if not idle and len(workers) >= limit:
                    break
                item = next_item()
                if item is None:
                    break
                worker = idle.pop() if idle else _Worker(context, policy, options)
                if worker not in workers:
                    workers.append(worker)
                worker.item = item
                try:
                    worker.conn.send(item[1])
                except OSError:  # it died before it could take the chunk
                    died(worker)
            if state["gave_up"]:  # the rest of the input: each chunk read and given its errors
                for task in source:
                    results[counts["read"]] = lost(task, "kept")
                    counts["read"] += 1
                state["exhausted"] = True
            while counts["written"] in results:
                write(results.pop(counts["written"]))
                counts["written"] += 1
            busy = [w for w in workers if w.item is not None]
            if not busy:
                if state["exhausted"] and not waiting and counts["written"] == counts["read"]:
                    break
                continue
            ready = set(multiprocessing.connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker not in workers or (worker.conn not in ready and worker.process.sentinel not in ready):
                    continue
                try:
                    result = worker.conn.recv() if worker.conn.poll() else None
                except (EOFError, OSError):
                    result = None
                if result is None:
                    died(worker)
                    continue
                assert worker.item is not None
                results[worker.item[0]] = result
                worker.item = None
                idle.append(worker)
    except BaseException:
        for worker in workers:
            worker.stop(now=True)
        raise
    for worker in workers:
        worker.stop()
    return counts["invalid"]


def _lost(policy: Policy, options: dict[str, Any], task: tuple[str, list[Any]],
          warn: Callable[[str], None], why: str = "stopped") -> tuple[list[str], list[int]]:
    """Error outputs for every record of a chunk no worker could decide, and their lines: `why` is
    "stopped" (its worker died twice) or "kept" (workers kept dying: the run gave up)."""
    kind, items = task
    numbers = [line for line, item in items
               if not (kind == "raw" and jsonl_record(item, line, options.get("encoding", "utf-8")) is BLANK)]
    if not numbers:
        return [], []
    where = f"{numbers[0]}–{numbers[-1]}"
    if why == "kept":  # said once, when the run gave up
        message = N_("not decided: worker processes kept stopping unexpectedly (killed, or out of memory?) "
                     "while deciding lines {where}; run these records again", where=where)
    else:
        warn(N_("a worker process stopped unexpectedly (killed, or out of memory?) while deciding lines {where}: "
                "those records were not decided and are written as errors", where=where))
        message = N_("not decided: the worker process deciding lines {where} stopped unexpectedly "
                     "(killed, or out of memory?); run these records again", where=where)
    out = []
    for line in numbers:
        problem = RecordError(message, None, line)
        out.append(_render(Decision(policy, None, None, (), problem, line), options))
    return out, numbers
