"""Tests for verbalize.py: each operator reads as a plain sentence, in Japanese and in English."""
import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.render.verbalize import Verbalizer
from tests.conftest import policy

PHRASES = 'phrases threats "脅迫的な表現" = ["殺す", "晒す"]\n' \
          'phrases many "多くの語" = ["a", "b", "c", "d", "e", "f", "g"]\n' \
          'define recent "最近の連絡" = count(contacts where at >= reported_at - 30d)\n' \
          'define long_call "長い電話" = call_length >= 30min\n'


def read(cond: str, lang: str) -> str:
    p = parse_policy(policy(PHRASES + f'rule r {{ when {cond} then kasuhara respond "x" }}\n'
                            'rule keep { when recent >= 0 and long_call and remarks contains any many '
                            'and remarks contains any threats then claim respond "y" }\n'))
    rule = p.checked.rules[0]
    lead, items = Verbalizer(p.checked, lang).criteria(rule.when)
    return lead if not items else lead + " | " + " | ".join(i if isinstance(i, str) else i[0] for i in items)


@pytest.mark.parametrize("cond,ja,en", [
    ("call_length >= 30min", "通話時間が30分以上のとき", "when call length is at least 30 minutes"),
    ("call_length > 1.5h", "通話時間が1.5時間を超えるとき", "when call length is more than 1.5 hours"),
    ("repeat <= 3", "repeatが3以下のとき", "when repeat is at most 3"),
    ("repeat < 100_000", "repeatが100,000未満のとき", "when repeat is less than 100,000"),
    ('channel == "phone"', "受付チャネルが「phone」のとき", 'when channel is "phone"'),
    ('channel != "sns"', "受付チャネルが「sns」ではないとき", 'when channel is not "sns"'),
    ("dogeza", "土下座の要求があるとき", "when dogeza is true"),
    ("not dogeza", "土下座の要求がないとき", "when dogeza is false"),
    ("dogeza == false", "土下座の要求がないとき", "when dogeza is false"),
    ("demand_valid is missing", "demand_validの記録がないとき", "when demand valid is not recorded"),
    ("demand_valid is present", "demand_validの記録があるとき", "when demand valid is recorded"),
    ('channel in ["phone", "email"]', "受付チャネルが「phone」「email」のいずれかのとき",
     'when channel is one of "phone", "email"'),
    ('channel not in ["sns"]', "受付チャネルが「sns」のいずれでもないとき", 'when channel is none of "sns"'),
    ('remarks contains "土下座"', "発言内容に「土下座」が含まれるとき", 'when remarks contains "土下座"'),
    ("remarks contains any threats", "発言内容に〈脅迫的な表現〉（「殺す」「晒す」）のいずれかが含まれるとき",
     'when remarks contains any of the phrases "threats" ("殺す", "晒す")'),
    ("remarks contains all threats", "発言内容に〈脅迫的な表現〉（「殺す」「晒す」）のすべてが含まれるとき",
     'when remarks contains all of the phrases "threats" ("殺す", "晒す")'),
    ("remarks contains any many", "発言内容に〈多くの語〉（語句の一覧を参照）のいずれかが含まれるとき",
     'when remarks contains any of the phrases "many" (see the phrase lists)'),
    ('words contains "バカ"', "wordsに「バカ」があるとき", 'when words contains "バカ"'),
    ('remarks matches "バカ|馬鹿"', "発言内容に「バカ」「馬鹿」のいずれかが含まれる（表記どおり。ひらがなとカタカナは区別する）とき",
     'when remarks contains any of "バカ", "馬鹿" (as written: hiragana and katakana are told apart)'),
    ('remarks matches "^土下座.{0,20}しろ$"', "発言内容が正規表現「^土下座.{0,20}しろ$」に当てはまるとき",
     'when remarks matches the pattern "^土下座.{0,20}しろ$"'),
    ("repeat between 3 and 5", "repeatが3以上5以下のとき", "when repeat is between 3 and 5 (inclusive)"),
    ("recent >= 3", "〔最近の連絡〕が3以上のとき", "when [recent] is at least 3"),
    ("long_call", "〔長い電話〕に当たるとき", "when [long call] applies"),
    ("count(contacts where at >= reported_at - 30d) >= 3",
     "contactsのうち、atがreported_atの30日前以降のものの件数が3以上のとき",
     "when the number of contacts where at is on or after 30 days before reported at is at least 3"),
    ("any(contacts where length >= 10min)", "contactsのいずれかが、lengthが10分以上のとき",
     "when at least one of the contacts: length is at least 10 minutes"),
    ("all(contacts where length is present)", "contactsのすべてが、lengthの記録があるとき",
     "when every one of the contacts: length is recorded"),
    ("sum(contacts.length) >= 2h", "contactsのlengthの合計が2時間以上のとき",
     "when the total length of the contacts is at least 2 hours"),
    ("max(contacts.at) > reported_at - 7d", "contactsのatのうち最も遅いものがreported_atの7日前より後のとき",
     "when the latest at of the contacts is after 7 days before reported at"),
    ("len(remarks) > 200", "発言内容の文字数が200を超えるとき", "when the length of remarks is more than 200"),
    ("amount > repeat * 3", "amountがrepeatの3倍を超えるとき", "when amount is more than 3 times repeat"),
    ("birthday < 2000-01-01", "birthdayが2000年1月1日より前のとき", "when birthday is before 2000-01-01"),
    ("dogeza and call_length is present and call_length >= 1h",
     "次のすべてに当たるとき | 土下座の要求がある | 通話時間が1時間以上",
     "when all of the following hold | dogeza is true | call length is at least 1 hour"),
    ("dogeza or repeat >= 3", "次のいずれかに当たるとき | 土下座の要求がある | repeatが3以上",
     "when any of the following holds | dogeza is true | repeat is at least 3"),
    ("not (repeat >= 3)", "repeatが3未満のとき", "when repeat is less than 3"),
    ("not (dogeza and repeat >= 3)", "「土下座の要求がある、かつrepeatが3以上」ではないとき",
     "when not (dogeza is true, and repeat is at least 3)"),
])
def test_each_operator_reads_naturally(cond, ja, en):
    """Every operator has a sentence in each language, built from labels where they exist."""
    assert read(cond, "ja") == ja
    assert read(cond, "en") == en
