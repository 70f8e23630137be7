"""Side by side: our engine and the rule engines a Python developer could pick instead.

    pip install -e '.[bench]'                     # the peers: zen-engine, json-logic-qubit, rule-engine, cedarpy
    python benchmarks/peers.py                    # 20,000 records, 3 rounds, pinned to one core
    python benchmarks/peers.py --n 5000 --rounds 1 --engines ours,zen

The job (the same as ../shared/bench/peers.py): 21 rules over generated incident records;
every rule is evaluated, the highest severity wins, ties go to the earlier rule, and a
record no rule matches is an ordinary claim (R21). The rules are written once per engine in
that engine's own language (`benchmarks/peers21.kasu` for ours, the table below for the
others); a missing optional value makes a condition false, as the job says.

For each engine, in this order:
  1. verify: on every record, the set of matched rules and the winner must equal the
     hand-written Python reference; an engine that disagrees anywhere is reported as FAIL
     and never timed (exit status 1);
  2. load: parse/compile the rules and decide one record, first time and warm;
  3. throughput: every round times each engine once (rotating order), repeating whole
     sweeps over the records for at least --min-seconds, each followed by a hand-written
     pass; the table gives the median records/s and the median of the paired slowdowns
     (hand-written rate / engine rate), which hides the drift of a shared machine.

Missing peers are skipped with the reason. Our rows use only the public API.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
POLICY_FILE = Path(__file__).resolve().parent / "peers21.kasu"

# -- the records --------------------------------------------------------------------------------

WORDS = ["バカ", "無能", "ふざけるな", "クビにしろ", "訴えるぞ", "責任者を出せ", "金返せ", "ネットに晒す", "死ね", "殺す"]
WORD_WEIGHTS = [10, 7, 9, 4, 5, 6, 5, 3, 2, 1]
INSULTS = ["バカ", "無能", "ふざけるな", "クビにしろ"]


def incidents(n: int, seed: int) -> list[dict[str, Any]]:
    """n incident records as JSON would give them (an absent optional value is a missing key)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        channel = rnd.choices(["phone", "counter", "email", "sns", "visit"], [35, 20, 15, 15, 15])[0]
        face_to_face = channel in ("counter", "visit")
        record: dict[str, Any] = {"incident_id": f"B-{i:07d}", "channel": channel}
        if rnd.random() < (0.3 if channel in ("email", "sns") else 0.9):
            record["call_minutes"] = min(120, int(rnd.expovariate(1 / 22)))
        record["repeat_contacts_30d"] = min(15, int(rnd.expovariate(1 / 2.5)))
        record["demanded_dogeza"] = rnd.random() < 0.04
        record["demanded_manager"] = rnd.random() < 0.25
        if rnd.random() < 0.8:
            record["demand_valid"] = rnd.random() < 0.55
        record["threatened_sns_post"] = rnd.random() < 0.08
        record["stayed_after_closing_minutes"] = rnd.randint(1, 90) if face_to_face and rnd.random() < 0.3 else 0
        record["physical_contact"] = face_to_face and rnd.random() < 0.03
        wanted = rnd.choices([0, 1, 2, 3, 4], [55, 20, 12, 8, 5])[0]
        words: list[str] = []
        while len(words) < wanted:
            word = rnd.choices(WORDS, WORD_WEIGHTS)[0]
            if word not in words:
                words.append(word)
        record["abusive_words"] = words
        record["compensation_demand_yen"] = 0 if rnd.random() < 0.6 else \
            min(1_000_000, round(rnd.expovariate(1 / 120_000), -3).__int__())
        out.append(record)
    return out


# -- the hand-written reference: the limit ------------------------------------------------------

IDS = [f"R{k:02d}" for k in range(1, 21)]
RANK = [4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]  # critical 4 … low 1
CLAIM = "R21"
_INSULTS = frozenset(INSULTS)


