"""Conditions → plain Japanese or English for the staff guideline, using labels, not field names."""
from __future__ import annotations

import re
from typing import cast

from ..syntax import nodes as n
from .. import values as vt
from ..check.checked import CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, PhrasesRef
from ..syntax.printer import quote
from ..syntax.visitor import Visitor

_JA_UNITS = tuple((ja, micros) for _, _, micros, ja, _, _ in vt.DURATION_UNITS)
_EN_UNITS = tuple((en, micros) for _, _, micros, _, _, en in vt.DURATION_UNITS)
_SIMPLE_ALTERNATION = re.compile(r"[^\\^$.|?*+()\[\]{}]+(\|[^\\^$.|?*+()\[\]{}]+)*")
LIST_INLINE = 6  # phrase lists up to this size are spelled out where they are used
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def attach(clause: str, word: str) -> str:
    """Join a Japanese clause to もの/とき: a clause that ends in a noun (以上, 以降…) needs の."""
    if clause.endswith(("る", "い", "た", "ない", "す")) or clause.endswith("）"):
        return clause + word
    return clause + "の" + word


def quoted(text: str, ja: bool) -> str:
    """A text as a reader sees it quoted, its own quotes kept apart from the marks around it: 「…」 in
    Japanese (『…』 when the text holds 「 or 」), "…" in English (“…” when it holds a `"`); a text that
    holds both kinds is written as in the policy, with backslashes.

    >>> print(quoted('say "hi"', False), quoted("「はい」", True))
    “say "hi"” 『「はい」』
    """
    marks = (("「", "」"), ("『", "』")) if ja else (('"', '"'), ("\u201c", "\u201d"))
    for left, right in marks:
        if left not in text and right not in text:
            return f"{left}{text}{right}"
    return quote(text)


def _type(node: object) -> vt.Type:
    """The checker's type of a node of the resolved tree (its `type` slot)."""
    return cast(vt.Type, getattr(node, "type"))


