"""Decide incident records on Spark, partition by partition, exactly as `kasu eval` decides a file.

Needs the `distributed` extra (`pip install 'kasuhara-rules[distributed]'`) and a Java runtime.
The policy is broadcast once (`broadcast`): Spark pickles it once on the driver, and each Python
worker process unpickles (rebuilds) it once, at its first partition. See docs/embedding.md.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

try:
    import pandas as pd
    from pyspark import RDD, SparkContext
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame, Row
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - exercised by a test in a subprocess
    raise ImportError("kasuhara_rules.spark needs PySpark, pandas and PyArrow, which the core install leaves "
                      "out: pip install 'kasuhara-rules[distributed]'") from exc

from .reading.batch import dump_json
from .cli.partitions import COLUMNS, decide_frame, decide_partition, decision_row
from .policy import Policy

__all__ = ["SCHEMA", "COLUMNS", "broadcast", "read_jsonl", "numbered", "decide_rdd", "decide_dataframe"]

OUTPUTS = ("dict", "json", "row")
_TEXT = T.StringType()
_TEXTS = T.ArrayType(T.StringType(), containsNull=False)
# The output schema of decide_dataframe (then the `keep` columns, with their input types).
SCHEMA = T.StructType([
    T.StructField("line", T.LongType(), True),            # the input line (or row position), null if unknown
    T.StructField("incident", _TEXT, True),               # the key field's value as text; ‹redacted› if sensitive
    T.StructField("outcome", _TEXT, True),                # null for an invalid record
    T.StructField("outcome_label", _TEXT, True),
    T.StructField("severity", _TEXT, True),
    T.StructField("escalation", _TEXT, True),
    T.StructField("rule", _TEXT, True),                   # null for `otherwise` and `review`
    T.StructField("matched", _TEXTS, False),              # every matched rule, in rank order
    T.StructField("pending", _TEXTS, False),              # the rules that send it to review
    T.StructField("review", T.BooleanType(), False),      # outcome == "review"
    T.StructField("responses", _TEXTS, False),
    T.StructField("error", _TEXT, True),                  # what is wrong with an invalid record
    T.StructField("error_field", _TEXT, True),
    T.StructField("policy_digest", _TEXT, True),          # which policy decided
    T.StructField("decision", _TEXT, False),              # the whole decision JSON, as `kasu eval` writes it
])
assert tuple(SCHEMA.names) == COLUMNS


def broadcast(policy: Policy | Broadcast, context: SparkContext) -> Broadcast:
    """The policy broadcast to the executors (a Broadcast given already is returned as it is)."""
    if isinstance(policy, Broadcast):
        return policy
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a kasuhara_rules.Policy (or its broadcast), not {type(policy).__name__}")
    return context.broadcast(policy)


def read_jsonl(context: SparkContext, paths: str | Sequence[str]) -> RDD:
    """JSON Lines files as an RDD of `(line, raw bytes)` pairs, file after file in the order
    given, one partition per file, blank and broken lines included: each decision keeps the
    line `kasu eval` gives it, and a line that is not valid UTF-8 becomes an error decision.

    (`context.textFile` loses line numbers, line ends and undecodable bytes; `numbered` gives
    such lines their position instead.)"""
    paths = [paths] if isinstance(paths, str) else list(paths)
    if not paths:
        raise ValueError("read_jsonl needs at least one path")
    files = [context.binaryFiles(path, minPartitions=1).coalesce(1) for path in paths]
    return (files[0] if len(files) == 1 else context.union(files)).flatMap(_lines_of)


def _lines_of(item: tuple[str, bytes]) -> Iterator[tuple[int, bytes]]:
    _, data = item
    start, number = 0, 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        number += 1
        yield number, data[start:end]
        start = end


def numbered(rdd: RDD) -> RDD:
    """Items as `(line, item)` pairs, the line being the 1-based position in the whole RDD (one
    extra Spark job counts the partitions, as `zipWithIndex` does)."""
    return rdd.zipWithIndex().map(lambda pair: (pair[1] + 1, pair[0]))


def _decide_part(items: Any, shared: Broadcast, explain: bool, show_sensitive: bool, encoding: str,
                 output: str) -> list[Any]:
    items = (item.asDict(recursive=True) if isinstance(item, Row) else item for item in items)  # Rows are tuples
    decided = decide_partition(shared.value, items, explain, show_sensitive, encoding)
    if output == "json":
        return [dump_json(data) for _, data in decided]
    if output == "row":
        return [decision_row(line, data) for line, data in decided]
    return [data for _, data in decided]


def decide_rdd(rdd: RDD, policy: Policy | Broadcast, explain: bool = False, show_sensitive: bool = False,
               output: str = "dict", encoding: str = "utf-8") -> RDD:
    """Decide every item of an RDD, partition by partition, in order.

    Items are records (dicts or Spark Rows), lines of JSON Lines (`str`, or raw `bytes` in `encoding`) or
    `(line, item)` pairs (as `read_jsonl` and `numbered` give); without a line, an item's line is
    its 1-based position in its partition. `output` is "dict" (the decision JSON), "json" (the
    lines `kasu eval --format jsonl` writes) or "row" (dicts of COLUMNS). Sensitive values are
    redacted unless `show_sensitive`; the trace is included when `explain`.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}")
    shared = broadcast(policy, rdd.context)
    return rdd.mapPartitions(lambda items: _decide_part(items, shared, explain, show_sensitive, encoding, output))


def _decide_batches(batches: Iterator[pd.DataFrame], shared: Broadcast, explain: bool, show_sensitive: bool,
                    line_column: str | None, keep: tuple[str, ...]) -> Iterator[pd.DataFrame]:
    policy = shared.value
    start = 1
    for frame in batches:
        rows = decide_frame(policy, frame, explain, show_sensitive, line_column, keep, start)
        start += len(frame)
        out = pd.DataFrame(rows, columns=[*COLUMNS, *keep], dtype=object)
        out["line"] = out["line"].astype("Int64")
        yield out


def decide_dataframe(frame: DataFrame, policy: Policy | Broadcast, explain: bool = False,
                     show_sensitive: bool = False, line_column: str | None = None,
                     keep: Sequence[str] = ()) -> DataFrame:
    """Decide every row of a Spark DataFrame (`mapInPandas`): a DataFrame of SCHEMA, then the
    `keep` columns copied from the input with their types, one output row per input row.

    A row's line is the value of `line_column` when given, else its 1-based position in its
    partition. An invalid row is a row with `outcome` null and `error` set — never dropped.
    Arrays and structs are read as lists and records; nulls are absent values.
    """
    keep = tuple(keep)
    schema = T.StructType([*SCHEMA.fields, *(frame.schema[name] for name in keep)])
    shared = broadcast(policy, frame.sparkSession.sparkContext)
    return frame.mapInPandas(lambda batches: _decide_batches(batches, shared, explain, show_sensitive,
                                                             line_column, keep), schema)
