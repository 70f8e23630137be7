"""Hypothesis strategies: typed expressions, whole policies, records and token soup."""
from __future__ import annotations

import datetime as _dt

from hypothesis import strategies as st

from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.syntax.parser import EPOCH

CHANNELS = ["phone", "counter", "email", "sns", "visit"]
PHRASES = ["殺す", "晒す", "バカ", "sns", "ネットに書く"]
SAFE_PATTERNS = ["土下座|どげざ", "^訴え", "[0-9]{3}", "ネット.{0,10}晒", "sns", "a.c", "(ab){1,5}"]
TEXTS = st.sampled_from(["", "バカ", "ﾊﾞｶ", "ばか", "ＳＮＳに晒す", "sns", "殺すぞ", "土下座しろ", "ok", "abc", "SNS",
                         "殺されたいのか", "ネットに書いてやるからな", "祖母が死んだ", "死ねよ", "買ったばかり"])
# Phrases for `mentions` (words, as an author would write them).
WORD_PHRASES = ["殺す", "晒す", "バカ", "死ね", "ネットに書く", "sns", "ばか"]
OPTIONAL_FIELDS = ["call_length", "amount", "demand_valid", "remarks", "birthday"]


def name(x: str) -> n.Name:
    return n.Name(x)


def negate(e: object) -> object:
    """`-e`, with literals folded the way the parser folds them."""
    if isinstance(e, n.NumberLit):
        return n.NumberLit(-e.value)
    return n.Negate(e)


def num(v: int | float) -> n.NumberLit:
    return n.NumberLit(v)


def dur(micros: int) -> n.DurationLit:
    return n.DurationLit(micros)


ints = st.integers(-5, 40).map(num)
floats = st.sampled_from([0.5, 2.5, 10.25, 100.0, 3.75]).map(num)
durations = st.integers(0, 200).map(lambda m: dur(m * 60_000_000))
strings = st.sampled_from(["殺す", "バカ", "ＳＮＳ", "sns", "", "ok", "晒す"]).map(n.StringLit)


