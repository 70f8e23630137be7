"""The words after an act, read into its form: auxiliaries, particles, the helper verbs after て.

Part of the speech-act reader (speech.py): `Scan(words, i, stop).run()` reads from word i to the end
of the clause (following a chain of clauses joined by て or a stem: speech_clauses.py) and returns a `Form`
whose fields hold the words of each cue found (empty when absent). The clauses of a chain are read on
a stack of run's own, not by calls within calls: a chain as long as the sentence is read all the same.
"""
from __future__ import annotations

from typing import Sequence

from . import speech_words as V
from .speech_clauses import SUB, Clauses, Then
from .speech_form import Form
from .speech_marks import Marks
from .words import Word

# The clauses read in one text: (first word, end) -> (form, where its condition ends or -1).
Read = dict[tuple[int, int], tuple[Form, int]]


class Scan(Clauses):
    """Reads the words after an act, up to the end of its clause (following a chain of clauses joined
    by て or a stem to the predicate that carries the sentence), into a Form."""

    __slots__ = ()

    def __init__(self, words: Sequence[Word], i: int, stop: int, marks: Marks | None = None) -> None:
        self.words, self.i, self.stop = words, i, stop
        self.marks = Marks(words) if marks is None else marks  # (what is looked for past a few words)
        self.form = Form()
        self.linking = False  # after て / a stem: the next verb carries on the same act
        self.cond_end = -1  # where a condition on the act ends (the main clause follows)
        self.sub: tuple[int, Then] | None = None  # the clause to read on into (SUB)

    def run(self, read: Read | None = None) -> Form:
        """Reads the clause, and each clause it goes on into (speech_clauses.SUB: the next predicate,
        what is thought or said) before going on with what that one gives; returns the form.

        A clause's form depends only on where it starts and ends: `read` keeps those read (for
        every act found in one text: 「殺さない殺さない…」 reads each clause once, not once per act).
        The forms in it are not to be changed."""
        read = {} if read is None else read
        known = read.get((self.i, self.stop))
        if known is not None:
            return known[0]
        waiting: list[tuple[Clauses, Then]] = []  # the scanners reading on, and what each does then
        scan: Clauses = self
        j = scan.begin()
        while True:
            while 0 <= j < scan.stop:
                j = scan.step(j)
            if j == SUB:
                assert scan.sub is not None
                i, then = scan.sub
                scan.sub = None
                known = read.get((i, scan.stop))
                if known is not None:
                    j = then(*known)
                else:
                    waiting.append((scan, then))
                    scan = Scan(scan.words, i, scan.stop, scan.marks)
                    j = scan.begin()
                continue
            read[(scan.i, scan.stop)] = (scan.form, scan.cond_end)
            if not waiting:
                return self.form
            done = scan
            scan, then = waiting.pop()
            j = then(done.form, done.cond_end)

    def begin(self) -> int:
        """The form the word before the clause gives it (晒せ: imperative); the first index to read."""
        if self.i > 0:
            self.head_form(self.words[self.i - 1])
        return self.i

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
            if s in V.CLOSING:
                return self.after_quote(j + 1, "」")
            if s in V.OPENING:
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
            if not cf.startswith("意志推量形"):  # (だろう / でしょう: a guess; the particles decide)
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
            after = self.words[j + 2: min(self.stop, j + 6)]
            if any(a.norm in ("いける", "行ける", "なる", "成る", "済む", "駄目", "だめ", "得る", "しょうがない",
                              "仕方") for a in after) or w.entry.folded == "ざる" or (nxt and nxt.entry.folded == "きゃ"):
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
        main = self.words[j + 1: min(self.stop, j + 4)]
        if "".join(w.entry.folded for w in main).startswith(("なあかん", "なあかへん", "ないかん", "なならん")):
            f.obligation = f.obligation or cue + "なあかん"  # しばいたらなあかん: Kansai "must"
            return -1
        k = self.marks.first(_rhetorical_main, j + 1, self.stop)
        if k >= 0 and self.marks.first(_past, j + 1, self.stop) < 0:
            f.rhetorical = f.rhetorical or f"{cue}…{self.words[k].surface}"
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
            elif s in V.CLOSING:
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


def _rhetorical_main(words: Sequence[Word], k: int) -> bool:
    return words[k].norm in V.RHETORICAL_MAIN


def _past(words: Sequence[Word], k: int) -> bool:
    return words[k].norm == "た" and not words[k].entry.conj_form.startswith("仮定形")
