"""The `mentions` operator: syntax, types, lints, evaluation (three-valued), evidence, rendering."""
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import check_text, parse_policy
from kasuhara_rules.render.formatter import format_text
from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.syntax.parser import parse_expression
from kasuhara_rules.syntax.printer import expr as unparse
from tests.conftest import budget, ROOT, codes, error_codes, policy
from tests.reference import Reference

PHRASES = 'phrases threats "脅迫" = ["殺す", "晒す", "ネットに書く"]\n'


def rule(cond: str, name: str = "r") -> str:
    return f'rule {name} {{\n  when {cond}\n  then kasuhara\n  respond "x"\n}}\n'


def one(cond: str, extra: str = PHRASES):
    """A policy with one rule `cond` (and the threats list)."""
    return parse_policy(policy(extra + rule(cond)), "t.kasu")


def rec(**fields):
    base = {"incident_id": "I-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [],
            "contacts": [], "reported_at": "2026-04-01T10:00:00+09:00"}
    base.update(fields)
    return base


def result(p, record):
    d = p.evaluate(record)
    if "r" in d.matched:
        return True
    return None if any(x.rule == "r" for x in d.pending) or (d.outcome == "review" and not d.matched) else False


# ---- syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, node", [
    ('t mentions "死ね"', n.Mentions(n.Name("t"), n.StringLit("死ね"), "one")),
    ("t mentions any threats", n.Mentions(n.Name("t"), n.Name("threats"), "any")),
    ('t mentions all ["殺す", "晒す"]', n.Mentions(n.Name("t"), n.ListLit((n.StringLit("殺す"), n.StringLit("晒す"))),
                                               "all")),
])
def test_parse_and_print(text, node):
    """Each form parses to a Mentions node and prints back as written."""
    parsed = parse_expression(text)
    assert parsed == node
    assert unparse(parsed) == text


def test_precedence_is_that_of_contains():
    """`mentions` binds like `contains`: looser than `+`, tighter than `not`/`and`."""
    e = parse_expression('not a mentions "x" and b contains "y"')
    assert isinstance(e, n.And) and isinstance(e.operands[0], n.Not)
    assert isinstance(e.operands[0].operand, n.Mentions)
    assert unparse(parse_expression('(a mentions "x") == true')) == '(a mentions "x") == true'


def test_formatter_round_trip():
    """The formatter keeps `mentions` (and is idempotent on it)."""
    text = policy(PHRASES + rule('remarks   mentions any threats or remarks mentions "死ね"'))
    once = format_text(text)
    assert "remarks mentions any threats or remarks mentions \"死ね\"" in once
    assert format_text(once) == once


def test_friendly_syntax_error():
    """`mentions any` without a list says what it needs."""
    result = check_text(policy("define d = remarks mentions any 3\n"), "t.kasu")
    d = [x for x in result.diagnostics if x.is_error][0]
    assert d.code == "E123" and "mentions any" in d.message and d.hint


# ---- types and lints -------------------------------------------------------------------


@pytest.mark.parametrize("cond, hint_part", [
    ('repeat mentions "x"', None),
    ('words mentions "x"', "contains any"),
    ("remarks mentions threats", "mentions any threats"),
    ("remarks mentions remarks", "in quotes"),
    ("remarks mentions any words", "in quotes"),
])
def test_type_errors(cond, hint_part):
    """A non-text subject, or phrases not written in the policy, are E405 with a useful hint."""
    result = check_text(policy(PHRASES + rule(cond)), "t.kasu")
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E405"], errors
    if hint_part:
        assert hint_part in (errors[0].hint or "")


def test_optional_text_and_one_of_are_accepted():
    """An optional text and a `one of` field can be searched for words."""
    assert error_codes(policy(PHRASES + rule('remarks mentions any threats and channel mentions "phone"'))) == []


def test_contains_on_speech_suggests_mentions():
    """W110: `contains` on a field labelled 発言内容 hints at `mentions`; not on other texts."""
    result = check_text(policy(PHRASES + rule("remarks contains any threats")), "t.kasu")
    [w] = [d for d in result.diagnostics if d.code == "W110"]
    assert "mentions any" in w.hint
    assert "W110" not in codes(policy(PHRASES + rule('incident_id contains "A"')))
    assert "W110" not in codes(policy(PHRASES + rule("remarks mentions any threats")))