@st.composite
def datetimes(draw) -> n.DateTimeLit:
    minutes = draw(st.integers(0, 60 * 24 * 60))
    offset = draw(st.sampled_from([0, 9, -5]))
    tz = _dt.timezone(_dt.timedelta(hours=offset))
    value = _dt.datetime(2026, 4, 1, tzinfo=tz) + _dt.timedelta(minutes=minutes)
    text = value.isoformat()
    return n.DateTimeLit((value - EPOCH) // _dt.timedelta(microseconds=1), text)


def expr(kind: str, depth: int = 3, where: bool = False) -> st.SearchStrategy:
    """A well-typed expression of `kind` over the test schema (tests/conftest.py SCHEMA)."""
    return _EXPR[kind](depth, where)


def _bool(depth: int, where: bool):
    leaves = [
        st.sampled_from([True, False]).map(n.BoolLit),
        st.just(name("dogeza")),
        st.just(name("demand_valid")),
        st.sampled_from(OPTIONAL_FIELDS).map(lambda f: n.IsMissing(name(f), False)),
        st.sampled_from(OPTIONAL_FIELDS).map(lambda f: n.IsMissing(name(f), True)),
        st.sampled_from(CHANNELS + ["phone"]).map(lambda c: n.Compare("==", name("channel"), n.StringLit(c))),
        st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3).map(
            lambda cs: n.In(name("channel"), n.ListLit(tuple(n.StringLit(c) for c in cs)))),
        # a projection whose elements may be unknown (contacts[i].kind is optional)
        st.tuples(st.sampled_from(["電話", "来店", "ﾒｰﾙ"]), st.sampled_from(["one", "any", "all"])).map(
            lambda t: n.Contains(n.Path(name("contacts"), "kind"), n.StringLit(t[0]) if t[1] == "one" else
                                 n.ListLit((n.StringLit(t[0]), n.StringLit("電話"))), t[1])),
        st.tuples(st.sampled_from(["電話", "来店"]), st.booleans()).map(
            lambda t: n.In(n.StringLit(t[0]), n.Path(name("contacts"), "kind"), t[1])),
        st.booleans().map(lambda neg: n.In(dur(35 * 60_000_000), n.Path(name("contacts"), "length"), neg)),
    ]
    if where:
        leaves += [
            st.just(n.IsMissing(name("length"))),
            st.just(n.Compare(">=", name("at"), n.Binary("-", name("reported_at"), dur(30 * 86_400_000_000)))),
            st.just(n.Contains(name("kind"), n.StringLit("電話"))),
        ]
    if depth <= 0:
        return st.one_of(leaves)
    sub = depth - 1
    compound = [
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), expr("int", sub, where),
                  expr("int", sub, where)).map(lambda t: n.Compare(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["<", ">=", "=="]), expr("number", sub, where), expr("number", sub, where)).map(
            lambda t: n.Compare(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["<", ">=", "==", "!="]), expr("duration", sub, where),
                  expr("duration", sub, where)).map(lambda t: n.Compare(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["<", ">="]), expr("datetime", sub, where), expr("datetime", sub, where)).map(
            lambda t: n.Compare(t[0], t[1], t[2])),
        st.tuples(expr("text", sub, where), strings, st.sampled_from(["one", "any", "all"])).map(
            lambda t: n.Contains(t[0], t[1] if t[2] == "one" else n.ListLit((t[1], n.StringLit("バカ"))), t[2])),
        st.tuples(expr("text", sub, where), st.sampled_from(["any", "all"])).map(
            lambda t: n.Contains(t[0], name("threats"), t[1])),
        st.tuples(strings, st.booleans()).map(lambda t: n.In(t[0], name("threats"), t[1])),
        st.tuples(expr("text", sub, where), st.lists(st.sampled_from(WORD_PHRASES), min_size=1, max_size=3),
                  st.sampled_from(["one", "any", "all"])).map(
            lambda t: n.Mentions(t[0], n.StringLit(t[1][0]) if t[2] == "one" else
                                 n.ListLit(tuple(n.StringLit(p) for p in t[1])), t[2])),
        st.tuples(expr("text", sub, where), st.sampled_from(["any", "all"])).map(
            lambda t: n.Mentions(t[0], name("threats"), t[1])),
        strings.map(lambda s: n.Contains(name("words"), s, "one")),
        st.sampled_from(["any", "all"]).map(lambda m: n.Contains(name("words"), name("threats"), m)),
        st.tuples(expr("text", sub, where), st.sampled_from(SAFE_PATTERNS)).map(
            lambda t: n.Matches(t[0], n.StringLit(t[1]))),
        st.tuples(expr("int", sub, where), expr("int", sub, where), expr("int", sub, where)).map(
            lambda t: n.Between(*t)),
        st.tuples(expr("duration", sub, where), durations, durations).map(lambda t: n.Between(*t)),
        expr("bool", sub, where).map(n.Not),
        st.lists(expr("bool", sub, where), min_size=2, max_size=3).map(lambda xs: n.And(tuple(xs))),
        st.lists(expr("bool", sub, where), min_size=2, max_size=3).map(lambda xs: n.Or(tuple(xs))),
        st.tuples(expr("int", sub, where), st.booleans()).map(lambda t: n.IsMissing(t[0], t[1])),
    ]
    if not where:
        compound.append(st.tuples(st.sampled_from(["any", "all"]), expr("bool", sub, True)).map(
            lambda t: n.Call(t[0], name("contacts"), t[1])))
    return st.one_of(leaves + compound)


def _int(depth: int, where: bool):
    leaves = [ints, st.just(name("repeat")), st.just(n.Call("count", name("words"))),
              st.just(n.Call("len", name("channel")))]
    if depth <= 0:
        return st.one_of(leaves)
    sub = depth - 1
    compound = [
        st.tuples(st.sampled_from(["+", "-", "*"]), expr("int", sub, where), expr("int", sub, where)).map(
            lambda t: n.Binary(t[0], t[1], t[2])),
        expr("int", sub, where).map(negate),
        expr("text", sub, where).map(lambda t: n.Call("len", t)),
    ]
    if not where:
        compound.append(expr("bool", sub, True).map(lambda c: n.Call("count", name("contacts"), c)))
    return st.one_of(leaves + compound)


def _number(depth: int, where: bool):
    leaves = [floats, ints, st.just(name("amount"))]
    if depth <= 0:
        return st.one_of(leaves)
    sub = depth - 1
    return st.one_of(leaves + [
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), expr("number", sub, where), expr("number", sub, where)).map(
            lambda t: n.Binary(t[0], t[1], t[2])),
    ])


