"""`mentions` through the language: accuracy on the labelled utterances, and its cost.

    python benchmarks/mentions.py              # accuracy table, then the cost table
    python benchmarks/mentions.py --records 3000 --accuracy-only

Accuracy: one policy with one rule per list the corpus is labelled with (`phrases NAME KIND from
"lexicon/NAME.txt"`, the kinds as the shipped baseline declares them; the rule for `threats` reads
the lists threats, backing and implied, as the baseline's threatening remarks do), written once with
`remarks mentions any NAME` and once with `remarks contains any NAME`, run by the real engine over
tests/corpus/utterances.tsv; a (utterance, list) pair is a true positive when the list's rule
matched and the corpus says it should. (benchmarks/lexicon_eval.py measures the
same lists with the word module directly; this measures what a policy author gets.)

Cost, on one core (the process is pinned to one CPU where the OS allows it): a 30-rule policy whose
7 speech rules use `mentions any` over the shipped lexicon and whose other 23 rules read
structured fields, on distinct ~200-character remarks; the same policy with `contains any`; the
analyser alone (words of one text, µs); loading the policy (dictionary and phrase analysis).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: the checkout's code (imported by the tests: as installed)
    sys.path.insert(0, str(ROOT / "src"))
LEXICON = ROOT / "examples" / "lexicon"
CORPUS = ROOT / "tests" / "corpus" / "utterances.tsv"
FILES = sorted(p.stem for p in LEXICON.glob("*.txt"))
# The lists the corpus is labelled with, and the lexicon files each reads (benchmarks/lexicon_eval.py).
FAMILIES = {"threats": ("threats", "backing", "implied"), "abuse": ("abuse",), "exposure": ("exposure",),
            "discrimination": ("discrimination",), "sexual": ("sexual",), "coercion": ("coercion",),
            "superiors": ("superiors",)}
LISTS = sorted(FAMILIES)


def shipped_kinds() -> dict[str, str]:
    """The kinds of the lexicon's lists in the shipped baseline (`phrases NAME "label" KIND from …`)."""
    import re

    text = (ROOT / "examples" / "mhlw-baseline.kasu").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in
            re.finditer(r'^phrases (\w+) "[^"]*" (announced|claimed|implied) from', text, re.M)}

HEAD = """policy "mentions benchmark" { id bench  version "1"  otherwise claim }
outcomes { claim "クレーム", kasuhara "カスハラ" }
severities { low, medium, high }
schema {
  incident_id: text key
  channel: one of ["phone", "counter", "email", "visit"]
  call_length "通話時間": optional duration in minutes
  visits: int
  amount: optional number
  dogeza "土下座の要求": bool
  demand_valid: optional bool
  remarks "発言内容": optional text sensitive
}
"""


def speech_rules(op: str) -> str:
    """The phrase lists from the shipped lexicon and one rule per list, `op` = mentions | contains."""
    out = []
    kinds = shipped_kinds() if op == "mentions" else {}
    for name in FILES:
        kind = f" {kinds[name]}" if name in kinds else ""
        out.append(f'phrases {name} "{name}"{kind} from "lexicon/{name}.txt"\n')
    for family, members in FAMILIES.items():
        cond = " or ".join(f"remarks {op} any {m}" for m in members)
        out.append(f'rule speech_{family} {{\n  when {cond}\n  then kasuhara severity high\n'
                   f'  respond "x"\n}}\n')
    return "".join(out)


def other_rules(count: int) -> str:
    """Rules on structured fields (durations, counts, one-of, optional booleans)."""
    templates = [
        "call_length >= {m}min and channel == \"phone\"",
        "visits >= {k} and demand_valid == false",
        "dogeza and channel in [\"counter\", \"visit\"]",
        "amount is present and amount > {a}",
        "call_length >= {m}min or visits >= {k}",
        "not demand_valid and visits between {k} and {k2}",
    ]
    out = []
    for i in range(count):
        cond = templates[i % len(templates)].format(m=30 + i, k=3 + i % 5, k2=10 + i, a=10000 + 100 * i)
        out.append(f"rule other{i} {{\n  when {cond}\n  then kasuhara severity {['low', 'medium'][i % 2]}\n"
                   f'  respond "x"\n}}\n')
    return "".join(out)


def policy_text(op: str, others: int = 23) -> str:
    return HEAD + speech_rules(op) + other_rules(others)


