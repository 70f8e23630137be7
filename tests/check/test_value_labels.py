"""Value labels of `one of` (contract 1.2 §3): parsed, printed, checked, and read from records."""
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules import RecordError, parse_policy
from kasuhara_rules.render.formatter import format_text
from kasuhara_rules.source import SourceText
from kasuhara_rules.syntax import nodes as n
from kasuhara_rules.syntax.parser import parse_source
from kasuhara_rules.syntax.printer import type_text
from tests.conftest import budget, codes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

HEAD = 'policy "t" { id t version "1" otherwise claim }\noutcomes { claim "クレーム", kasuhara "カスハラ" }\n'
LABELLED = '["counter" "窓口", "phone" "電話", "sns" "ＳＮＳ"]'


def schema(one_of: str, rest: str = "") -> str:
    return HEAD + f"schema {{\n  incident_id: text key\n  channel \"受付チャネル\": one of {one_of}\n}}\n" + rest


def one_of(text: str) -> n.OneOfType:
    tree, diags = parse_source(SourceText.from_text("t.kasu", schema(text)))
    assert tree is not None and not diags, diags
    field = next(d for d in tree.decls if isinstance(d, n.SchemaDecl)).fields[1]
    assert isinstance(field.type, n.OneOfType)
    return field.type


def pairs(t: n.OneOfType) -> list[tuple[str, str | None]]:
    return [(c.value.value, c.label.value if c.label else None) for c in t.choices.items]


def test_a_text_after_a_value_on_its_line_is_its_label():
    """`"counter" "窓口"` is one choice with a label; a comma or a new line starts the next choice."""
    assert pairs(one_of(LABELLED)) == [("counter", "窓口"), ("phone", "電話"), ("sns", "ＳＮＳ")]
    assert pairs(one_of('["a", "b"]')) == [("a", None), ("b", None)]
    assert pairs(one_of('[\n    "a" "エー"\n    "b"\n    "c" "シー", "d"\n  ]')) == [
        ("a", "エー"), ("b", None), ("c", "シー"), ("d", None)]


def test_three_texts_on_a_line_need_a_comma():
    """A value, its label and another text without a comma is E112, as in any list."""
    assert codes(schema('["a" "エー" "b" "ビー" "c" "シー"]')) == ["E112", "E112"]


def test_printer_and_formatter_keep_the_labels():
    """The printed type and `kasu fmt` write the labels back, and formatting is idempotent."""
    assert type_text(one_of(LABELLED)) == f"one of {LABELLED}"
    text = schema('[\n    "a" "エー"\n    "b" "ビー"\n  ]')
    once = format_text(text, "t.kasu")
    assert 'one of ["a" "エー", "b" "ビー"]' in once and format_text(once, "t.kasu") == once


def test_a_long_labelled_list_is_filled_and_reads_back_the_same():
    """A list too wide for a line is filled over several lines, each choice whole."""
    values = ", ".join(f'"value_{i}" "とても長い表示名その{i}"' for i in range(8))
    once = format_text(schema(f"[{values}]"), "t.kasu")
    assert once.count('\n    "value_') >= 2  # the choices indented under their field
    again = parse_policy(once)
    assert again.checked.field("channel").type.labels == tuple(f"とても長い表示名その{i}" for i in range(8))


_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6)


@given(st.lists(st.tuples(_texts, st.one_of(st.none(), _texts)), min_size=1, max_size=5,
                unique_by=lambda p: p[0]))
def test_round_trip_of_choices(choices):
    """Any values and labels print and parse back to the same choices (escapes included)."""
    from hypothesis import settings  # noqa: F401 - the profile's budget applies

    t = n.OneOfType(n.Ident("one"), n.ChoiceList(tuple(
        n.Choice(n.StringLit(v), n.StringLit(lab) if lab is not None else None) for v, lab in choices)))
    assert pairs(one_of(type_text(t)[len("one of "):])) == list(choices)


test_round_trip_of_choices = __import__("hypothesis").settings(max_examples=budget(100))(test_round_trip_of_choices)


@pytest.mark.parametrize("one_of_text,code,words", [
    ('["phone" "電話", "call" "電話"]', "E222", 'like "phone"'),
    ('["phone" "電話", "call" "でんわ", "visit" "ﾃﾞﾝﾜ"]', "E222", 'like "call"'),
    ('["sns" "SNS", "x" "ｓｎｓ"]', "E222", 'like "sns"'),
    ('["a" "b", "b" "ビー"]', "E222", "another value"),
    ('["a" "", "b" "ビー"]', "E222", "is empty"),
    ('["a" "a", "b" "ビー"]', None, None),
    ('["a" "エー", "b"]', "W108", '"b" has no label'),
])
def test_labels_that_would_make_a_record_ambiguous_are_errors(one_of_text, code, words):
    """Duplicate labels (folded as records are read), a label that is another value and an empty
    label are E222; a list labelled in part is the warning W108; a label equal to its own value is fine."""
    from kasuhara_rules import check_text

    diags = check_text(schema(one_of_text), "t.kasu").diagnostics
    assert [d.code for d in diags] == ([code] if code else [])
    if words:
        assert words in diags[0].message


