"""What a speaker does with the words of an act: announces, reports, denies, quotes or suffers it.

`read(words, start, end, kind)` looks at a phrase found at words[start:end] in its sentence and says
whether it counts for a phrase list of that kind, and which cue decided:

- `announced`: the speaker announces, demands or threatens the act (晒してやる, 殺したろか, 書くぞ,
  投書させていただきます, 殺されたいのか, 家族がどうなってもいいんだな); it does not count where the
  act is reported as done (書きました), denied (つもりはない), suffered (書かれていた), left open
  (書くかどうか), asked about (載せてもいいですか) or quoted (「晒すぞ」と言われた).
- `claimed`: a means of threat (ヤクザ, 組) counts where the speaker claims it as backing (組の者だ,
  知り合いのヤクザに頼むぞ), not where it is only named (ヤクザ映画, ヤクザみたいな言い方).
- `implied`: an implicit threat (ナンバー控えたからな, 住所は調べてある) counts also in the past: the
  knowledge shown is the threat; denial, question, quotation and the passive still do not count.

The reading uses only what the analyser (SudachiPy) says of each word: its part of speech, its
conjugation form and its normalised form; the closed vocabularies are in speech_words.py.
"""
from __future__ import annotations

from typing import Sequence

import attrs

from . import speech_words as V
from .speech_form import Form
from .speech_marks import Marks
from .speech_scan import Read, Scan
from .words import Word

KINDS = ("announced", "claimed", "implied")
_SENTENCE_END = frozenset({"。", "!", "?", "．", "\n", "…", "‥", "♪"})


@attrs.frozen
class Reading:
    """Whether a phrase found counts for its list's kind, and the cue that decided
    (`"announced: てやる"`, `"past: ました"`, `"quoted: と言われ"`)."""

    counted: bool
    cue: str
    # Counted on the act's form alone (てやる, ぞ, させていただく, a rhetorical question…), not only
    # as a statement (書きます, 書くから): what an act whose pieces lie in two clauses needs.
    marked: bool = attrs.field(default=True, eq=False, repr=False)


def _ends(words: Sequence[Word], k: int) -> bool:
    """Whether word k ends a sentence."""
    return words[k].entry.folded in _SENTENCE_END or words[k].entry.pos2 == "句点"


def sentence_of(words: Sequence[Word], start: int, end: int, marks: Marks | None = None) -> tuple[int, int]:
    """The word range of the sentence holding words[start:end] (ends at 。!? or a line end)."""
    marks = Marks(words) if marks is None else marks
    e = marks.first(_ends, end, len(words))
    return marks.last(_ends, 0, start) + 1, len(words) if e < 0 else e


def read(words: Sequence[Word], start: int, end: int, kind: str, scans: Read | None = None,
         marks: Marks | None = None) -> Reading:
    """How the phrase found at words[start:end] is used, for a list of this kind. `scans` keeps the
    clauses read, for the next phrase found in the same words (speech_scan.Scan.run), and `marks`
    where the sentences, brackets and cues of these words are (speech_marks.py): given both, the
    phrases found in one text are read in about the time it takes to read the text once.

    >>> from .words import words_of
    >>> ws = words_of("ネットに晒してやるからな")
    >>> read(ws, 2, 3, "announced")
    Reading(counted=True, cue='announced: てやる')
    >>> ws = words_of("ネットに晒すつもりはありません")
    >>> read(ws, 2, 3, "announced")
    Reading(counted=False, cue='negation: つもり…ません')
    """
    marks = Marks(words) if marks is None else marks
    quoted = _bracketed(marks, start, end)
    if quoted:
        return Reading(False, f"quoted: {quoted}")
    s0, s1 = sentence_of(words, start, end, marks)
    form = Scan(words, end, s1, marks).run(scans)
    if kind == "claimed":
        return _claimed(marks, start, end, s1, form)
    hypothetical = marks.first(_hypothetical, s0, start) >= 0
    if kind in ("announced", "implied"):
        praise = _praise(marks, s0, s1)
        if praise:
            return Reading(False, f"praise: {praise}")
    if kind == "implied":
        last = words[end - 1].entry
        carried = last.pos in ("助動詞", "形容詞", "接尾辞") or last.pos2 == "非自立可能" and last.pos == "動詞" \
            or last.conj_form.startswith("連用形-促音便")
        return _implied(form, carried)
    return _decide(form, kind, hypothetical, _other_agent(marks, s0, start))


_QUOTE_MARKS = frozenset({"と", "って", "なんて", "なんか", "とか", "という", "っていう", "みたい", "みたいな"})


