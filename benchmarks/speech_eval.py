"""Announced threats and exposure as the shipped baseline decides them, on the labelled speech acts.

    python benchmarks/speech_eval.py                  # figures, then every miss and false alarm
    python benchmarks/speech_eval.py --quiet          # figures only
    python benchmarks/speech_eval.py --markdown       # the tables of docs/matching-speech.md
    python benchmarks/speech_eval.py --src OLD/src --policy OLD/examples/mhlw-baseline.kasu --no-plain
                                                      # another version (a checkout of an earlier commit)

The utterances are tests/corpus/speech-acts.tsv (text, label, kind, form, how, source): `threat` and
`exposure` are announced threats or exposure, `legal` (announcing a lawsuit, a complaint to an
authority) and `none` are not. Each utterance is the remarks of one record decided by
examples/mhlw-baseline.kasu; it is called an announced threat or exposure when the rule `threat`
or `exposure_threat` matched (their conditions are `remarks mentions any threats / backing /
implied / exposure`, lists declared with a kind: docs/matching-speech.md). The figures are given
for the whole set, for the part written blind (source starting with "blind") and for the rest,
and, for comparison, for the same lists matched in any form (the kinds removed). A second table gives
each part by how it was written: quoted from the issue, written by the developer, written blind and
used while building (development), written blind and kept for the final figure (holdout).
"""
from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

import attrs

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: the checkout's code, or --src's (the tests: as installed)
    _src = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv[:-1] else str(ROOT / "src")
    sys.path.insert(0, _src)
CORPUS = ROOT / "tests" / "corpus" / "speech-acts.tsv"
BASELINE = ROOT / "examples" / "mhlw-baseline.kasu"
RULES = ("threat", "exposure_threat")
POSITIVE = ("threat", "exposure")
PARTS = ("quoted from the issue", "written by the developer", "blind, development", "blind, holdout")


@attrs.frozen
class Utterance:
    text: str
    label: str
    kind: str
    form: str
    how: str
    source: str

    @property
    def positive(self) -> bool:
        return self.label in POSITIVE

    @property
    def blind(self) -> bool:
        return self.source.startswith("blind")

    @property
    def part(self) -> str:
        """How the line was written (one of PARTS, or the source itself for another set)."""
        if self.blind:
            return PARTS[3] if "holdout" in self.source else PARTS[2]
        if self.source.startswith("issue"):
            return PARTS[0]
        return PARTS[1] if self.source == "developer" else self.source


@attrs.frozen
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@attrs.frozen
class Result:
    """Scores (whole set, blind part, the rest) and every wrong decision with its evidence."""

    whole: Score
    blind: Score
    rest: Score
    misses: tuple[tuple[Utterance, str], ...]
    false_alarms: tuple[tuple[Utterance, str], ...]
    parts: dict[str, Score] = attrs.field(factory=dict)


def load_corpus(path: Path = CORPUS) -> list[Utterance]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Utterance(**r) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def baseline(tmp: Path, kinds: bool = True, policy: Path = BASELINE) -> Any:
    """The shipped baseline (with its lexicon), or the same with the kinds of its lists removed."""
    from kasuhara_rules import load_policy

    if kinds:
        return load_policy(policy)
    shutil.copytree(policy.parent / "lexicon", tmp / "lexicon", dirs_exist_ok=True)
    text = re.sub(r'^(phrases \w+ "[^"]*") (announced|claimed|implied) ', r"\1 ",
                  policy.read_text(encoding="utf-8"), flags=re.M)
    (tmp / "baseline.kasu").write_text(text, encoding="utf-8")
    return load_policy(tmp / "baseline.kasu")


def record(i: int, text: str) -> dict[str, Any]:
    return {"incident_id": f"S{i}", "channel": "counter", "reported_at": "2026-10-01T10:00:00+09:00",
            "demand_type": "other", "remarks": text, "raised_voice": "none"}