def test_a_label_in_a_condition_points_at_its_value():
    """`channel == "電話"` is E403 whose hint names the value "phone"."""
    from kasuhara_rules import check_text

    rule = 'rule r { when channel == "電話" or channel in ["窓口"] then kasuhara respond "x" }\n'
    diags = check_text(schema(LABELLED, rule), "t.kasu").diagnostics
    assert [d.code for d in diags] == ["E403", "E403"]
    assert 'did you mean "phone"?' in diags[0].hint and '"電話" is the label of "phone"' in diags[0].hint
    assert 'did you mean "counter"?' in diags[1].hint


RULES = 'rule r "電話" { when channel == "phone" then kasuhara respond "x" }\n'


@pytest.fixture(scope="module")
def policy():
    return parse_policy(schema(LABELLED, RULES))


@pytest.mark.parametrize("given,value", [("phone", "phone"), ("電話", "phone"), ("窓口", "counter"),
                                          ("ＳＮＳ", "sns"), ("SNS", "sns"), (" sns ", "sns"), (" 窓口 ", "counter"), ("madoguchi", None)])
def test_records_may_give_the_value_or_its_label(policy, given, value):
    """A record's text is the value itself, else the value whose label it is (width, case, kana and
    spaces folded as people type); JSON keeps the value."""
    record = {"incident_id": "1", "channel": given}
    if value is None:
        with pytest.raises(RecordError):
            policy.evaluate(record)
        return
    d = policy.evaluate(record, explain=True)
    assert d.outcome == ("kasuhara" if value == "phone" else "claim")
    reads = d.to_dict(explain=True)["trace"][0]["condition"]["reads"]
    assert reads == {"channel": value}


def test_an_unknown_text_lists_the_values_with_their_labels(policy):
    """The record error names each value with its label, and guesses among values and labels."""
    with pytest.raises(RecordError) as info:
        policy.evaluate({"incident_id": "1", "channel": "電話機"})
    assert '"phone" ("電話")' in info.value.message and "did you mean" in info.value.message


def test_examples_may_give_labels(policy):
    """An example's `given` may hold a label, as a record may."""
    from kasuhara_rules.cli.examples import run_examples

    p = parse_policy(schema(LABELLED, RULES + 'example "e" { given { incident_id: "1", channel: "電話" } '
                                              'expect kasuhara by r }\n'))
    assert run_examples(p).passed == 1


def test_a_csv_typed_in_japanese_is_read(tmp_path, capsys):
    """`kasu eval` on a CSV whose cells are labels decides as on the values; the JSON keeps values."""
    import json

    from kasuhara_rules.cli.commands import main

    (tmp_path / "p.kasu").write_text(schema(LABELLED, RULES), encoding="utf-8")
    (tmp_path / "r.csv").write_text("incident_id,channel\n1,電話\n2,窓口\n", encoding="utf-8")
    assert main(["eval", str(tmp_path / "p.kasu"), str(tmp_path / "r.csv"), "--explain"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["outcome"] for d in lines] == ["kasuhara", "claim"]
    assert lines[0]["trace"][0]["condition"]["reads"] == {"channel": "phone"}


def test_one_mistyped_type_is_one_error():
    """An unknown type is reported once: the examples that give its field (nested or not) are not
    failed over it, and conditions that read it are checked with its type unknown."""
    text = (HEAD + "schema {\n  incident_id: text key\n  flag: boool\n  r: { a: txt, b: int }\n"
            "  call_length: durration in minutes\n}\n"
            'rule a { when flag and r.a contains "x" and call_length > 3 then kasuhara respond "x" }\n'
            'example "e" { given { incident_id: "1", flag: true, r: { a: "x", b: 1 }, call_length: 4 } '
            "expect kasuhara }\n")
    from kasuhara_rules import check_text

    diags = check_text(text, "t.kasu").diagnostics
    assert [d.code for d in diags] == ["E217", "E217", "E217"]
    assert diags[2].hint == "did you mean `duration`?"


def _unlabelled(fields, prefix=""):
    """(field path, value) of every `one of` value without a label, lists and nested records included."""
    for f in fields:
        t = f.type
        while t.element is not None:
            t = t.element
        labels = t.labels or (None,) * len(t.values)
        yield from ((prefix + f.name, v) for v, label in zip(t.values, labels) if not label)
        yield from _unlabelled(t.fields, f"{prefix}{f.name}.")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.kasu")), ids=lambda p: p.name)
def test_every_shipped_policy_labels_its_values(path):
    """Staff read 「続いた」, not `persistent`: every `one of` value of a shipped policy has a label."""
    from kasuhara_rules import load_policy

    assert list(_unlabelled(load_policy(path).checked.fields)) == []


def test_the_check_of_shipped_labels_finds_a_missing_one():
    """The check above notices a value without a label, in a list of a nested record too."""
    p = parse_policy(HEAD + 'schema {\n  incident_id: text key\n  r: { c: list of one of ["a" "あ", "b"] }\n}\n')
    assert list(_unlabelled(p.checked.fields)) == [("r.c", "b")]
