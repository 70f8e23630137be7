"""kasuhara_rules.spark in Spark local mode (local[2]): the same decisions as `kasu eval`.

Skipped when the `distributed` extra or Java is missing, unless KASU_REQUIRE_DISTRIBUTED=1 (CI).
One Spark session for the module; small inputs.
"""
from __future__ import annotations

import json
import os
import sys

import pytest

from kasuhara_rules import load_policy
from tests.distributed_support import INCIDENTS, POLICY, kasu_eval, need, need_java, write_parts


@pytest.fixture(scope="module")
def spark():
    need("pandas")
    need("pyarrow")
    need("pyspark.sql")
    need_java()
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import the tests
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("kasu-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "512m")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.log.level", "ERROR")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="module")
def policy():
    return load_policy(str(POLICY))


@pytest.mark.parametrize("flags", [(), ("--explain", "--show-sensitive")])
def test_jsonl_files_decided_as_kasu_eval_decides_them(spark, policy, tmp_path, flags):
    """Three JSON Lines files with broken lines (not JSON, not UTF-8, a duplicate key, a blank line,
    a byte-order mark, CRLF) read as bytes into an RDD, decided on two executor threads with the
    policy broadcast: line for line what `kasu eval` writes for the same files."""
    import kasuhara_rules.spark as ks

    paths = write_parts(tmp_path)
    rdd = ks.read_jsonl(spark.sparkContext, [str(p) for p in paths])
    assert rdd.getNumPartitions() == 3
    got = ks.decide_rdd(rdd, policy, explain="--explain" in flags, show_sensitive="--show-sensitive" in flags,
                        output="json").collect()
    assert got == kasu_eval(paths, *flags)
    remark = json.loads(INCIDENTS.read_text(encoding="utf-8").splitlines()[1])["remarks"]
    assert (remark in "\n".join(got)) == ("--show-sensitive" in flags)
    assert sum(json.loads(line)["outcome"] is None for line in got) >= 3 * 5


def test_text_file_lines_numbered(spark, policy):
    """`textFile` lines numbered by `numbered` (position in the whole RDD), over several partitions:
    the same records decided and the same lines named by the errors as `kasu eval`."""
    import kasuhara_rules.spark as ks

    rdd = spark.sparkContext.textFile(str(INCIDENTS), minPartitions=3)
    got = ks.decide_rdd(ks.numbered(rdd), policy).collect()
    expected = [json.loads(line) for line in kasu_eval([INCIDENTS])]
    assert [d["incident"] for d in got] == [d["incident"] for d in expected]
    assert [d["outcome"] for d in got] == [d["outcome"] for d in expected]
    assert [(d.get("error") or {}).get("line") for d in got] == [(d.get("error") or {}).get("line") for d in expected]
    rows = ks.decide_rdd(ks.numbered(rdd), ks.broadcast(policy, spark.sparkContext), output="row").collect()
    assert {r["policy_digest"] for r in rows} == {policy.digest}
    from pyspark.sql import Row

    valid = [json.loads(line) for line in INCIDENTS.read_text(encoding="utf-8").splitlines()[:3]]
    by_row = ks.decide_rdd(spark.sparkContext.parallelize([Row(**r) for r in valid], 2), policy).collect()
    assert by_row == [d.to_dict() for d in policy.evaluate_many(valid)]


def _seen(items, shared):
    yield (os.getpid(), id(shared.value), shared.value.digest)


def test_the_policy_is_broadcast_once_per_worker(spark, policy):
    """Every partition a Python worker process decides uses one copy of the broadcast policy."""
    import kasuhara_rules.spark as ks

    shared = ks.broadcast(policy, spark.sparkContext)
    seen = spark.sparkContext.parallelize(range(40), 10).mapPartitions(lambda items: _seen(items, shared)).collect()
    assert len(seen) == 10 and {digest for _, _, digest in seen} == {policy.digest}
    by_worker: dict = {}
    for pid, ident, _ in seen:
        by_worker.setdefault(pid, set()).add(ident)
    assert all(len(idents) == 1 for idents in by_worker.values()), by_worker


def test_a_dataframe_decided_row_by_row(spark, policy, tmp_path):
    """A DataFrame read by Spark's JSON reader (with the record's line as a column) decided with
    mapInPandas: the documented schema, one row per input row, invalid rows kept as error rows,
    the same decisions as on one machine (evaluate_many on the same rows) and as `kasu eval`."""
    import kasuhara_rules.spark as ks

    from kasuhara_rules.reading.batch import parse_json

    records = []
    for number, line in enumerate(INCIDENTS.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = parse_json(line)
        except ValueError:
            continue
        # Spark's JSON reader gives a column one type: leave out the one duration written as text
        if isinstance(record, dict) and "incident_id" in record and not isinstance(record.get("contact_length"), str):
            records.append(dict(record, line=number))
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    frame = spark.read.json(str(source)).repartition(2)
    out = ks.decide_dataframe(frame, policy, line_column="line", keep=["incident_id"])
    assert out.schema.names == [*ks.COLUMNS, "incident_id"]
    assert out.schema["line"].dataType.simpleString() == "bigint"
    rows = sorted(out.collect(), key=lambda r: r["line"])
    assert [r["line"] for r in rows] == [r["line"] for r in records]
    expected = dict(_numbered(kasu_eval([INCIDENTS])))
    for row in rows:
        want = expected[row["line"]]
        assert (row["outcome"], row["rule"], row["severity"]) == (want["outcome"], want.get("rule"),
                                                                  want.get("severity")), row
        assert row["incident_id"] == row["incident"] and row["policy_digest"] == policy.digest
        assert row["review"] == (want["outcome"] == "review")
        if want["outcome"] is None:
            assert row["error_field"] == want["error"]["field"] and row["error"]
    assert any(r["error"] for r in rows)
    pandas_rows = frame.toPandas().sort_values("line")
    local = [d.to_dict() for d in policy.evaluate_many(pandas_rows)]
    assert [json.loads(r["decision"])["outcome"] for r in rows] == [d["outcome"] for d in local]
    assert [json.loads(r["decision"]).get("matched") for r in rows] == [d.get("matched") for d in local]


def _numbered(lines):
    numbers = [n for n, line in enumerate(INCIDENTS.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    assert len(numbers) == len(lines)
    return ((n, json.loads(line)) for n, line in zip(numbers, lines))
