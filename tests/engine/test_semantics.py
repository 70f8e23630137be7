"""Per-operator truth tables of section 5: every operator with known and unknown operands."""
import pytest

from kasuhara_rules import parse_policy
from tests.conftest import policy

BASE = {"incident_id": "T-1", "channel": "phone", "repeat": 3, "dogeza": False, "words": [], "contacts": [],
        "reported_at": "2026-05-01T10:00:00+09:00"}
PHRASES = 'phrases threats = ["殺す", "晒す", "ネットに書く"]\n'
_CACHE: dict = {}


def result(cond: str, **fields):
    """The rule result for `when cond` on BASE updated with `fields` (None deletes a field)."""
    p = _CACHE.get(cond)
    if p is None:
        p = _CACHE[cond] = parse_policy(policy(PHRASES + f'rule r {{ when {cond} then kasuhara respond "x" }}\n'))
    record = dict(BASE)
    for k, v in fields.items():
        if v is None:
            record.pop(k, None)
        else:
            record[k] = v
    _, m, u, _ = p.program.evaluate(record)
    full = p.program.explain(record, False)
    assert (full[1], full[2]) == (m, u)
    return True if m & 1 else (None if u & 1 else False)


T, F, U = True, False, None


ATOM = {True: "dogeza", False: "not dogeza", None: "demand_valid"}  # with dogeza true, demand_valid absent


@pytest.mark.parametrize("a,b,and_,or_", [
    (T, T, T, T), (T, F, F, T), (T, U, U, T), (F, T, F, T), (F, F, F, F), (F, U, F, U),
    (U, T, U, T), (U, F, F, U), (U, U, U, U),
])
def test_and_or_truth_table(a, b, and_, or_):
    """Kleene and/or: false and unknown is false, true or unknown is true."""
    assert result(f"{ATOM[a]} and {ATOM[b]}", dogeza=True) is and_
    assert result(f"{ATOM[a]} or {ATOM[b]}", dogeza=True) is or_


def test_not_of_unknown_is_unknown():
    """not unknown is unknown."""
    assert result("not demand_valid", demand_valid=None) is None
    assert result("not demand_valid", demand_valid=True) is False


@pytest.mark.parametrize("cond", ["call_length >= 30min", "call_length == 30min", "call_length != 30min",
                                  "call_length between 10min and 1h", "call_length + 5min > 10min",
                                  "-amount < 0", "amount * 2 > 1", 'remarks contains "バカ"',
                                  "remarks contains any threats", "remarks contains all threats",
                                  'remarks matches "土下座"', 'remarks in ["x"]', "remarks in threats",
                                  "len(remarks) > 3", "birthday < 2000-01-01"])
def test_every_operator_is_unknown_on_an_unknown_operand(cond):
    """An operator given an unknown (absent optional) operand is unknown."""
    assert result(cond) is None


def test_is_missing_and_is_present_are_never_unknown():
    """is missing / is present are true or false, never unknown."""
    assert result("call_length is missing") is True
    assert result("call_length is present") is False
    assert result("call_length is missing", call_length=30) is False
    assert result("remarks is present", remarks=None) is False


def test_null_is_the_same_as_absent():
    """An optional field given as JSON null is unknown, like an absent one."""
    assert result("demand_valid", demand_valid=None) is None
    record_null = dict(BASE, demand_valid=None)
    p = parse_policy(policy('rule r { when demand_valid then kasuhara respond "x" }\n'))
    assert p.program.evaluate(record_null)[2] == 1


def test_between_is_inclusive():
    """`between lo and hi` includes both ends."""
    assert result("repeat between 3 and 5", repeat=3) is True
    assert result("repeat between 3 and 5", repeat=5) is True
    assert result("repeat between 3 and 5", repeat=6) is False


@pytest.mark.parametrize("text", ["ＳＮＳに晒す", "sns", "SNS", "ｓｎｓ"])
def test_contains_normalises_width_and_case(text):
    """`contains` compares NFKC, case-folded text: ＳＮＳ ≡ sns ≡ SNS."""
    assert result('remarks contains "sns"', remarks=text) is True


@pytest.mark.parametrize("text", ["バカ", "ばか", "ﾊﾞｶ", "お前はﾊﾞｶだ"])
def test_contains_folds_kana(text):
    """Katakana, hiragana and half-width katakana match each other."""
    assert result('remarks contains "ばか"', remarks=text) is True
    assert result('remarks contains "バカ"', remarks=text) is True


def test_in_phrases_and_lists_normalise():
    """`in` compares normalised text too; `==` compares exactly."""
    assert result("remarks in threats", remarks="ネットに書く") is True
    assert result('remarks in ["ﾈｯﾄ"]', remarks="ネット") is True
    assert result('remarks == "ﾈｯﾄ"', remarks="ネット") is False
    assert result('remarks not in ["a"]', remarks="A") is False


def test_contains_on_lists_is_membership():
    """On a list of text, contains / contains any / contains all test membership."""
    assert result('words contains "バカ"', words=["ﾊﾞｶ", "x"]) is True
    assert result('words contains "バ"', words=["バカ"]) is False
    assert result("words contains any threats", words=["晒す"]) is True
    assert result("words contains all threats", words=["晒す", "殺す"]) is False
    assert result("words contains all threats", words=["晒す", "殺す", "ネットに書く"]) is True