def load(text: str, tmp: Path):
    """Write the policy next to a copy of the lexicon and load it."""
    from kasuhara_rules import load_policy

    if not (tmp / "lexicon").exists():
        shutil.copytree(LEXICON, tmp / "lexicon")
    path = tmp / "policy.kasu"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def read_corpus() -> list[tuple[str, frozenset[str]]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            text, expected, _source = line.split("\t")
            rows.append((text, frozenset(x.strip() for x in expected.split(",") if x.strip())))
    return rows


def accuracy(policy, corpus) -> dict[str, tuple[int, int, int]]:
    """(tp, fn, fp) per list from the engine's matched rules, and "all" summed."""
    counts = {name: [0, 0, 0] for name in LISTS}
    for i, (text, expected) in enumerate(corpus):
        d = policy.evaluate({"incident_id": f"U{i}", "channel": "phone", "visits": 0, "dogeza": False,
                             "remarks": text})
        got = {r[len("speech_"):] for r in d.matched if r.startswith("speech_")}
        for name in LISTS:
            want, have = name in expected, name in got
            if want and have:
                counts[name][0] += 1
            elif want:
                counts[name][1] += 1
            elif have:
                counts[name][2] += 1
    out = {name: tuple(c) for name, c in counts.items()}
    out["all"] = tuple(sum(c[k] for c in counts.values()) for k in range(3))
    return out


def precision(c: tuple[int, int, int]) -> float:
    return c[0] / (c[0] + c[2]) if c[0] + c[2] else 1.0


def recall(c: tuple[int, int, int]) -> float:
    return c[0] / (c[0] + c[1]) if c[0] + c[1] else 1.0


FILLER = ["本日はご来店いただきありがとうございます。", "先日購入した商品について電話しました。",
          "担当者の説明がよく分からなかったので、", "もう一度確認したいのですが、", "返品の手続きはどうなりますか。",
          "お店の前で長い時間待たされました。", "領収書を無くしてしまったのですが。", "昨日の件で折り返しをお願いします。"]


def remarks(corpus, count: int, rng: random.Random) -> list[str]:
    """Distinct texts of about 200 characters: filler sentences with one or two utterances inside."""
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(map(len, parts)) < 190:
            parts.append(rng.choice(corpus)[0] + "。" if rng.random() < 0.25 else rng.choice(FILLER))
        rng.shuffle(parts)
        out.append("".join(parts)[:200] + str(rng.randrange(10 ** 6)))  # distinct: no cache helps
    return out


def records(texts: list[str], rng: random.Random) -> list[dict]:
    out = []
    for i, t in enumerate(texts):
        out.append({"incident_id": f"I{i}", "channel": rng.choice(["phone", "counter", "email", "visit"]),
                    "call_length": rng.randrange(0, 120), "visits": rng.randrange(0, 12),
                    "amount": rng.choice([None, rng.randrange(0, 50_000)]), "dogeza": rng.random() < 0.1,
                    "demand_valid": rng.choice([True, False, None]), "remarks": t})
    return out


def best_rate(fn, items, rounds: int) -> float:
    """Items per second: the best of `rounds` passes."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for x in items:
            fn(x)
        times.append(time.perf_counter() - start)
    return len(items) / min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--accuracy-only", action="store_true")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = read_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        by_words = load(policy_text("mentions", 0), Path(tmp))
        first_load = time.perf_counter() - start
        by_letters = load(policy_text("contains", 0), Path(tmp))
        w, s = accuracy(by_words, corpus), accuracy(by_letters, corpus)
        print(f"{len(corpus)} utterances, {len(LISTS)} lists, through the engine (rules `remarks mentions any L` "
              "vs `remarks contains any L`)\n")
        print("| list | should match | mentions: precision | mentions: recall | contains: precision | contains: recall |")
        print("|---|--:|--:|--:|--:|--:|")
        for name in LISTS + ["all"]:
            shown = f"**{name}**" if name == "all" else name
            print(f"| {shown} | {w[name][0] + w[name][1]} | {precision(w[name]):.3f} | {recall(w[name]):.3f} "
                  f"| {precision(s[name]):.3f} | {recall(s[name]):.3f} |")
        if args.accuracy_only:
            return 0

        from kasuhara_rules.text.words import words_of

        rng = random.Random(13)
        texts = remarks(corpus, args.records, rng)
        recs = records(texts, rng)
        mean_len = statistics.mean(map(len, texts))
        start = time.perf_counter()
        p30 = load(policy_text("mentions"), Path(tmp))
        load_30 = time.perf_counter() - start
        c30 = load(policy_text("contains"), Path(tmp))
        assert len(p30.checked.rules) == 30
        rows = []
        from kasuhara_rules.text import words as W

        tokenizer = W._analyser()._tokenizer()
        floor_rate = best_rate(tokenizer.tokenize, texts, args.rounds)
        words_rate = best_rate(words_of, texts, args.rounds)
        rows.append(("Sudachi `tokenize` alone, one text (µs): the floor", f"{1e6 / floor_rate:.0f}"))
        rows.append(("analyser: `words_of`, one text (µs)", f"{1e6 / words_rate:.0f}"))
        rows.append(("records/s the analyser alone allows", f"{words_rate:,.0f}"))
        rows.append(("30 rules, 7 `mentions any`: records/s", f"{best_rate(p30.evaluate, recs, args.rounds):,.0f}"))
        rows.append(("30 rules, 7 `contains any`: records/s", f"{best_rate(c30.evaluate, recs, args.rounds):,.0f}"))
        explain = lambda r: p30.evaluate(r, explain=True)  # noqa: E731
        rows.append(("30 rules, 7 `mentions any`, with trace: records/s",
                     f"{best_rate(explain, recs[: max(1, len(recs) // 3)], args.rounds):,.0f}"))
        rows.append(("first load of a policy with `mentions` (dictionary + phrases), ms", f"{first_load * 1e3:.0f}"))
        rows.append(("load of the 30-rule policy afterwards (phrases analysed), ms", f"{load_30 * 1e3:.0f}"))
        print(f"\n{len(recs)} records, remarks of {mean_len:.0f} characters on average, one core, best of "
              f"{args.rounds}\n")
        print("| measure | value |")
        print("|---|--:|")
        for label, value in rows:
            print(f"| {label} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
