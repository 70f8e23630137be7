"""The small closed vocabularies the speech-act reader (speech.py) reads a clause with.

Each set holds normalised forms (Sudachi's `normalized_form`, kana folded to hiragana, as in
`words.Entry.norm`) unless its name says surfaces (`Entry.folded`: the word as written, folded).
They are grammar, not lexicon: which auxiliaries deny, which particles end a threat, which verbs
report speech. The acts themselves (what counts as harm or exposure) are the policy's phrase lists.
"""
from __future__ import annotations

from typing import Iterable

# ---- auxiliaries and the verbs that act as auxiliaries after て ------------------------------

PASSIVE = frozenset({"れる", "られる"})
CAUSATIVE = frozenset({"せる", "させる"})
NEGATIVE = frozenset({"ない", "ず", "ぬ", "へん", "ひん", "ねえ", "ねー", "ん"})
# Verbs after て that give the act to someone (晒してやる, 書いたる, バズらせてあげる): the speaker's
# announced act. たる/ちゃる are the Kansai and western forms (Sudachi reads them as auxiliaries).
BENEFACTIVE = frozenset({"遣る", "やる", "上げる", "あげる", "差し上げる"})
BENEFACTIVE_AUX_SURFACES = frozenset({"たる", "たろ", "たれ", "ちゃる", "ちゃろ", "じゃる", "たった"})
# Verbs after て that keep the act the speaker's own and announced when not past: 書いておく,
# 晒しちゃう, 書いてみる, 殴りに行く, 連れてくる, 書き続ける, 書きまくる.
CARRYING = frozenset({"置く", "おく", "とく", "仕舞う", "しまう", "ちゃう", "じゃう", "見る", "みる", "行く",
                      "いく", "来る", "くる", "続ける", "捲る", "まくる", "始める", "回る", "尽くす", "切る"})
# After a causative, these make the polite announcement of one's own act (投書させていただきます,
# 上げさせてもらいます); without a causative they ask someone else (書いてもらえますか).
HUMBLE = frozenset({"頂く", "いただく", "貰う", "もらう"})
# Asking someone else to act: 書いてください, 書いてくれ, 書いてほしい.
REQUEST = frozenset({"下さる", "ください", "くれる", "呉れる", "欲しい", "ほしい", "頂戴"})
PROGRESSIVE = frozenset({"居る", "いる", "てる", "でる", "とる", "おる", "居る"})
RESULTATIVE = frozenset({"有る", "ある", "たる"})
LIGHT_VERBS = frozenset({"為る", "する", "致す", "いたす", "やる", "遣る", "成る", "なる"})
POLITE_HUMBLE_VERBS = frozenset({"致す", "いたす", "参る", "まいる", "申し上げる"})

# ---- what ends a clause ------------------------------------------------------------------------

OPENING = frozenset({"「", "『", "“", "\""})  # quotation marks (surfaces)
CLOSING = frozenset({"」", "』", "”", "\""})

# Sentence-final particles (surfaces) that make a plain or polite non-past form an announcement or a
# threat said to the listener: 晒すぞ, 殺すぜ, いてまうど, 書いたるで, 殺すけえ, 書くけんね, 書くがや.
STRONG_FINALS = frozenset({"ぞ", "ぜ", "ど", "ぞい", "ぞお", "ぞー", "けえ", "けぇ", "けん", "きに", "きん", "がや",
                           "だがや", "かんな", "かんね", "っからな", "っから", "ばい", "たい", "っちゃ", "べ", "べさ",
                           "べや", "じゃけん"})
# Weaker endings: said as a statement of what one will do (書きますね, 書くよ, 送っとくわ, 晒すで).
WEAK_FINALS = frozenset({"よ", "ね", "な", "わ", "で", "さ", "や", "のう", "のー", "ねん", "よね", "なあ", "なー",
                         "ねー", "わい", "わよ", "て"})
