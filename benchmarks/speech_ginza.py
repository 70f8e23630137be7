"""Whether a threat or exposure is announced, read from GiNZA's dependency parse, against the shipped reader.

    python -m venv GINZA_VENV && GINZA_VENV/bin/pip install ginza ja-ginza
    python benchmarks/speech_ginza.py --ginza-python GINZA_VENV/bin/python    # figures, cost, disagreements
    python benchmarks/speech_ginza.py --ginza-python GINZA_VENV/bin/python --dev-only
                                                      # the development part only (how the reader was built)

GiNZA 5.3 requires SudachiPy < 0.7 and the project's analyser SudachiPy 0.7, so GiNZA runs in an
environment of its own: this script (in the project's environment) finds the candidates and the
shipped readings, and runs itself with `--ginza-python` on them to parse and read. Without GiNZA
there it names the install command and exits with status 2.

Both readers get the same candidates: the phrases of the baseline's kinded lists (threats, backing,
implied, exposure) found as acts by the project's own matching (engine/mentions.Listener, text/acts.py).
The shipped reader (text/speech.py: SudachiPy's parts of speech and conjugation forms) and this one
(GiNZA's dependencies: aux, mark, cop, fixed, advcl, acl, ccomp and the morph's Inflection) each say
whether an occurrence is said as its list's kind asks; an utterance is an announced threat or exposure
when one occurrence counts — what the baseline's rules `threat` and `exposure_threat` decide for a
record whose remarks it is (benchmarks/speech_eval.py). The GiNZA reader was written and tuned on the
development part only (quoted from the issue, written by the developer, blind development); the blind
holdout and the found narratives were decided by it once, at first sight.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
INSTALL = ("python -m venv GINZA_VENV && GINZA_VENV/bin/pip install ginza ja-ginza  (GiNZA 5.3 pins SudachiPy < 0.7:\n"
           "  it cannot share the project's environment)")
FOUND = ROOT / "tests" / "corpus" / "speech-found.tsv"
LISTS = ("threats", "backing", "implied", "exposure")

from kasuhara_rules.text import speech_words as V  # noqa: E402  (the grammar's closed vocabularies)

FUNC = frozenset({"aux", "mark", "cop", "fixed"})
CONTENT = frozenset({"VERB", "NOUN", "PROPN", "ADJ"})
# Predicates GiNZA parses as heads of their own that continue the act's predicate (晒されたく|なかったら,
# 書いて|もいい, 殴って|くる): bound adjectives and the verbs that act as auxiliaries after て.
BOUND = frozenset({"ない", "無い", "いい", "良い", "よい", "欲しい", "ほしい", *V.CARRYING, *V.PROGRESSIVE,
                   *V.BENEFACTIVE, *V.REQUEST, *V.HUMBLE, *V.ALLOW, *V.WARNING_AFTER_TEMO, "しまう", "ちゃう"})
# Heads a clause's negation or intent sits on: 上げたり|しない, 晒す|つもりはありません, 書く|ことにした.
CARRIERS = V.LIGHT_VERBS | V.INTENT_NOUNS | V.KOTO | {"ある", "有る", "無い", "ない", "得る", "える"}
STRONG = V.STRONG_FINALS | {"ぞ", "ぜ", "ど", "けん", "けえ"}
QUESTION = frozenset({"か", "かい", "かな", "かね", "かしら", "の", "ん"})
COND = frozenset({"ば", "たら", "なら", "ても", "でも", "と"})


def forms(t: Any) -> set[str]:
    return {t.orth_, t.lemma_, t.norm_}


def tail(pred: Any) -> list[Any]:
    """The function words the predicate carries: its aux/mark/cop/fixed dependents to its right."""
    out, stack = [], [c for c in pred.children if c.i > pred.i and (c.dep_ in FUNC or c.orth_ == "も")]
    while stack:
        c = stack.pop()
        out.append(c)
        stack += [g for g in c.children if g.i > c.i and g.dep_ in FUNC]
    return sorted(out, key=lambda t: t.i)


def clause(act: Any) -> tuple[Any, list[Any]]:
    """The predicate carrying the act and the chain of function words and bound predicates after it,
    followed through bound heads (晒されたく→なかったら) and て-chains (晒して→炎上させてやる)."""
    pred = act
    while pred.head.i > pred.i and (pred.dep_ in ("compound", "fixed", "flat") and pred.head.pos_ in ("AUX", "VERB")
                                    or pred.head.orth_ in V.BENEFACTIVE_AUX_SURFACES and pred.head.i == pred.i + 1):
        pred = pred.head  # 殺し→たろ, ばら撒い→たろ: GiNZA makes the Kansai auxiliary the head
    if pred.dep_ in FUNC and pred.head.i < pred.i:  # お腹|壊し(aux)|た: the act parsed as an auxiliary
        return pred.head, [t for t in tail(pred.head) if t.i > pred.i]
    chain = ([pred] if pred.pos_ == "AUX" or pred is not act else []) + tail(pred)
    while pred.head.i > pred.i:
        head, last = pred.head, (chain[-1].i if chain else pred.i)
        bound = head.i == last + 1 and forms(head) & BOUND and head.pos_ in ("ADJ", "AUX", "VERB")
        te = pred.dep_ == "advcl" and chain and chain[-1].orth_ in ("て", "で") and head.pos_ == "VERB" \
            and not (chain[-1].orth_ == "て" and any(t.orth_ == "も" for t in head.children))
        gap = [t for t in head.doc[last + 1:head.i]]
        carried = forms(head) & CARRIERS and len(gap) <= 3 and all(t.pos_ in ("ADP", "PART", "SCONJ") for t in gap)
        if not (bound or te or carried):
            break
        chain += [head] + tail(head)
        pred = head
    return pred, chain


def _bracketed(doc: Any, act: Any) -> str:
    depth = sum(1 if t.orth_ in V.OPENING else -1 if t.orth_ in V.CLOSING else 0 for t in doc[:act.i])
    if depth <= 0:
        return ""
    for t in doc[act.i:]:
        if t.orth_ in V.CLOSING:
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            return t.orth_ + nxt.orth_ if nxt is not None and (nxt.orth_ in ("と", "って", "なんて", "の")
                                                                or nxt.pos_ == "NOUN") else ""
    return ""


def read(doc: Any, start: int, end: int, kind: str) -> tuple[bool, str, bool]:
    """(counted, cue, marked) for the phrase found at characters start..end of the parsed text."""
    span = doc.char_span(start, end, alignment_mode="expand")
    toks = list(span) if span is not None and len(span) else [doc[0]]
    content = [t for t in toks if t.pos_ in CONTENT]
    act = ([t for t in content if t.dep_ not in FUNC] or content or toks)[-1]
    q = _bracketed(doc, act)
    if q:
        return False, f"quoted: {q}", True
    if kind == "claimed":
        return _claimed(doc, act)
    sent = act.sent
    before = doc[sent.start:act.i]
    prev = doc[max(0, sent.start - 40):sent.start]
    scope = [*prev, *sent]
    if kind != "claimed" and not any(forms(t) & V.BLAME for t in scope):
        praise = next((t.orth_ for t in scope if forms(t) & V.PRAISE), "")
        if praise:
            return False, f"praise: {praise}", True
    pred, chain = clause(act)
    chain = [t for t in chain if t.i >= toks[-1].i + 1 or t is pred and t is not act]
    own = act.morph.get("Inflection")
    if own and ("命令形" in own[0] or "意志推量形" in own[0]):
        chain = [act, *chain]
    hypo = next((t.orth_ for t in before if forms(t) & V.CONDITION_HYPOTHETICAL), "")
    return _decide(doc, act, pred, chain, kind, hypo)


def _cues(chain: list[Any]) -> dict[str, str]:
    c: dict[str, str] = {}
    orths = [t.orth_ for t in chain]
    joined = "".join(orths)
    for k, t in enumerate(chain):
        f, infl = forms(t), t.morph.get("Inflection")
        infl_s = infl[0] if infl else ""
        nxt = orths[k + 1] if k + 1 < len(orths) else ""
        if f & V.PASSIVE and t.pos_ == "AUX":
            c.setdefault("passive", t.orth_)
        if "たい" in f and t.pos_ == "AUX":
            c.setdefault("desire", t.orth_)
        if (f & {"ない", "無い", "ぬ", "ず", "ん"} and t.pos_ in ("AUX", "ADJ")) or t.orth_ in ("へん", "ひん", "ねえ"):
            if not (nxt in ("と", "ば", "きゃ") or "なければ" in joined or "なきゃ" in joined or "ないと" in joined):
                c.setdefault("negative", t.orth_)
            else:
                c.setdefault("obligation", t.orth_ + nxt)
        if t.orth_ in ("ざる", "しか") or (t.orth_ == "得" and "ざる" in joined):
            c.setdefault("obligation", t.orth_)
        if t.lemma_ == "た" and t.pos_ == "AUX" and t.orth_ not in V.BENEFACTIVE_AUX_SURFACES:
            if "仮定形" in infl_s or t.orth_ in ("たら", "だら"):
                c.setdefault("conditional", t.orth_)
            else:
                c.setdefault("past", t.orth_)
        if t.orth_ in COND and t.pos_ in ("SCONJ", "ADP") and not (t.orth_ == "と" and nxt):
            c.setdefault("conditional", t.orth_ + ("も" if nxt == "も" else ""))
        if t.orth_ in ("て", "で") and nxt == "も":
            c["temo"] = "ても"
        if "意志推量形" in infl_s and t.orth_ not in ("だろ", "でしょ"):
            c.setdefault("volitional", t.orth_)
        if "命令形" in infl_s:
            c.setdefault("imperative", t.orth_)
        if t.orth_ in V.BENEFACTIVE_AUX_SURFACES or (f & V.BENEFACTIVE and k and orths[k - 1] in ("て", "で")):
            c.setdefault("benefactive", t.orth_)
        if f & V.HUMBLE and any(forms(x) & V.CAUSATIVE for x in chain[:k]):
            c.setdefault("humble", "させて" + t.orth_)
        elif f & (V.REQUEST | V.HUMBLE) and k and orths[k - 1] in ("て", "で"):
            c.setdefault("request", t.orth_)
        if f & (V.PROGRESSIVE | V.RESULTATIVE) and k and orths[k - 1] in ("て", "で") or t.lemma_ in ("てる", "でる"):
            c.setdefault("progressive", t.orth_)
        if f & V.CARRYING and k and orths[k - 1] in ("て", "で") or t.orth_ in ("とく", "ちゃう", "ちゃお"):
            c.setdefault("carrying", t.orth_)
        if f & V.ALLOW and "temo" in c:
            c.setdefault("allow", "ても" + t.orth_)
        if f & V.WARNING_AFTER_TEMO and "temo" in c:
            c.setdefault("rhetorical", "ても" + t.orth_)
        if t.orth_ in STRONG or (t.orth_ in ("から", "かん") and nxt in ("な", "ね")):
            c.setdefault("strong", t.orth_ + (nxt if t.orth_ in ("から", "かん") else ""))
        if t.orth_ in V.REASON and t.pos_ == "SCONJ":
            c.setdefault("reason", t.orth_)
        if t.orth_ == "ます":
            c.setdefault("polite", t.orth_)
        if t.orth_ in QUESTION and t.pos_ in ("PART", "SCONJ") and (k == len(chain) - 1 or orths[k + 1:] in
                                                                  (["か"], ["だ", "な"], ["です", "か"], ["だ", "ね"])):
            c.setdefault("question", t.orth_)
    if "allow" in c and any(t.orth_ in ("ん", "の", "な") and t.pos_ in ("SCONJ", "PART") for t in chain):
        c.setdefault("rhetorical", c["allow"])
    if orths and orths[-1] == "か" and not {"strong", "benefactive", "volitional"} & c.keys():
        c.setdefault("question", "か")
    if "passive" in c and "desire" in c and ("question" in c or "conditional" in c or "negative" in c):
        c.setdefault("rhetorical", c["passive"] + c["desire"])
    return c


def _decide(doc: Any, act: Any, pred: Any, chain: list[Any], kind: str, hypo: str) -> tuple[bool, str, bool]:
    c = _cues(chain)
    head = pred.head if pred.head.i != pred.i else None
    hf = forms(head) if head is not None else set()
    if hypo or "としたら" in "".join(t.orth_ for t in chain):
        return False, f"hypothetical: {hypo or 'としたら'}", True
    if head is not None and hf & V.THINKING and pred.dep_ in ("ccomp", "advcl", "obl"):  # 書いたろか思たわ
        hc = _cues(tail(head))
        if {"past", "negative"} & hc.keys():
            return False, f"past: と{head.orth_}{hc.get('past', hc.get('negative'))}", True
        if {"volitional", "benefactive"} & c.keys():
            return True, f"announced: と{head.orth_}", True
    if head is not None and pred.dep_ in ("ccomp", "advcl", "obl") and (
            any(t.orth_ in ("と", "って", "なんて") for t in chain[-1:] + [x for x in pred.children if x.dep_ == "case"])
            and hf & (V.SAYING | V.THINKING)):
        if hf & V.THINKING and "volitional" in c:
            return True, f"announced: {c['volitional']}と{head.orth_}", True
        return False, f"quoted: と{head.orth_}", True
    if "temo" in c and head is not None and (hf & V.WARNING_AFTER_TEMO or any(
            forms(x) & V.WARNING_AFTER_TEMO for x in head.children)):
        c.setdefault("rhetorical", "ても" + head.orth_)
    if "passive" in c:
        if "rhetorical" in c:
            return True, f"rhetorical: {c['rhetorical']}", True
        if "strong" in c and not ({"past", "negative", "question"} & c.keys()):
            return True, f"warning: {c['passive']}…{c['strong']}", True
        return False, f"passive: {c['passive']}", True
    if any(t.orth_ == "か" for t in chain + [x for x in pred.children if x.i > pred.i]) and (
            pred.dep_ != "ROOT" or hf & V.OPEN) and not {"strong", "benefactive"} & c.keys():
        return False, "open: か", True
    if head is not None and hf & V.CANCEL:
        return False, f"negation: {head.orth_}", True
    if head is not None and pred.dep_ in ("acl", "compound") and hf & V.INTENT_NOUNS:  # 晒すつもりはない / 晒すつもりだ
        _, hchain = clause(head)
        hh = _cues(hchain + ([head.head] + tail(head.head) if head.head.i > head.i else []))
        if "negative" in hh:
            return False, f"negation: {head.orth_}…{hh['negative']}", True
        return True, f"announced: {head.orth_}", True
    if "rhetorical" in c:
        return True, f"rhetorical: {c['rhetorical']}", True
    if "negative" in c and "obligation" not in c:
        return False, f"negation: {c['negative']}", True
    adjacent = head is not None and not any(t.pos_ == "PUNCT" for t in doc[pred.i:head.i]) and "strong" not in c
    if adjacent and pred.dep_ == "acl" and not hf & (V.KOTO | STRONG):
        return False, f"naming: {head.orth_}", True
    nom = [k for k, t in enumerate(chain) if t.orth_ in ("の", "ん") and t.dep_ == "mark"]
    if nom and (pred.dep_ in ("nsubj", "obj", "obl", "csubj") or any(
            t.orth_ in ("って", "は", "が", "を", "も") for t in chain[nom[0] + 1:nom[0] + 2])):
        return False, "naming: の", True
    decision = "ことに" in "".join(t.orth_ for t in doc[pred.i + 1:pred.i + 6])
    if "past" in c and not decision:
        if kind == "implied" and "question" not in c:
            return True, f"implied: {c['past']}", True
        return False, f"past: {c['past']}", True
    if "conditional" in c and "obligation" not in c:
        main = doc[pred.i + 1:act.sent.end]
        root_past = any(t.lemma_ == "た" for t in tail(act.sent.root))
        if any(forms(t) & V.RHETORICAL_MAIN for t in main) and not root_past:
            return True, f"rhetorical: {c['conditional']}…", True
        return False, f"{'hypothetical' if hypo else 'conditional'}: {c['conditional']}", True
    asked = any(t.orth_ in ("か", "?", "？") for t in doc[act.i:act.sent.end][-3:])
    req = next((t for t in chain if t.orth_ == c.get("request")), None)
    if req is not None and forms(req) & V.HUMBLE and not asked and not req.orth_.endswith(("え", "け")):
        c.setdefault("benefactive", "て" + c.pop("request"))  # 流してもらうわ: one's own act, not a request
    if "request" in c:
        return (True, f"implied: {c['strong']}", True) if kind == "implied" and "strong" in c \
            else (False, f"request: {c['request']}", True)
    if "desire" in c:
        if "question" in c and c["question"] in ("の", "ん"):
            return True, f"rhetorical: {c['desire']}…{c['question']}", True
        return False, f"wish: {c['desire']}", True
    if "question" in c and not ({"volitional", "benefactive", "strong"} & c.keys()):
        return False, f"question: {c['question']}", True
    if "progressive" in c and kind != "implied" and "strong" not in c:
        return False, f"done: {c['progressive']}", True
    subj = next((x for x in pred.subtree if x.dep_ == "nsubj" and x.i < act.i), None)
    if subj is not None and not forms(subj) & V.FIRST_PERSON and (forms(subj) & V.OTHER_PERSON or subj.pos_ == "PROPN") \
            and not ({"strong", "benefactive", "volitional", "humble"} & c.keys()):
        return False, f"other agent: {subj.orth_}", True
    label = "implied" if kind == "implied" else "announced"
    for k in ("benefactive", "humble", "obligation", "strong", "volitional", "imperative"):
        if k in c:
            return True, f"{label}: {c[k]}", True
    if decision:
        return True, f"{label}: ことに", True
    if kind == "implied":
        if "progressive" in c:
            return True, f"implied: {c['progressive']}", True
        own = act.pos_ in ("ADJ", "AUX") or any(t.i <= act.i + 1 and t.pos_ == "AUX" for t in chain[:1])
        return (True, "implied: plain", False) if own else (False, "plan: plain", True)
    for k in ("carrying", "polite", "reason"):
        if k in c:
            return True, f"{label}: {c[k]}", False
    return True, f"{label}: plain", False


def _claimed(doc: Any, act: Any) -> tuple[bool, str, bool]:
    """A means of threat (ヤクザ, 組の者) claimed as the speaker's backing, or only named."""
    nxt = doc[act.i + 1] if act.i + 1 < len(doc) else None
    if nxt is not None and forms(nxt) & V.SIMILE:
        return False, f"naming: {nxt.orth_}", True
    noun = act
    if act.dep_ in ("compound", "nmod", "acl") and act.head.i > act.i:
        if not forms(act.head) & V.BACKING_PEOPLE:
            return False, f"naming: {act.head.orth_}", True
        noun = act.head
    pred, chain = clause(noun)
    c = _cues(chain)
    if "passive" in c or ({"negative", "question"} & c.keys()):
        return False, "passive" if "passive" in c else "negation/question", True
    mine = any(forms(t) & V.FIRST_PERSON for t in doc[max(0, act.i - 5):act.i])
    if any(t.dep_ == "cop" for t in chain) and ("past" not in c or mine):
        return True, "claimed: " + "".join(t.orth_ for t in chain if t.dep_ == "cop"), True
    verb = noun.head if noun.head.i > noun.i else None
    if verb is not None:
        vpred, vchain = clause(verb)
        vc = _cues(vchain)
        if {"negative", "question", "passive", "conditional"} & vc.keys():
            return False, "naming: " + verb.orth_, True
        if forms(verb) & V.EXISTENCE and ("past" not in vc or mine):
            return True, f"claimed: {verb.orth_}", True
        if forms(verb) & V.SUMMON or {"strong", "benefactive", "volitional", "imperative"} & vc.keys():
            return True, f"claimed: {verb.orth_}", True
        if "past" in vc and mine:
            return True, f"claimed: {vc['past']}", True
    return False, "naming", True


