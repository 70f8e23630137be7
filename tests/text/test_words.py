"""Tests for words.py: analysing text into words and finding phrases among them."""
import subprocess
import sys
import threading
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kasuhara_rules.text.words import Match, PhraseIndex, analyse_phrase, find, fold, words_of


def found(phrase: str, text: str) -> bool:
    return find(analyse_phrase(phrase), words_of(text)) is not None


@pytest.mark.parametrize("phrase, text", [
    ("晒す", "晒してやる"),
    ("晒す", "お前の顔、ネットで晒すぞ"),
    ("殺す", "殺されたいのか"),
    ("殺す", "ぶち殺してやる"),
    ("殺す", "ぶっ殺すぞ"),
    ("ネットに書く", "ネットに書いてやるからな"),
    ("死ね", "死ねよ"),
    ("死ね", "お前なんか死ね"),
    ("死ね", "死ね。"),
    ("死ね", "死ね!"),
    ("覚えておけ", "覚えておけよ"),
    ("訴える", "訴えてやる"),
    ("炎上させる", "炎上させてやる"),
    ("SNSにあげる", "SNSにあげるぞ"),
    ("SNSに上げる", "SNSにあげるぞ"),
    ("SNSに上げる", "ＳＮＳにあげるぞ"),
    ("バカ", "ﾊﾞｶじゃないの"),
    ("バカ", "ばかじゃないの"),
    ("バカ", "馬鹿じゃないの"),
    ("馬鹿", "バカじゃないの"),
    ("クズ", "このくずが"),
    ("土下座しろ", "今すぐ土下座しろ"),
    ("土下座", "土下座させてやる"),
])
def test_found(phrase, text):
    """The contract's examples: inflections of a dictionary-form word, compound verbs, the imperative
    Sudachi joins with its particle, width, case and kana variants."""
    assert found(phrase, text)


@pytest.mark.parametrize("phrase, text", [
    ("死ね", "祖母が死んだ"),
    ("死ね", "これでいつでも死ねる"),
    ("バカ", "買ったばかり"),
    ("シネ", "シネマ"),
    ("辞めちまえ", "そんなに嫌なら辞めちまえばいいのに、と友達に言われた"),
    ("カス", "傘を貸す"),
    ("ババア", "ばあちゃんの薬"),
    ("殺す", "殺菌済みです"),
    ("ネットに書く", "ネットに書き込みがあった"),
])
def test_not_found(phrase, text):
    """Substring traps and other inflections of an inflected phrase word are not matches."""
    assert not found(phrase, text)


@pytest.mark.parametrize("phrase, text", [
    ("クソ", "あいつクソやな"),
    ("クソ", "このクソ駅員が"),
    ("キチガイ", "お前キチガイか"),
    ("基地外", "基地外かよ"),
])
def test_a_one_word_phrase_is_read_as_it_is_used(phrase, text):
    """Issue 24 §5: "クソ" alone analyses as the interjection, in 「あいつクソやな」 as the noun 糞; a
    one-word phrase read alone as an interjection, a prefix or a suffix is also read in carrying
    sentences, so it is found in the forms it takes in sentences, by `find` and by the index."""
    assert found(phrase, text)
    assert PhraseIndex([phrase]).first(words_of(text)) is not None


def test_the_interjection_reading_alone_would_miss():
    """What the test above guards: the phrase's own words alone (the interjection) are not the word
    of 「あいつクソやな」; the other reading is."""
    p = analyse_phrase("クソ")
    sentence = [w.norm for w in words_of("あいつクソやな")]
    assert p.words[0].norm not in sentence
    assert any(alt.norm in sentence for alt in p.alts)


def test_words_carry_offsets_into_the_normalised_text():
    """start/end index the NFKC-normalised text; the norm is the dictionary's normalised form."""
    text = "ＳＮＳに晒してやる"
    norm = unicodedata.normalize("NFKC", text)
    words = words_of(text)
    assert [norm[w.start:w.end] for w in words] == [w.surface for w in words]
    assert [w.norm for w in words] == ["sns", "に", "晒す", "て", "遣る"]
    assert words_of("") == ()


def test_long_text_is_analysed_in_pieces():
    """A text longer than Sudachi accepts (49,149 bytes) is split at sentence ends; offsets stay right."""
    text = "お客様に晒してやると言われた。" * 5000
    words = words_of(text)
    assert [text[w.start:w.end] for w in words] == [w.surface for w in words]
    assert len([w for w in words if w.norm == "晒す"]) == 5000


