"""`mentions` on texts whose clauses chain without end: a verb said thousands of times in one
sentence (「殺す殺す殺す…」) is read like any text, without the stack of Python's calls growing
with it (text/speech_scan.py reads a chain of clauses on a stack of its own)."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import load_policy
from kasuhara_rules.text.speech import read
from kasuhara_rules.text.words import words_of
from tests.cli.test_eval import run
from tests.conftest import ROOT, budget

EXAMPLES = ROOT / "examples"
RETAIL = load_policy(EXAMPLES / "retail.kasu")
ACME = load_policy(EXAMPLES / "acme-retail.kasu")
RECORDS = {"retail": json.loads((EXAMPLES / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines()[0]),
           "acme-retail": dict(ACME.checked.examples[0].given, demanded_dogeza=False)}
POLICIES = {"retail": RETAIL, "acme-retail": ACME}
# Far more clauses in one sentence than Python's stack holds calls (its limit is 1,000).
TIMES = 2000
VERBS = ["殺す", "晒す", "殴る", "殺す ", "晒す ", "殴る、"]


def decided(name, remarks):
    d = POLICIES[name].evaluate(dict(RECORDS[name], remarks=remarks))
    assert d.error is None and d.outcome is not None, d.error
    return d


@pytest.mark.parametrize("name", POLICIES)
@pytest.mark.parametrize("verb", VERBS)
def test_a_verb_said_thousands_of_times_is_decided_as_when_said_twice(name, verb):
    """The decision and its evidence are those of the verb said twice: a threat."""
    many, twice = decided(name, verb * TIMES), decided(name, verb * 2)
    assert many.outcome == twice.outcome == "kasuhara" and many.matched == twice.matched
    assert many.to_dict(explain=True)["trace"] == twice.to_dict(explain=True)["trace"]


def test_a_chain_of_clauses_longer_than_the_stack_is_read_to_its_end():
    """The first of 2,000 denied acts in one sentence is read as the first of two (the chain of
    clauses after it is followed to the end of the sentence)."""
    for unit, cue in [("殺さない", "negation: ない"), ("殺す", "announced: plain"), ("晒すと思う", "announced: と思う"),
                      ("殺したら", "conditional: たら"), ("「殺す」と言った", "quoted: 」と")]:
        short, long = words_of(unit * 2), words_of(unit * TIMES)
        first = 1 if unit.startswith("「") else 0
        assert read(long, first, first + 1, "announced").cue == cue
        for kind in ("announced", "implied", "claimed"):
            assert read(long, first, first + 1, kind) == read(short, first, first + 1, kind), (unit, kind)


def test_kasu_eval_decides_repeated_verbs(tmp_path):
    """`kasu eval` decides each record (exit 0), not an error decision (RecursionError)."""
    for name in POLICIES:
        data = tmp_path / f"{name}.jsonl"
        lines = [json.dumps(dict(RECORDS[name], remarks=verb * TIMES), ensure_ascii=False, default=str) for verb in VERBS]
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, err = run("eval", str(EXAMPLES / f"{name}.kasu"), str(data))
        results = [json.loads(line) for line in out.splitlines()]
        assert code == 0 and len(results) == len(VERBS), err
        assert all(r["outcome"] == "kasuhara" and "error" not in r for r in results), results


PIECES = ["殺す", "晒す", "殴る", "殺さ", "ない", "ん", "ず", "た", "たら", "て", "と", "思う", "言う", "か", "の",
          "ぞ", "やる", "ても", "いい", "れる", "たい", "つもり", "は", "を", "に", "ネット", "、", " ", "「", "」", "。"]


@settings(max_examples=budget(40), deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5), st.integers(300, 600),
       st.sampled_from(sorted(POLICIES)))
def test_repeated_verbs_particles_and_negations_never_crash(pattern, times, name):
    """A text made of a few verbs, particles and negations said hundreds of times is decided (no
    exception: the record is valid)."""
    decided(name, "".join(pattern) * times)
