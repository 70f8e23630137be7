"""`kasu eval --jobs N`: decide records in N worker processes, writing results in input order.

The main process reads the input in chunks and keeps only a small window of chunks in flight,
so memory stays bounded whatever the input size. JSON Lines are sent to the workers as raw
lines (the workers parse them too); other formats are parsed here and sent as records.
"""
from __future__ import annotations

import collections
import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
import signal
from typing import Any, Callable, Iterable, Iterator

from .batch import BLANK, dump_json, jsonl_record
from ..policy import Decision, Policy
from ..engine.records import RecordError
from ..i18n import N_

CHUNK = 2000     # records per task
WINDOW = 4       # tasks in flight per worker

_worker: dict[str, Any] = {}  # per worker process: set once by _init, never shared

# what a worker returns for one chunk: the outputs, the number of invalid records, and
# (outcome, error, line) of each record for the tally
ChunkResult = tuple[list[str], int, list[tuple[str | None, bool | None, int]]]


def _init_process(policy: Policy, options: dict[str, Any]) -> None:
    """A worker process starts: Ctrl-C is the main process's to handle (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init(policy, options)


def _init(policy: Policy, options: dict[str, Any]) -> None:
    _worker["policy"] = policy
    _worker["options"] = options


def _render(decision: Decision, options: dict[str, Any]) -> str:

    if options["format"] == "json":
        return dump_json(decision.to_dict(explain=options["explain"], show_sensitive=options["show_sensitive"]))
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
    return RecordError(N_("the record could not be decided ({kind}); please report this with the record",
                          kind=type(exc).__name__), None, line)


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(policy: Policy, tasks: Iterable[tuple[str, list[Any]]], jobs: int, options: dict[str, Any],
        emit: Callable[[str], None], tick: Callable[[int], None],
        warn: Callable[[str], None] = lambda text: None, tally: Any = None) -> int:
    """Process `tasks` with `jobs` workers; emit every output in input order; the invalid count.

    A worker that dies (killed, out of memory) never makes the run wait: the chunks that were
    in flight are run again one at a time in a fresh worker; a chunk whose worker dies again
    becomes error outputs naming its lines (and `warn` says so); the run goes on in fresh
    workers. Ctrl-C stops the workers at once and raises KeyboardInterrupt here.
    """
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method() != "fork" else "fork")
    invalid = [0]
    tasks = iter(tasks)

    def new_pool(size: int) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(size, mp_context=context, initializer=_init_process,
                                                      initargs=(policy, options))

    def write(result: ChunkResult) -> None:
        outputs, bad, seen = result
        for outcome, error, line in seen if tally is not None else ():
            tally.add(outcome, error, line)
        for text in outputs:
            emit(text)
        tick(len(outputs))
        invalid[0] += bad

    def alone(task: tuple[str, list[Any]]) -> ChunkResult:
        """A chunk whose worker died, run again by itself: its result, or its records as errors."""
        pool = new_pool(1)
        try:
            result = _result(pool.submit(_work, task))
        finally:
            _stop(pool)
        if result is None:
            outputs, lines = _lost(policy, options, task, warn)
            return outputs, len(outputs), [(None, True, line) for line in lines]
        return result

    while True:
        pool = new_pool(jobs)
        pending: collections.deque[tuple[tuple[str, list[Any]], concurrent.futures.Future[ChunkResult]]] = \
            collections.deque()
        try:
            broken = False
            for task in tasks:
                pending.append((task, pool.submit(_work, task)))
                while pending and (len(pending) >= jobs * WINDOW or (len(pending) > 1 and pending[0][1].done())):
                    result = _result(pending[0][1])
                    if result is None:
                        broken = True
                        break
                    write(result)
                    pending.popleft()
                if broken:
                    break
            while pending and not broken:
                result = _result(pending[0][1])
                if result is None:
                    broken = True
                    break
                write(result)
                pending.popleft()
            if not broken:
                pool.shutdown(wait=True)
                return invalid[0]
            _stop(pool)  # a worker died: every chunk still pending is done (a result) or lost
            for task, future in pending:
                result = _result(future) if not future.cancelled() else None
                write(result if result is not None else alone(task))
        except BaseException:
            _stop(pool)
            raise


def _result(future: concurrent.futures.Future[ChunkResult]) -> ChunkResult | None:
    """A chunk's (outputs, invalid count), or None when its worker died."""
    try:
        return future.result()
    except (concurrent.futures.process.BrokenProcessPool, concurrent.futures.CancelledError):
        return None


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and end the worker processes."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    for process in processes:
        process.join(5)
    pool.shutdown(wait=True)  # the pool's own thread ends now that its workers have


def _lost(policy: Policy, options: dict[str, Any], task: tuple[str, list[Any]],
          warn: Callable[[str], None]) -> tuple[list[str], list[int]]:
    """Error outputs for every record of a chunk whose worker died, and their lines."""
    kind, items = task
    numbers = [line for line, item in items
               if not (kind == "raw" and jsonl_record(item, line, options.get("encoding", "utf-8")) is BLANK)]
    if not numbers:
        return [], []
    where = f"{numbers[0]}–{numbers[-1]}"
    warn(N_("a worker process stopped unexpectedly (killed, or out of memory?) while deciding lines {where}: "
            "those records were not decided and are written as errors", where=where))
    message = N_("not decided: the worker process deciding lines {where} stopped unexpectedly "
                 "(killed, or out of memory?); run these records again", where=where)
    out = []
    for line in numbers:
        problem = RecordError(message, None, line)
        out.append(_render(Decision(policy, None, None, (), problem, line), options))
    return out, numbers
