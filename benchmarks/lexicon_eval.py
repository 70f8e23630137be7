"""Precision and recall of the shipped lexicon on the labelled utterances: word matching against substrings.

    python benchmarks/lexicon_eval.py            # table, then every miss and false alarm
    python benchmarks/lexicon_eval.py --quiet    # table only

The lexicon is examples/lexicon/*.txt (one list a file, named by the file), the utterances are
tests/corpus/utterances.tsv (text, the lists that should match, the source). Each (utterance, list)
pair is one decision: a true positive when the list should match and does, a miss when it should
and does not, a false alarm when it should not and does. The corpus names the seven lists it was
labelled with; `threats` there is what the shipped baseline calls threatening remarks: its lists
threats, backing and implied together (FAMILIES). Word matching is what `mentions any` does: a
list declared with a kind in examples/mhlw-baseline.kasu (announced, claimed, implied) counts only
where its phrase is said so (engine/mentions.py, text/speech.py), the others as words in any
form (`words.PhraseIndex`); substring matching is `textnorm.PhraseSet` on the normalised text
(NFKC, case-folded, katakana → hiragana: what `contains any` does).
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Callable, Iterable

import attrs

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "examples" / "lexicon"
CORPUS = ROOT / "tests" / "corpus" / "utterances.tsv"
BASELINE = ROOT / "examples" / "mhlw-baseline.kasu"
# The lists the corpus is labelled with, and the shipped lists each stands for.
FAMILIES = {"threats": ("threats", "backing", "implied"), "abuse": ("abuse",), "exposure": ("exposure",),
            "discrimination": ("discrimination",), "sexual": ("sexual",), "coercion": ("coercion",),
            "superiors": ("superiors",)}


def shipped_kinds(path: Path = BASELINE) -> dict[str, str]:
    """The kind each lexicon list is declared with in the shipped baseline (`phrases NAME "label"
    KIND from "lexicon/NAME.txt"`); lists declared without one are absent."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in
            re.finditer(r'^phrases (\w+) "[^"]*" (announced|claimed|implied) from "lexicon/\1\.txt"', text, re.M)}


@attrs.frozen
class Utterance:
    text: str
    expected: frozenset[str]
    source: str


@attrs.frozen
class Score:
    """Counts for one list (or all lists together)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@attrs.frozen
class Result:
    """Scores by list and overall, and every wrong decision: (text, list, 'miss' | 'false alarm', evidence)."""

    by_list: dict[str, Score]
    overall: Score
    errors: tuple[tuple[str, str, str, str], ...]


def load_lexicon(folder: Path = LEXICON) -> dict[str, list[str]]:
    """The phrase lists the labelled utterances are about: file stem → phrases (one a line, `#`
    comments, blank lines skipped). legal.txt is left out: it names rights (lawsuits, authorities)
    that decide a claim, and the utterances are not labelled for it."""
    lists = {}
    for path in sorted(folder.glob("*.txt")):
        if path.stem == "legal":
            continue
        phrases = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                phrases.append(line)
        lists[path.stem] = phrases
    return lists


def load_corpus(path: Path = CORPUS) -> list[Utterance]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Utterance(r["text"], frozenset(x.strip() for x in r["expected"].split(",") if x.strip()), r["source"])
            for r in rows]


def word_matcher(lists: dict[str, list[str]], kinds: dict[str, str] | None = None) -> Callable[[str], dict[str, str]]:
    """text → {family: evidence} for the families with a list whose phrases occur as words, said as
    the list's kind asks (`mentions any`; kinds: by default as the shipped baseline declares them)."""
    from kasuhara_rules.engine.mentions import Listener, MentionSet

    kinds = shipped_kinds() if kinds is None else kinds
    plain = [p for name, phrases in lists.items() if name not in kinds for p in phrases]
    kinded = [p for name, phrases in lists.items() if name in kinds for p in phrases]
    hear = Listener(plain, kinded)
    sets = {name: MentionSet(phrases, kinds.get(name)) for name, phrases in lists.items()}

    def match(text: str) -> dict[str, str]:
        heard = hear(text)  # once per text, whatever the number of lists
        assert heard is not None
        out = {}
        for family, members in FAMILIES.items():
            for name in members:
                if name in sets and sets[name].any(heard):
                    e = sets[name].evidence(heard, False, True)
                    found = next(x for x in e if x.get("counted", True))
                    cue = f" ({found['cue']})" if "cue" in found else ""
                    out[family] = f"{found['phrase']} ← 「{''.join(found['words'])}」{cue}"
                    break
        return out
    return match