def reference_matches(r: dict[str, Any]) -> list[bool]:
    """Rules R01-R20 on one record, as a Python programmer would write them."""
    words = r["abusive_words"]
    channel = r["channel"]
    minutes = r.get("call_minutes")
    valid = r.get("demand_valid")
    repeat = r["repeat_contacts_30d"]
    stayed = r["stayed_after_closing_minutes"]
    money = r["compensation_demand_yen"]
    return [
        r["physical_contact"],
        "殺す" in words,
        r["demanded_dogeza"] and r["threatened_sns_post"],
        r["demanded_dogeza"],
        money > 100000 and valid is False,
        r["threatened_sns_post"] and valid is not True,
        len(words) >= 3,
        "死ね" in words,
        channel in ("counter", "visit") and stayed >= 60,
        channel == "phone" and minutes is not None and minutes >= 30 and repeat >= 3,
        r["demanded_manager"] and valid is not True,
        stayed >= 30,
        repeat >= 10,
        minutes is not None and minutes >= 90,
        minutes is not None and minutes * repeat >= 300,
        channel == "sns" and len(words) >= 1,
        money >= 500000 and "demand_valid" not in r,
        not _INSULTS.isdisjoint(words),
        channel == "email" and repeat >= 5 and valid is not True,
        r["demanded_manager"] and channel in ("phone", "email") and repeat >= 2,
    ]


def pick(matches: list[bool]) -> str:
    """The winner: the highest severity, the earlier rule on a tie; R21 (claim) when none."""
    best, rank = CLAIM, 0
    for i, hit in enumerate(matches):
        if hit and RANK[i] > rank:
            best, rank = IDS[i], RANK[i]
    return best


def hand_written(records: list[dict[str, Any]]) -> list[str]:
    return [pick(reference_matches(r)) for r in records]


# -- the same rules in the peers' languages -----------------------------------------------------

_WORD_LIST = json.dumps(INSULTS, ensure_ascii=False)

# ZEN expression language (GoRules): one decision-table cell per rule.
ZEN = [
    "physical_contact",
    '"殺す" in abusive_words',
    "demanded_dogeza and threatened_sns_post",
    "demanded_dogeza",
    "compensation_demand_yen > 100000 and demand_valid == false",
    "threatened_sns_post and demand_valid != true",
    "len(abusive_words) >= 3",
    '"死ね" in abusive_words',
    'channel in ["counter", "visit"] and stayed_after_closing_minutes >= 60',
    'channel == "phone" and call_minutes != null and call_minutes >= 30 and repeat_contacts_30d >= 3',
    "demanded_manager and demand_valid != true",
    "stayed_after_closing_minutes >= 30",
    "repeat_contacts_30d >= 10",
    "call_minutes != null and call_minutes >= 90",
    "call_minutes != null and call_minutes * repeat_contacts_30d >= 300",
    'channel == "sns" and len(abusive_words) >= 1',
    "compensation_demand_yen >= 500000 and demand_valid == null",
    f"some(abusive_words, # in {_WORD_LIST})",
    'channel == "email" and repeat_contacts_30d >= 5 and demand_valid != true',
    'demanded_manager and channel in ["phone", "email"] and repeat_contacts_30d >= 2',
]

# rule-engine (Python): Context(default_value=None) makes a missing key null.
RULE_ENGINE = [
    "physical_contact",
    "'殺す' in abusive_words",
    "demanded_dogeza and threatened_sns_post",
    "demanded_dogeza",
    "compensation_demand_yen > 100000 and demand_valid == false",
    "threatened_sns_post and demand_valid != true",
    "abusive_words.length >= 3",
    "'死ね' in abusive_words",
    "channel in ['counter', 'visit'] and stayed_after_closing_minutes >= 60",
    "channel == 'phone' and call_minutes != null and call_minutes >= 30 and repeat_contacts_30d >= 3",
    "demanded_manager and demand_valid != true",
    "stayed_after_closing_minutes >= 30",
    "repeat_contacts_30d >= 10",
    "call_minutes != null and call_minutes >= 90",
    "call_minutes != null and call_minutes * repeat_contacts_30d >= 300",
    "channel == 'sns' and abusive_words.length >= 1",
    "compensation_demand_yen >= 500000 and demand_valid == null",
    f"[w for w in abusive_words if w in {_WORD_LIST}].length > 0",
    "channel == 'email' and repeat_contacts_30d >= 5 and demand_valid != true",
    "demanded_manager and channel in ['phone', 'email'] and repeat_contacts_30d >= 2",
]


