"""`kasu eval --jobs N`: decide records in N worker processes, writing results in input order.

The main process reads the input in chunks and keeps only a small window of chunks in flight,
so memory stays bounded whatever the input size. JSON Lines are sent to the workers as raw
lines (the workers parse them too); other formats are parsed here and sent as records.
"""
from __future__ import annotations

import collections
import multiprocessing
from typing import Any, Callable, Iterable, Iterator

from .batch import BLANK, dump_json, jsonl_record
from ..engine.policy import Decision, Policy
from ..engine.records import RecordError

CHUNK = 2000     # records per task
WINDOW = 4       # tasks in flight per worker

_worker: dict[str, Any] = {}  # per worker process: set once by _init, never shared


def _init(policy: Policy, options: dict) -> None:
    _worker["policy"] = policy
    _worker["options"] = options


def _render(decision, options: dict) -> str:

    if options["format"] == "json":
        return dump_json(decision.to_dict(explain=options["explain"], show_sensitive=options["show_sensitive"]))
    return decision.explain(lang=options["lang"], show_sensitive=options["show_sensitive"])


def _work(task: tuple[str, list]) -> tuple[list[str], int]:
    """Decide one chunk in a worker: (rendered outputs, number of invalid records)."""
    kind, items = task
    policy: Policy = _worker["policy"]
    options = _worker["options"]
    explain = options["explain"] or options["format"] == "text"
    out, invalid = [], 0
    for line, item in items:
        if kind == "raw":
            item = jsonl_record(item, line, options.get("encoding", "utf-8"))
            if item is BLANK:
                continue
        text, bad = decide_one(policy, item, line, explain, options)
        invalid += bad
        out.append(text)
    return out, invalid


def decide_one(policy: Policy, item: Any, line: int, explain: bool, options: dict) -> tuple[str, bool]:
    """One record decided and rendered: (the output, whether it is an error). An unexpected
    failure on one record becomes an error output for that record alone, never the loss of
    its chunk or of the run."""
    try:
        decision = policy.evaluate_numbered(item, line, explain)
        return _render(decision, options), decision.error is not None
    except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others
        problem = RecordError(f"the record could not be decided ({type(exc).__name__}); "
                              "please report this with the record", None, line)
        try:
            return _render(Decision(policy, None, None, (), problem, line), options), True
        except Exception:  # noqa: BLE001 - even the error cannot be rendered: the plainest line
            return dump_json({"incident": None, "outcome": None, "error": problem.to_dict()}), True


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(policy: Policy, tasks: Iterable[tuple[str, list]], jobs: int, options: dict,
        emit: Callable[[str], None], tick: Callable[[int], None]) -> int:
    """Process `tasks` with `jobs` workers; emit every output in input order; the invalid count."""
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method() != "fork" else "fork")
    invalid = 0
    with context.Pool(jobs, initializer=_init, initargs=(policy, options)) as pool:
        pending: collections.deque = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(_work, (task,)))
            if len(pending) >= jobs * WINDOW:
                invalid += _drain(pending.popleft(), emit, tick)
        while pending:
            invalid += _drain(pending.popleft(), emit, tick)
    return invalid


def _drain(result, emit: Callable[[str], None], tick: Callable[[int], None]) -> int:
    outputs, invalid = result.get()
    for text in outputs:
        emit(text)
    tick(len(outputs))
    return invalid
