"""The staff guide's sentences say one condition each: arithmetic and and/or/not read back unambiguously.

The property: every sentence the verbaliser gives for a random condition over numbers (`+ - * /`,
unary minus, comparisons) and true/false fields (`and`, `or`, `not`) is in a small grammar of the
guide's wording (one per language, below), has exactly ONE parse in it (Lark's Earley parser with
`ambiguity="explicit"` keeps every parse, so a second one shows as an `_ambig` node), and that parse
is the condition itself, up to what the wording deliberately folds: `not` pushed into comparisons
and true/false fields ("is less than", "is false"), `not not x` as x, and `a * 2` read as "2 times a".
Since the reading back is a function of the sentence, two conditions that differ in more than
those foldings never share a sentence — which is what "generated from the policy, so the two never
disagree" needs.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import given, settings, strategies as st
from lark import Lark, Token, Tree

from kasuhara_rules import parse_policy
from kasuhara_rules.render.verbalize import Verbalizer
from tests.conftest import budget

HEADER = ('policy "t" {\n  id t\n  version "1"\n  otherwise claim\n}\n'
          'outcomes { claim, kasuhara }\nseverities { low }\nescalations { staff }\n'
          'schema {\n  id: text key\n  a: int\n  b: int\n  c: int\n  p: bool\n  q: bool\n}\n')

EN = r"""
?start: cond
?cond: conj | disj | simple
conj: item (", and " item)+
disj: item (", or " item)+
?item: simple | "(" conj ")" | "(" disj ")"
?simple: flag | cmp | notgroup
notgroup: "not (" (conj | disj) ")"
flag: FLAG " is " TRUTH
cmp: val CMP val
CMP: " is at least " | " is more than " | " is at most " | " is less than " | " is not " | " is "
TRUTH: "true" | "false"
?val: add | mul | lead
add: (add | lead) ADDOP trail
mul: (mul | lead) MULOP trail
ADDOP: " plus " | " minus "
MULOP: " times " | " divided by "
?lead: trail | neg
?trail: num | field | "(" val ")"
neg: "minus " trail
num: NUM
field: FIELD
NUM: /-?\d{1,3}(,\d{3})*(\.\d+)?/
FIELD: "a" | "b" | "c"
FLAG: "p" | "q"
"""

JA = r"""
?start: cond
?cond: conj | disj | simple
conj: item ("、かつ" item)+
disj: item ("、または" item)+
?item: simple | "（" conj "）" | "（" disj "）"
?simple: flag | cmp | notgroup
notgroup: "「" (conj | disj) "」ではない"
flag: FLAG JA_TRUTH
JA_TRUTH: "がある" | "がない"
cmp: val "が" val JA_CMP?
JA_CMP: "以上" | "を超える" | "以下" | "未満" | "ではない"
?val: trail | neg | ja_add | ja_sub | ja_mul | ja_div | ja_times
ja_add: val "と" trail "の合計"
ja_sub: val "から" trail "を引いた値"
ja_mul: val "と" trail "の積"
ja_div: val "を" trail "で割った値"
ja_times: val "の" num "倍"
?trail: num | field | "（" val "）"
neg: "マイナス" trail
num: NUM
field: FIELD
NUM: /-?\d{1,3}(,\d{3})*(\.\d+)?/
FIELD: "a" | "b" | "c"
FLAG: "p" | "q"
"""

EN_CMP = {" is at least ": ">=", " is more than ": ">", " is at most ": "<=", " is less than ": "<",
          " is not ": "!=", " is ": "=="}
JA_CMP = {"以上": ">=", "を超える": ">", "以下": "<=", "未満": "<", "ではない": "!=", None: "=="}
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


@lru_cache(maxsize=2)
def parser(lang: str) -> Lark:
    return Lark(EN if lang == "en" else JA, parser="earley", lexer="dynamic", ambiguity="explicit")


def number(text: str) -> Any:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def back(t: Any) -> tuple[Any, ...]:
    """A parse of a sentence as a condition (the tuples `normal` gives)."""
    assert isinstance(t, Tree), t
    assert t.data != "_ambig", "two readings"
    kids = t.children
    data = str(t.data)
    if data == "num":
        return ("num", number(str(kids[0])))
    if data == "field":
        return ("field", str(kids[0]))
    if data == "neg":
        return ("neg", back(kids[0]))
    if data in ("add", "mul"):
        return ("bin", {" plus ": "+", " minus ": "-", " times ": "*", " divided by ": "/"}[str(kids[1])],
                back(kids[0]), back(kids[2]))
    ja = {"ja_add": "+", "ja_sub": "-", "ja_mul": "*", "ja_div": "/"}
    if data in ja:
        return ("bin", ja[data], back(kids[0]), back(kids[1]))
    if data == "ja_times":
        return ("bin", "*", back(kids[1]), back(kids[0]))
    if data == "flag":
        return ("flag", str(kids[0]), str(kids[1]) in ("true", "がある"))
    if data == "cmp":
        if len(kids) == 3 and isinstance(kids[1], Token) and kids[1].type == "CMP":
            return ("cmp", EN_CMP[str(kids[1])], back(kids[0]), back(kids[2]))
        return ("cmp", JA_CMP[str(kids[2]) if len(kids) == 3 else None], back(kids[0]), back(kids[1]))
    if data in ("conj", "disj"):
        return ("and" if data == "conj" else "or", tuple(back(k) for k in kids))
    if data == "notgroup":
        return ("not", back(kids[0]))
    raise AssertionError(data)


def normal(c: tuple[Any, ...], negate: bool = False) -> tuple[Any, ...]:
    """A condition as its sentence says it: `not` pushed into comparisons and fields, `a * 2` as 2 * a."""
    kind = c[0]
    if kind == "num":
        return c
    if kind == "field":
        return c
    if kind == "neg":
        inner = normal(c[1])
        return ("num", -inner[1]) if inner[0] == "num" else ("neg", inner)  # the parser folds -5
    if kind == "bin":
        left, right = normal(c[2]), normal(c[3])
        if c[1] == "*" and right[0] == "num":
            left, right = right, left
        return ("bin", c[1], left, right)
    if kind == "flag":
        return ("flag", c[1], not negate)
    if kind == "not":
        return normal(c[1], not negate)
    if kind == "cmp":
        return ("cmp", NEGATED[c[1]] if negate else c[1], normal(c[2]), normal(c[3]))
    inner = (kind, tuple(normal(o) for o in c[1]))
    return ("not", inner) if negate else inner


def source(c: tuple[Any, ...]) -> str:
    """The condition in kasu, every part in brackets (brackets make no node of their own)."""
    kind = c[0]
    if kind == "num":
        return f"({c[1]})"
    if kind in ("field", "flag"):
        return c[1]
    if kind == "neg":
        return f"(-{source(c[1])})"
    if kind in ("bin", "cmp"):
        return f"({source(c[2])} {c[1]} {source(c[3])})"
    if kind == "not":
        return f"(not {source(c[1])})"
    return "(" + f" {kind} ".join(source(o) for o in c[1]) + ")"


numbers = st.sampled_from([1, 2, 3, -1, 1000, 2.5]).map(lambda v: ("num", v))
fields = st.sampled_from(["a", "b", "c"]).map(lambda f: ("field", f))
values = st.recursive(
    numbers | fields,
    lambda inner: st.tuples(st.just("bin"), st.sampled_from("+-*/"), inner, inner) | st.tuples(st.just("neg"), inner),
    max_leaves=6)
compares = st.tuples(st.just("cmp"), st.sampled_from([">=", ">", "<=", "<", "==", "!="]), values, values)
flags = st.tuples(st.just("flag"), st.sampled_from(["p", "q"]))
conditions = st.recursive(
    compares | flags,
    lambda inner: (st.tuples(st.just("not"), inner)
                   | st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3).map(tuple))),
    max_leaves=5)


def sentences(c: tuple[Any, ...]) -> dict[str, str]:
    p = parse_policy(HEADER + f"define d = {source(c)}\n")
    expr = p.checked.defines["d"].expr
    return {lang: Verbalizer(p.checked, lang).sentence(expr) for lang in ("en", "ja")}


@settings(max_examples=budget(300))
@given(conditions)
def test_a_sentence_reads_back_as_its_condition(c):
    """Each sentence has one reading in the guide's wording, and it is the condition."""
    for lang, text in sentences(c).items():
        assert back(parser(lang).parse(text)) == normal(c), (lang, text)