# ---- the head-to-head ---------------------------------------------------------------------------

def candidates(policy: Any) -> tuple[Any, list[tuple[str, str, tuple[str, ...]]]]:
    """One listener for the baseline's kinded lists, and (name, kind, phrases) of each list."""
    from kasuhara_rules.engine.mentions import Listener

    lists = [(n, policy.checked.phrases[n].kind, tuple(policy.checked.phrases[n].phrases)) for n in LISTS]
    return Listener([], [p for _, _, ps in lists for p in ps]), lists


def shipped(heard: Any, lists: list[tuple[str, str, tuple[str, ...]]]) -> tuple[bool, str]:
    """The shipped reading (text/speech.py through engine/mentions.Heard): counted, and the cue."""
    first = ""
    for _, kind, phrases in lists:
        for p in phrases:
            got = heard.counted(p, kind)
            if got is not None:
                if got[1].counted:
                    return True, f"{p}: {got[1].cue}"
                first = first or f"✘ {p}: {got[1].cue}"
    return False, first


def score(rows: list[tuple[bool, bool]]) -> tuple[int, int, int, int, float, float]:
    tp = sum(g and p for p, g in rows)
    fn = sum(p and not g for p, g in rows)
    fp = sum(g and not p for p, g in rows)
    tn = len(rows) - tp - fn - fp
    return tp, fn, fp, tn, tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0