def substring_matcher(lists: dict[str, list[str]]) -> Callable[[str], dict[str, str]]:
    """text → {list: evidence} for the lists with a phrase as a substring (`contains any`)."""
    from kasuhara_rules.text.normalize import PhraseSet

    sets = {name: PhraseSet(phrases) for name, phrases in lists.items()}

    def match(text: str) -> dict[str, str]:
        out = {}
        for family, members in FAMILIES.items():
            for name in members:
                found = sets[name].found(text) if name in sets else []
                if found:
                    out[family] = found[0]
                    break
        return out
    return match


def evaluate(corpus: Iterable[Utterance], lists: dict[str, list[str]],
             match: Callable[[str], dict[str, str]]) -> Result:
    counts = {name: [0, 0, 0] for name in FAMILIES}
    errors = []
    for u in corpus:
        unknown = u.expected - set(FAMILIES)
        if unknown:
            raise ValueError(f"{u.text!r} expects unknown lists {sorted(unknown)}")
        got = match(u.text)
        for name in FAMILIES:
            want, have = name in u.expected, name in got
            if want and have:
                counts[name][0] += 1
            elif want:
                counts[name][1] += 1
                errors.append((u.text, name, "miss", ""))
            elif have:
                counts[name][2] += 1
                errors.append((u.text, name, "false alarm", got[name]))
    by_list = {name: Score(*c) for name, c in counts.items()}
    overall = Score(*(sum(c[k] for c in counts.values()) for k in range(3)))
    return Result(by_list, overall, tuple(errors))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quiet", action="store_true", help="the table only")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    lists = load_lexicon()
    corpus = load_corpus()
    words = evaluate(corpus, lists, word_matcher(lists))
    subs = evaluate(corpus, lists, substring_matcher(lists))
    negatives = sum(1 for u in corpus if not u.expected)
    print(f"{len(corpus)} utterances ({negatives} that should match no list), "
          f"{sum(len(p) for p in lists.values())} phrases in {len(lists)} lists\n")
    print("| list | phrases | should match | words: precision | words: recall | substrings: precision | substrings: recall |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, members in FAMILIES.items():
        w, s = words.by_list[name], subs.by_list[name]
        shown = " + ".join(members)
        print(f"| {shown} | {sum(len(lists[m]) for m in members)} | {w.tp + w.fn} | {w.precision:.3f} | {w.recall:.3f} "
              f"| {s.precision:.3f} | {s.recall:.3f} |")
    w, s = words.overall, subs.overall
    print(f"| **all** | {sum(len(p) for p in lists.values())} | {w.tp + w.fn} | **{w.precision:.3f}** "
          f"| **{w.recall:.3f}** | {s.precision:.3f} | {s.recall:.3f} |")
    if not args.quiet:
        for title, result in (("word matching", words), ("substring matching", subs)):
            print(f"\n{title}: {sum(1 for e in result.errors if e[2] == 'miss')} misses, "
                  f"{sum(1 for e in result.errors if e[2] == 'false alarm')} false alarms")
            for text, name, kind, evidence in result.errors:
                print(f"  {kind:<11} {name:<14} {text}" + (f"   [{evidence}]" if evidence else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