@pytest.mark.parametrize("phrase, why", [("死", "one character"), ("には", "particles"), ("ぞ", "one character")])
def test_phrase_split_lint(phrase, why):
    """W111: a phrase of one character, or of particles only, is a warning with a hint."""
    result = check_text(policy(rule(f'remarks mentions "{phrase}"')), "t.kasu")
    [w] = [d for d in result.diagnostics if d.code == "W111"]
    assert why in w.message and w.hint


def test_phrase_split_lint_in_a_phrase_list():
    """W111 names the list that holds the phrase, and good phrases give no warning."""
    text = policy('phrases bad "x" = ["殺す", "ね"]\n' + rule("remarks mentions any bad"))
    ws = [d for d in check_text(text, "t.kasu").diagnostics if d.code == "W111"]
    assert len(ws) == 1 and "`bad`" in ws[0].message and '"ね"' in ws[0].message
    assert "W111" not in codes(policy(PHRASES + rule("remarks mentions any threats")))


def test_check_without_mentions_does_not_load_the_analyser():
    """`import kasuhara_rules` and checking a policy without `mentions` never import sudachipy;
    a policy with `mentions` does (to lint its phrases)."""
    code = ("import sys, kasuhara_rules\n"
            "from kasuhara_rules import check_path, load_policy\n"
            "assert 'sudachipy' not in sys.modules\n"
            f"r = check_path({str(ROOT / 'examples' / 'quickstart.kasu')!r})\n"
            "assert r.ok\n"
            "print('sudachipy' in sys.modules, 'kasuhara_rules.text.words' in sys.modules)\n"
            "from kasuhara_rules import parse_policy\n"
            "parse_policy(" + repr(policy(rule('remarks mentions \"死ね\"'))) + ")\n"
            "print('sudachipy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == ["False", "False", "True"]


# ---- evaluation --------------------------------------------------------------------------


@pytest.mark.parametrize("cond, text, expected", [
    ('remarks mentions "晒す"', "晒してやる", True),
    ('remarks mentions "殺す"', "殺されたいのか", True),
    ('remarks mentions "ネットに書く"', "ネットに書いてやるからな", True),
    ('remarks mentions "死ね"', "死ねよ", True),
    ('remarks mentions "死ね"', "祖母が死んだ", False),
    ('remarks mentions "バカ"', "買ったばかり", False),
    ('remarks mentions "シネ"', "シネマを見た", False),
    ("remarks mentions any threats", "ＳＮＳに晒すぞ", True),
    ("remarks mentions any threats", "ありがとうございます", False),
    ('remarks mentions all ["殺す", "晒す"]', "殺すぞ、晒すぞ", True),
    ('remarks mentions all ["殺す", "晒す"]', "殺すぞ", False),
    ('remarks mentions all []', "何でも", True),
    ('remarks mentions " "', "何でも", False),
])
def test_evaluation(cond, text, expected):
    """The contract's examples: inflections match, other words containing the letters do not."""
    assert result(one(cond), rec(remarks=text)) is expected


@pytest.mark.parametrize("cond", ['remarks mentions "死ね"', "remarks mentions any threats",
                                  'remarks mentions all ["殺す"]'])
def test_absent_text_is_unknown(cond):
    """An absent text makes `mentions` unknown (the rule undetermined), never false."""
    p = one(cond)
    assert result(p, rec()) is None
    assert result(one(f"not ({cond})"), rec()) is None
    assert one(f"{cond} or dogeza").evaluate(rec(dogeza=True)).matched == ("r",)


def test_each_text_is_split_into_words_once_per_record(monkeypatch):
    """However many rules read a text (and however many generated functions hold them), the
    text is analysed once per record."""
    from kasuhara_rules.engine import compile_policy, mentions

    calls = []
    real = mentions.words_of
    monkeypatch.setattr(mentions, "words_of", lambda t: calls.append(t) or real(t))
    body = PHRASES + "".join(rule(f'remarks mentions "{w}" or remarks mentions any threats', f"r{i}")
                             for i, w in enumerate(["死ね", "バカ", "土下座", "訴える", "晒す"]))
    for chunk in (200, 2):
        monkeypatch.setattr(compile_policy, "CHUNK", chunk)
        p = parse_policy(policy(body), "t.kasu")
        calls.clear()
        d = p.evaluate(rec(remarks="バカ、土下座しろ"))
        assert d.matched and calls == ["バカ、土下座しろ"]
        calls.clear()
        p.evaluate(rec(remarks="死ねよ"), explain=True)
        assert len(calls) == 1


# ---- evidence and explanations ----------------------------------------------------------------


def test_evidence_names_phrase_words_and_position():
    """The trace node shows each phrase found, the words that matched and where, redacted for a
    sensitive field unless asked."""
    p = one("remarks mentions any threats")
    d = p.evaluate(rec(remarks="殺されたいのか。ネットに書いてやる"), explain=True)
    shown = d.trace(show_sensitive=True)[0]["condition"]["evidence"]
    assert shown == [{"phrase": "殺す", "words": ["殺さ"], "at": [0, 2]},
                     {"phrase": "ネットに書く", "words": ["ネット", "に", "書い"], "at": [8, 14]}]
    hidden = d.trace()[0]["condition"]["evidence"]
    assert hidden == [{"phrase": "殺す", "words": "‹redacted›", "at": [0, 2]},
                      {"phrase": "ネットに書く", "words": "‹redacted›", "at": [8, 14]}]
    assert "殺さ" not in d.explain() and "殺さ" in d.explain(show_sensitive=True)


def test_evidence_positions_are_in_the_nfkc_text():
    """Positions count characters of the NFKC-normalised text (half-width kana composed)."""
    p = one('incident_id mentions "バカ"')
    d = p.evaluate(rec(incident_id="おまえﾊﾞｶだろ"), explain=True)
    [ev] = d.trace()[0]["condition"]["evidence"]
    assert ev["at"] == [3, 5] and "".join(ev["words"]) == "バカ"


def test_explanation_golden(golden):
    """The human explanation shows the word evidence (ja and en)."""
    p = one('remarks mentions any threats or remarks mentions "死ね"')
    records = [rec(remarks="殺されたいのか。ネットに書いてやる"), rec(remarks="祖母が死んだ"), rec()]
    out = []
    for lang in ("ja", "en"):
        for r in records:
            out.append(p.evaluate(r, explain=True).explain(lang=lang, show_sensitive=True))
        out.append(p.evaluate(records[0], explain=True).explain(lang=lang))
    golden("explain/mentions.txt", "\n\n".join(out) + "\n")


def test_guide_wording():
    """The staff guide reads `mentions` as words said, in Japanese and English."""
    from kasuhara_rules.render.verbalize import Verbalizer

    p = one('remarks mentions any threats and not remarks mentions "冗談"')
    ja = Verbalizer(p.checked, "ja").criteria(p.checked.rules[0].when)
    assert ja[1][0] == "発言内容に〈脅迫〉（「殺す」「晒す」「ネットに書く」）のいずれかの語が含まれる"
    assert ja[1][1].startswith("発言内容に「冗談」という語が含まれない")
    en = Verbalizer(p.checked, "en").criteria(p.checked.rules[0].when)
    assert en[1][0].startswith("remarks mentions any of the words in")
    assert en[1][1].startswith('remarks does not mention the word "冗談"')


# ---- properties ---------------------------------------------------------------------------

VOCABULARY = ["今日", "お店", "で", "店員", "が", "商品", "を", "説明", "し", "た", "けど", "雨", "に", "とても",
              "寒い", "から", "電車", "駅", "まで", "歩い", "て", "帰る", "よ", "。", "、", "私", "は", "本", "読む"]
SPEECH = ["殺す", "晒す", "訴える", "土下座しろ", "ネットに書く", "バカ", "責任者を出せ", "死ね", "誠意を見せろ",
          "クビにしろ", "金を返せ"]


@settings(max_examples=budget(40))
@given(st.sampled_from(SPEECH))
def test_a_phrase_is_found_in_itself(phrase):
    """A phrase is always found in a text that is the phrase itself."""
    p = one(f'remarks mentions "{phrase}"', extra="")
    assert result(p, rec(remarks=phrase)) is True


@settings(max_examples=budget(60))
@given(st.sampled_from(SPEECH), st.lists(st.sampled_from(VOCABULARY), max_size=6),
       st.lists(st.sampled_from(VOCABULARY), max_size=6))
def test_unrelated_words_around_keep_it_found(phrase, before, after):
    """Unrelated sentences before and after the phrase keep it found."""
    p = one(f'remarks mentions "{phrase}"', extra="")
    text = "".join(before) + "。" + phrase + "。" + "".join(after)
    assert result(p, rec(remarks=text)) is True


_AGREE = parse_policy(policy(
    'phrases speech "発言" = ["殺す", "晒す", "訴える", "土下座", "ネットに書く", "バカ", "死ね", "責任者"]\n'
    + rule("remarks mentions any speech", "r0")
    + rule('remarks mentions all ["殺す", "ネットに書く"]', "r1")
    + rule('remarks mentions "死ね"', "r2")
    + rule('remarks mentions any ["バカ", "ばか", "土下座しろ"]', "r3")), "t.kasu")


@settings(max_examples=budget(80))
@given(st.lists(st.sampled_from(VOCABULARY + SPEECH + ["死んだ", "ばかり", "殺された", "晒して", "書いて"]),
                min_size=1, max_size=12))
def test_agrees_with_the_reference_over_random_sentences(parts):
    """The compiled `mentions` (phrase index, per-record word slots) agrees with the reference
    interpreter's one-phrase-at-a-time search on sentences built from a vocabulary."""
    record = rec(remarks="".join(parts))
    d = _AGREE.evaluate(record)
    ref = Reference(_AGREE.checked, record)
    for r in _AGREE.checked.rules:
        assert (r.name in d.matched) == bool(ref.rule(r)), (r.name, record["remarks"])


def test_policies_and_phrase_indexes_pickle():
    """A policy with `mentions` survives pickling (worker processes), with its phrases analysed."""
    import pickle

    from kasuhara_rules.engine.mentions import Listener, MentionSet

    p = pickle.loads(pickle.dumps(one("remarks mentions any threats")))
    assert result(p, rec(remarks="晒してやる")) is True
    hear = pickle.loads(pickle.dumps(Listener(["晒す", "殺す"])))
    assert sorted(hear("殺すぞ、晒してやる").found) == ["晒す", "殺す"]
    assert pickle.loads(pickle.dumps(MentionSet(["殺す"]))).all(hear("殺すぞ"))


def test_evidence_follows_the_list_s_order_whatever_the_text_s():
    """A set's phrases are looked up from the text (a lexicon holds a thousand, a text a few): the
    evidence still lists them in the list's order, and `any`/`all` still answer for the whole list."""
    from kasuhara_rules.engine.mentions import Listener, MentionSet

    hear = Listener(["晒す", "ネットに書く", "殺す"], ["晒す", "殺す"])
    heard = hear("殺すぞ。ネットに書いてやる、晒してやる")
    plain = MentionSet(["晒す", "ネットに書く", "殺す", "訴える"])
    assert [e["phrase"] for e in plain.evidence(heard, False, False)] == ["晒す", "ネットに書く", "殺す"]
    assert plain.any(heard) and not plain.all(heard)
    said = MentionSet(["殺す", "晒す"], "announced")
    assert [e["phrase"] for e in said.evidence(heard, False, False)] == ["殺す", "晒す"]
    assert said.any(heard) and said.all(heard)
    denied = hear("晒すつもりはない")
    assert not said.any(denied) and not said.all(denied)
    assert [(e["phrase"], e["counted"]) for e in said.evidence(denied, False, False)] == [("晒す", False)]
    assert plain.evidence(hear("ありがとう"), False, False) == []