def _v(name: str) -> dict:
    return {"var": name}


# JsonLogic: no length operator (a reduce counts), loose `==` (so `===` for true/false/null).
JSONLOGIC = [
    _v("physical_contact"),
    {"in": ["殺す", _v("abusive_words")]},
    {"and": [_v("demanded_dogeza"), _v("threatened_sns_post")]},
    _v("demanded_dogeza"),
    {"and": [{">": [_v("compensation_demand_yen"), 100000]}, {"===": [_v("demand_valid"), False]}]},
    {"and": [_v("threatened_sns_post"), {"!==": [_v("demand_valid"), True]}]},
    {">=": [{"reduce": [_v("abusive_words"), {"+": [_v("accumulator"), 1]}, 0]}, 3]},
    {"in": ["死ね", _v("abusive_words")]},
    {"and": [{"in": [_v("channel"), ["counter", "visit"]]}, {">=": [_v("stayed_after_closing_minutes"), 60]}]},
    {"and": [{"===": [_v("channel"), "phone"]}, {"!==": [_v("call_minutes"), None]},
             {">=": [_v("call_minutes"), 30]}, {">=": [_v("repeat_contacts_30d"), 3]}]},
    {"and": [_v("demanded_manager"), {"!==": [_v("demand_valid"), True]}]},
    {">=": [_v("stayed_after_closing_minutes"), 30]},
    {">=": [_v("repeat_contacts_30d"), 10]},
    {"and": [{"!==": [_v("call_minutes"), None]}, {">=": [_v("call_minutes"), 90]}]},
    {"and": [{"!==": [_v("call_minutes"), None]},
             {">=": [{"*": [_v("call_minutes"), _v("repeat_contacts_30d")]}, 300]}]},
    {"and": [{"===": [_v("channel"), "sns"]},
             {">=": [{"reduce": [_v("abusive_words"), {"+": [_v("accumulator"), 1]}, 0]}, 1]}]},
    {"and": [{">=": [_v("compensation_demand_yen"), 500000]}, {"===": [_v("demand_valid"), None]}]},
    {"some": [_v("abusive_words"), {"in": [_v(""), INSULTS]}]},
    {"and": [{"===": [_v("channel"), "email"]}, {">=": [_v("repeat_contacts_30d"), 5]},
             {"!==": [_v("demand_valid"), True]}]},
    {"and": [_v("demanded_manager"), {"in": [_v("channel"), ["phone", "email"]]},
             {">=": [_v("repeat_contacts_30d"), 2]}]},
]

# Cedar: an authorization language; one `permit` per rule over the request context. Sets
# have no size, so the adapter adds word_count; there is no null, so `has` guards.
_VALID = "(context has demand_valid && context.demand_valid)"
CEDAR = [
    "context.physical_contact",
    'context.abusive_words.contains("殺す")',
    "context.demanded_dogeza && context.threatened_sns_post",
    "context.demanded_dogeza",
    "context.compensation_demand_yen > 100000 && context has demand_valid && !context.demand_valid",
    f"context.threatened_sns_post && !{_VALID}",
    "context.word_count >= 3",
    'context.abusive_words.contains("死ね")',
    '["counter", "visit"].contains(context.channel) && context.stayed_after_closing_minutes >= 60',
    'context.channel == "phone" && context has call_minutes && context.call_minutes >= 30'
    " && context.repeat_contacts_30d >= 3",
    f"context.demanded_manager && !{_VALID}",
    "context.stayed_after_closing_minutes >= 30",
    "context.repeat_contacts_30d >= 10",
    "context has call_minutes && context.call_minutes >= 90",
    "context has call_minutes && context.call_minutes * context.repeat_contacts_30d >= 300",
    'context.channel == "sns" && context.word_count >= 1',
    "context.compensation_demand_yen >= 500000 && !(context has demand_valid)",
    f"context.abusive_words.containsAny({_WORD_LIST})",
    f'context.channel == "email" && context.repeat_contacts_30d >= 5 && !{_VALID}',
    'context.demanded_manager && ["phone", "email"].contains(context.channel) && context.repeat_contacts_30d >= 2',
]