def timed(fn: Any, items: list[str]) -> float:
    """Median ms per item over the items, each call timed on its own."""
    out = []
    for x in items:
        t = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t)
    return 1000 * statistics.median(out)


def _parse(path: Path) -> int:
    """In GiNZA's environment: read the candidates, decide them with the GiNZA reader, time nlp()."""
    import json

    import spacy

    nlp = spacy.load("ja_ginza")
    job = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Any] = {"meta": f"spaCy {spacy.__version__}, ja_ginza {nlp.meta.get('version')}", "decided": {}}
    for text, acts in job["acts"].items():
        doc, first, got = nlp(text), "", False
        for phrase, kind, start, end, far in acts:
            counted, cue, marked = read(doc, start, end, kind)
            if counted and far and not marked:
                counted, cue = False, "far: " + cue.split(": ", 1)[-1]
            if counted:
                got, first = True, f"{phrase}: {cue}"
                break
            first = first or f"✘ {phrase}: {cue}"
        out["decided"][text] = (got, first)
    for name in ("said", "long"):
        for x in job[name][:20]:
            nlp(x)
        out[name] = timed(nlp, job[name])
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ginza-python", default=sys.executable,
                    help="the Python of an environment where GiNZA is installed (default: this one)")
    ap.add_argument("--dev-only", action="store_true", help="the development part only, with its disagreements")
    ap.add_argument("--cost", type=int, default=200, help="utterances and 200-character remarks timed")
    ap.add_argument("--parse", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.parse:
        return _parse(args.parse)
    import json
    import random
    import tempfile

    probe = subprocess.run([args.ginza_python, "-c", "import spacy; spacy.load('ja_ginza')"], capture_output=True)
    if probe.returncode:
        print(f"GiNZA is not installed for {args.ginza_python}. Install it with:\n  {INSTALL}\n"
              "then: python benchmarks/speech_ginza.py --ginza-python GINZA_VENV/bin/python", file=sys.stderr)
        return 2
    import speech as speech_bench
    import speech_eval
    from kasuhara_rules import load_policy
    from kasuhara_rules.text.words import words_of

    listen, lists = candidates(load_policy(speech_eval.BASELINE))
    corpus = speech_eval.load_corpus()
    found = speech_eval.load_corpus(FOUND)
    sets = {"whole set": corpus, "written blind": [u for u in corpus if u.blind],
            "blind, development": [u for u in corpus if u.part == speech_eval.PARTS[2]],
            "blind, holdout": [u for u in corpus if u.part == speech_eval.PARTS[3]],
            "found (narratives)": found}
    if args.dev_only:
        sets = {"development": [u for u in corpus if u.part != speech_eval.PARTS[3]]}
    ship: dict[str, tuple[bool, str]] = {}
    acts: dict[str, list[tuple[str, str, int, int, bool]]] = {}
    for u in {u.text: u for us in sets.values() for u in us}.values():
        text = unicodedata.normalize("NFKC", u.text)
        heard = listen(text)
        ship[u.text] = shipped(heard, lists)
        acts[text] = [(p, kind, m.start, m.end, m in heard.far) for _, kind, ps in lists for p in ps
                      for m in heard.acts.get(p, ())]
    rng = random.Random(24)
    said = [unicodedata.normalize("NFKC", u.text) for u in corpus]
    rng.shuffle(said)
    said = said[:args.cost]
    long = [unicodedata.normalize("NFKC", t) for t in speech_bench.remarks(args.cost, rng, True)]
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({"acts": acts, "said": said, "long": long}, ensure_ascii=False), encoding="utf-8")
        subprocess.run([args.ginza_python, __file__, "--parse", str(job)], check=True)
        res = json.loads(job.read_text(encoding="utf-8"))
    gin = {u.text: tuple(res["decided"].get(unicodedata.normalize("NFKC", u.text), (False, "")))
           for us in sets.values() for u in us}
    print(f"{subprocess.run(['date', '-u'], capture_output=True, text=True).stdout.strip()}, nproc "
          f"{os.cpu_count()}, Python "
          f"{platform.python_version()}, {res['meta']}\n")
    print("| part | announced / other | announced with a candidate | shipped (SudachiPy) P / R (misses, false alarms) "
          "| GiNZA P / R (misses, false alarms) |\n|---|--:|--:|--:|--:|")
    for name, us in sets.items():
        pos = sum(u.positive for u in us)
        cells = []
        for by in (ship, gin):
            _, fn, fp, _, p, r = score([(u.positive, bool(by[u.text][0])) for u in us])
            cells.append(f"{p:.3f} / {r:.3f} ({fn}, {fp})")
        cand = sum(bool(acts[unicodedata.normalize("NFKC", u.text)]) for u in us if u.positive)
        print(f"| {name} | {pos} / {len(us) - pos} | {cand} | {cells[0]} | {cells[1]} |")
    print("\ndisagreements:")
    seen: set[str] = set()
    for name, us in sets.items():
        for u in us:
            if ship[u.text][0] != gin[u.text][0] and u.text not in seen:
                seen.add(u.text)
                right = "shipped" if ship[u.text][0] == u.positive else "GiNZA"
                print(f"  [{u.part}; {right} right] {u.text} ({u.label}, {u.form})\n      shipped: {ship[u.text][1]}"
                      f"\n      GiNZA:   {gin[u.text][1]}")
    if args.dev_only:
        return 0

    def analysis(text: str) -> None:
        shipped(listen(text), lists)

    print("\n| ms per text (median, one core) | utterances of the set | 200-character remarks |\n|---|--:|--:|")
    for name, fn in (("SudachiPy: words_of alone", words_of), ("shipped: words, acts and their reading", analysis)):
        for x in said[:20] + long[:20]:
            fn(x)
        print(f"| {name} | {timed(fn, said):.2f} | {timed(fn, long):.2f} |")
    print(f"| GiNZA: nlp(text) alone | {res['said']:.2f} | {res['long']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
