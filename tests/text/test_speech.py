"""Tests for speech.py and acts.py: how a phrase of a kinded list is said, and where it is found."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kasuhara_rules.check.checked import PHRASE_KINDS
from kasuhara_rules.text.acts import ActIndex, pieces
from kasuhara_rules.engine.mentions import Listener, MentionSet
from kasuhara_rules.text.speech import KINDS, read
from kasuhara_rules.text.words import analyse_phrase, words_of


def reading(phrase: str, text: str, kind: str = "announced"):
    """How the first occurrence of `phrase` in `text` is said (None when it is not found)."""
    words = words_of(text)
    found = ActIndex([phrase]).matches(words)
    if not found:
        return None
    m = found[0]
    return read(words, m.word_start, m.word_end, kind)


def counts(phrase: str, text: str, kind: str = "announced") -> bool:
    hear = Listener([], [phrase])
    return MentionSet([phrase], kind).any(hear(text))


def test_the_kinds_are_the_checkers():
    """The engine reads exactly the kinds the checker accepts."""
    assert KINDS == PHRASE_KINDS


@pytest.mark.parametrize("phrase, text, cue", [
    ("晒す", "ネットに晒してやる", "announced: てやる"),
    ("殺す", "殺したろか", "announced: たろ"),
    ("ネットに書く", "ネットに書いたるからな", "announced: たる"),
    ("殺す", "お前、殺すぞ", "announced: ぞ"),
    ("殴る", "いい加減にしないと殴るぞ", "announced: ぞ"),
    ("殺す", "殺されたいのか", "rhetorical: れたいの"),
    ("晒す", "晒されたくなかったら返金しろ", "rhetorical: れたくなかったら"),
    ("ネットに書く", "ネットに書いてもいいんだな", "rhetorical: てもいいん"),
    ("新聞社に投書する", "新聞社に投書させていただきます", "announced: させていただき"),
    ("口コミに書く", "口コミに書かないと気が済まない", "announced: ないと"),
    ("SNSに上げる", "SNSに上げるしかないですね", "announced: しかない"),
    ("口コミに書く", "口コミに書くことにしました", "announced: ことにし"),
    ("燃やす", "看板を燃やしてやろうと思ってる", "announced: てやろう"),
    ("ぶっ殺す", "ぶっ殺すっぞ、この野郎", "announced: ぞ"),
    ("しばく", "どつかれたいんか、しばいたろか", "announced: たろ"),
])
def test_announced(phrase, text, cue):
    """Volitional, benefactive (Kansai たる/たろ too), sentence-final ぞ, polite させていただく, rhetorical
    and conditional forms count, and the evidence names the cue."""
    r = reading(phrase, text)
    assert r is not None and r.counted, r
    assert r.cue == cue


@pytest.mark.parametrize("phrase, text, category", [
    ("口コミに書く", "先週、この件を口コミに書きました", "past"),
    ("晒す", "ネットに晒すつもりはありません", "negation"),
    ("炎上させる", "炎上させるつもりなんてありません", "negation"),
    ("ネットに書く", "ネットに書いたりしませんよ", "negation"),
    ("ネットに書く", "ネットに書かれていた営業時間が違っていました", "passive"),
    ("拡散する", "以前SNSで拡散されていたケーキを買いに来ました", "passive"),
    ("晒す", "前の店の人に『晒すぞ』と言われたことがあって", "quoted"),
    ("覚えておけ", "覚えておけと言われたと聞きました", "quoted"),
    ("口コミに書く", "口コミに書くかどうかは、まだ決めていません", "open"),
    ("インスタに上げる", "インスタに上げてもいいですか、料理がきれいなので", "question"),
    ("口コミに書く", "口コミを書く人って、嫌なことがあった時の方が多いですよね", "naming"),
    ("レビューに書く", "もし私がレビュー書くとしたら、絶対星五つにしますよ", "hypothetical"),
    ("殴る", "殴りたいくらい腹立つけど、あなたに言っても仕方ないよね", "wish"),
    ("口コミに書く", "よかったら口コミに書いてくださいね", "request"),
    ("殴る", "上の階の人が夜中に床を殴ってくるんです", "other agent"),
    ("晒す", "ネットに書くのはやめました、晒すのもやめました", "negation"),
])
def test_not_announced(phrase, text, category):
    """Reported, denied, suffered, quoted, left open, asked about, named, hypothetical, wished,
    requested of others or done by another: found, but not counted, and the cue says why."""
    r = reading(phrase, text)
    assert r is not None, "the phrase should be found"
    assert not r.counted, r
    assert r.cue.split(":")[0] == category, r


@pytest.mark.parametrize("text, counted", [
    ("俺は組の者だ", True),
    ("知り合いのヤクザに頼むぞ", True),
    ("バックにヤクザがついてるんだぞ", True),
    ("わしは昔ヤクザやっとったんや、なめたらあかんで", True),
    ("ヤクザみたいな言い方はやめてください", False),
    ("ヤクザ映画のDVDはありますか", False),
    ("『ヤクザと家族』の配信はいつまでですか", False),
    ("昨日ヤクザっぽい人に絡まれたんですけど", False),
    ("このお店、暴力団とは関係ないですよね？", False),
])
def test_claimed(text, counted):
    """A means of threat counts where the speaker claims it as backing, not where it is named."""
    hear = Listener([], ["ヤクザ", "組の者", "暴力団"])
    assert MentionSet(["ヤクザ", "組の者", "暴力団"], "claimed").any(hear(text)) is counted


@pytest.mark.parametrize("phrase, text, counted", [
    ("ナンバーを控える", "お前の車のナンバー、控えたからな", True),
    ("住所を調べる", "ご住所はもう調べてありますので、お気遣いなく", True),
    ("夜道に気をつける", "夜道には気ぃつけなよ、店長さん", True),
    ("どうなっても知らない", "家族がどうなっても知らないぞ", True),
    ("名前を覚える", "お名前、覚えておきますね", False),
    ("夜道に気をつける", "夜道は危ないので、気をつけてくださいね", False),
    ("ナンバーを控える", "車のナンバーは控えましたか", False),
    ("どうなっても知らない", "どうなっても知らないよ、と医者に言われました", False),
])
def test_implied(phrase, text, counted):
    """Knowledge shown (even in the past) and warnings count; a kind plan, a question, a quotation do not."""
    assert counts(phrase, text, "implied") is counted


def test_phrases_are_found_as_acts_with_words_between():
    """A kinded phrase's pieces are found in order in one sentence, with other words or particles
    between them, and not across a sentence end."""
    assert [[w.surface for w in p] for p in pieces(analyse_phrase("ネットに書く"))] == [["ネット"], ["書く"]]
    ix = ActIndex(["ネットに書く"])
    for text in ("ネットに全部書いてやる", "ネットさ書いでやっからな", "ネットにも書くからな"):
        assert ix.matches(words_of(text)), text
    assert not ix.matches(words_of("ネットで見ました。書類を書きます"))


def test_evidence_of_a_kinded_list_names_the_cue():
    """`mentions` evidence of a kinded list: the phrase, its words, where, the kind, whether it counted
    and the cue, for a phrase found but not counted too; the cue's words are hidden when the text is."""
    hear = Listener([], ["晒す", "殺す"])
    heard = hear("ネットに晒すつもりはありません。殺すぞ")
    ms = MentionSet(["晒す", "殺す"], "announced")
    shown = ms.evidence(heard, sensitive=False, show_sensitive=False)
    assert [(e["phrase"], e["counted"], e["cue"], e["kind"]) for e in shown] == [
        ("晒す", False, "negation: つもり…ません", "announced"), ("殺す", True, "announced: ぞ", "announced")]
    assert shown[0]["words"] == ["晒す"] and shown[0]["at"] == [4, 6]
    hidden = ms.evidence(heard, sensitive=True, show_sensitive=False)
    assert [e["cue"] for e in hidden] == ["negation", "announced"]
    assert all(e["words"] == "‹redacted›" for e in hidden)
    plain = MentionSet(["晒す"]).evidence(Listener(["晒す"])("晒すつもりはない"), False, False)
    assert set(plain[0]) == {"phrase", "words", "at"}  # a list without a kind: the evidence as before


