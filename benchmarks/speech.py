"""Cost of reading how threats are said: records per second with and without the speech-act analysis.

    python benchmarks/speech.py                 # 2,000 records, best of 3 rounds
    python benchmarks/speech.py --records 500

Records carry remarks of about 200 characters: ordinary sentences, and in a tenth of them (as the
issue asks) one utterance of tests/corpus/speech-acts.tsv that holds a listed phrase (an announced
threat, or a denial, a report, a quotation of one). Four policies decide them, each with the speech
rules of the shipped baseline (threats, backing, implied, exposure, abuse: `remarks mentions any L`)
over the shipped lexicon, on one core:

- `no mentions`: the same records decided by a policy without speech rules (the floor);
- `any form`: the lists without kinds — `mentions` as it was (words found in any form);
- `with kinds`: the lists declared as the baseline declares them: their phrases found as acts
  (text/acts.py) and, on the tenth that holds one, how each is said read (text/speech.py);
- `with kinds, not read`: the same, with the reading replaced by "counted" (what finding the acts
  costs without reading them).

The goal (issue 24): the analysis adds at most half to what `mentions` costs today, that is
(with kinds − no mentions) ≤ 1.5 × (any form − no mentions) in time per record.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
LEXICON = ROOT / "examples" / "lexicon"

HEAD = """policy "speech benchmark" { id bench  version "1"  otherwise claim }
outcomes { claim "クレーム", kasuhara "カスハラ" }
severities { low, medium, high }
schema {
  incident_id: text key
  channel: one of ["phone", "counter", "email", "visit"]
  visits: int
  remarks "発言内容": optional text sensitive
}
rule visits { when visits >= 5 then kasuhara severity low respond "x" }
"""
LISTS = {"threats": "announced", "backing": "claimed", "implied": "implied", "exposure": "announced", "abuse": None}
FILLER = ["本日はご来店いただきありがとうございます。", "先日購入した商品について電話しました。",
          "担当者の説明がよく分からなかったので、", "もう一度確認したいのですが、", "返品の手続きはどうなりますか。",
          "お店の前で長い時間待たされました。", "領収書を無くしてしまったのですが。", "昨日の件で折り返しをお願いします。",
          "商品の色が写真と違っていました。", "配送の日時を変更したいのですが。"]


def policy_text(kinds: bool, speech: bool = True) -> str:
    out = [HEAD]
    if speech:
        for name, kind in LISTS.items():
            said = f" {kind}" if kinds and kind else ""
            out.append(f'phrases {name} "{name}"{said} from "lexicon/{name}.txt"\n')
        for name in LISTS:
            out.append(f"rule speech_{name} {{ when remarks mentions any {name} then kasuhara severity high "
                       f'respond "x" }}\n')
    return "".join(out)


def load(text: str, tmp: Path, name: str):
    from kasuhara_rules import load_policy

    if not (tmp / "lexicon").exists():
        shutil.copytree(LEXICON, tmp / "lexicon")
    (tmp / name).write_text(text, encoding="utf-8")
    return load_policy(tmp / name)


def remarks(count: int, rng: random.Random, with_phrases: bool) -> list[str]:
    """Distinct ~200-character texts; a tenth hold one utterance with a listed phrase."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import speech_eval

    said = [u.text for u in speech_eval.load_corpus() if len(u.text) < 120]
    out = []
    for i in range(count):
        parts: list[str] = [rng.choice(said) + "。"] if with_phrases and i % 10 == 0 else []
        while sum(map(len, parts)) < 190:
            parts.append(rng.choice(FILLER))
        rng.shuffle(parts)
        out.append("".join(parts)[:200] + str(rng.randrange(10 ** 6)))  # distinct: no cache helps
    return out


def best_rate(fn, items, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for x in items:
            fn(x)
        times.append(time.perf_counter() - start)
    return len(items) / min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(24)
    texts = remarks(args.records, rng, True)
    recs = [{"incident_id": f"I{i}", "channel": "phone", "visits": i % 7, "remarks": t} for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp:
        floor = load(policy_text(False, speech=False), Path(tmp), "floor.kasu")
        today = load(policy_text(False), Path(tmp), "today.kasu")
        kinded = load(policy_text(True), Path(tmp), "kinded.kasu")
        unread = load(policy_text(True), Path(tmp), "unread.kasu")
        from kasuhara_rules.engine import mentions
        from kasuhara_rules.text.speech import Reading

        counted = Reading(True, "not read")
        real = mentions.Heard.reading

        def not_read(record):
            mentions.Heard.reading = lambda self, m, kind: counted  # type: ignore[method-assign]
            try:
                return unread.evaluate(record)
            finally:
                mentions.Heard.reading = real  # type: ignore[method-assign]

        for fn in (floor.evaluate, today.evaluate, kinded.evaluate, not_read):  # warm the caches
            for r in recs[:200]:
                fn(r)
        rates = {}
        # The rows take turns, round after round, so that a drift of the shared machine hits them alike.
        for _ in range(args.rounds):
            for name, fn in (("no mentions", floor.evaluate), ("any form", today.evaluate),
                             ("with kinds", kinded.evaluate), ("with kinds, not read", not_read)):
                rate = best_rate(fn, recs, 1)
                rates[name] = max(rates.get(name, 0.0), rate)
    us = {k: 1e6 / v for k, v in rates.items()}
    mentions_today = us["any form"] - us["no mentions"]
    added = us["with kinds"] - us["any form"]
    print(f"{len(recs)} records, remarks of ~200 characters, a tenth with a listed phrase; one core, best of "
          f"{args.rounds}\n")
    print("| policy | records/s | µs per record |")
    print("|---|--:|--:|")
    for name in ("no mentions", "any form", "with kinds", "with kinds, not read"):
        print(f"| {name} | {rates[name]:,.0f} | {us[name]:.0f} |")
    reading = us["with kinds"] - us["with kinds, not read"]
    print(f"\n`mentions` in any form costs {mentions_today:.0f} µs a record; with kinds, {added:+.0f} µs "
          f"({added / mentions_today:+.0%}; the goal: at most +50%), of which reading how the phrases found "
          f"are said {reading:.0f} µs a record ({reading / mentions_today:+.0%}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