def evidence(decision: Any) -> str:
    """The phrases the speech rules found, and how each was said (the cue)."""
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        for e in node.get("evidence") or ():
            if isinstance(e, dict):
                mark = "" if e.get("counted", True) else "✘ "
                cue = f" ({e['cue']})" if "cue" in e else ""
                found.append(f"{mark}{e['phrase']} ←「{''.join(e['words'])}」{cue}")
        for child in node.get("children") or ():
            walk(child)

    for entry in decision.to_dict(explain=True, show_sensitive=True).get("trace") or ():
        if entry["rule"] in RULES:
            walk(entry["condition"])
    return "; ".join(dict.fromkeys(found))


def evaluate(policy: Any, corpus: Iterable[Utterance]) -> Result:
    corpus = list(corpus)
    counts = {p: [0, 0, 0, 0] for p in ("whole", "blind", "rest", *PARTS, *(u.part for u in corpus))}
    misses, alarms = [], []
    for i, u in enumerate(corpus):
        d = policy.evaluate(record(i, u.text))
        got = any(r in RULES for r in d.matched)
        slot = (0 if got else 1) if u.positive else (2 if got else 3)
        for part in ("whole", "blind" if u.blind else "rest", u.part):
            counts[part][slot] += 1
        if u.positive != got:
            why = evidence(policy.evaluate(record(i, u.text), explain=True))
            (misses if u.positive else alarms).append((u, why))
    return Result(Score(*counts["whole"]), Score(*counts["blind"]), Score(*counts["rest"]), tuple(misses),
                  tuple(alarms), {p: Score(*counts[p]) for p in counts if p not in ("whole", "blind", "rest")})


def table(by: dict[str, Result], parts: bool = False) -> list[str]:
    """The figures of each matching: the whole set, blind, the rest; or (`parts`) by how it was written."""
    out = ["| matching | part | announced threats or exposure | other remarks | precision | recall | misses | false alarms |",
           "|---|---|--:|--:|--:|--:|--:|--:|"]
    for name, r in by.items():
        rows = list(r.parts.items()) if parts else \
            [("whole set", r.whole), ("written blind", r.blind), ("written for the distinctions", r.rest)]
        for part, s in rows:
            if parts and not s.tp + s.fn + s.fp + s.tn:
                continue
            out.append(f"| {name} | {part} | {s.tp + s.fn} | {s.fp + s.tn} | {s.precision:.3f} | {s.recall:.3f} "
                       f"| {s.fn} | {s.fp} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quiet", action="store_true", help="the figures only")
    ap.add_argument("--markdown", action="store_true", help="misses and false alarms as Markdown tables")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--policy", type=Path, default=BASELINE, help="the baseline to decide with (its lexicon beside it)")
    ap.add_argument("--src", help="import kasuhara_rules from this directory (another version's src/)")
    ap.add_argument("--no-plain", action="store_true", help="without the same lists in any form")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.corpus)
    by: dict[str, Result] = {}
    with tempfile.TemporaryDirectory() as tmp:
        by["as declared" if args.policy != BASELINE else "with kinds (shipped)"] = \
            evaluate(baseline(Path(tmp), policy=args.policy), corpus)
        if not args.no_plain:
            by["any form (no kinds)"] = evaluate(baseline(Path(tmp), kinds=False, policy=args.policy), corpus)
    kinded = next(iter(by.values()))
    print(f"{len(corpus)} utterances ({sum(u.blind for u in corpus)} written blind), "
          f"{sum(u.positive for u in corpus)} announced threats or exposure\n")
    print("\n".join(table(by)))
    print("\nby how the lines were written:\n")
    print("\n".join(table(by, parts=True)))
    if args.quiet:
        return 0
    for title, items in (("misses", kinded.misses), ("false alarms", kinded.false_alarms)):
        print(f"\n{title}: {len(items)}")
        if args.markdown:
            print("\n| utterance | label | form | source | found, and how it was said |\n|---|---|---|---|---|")
        for u, why in items:
            if args.markdown:
                print(f"| {u.text} | {u.label} | {u.form} | {u.source} | {why or '—'} |")
            else:
                print(f"  [{u.source}] {u.text}   ({u.label}, {u.form})   {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