def _bracketed(marks: Marks, start: int, end: int) -> str:
    """The act inside 「…」 or 『…』 that someone is said to have said (「晒すぞ」と言われた,
    『家族がどうなってもいいのか』なんて脅された) or that names a title (『ヤクザと家族』って映画): the
    closing bracket and what follows it; "" otherwise (a remark written all in brackets is the
    speaker's own)."""
    if not marks.depth(start):
        return ""
    words = marks.words
    k = marks.first(_closing, end, len(words))
    if k >= 0:
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is not None and (nxt.entry.folded in _QUOTE_MARKS or nxt.entry.pos == "名詞"
                                or nxt.entry.folded == "の"):
            return words[k].surface + nxt.surface
    return ""


def _praise(marks: Marks, s0: int, s1: int) -> str:
    """A word of praise in the act's sentence or the one before, and none of blame: a review
    announced as thanks (美味しかったので、口コミにも書いておきますね) is not a threat."""
    p0 = marks.last(_ends, 0, s0 - 1) + 1 if s0 > 0 else 0
    if marks.first(_blame, p0, s1) >= 0:
        return ""
    k = marks.first(_praising, p0, s1)
    return marks.words[k].surface if k >= 0 else ""


def _other_agent(marks: Marks, s0: int, start: int) -> str:
    """A person other than the speaker named as the subject before the act in its clause
    (隣の部屋の人が…殴ってくる), or ""; the speaker (俺が, 私は) is not."""
    k = marks.last(_subject_or_comma, s0 + 1, start)
    if k < 0 or marks.words[k].entry.folded in ("、", ","):
        return ""
    who, w = marks.words[k - 1], marks.words[k]
    return "" if who.norm in V.FIRST_PERSON else f"{who.surface}{w.surface}"


# The tests the reader puts to the words around an act (speech_marks.Marks: once per text).