def _winner(indices) -> str:
    matches = [False] * 20
    for i in indices:
        matches[i] = True
    return pick(matches)


# -- engines ---------------------------------------------------------------------------------------

class Skip(Exception):
    """The engine is not installed here."""


class Engine:
    name = ""
    package = ""      # the distribution whose version is shown
    module = ""       # what `import` measures
    how = ""          # one line on the encoding

    def load(self) -> None:
        raise NotImplementedError

    def matched(self, record: dict) -> set[str]:
        raise NotImplementedError

    def classify(self, records: list[dict]) -> list[str]:
        raise NotImplementedError


class HandWritten(Engine):
    name = "hand-written Python (the limit)"
    how = "an if-expression per rule over the dict, then the same pick of the winner"

    def load(self) -> None:
        pass

    def matched(self, record):
        return {IDS[i] for i, hit in enumerate(reference_matches(record)) if hit}

    def classify(self, records):
        return hand_written(records)


class Ours(Engine):
    package = "kasuhara-rules"
    module = "kasuhara_rules"

    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.name = {"many": "kasuhara_rules: evaluate_many", "one": "kasuhara_rules: evaluate per record",
                     "json": "kasuhara_rules: decision JSON (to_dict)",
                     "explained": "kasuhara_rules: explained JSON (to_dict(explain=True))"}[variant]
        self.how = {"many": "policy.evaluate_many(records), reading .rule",
                    "one": "policy.evaluate(record) for each record, reading .rule",
                    "json": "evaluate_many, then to_dict() of each decision (what `kasu eval` writes)",
                    "explained": "evaluate_many(explain=True), then to_dict(explain=True): every rule "
                                 "with every condition and the values read"}[variant]

    def load(self) -> None:
        try:
            import kasuhara_rules
        except ImportError as exc:
            raise Skip(str(exc)) from None
        self.policy = kasuhara_rules.load_policy(POLICY_FILE)

    def matched(self, record):
        return set(self.policy.evaluate(record).matched)

    def classify(self, records):
        p = self.policy
        if self.variant == "many":
            return [d.rule or CLAIM for d in p.evaluate_many(records)]
        if self.variant == "one":
            evaluate = p.evaluate
            return [evaluate(r).rule or CLAIM for r in records]
        if self.variant == "json":
            return [d.to_dict()["rule"] or CLAIM for d in p.evaluate_many(records)]
        return [d.to_dict(explain=True)["rule"] or CLAIM for d in p.evaluate_many(records, explain=True)]


class RuleByRule(Engine):
    """A peer that reports the indices of the matched rules for one record; the winner is
    picked here the same way as for the hand-written reference."""

    def _indices(self, record) -> list[int]:
        raise NotImplementedError

    def matched(self, record):
        return {IDS[i] for i in self._indices(record)}

    def classify(self, records):
        return [_winner(self._indices(r)) for r in records]


class Zen(RuleByRule):
    name = "zen-engine (GoRules, Rust)"
    package = "zen-engine"
    module = "zen"
    how = 'one JDM decision table, hit policy "collect", static loader; engine.evaluate(key, record)'

    def load(self) -> None:
        try:
            import zen
        except ImportError as exc:
            raise Skip(str(exc)) from None
        table = {"hitPolicy": "collect",
                 "inputs": [{"id": "when", "name": "When", "type": "expression", "field": ""}],
                 "outputs": [{"id": "rule", "name": "Rule", "type": "expression", "field": "rule"}],
                 "rules": [{"_id": IDS[i], "when": expr, "rule": str(i)} for i, expr in enumerate(ZEN)]}
        graph = {"contentType": "application/vnd.gorules.decision",
                 "nodes": [{"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
                           {"id": "rules", "type": "decisionTableNode", "name": "rules",
                            "position": {"x": 200, "y": 0}, "content": table},
                           {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 400, "y": 0}}],
                 "edges": [{"id": "a", "sourceId": "in", "targetId": "rules", "type": "edge"},
                           {"id": "b", "sourceId": "rules", "targetId": "out", "type": "edge"}]}
        engine = zen.ZenEngine({"loader": {"type": "static", "content": {"peers": graph}}})
        self._evaluate = engine.evaluate
        self._engine = engine

    def _indices(self, record) -> list[int]:
        return [int(hit["rule"]) for hit in self._evaluate("peers", record)["result"]]