QUESTION_FINALS = frozenset({"か", "かい", "かな", "かね", "かしら", "の", "のか", "んか", "け", "っけ", "かー"})
# Conjunctive particles after which the clause is over but stands as said (reason, contrast).
REASON = frozenset({"から", "ので", "んで", "し"})
CONTRAST = frozenset({"けど", "けれど", "けれども", "が", "のに", "けんど"})
CONDITIONAL = frozenset({"ば", "と", "たら", "なら", "ならば", "んなら", "のなら", "ても", "でも"})
LISTING = frozenset({"とか", "なんか", "など", "なんて", "なり", "やら", "だの", "たり", "だり"})

# ---- nouns a clause may end in --------------------------------------------------------------------

# Nouns of intention: 晒すつもりだ (intent), 書く気はない (denial).
INTENT_NOUNS = frozenset({"積もり", "つもり", "気", "予定", "考え", "所存", "覚悟", "決意"})
# Nouns that make a decision or an outcome of the act: 書くことにした, 送らせていただくことになります.
KOTO = frozenset({"こと", "事"})
NOMINALISERS = frozenset({"の", "ん"})
# Words of likeness and naming after a noun: ヤクザみたいな言い方, ヤクザのような, ヤクザっぽい.
SIMILE = frozenset({"みたい", "様", "よう", "っぽい", "ぽい", "風", "並み", "ばり", "的", "系"})
# Nouns after a word that make it a name of a kind of thing, not an act: ヤクザ映画, 暴力団排除条例.
# (Any noun right after a claimed means does; these are also read after `の`.)
# Nouns after a claimed means (組の者, ヤクザの知り合い, 暴力団の人間) that keep it a claim of people.
BACKING_PEOPLE = frozenset({"者", "もん", "物", "人間", "人", "連中", "衆", "知り合い", "仲間", "友達", "友人", "幹部",
                            "兄貴", "組員", "若い衆", "若いもん", "舎弟", "親分", "若頭", "構成員", "先輩", "後輩"})
GENRE_NOUNS = frozenset({"映画", "漫画", "マンガ", "ドラマ", "小説", "本", "話", "役", "物", "もの", "映像",
                         "ニュース", "番組", "事件", "問題", "対策", "条例", "排除", "お断り", "関係", "世界"})

# ---- verbs that report, think, leave open, or take back ----------------------------------------

SAYING = frozenset({"言う", "いう", "云う", "怒鳴る", "脅す", "叫ぶ", "騒ぐ", "喚く", "わめく", "書く", "伝える",
                    "聞く", "話す", "言い出す", "抜かす", "ほざく", "凄む", "すごむ", "ぬかす", "申す", "仰る",
                    "おっしゃる", "言い放つ", "吐く", "告げる", "メール", "書き込む", "ある"})
THINKING = frozenset({"思う", "考える", "思える", "おもう"})
OPEN = frozenset({"迷う", "悩む", "決める", "考える", "検討", "考え中", "分かる", "わかる", "判る", "知る"})
CANCEL = frozenset({"止める", "やめる", "辞める", "止す", "よす", "やめとく"})
# Adjectives and nouns after 〜ても that make a rhetorical threat: 家族がどうなってもいいんだな,
# 晒されても知らないぞ, 逃げても無駄だ.
ALLOW = frozenset({"良い", "いい", "よい", "ええ", "構う", "かまう", "オッケー", "OK"})
WARNING_AFTER_TEMO = frozenset({"知る", "知らん", "無駄", "むだ", "責任", "文句"})
# Possible outcomes in the main clause after a conditional act that make it a veiled threat:
# 週刊誌に持ち込んだら、どういう記事になるか楽しみだわ.
RHETORICAL_MAIN = frozenset({"どう", "楽しみ", "知る", "知らん", "責任", "困る", "分かる", "わかる", "終わり",
                             "最後", "覚悟", "ネタ", "ねた", "記事", "ニュース", "話題", "騒ぎ", "炎上", "評判"})