def test_all_needs_every_phrase_said_so():
    hear = Listener([], ["晒す", "殺す"])
    both = MentionSet(["晒す", "殺す"], "announced")
    assert both.all(hear("晒すぞ。殺すぞ"))
    assert not both.all(hear("晒すつもりはない。殺すぞ"))


def test_the_acts_of_the_property_are_found_in_their_forms():
    """The property below is not vacuous: nearly every generated form is found as its act."""
    found = total = 0
    for act in ACTS:
        for ending in NEGATED + PAST:
            total += 1
            heard = Listener([], [act])(inflect(act, ending))
            found += act in heard.acts
    assert found >= 0.9 * total, (found, total)


# ---- the property: a negated or past form of an announced act never counts ------------------------

# Verbs of harm and exposure (dictionary form) and a phrase with a medium, as the shipped lists hold them.
ACTS = ["殺す", "殴る", "ぶん殴る", "しばく", "どつく", "蹴る", "刺す", "壊す", "潰す", "燃やす", "晒す", "押しかける",
        "待ち伏せる", "張り込む", "言いふらす", "ばらまく", "ネットに書く", "SNSに上げる", "口コミに書く",
        "マスコミに流す", "拡散する", "炎上させる"]
BEFORE = ["", "お前のことは", "昨日、", "正直に言うと、", "店長さん、", "あの件は"]
AFTER = ["", "。", "よ", "から安心してください", "ので、説明してください", "。本当です"]
NEGATED = ["ない", "ません", "ないです", "たりしない", "たりしません", "つもりはない", "つもりはありません", "気はない",
           "ことはしません", "ないでおきます"]
