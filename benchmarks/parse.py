"""Parse and check speed and memory for a large generated policy.

    python benchmarks/parse.py                 # 2,000 rules (about 20,000 lines)
    python benchmarks/parse.py --rules 500 --rules 2000 --rules 8000

Prints a table: lines, parse time, check time, total, and peak memory (tracemalloc, in a
fresh process per size so that sizes do not share caches). Like `kasu check`, the
measurement pauses the cyclic garbage collector while loading (see kasuhara_rules.collector). Targets (issue 2): parse + check
of 2,000 rules under 2 s and under 200 MB on the 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HEADER = """policy "benchmark" {
  id        bench
  version   "1"
  otherwise claim
}

schema {
  incident_id "事案番号": text key
  channel "受付チャネル": one of ["phone", "counter", "email", "sns", "visit"]
  call_length "通話時間": optional duration in minutes
  repeat_contacts_30d: int
  demanded_dogeza: bool
  demanded_manager: bool
  demand_valid: optional bool
  remarks: optional text sensitive
  contacts: list of { at: datetime, length: duration in minutes }
  reported_at: datetime
}

outcomes    { claim "正当なクレーム", kasuhara "カスタマーハラスメント" }
severities  { low "軽度", medium "中度", high "重度", critical "重大" }
escalations { staff "担当者", supervisor "上長", organisation "組織対応", police "警察・弁護士" }

phrases threats "脅迫的な表現" = ["殺す", "晒す", "ネットに書く", "訴える"]
"""

RULE = """
# rule {i}: generated
define long_call_{i} = channel == "phone" and call_length >= {m}min
rule r{i} "ルール{i}" {{
  when     long_call_{i} and repeat_contacts_30d >= {k}
           and count(contacts where at >= reported_at - 30d and length >= 10min) >= 3
  unless   demand_valid
  then     kasuhara severity {sev}
  respond  "対応を打ち切り、上長に引き継ぐ。"
  escalate supervisor
}}
"""


def make_policy(rules: int) -> str:
    sevs = ["low", "medium", "high", "critical"]
    parts = [HEADER]
    for i in range(rules):
        parts.append(RULE.format(i=i, m=10 + i % 50, k=i % 7, sev=sevs[i % 4]))
    parts.append('rule threat { when remarks contains any threats then kasuhara severity critical '
                 'respond "中止" escalate police }\n')
    return "".join(parts)


def _parse_and_check(text: str):
    from kasuhara_rules.collector import paused_gc

    with paused_gc():
        return _parse_and_check_unpaused(text)


def _parse_and_check_unpaused(text: str):
    from kasuhara_rules.syntax import nodes as n
    from kasuhara_rules.check.checker import check, check_structure
    from kasuhara_rules.syntax.parser import parse_source
    from kasuhara_rules.source import SourceText

    t0 = time.perf_counter()
    source = SourceText.from_text("bench.kasu", text)
    tree, diags = parse_source(source)
    t1 = time.perf_counter()
    assert tree is not None and not diags, diags[:3]
    check_structure(tree)
    result = check(tree.header(), [d for d in tree.decls if not isinstance(d, n.PolicyHeader)],
                   {"bench.kasu": source}, "", None, False, "bench.kasu")
    t2 = time.perf_counter()
    assert result.ok, result.errors[:3]
    return t1 - t0, t2 - t1


def measure(rules: int) -> dict:
    """Time (untraced, best of 3) and peak memory (a separate traced run) for one size."""
    from kasuhara_rules.syntax.grammar import tables

    text = make_policy(rules)
    t0 = time.perf_counter()
    tables()  # the parse tables, from the cache (built by Lark on the first run of a machine)
    t_build = time.perf_counter() - t0
    runs = [_parse_and_check(text) for _ in range(3)]
    parse_s, check_s = min(runs, key=sum)
    tracemalloc.start()
    _parse_and_check(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rules": rules, "lines": text.count("\n"), "build_ms": t_build * 1e3,
            "parse_s": parse_s, "check_s": check_s, "peak_mb": peak / 2**20}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=int, action="append", help="rule counts (default 2000)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child)))
        return 0
    rows = []
    for count in args.rules or [2000]:
        out = subprocess.run([sys.executable, __file__, "--child", str(count)], capture_output=True, text=True,
                             check=True)
        rows.append(json.loads(out.stdout))
    print("| rules | lines | tables load ms | parse s | check s | parse+check s | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['rules']:,} | {r['lines']:,} | {r['build_ms']:.0f} | {r['parse_s']:.2f} | {r['check_s']:.2f} "
              f"| {r['parse_s'] + r['check_s']:.2f} | {r['peak_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