class JsonLogic(RuleByRule):
    name = "json-logic-qubit"
    package = "json-logic-qubit"
    module = "json_logic"
    how = "20 JsonLogic rules; jsonLogic(rule, record) for each"

    def load(self) -> None:
        try:
            from json_logic import jsonLogic
        except ImportError as exc:
            raise Skip(str(exc)) from None
        self._run = jsonLogic
        self._rules = json.loads(json.dumps(JSONLOGIC, ensure_ascii=False))

    def _indices(self, record):
        run = self._run
        return [i for i, rule in enumerate(self._rules) if run(rule, record)]


class RuleEngine(RuleByRule):
    name = "rule-engine"
    package = "rule-engine"
    module = "rule_engine"
    how = "20 rule_engine.Rule objects, Context(default_value=None); rule.matches(record)"

    def load(self) -> None:
        try:
            import rule_engine
        except ImportError as exc:
            raise Skip(str(exc)) from None
        context = rule_engine.Context(default_value=None)
        self._rules = [rule_engine.Rule(text, context=context) for text in RULE_ENGINE]

    def _indices(self, record):
        return [i for i, rule in enumerate(self._rules) if rule.matches(record)]


class Cedar(Engine):
    name = "cedarpy (Cedar, Rust)"
    package = "cedarpy"
    module = "cedarpy"
    how = "20 `permit … when {…}` policies; is_authorized_batch; matched rules from diagnostics.reasons"

    def load(self) -> None:
        try:
            import cedarpy
        except ImportError as exc:
            raise Skip(str(exc)) from None
        text = "\n".join(f"permit (principal, action, resource) when {{ {body} }};" for body in CEDAR)
        self._cedar = cedarpy
        self._policies = cedarpy.PolicySet.from_str(text)
        self._entities = cedarpy.Entities.from_json_str("[]")

    def _request(self, record):
        context = dict(record, word_count=len(record["abusive_words"]))
        return {"principal": 'User::"staff"', "action": 'Action::"decide"', "resource": 'Incident::"x"',
                "context": context}

    def _batch(self, records) -> list[list[int]]:
        results = self._cedar.is_authorized_batch([self._request(r) for r in records], self._policies,
                                                  self._entities)
        out = []
        for result in results:
            if result.diagnostics.errors:
                raise RuntimeError(f"cedar: {result.diagnostics.errors}")
            out.append([int(reason.removeprefix("policy")) for reason in result.diagnostics.reasons])
        return out

    def matched(self, record):
        return {IDS[i] for i in self._batch([record])[0]}

    def classify(self, records):
        return [_winner(indices) for indices in self._batch(records)]


def all_engines() -> list[Engine]:
    return [HandWritten(), Ours("many"), Ours("one"), Ours("json"), Ours("explained"), Zen(), JsonLogic(),
            RuleEngine(), Cedar()]


# -- measuring -----------------------------------------------------------------------------------

def verify(engine: Engine, records: list[dict]) -> str | None:
    """None when the engine agrees with the reference on every record, else what differs."""
    expected_sets = [{IDS[i] for i, hit in enumerate(reference_matches(r)) if hit} for r in records]
    for n, (record, want) in enumerate(zip(records, expected_sets)):
        got = engine.matched(record)
        if got != want:
            return f"record {n}: matched {sorted(got)}, expected {sorted(want)}"
    winners = engine.classify(records)
    expected = hand_written(records)
    bad = sum(a != b for a, b in zip(winners, expected))
    return f"{bad} winners differ" if bad or len(winners) != len(expected) else None


def timed_pass(run: Callable[[], Any], n: int, min_seconds: float) -> float:
    """Records per second over whole sweeps, repeated for at least min_seconds."""
    sweeps, start = 0, time.perf_counter()
    while True:
        run()
        sweeps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return sweeps * n / elapsed


