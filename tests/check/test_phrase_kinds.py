"""The kind of a phrase list (announced, claimed, implied): syntax, checking, extends, lints, evaluation."""
import pytest

from kasuhara_rules import check_text, load_policy
from kasuhara_rules.render.formatter import format_text
from tests.conftest import codes, error_codes, policy


def rule(cond: str) -> str:
    return f'rule t {{ when {cond} then kasuhara severity high respond "x" }}\n'


def test_a_kind_is_written_after_the_label_and_formatted_back():
    """`phrases NAME "label" KIND = [...]` and `… KIND from "file"` parse, check and format as written."""
    text = policy('phrases threats "脅迫" announced = ["晒す", "殺す"]\n' + rule("remarks mentions any threats"))
    result = check_text(text, "t.kasu")
    assert result.ok, result.diagnostics
    assert result.policy.phrases["threats"].kind == "announced"
    formatted = format_text(text, "t.kasu")
    assert 'phrases threats "脅迫" announced = ["晒す", "殺す"]' in formatted
    assert format_text(formatted, "t.kasu") == formatted


@pytest.mark.parametrize("kind", ["announced", "claimed", "implied"])
def test_each_kind_is_accepted_without_a_label(kind):
    text = policy(f'phrases p {kind} = ["殺す"]\n' + rule("remarks mentions any p"))
    assert check_text(text, "t.kasu").policy.phrases["p"].kind == kind


def test_an_unknown_kind_is_e222_with_a_suggestion():
    """A misspelt kind is E223 with a "did you mean"; no W112 is added on top of it."""
    text = policy('phrases threats "脅迫" anounced = ["晒す"]\n' + rule("remarks mentions any threats"))
    diags = check_text(text, "t.kasu").diagnostics
    assert [d.code for d in diags] == ["E223"]
    assert "announced" in (diags[0].hint or "")


def test_the_kinds_are_not_reserved_words():
    """A field or define may still be called `implied` (the kinds are checked names)."""
    text = policy('define implied = remarks mentions "晒す"\n' + rule("implied"))
    assert "E110" not in error_codes(text)


def test_a_list_without_a_kind_keeps_its_meaning():
    """No kind: `mentions` finds the phrase in any form, as before (and W112 says so for threats)."""
    text = policy('phrases said = ["晒す"]\n' + rule("remarks mentions any said"))
    assert codes(text) == ["W112"]


def test_w112_for_threat_like_lists_and_phrases_in_place_only():
    """W112 for a threat-like list without a kind (by its words or by its name) and for a threat
    written in place; not for a list with a kind, nor for insults."""
    assert codes(policy('phrases threats = ["殺す"]\n' + rule("remarks mentions any threats"))) == ["W112"]
    assert codes(policy('phrases 脅し = ["夜道に気をつけろ"]\n' + rule("remarks mentions any 脅し"))) == ["W112"]
    assert codes(policy(rule('remarks mentions "ぶん殴る"'))) == ["W112"]
    assert codes(policy(rule('remarks mentions any ["晒す", "バカ"]'))) == ["W112"]
    assert codes(policy('phrases threats announced = ["殺す"]\n' + rule("remarks mentions any threats"))) == []
    assert codes(policy('phrases insults = ["バカ", "アホ"]\n' + rule("remarks mentions any insults"))) == []
    assert "W112" not in codes(policy('phrases threats = ["殺す"]\n' + rule("remarks contains any threats")))


def write(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")


BASE = """policy "base" { id base  version "1"  otherwise claim }
schema { incident_id: text key, remarks: text }
outcomes { claim, kasuhara }
severities { low, high }
phrases threats "脅迫" announced = ["晒す"]
rule threat { when remarks mentions any threats then kasuhara severity high respond "x" }
"""


def test_extends_inherits_the_kind_and_plus_equals_takes_it(tmp_path):
    """A child inherits its base's list with its kind; phrases it adds with `+=` are read the same way."""
    write(tmp_path, **{"base.kasu": BASE,
                       "child.kasu": 'policy "c" { id c  version "1"  otherwise claim }\nextends "base.kasu"\n'
                                     'phrases threats += ["殴る"]\n'})
    p = load_policy(tmp_path / "child.kasu")
    assert p.checked.phrases["threats"].kind == "announced"
    assert p.checked.phrases["threats"].phrases == ("晒す", "殴る")
    said = {"incident_id": "1", "remarks": "殴ってやるからな"}
    denied = {"incident_id": "2", "remarks": "殴るつもりはありません"}
    assert p.evaluate(said).outcome == "kasuhara"
    assert p.evaluate(denied).outcome == "claim"


def test_evidence_and_explanation_show_the_cue(tmp_path):
    """Through the engine: the trace's evidence has kind, counted and cue, for a phrase not counted too;
    the explanation shows both."""
    write(tmp_path, **{"base.kasu": BASE.replace('["晒す"]', '["晒す", "殺す"]')})
    p = load_policy(tmp_path / "base.kasu")
    d = p.evaluate({"incident_id": "1", "remarks": "ネットに晒すつもりはありません。殺すぞ"}, explain=True)
    assert d.outcome == "kasuhara"
    evidence = d.to_dict(explain=True)["trace"][0]["condition"]["evidence"]
    assert evidence == [
        {"phrase": "晒す", "words": ["晒す"], "at": [4, 6], "kind": "announced", "counted": False,
         "cue": "negation: つもり…ません"},
        {"phrase": "殺す", "words": ["殺す"], "at": [16, 18], "kind": "announced", "counted": True,
         "cue": "announced: ぞ"}]
    shown = d.explain(lang="ja")
    assert "✘ 晒す ← 「晒す」@4–6 (否定: つもり…ません)" in shown and "殺す ← 「殺す」@16–18 (予告: ぞ)" in shown
