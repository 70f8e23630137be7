"""A Policy is immutable and thread-safe: its memo tables (the trace cache, the phrase index,
the lazily compiled explain function) give the same answers under 8 threads as in one."""
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from kasuhara_rules import load_policy
from tests.conftest import ROOT


def _records():
    lines = (ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out * 2


def test_eight_threads_decide_and_explain_as_one():
    """Decisions, JSON with traces and explanations from 8 threads equal those of one thread,
    on a fresh policy whose explain function and caches are built while the threads race (the
    explained JSON compared as text: `to_json`, the same data as `to_dict` without its fresh copy)."""
    expected_policy = load_policy(ROOT / "examples" / "retail.kasu")
    records = [r for r, d in zip(_records(), expected_policy.evaluate_many(_records())) if d.error is None]
    expected = [(d.to_json(explain=True), d.explain(lang="ja")) for d in expected_policy.evaluate_many(records,
                                                                                                       explain=True)]
    policy = load_policy(ROOT / "examples" / "retail.kasu")  # nothing compiled or cached yet

    def work(offset):
        out = []
        for i in range(len(records)):
            j = (i + offset) % len(records)
            d = policy.evaluate(records[j], explain=True)
            out.append((j, d.to_json(explain=True), d.explain(lang="ja")))
        return out

    # the threads switch every 0.1 ms (not every 5 ms), so that they interleave often in a short run
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(0, 8 * 7, 7)))
    finally:
        sys.setswitchinterval(interval)
    checked = 0
    for result in results:
        for j, data, text in result:
            assert (data, text) == expected[j]
            checked += 1
    assert checked > 8 * 40


def test_collector_pause_is_counted_across_overlapping_loads():
    """Two loads overlapping (A starts, B starts, A ends, B ends): the collector stays paused
    until the last ends, then comes back; one the application disabled stays disabled."""
    import gc

    from kasuhara_rules.collector import paused_gc

    assert gc.isenabled()
    a, b = paused_gc(), paused_gc()
    a.__enter__()
    b.__enter__()
    assert not gc.isenabled()
    a.__exit__(None, None, None)
    assert not gc.isenabled(), "the first load to end must not restart the collector under the other"
    b.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collector_runs_again_after_loads_in_threads():
    """Eight threads loading at once leave the collector as they found it."""
    import gc
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: load_policy(ROOT / "examples" / "retail.kasu"), range(16)))
    assert gc.isenabled()