def test_match_evidence():
    """A match names the phrase, the word range, the characters and the words as written."""
    ix = PhraseIndex(["ネットに書く", "死ね", "殺す"])
    text = "ネットに書いてやる。死ねよ"
    assert ix.matches(words_of(text)) == [
        Match("ネットに書く", 0, 3, 0, 6, "ネットに書い"),
        Match("死ね", 6, 7, 10, 13, "死ねよ"),
    ]
    assert ix.first(words_of(text)) == Match("ネットに書く", 0, 3, 0, 6, "ネットに書い")
    assert list(ix.found(words_of(text))) == ["ネットに書く", "死ね"]
    assert ix.first(words_of("ありがとう")) is None


def test_importing_the_module_does_not_load_the_analyser():
    """Policies without `mentions` never pay for SudachiPy."""
    code = "import kasuhara_rules, kasuhara_rules.text.words, sys; print('sudachipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_threads_each_get_an_analyser():
    """Several threads analysing at once get the same words as one thread."""
    texts = [f"{i}回も電話したのに晒してやるぞ、ネットに書いてやる" for i in range(40)]
    want = [words_of(t) for t in texts]
    got: dict[int, list] = {}

    def work(k):
        got[k] = [words_of(t) for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(got[k] == want for k in range(4))


# ---- properties ---------------------------------------------------------------------------

ALPHABET = "あいうかきくさしすたてとなにのはまやよらるれをんアイカキシネバマ死殺晒書言前客様、。!ー"
UNRELATED = ["いつもお世話になっております", "商品が届きました", "ありがとうございます", "今日は雨です",
             "レシートはこちら", "担当の山田です", "明日また来ます", "駅前の店舗", "三時に伺います"]
PHRASES = ["死ね", "殺す", "晒す", "バカ", "馬鹿", "クズ", "シネ", "ネットに書く", "SNSに上げる",
           "炎上させる", "辞めちまえ", "土下座しろ", "土下座", "詫び状を書け", "訴える", "無能",
           "役立たず", "給料泥棒", "社長を出せ", "火をつけてやる", "口コミに書く", "拡散する",
           "覚えておけ", "ババア"]


@given(st.text(ALPHABET, min_size=1, max_size=30))
def test_a_phrase_is_found_in_itself(text):
    """Any text with words, taken as a phrase, is found in itself at the start."""
    words = words_of(text)
    assume(words)
    span = find(analyse_phrase(text), words)
    assert span is not None and span[0] == 0


@given(st.sampled_from(PHRASES), st.lists(st.sampled_from(UNRELATED), max_size=3),
       st.lists(st.sampled_from(UNRELATED), max_size=3), st.sampled_from(["。", "、"]))
def test_unrelated_words_around_keep_a_phrase_found(phrase, before, after, sep):
    """A phrase stays found when unrelated sentences are put before and after it."""
    text = sep.join([*before, phrase, *after])
    assert found(phrase, text)
    assert any(m.phrase == phrase for m in PhraseIndex(PHRASES).matches(words_of(text)))


# A small vocabulary of pieces: sentences built from it hit phrases, near misses and traps.
PIECES = ["お前", "なんか", "死ね", "よ", "祖母", "が", "死ん", "だ", "買っ", "た", "ばかり", "シネマ", "シネ",
          "ネット", "に", "書い", "て", "やる", "晒す", "ぞ", "殺さ", "れ", "たい", "の", "か", "バカ", "ばか",
          "馬鹿", "。", "、", "!", "傘", "を", "貸す", "カス", "辞め", "ちまえ", "ば", "SNS", "あげる", "炎上",
          "さ", "せる", "ぶっ殺す", "土下座", "しろ", "書く", "クズ", "くず", "ね", "死",
          "覚え", "おけ", "おけよ", "ばあ", "ちゃん", "ババア"]
sentences = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def reference_starts(phrase, words):
    """Brute force over every span of the text's words: where does the phrase start?

    A span matches when it has as many words as the phrase and each pair matches by the contract's
    rules, or when its words spell the phrase (folded) though Sudachi split them differently."""
    pw = phrase.words
    starts = set()
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            span = words[i:j]
            if len(span) == len(pw) and all(same_word(p, w) for p, w in zip(pw, span)):
                starts.add(i)
            spelled = "".join(fold(w.surface) for w in span)
            if spelled == fold(phrase.text.replace(" ", "")) and \
                    [fold(w.surface) for w in span] != [fold(p.surface) for p in pw]:
                starts.add(i)
    return starts


def same_word(p, w):
    """The contract's word rule, spelled out plainly."""
    p, w = Plain(p), Plain(w)
    dictionary_form = p.conj_type == "*" or fold(p.surface) == fold(p.dictionary)
    if p.norm == w.norm:
        if p.conj_type == "*" and w.conj_type == "*":
            return p.reading.replace("ー", "") == w.reading.replace("ー", "")
        if dictionary_form:
            return True  # dictionary form: every inflection
        if (w.conj_form == p.conj_form and w.reading == p.reading) or \
                (w.conj_form.startswith("命令形") and w.reading.startswith(p.reading)):
            return True
    if not dictionary_form and w.conj_form.startswith("命令形") and \
            fold(w.surface)[:-1] == fold(p.surface):  # 覚えておけ: 覚えておけよ
        return True
    if w.head == p.norm:  # compound verb ending in the phrase's verb
        return p.conj_type == "*" or fold(p.surface) == fold(p.dictionary)
    kana = all("\u3041" <= c <= "\u30ff" for c in p.surface) or all("\u3041" <= c <= "\u30ff" for c in w.surface)
    return p.pos in ("名詞", "形状詞") and p.pos == w.pos and p.reading == w.reading and kana


class Plain:
    """A word with its entry's fields at hand."""

    def __init__(self, word):
        self.surface, self.norm = word.surface, word.norm
        e = word.entry
        self.dictionary, self.reading, self.pos, self.head = e.dictionary, e.reading, e.pos, e.head
        self.conj_type, self.conj_form = e.conj_type, e.conj_form


@given(st.one_of(sentences, st.text(ALPHABET, max_size=30)),
       st.one_of(st.sampled_from(PHRASES + ["ばか", "カス", "貸す", "書く", "シネ"]),
                 st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join),
                 st.text(ALPHABET, min_size=1, max_size=4)))