def _duration(depth: int, where: bool):
    leaves = [durations, st.just(name("call_length"))]
    if where:
        leaves.append(st.just(name("length")))
    else:
        leaves += [st.just(n.Call("sum", n.Path(name("contacts"), "length"))),
                   st.just(n.Call("max", n.Path(name("contacts"), "length")))]
    if depth <= 0:
        return st.one_of(leaves)
    sub = depth - 1
    return st.one_of(leaves + [
        st.tuples(st.sampled_from(["+", "-"]), expr("duration", sub, where), expr("duration", sub, where)).map(
            lambda t: n.Binary(t[0], t[1], t[2])),
        st.tuples(expr("duration", sub, where), st.integers(1, 4).map(num)).map(lambda t: n.Binary("*", t[0], t[1])),
        st.tuples(expr("duration", sub, where), st.integers(1, 4).map(num)).map(lambda t: n.Binary("/", t[0], t[1])),
        st.tuples(expr("datetime", sub, where), expr("datetime", sub, where)).map(lambda t: n.Binary("-", t[0], t[1])),
    ])


def _datetime(depth: int, where: bool):
    leaves = [datetimes(), st.just(name("reported_at"))]
    if where:
        leaves.append(st.just(name("at")))
    else:
        leaves.append(st.just(n.Call("min", n.Path(name("contacts"), "at"))))
    if depth <= 0:
        return st.one_of(leaves)
    return st.one_of(leaves + [
        st.tuples(st.sampled_from(["+", "-"]), expr("datetime", depth - 1, where), durations).map(
            lambda t: n.Binary(t[0], t[1], t[2])),
    ])


def _text(depth: int, where: bool):
    leaves = [strings, st.just(name("remarks")), st.just(name("channel"))]
    if where:
        leaves.append(st.just(name("kind")))
    return st.one_of(leaves)


_EXPR = {"bool": _bool, "int": _int, "number": _number, "duration": _duration, "datetime": _datetime,
         "text": _text}


# ---- whole policies ---------------------------------------------------------------

labels = st.one_of(st.none(), st.text(min_size=0, max_size=8).filter(lambda s: "\x00" not in s).map(n.StringLit))
free_text = st.text(max_size=20).filter(lambda s: all(not 0xD800 <= ord(c) <= 0xDFFF for c in s))


def _ident(x: str) -> n.Ident:
    return n.Ident(x)


@st.composite
def rule_decls(draw, index: int) -> n.RuleDecl:
    clauses: list = [n.WhenClause(draw(expr("bool", 2)))]
    if draw(st.booleans()):
        clauses.append(n.UnlessClause(draw(expr("bool", 1))))
    outcome = draw(st.sampled_from(["claim", "kasuhara", "review"]))
    severity = draw(st.one_of(st.none(), st.sampled_from(["low", "medium", "high", "critical"])))
    clauses.append(n.ThenClause(_ident(outcome), _ident(severity) if severity else None))
    for text in draw(st.lists(free_text.map(n.StringLit), max_size=2)):
        clauses.append(n.RespondClause(text))
    if draw(st.booleans()):
        clauses.append(n.EscalateClause(_ident(draw(st.sampled_from(["staff", "supervisor", "police"])))))
    for text in draw(st.lists(free_text.map(n.StringLit), max_size=1)):
        clauses.append(n.CiteClause(text))
    if draw(st.booleans()):
        clauses.append(n.TagsClause(tuple(_ident(t) for t in draw(st.lists(st.sampled_from(["a", "b", "電話"]),
                                                                           min_size=1, max_size=2)))))
    order = draw(st.permutations(range(len(clauses))))
    return n.RuleDecl(_ident(f"r{index}"), draw(labels), tuple(clauses[i] for i in order))


@st.composite
def policy_files(draw) -> n.PolicyFile:
    """A whole, well-typed policy over the test schema (declarations in a random order)."""
    from kasuhara_rules.syntax.parser import parse_source
    from kasuhara_rules.source import SourceText
    from tests.conftest import SCHEMA, VOCAB

    base, _ = parse_source(SourceText.from_text("base", VOCAB + SCHEMA))
    header = n.PolicyHeader(n.StringLit(draw(free_text)), (
        n.HeaderEntry(_ident("id"), _ident("p")),
        n.HeaderEntry(_ident("version"), n.StringLit(draw(free_text))),
        n.HeaderEntry(_ident("decide"), _ident(draw(st.sampled_from(["highest_severity", "first_match"])))),
        n.HeaderEntry(_ident("otherwise"), _ident("claim")),
    ))
    decls: list = list(base.decls)
    decls.append(n.PhrasesDecl(_ident("threats"), draw(labels),
                               n.ListLit(tuple(n.StringLit(p) for p in PHRASES))))
    for i in range(draw(st.integers(0, 2))):
        decls.append(n.DefineDecl(_ident(f"d{i}"), draw(labels), draw(expr("bool", 2))))
    for i in range(draw(st.integers(1, 4))):
        decls.append(draw(rule_decls(i)))
    order = draw(st.permutations(range(len(decls))))
    return n.PolicyFile((header,) + tuple(decls[i] for i in order))