def test_brackets_keep_apart_what_the_user_trial_found_alike():
    """a - (b - 1) and (a - b) - 1 once read alike in English; a / (b * 2) read "a divided by 2 times b"."""
    cases = {
        "a - (b - 1) > 0": "a minus (b minus 1) is more than 0",
        "(a - b) - 1 > 0": "a minus b minus 1 is more than 0",
        "a / (b * 2) > 0": "a divided by (2 times b) is more than 0",
        "-(a - b) > 0": "minus (a minus b) is more than 0",
        "-a - b > 0": "minus a minus b is more than 0",
        "p or not not (p and q)": "p is true, or (p is true, and q is true)",
    }
    for src, en in cases.items():
        p = parse_policy(HEADER + f"define d = {src}\n")
        assert Verbalizer(p.checked, "en").sentence(p.checked.defines["d"].expr) == en
    p = parse_policy(HEADER + "define d = -(a - b) > 0\n")
    assert Verbalizer(p.checked, "ja").sentence(p.checked.defines["d"].expr) == "マイナス（aからbを引いた値）が0を超える"


def test_a_text_holding_quotes_is_quoted_apart():
    """`t contains "\\"x\\""` read ""x"" in English: the marks around a text never match its own."""
    schema = HEADER.replace("  p: bool\n", "  p: bool\n  t: text\n")
    cases = {'t contains "\\"x\\""': ('t contains “"x"”', "tに「\"x\"」が含まれる"),
             't contains "「x」"': ('t contains "「x」"', "tに『「x」』が含まれる"),
             't contains "\\"「x」“”"': ('t contains "\\"「x」“”"', "tに『\"「x」“”』が含まれる")}
    for src, (en, ja) in cases.items():
        p = parse_policy(schema + f"define d = {src}\n")
        expr = p.checked.defines["d"].expr
        assert Verbalizer(p.checked, "en").sentence(expr) == en
        assert Verbalizer(p.checked, "ja").sentence(expr) == ja