def test_membership_in_a_projection_with_unknown_elements_is_three_valued():
    """`contacts.kind` may hold unknown elements: a known match is true, no match among the known
    elements is unknown while one is unknown, and false only when every element is known."""
    at = "2026-04-01T10:00:00+09:00"
    some = [{"at": at}, {"at": at, "kind": "電話"}]
    none_known = [{"at": at}, {"at": at, "kind": "来店"}]
    known = [{"at": at, "kind": "来店"}]
    for cond in ('contacts.kind contains "電話"', 'contacts.kind contains any ["電話", "x"]',
                 '"電話" in contacts.kind'):
        assert (result(cond, contacts=some), result(cond, contacts=none_known), result(cond, contacts=known)) == (
            T, U, F), cond
    assert result('contacts.kind contains all ["電話", "来店"]', contacts=some + known) is T
    assert result('contacts.kind contains all ["電話", "来店"]', contacts=some) is U
    assert result('contacts.kind contains all ["電話", "来店"]', contacts=known) is F
    assert [result('"電話" not in contacts.kind', contacts=c) for c in (some, none_known, known)] == [F, U, T]
    assert [result("35min in contacts.length", contacts=c) for c in (
        [{"at": at}, {"at": at, "length": 35}], [{"at": at}], [{"at": at, "length": 5}])] == [T, U, F]


def test_matches_uses_nfkc_and_ignores_case_without_kana_folding():
    """`matches` runs on NFKC text, ignoring case, but katakana is not folded."""
    assert result('remarks matches "sns"', remarks="ＳＮＳ") is True
    assert result('remarks matches "ばか"', remarks="バカ") is False
    assert result('remarks matches "^土下座"', remarks="土下座しろ") is True


CONTACT = {"at": "2026-04-30T10:00:00+09:00", "length": 12}
RECENT = "count(contacts where at >= reported_at - 30d and length >= 10min)"


def test_count_where_three_valued():
    """count(... where ...) is unknown when an element's condition is unknown."""
    assert result(f"{RECENT} >= 2", contacts=[CONTACT, CONTACT]) is True
    assert result(f"{RECENT} >= 2", contacts=[CONTACT, {"at": "2026-04-30T10:00:00+09:00"}]) is None
    assert result(f"{RECENT} >= 1", contacts=[{"at": "2025-01-01T00:00:00Z", "length": 50}]) is False


def test_any_all_three_valued():
    """any is true once one element is true; all is false once one is false."""
    unknown = {"at": "2026-04-30T10:00:00+09:00"}
    assert result("any(contacts where length >= 10min)", contacts=[unknown, CONTACT]) is True
    assert result("any(contacts where length >= 10min)", contacts=[unknown]) is None
    assert result("all(contacts where length >= 30min)", contacts=[unknown, CONTACT]) is False
    assert result("all(contacts where length >= 10min)", contacts=[unknown, CONTACT]) is None
    assert result("any(contacts where length >= 10min)", contacts=[]) is False
    assert result("all(contacts where length >= 10min)", contacts=[]) is True


def test_sum_min_max():
    """sum/min/max over a projection; unknown if an element is unknown; min/max of nothing unknown."""
    two = [CONTACT, dict(CONTACT, length=20)]
    assert result("sum(contacts.length) == 32min", contacts=two) is True
    assert result("max(contacts.length) == 20min", contacts=two) is True
    assert result("min(contacts.length) == 12min", contacts=two) is True
    assert result("sum(contacts.length) == 0s", contacts=[]) is True
    assert result("max(contacts.length) > 0s", contacts=[]) is None
    assert result("sum(contacts.length) > 0s", contacts=[CONTACT, {"at": CONTACT["at"]}]) is None


def test_datetime_arithmetic_across_offsets():
    """Date-times with different offsets compare as instants."""
    assert result("reported_at == 2026-05-01T01:00:00Z") is True
    assert result("reported_at - 1h == 2026-05-01T09:00:00+09:00") is True
    assert result("reported_at - min(contacts.at) == 1d",
                  contacts=[{"at": "2026-04-30T01:00:00Z", "length": 1}]) is True


def test_durations_accept_units_and_iso():
    """A duration field takes a number in its unit, "35min" or ISO 8601 "PT35M"."""
    assert result("call_length == 35min", call_length=35) is True
    assert result("call_length == 35min", call_length="35min") is True
    assert result("call_length == 35min", call_length="PT35M") is True
    assert result("call_length == 90s", call_length=1.5) is True


def test_division_by_zero_is_unknown():
    """Dividing by zero gives unknown, not an error."""
    assert result("repeat / 0 > 1") is None
    assert result("call_length / 0 > 1min", call_length=3) is None


def test_define_used_in_two_rules_and_where():
    """Defines may be used anywhere, including inside where."""
    p = parse_policy(policy('define cutoff = reported_at - 30d\n'
                            'rule a { when count(contacts where at >= cutoff) >= 1 then kasuhara respond "x" }\n'
                            'rule b { when reported_at > cutoff then claim respond "y" }\n'))
    _, m, u, _ = p.program.evaluate(dict(BASE, contacts=[CONTACT]))
    assert m == 0b11 and u == 0
