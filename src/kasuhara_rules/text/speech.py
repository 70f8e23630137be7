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
from .words import Word

KINDS = ("announced", "claimed", "implied")
_SENTENCE_END = frozenset({"。", "!", "?", "．", "\n", "…", "‥", "♪"})
_OPEN = frozenset({"「", "『", "“", "\""})
_CLOSE = frozenset({"」", "』", "”", "\""})


@attrs.frozen
class Reading:
    """Whether a phrase found counts for its list's kind, and the cue that decided
    (`"announced: てやる"`, `"past: ました"`, `"quoted: と言われ"`)."""

    counted: bool
    cue: str
    # Counted on the act's form alone (てやる, ぞ, させていただく, a rhetorical question…), not only
    # as a statement (書きます, 書くから): what an act whose pieces lie in two clauses needs.
    marked: bool = attrs.field(default=True, eq=False, repr=False)


@attrs.define
class _Form:
    """What the words after an act say of it (filled by _Scan)."""

    passive: str = ""
    causative: str = ""
    negative: str = ""
    desire: str = ""
    past: str = ""
    volitional: str = ""
    imperative: str = ""
    benefactive: str = ""
    carrying: str = ""
    humble: str = ""
    request: str = ""
    progressive: str = ""
    polite: str = ""
    conditional: str = ""
    concessive: str = ""
    question: str = ""
    final: str = ""
    strong: str = ""
    reason: str = ""
    quoted: str = ""
    intent: str = ""
    decision: str = ""
    obligation: str = ""
    possible: str = ""
    nominal: str = ""
    modifier: str = ""
    open: str = ""
    cancel: str = ""
    rhetorical: str = ""
    copula: str = ""
    existence: str = ""
    hypothetical: str = ""
    explained: str = ""  # の/ん before です/だ: 書くんです, 殺されたいんですか
    end: int = 0


def sentence_of(words: Sequence[Word], start: int, end: int) -> tuple[int, int]:
    """The word range of the sentence holding words[start:end] (ends at 。!? or a line end)."""
    s = start
    while s > 0 and words[s - 1].entry.folded not in _SENTENCE_END and words[s - 1].entry.pos2 != "句点":
        s -= 1
    e = end
    while e < len(words) and words[e].entry.folded not in _SENTENCE_END and words[e].entry.pos2 != "句点":
        e += 1
    return s, e


def read(words: Sequence[Word], start: int, end: int, kind: str) -> Reading:
    """How the phrase found at words[start:end] is used, for a list of this kind.

    >>> from .words import words_of
    >>> ws = words_of("ネットに晒してやるからな")
    >>> read(ws, 2, 3, "announced")
    Reading(counted=True, cue='announced: てやる')
    >>> ws = words_of("ネットに晒すつもりはありません")
    >>> read(ws, 2, 3, "announced")
    Reading(counted=False, cue='negation: つもり…ません')
    """
    quoted = _bracketed(words, start, end)
    if quoted:
        return Reading(False, f"quoted: {quoted}")
    s0, s1 = sentence_of(words, start, end)
    form = _Scan(words, end, s1).run()
    if kind == "claimed":
        return _claimed(words, start, end, s1, form)
    hypothetical = any(w.norm in V.CONDITION_HYPOTHETICAL for w in words[s0:start])
    if kind in ("announced", "implied"):
        praise = _praise(words, s0, s1)
        if praise:
            return Reading(False, f"praise: {praise}")
    if kind == "implied":
        last = words[end - 1].entry
        carried = last.pos in ("助動詞", "形容詞", "接尾辞") or last.pos2 == "非自立可能" and last.pos == "動詞" \
            or last.conj_form.startswith("連用形-促音便")
        return _implied(form, carried)
    return _decide(form, kind, hypothetical, _other_agent(words, s0, start))


_QUOTE_MARKS = frozenset({"と", "って", "なんて", "なんか", "とか", "という", "っていう", "みたい", "みたいな"})