class Verbalizer(Visitor):
    """Reads expressions aloud in `lang` ("ja" or "en"): conditions as sentences (`visit_<Node>`
    methods here), values as noun phrases (`_Nouns`)."""

    def __init__(self, policy: CheckedPolicy, lang: str, codes: bool = False) -> None:
        self.p = policy
        self.lang = lang
        self.ja = lang == "ja"
        self.codes = codes  # a `one of` value as its label and its code (the auditor's edition), else the label
        self._nouns = _Nouns(self)

    # -- top level: a rule's `when` ---------------------------------------------------------

    def criteria(self, expr: object) -> tuple[str, list[object]]:
        """(lead, items): a top-level `and`/`or` becomes a checklist, anything else one sentence."""
        if isinstance(expr, n.And):
            operands = self.without_presence_guards(expr.operands)
            if len(operands) == 1:
                return self.criteria(operands[0])
            lead = "次のすべてに当たるとき" if self.ja else "when all of the following hold"
            return lead, [self.item(o) for o in operands]
        if isinstance(expr, n.Or):
            lead = "次のいずれかに当たるとき" if self.ja else "when any of the following holds"
            return lead, [self.item(o) for o in expr.operands]
        return (attach(self.sentence(expr), "とき") if self.ja else "when " + self.sentence(expr)), []

    def without_presence_guards(self, operands: tuple[n.Spanned, ...]) -> list[n.Spanned]:
        """Drop `x is present` when another part reads x: staff read `x >= 60min` as implying it."""
        out = []
        for i, o in enumerate(operands):
            if isinstance(o, n.IsMissing) and o.present and isinstance(o.value, n.Name):
                others = operands[:i] + operands[i + 1:]
                if any(isinstance(x, n.Name) and x.id == o.value.id for other in others for x in n.walk(other)):
                    continue
            out.append(o)
        return out

    def item(self, expr: object) -> object:
        """A checklist item: a sentence, or (lead, sub-items) for a nested and/or."""
        if isinstance(expr, (n.And, n.Or)) and len(expr.operands) > 1:
            word = ("次のすべて" if isinstance(expr, n.And) else "次のいずれか") if self.ja else \
                ("all of" if isinstance(expr, n.And) else "any of")
            return (word + ("に当たる" if self.ja else ":"), [self.sentence(o) for o in expr.operands])
        return self.sentence(expr)

    # -- sentences (conditions) ------------------------------------------------------------------

    def sentence(self, e: object, negate: bool = False) -> str:
        text: str = self.visit(e, negate)
        return text

    def _value(self, e: object, negate: bool) -> str:
        """A value read where a condition is expected (a true/false record field `a.b`)."""
        text = self.noun(e)
        return self._not(text) if negate else text

    visit_Path = visit_NumberLit = visit_StringLit = visit_DurationLit = visit_DateLit = _value
    visit_DateTimeLit = visit_ListLit = visit_Negate = visit_Binary = _value

    def _not(self, text: str) -> str:
        return f"「{text}」ではない" if self.ja else f"not ({text})"

    def visit_BoolLit(self, e: n.BoolLit, negate: bool) -> str:
        value = e.value != negate
        return ("常に当たる" if value else "当たらない") if self.ja else ("always" if value else "never")

    def visit_Name(self, e: n.Name, negate: bool) -> str:
        ref = e.ref
        if isinstance(ref, DefineRef):
            label = self.define_title(ref.name)
            if self.ja:
                return f"{label}に当たらない" if negate else f"{label}に当たる"
            return f"{label} does not apply" if negate else f"{label} applies"
        return self.flag(self.noun(e), not negate)

    def flag(self, label: str, positive: bool) -> str:
        """A true/false field read as a sentence."""
        if not self.ja:
            return f"{label} is {'true' if positive else 'false'}"
        if label.endswith("ている"):
            return label if positive else label[:-3] + "ていない"
        if label.endswith(("る", "た", "い")):
            return label if positive else f"「{label}」に当たらない"
        return f"{label}がある" if positive else f"{label}がない"

    def visit_Not(self, e: n.Not, negate: bool) -> str:
        return self.sentence(e.operand, not negate)

    def visit_And(self, e: n.And, negate: bool) -> str:
        operands = self.without_presence_guards(e.operands)
        if len(operands) == 1:
            return self.sentence(operands[0], negate)
        text = ("、かつ" if self.ja else ", and ").join(self.group(o) for o in operands)
        return self._not(text) if negate else text

    def visit_Or(self, e: n.Or, negate: bool) -> str:
        text = ("、または" if self.ja else ", or ").join(self.group(o) for o in e.operands)
        return self._not(text) if negate else text

    def group(self, e: object) -> str:
        """A part of an and/or, bracketed when it reads as an and/or itself (`not not (a and b)`
        too; `not (a and b)` reads "not (…)", bracketed already)."""
        text = self.sentence(e)
        flips = 0
        while isinstance(e, n.Not):
            e, flips = e.operand, flips + 1
        if isinstance(e, n.And):
            joined = len(self.without_presence_guards(e.operands)) > 1
        else:
            joined = isinstance(e, n.Or)
        if not joined or flips % 2:
            return text
        return f"（{text}）" if self.ja else f"({text})"

    _JA_CMP = {">=": "以上", ">": "を超える", "<=": "以下", "<": "未満"}
    _JA_TIME = {">=": "以降", ">": "より後", "<=": "以前", "<": "より前"}
    _EN_CMP = {">=": "is at least", ">": "is more than", "<=": "is at most", "<": "is less than"}
    _EN_TIME = {">=": "is on or after", ">": "is after", "<=": "is on or before", "<": "is before"}
    _NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}

    def visit_Compare(self, e: n.Compare, negate: bool) -> str:
        op = self._NEGATED[e.op] if negate else e.op
        left, right = e.left, e.right
        if isinstance(right, n.BoolLit) or isinstance(left, n.BoolLit):
            subject, lit = (left, right) if isinstance(right, n.BoolLit) else (right, left)
            positive = lit.value if op == "==" else not lit.value  # type: ignore[attr-defined]  # lit is the BoolLit
            return self.sentence(subject, not positive) if isinstance(subject, n.Name) else \
                self.flag(self.noun(subject), positive)
        a, b = self.value_noun(left, right), self.value_noun(right, left)
        kind = _type(left).kind
        timed = kind in (vt.DATE, vt.DATETIME)
        if self.ja:
            if op == "==":
                return f"{a}が{b}"
            if op == "!=":
                return f"{a}が{b}ではない"
            return f"{a}が{b}{(self._JA_TIME if timed else self._JA_CMP)[op]}"
        if op == "==":
            return f"{a} is {b}"
        if op == "!=":
            return f"{a} is not {b}"
        return f"{a} {(self._EN_TIME if timed else self._EN_CMP)[op]} {b}"

    def visit_Between(self, e: n.Between, negate: bool) -> str:
        v, lo, hi = self.noun(e.value), self.noun(e.low), self.noun(e.high)
        if self.ja:
            text = f"{v}が{lo}以上{hi}以下"
        else:
            text = f"{v} is between {lo} and {hi} (inclusive)"
        return self._not(text) if negate else text

    def visit_IsMissing(self, e: n.IsMissing, negate: bool) -> str:
        recorded = e.present != negate
        v = self.noun(e.value)
        if self.ja:
            return f"{v}の記録がある" if recorded else f"{v}の記録がない"
        return f"{v} is recorded" if recorded else f"{v} is not recorded"

    def visit_In(self, e: n.In, negate: bool) -> str:
        none = e.negated != negate
        v = self.noun(e.value)
        target = self.set_of(e.container, _type(e.value))
        if self.ja:
            return f"{v}が{target}のいずれでもない" if none else f"{v}が{target}のいずれか"
        return f"{v} is none of {target}" if none else f"{v} is one of {target}"

    def visit_Contains(self, e: n.Contains, negate: bool) -> str:
        s = self.noun(e.subject)
        textual = _type(e.subject).is_textual
        if e.mode == "one":
            x = self.value_noun(e.item, None, _type(e.subject).elem() if _type(e.subject).is_list else None)
            if self.ja:
                verb = ("含まれない" if negate else "含まれる") if textual else ("ない" if negate else "ある")
                return f"{s}に{x}が{verb}"
            return f"{s} {'does not contain' if negate else 'contains'} {x}"
        target = self.set_of(e.item, _type(e.subject).elem() if _type(e.subject).is_list else None)
        if self.ja:
            amount = "いずれか" if e.mode == "any" else "すべて"
            verb = "含まれない" if negate else "含まれる"
            return f"{s}に{target}の{amount}が{verb}"
        amount = "any of" if e.mode == "any" else "all of"
        return f"{s} {'does not contain' if negate else 'contains'} {amount} {target}"

    def visit_Mentions(self, e: n.Mentions, negate: bool) -> str:
        """Words said, not letters: 「発言内容に〈脅迫〉のいずれかの語が含まれる」."""
        s = self.noun(e.subject)
        if e.mode == "one":
            x = self.noun(e.item)
            if self.ja:
                return f"{s}に{x}という語が{'含まれない' if negate else '含まれる'}（活用した形や表記の違いも含む）"
            return f"{s} {'does not mention' if negate else 'mentions'} the word {x} (in any of its forms)"
        target = self.set_of(e.item)
        ref = e.item.ref if isinstance(e.item, n.Name) else None
        kind = self.p.phrases[ref.name].kind if isinstance(ref, PhrasesRef) else None
        said = _SAID[("ja" if self.ja else "en", kind)] if kind is not None else ""
        if self.ja:
            amount = "いずれか" if e.mode == "any" else "すべて"
            return f"{s}に{target}の{amount}の語が{said}{'含まれない' if negate else '含まれる'}"
        amount = "any of the words" if e.mode == "any" else "every one of the words"
        return f"{s} {'does not mention' if negate else 'mentions'} {amount} in {target}{said}"

    def visit_Matches(self, e: n.Matches, negate: bool) -> str:
        s = self.noun(e.subject)
        pattern = e.pattern.value
        if _SIMPLE_ALTERNATION.fullmatch(pattern):
            words = pattern.split("|")
            if self.ja:
                listed = "".join(quoted(w, True) for w in words)
                verb = "含まれない" if negate else "含まれる"
                return f"{s}に{listed}{'のいずれか' if len(words) > 1 else ''}が{verb}（表記どおり。ひらがなとカタカナは区別する）"
            listed = ", ".join(quoted(w, False) for w in words)
            return f"{s} {'does not contain' if negate else 'contains'} {'any of ' if len(words) > 1 else ''}" \
                   f"{listed} (as written: hiragana and katakana are told apart)"
        if self.ja:
            return f"{s}が正規表現{quoted(pattern, True)}に{'当てはまらない' if negate else '当てはまる'}"
        return f"{s} {'does not match' if negate else 'matches'} the pattern {quoted(pattern, False)}"

    def visit_Call(self, e: n.Call, negate: bool) -> str:
        if e.func not in ("any", "all") or e.where is None:
            return self._not(self.noun(e)) if negate else self.noun(e)
        items = self.noun(e.arg)
        cond = self.sentence(e.where)
        if self.ja:
            text = f"{items}の{'いずれか' if e.func == 'any' else 'すべて'}が、{cond}"
        else:
            text = f"{'at least one' if e.func == 'any' else 'every one'} of the {items}: {cond}"
        return self._not(text) if negate else text

    # -- noun phrases (values) -----------------------------------------------------------------

    def noun(self, e: object) -> str:
        text: str = self._nouns.visit(e)
        return text

    def field_title(self, f: Field) -> str:
        if self.ja:
            return f.label or f.name
        return f.name.replace("_", " ")

    def define_title(self, name: str) -> str:
        d = self.p.defines[name]
        if self.ja:
            return f"〔{d.label or d.name}〕"
        return f"[{d.name.replace('_', ' ')}]"

    def duration(self, micros: int) -> str:
        sign = "-" if micros < 0 else ""
        micros = abs(micros)
        units = _JA_UNITS if self.ja else _EN_UNITS
        for word, size in units:
            if micros >= size and micros % (size // 2 if size > 1_000_000 else size) == 0:
                amount = micros / size
                text = f"{amount:g}"
                if self.ja:
                    return f"{sign}{text}{word}"
                return f"{sign}{text} {word}{'' if amount == 1 else 's'}"
        seconds = micros / 1_000_000
        return f"{sign}{seconds:g}秒" if self.ja else f"{sign}{seconds:g} seconds"
    # -- sets of values -------------------------------------------------------------------------------

    def value_noun(self, e: object, other: object, t: vt.Type | None = None) -> str:
        """A value read aloud; a text compared with a `one of` value (the type of `other`, or `t`)
        as the label people know it by: 「電話」, not 「phone」."""
        t = t if t is not None else _type(other) if other is not None else None
        if isinstance(e, n.StringLit) and t is not None and t.kind == vt.ENUM:
            return self.enum_word(e.value, t)
        return self.noun(e)

    def enum_word(self, value: str, t: vt.Type) -> str:
        """A `one of` value as people read it: its label; in English, a Japanese label gives way to
        the value itself (`web_form` as "web form"), as a field reads by its name there."""
        label = t.label_of(value)
        if not self.ja and _JAPANESE.search(label):
            label = value.replace("_", " ")
        if self.codes and label != value:
            return quoted(f"{label}（{value}）", True) if self.ja else f"{quoted(label, False)} ({value})"
        return quoted(label, self.ja)

    def set_of(self, e: object, t: vt.Type | None = None) -> str:
        """A list literal or a phrase list, spelled out when short; the texts of a list compared
        with `one of` values (`t`) as their labels."""
        if isinstance(e, n.ListLit):
            values = [self.enum_word(i.value, t) if isinstance(i, n.StringLit) and t is not None and t.kind == vt.ENUM
                      else self.noun(i) for i in e.items]
            return "".join(values) if self.ja else ", ".join(values)
        ref = e.ref if isinstance(e, n.Name) else None
        if isinstance(ref, PhrasesRef):
            plist = self.p.phrases[ref.name]
            title = plist.label or plist.name if self.ja else plist.name.replace("_", " ")
            if len(plist.phrases) <= LIST_INLINE:
                inner = ("" if self.ja else ", ").join(quoted(x, self.ja) for x in plist.phrases)
                return f"〈{title}〉（{inner}）" if self.ja else f"the phrases \"{title}\" ({inner})"
            return f"〈{title}〉（語句の一覧を参照）" if self.ja else f"the phrases \"{title}\" (see the phrase lists)"
        return self.noun(e)


def _plain(e: n.Binary) -> bool:
    """Whether an arithmetic value reads in English as "a OP b", its operands in the policy's order
    (not a time's "30 days before …", nor "2 times a" for `a * 2`)."""
    timed = _type(e.left).kind in (vt.DATE, vt.DATETIME)
    return not timed and not (e.op == "*" and isinstance(e.right, n.NumberLit))


# How a phrase list's kind reads in a sentence (check/checked.PHRASE_KINDS; text/speech.py).
_SAID = {
    ("ja", "announced"): "、話し手が予告・要求・威嚇する形で",
    ("ja", "claimed"): "、話し手が後ろ盾として持ち出す形で",
    ("ja", "implied"): "、暗黙の脅しとして（知っていると示す・警告する形で）",
    ("en", "announced"): ", announced, demanded or threatened by the speaker (not reported, denied, asked about or quoted)",
    ("en", "claimed"): ", claimed by the speaker as backing (not merely named)",
    ("en", "implied"): ", as an implicit threat (knowledge shown or a warning; not denied, asked about or quoted)",
}


class _Nouns(Visitor):
    """Values read aloud as noun phrases, for the verbaliser `v` (its language and words)."""

    def __init__(self, v: Verbalizer) -> None:
        self.v = v

    def _condition(self, e: object) -> str:
        """A condition used as a value (`flag == (a > b)`): read as its sentence."""
        return self.v.sentence(e)

    visit_Not = visit_And = visit_Or = visit_Compare = visit_Between = visit_IsMissing = _condition
    visit_In = visit_Contains = visit_Mentions = visit_Matches = _condition

    def visit_Name(self, e: n.Name) -> str:
        ref = e.ref
        if isinstance(ref, (FieldRef, ElementRef)):
            return self.v.field_title(ref.field)
        if isinstance(ref, DefineRef):
            return self.v.define_title(ref.name)
        if isinstance(ref, PhrasesRef):
            return self.v.set_of(e)
        return e.id

    def visit_Path(self, e: n.Path) -> str:
        f = e.ref
        title = self.v.field_title(f) if isinstance(f, Field) else e.attr
        base = self.v.noun(e.base)
        return f"{base}の{title}" if self.v.ja else f"the {title} of the {base}"

    def visit_NumberLit(self, e: n.NumberLit) -> str:
        v = e.value
        return f"{v:,}" if isinstance(v, int) else str(v)

    def visit_StringLit(self, e: n.StringLit) -> str:
        return quoted(e.value, self.v.ja)

    def visit_BoolLit(self, e: n.BoolLit) -> str:
        return ("はい" if e.value else "いいえ") if self.v.ja else ("true" if e.value else "false")

    def visit_DurationLit(self, e: n.DurationLit) -> str:
        return self.v.duration(e.micros)

    def visit_DateLit(self, e: n.DateLit) -> str:
        d = e.value
        return f"{d.year}年{d.month}月{d.day}日" if self.v.ja else d.isoformat()

    def visit_DateTimeLit(self, e: n.DateTimeLit) -> str:
        return e.text

    def visit_ListLit(self, e: n.ListLit) -> str:
        return self.v.set_of(e)

    def visit_Negate(self, e: n.Negate) -> str:
        operand = self._grouped(e.operand, isinstance(e.operand, (n.Binary, n.Negate)))
        return f"マイナス{operand}" if self.v.ja else f"minus {operand}"

    def _grouped(self, e: object, group: bool) -> str:
        """A value as a part of a bigger one, in brackets when `group`."""
        text = self.v.noun(e)
        return (f"（{text}）" if self.v.ja else f"({text})") if group else text

    def _part(self, e: object, parent: n.Binary, leading: bool) -> str:
        """An operand of `parent`, bracketed where the reading would otherwise be ambiguous. A
        compound operand is bracketed, except the one read first: in Japanese every form closes
        with its own words (…を引いた値, …の合計), so the first operand needs none; in English only
        a left-to-right chain of one family reads unbracketed ("a minus b minus 1" is (a - b) - 1,
        "a minus (b minus 1)" the other), and "minus a" binds tighter than any operator."""
        if not isinstance(e, (n.Binary, n.Negate)):
            return self.v.noun(e)
        if leading and (self.v.ja or isinstance(e, n.Negate)):
            return self.v.noun(e)
        chain = leading and isinstance(e, n.Binary) and _plain(e) and _plain(parent) and \
            (e.op in "+-") == (parent.op in "+-")
        return self._grouped(e, not chain)

    def visit_Binary(self, e: n.Binary) -> str:
        ta, tb = _type(e.left).kind, _type(e.right).kind
        timed = ta in (vt.DATE, vt.DATETIME)
        if timed and tb == vt.DURATION and e.op in "+-":
            if self.v.ja:
                a, b = self._part(e.left, e, True), self._part(e.right, e, False)
                return f"{a}の{b}{'前' if e.op == '-' else '後'}"
            a, b = self._part(e.left, e, False), self._part(e.right, e, True)
            return f"{b} {'before' if e.op == '-' else 'after'} {a}"
        if timed and e.op == "-":
            a, b = self._part(e.left, e, False), self._part(e.right, e, True)
            return f"{b}から{a}までの時間" if self.v.ja else f"the time from {b} to {a}"
        if e.op == "*" and isinstance(e.right, n.NumberLit) or e.op == "*" and isinstance(e.left, n.NumberLit):
            # a number times a value: 「aの2倍」, "2 times a" (the value first in Japanese, the number in English)
            number, value = (e.right, e.left) if isinstance(e.right, n.NumberLit) else (e.left, e.right)
            if self.v.ja:
                return f"{self._part(value, e, True)}の{self.v.noun(number)}倍"
            return f"{self.v.noun(number)} times {self._part(value, e, False)}"
        a, b = self._part(e.left, e, True), self._part(e.right, e, False)
        if self.v.ja:
            return {"+": f"{a}と{b}の合計", "-": f"{a}から{b}を引いた値", "*": f"{a}と{b}の積",
                    "/": f"{a}を{b}で割った値"}[e.op]
        return {"+": f"{a} plus {b}", "-": f"{a} minus {b}", "*": f"{a} times {b}", "/": f"{a} divided by {b}"}[e.op]

    def visit_Call(self, e: n.Call) -> str:
        f = e.func
        if f in ("any", "all"):
            return self.v.visit_Call(e, False)
        if f == "len":
            return f"{self.v.noun(e.arg)}の文字数" if self.v.ja else f"the length of {self.v.noun(e.arg)}"
        if f == "count":
            items = self.v.noun(e.arg)
            if e.where is None:
                return f"{items}の件数" if self.v.ja else f"the number of {items}"
            cond = self.v.sentence(e.where)
            return f"{items}のうち、{attach(cond, 'もの')}の件数" if self.v.ja else f"the number of {items} where {cond}"
        # sum / min / max of a list, usually a projection `list.field`
        if isinstance(e.arg, n.Path):
            items, part = self.v.noun(e.arg.base), self.v.field_title(cast(Field, e.arg.ref))
        else:
            items, part = self.v.noun(e.arg), ""
        timed = _type(e).kind in (vt.DATE, vt.DATETIME)
        if self.v.ja:
            word = {"sum": "の合計", "min": "のうち最も早いもの" if timed else "の最小値",
                    "max": "のうち最も遅いもの" if timed else "の最大値"}[f]
            return f"{items}の{part}{word}" if part else f"{items}{word}"
        word = {"sum": "the total", "min": "the earliest" if timed else "the smallest",
                "max": "the latest" if timed else "the largest"}[f]
        return f"{word} {part} of the {items}" if part else f"{word} of {items}"
