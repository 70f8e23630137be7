"""Decide incident records on Dask, partition by partition, exactly as `kasu eval` decides a file.

Needs the `distributed` extra (`pip install 'kasuhara-rules[distributed]'`). The policy goes
into the task graph once, as one data key (`ship`): the scheduler gives it to one worker, the
others fetch it from there, and each worker process unpickles (rebuilds) it once per computation,
however many partitions it decides. See docs/embedding.md.
"""
from __future__ import annotations

from typing import Any, Sequence

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from dask.delayed import Delayed
except ImportError as exc:  # pragma: no cover - exercised by a test in a subprocess
    raise ImportError("kasuhara_rules.dask needs Dask and pandas, which the core install leaves out: "
                      "pip install 'kasuhara-rules[distributed]'") from exc

from .cli.partitions import COLUMNS, decide_frame, decide_partition, decision_row
from .reading.batch import dump_json
from .policy import Policy

__all__ = ["COLUMNS", "read_jsonl", "ship", "decide_bag", "decide_dataframe"]

OUTPUTS = ("dict", "json", "row")
# The pandas types of the decided columns: texts are "string" (missing is pd.NA), lists are objects.
DTYPES = {"line": "Int64", "review": "bool", "matched": "object", "pending": "object", "responses": "object"}


def ship(policy: Policy | Any) -> Any:
    """The policy as one key of a Dask graph (a Delayed), so that every task refers to the same
    shipped copy; a Delayed given already is returned as it is."""
    if isinstance(policy, Policy):
        return dask.delayed(policy, name="kasu-policy-" + policy.digest.split(":")[-1][:32])
    if isinstance(policy, Delayed):
        return policy
    raise TypeError(f"policy must be a kasuhara_rules.Policy (or its dask.delayed), not {type(policy).__name__}")


def read_jsonl(urlpath: str | Sequence[str], **storage_options: Any) -> db.Bag:
    """JSON Lines files as a bag of `(line, raw bytes)` pairs, one partition per file, blank and
    broken lines included, so that each decision keeps the line `kasu eval` gives it.

    Lines are read as bytes (decoded when decided, in the `encoding` given to `decide_bag`), so
    a line that is not valid UTF-8 becomes an error decision, as in `kasu eval`."""
    lines = db.read_text(urlpath, encoding="latin-1", linedelimiter="\n",
                         storage_options=storage_options or None)
    return lines.map_partitions(_numbered_bytes)


def _numbered_bytes(lines: Any) -> list[tuple[int, bytes]]:
    return [(n, line.encode("latin-1")) for n, line in enumerate(lines, 1)]


def _decide_part(items: Any, policy: Policy, explain: bool, show_sensitive: bool, encoding: str,
                 output: str) -> list[Any]:
    decided = decide_partition(policy, items, explain, show_sensitive, encoding)
    if output == "json":
        return [dump_json(data) for _, data in decided]
    if output == "row":
        return [decision_row(line, data) for line, data in decided]
    return [data for _, data in decided]


def decide_bag(bag: db.Bag, policy: Policy | Any, explain: bool = False, show_sensitive: bool = False,
               output: str = "dict", encoding: str = "utf-8") -> db.Bag:
    """Decide every item of a bag, partition by partition, in order.

    Items are records (dicts), lines of JSON Lines (`str`, or raw `bytes` in `encoding`), or
    `(line, item)` pairs giving each its line (as `read_jsonl` does); without a line, an item's
    line is its 1-based position in its partition. An item that cannot be read or decided gives
    an error decision with its line; blank lines give nothing, as in `kasu eval`.

    `output`: "dict" (the decision JSON as dicts, as `Decision.to_dict` gives them), "json" (the
    lines `kasu eval --format jsonl` writes) or "row" (dicts of the COLUMNS). Sensitive values
    are redacted unless `show_sensitive`; the trace is included when `explain`.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}")
    return bag.map_partitions(_decide_part, ship(policy), explain, show_sensitive, encoding, output)


def _meta(keep: Sequence[str], frame_meta: Any) -> pd.DataFrame:
    columns: dict[str, Any] = {name: pd.Series([], dtype=DTYPES.get(name, "string")) for name in COLUMNS}
    for name in keep:
        columns[name] = frame_meta[name].iloc[:0]
    return pd.DataFrame(columns, index=frame_meta.index[:0])


def _decide_pandas(frame: pd.DataFrame, policy: Policy, explain: bool, show_sensitive: bool,
                   line_column: str | None, keep: tuple[str, ...]) -> pd.DataFrame:
    rows = decide_frame(policy, frame, explain, show_sensitive, line_column, keep)
    meta = _meta(keep, frame)
    if not rows:
        return meta
    out = pd.DataFrame(rows, columns=[*COLUMNS, *keep], index=frame.index, dtype=object)
    return out.astype({name: DTYPES.get(name, "string") for name in COLUMNS})


def decide_dataframe(frame: dd.DataFrame, policy: Policy | Any, explain: bool = False, show_sensitive: bool = False,
                     line_column: str | None = None, keep: Sequence[str] = ()) -> dd.DataFrame:
    """Decide every row of a Dask DataFrame, partition by partition: a DataFrame with the same
    index and partitions, the COLUMNS (`decision` holds the whole decision JSON, `trace` and all
    when `explain`), then the `keep` columns copied from the input.

    A row's line is the value of `line_column` when given, else its 1-based position in its
    partition. An invalid row is a row with `outcome` null and `error` set — never dropped.
    """
    keep = tuple(keep)
    return frame.map_partitions(_decide_pandas, ship(policy), explain, show_sensitive, line_column, keep,
                                meta=_meta(keep, frame._meta), enforce_metadata=False)