def _bracketed(words: Sequence[Word], start: int, end: int) -> str:
    """The act inside 「…」 or 『…』 that someone is said to have said (「晒すぞ」と言われた,
    『家族がどうなってもいいのか』なんて脅された) or that names a title (『ヤクザと家族』って映画): the
    closing bracket and what follows it; "" otherwise (a remark written all in brackets is the
    speaker's own)."""
    depth = 0
    for w in words[:start]:
        if w.entry.folded in _OPEN:
            depth += 1
        elif w.entry.folded in _CLOSE and depth:
            depth -= 1
    if not depth:
        return ""
    for k in range(end, len(words)):
        if words[k].entry.folded in _CLOSE:
            nxt = words[k + 1] if k + 1 < len(words) else None
            if nxt is not None and (nxt.entry.folded in _QUOTE_MARKS or nxt.entry.pos == "名詞"
                                    or nxt.entry.folded == "の"):
                return words[k].surface + nxt.surface
            return ""
    return ""


def _praise(words: Sequence[Word], s0: int, s1: int) -> str:
    """A word of praise in the act's sentence or the one before, and none of blame: a review
    announced as thanks (美味しかったので、口コミにも書いておきますね) is not a threat."""
    p0 = s0 - 1
    while p0 > 0 and words[p0 - 1].entry.folded not in _SENTENCE_END and words[p0 - 1].entry.pos2 != "句点":
        p0 -= 1
    scope = words[max(p0, 0):s1]
    if any(w.norm in V.BLAME for w in scope):
        return ""
    return next((w.surface for w in scope if w.norm in V.PRAISE), "")


def _other_agent(words: Sequence[Word], s0: int, start: int) -> str:
    """A person other than the speaker named as the subject before the act in its clause
    (隣の部屋の人が…殴ってくる), or ""; the speaker (俺が, 私は) is not."""
    for k in range(start - 1, s0, -1):
        w = words[k]
        if w.entry.folded in ("、", ","):
            return ""
        if w.entry.pos == "助詞" and w.entry.folded in ("が", "は") and w.entry.pos2 in ("格助詞", "係助詞"):
            who = words[k - 1]
            if who.norm in V.FIRST_PERSON:
                return ""
            if who.norm in V.OTHER_PERSON or who.entry.pos2 == "固有名詞":
                return f"{who.surface}{w.surface}"
    return ""


def _decide(f: _Form, kind: str, hypothetical: bool, other: str) -> Reading:
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
    if f.negative and not (f.obligation or f.possible):
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
    for cue in (f.carrying, f.possible, f.polite, f.reason, f.final):
        if cue:
            return Reading(True, f"{label}: {cue}", marked=False)
    return Reading(True, f"{label}: plain", marked=False)


def _implied(f: _Form, carried: bool) -> Reading:
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


def _claimed(words: Sequence[Word], start: int, end: int, s1: int, f: _Form) -> Reading:
    """A means of threat (ヤクザ, 組の者) claimed as the speaker's backing, or only named."""
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
    rest = words[end:s1]
    have = next((w for w in rest if w.norm in V.EXISTENCE and w.entry.pos == "動詞"), None)
    if have is not None and not (f.negative or f.past or f.question or f.conditional):
        return Reading(True, f"claimed: {have.surface}")
    if f.past and myself and not (f.negative or f.question):
        return Reading(True, f"claimed: {f.past}")  # わしは昔ヤクザやっとった: one's own past as backing
    reading = _decide(f, "announced", False, "")
    if not reading.counted:
        return reading
    summon = next((w for w in rest if w.norm in V.SUMMON), None)
    if summon is not None or f.strong or f.benefactive or f.volitional or f.imperative or f.rhetorical:
        return Reading(True, "claimed: " + (summon.surface if summon is not None else reading.cue.split(": ", 1)[1]))
    return Reading(False, "naming: " + reading.cue.split(": ", 1)[1])


