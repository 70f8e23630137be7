"""The clause around an act: what follows て, a concession, a quotation, a noun, the next predicate.

The second half of the scanner of speech.py (speech_scan.Scan inherits these methods): each reads on
from a word and fills the scanner's form, returning the next index, or -1 when the clause is over.

Where the reading goes on in a clause of its own (the next predicate: `carry`; what is thought or
said: `thought`, `reported`), the method does not read it itself: it returns SUB, with where that
clause starts and what to do with its form (`self.sub`), and Scan.run reads it on a stack of its own
and then calls that. A sentence may chain any number of predicates (「殺す殺す殺す…」), and Python's
stack would not hold one call per clause.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import attrs

from . import speech_words as V
from .speech_form import Form
from .speech_marks import Marks
from .words import Word

# Returned instead of an index: the clause from word `self.sub[0]` is read next (by Scan.run).
SUB = -2
# What a scanner does with the form of the clause it read on into (and where that clause's condition
# ends, or -1): the index it goes on from, -1 or SUB.
Then = Callable[[Form, int], int]
_CUES = tuple(a.name for a in attrs.fields(Form))


class Clauses:
    """Part of speech_scan.Scan: the methods that leave the act's own auxiliaries."""

    __slots__ = ("words", "i", "stop", "marks", "form", "linking", "cond_end", "sub")  # (set by speech_scan.Scan)

    if TYPE_CHECKING:  # provided by speech_scan.Scan
        words: Sequence[Word]
        i: int
        stop: int
        marks: Marks
        form: Form
        linking: bool
        cond_end: int
        sub: tuple[int, Then] | None

        def __init__(self, words: Sequence[Word], i: int, stop: int, marks: Marks | None = None) -> None: ...
        def begin(self) -> int: ...
        def step(self, j: int) -> int: ...
        def head_form(self, w: Word) -> None: ...
        def peek(self, j: int) -> Word | None: ...
        def conditional(self, j: int, cue: str) -> int: ...
        def finals(self, j: int, lead: str) -> int: ...

    def read_sub(self, i: int, then: Then) -> int:
        """Reads on in the clause from word i (to the same end), then `then(its form, its condition's
        end)` gives where this one goes on."""
        self.sub = (i, then)
        return SUB

    def after_te(self, j: int, te: str) -> int:
        """After て/で: a helper verb keeps reading the same act; も makes a concession; a request
        or the end of the sentence leaves it to someone else."""
        f = self.form
        nxt = self.peek(j)
        if nxt is None:
            f.request = f.request or te
            return -1
        s = nxt.entry.folded
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
        f, words, marks, stop = self.form, self.words, self.marks, self.stop
        if j < stop and words[j].entry.folded == "も":
            j += 1
        if j < stop and (words[j].norm in V.ALLOW or words[j].surface in V.ALLOW):
            allow = words[j].surface
            a = j + 1  # the clause after いい: words[a:b]
            b = marks.first(_comma, a, stop)
            b = stop if b < 0 else b
            if marks.first(_explaining, a, b) >= 0 and marks.first(_guessing, a, b) < 0:
                f.rhetorical = f.rhetorical or cue + allow + "ん"
                return -1
            if a >= b or words[a].entry.folded in ("な", "ね", "よ") or marks.first(_yoroshii, a, b) >= 0:
                if marks.first(_asking, a, b) < 0 or marks.first(_na, a, b) >= 0:
                    f.rhetorical = f.rhetorical or cue + allow
                    return -1
            f.question = f.question or cue + allow + "か"  # 載せてもいいですか: asking permission
            return -1
        for w in words[j:min(stop, j + 4)]:
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
        return self.read_sub(self.words.index(verb, j) + 1, self._thought)

    def _thought(self, sub: Form, cond_end: int) -> int:
        f = self.form
        if sub.past or sub.negative or sub.question or sub.conditional:
            f.past = f.past or ("と思" + (sub.past or sub.negative or sub.question or sub.conditional))
            f.negative = f.negative or (sub.negative if not sub.past else "")
            return -1
        if f.volitional or f.benefactive or f.desire or sub.progressive or sub.polite or sub.final is not None:
            f.intent = f.intent or "と思う"
        return -1

    def reported(self, j: int, verb: Word, mark: str) -> int:
        """「晒すぞ」と言われた (quoted: someone else's words), 晒すって言ってんだよ (the speaker's own)."""
        k = self.words.index(verb, j)
        return self.read_sub(k + 1, lambda sub, cond_end: self._reported(sub, verb, mark))

    def _reported(self, sub: Form, verb: Word, mark: str) -> int:
        f = self.form
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
        return self.read_sub(j + 1, self._carried)  # (its form begins with w's: Scan.begin)

    def _carried(self, result: Form, cond_end: int) -> int:
        if result.conditional and not result.rhetorical and cond_end >= 0 and cond_end + 1 < self.stop:
            return self.chain(cond_end + 1)
        f = self.form
        for name in _CUES:  # the cues this clause leaves unsaid, as the next one says them
            cue = getattr(result, name)
            if cue and not getattr(f, name):
                setattr(f, name, cue)
        return -1

    def chain(self, j: int) -> int:
        """The act's clause is linked to what follows (a noun or a verb later in the sentence)."""
        k = self.marks.first(_chained, j, self.stop)
        if k < 0:
            return -1
        w = self.words[k]
        if w.entry.pos in ("動詞",) or (w.entry.pos == "形容詞" and w.norm not in ("無い", "ない")):
            self.linking = True
            return self.carry(k, w)
        if w.entry.pos == "形容詞":
            self.form.negative = self.form.negative or w.surface
            return k + 1
        return k  # a closing bracket, the end of the sentence

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
            rest = self.words[j + 1:min(self.stop, j + 6)]  # (what is asked of them is in the first five)
            texts = [r.entry.folded for r in rest]
            norms = [r.norm for r in rest]
            if any(x in V.NEGATIVE or x in ("無い", "ない") for x in norms[:5]):
                at = next(i for i, r in enumerate(rest) if r.norm in V.NEGATIVE or r.norm in ("無い", "ない"))
                polite = rest[at - 1].surface if at > 0 and rest[at - 1].norm == "ます" else ""
                f.negative = f.negative or f"{w.surface}…{polite}{rest[at].surface}"  # つもり…ません
                return -1
            if n in V.KOTO:
                if norms[:1] == ["だ"] and self.stop - (j + 1) <= 3:
                    f.imperative = f.imperative or "ことだ"  # 気をつけることだな: advice as a warning
                    return -1
                if "に" in texts[:1] and any(x in ("為る", "成る", "する", "なる") for x in norms[1:3]):
                    f.decision = f.decision or f"ことに{rest[1].surface}"
                    return -1
                if any(x in ("でき", "出来る", "できる") for x in norms[:4]):
                    can = self.marks.first(_can, j + 1, self.stop)
                    if can >= 0:
                        return self.carry(can, self.words[can])
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


# The tests the reader puts to the words after an act (speech_marks.Marks: once per text).

def _comma(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded in ("、", ",")


def _explaining(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.pos2 == "準体助詞" or words[k].entry.folded in ("ねん", "んや", "んだ", "んで")


def _guessing(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded == "でしょう"


def _yoroshii(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded == "よろしい"


def _asking(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded in ("か", "?", "かな", "かしら")


def _na(words: Sequence[Word], k: int) -> bool:
    return words[k].entry.folded == "な"


def _chained(words: Sequence[Word], k: int) -> bool:
    """A predicate the act's clause is linked to, or where the linking ends."""
    e = words[k].entry
    return e.pos in ("動詞", "形容詞") or e.folded in V.CLOSING or e.pos2 == "句点"


def _can(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in ("出来る", "できる")