def _closing(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded in V.CLOSING


def _hypothetical(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.CONDITION_HYPOTHETICAL


def _blame(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.BLAME


def _praising(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.PRAISE


def _subject_or_comma(words: Sequence[Word], k: int) -> bool:
    """A comma (the clause begins after it), or が/は after the speaker or after another person."""
    w = words[k]
    if w.entry.folded in ("、", ","):
        return True
    if k > 0 and w.entry.pos == "助詞" and w.entry.folded in ("が", "は") and w.entry.pos2 in ("格助詞", "係助詞"):
        who = words[k - 1]
        return who.norm in V.FIRST_PERSON or who.norm in V.OTHER_PERSON or who.entry.pos2 == "固有名詞"
    return False


def _having(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.EXISTENCE and words[k].entry.pos == "動詞"


def _summoning(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.SUMMON


def _decide(f: Form, kind: str, hypothetical: bool, other: str) -> Reading:
    """The rules, in order: whose words, which voice, whether it happened, whether it is said."""
    if f.hypothetical:
        return Reading(False, f"hypothetical: {f.hypothetical}")
    if f.quoted:
        return Reading(False, f"quoted: {f.quoted}")
    if f.passive:
        if f.rhetorical:
            return Reading(True, f"rhetorical: {f.rhetorical}")
        if f.strong and not (f.past or f.negative or f.question):
            return Reading(True, f"warning: {f.passive}…{f.strong}")  # 殴られるぞ, 調べられるんだぞ
        return Reading(False, f"passive: {f.passive}")
    if f.open:
        return Reading(False, f"open: {f.open}")
    if f.cancel:
        return Reading(False, f"negation: {f.cancel}")
    if f.rhetorical:
        return Reading(True, f"rhetorical: {f.rhetorical}")
    if f.negative and not f.obligation:
        return Reading(False, f"negation: {f.negative}")
    if f.modifier:
        return Reading(False, f"naming: {f.modifier}")
    if f.nominal:
        return Reading(False, f"naming: {f.nominal}")
    if f.past and not f.decision:
        if kind == "implied" and not f.question:
            return Reading(True, f"implied: {f.past}")
        return Reading(False, f"past: {f.past}")
    if f.conditional:
        if hypothetical:
            return Reading(False, f"hypothetical: {f.conditional}")
        return Reading(False, f"conditional: {f.conditional}")
    if f.request and not f.humble:
        if kind == "implied" and f.strong:
            return Reading(True, f"implied: {f.strong}")
        return Reading(False, f"request: {f.request}")
    if f.desire and not f.intent:
        if f.question and (f.explained or any(c in f.question for c in "のん")):
            return Reading(True, f"rhetorical: {f.desire}{f.explained}…{f.question}")  # 炎上したいんですか
        return Reading(False, f"wish: {f.desire}")
    if f.question and not (f.volitional or f.benefactive or f.strong):
        return Reading(False, f"question: {f.question}")
    if f.progressive and kind != "implied" and not f.strong:
        return Reading(False, f"done: {f.progressive}")
    if other and not (f.strong or f.benefactive or f.volitional or f.humble):
        return Reading(False, f"other agent: {other}")
    label = "implied" if kind == "implied" else "announced"
    for cue in (f.benefactive, f.humble, f.decision, f.obligation, f.intent, f.strong, f.volitional, f.imperative):
        if cue:
            return Reading(True, f"{label}: {cue}")
    for cue in (f.carrying, f.polite, f.reason, f.final):
        if cue:
            return Reading(True, f"{label}: {cue}", marked=False)
    return Reading(True, f"{label}: plain", marked=False)


def _implied(f: Form, carried: bool) -> Reading:
    """Knowledge shown (控えたからな, 住所は調べてある, 何時に上がるか知ってるぞ) or a warning (夜道に
    気をつけろ, どうなっても知らない) counts; a plan (お名前、覚えておきますね), a denial, a question,
    a quotation, the passive do not. `carried`: the phrase ends in its own form (知らない, 覚えた)."""
    if f.quoted:
        return Reading(False, f"quoted: {f.quoted}")
    if f.passive and not f.rhetorical:
        if f.strong and not (f.past or f.negative or f.question):
            return Reading(True, f"implied: {f.passive}…{f.strong}")
        return Reading(False, f"passive: {f.passive}")
    if f.open:
        return Reading(False, f"open: {f.open}")
    if f.rhetorical:
        return Reading(True, f"implied: {f.rhetorical}")
    if f.negative or f.cancel:
        return Reading(False, f"negation: {f.negative or f.cancel}")
    if f.modifier or f.nominal:
        return Reading(False, f"naming: {f.modifier or f.nominal}")
    if f.conditional:
        return Reading(False, f"conditional: {f.conditional}")
    if f.question and not f.strong and not any(c in f.question for c in "のん"):
        return Reading(False, f"question: {f.question}")  # 控えましたか (a question, not のか/んか)
    if f.request and not (f.strong or f.imperative):
        return Reading(False, f"request: {f.request}")
    for cue in (f.strong, f.imperative, f.past, f.progressive, f.benefactive, f.reason if f.past else ""):
        if cue:
            return Reading(True, f"implied: {cue}")
    if carried:
        return Reading(True, f"implied: {f.final or 'plain'}")
    return Reading(False, f"plan: {f.polite or f.carrying or f.final or 'plain'}")


def _claimed(marks: Marks, start: int, end: int, s1: int, f: Form) -> Reading:
    """A means of threat (ヤクザ, 組の者) claimed as the speaker's backing, or only named."""
    words = marks.words
    after = words[end] if end < len(words) else None
    if after is not None:
        if after.norm in V.SIMILE or after.entry.pos2 == "助動詞語幹":
            return Reading(False, f"naming: {after.surface}")
        if after.entry.pos == "名詞" and after.entry.pos2 != "数詞":
            if after.norm not in V.BACKING_PEOPLE:
                return Reading(False, f"naming: {after.surface}")
        if after.entry.folded == "の" and end + 1 < len(words) and words[end + 1].entry.pos == "名詞" \
                and words[end + 1].norm not in V.BACKING_PEOPLE:
            return Reading(False, f"naming: の{words[end + 1].surface}")  # 暴力団の事務所, ヤクザの映画
    if f.quoted:
        return Reading(False, f"quoted: {f.quoted}")
    if f.passive and not f.rhetorical:
        return Reading(False, f"passive: {f.passive}")
    myself = any(w.norm in V.FIRST_PERSON for w in words[max(0, start - 4):start])
    if f.copula and not (f.question or f.negative or (f.past and not myself)):
        return Reading(True, f"claimed: {f.copula}")
    k = marks.first(_having, end, s1)
    have = words[k] if k >= 0 else None
    if have is not None and not (f.negative or f.past or f.question or f.conditional):
        return Reading(True, f"claimed: {have.surface}")
    if f.past and myself and not (f.negative or f.question):
        return Reading(True, f"claimed: {f.past}")  # わしは昔ヤクザやっとった: one's own past as backing
    reading = _decide(f, "announced", False, "")
    if not reading.counted:
        return reading
    k = marks.first(_summoning, end, s1)
    summon = words[k] if k >= 0 else None
    if summon is not None or f.strong or f.benefactive or f.volitional or f.imperative or f.rhetorical:
        return Reading(True, "claimed: " + (summon.surface if summon is not None else reading.cue.split(": ", 1)[1]))
    return Reading(False, "naming: " + reading.cue.split(": ", 1)[1])