class _Scan:
    """Reads the words after an act, up to the end of its clause (following a chain of clauses joined
    by て or a stem to the predicate that carries the sentence), into a _Form."""

    def __init__(self, words: Sequence[Word], i: int, stop: int) -> None:
        self.words, self.i, self.stop = words, i, stop
        self.form = _Form()
        self.linking = False  # after て / a stem: the next verb carries on the same act
        self.cond_end = -1  # where a condition on the act ends (the main clause follows)

    def run(self) -> _Form:
        f, words = self.form, self.words
        head = words[self.i - 1] if self.i > 0 else None
        if head is not None:
            self.head_form(head)
        j = self.i
        while j < self.stop:
            j = self.step(j)
            if j < 0:
                break
        f.end = j
        return f

    def head_form(self, w: Word) -> None:
        cf = w.entry.conj_form
        if cf.startswith("命令形"):
            self.form.imperative = w.surface
        elif cf.startswith("意志推量形"):
            self.form.volitional = w.surface
        elif cf.startswith("連用形") or w.entry.pos == "名詞":
            self.linking = cf.startswith("連用形")

    def peek(self, j: int) -> Word | None:
        return self.words[j] if j < self.stop else None

    def step(self, j: int) -> int:
        """Reads word j; returns the next index, or -1 when the clause is over."""
        f = self.form
        w = self.words[j]
        e, n, s = w.entry, w.norm, w.entry.folded
        if e.pos == "補助記号" or e.pos == "記号":
            if s in _CLOSE:
                return self.after_quote(j + 1, "」")
            if s in _OPEN:
                return -1
            if e.pos2 == "読点" or s in ("、", ","):
                if self.linking and not (f.negative or f.passive or f.past):
                    return self.chain(j + 1)
                return -1
            return j + 1
        if s in V.STRONG_FINALS and e.pos != "助動詞":  # かんな, けん, けえ: read as nouns or suffixes
            return self.finals(j, "")
        prev = self.words[j - 1]
        if e.pos == "感動詞" and s in ("え", "ぇ", "ええ") and prev.entry.pos == "動詞" \
                and prev.entry.conj_form.startswith("連用形"):
            f.imperative = f.imperative or prev.surface[-1:] + s  # 気ぃつけえ: the western imperative
            return j + 1
        if e.pos == "助動詞":
            return self.auxiliary(j, w)
        if e.pos == "助詞":
            return self.particle(j, w)
        if e.pos in ("動詞", "形容詞") or (e.pos == "名詞" and self.peek(j + 1) is not None
                                           and self.words[j + 1].norm in V.LIGHT_VERBS and self.linking):
            return self.verb(j, w)
        if n in ("様", "よう") and self.peek(j + 1) is not None and self.words[j + 1].entry.folded == "に" \
                and self.peek(j + 2) is not None and self.words[j + 2].norm in V.LIGHT_VERBS:
            self.linking = True  # 出てくるようにします: the act made to happen
            return j + 2
        if e.pos == "形状詞" and n in V.SIMILE:
            f.modifier = f.modifier or w.surface
            return -1
        if e.pos in ("名詞", "代名詞") or e.pos2 == "名詞的":
            return self.noun(j, w)
        if e.pos == "副詞" and self.linking:
            return j + 1
        return -1

    # -- auxiliaries ---------------------------------------------------------------------------

    def auxiliary(self, j: int, w: Word) -> int:
        f, n, s, cf = self.form, w.norm, w.entry.folded, w.entry.conj_form
        self.linking = cf.startswith("連用形")
        if n in V.PASSIVE:
            f.passive = f.passive or s
        elif n in V.CAUSATIVE:
            prev = self.words[j - 1]
            f.causative = f.causative or ((prev.surface if prev.norm == "為る" else "") + s)  # させ(て)
        elif n == "たい" or (f.passive and s in ("てえ", "てぇ", "てー", "たか")):  # 殺されてえのか
            f.desire = f.desire or s
            if f.passive:
                self.passive_desire(j + 1)
        elif n in V.NEGATIVE or n == "ず":
            return self.negative(j, w)
        elif s in V.BENEFACTIVE_AUX_SURFACES or n in ("ちゃる", "たり") and s in ("たる", "たろ"):
            f.benefactive = f.benefactive or ("たろ" if s.startswith("たろ") else s)
        elif n == "た":
            if cf.startswith("仮定形"):
                return self.conditional(j, "た" + s[1:] if s else "たら")
            if cf.startswith("意志推量形") and s.startswith("たろ"):
                f.benefactive = f.benefactive or s
            elif not f.past:
                f.past = self.cue_before(j) + s
        elif n == "ます":
            if cf.startswith("意志推量形"):
                f.volitional = f.volitional or "ましょう"
            f.polite = f.polite or "ます"
        elif n in ("だ", "です", "じゃ", "や"):
            if cf.startswith("意志推量形") and not s.startswith("たろ"):
                f.question = f.question or ""  # だろう / でしょう: a guess; the particles decide
            else:
                f.copula = f.copula or s
        elif n in ("とく", "ちゃう", "じゃう"):
            f.carrying = f.carrying or s
        elif n in ("てる", "でる"):
            f.progressive = f.progressive or s
        elif n in ("ちゃる",):
            f.benefactive = f.benefactive or s
        return j + 1

    def cue_before(self, j: int) -> str:
        """まし before た, for the evidence (past: ました)."""
        prev = self.words[j - 1] if j > self.i else None
        return "まし" if prev is not None and prev.norm == "ます" else ""

    def passive_desire(self, j: int) -> None:
        """殺されたいのか, 晒されたくなかったら: wanting to suffer the act is the rhetorical threat, when
        asked or made a condition; 殺されたくない alone is a victim's wish."""
        k = j
        while k < self.stop:
            w = self.words[k]
            s = w.entry.folded
            if s in ("の", "ん", "のか", "んか") or s in V.QUESTION_FINALS or w.entry.conj_form.startswith("仮定形") \
                    or s in ("なら", "ば"):
                said = "".join(x.surface for x in self.words[j - 1:k + 1])
                self.form.rhetorical = self.form.rhetorical or self.form.passive + said
                return
            if w.entry.pos not in ("助動詞", "助詞", "形容詞"):
                return
            k += 1

    def negative(self, j: int, w: Word) -> int:
        f = self.form
        if f.negative:
            return j + 1
        nxt = self.peek(j + 1)
        nxt2 = self.peek(j + 2)
        # 書かざるを得ない, 書くしかない (handled at しか), 書かないと気が済まない, 書かなきゃ: obligation.
        if nxt is not None and nxt.entry.folded in ("と", "ば", "きゃ", "ちゃ", "くちゃ") or \
                w.entry.conj_form.startswith("仮定形") or w.entry.folded in ("ざる",):
            after = self.words[j + 2: self.stop]
            if any(a.norm in ("いける", "行ける", "なる", "成る", "済む", "駄目", "だめ", "得る", "しょうがない",
                              "仕方") for a in after[:4]) or w.entry.folded == "ざる" or (nxt and nxt.entry.folded == "きゃ"):
                f.obligation = f.obligation or w.surface + (nxt.surface if nxt else "")
                return -1
            if f.passive and f.desire:
                f.rhetorical = f.rhetorical or "れたくなければ"
                return -1
            return self.conditional(j + 1, w.surface + (nxt.surface if nxt else ""))
        if nxt is not None and nxt.norm == "た" and nxt.entry.conj_form.startswith("仮定形"):
            if f.passive and f.desire:
                f.rhetorical = f.rhetorical or "れたくなかったら"
                return -1
            return self.conditional(j + 1, w.surface + nxt.surface)
        prev = self.words[j - 1]
        if w.entry.folded == "な" and (w.entry.conj_form.startswith("語幹") or nxt is None or nxt.entry.folded in ("よ", "や")):
            f.imperative = f.imperative or "な"  # 気をつけな: a casual imperative
            return j + 1
        if prev.entry.folded in ("で", "じゃ") and nxt is not None and nxt.entry.folded in ("か", "かい", "かね", "の", "かな"):
            f.final = f.final or f"{prev.surface}{w.surface}{nxt.surface}"  # じゃないか: a tag, not a denial
            return -1
        f.negative = (prev.surface if prev.norm == "ます" else "") + w.surface
        if nxt is not None and nxt.entry.folded == "か" and nxt2 is None:
            f.negative = ""  # 書かないか (an invitation) is not a denial; the particle decides
        return j + 1

    def conditional(self, j: int, cue: str) -> int:
        """The act is a condition (晒したら, 書くなら): the main clause says what it is."""
        f = self.form
        self.cond_end = j
        main = self.words[j + 1: self.stop]
        if "".join(w.entry.folded for w in main[:3]).startswith(("なあかん", "なあかへん", "ないかん", "なならん")):
            f.obligation = f.obligation or cue + "なあかん"  # しばいたらなあかん: Kansai "must"
            return -1
        if any(w.norm in V.RHETORICAL_MAIN for w in main) and not any(w.norm == "た" and not
                                                                      w.entry.conj_form.startswith("仮定形") for w in main):
            f.rhetorical = f.rhetorical or f"{cue}…{next(w.surface for w in main if w.norm in V.RHETORICAL_MAIN)}"
            return -1
        f.conditional = f.conditional or cue
        return -1

    # -- particles -----------------------------------------------------------------------------

    def particle(self, j: int, w: Word) -> int:
        f, s, p2 = self.form, w.entry.folded, w.entry.pos2
        nxt = self.peek(j + 1)
        if p2 == "接続助詞":
            if s in ("て", "で"):
                self.linking = True
                return self.after_te(j + 1, s)
            if s in V.REASON:
                f.reason = f.reason or s
                return self.finals(j + 1, s)
            if s in V.CONTRAST:
                return -1
            if s == "ても" or s == "でも":
                return self.concessive(j + 1, s)
            if s in ("ば", "と", "なら", "たら", "たって"):
                if s == "たって":  # Kansai 売ったっても = 売ってやっても
                    f.benefactive = f.benefactive or "たった"
                    return self.concessive(j + 1, "ても")
                return self.conditional(j, s)
            if s in V.STRONG_FINALS:
                f.strong = f.strong or s
                return j + 1
            return -1
        if p2 == "終助詞" or s in V.STRONG_FINALS or s in V.WEAK_FINALS and p2 != "格助詞":
            return self.finals(j, "")
        if p2 == "準体助詞" or s in V.NOMINALISERS and p2 in ("格助詞", "準体助詞"):
            return self.nominal(j, w)
        if p2 == "格助詞":
            if s in ("と", "って", "て", "とか") and not (s == "と" and self.words[j - 1].entry.pos in ("名詞", "代名詞")):
                return self.after_quote(j, s)
            if s == "に" and nxt is not None and nxt.entry.pos == "動詞":
                self.linking = True  # 殴りに行く
                return j + 1
            if s in ("を", "に", "で", "が", "へ", "と", "から", "より") and self.words[j - 1].entry.pos in ("名詞", "代名詞", "接尾辞"):
                return self.chain(j + 1)
            return -1
        if p2 == "副助詞":
            if s == "か":
                return self.whether(j + 1)
            if s in V.LISTING or s == "たり":
                return self.chain(j + 1)
            if s == "しか" and nxt is not None and nxt.norm in ("無い", "ない"):
                f.obligation = f.obligation or "しかない"  # 書くしかない: no choice left
                return j + 2
            if s == "って":
                return self.after_quote(j, s)
            return self.chain(j + 1)
        if p2 == "係助詞":
            if s in ("は", "も") and self.words[j - 1].entry.conj_form.startswith("連用形"):
                return j + 1  # 書きはしない, 書いたりもしない
            if s in ("は", "も", "こそ", "さえ"):
                return self.chain(j + 1)
            return -1
        return -1

    def finals(self, j: int, lead: str) -> int:
        """Sentence-final particles (and から / ので before them)."""
        f = self.form
        k = j
        while k < self.stop:
            w = self.words[k]
            s = w.entry.folded
            if s == "け" and k + 1 < self.stop and self.words[k + 1].entry.folded in ("ぇ", "え", "ー"):
                f.strong = f.strong or s + self.words[k + 1].surface  # 覚えたけぇの (Hiroshima から)
                k += 2
                continue
            if k == j and not lead and s == "な" and j > 0 and self.words[j - 1].entry.conj_form.startswith("連用形") \
                    and self.words[j - 1].entry.pos == "動詞":
                f.imperative = f.imperative or "な"  # 気ぃつけなよ: a casual imperative
            elif s in V.STRONG_FINALS or (lead == "から" and s in ("な", "ね")) or (s == "ぞ"):
                f.strong = f.strong or (lead + s)
            elif s in V.QUESTION_FINALS and w.entry.pos == "助詞":
                f.question = f.question or s
            elif s in V.WEAK_FINALS or w.entry.pos2 == "終助詞":
                f.final = f.final or s
            elif w.entry.pos == "助動詞" or w.entry.pos2 == "終助詞":
                f.final = f.final or s
            elif s in _CLOSE:
                return self.after_quote(k + 1, "」")
            elif w.entry.pos == "補助記号" and s not in ("、", ","):
                k += 1
                continue
            else:
                break
            k += 1
        if k + 1 < self.stop and self.words[k].entry.folded in ("、", ",") \
                and self.words[k + 1].entry.folded in ("と", "って"):
            k += 1  # どうなっても知らないよ、と医者に言われました
        if k < self.stop and self.words[k].entry.pos2 == "格助詞" and self.words[k].entry.folded in ("と", "って"):
            return self.after_quote(k, self.words[k].entry.folded)
        if k < self.stop and self.words[k].entry.folded in ("って",):
            return self.after_quote(k, "って")
        if lead == "から" and k < self.stop and not f.strong:
            f.reason = "から"
        if lead and not f.strong and not f.final and lead in V.REASON:
            f.reason = lead
        return -1

    def after_te(self, j: int, te: str) -> int:
        """After て/で: a helper verb keeps reading the same act; も makes a concession; a request
        or the end of the sentence leaves it to someone else."""
        f = self.form
        nxt = self.peek(j)
        if nxt is None:
            f.request = f.request or te
            return -1
        n, s = nxt.norm, nxt.entry.folded
        if s in ("も",):
            return self.concessive(j + 1, te + "も")
        if s in ("は",) and self.peek(j + 1) is not None and self.words[j + 1].norm in ("駄目", "だめ", "いける"):
            f.negative = f.negative or "てはいけない"
            return -1
        if nxt.entry.pos in ("動詞", "形容詞") or (nxt.entry.pos == "助動詞" and nxt.norm in ("てる", "でる", "とく")):
            return j
        if nxt.entry.pos == "助詞" and nxt.entry.pos2 == "終助詞" or s in V.WEAK_FINALS:
            f.request = f.request or te + s
            return -1
        if nxt.entry.folded in ("、", ","):
            return self.chain(j + 1)
        return self.chain(j)

    def concessive(self, j: int, cue: str) -> int:
        """書いてもいいんだな (rhetorical), 載せてもいいですか (asking), 晒されても知らないぞ, 逃げても無駄だ."""
        f = self.form
        rest = self.words[j:self.stop]
        if rest and rest[0].entry.folded == "も":
            rest = rest[1:]
        if rest and (rest[0].norm in V.ALLOW or rest[0].surface in V.ALLOW):
            clause = []
            for w in rest[1:]:
                if w.entry.folded in ("、", ","):
                    break
                clause.append(w)
            tail = [w.entry.folded for w in clause]
            explains = any(w.entry.pos2 == "準体助詞" or w.entry.folded in ("ねん", "んや", "んだ", "んで") for w in clause)
            if explains and not any(t in ("でしょう",) for t in tail):
                f.rhetorical = f.rhetorical or cue + rest[0].surface + "ん"
                return -1
            if not tail or tail[0] in ("な", "ね", "よ") or any(t in ("よろしい",) for t in tail):
                if not any(t in ("か", "?", "かな", "かしら") for t in tail) or "な" in tail:
                    f.rhetorical = f.rhetorical or cue + rest[0].surface
                    return -1
            f.question = f.question or cue + rest[0].surface + "か"  # 載せてもいいですか: asking permission
            return -1
        for w in rest[:4]:
            if w.norm in V.WARNING_AFTER_TEMO or w.surface in V.WARNING_AFTER_TEMO:
                f.rhetorical = f.rhetorical or cue + w.surface
                return -1
        f.conditional = f.conditional or cue
        return -1

    def whether(self, j: int) -> int:
        """書くかどうか, 書こうか迷う, 書くか決めていない: left open."""
        f = self.form
        for w in self.words[j:min(self.stop, j + 6)]:
            if w.norm in ("どう",) or w.norm in V.OPEN:
                f.open = f.open or ("かどうか" if w.norm == "どう" else "か" + w.surface)
                return -1
            if w.norm in V.THINKING:
                return self.thought(j, w)
        f.question = f.question or "か"
        return -1

    def after_quote(self, j: int, mark: str) -> int:
        """After a closing quote or と/って: whose words these were."""
        f = self.form
        k = j
        after = self.words[j + 1:min(self.stop, j + 4)]
        if mark == "と" and after and after[0].norm == "為る" and len(after) > 1 \
                and (after[1].entry.conj_form.startswith("仮定形") or after[1].entry.folded in ("て", "ても")):
            f.hypothetical = f.hypothetical or "と" + "".join(a.surface for a in after[:2])  # 書くとしたら
            return -1
        if mark == "」":
            nxt = self.peek(k)
            if nxt is None:
                return -1  # the whole remark in quotes: the speaker's own words
            if nxt.entry.folded in ("と", "って", "とか", "という", "っていう", "なんて", "なんか", "みたいに"):
                k += 1
            elif nxt.entry.pos == "名詞" or nxt.entry.folded in ("の", "みたい"):
                f.quoted = f.quoted or "」" + nxt.surface
                return -1
            else:
                return -1
            mark = nxt.entry.folded
        for w in self.words[k:min(self.stop, k + 6)]:
            if w.norm in V.THINKING:
                return self.thought(k, w)
            if w.norm in V.SAYING or w.entry.pos == "動詞":
                return self.reported(k, w, mark)
            if w.entry.pos == "名詞" and w.entry.pos2 != "代名詞" and mark in ("って", "という", "っていう"):
                f.quoted = f.quoted or mark + w.surface
                return -1
        f.quoted = f.quoted or mark
        return -1

    def thought(self, j: int, verb: Word) -> int:
        """晒してやろうと思う (intent), 書いたろか思たけど (a past thought)."""
        f = self.form
        sub = _Scan(self.words, self.words.index(verb, j) + 1, self.stop).run()
        if sub.past or sub.negative or sub.question or sub.conditional:
            f.past = f.past or ("と思" + (sub.past or sub.negative or sub.question or sub.conditional))
            f.negative = f.negative or (sub.negative if not sub.past else "")
            return -1
        if f.volitional or f.benefactive or f.desire or sub.progressive or sub.polite or sub.final is not None:
            f.intent = f.intent or "と思う"
        return -1

    def reported(self, j: int, verb: Word, mark: str) -> int:
        """「晒すぞ」と言われた (quoted: someone else's words), 晒すって言ってんだよ (the speaker's own)."""
        f = self.form
        k = self.words.index(verb, j)
        sub = _Scan(self.words, k + 1, self.stop).run()
        if verb.norm in ("言う", "いう") and sub.progressive and not sub.past and not sub.passive \
                and (sub.strong or sub.copula or sub.final):
            f.strong = f.strong or f"{mark}言ってる"
            return -1
        f.quoted = f.quoted or f"{mark}{verb.surface}{sub.passive}"
        return -1

    # -- verbs and nouns after the act ---------------------------------------------------------

    def verb(self, j: int, w: Word) -> int:
        """A verb after the act: a helper (やる, おく, いただく…) reads on; another verb after て or a
        stem carries the sentence (晒して炎上させてやる); after a noun it governs the noun."""
        f, n = self.form, w.norm
        cf = w.entry.conj_form
        if n in V.CANCEL and (self.linking or f.nominal is not None):
            f.cancel = f.cancel or w.surface
            return -1
        if self.linking or w.entry.pos2 == "非自立可能" and self.words[j - 1].entry.pos in ("名詞", "助動詞"):
            if n in V.BENEFACTIVE:
                f.benefactive = f.benefactive or ("て" + w.surface if w.surface.startswith(("や", "あ")) else w.surface)
            elif n in V.CARRYING:
                f.carrying = f.carrying or w.surface
            elif n in V.HUMBLE or w.entry.folded.startswith(("もらえ", "いただけ", "頂け", "貰え")):
                if f.causative:
                    f.humble = f.humble or f"{f.causative}て{w.surface}"
                elif w.entry.folded.startswith(("もらえ", "いただけ", "頂け", "貰え")):
                    f.request = f.request or w.surface  # 書いてもらえますか: asking someone else
                else:
                    f.humble = f.humble or f"て{w.surface}"  # 流してもらうわ: the speaker has it done
            elif n in V.REQUEST:
                f.request = f.request or w.surface
            elif n in V.PROGRESSIVE:
                f.progressive = f.progressive or w.surface
            elif n in V.RESULTATIVE:
                f.progressive = f.progressive or w.surface
            elif n in V.LIGHT_VERBS or n in V.POLITE_HUMBLE_VERBS:
                if n in V.POLITE_HUMBLE_VERBS:
                    f.humble = f.humble or w.surface
            elif w.entry.pos == "形容詞" and n in ("無い", "ない"):
                f.negative = f.negative or w.surface
                return j + 1
            else:
                return self.carry(j, w)
            if cf.startswith("命令形") and n not in V.REQUEST:
                f.imperative = f.imperative or w.surface
            elif cf.startswith("意志推量形"):
                f.volitional = f.volitional or w.surface
            self.linking = cf.startswith("連用形")
            return j + 1
        if w.entry.pos == "形容詞" and n in ("無い", "ない"):
            f.negative = f.negative or w.surface
            return j + 1
        return self.carry(j, w)

    def carry(self, j: int, w: Word) -> int:
        """The sentence goes on with another predicate: its form is the act's (a condition on the
        way, 検索したら…出てくるようにします, leaves it to the predicate after it)."""
        sub = _Scan(self.words, j + 1, self.stop)
        sub.head_form(w)
        result = sub.run()
        if result.conditional and not result.rhetorical and sub.cond_end >= 0 and sub.cond_end + 1 < self.stop:
            return self.chain(sub.cond_end + 1)
        for a in attrs.fields(_Form):
            if a.name != "end" and not getattr(self.form, a.name):
                setattr(self.form, a.name, getattr(result, a.name))
        return -1

    def chain(self, j: int) -> int:
        """The act's clause is linked to what follows (a noun or a verb later in the sentence)."""
        k = j
        while k < self.stop:
            w = self.words[k]
            if w.entry.pos in ("動詞",) or (w.entry.pos == "形容詞" and w.norm not in ("無い", "ない")):
                self.linking = True
                return self.carry(k, w)
            if w.entry.pos == "形容詞":
                self.form.negative = self.form.negative or w.surface
                return k + 1
            if w.entry.folded in _CLOSE or w.entry.pos2 == "句点":
                return k
            k += 1
        return -1

    def nominal(self, j: int, w: Word) -> int:
        """の/ん after the act: んだ, のです explain (read on); のか asks; のは, のって name it."""
        f = self.form
        nxt = self.peek(j + 1)
        if nxt is None:
            f.question = f.question or w.surface
            return -1
        s = nxt.entry.folded
        if s == "で" and nxt.norm == "だ":  # ので: a reason, the clause stands as said
            self.form.reason = self.form.reason or "ので"
            return self.finals(j + 2, "ので")
        if nxt.entry.pos == "助動詞":
            f.explained = f.explained or w.surface
            return j + 1
        if s in V.QUESTION_FINALS or s in ("?",):
            f.question = f.question or w.surface + s
            return self.finals(j + 1, "")
        if s in V.WEAK_FINALS or s in V.STRONG_FINALS:
            return j + 1
        if any(x.norm in V.CANCEL for x in self.words[j + 2:min(self.stop, j + 5)]):
            f.cancel = f.cancel or w.surface + s + "やめ"  # 晒すのはやめました
            return -1
        f.nominal = f.nominal or w.surface + s
        return -1

    def noun(self, j: int, w: Word) -> int:
        """A noun after the act: つもり/気 (intent, or its denial), こと (a decision, or a denial), or a
        noun the act describes (書かれていた営業時間, 口コミを書く人)."""
        f, n = self.form, w.norm
        prev = self.words[j - 1]
        if prev.entry.pos == "名詞" and not self.linking:
            return self.chain(j)
        if n in V.INTENT_NOUNS or n in V.KOTO or n in ("予定", "ところ", "所", "ため"):
            rest = self.words[j + 1:self.stop]
            texts = [r.entry.folded for r in rest]
            norms = [r.norm for r in rest]
            if any(x in V.NEGATIVE or x in ("無い", "ない") for x in norms[:5]):
                at = next(i for i, r in enumerate(rest) if r.norm in V.NEGATIVE or r.norm in ("無い", "ない"))
                polite = rest[at - 1].surface if at > 0 and rest[at - 1].norm == "ます" else ""
                f.negative = f.negative or f"{w.surface}…{polite}{rest[at].surface}"  # つもり…ません
                return -1
            if n in V.KOTO:
                if norms[:1] == ["だ"] and len(rest) <= 3:
                    f.imperative = f.imperative or "ことだ"  # 気をつけることだな: advice as a warning
                    return -1
                if "に" in texts[:1] and any(x in ("為る", "成る", "する", "なる") for x in norms[1:3]):
                    f.decision = f.decision or f"ことに{rest[1].surface}"
                    return -1
                if any(x in ("でき", "出来る", "できる") for x in norms[:4]):
                    return self.carry(j + next(i for i, x in enumerate(norms) if x in ("出来る", "できる")) + 1,
                                      rest[next(i for i, x in enumerate(norms) if x in ("出来る", "できる"))])
                f.nominal = f.nominal or w.surface
                return -1
            if n == "ため":
                f.nominal = f.nominal or w.surface
                return -1
            if any(x in ("か",) for x in texts[:3]) and not any(x in ("だ", "です") for x in norms[:2]):
                f.question = f.question or w.surface + "か"
                return -1
            f.intent = f.intent or w.surface
            return -1
        f.modifier = f.modifier or w.surface
        return -1