def load_times(engine: Engine, record: dict, repeats: int = 5) -> tuple[float, float]:
    """(first, warm median) milliseconds to load the rules and decide one record."""
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        engine.load()
        engine.classify([record])
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:])


def import_ms(module: str) -> float | None:
    """Median milliseconds of `import module` in a fresh interpreter, less a bare start."""
    if not module:
        return None

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return time.perf_counter() - start

    bare = statistics.median(run("pass") for _ in range(5))
    full = statistics.median(run(f"import {module}") for _ in range(5))
    return max(0.0, (full - bare) * 1000)


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def version_of(package: str) -> str:
    if not package:
        return "-"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="records (default 20,000)")
    ap.add_argument("--seed", type=int, default=1001)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--min-seconds", type=float, default=1.0, help="minimum length of one timed pass")
    ap.add_argument("--engines", default="", help="comma-separated parts of engine names (the limit always runs)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    ap.add_argument("--no-import-time", action="store_true")
    args = ap.parse_args(argv)

    pinned = "not pinned" if args.no_pin else pin_to_one_core()
    records = incidents(args.n, args.seed)
    wanted = [w.strip().lower() for w in args.engines.split(",") if w.strip()]
    engines = [e for e in all_engines()
               if isinstance(e, HandWritten) or not wanted or any(w in e.name.lower() for w in wanted)]
    rows: dict[str, dict[str, Any]] = {}
    ready: list[Engine] = []
    failed = False
    for engine in engines:
        row = rows[engine.name] = {"version": version_of(engine.package)}
        try:
            row["load"] = load_times(engine, records[0])
        except Skip as exc:
            row["status"] = f"skipped: {exc}"
            continue
        problem = verify(engine, records)
        if problem:
            row["status"] = f"FAIL: {problem}"
            failed = True
            continue
        row["status"] = "ok"
        row["import"] = None if args.no_import_time else import_ms(engine.module)
        ready.append(engine)

    limit = ready[0]
    rates: dict[str, list[float]] = {e.name: [] for e in ready}
    ratios: dict[str, list[float]] = {e.name: [] for e in ready}
    expected = hand_written(records)
    for round_number in range(args.rounds):
        order = ready[round_number % len(ready):] + ready[:round_number % len(ready)]
        for engine in order:
            winners: list[str] = []
            rate = timed_pass(lambda: winners.__setitem__(slice(None), engine.classify(records)), len(records),
                              args.min_seconds)
            if winners != expected:
                rows[engine.name]["status"] = "FAIL: a timed pass gave other winners"
                failed = True
            anchor = timed_pass(lambda: limit.classify(records), len(records), args.min_seconds / 2)
            rates[engine.name].append(rate)
            ratios[engine.name].append(anchor / rate)

    zen_rate = statistics.median(rates["zen-engine (GoRules, Rust)"]) if "zen-engine (GoRules, Rust)" in rates \
        else None
    print(f"# {len(records):,} records × 21 rules, {args.rounds} rounds, {pinned}; "
          f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print("| engine | version | verified | import ms | load ms first / warm | records/s | µs/record "
          "| vs hand-written | vs zen-engine |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for engine in engines:
        row = rows[engine.name]
        if engine.name not in rates or not rates[engine.name]:
            print(f"| {engine.name} | {row['version']} | {row['status']} | | | | | | |")
            continue
        rate = statistics.median(rates[engine.name])
        slow = statistics.median(ratios[engine.name])
        first, warm = row["load"]
        imp = "-" if row.get("import") is None else f"{row['import']:.0f}"
        vs_zen = "-" if zen_rate is None else f"{rate / zen_rate:.2f}×"
        print(f"| {engine.name} | {row['version']} | {row['status']} | {imp} | {first:.1f} / {warm:.1f} "
              f"| {rate:,.0f} | {1e6 / rate:.2f} | {slow:.2f}× slower | {vs_zen} |")
    print("\nEncodings:")
    for engine in engines:
        print(f"- {engine.name}: {engine.how}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
