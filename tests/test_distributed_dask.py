"""kasuhara_rules.dask on a real Dask cluster (two worker processes): the same decisions as `kasu eval`.

Skipped when the `distributed` extra is not installed, unless KASU_REQUIRE_DISTRIBUTED=1 (CI).
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from kasuhara_rules import load_policy
from tests.conftest import ROOT
from tests.distributed_support import INCIDENTS, POLICY, kasu_eval, need, write_parts


@pytest.fixture(scope="module")
def client():
    need("dask.bag")
    need("pandas")
    distributed = need("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import the tests
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                       silence_logs=logging.ERROR, memory_limit="1GiB")
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def policy():
    return load_policy(str(POLICY))


@pytest.mark.parametrize("flags", [(), ("--explain",), ("--explain", "--show-sensitive")])
def test_jsonl_files_decided_as_kasu_eval_decides_them(client, policy, tmp_path, flags):
    """Three JSON Lines files with broken lines (not JSON, not UTF-8, a duplicate key, a blank line,
    a byte-order mark, CRLF), one partition each on two worker processes: the decisions are, line
    for line, what `kasu eval` writes for the same files — errors with their line numbers included,
    sensitive values redacted unless asked."""
    import kasuhara_rules.dask as kd

    paths = write_parts(tmp_path)
    bag = kd.read_jsonl([str(p) for p in paths])
    assert bag.npartitions == 3
    got = kd.decide_bag(bag, policy, explain="--explain" in flags, show_sensitive="--show-sensitive" in flags,
                        output="json").compute()
    expected = kasu_eval(paths, *flags)
    assert got == expected
    errors = [json.loads(line)["error"] for line in got if json.loads(line)["outcome"] is None]
    assert len(errors) >= 3 * 5 and all(e["line"] for e in errors)
    remark = json.loads(INCIDENTS.read_text(encoding="utf-8").splitlines()[1])["remarks"]
    assert (remark in "\n".join(got)) == ("--show-sensitive" in flags)


def test_decisions_as_dicts_and_rows(client, policy, tmp_path):
    """output="dict" gives the decision JSON as dicts; output="row" the columns, with the digest."""
    import kasuhara_rules.dask as kd

    paths = write_parts(tmp_path)
    expected = [json.loads(line) for line in kasu_eval(paths)]
    bag = kd.read_jsonl([str(p) for p in paths])
    assert kd.decide_bag(bag, policy).compute() == expected
    rows = kd.decide_bag(bag, policy, output="row").compute()
    assert [json.loads(r["decision"]) for r in rows] == expected
    assert {r["policy_digest"] for r in rows} == {policy.digest}
    assert [r["outcome"] for r in rows] == [d["outcome"] for d in expected]
    assert [r["line"] for r in rows if r["error"]] == [d["error"]["line"] for d in expected if d["outcome"] is None]
    assert any(r["review"] for r in rows) == any(d["outcome"] == "review" for d in expected)


def test_a_bag_of_records_and_strings(client, policy):
    """A bag of dicts and raw strings (as from any source): each item's line is its position in its
    partition unless it comes as a (line, item) pair; broken items become error decisions."""
    import dask.bag as db

    import kasuhara_rules.dask as kd

    from kasuhara_rules.reading.batch import parse_json

    lines = INCIDENTS.read_text(encoding="utf-8").splitlines(keepends=True)  # as kasu eval reads them
    items = []
    for number, line in enumerate(lines, 1):
        try:
            items.append((number, parse_json(line)))   # a record (or a JSON value that is not one)
        except ValueError:
            items.append((number, line))               # a broken line, decided as the line it is
    got = kd.decide_bag(db.from_sequence(items, npartitions=4), policy).compute()
    assert got == [json.loads(line) for line in kasu_eval([INCIDENTS])]
    plain = kd.decide_bag(db.from_sequence([item for _, item in items[:6]], npartitions=2), policy).compute()
    assert [d["incident"] for d in plain] == [d["incident"] for d in got[:6]]


def _policy_seen(items, shipped):
    return [(os.getpid(), id(shipped), shipped.digest)]


def test_the_policy_is_shipped_once_per_worker(client, policy):
    """Every partition a worker process decides uses one copy of the policy: the graph holds it as
    one key, which each worker unpickles once, however many partitions it runs."""
    import dask.bag as db

    import kasuhara_rules.dask as kd

    bag = db.from_sequence(range(40), npartitions=20)
    seen = bag.map_partitions(_policy_seen, kd.ship(policy)).compute()
    assert len(seen) == 20
    by_worker: dict = {}
    for pid, ident, digest in seen:
        by_worker.setdefault(pid, set()).add(ident)
        assert digest == policy.digest
    assert pid != os.getpid()
    assert all(len(idents) == 1 for idents in by_worker.values()), by_worker
    graph = dict(kd.decide_bag(bag, policy).__dask_graph__())
    assert sum(1 for key in graph if str(key).startswith("kasu-policy-")) == 1


def test_a_dataframe_decided_row_by_row(client, policy):
    """A Dask DataFrame of records (with a column giving each record's line) in two partitions: the
    decision columns, the digest and the kept columns, the same decisions as `kasu eval`, an
    invalid row kept as an error row, the index kept."""
    import dask
    import dask.dataframe as dd
    import pandas as pd

    import kasuhara_rules.dask as kd

    records = []
    for number, line in enumerate(INCIDENTS.read_text(encoding="utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "incident_id" in record:
            records.append(dict(record, line=number))
    # Typed columns (boolean, Int64, string), and no conversion of the object columns that are left
    # (contact_length holds numbers and texts): Dask would turn them into texts ("52", "True").
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_pandas(pd.DataFrame(records).convert_dtypes(), npartitions=2)
    out = kd.decide_dataframe(frame, policy, line_column="line", keep=["incident_id"]).compute()
    assert list(out.columns) == [*kd.COLUMNS, "incident_id"]
    assert list(out.index) == list(range(len(records)))
    expected = {json.loads(line).get("error", {}).get("line") or n: json.loads(line)
                for n, line in _numbered(kasu_eval([INCIDENTS]))}
    for row in out.itertuples():
        want = expected[row.line]
        outcome, rule = (None if pd.isna(x) else x for x in (row.outcome, row.rule))
        assert outcome == want["outcome"] and rule == want.get("rule"), row
        assert row.policy_digest == policy.digest
        assert row.incident_id == records[row.Index]["incident_id"]
        if want["outcome"] is None:
            # the same field at fault; an empty cell of a DataFrame reads "null or NaN" where the
            # JSON line had no key ("missing"), as evaluate_many(pandas_frame) says on one machine
            assert row.error_field == want["error"]["field"], row
            assert json.loads(row.decision)["error"]["line"] == row.line
        else:
            assert json.loads(row.decision) == want
    assert out["error"].notna().any()  # the shipped file has records that do not fit the schema
    local = [d.to_dict() for d in policy.evaluate_many(frame.compute())]
    decided = [json.loads(text) for text in out["decision"]]
    for mine, theirs in zip(decided, local):   # lines differ: evaluate_many numbers rows from 1
        (mine.get("error") or {}).pop("line", None), (theirs.get("error") or {}).pop("line", None)
    assert decided == local


def _numbered(lines):
    """(line of the input, decision line) of `kasu eval` on the shipped incidents (one line each)."""
    numbers = [n for n, line in enumerate(INCIDENTS.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    assert len(numbers) == len(lines)
    return zip(numbers, lines)


def test_importing_without_the_extra_names_the_install_command():
    """Without the extra, importing kasuhara_rules.dask or .spark fails with the command that installs it."""
    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('dask', 'distributed', 'pyspark'):\n"
            "            raise ImportError('No module named ' + name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "for name in ('kasuhara_rules.dask', 'kasuhara_rules.spark'):\n"
            "    try:\n"
            "        __import__(name)\n"
            "    except ImportError as exc:\n"
            "        print(name, exc)\n"
            "    else:\n"
            "        print(name, 'imported')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        assert "pip install 'kasuhara-rules[distributed]'" in line, line
    assert len(done.stdout.splitlines()) == 2