PAST = ["た", "ました", "たので", "たけど", "たことがある", "てしまった", "ちゃった", "ていました"]

_STEM_I = {"う": "い", "く": "き", "ぐ": "ぎ", "す": "し", "つ": "ち", "ぬ": "に", "ぶ": "び", "む": "み", "る": "り"}
_STEM_A = {"う": "わ", "く": "か", "ぐ": "が", "す": "さ", "つ": "た", "ぬ": "な", "ぶ": "ば", "む": "ま", "る": "ら"}
_TE = {"う": "っ", "つ": "っ", "る": "っ", "く": "い", "ぐ": "い", "す": "し", "ぬ": "ん", "ぶ": "ん", "む": "ん"}


def inflect(act: str, ending: str) -> str:
    """`act` (a dictionary-form verb, or a phrase ending in one) with `ending` attached in the right
    stem: the 未然形 before ない, the 連用形 before ます/たり/つもり (the plain form)/て/た."""
    last = analyse_phrase(act).words[-1].entry
    base, tail = act[:-1], act[-1]
    godan = last.conj_type.startswith("五段")
    suru = act.endswith("する")
    if ending.startswith(("つもり", "気", "こと")):
        return act + ending
    if ending.startswith("ない"):
        if suru:
            return act[:-2] + "し" + ending
        return base + (_STEM_A[tail] if godan else "") + ending
    if ending.startswith(("ません", "ます", "まし")):
        if suru:
            return act[:-2] + "し" + ending
        return base + (_STEM_I[tail] if godan else "") + ending
    # た / て / たり / ちゃ: the euphonic stem
    voiced = godan and tail in "ぐぬぶむ"
    if suru:
        stem = act[:-2] + "し"
    else:
        stem = base + (_TE[tail] if godan else "")
    if ending.startswith("ちゃ"):
        return stem + ("じゃ" if voiced else "ちゃ") + ending[2:]
    if voiced and ending[0] in "たて":
        ending = chr(ord(ending[0]) + 1) + ending[1:]  # た → だ, て → で
    if act.endswith("行く") and ending[0] in "たて":
        stem = base + "っ"
    return stem + ending


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ACTS), st.sampled_from(NEGATED + PAST), st.sampled_from(BEFORE), st.sampled_from(AFTER))
def test_a_negated_or_past_act_never_counts_when_announced_acts_are_asked(act, ending, before, after):
    """For a list declared `announced`, 殴らない, 殴りません, 殴るつもりはない, 殴りました, 殴ったので …
    are found (the evidence says so) but never count, whatever comes before or after."""
    text = before + inflect(act, ending) + after
    hear = Listener([], [act])
    heard = hear(text)
    assert heard is not None
    assume(act in heard.acts)  # (待ち伏せない is read as the noun 待ち伏せ: not found, so not counted either)
    assert not MentionSet([act], "announced").any(heard), (text, heard.counted(act, "announced"))
