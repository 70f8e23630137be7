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
from ..engine.policy import Policy

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
    out, invalid, seen = [], 0, []
    for line, item in items:
        if kind == "raw":
            item = jsonl_record(item, line)
            if item is BLANK:
                continue
        decision = policy.evaluate_numbered(item, line, explain)
        invalid += decision.error is not None
        seen.append((decision.outcome, decision.error, line))
        out.append(_render(decision, options))
    return out, invalid, seen


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
        emit: Callable[[str], None], tick: Callable[[int], None], tally: Any = None) -> int:
    """Process `tasks` with `jobs` workers; emit every output in input order; the invalid count."""
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method() != "fork" else "fork")
    invalid = 0
    with context.Pool(jobs, initializer=_init, initargs=(policy, options)) as pool:
        pending: collections.deque = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(_work, (task,)))
            if len(pending) >= jobs * WINDOW:
                invalid += _drain(pending.popleft(), emit, tick, tally)
        while pending:
            invalid += _drain(pending.popleft(), emit, tick, tally)
    return invalid


def _drain(result, emit: Callable[[str], None], tick: Callable[[int], None], tally: Any = None) -> int:
    outputs, invalid, seen = result.get()
    for outcome, error, line in seen if tally is not None else ():
        tally.add(outcome, error, line)
    for text in outputs:
        emit(text)
    tick(len(outputs))
    return invalid