def test_find_agrees_with_brute_force(text, phrase_text):
    """find returns the first start the brute-force reference finds, and PhraseIndex finds the same starts."""
    words = words_of(text)
    phrase = analyse_phrase(phrase_text)
    starts = reference_starts(phrase, words)
    span = find(phrase, words)
    assert (span[0] if span else None) == (min(starts) if starts else None)
    got = {m.word_start for m in PhraseIndex([phrase]).matches(words)}
    assert got == starts


@given(sentences)
def test_index_agrees_with_find_for_many_phrases(text):
    """PhraseIndex over many phrases finds exactly the phrases `find` finds one at a time."""
    words = words_of(text)
    ix = PhraseIndex(PHRASES)
    want = [p for p in PHRASES if find(analyse_phrase(p), words) is not None]
    assert list(ix.found(words)) == want
    first = ix.first(words)
    assert (first is None) == (not want)


def test_a_phrase_index_pickles_without_analysing_again():
    """A PhraseIndex sent to a worker process keeps its analysed phrases and finds the same matches."""
    import pickle

    ix = PhraseIndex(["死ね", "ネットに書く"])
    copy = pickle.loads(pickle.dumps(ix))
    assert copy.phrases == ix.phrases
    words = words_of("ネットに書いてやる。死ねよ")
    assert copy.matches(words) == ix.matches(words)


@pytest.mark.parametrize("text, warning", [
    ("死ね", None), ("ネットに書く", None), ("SNS", None),
    ("死", "one-character"), ("ｼ", "one-character"),
    ("には", "particles-only"), ("ですよ", "particles-only"), ("。", "one-character"),
    ("", "empty"), ("  ", "empty"),
])
def test_phrase_warning(text, warning):
    """Phrases the analyser will likely split against the author's intent are named, others pass."""
    from kasuhara_rules.text.words import phrase_warning

    assert phrase_warning(analyse_phrase(text)) == warning


def test_a_phrase_is_analysed_once_a_process():
    """analyse_phrase keeps its (immutable) answers: the same phrase again is the same object, equal
    to a fresh analysis, so a policy checked again or a second version naming the same lexicon costs
    no second analysis; the time zone list is read once too."""
    from kasuhara_rules.datetimes import zone_names
    from kasuhara_rules.text import words

    phrase = "二度と来るな、ネットに書くぞ"
    first = analyse_phrase(phrase)
    assert analyse_phrase(phrase) is first and first == words._phrase(phrase)
    assert analyse_phrase("クソ").alts and analyse_phrase("クソ") == words._phrase("クソ")
    assert zone_names() is zone_names() and "Asia/Tokyo" in zone_names()