# ---- token soup -----------------------------------------------------------------------

TOKENS = [
    "policy", "schema", "rule", "define", "phrases", "when", "unless", "then", "severity", "respond",
    "escalate", "cite", "tags", "example", "given", "expect", "by", "and", "or", "not", "in", "contains",
    "any", "all", "matches", "between", "is", "missing", "present", "where", "true", "false", "extends",
    "override", "drop", "optional", "key", "sensitive", "retain", "years", "of", "outcomes", "severities", "escalations",
    "{", "}", "[", "]", "(", ")", ",", ":", ".", "=", "==", "!=", "<", ">=", "+", "-", "*", "/", "+=",
    '"x"', '"土下座"', "42", "3.5", "30min", "2026-04-01", "2026-04-01T09:00:00+09:00", "name", "channel",
    "土下座", "#c\n", "\n", "30mins", '"\\q"', '"open', "\u3000", "＝", "'x'",
]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join)


def mutate(data: st.DataObject, text: str, span: int = 12, spaced: bool = True) -> str:
    """`text` with one to three random edits: a piece of up to `span` characters deleted or
    duplicated, or one of the language's tokens inserted (between spaces, or glued on)."""
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + span)))
        op = data.draw(st.sampled_from(["delete", "duplicate", "insert"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            token = data.draw(st.sampled_from(TOKENS))
            text = text[:i] + (f" {token} " if spaced else token) + text[i:]
    return text


# ---- records for the test schema ---------------------------------------------------------

WORDS = ["バカ", "ﾊﾞｶ", "殺す", "晒す", "SNS", "sns", "無能", "ok"]


@st.composite
def iso_datetimes(draw) -> str:
    minutes = draw(st.integers(0, 60 * 24 * 60))
    offset = draw(st.sampled_from(["+09:00", "Z", "-05:00", "+00:00"]))
    value = _dt.datetime(2026, 4, 1) + _dt.timedelta(minutes=minutes)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + offset


def _maybe(draw, strategy, absent_key: bool = True):
    """An optional value: absent (None here), null, or a value."""
    choice = draw(st.sampled_from(["absent", "null", "value", "value"]))
    if choice == "absent":
        return "__absent__"
    if choice == "null":
        return None
    return draw(strategy)


@st.composite
def contacts(draw) -> dict:
    c = {"at": draw(iso_datetimes())}
    length = _maybe(draw, st.one_of(st.integers(0, 90), st.sampled_from(["35min", "PT12M", "1.5h", "45s"])))
    if length != "__absent__":
        c["length"] = length
    kind = _maybe(draw, st.sampled_from(["電話", "来店", "メール"]))
    if kind != "__absent__":
        c["kind"] = kind
    return c


@st.composite
def records(draw) -> dict:
    """A valid record of the test schema (tests/conftest.py), optional fields often absent."""
    rec = {
        "incident_id": draw(st.sampled_from(["T-1", "T-2"])),
        "channel": draw(st.sampled_from(CHANNELS)),
        "repeat": draw(st.integers(-3, 40)),
        "dogeza": draw(st.booleans()),
        "words": draw(st.lists(st.sampled_from(WORDS), max_size=4)),
        "contacts": draw(st.lists(contacts(), max_size=4)),
        "reported_at": draw(iso_datetimes()),
    }
    optional = {
        "call_length": st.one_of(st.integers(0, 200), st.sampled_from(["35min", "PT1H", "90s"])),
        "amount": st.one_of(st.integers(-5, 40), st.sampled_from([0.5, 2.5, 100.0])),
        "demand_valid": st.booleans(),
        "remarks": TEXTS,
        "birthday": st.sampled_from(["1990-01-01", "2001-12-31"]),
    }
    for key, strategy in optional.items():
        value = _maybe(draw, strategy)
        if value != "__absent__":
            rec[key] = value
    return rec
