"""One partition of a Dask or Spark collection decided exactly as `kasu eval` decides a file.

A worker is handed a partition: lines of JSON Lines, records (dicts) or the rows of a pandas
DataFrame. Every item gives one decision dict — the JSON that `kasu eval --format jsonl` writes
for it — and an item that cannot be read or decided gives an error decision naming its line:
nothing is dropped (only blank lines, which hold no record, as in `kasu eval`). Nothing here
imports Dask, Spark or pandas; `kasuhara_rules.dask` and `kasuhara_rules.spark` call it.

An item's line is given with it, as a `(line, item)` pair, or else it is the item's 1-based
position in its partition (the line of the file when a partition is one file).
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from ..coerce import RecordError
from ..policy import Decision, Policy
from ..reading.batch import BLANK, dump_json, jsonl_record
from .jobs import undecidable

# The columns of a decided DataFrame (Dask or Spark), in order; `decision` is the whole decision JSON.
COLUMNS = ("line", "incident", "outcome", "outcome_label", "severity", "escalation", "rule", "matched",
           "pending", "review", "responses", "error", "error_field", "policy_digest", "decision")


def decide_dict(policy: Policy, item: Any, line: int | None, explain: bool = False,
                show_sensitive: bool = False, encoding: str = "utf-8") -> dict[str, Any] | None:
    """One item decided: the decision JSON as a dict, or None for a blank line.

    `item` is a record (a mapping), a RecordError, a line of JSON Lines as `str`, or the raw
    bytes of a line in `encoding` (as `kasu eval --encoding` reads them)."""
    if isinstance(item, str):
        item = jsonl_record(item.encode("utf-8", "surrogateescape"), line or 0, "utf-8")
    elif isinstance(item, (bytes, bytearray)):
        item = jsonl_record(bytes(item), line or 0, encoding)
    if item is BLANK:
        return None
    try:
        decision = policy.evaluate_numbered(item, line, explain)
        return decision.to_dict(explain=explain, show_sensitive=show_sensitive)
    except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others (as kasu eval)
        problem = undecidable(exc, line)
        try:
            return Decision(policy, None, None, (), problem, line).to_dict(show_sensitive=show_sensitive)
        except Exception:  # noqa: BLE001 - even the error cannot be built: the plainest decision
            return {"incident": None, "outcome": None, "error": problem.to_dict()}


def numbered(items: Iterable[Any]) -> Iterator[tuple[int | None, Any]]:
    """(line, item) pairs: an item's own line when it is a `(line, item)` pair, else its position."""
    for position, item in enumerate(items, 1):
        if type(item) is tuple and len(item) == 2 and (item[0] is None or type(item[0]) is int):
            yield item
        else:
            yield position, item


def decide_partition(policy: Policy, items: Iterable[Any], explain: bool = False, show_sensitive: bool = False,
                     encoding: str = "utf-8") -> list[tuple[int | None, dict[str, Any]]]:
    """Every item of a partition decided, in order: (line, decision dict) pairs."""
    out = []
    for line, item in numbered(items):
        data = decide_dict(policy, item, line, explain, show_sensitive, encoding)
        if data is not None:
            out.append((line, data))
    return out


def decision_row(line: int | None, data: dict[str, Any]) -> dict[str, Any]:
    """The columns of one decision (COLUMNS): the fields people filter on, and the whole JSON."""
    error = data.get("error")
    incident = data.get("incident")
    policy = data.get("policy") or {}
    return {
        "line": line,
        "incident": None if incident is None else str(incident),
        "outcome": data.get("outcome"),
        "outcome_label": data.get("outcome_label"),
        "severity": data.get("severity"),
        "escalation": data.get("escalation"),
        "rule": data.get("rule"),
        "matched": list(data.get("matched") or ()),
        "pending": [p["rule"] for p in data.get("pending") or ()],
        "review": data.get("outcome") == "review",
        "responses": list(data.get("responses") or ()),
        "error": error["message"] if error else None,
        "error_field": error.get("field") if error else None,
        "policy_digest": policy.get("digest"),
        "decision": dump_json(data),
    }


def frame_records(policy: Policy, frame: Any, line_column: str | None,
                  start: int = 1) -> Iterator[tuple[int | None, Any]]:
    """(line, record or RecordError) of each row of a pandas DataFrame, read by reading/frames.py —
    the one frame reader, as `Policy.evaluate_many(frame)` and `kasu eval` read a table (labels as
    column names, 1.0/0.0 for yes/no, NaN and NA absent). The line is taken from `line_column`
    when given (an integer; missing gives None), else it is the row's position counted from
    `start`."""
    from ..reading.frames import frame_records as read_frame

    lines = frame[line_column].tolist() if line_column is not None else None
    for i, (_, record) in enumerate(read_frame(frame, policy.checked.fields)):
        if lines is None:
            line: int | None = start + i
        else:
            value = lines[i]
            try:
                line = int(value) if value is not None and value == value else None
            except (TypeError, ValueError):
                line = None
        if isinstance(record, RecordError):
            record = record.at_line(line)
        yield line, record


def decide_frame(policy: Policy, frame: Any, explain: bool = False, show_sensitive: bool = False,
                 line_column: str | None = None, keep: Sequence[str] = (), start: int = 1) -> list[dict[str, Any]]:
    """The rows (dicts of COLUMNS, then the `keep` columns copied from the input) of one pandas
    DataFrame decided row by row; every row gives one output row."""
    kept = [frame[name].tolist() for name in keep]
    out = []
    for i, (line, record) in enumerate(frame_records(policy, frame, line_column, start)):
        data = decide_dict(policy, record, line, explain, show_sensitive)
        assert data is not None  # a record is never blank
        row = decision_row(line, data)
        for name, values in zip(keep, kept):
            row[name] = values[i]
        out.append(row)
    return out