# Verbs of having someone as backing (組の人間と付き合いがある, ヤクザの知り合いがいる).
# Verbs of sending or calling one's backing (ヤクザに頼む, 若い衆を行かせる, 組の者を呼ぶ).
SUMMON = frozenset({"頼む", "呼ぶ", "連れる", "行かせる", "来させる", "寄越す", "送り込む", "言い付ける", "言いつける",
                    "相談", "出る", "出す", "集める"})
EXISTENCE = frozenset({"居る", "いる", "おる", "有る", "ある", "付く", "つく", "繋がる", "つながる", "知る"})

# ---- praise and blame: a review announced as thanks is not a threat -------------------------------

PRAISE = frozenset({"美味しい", "おいしい", "旨い", "うまい", "最高", "素晴らしい", "素敵", "感動", "有り難い", "ありがとう",
                    "有難う", "お勧め", "おすすめ", "オススメ", "絶賛", "満足", "楽しい", "高評価", "星5", "星五つ", "褒める",
                    "応援", "宣伝", "好き", "大好き", "美味"})
BLAME = frozenset({"最悪", "酷い", "ひどい", "不味い", "まずい", "最低", "許す", "許せる", "ふざける", "舐める", "なめる",
                   "誠意", "謝罪", "返金", "返品", "弁償", "クレーム", "怒る", "悪い"})

# ---- people: who acts -------------------------------------------------------------------------

FIRST_PERSON = frozenset({"私", "わたし", "あたし", "僕", "ぼく", "俺", "おれ", "わし", "儂", "うち", "自分", "わい",
                          "こっち", "此方", "こちら", "我々", "われわれ", "俺ら", "おいら", "わたくし", "私ども"})
# Nouns and pronouns naming another person as the subject of an act (隣の人が殴ってくる).
OTHER_PERSON = frozenset({"人", "方", "者", "奴", "やつ", "男", "女", "夫", "妻", "旦那", "嫁", "彼", "彼女", "友達",
                          "友人", "母", "父", "兄", "姉", "弟", "妹", "子", "子供", "子ども", "息子", "娘", "客",
                          "店員", "隣", "誰", "誰か", "上司", "同僚", "相手", "酔っ払い", "元夫", "元妻", "家族",
                          "みんな", "皆", "知り合い", "先輩", "後輩", "彼氏", "親", "祖母", "祖父", "主人"})
CONDITION_HYPOTHETICAL = frozenset({"もし", "もしも", "仮に", "万一", "万が一"})


# ---- for `kasu check` (W112): phrases that look like threats or exposure ------------------------

# Normalised forms of acts that are threats or exposure when announced (a list naming them without a
# kind finds 「晒すつもりはない」 as readily as 「晒すぞ」).
THREAT_ACTS = frozenset({"殺す", "打ち殺す", "ぶち殺す", "殴る", "ぶん殴る", "刺す", "蹴る", "燃やす", "放火", "爆破",
                         "晒す", "拡散", "炎上", "暴露", "言い触らす", "しばく", "ど突く", "潰す", "壊す", "打ち壊す",
                         "待ち伏せ", "待ち伏せる", "押し掛ける", "付け回す", "やくざ", "暴力団"})
THREAT_NAMES = ("threat", "expos", "脅", "威嚇", "暴露", "晒", "予告")


def threat_like(phrases: Iterable[str], name: str, label: str | None) -> str | None:
    """The first phrase that makes a list look like threats or exposure (by its words, or by the
    list's name or label), or None. Analyses the phrases (loads the analyser).

    >>> threat_like(["晒す", "ネットに書く"], "x", None), threat_like(["バカ"], "insults", None)
    ('晒す', None)
    """
    from .words import words_of

    texts = list(phrases)
    for text in texts:
        if any(w.norm in THREAT_ACTS or w.entry.head in THREAT_ACTS for w in words_of(text)):
            return text
    titled = (name + " " + (label or "")).casefold()
    if texts and any(word in titled for word in THREAT_NAMES):
        return texts[0]
    return None
