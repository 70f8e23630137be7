"""Cost of `mentions`: analysing a 200-character remark into words, and finding phrases among them.

    python benchmarks/words.py              # 2,000 texts, best of 5 rounds
    python benchmarks/words.py --texts 500

Rows (µs per 200-character text, one core): loading the analyser (once per process); Sudachi's own
tokenize (the floor); `words_of` (tokenize plus our Word records); one `find`; a `PhraseIndex` of the
shipped lexicon (examples/lexicon/*.txt) with `matches` and `first`; and, for comparison, the
substring matching of `contains` (textnorm.PhraseSet) on the same phrases. Then the choice of
thread safety: a tokenizer per thread (threading.local) against one tokenizer behind a lock, on one
thread and on two, with every core the process may use (Sudachi releases the GIL, so two threads
with a tokenizer each analyse in parallel; behind one lock they take turns).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kasuhara_rules.text import words as W  # noqa: E402
from kasuhara_rules.text.normalize import PhraseSet, normalize  # noqa: E402

SENTENCES = [
    "先週こちらで買ったばかりの電子レンジが、もう動かなくなりました。",
    "何度電話してもつながらないし、担当者からの折り返しもない。",
    "お前みたいな無能が対応するから話が進まないんだよ。",
    "誠意を見せろ、土下座しろと言っているんだ。",
    "このやり取りは全部ネットに書いてやるからな、覚悟しておけ。",
    "返金していただけるなら、それで結構です。",
    "レシートはなくしてしまったのですが、交換は可能でしょうか。",
    "店長を出せ、社長に直接話をさせろ。",
    "来週の土曜日にシネマコンプレックスへ行く予定です。",
    "次に来たときに同じことをしたら、ただじゃおかないぞ。",
    "説明が分かりにくいので、もう一度ゆっくり教えてください。",
    "口コミに最低評価をつけて、SNSで拡散してやる。",
]


def texts(n: int, size: int = 200, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        t = ""
        while len(t) < size:
            t += rnd.choice(SENTENCES)
        out.append(t[:size])
    return out


def lexicon() -> list[str]:
    phrases = []
    for path in sorted((ROOT / "examples" / "lexicon").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                phrases.append(line)
    return phrases or ["殺す", "晒す", "ネットに書く", "死ね", "土下座しろ", "無能"]


def best_us(fn, items, rounds: int) -> float:
    """Best of `rounds` passes over `items`, in µs per item."""
    return interleaved([(fn, items)], rounds)[0]


def interleaved(jobs, rounds: int) -> list[float]:
    """Best of `rounds` passes for each (fn, items), the jobs taking turns within each round (so
    that a busy spell of a shared machine falls on all of them alike), in µs per item."""
    best = [float("inf")] * len(jobs)
    for _ in range(rounds):
        for k, (fn, items) in enumerate(jobs):
            start = time.perf_counter()
            for x in items:
                fn(x)
            best[k] = min(best[k], time.perf_counter() - start)
    return [b / len(items) * 1e6 for b, (_, items) in zip(best, jobs)]


def threaded_us(fn, items, threads: int) -> float:
    """Wall time for `threads` threads each passing over `items`, in µs per item analysed."""
    def work():
        for x in items:
            fn(x)
    ts = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return (time.perf_counter() - start) / (len(items) * threads) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    args = ap.parse_args(argv)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if not args.no_pin and cores:
        # one core, as the other throughput benchmarks; the thread rows below get them all back
        os.sched_setaffinity(0, {sorted(cores)[-1]})
    sample = [unicodedata.normalize("NFKC", t) for t in texts(args.texts)]

    start = time.perf_counter()
    W.words_of("準備")
    load_ms = (time.perf_counter() - start) * 1e3

    from sudachipy import SplitMode
    dictionary = W._dictionary()
    tok = dictionary.tokenizer(mode=SplitMode.C)
    phrases = lexicon()
    index = W.PhraseIndex(phrases)
    one = W.analyse_phrase("ネットに書く")
    analysed = [W.words_of(t) for t in sample]
    pset = PhraseSet(phrases)
    start = time.perf_counter()
    W.PhraseIndex(phrases)
    build_ms = (time.perf_counter() - start) * 1e3

    jobs = [
        ("Sudachi tokenize (floor)", tok.tokenize, sample),
        ("words_of (tokenize + Word records)", W.words_of, sample),
        ("find, one phrase (words given)", lambda ws: W.find(one, ws), analysed),
        (f"PhraseIndex.matches, {len(index.phrases)} phrases (words given)", index.matches, analysed),
        (f"PhraseIndex.first, {len(index.phrases)} phrases (words given)", index.first, analysed),
        (f"contains: PhraseSet.found, {len(pset.normalized)} phrases (for comparison)", pset.found, sample),
        ("contains: normalize + PhraseSet.search", lambda t: pset.search(normalize(t)), sample),
    ]
    times = interleaved([(fn, items) for _, fn, items in jobs], args.rounds)
    rows = [(name, us) for (name, _, _), us in zip(jobs, times)]
    print(f"{len(sample)} texts of 200 characters; analyser loaded in {load_ms:.0f} ms "
          f"(import sudachipy + core dictionary); PhraseIndex of {len(index.phrases)} phrases built in {build_ms:.0f} ms\n")
    print(f"| {'step':<62} | µs/text |")
    print(f"|{'-' * 64}|--------:|")
    for name, us in rows:
        print(f"| {name:<62} | {us:7.1f} |")

    lock = threading.Lock()
    shared = dictionary.tokenizer(mode=SplitMode.C)

    def locked(text):
        with lock:
            return shared.tokenize(text)

    local = threading.local()

    def per_thread(text):
        t = getattr(local, "tok", None)
        if t is None:
            t = local.tok = dictionary.tokenizer(mode=SplitMode.C)
        return t.tokenize(text)

    if not args.no_pin and cores:
        os.sched_setaffinity(0, cores)
    part = sample[: max(200, len(sample) // 4)]
    print(f"\n| thread safety (tokenize only, {len(cores or ())} cores) {'':<21} | µs/text |")
    print(f"|{'-' * 64}|--------:|")
    for name, fn in (("lock around one tokenizer", locked), ("tokenizer per thread (threading.local)", per_thread)):
        print(f"| {name + ', 1 thread':<62} | {best_us(fn, part, args.rounds):7.1f} |")
        print(f"| {name + ', 2 threads (wall time per text)':<62} | {threaded_us(fn, part, 2):7.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
