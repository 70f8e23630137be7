"""Tests for checker.py: structure, header, vocabularies, schema, rules, examples and lints."""
import pytest

from kasuhara_rules import check_text
from tests.conftest import HEADER, SCHEMA, VOCAB, codes, error_codes, policy

RULE = 'rule r { when dogeza then kasuhara severity high respond "x" }\n'


def test_reference_policy_is_clean():
    """The shared test policy with one rule has no diagnostics at all."""
    assert codes(policy(RULE)) == []


def test_all_semantic_errors_are_reported_sorted():
    """Several errors in one file are all reported, sorted by position."""
    text = policy('rule a { when nope then kasuhara respond "x" }\nrule b { when dogeza then kasuhra respond "x" }\n')
    diags = check_text(text, "t.kasu").diagnostics
    assert [d.code for d in diags] == ["E301", "E302"]
    assert diags[0].span.line < diags[1].span.line


def test_checked_policy_resolves_everything():
    """A clean check yields a CheckedPolicy with fields, rules and vocabularies."""
    p = check_text(policy(RULE), "t.kasu").policy
    assert p.header.id == "test" and p.header.decide == "highest_severity"
    assert [o.name for o in p.outcomes] == ["claim", "kasuhara", "review"]
    assert p.key_field.name == "incident_id"
    assert p.rules[0].severity == "high" and p.rules[0].responds == ("x",)
    assert p.field("call_length").type.unit == "minutes"


# ---- structure and header ------------------------------------------------------------

def test_missing_header():
    """A file without `policy` is E201."""
    assert error_codes(VOCAB + SCHEMA + RULE) == ["E201"]


def test_header_not_first_and_repeated():
    """The header must come first (E202) and appear once (E202)."""
    assert "E202" in error_codes(VOCAB + HEADER + SCHEMA + RULE)
    assert "E202" in error_codes(HEADER + HEADER + VOCAB + SCHEMA + RULE)


@pytest.mark.parametrize("header,code", [
    ('policy "t" { id a  verison "1"  version "1" otherwise claim }', "E203"),
    ('policy "t" { id a otherwise claim }', "E204"),
    ('policy "t" { id "a" version "1" otherwise claim }', "E205"),
    ('policy "t" { id a version 2026 otherwise claim }', "E205"),
    ('policy "t" { id a version "1" decide best otherwise claim }', "E205"),
    ('policy "t" { id a version "1" effective "2026" otherwise claim }', "E205"),
    ('policy "t" { id a version "1" version "2" otherwise claim }', "E206"),
    ('policy "t" { id a version "1" otherwise nothing }', "E302"),
])
def test_header_errors(header, code):
    """Each malformed header setting has its code."""
    assert code in error_codes(policy(RULE, header=header + "\n"))


def test_strategy_did_you_mean():
    """A misspelt strategy suggests the right one."""
    d = check_text(policy(RULE, header='policy "t" { id a version "1" decide first_mach otherwise claim }\n')).errors
    assert d[0].hint == "did you mean `first_match`?"


def test_extends_must_follow_header():
    """`extends` after other declarations is E207."""
    text = HEADER + VOCAB + 'extends "base.kasu"\n' + SCHEMA + RULE
    assert "E207" in error_codes(text)


# ---- vocabularies and schema --------------------------------------------------------

def test_review_is_built_in_and_relabelable():
    """`review` exists without declaration; declaring it changes its label."""
    p = check_text(policy(RULE, vocab=VOCAB.replace('kasuhara "カスハラ"', 'kasuhara, review "人が判断"'))).policy
    assert p.outcome("review").label == "人が判断"


def test_duplicate_names():
    """Duplicates in one namespace are E306; rules have their own namespace."""
    assert "E306" in error_codes(policy(RULE + 'phrases dogeza = ["x"]\n'))
    assert "E306" in error_codes(policy(RULE + RULE))
    assert "E306" in error_codes(policy(RULE, vocab=VOCAB + "outcomes { claim }\n"))
    assert error_codes(policy(RULE + 'define r = dogeza\nrule x { when r then claim respond "y" }\n')) == []


@pytest.mark.parametrize("field,code", [
    ("a: integer", "E217"), ("a: list", "E217"), ("a: lst of int", "E217"), ("a: text in minutes", "E217"),
    ("a: duration in mins", "E218"), ('a: one of []', "E219"), ('a: one of ["x", "x"]', "E219"),
    ("a: one of [1]", "E219"), ("b: text key", "E215"), ("b: list of text", None),
])
def test_schema_type_errors(field, code):
    """Unknown types and units, malformed `one of`, a second key."""
    schema = SCHEMA.replace("  birthday: optional date\n", f"  birthday: optional date\n  {field}\n")
    found = error_codes(policy(RULE, schema=schema))
    assert (code in found) if code else found == []


def test_type_synonym_hints():
    """`string` hints `text`, `integer` hints `int`."""
    schema = SCHEMA.replace("repeat: int", "repeat: integer").replace("incident_id: text", "incident_id: string")
    hints = [d.hint for d in check_text(policy(RULE, schema=schema)).errors]
    assert "did you mean `text`?" in hints and "did you mean `int`?" in hints


def test_key_must_be_scalar_and_top_level():
    """A list key and a nested key are E216."""
    schema = SCHEMA.replace("incident_id: text key", "incident_id: list of text key")
    assert "E216" in error_codes(policy(RULE, schema=schema))
    schema = SCHEMA.replace("kind: optional text }", "kind: optional text key }")
    assert "E216" in error_codes(policy(RULE, schema=schema))


def test_duplicate_field_modifier():
    """`key key` is E206."""
    schema = SCHEMA.replace("incident_id: text key", "incident_id: text key key")
    assert "E206" in error_codes(policy(RULE, schema=schema))


def test_phrase_list_errors():
    """Non-text and empty phrases are E220."""
    assert "E220" in error_codes(policy(RULE + "phrases p = [1]\n"))
    assert "E220" in error_codes(policy(RULE + 'phrases p = [" "]\n'))


def test_phrases_from_file(tmp_path):
    """`phrases … from` reads one phrase a line, skipping comments and blanks."""
    (tmp_path / "words.txt").write_text("# threats\n殺す\n\n晒す\n殺す\n", encoding="utf-8")
    text = policy('phrases threats from "words.txt"\n'
                  'rule r { when remarks contains any threats then kasuhara respond "x" }\n')
    (tmp_path / "p.kasu").write_text(text, encoding="utf-8")
    from kasuhara_rules import check_path

    result = check_path(tmp_path / "p.kasu")
    assert result.ok, result.diagnostics
    assert result.policy.phrases["threats"].phrases == ("殺す", "晒す")


def test_phrase_file_missing_and_outside(tmp_path):
    """A missing phrase file is E221; one outside the policy directory is E606."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "outside.txt").write_text("x\n", encoding="utf-8")
    body = 'rule r { when remarks contains any p then kasuhara respond "x" }\n'
    from kasuhara_rules import check_path

    (tmp_path / "sub" / "a.kasu").write_text(policy('phrases p from "nope.txt"\n' + body), encoding="utf-8")
    assert "E221" in [d.code for d in check_path(tmp_path / "sub" / "a.kasu").errors]
    (tmp_path / "sub" / "b.kasu").write_text(policy('phrases p from "../outside.txt"\n' + body), encoding="utf-8")
    assert "E606" in [d.code for d in check_path(tmp_path / "sub" / "b.kasu").errors]


# ---- defines and rules -----------------------------------------------------------------

def test_define_cycle():
    """Defines that refer to each other are E307, reported once."""
    text = policy("define a = b\ndefine b = a and dogeza\n" + 'rule r { when a then kasuhara respond "x" }\n')
    assert error_codes(text).count("E307") == 1


def test_rule_clause_counts():
    """No `when` is E210, no `then` E211, two `when`s E206."""
    assert "E210" in error_codes(policy('rule r { then kasuhara respond "x" }\n'))
    assert "E211" in error_codes(policy('rule r { when dogeza respond "x" }\n'))
    assert "E206" in error_codes(policy('rule r { when dogeza when dogeza then claim respond "x" }\n'))


@pytest.mark.parametrize("rule,code", [
    ('rule r { when dogeza then kasuhra respond "x" }', "E302"),
    ('rule r { when dogeza then kasuhara severity hgh respond "x" }', "E303"),
    ('rule r { when dogeza then kasuhara escalate supervisr respond "x" }', "E304"),
])
def test_unknown_vocabulary_names(rule, code):
    """Unknown outcome, severity and escalation names, each with did-you-mean."""
    diags = check_text(policy(rule + "\n")).errors
    assert diags[0].code == code and diags[0].hint.startswith("did you mean")


def test_override_and_drop_without_extends():
    """override, drop and += without a base policy are E605."""
    assert "E605" in error_codes(policy('override rule r { when dogeza then claim respond "x" }\n'))
    assert "E605" in error_codes(policy(RULE + "drop rule r\n"))
    assert "E605" in error_codes(policy(RULE + 'phrases p += ["x"]\n'))
    assert "E605" in error_codes(policy(RULE + "override define d = dogeza\n"))


# ---- examples -----------------------------------------------------------------------

GIVEN = ('incident_id: "T-1", channel: "phone", repeat: 0, dogeza: true, words: [], contacts: [], '
         "reported_at: 2026-05-01T10:00:00+09:00")


def test_valid_example():
    """A complete, well-typed example checks clean."""
    assert codes(policy(RULE + f'example "e" {{ given {{ {GIVEN} }} expect kasuhara severity high by r }}\n')) == []


@pytest.mark.parametrize("given,code", [
    (GIVEN + ", nope: 1", "E501"),
    (GIVEN.replace('"phone"', '"phon"'), "E502"),
    (GIVEN.replace("dogeza: true", 'dogeza: "true"'), "E502"),
    (GIVEN.replace("contacts: []", "contacts: [{at: 2026-01-01T00:00:00Z, length: \"x\"}]"), "E502"),
    (GIVEN.replace('incident_id: "T-1", ', ""), "E503"),
    (GIVEN.replace("dogeza: true", "dogeza: true, dogeza: false"), "E206"),
])
def test_example_given_against_schema(given, code):
    """Unknown fields, wrong types and missing required fields in `given`."""
    assert code in error_codes(policy(RULE + f'example "e" {{ given {{ {given} }} expect kasuhara }}\n'))


def test_example_error_points_into_nested_value():
    """A bad nested value is located at that value, not at the field name."""
    given = GIVEN.replace("contacts: []", 'contacts: [{at: 2026-01-01T00:00:00Z, length: "x"}]')
    text = policy(RULE + f'example "e" {{\n  given {{ {given} }}\n  expect kasuhara\n}}\n')
    d = [d for d in check_text(text).errors if d.code == "E502"][0]
    assert text.splitlines()[d.span.line - 1][d.span.column - 1:].startswith('"x"')


@pytest.mark.parametrize("expect,code", [
    ("kasuhra", "E302"), ("kasuhara severity hi", "E303"), ("kasuhara by nope", "E305"),
    ("kasuhara escalate boss", "E304"),
])
def test_example_expect_names(expect, code):
    """`expect` names are resolved like rule names."""
    assert code in error_codes(policy(RULE + f'example "e" {{ given {{ {GIVEN} }} expect {expect} }}\n'))


# ---- lints ----------------------------------------------------------------------------

def warnings_of(text: str) -> list[str]:
    return [d.code for d in check_text(text).warnings]


def test_lint_unused_define():
    """A define no rule reaches is W101; one used through another define is not."""
    assert warnings_of(policy(RULE + "define lonely = dogeza\n")) == ["W101"]
    used = policy("define a = dogeza\ndefine b = a\n" + 'rule x { when b then claim respond "y" }\n')
    assert warnings_of(used) == []


def test_lint_unused_phrases():
    """A phrase list nothing uses is W102."""
    assert warnings_of(policy(RULE + 'phrases p = ["x"]\n')) == ["W102"]


def test_lint_rule_without_respond():
    """A rule that tells staff nothing is W103."""
    assert warnings_of(policy("rule r { when dogeza then kasuhara }\n")) == ["W103"]


def test_lint_where_shadows_top_level():
    """A where-scope name hiding a top-level name is W104."""
    schema = SCHEMA.replace("birthday: optional date", "birthday: optional date\n  kind: optional text")
    text = policy('rule r { when any(contacts where kind == "x") then kasuhara respond "x" }\n', schema=schema)
    assert warnings_of(text) == ["W104"]


def test_lint_constant_condition():
    """A condition that reads no field, or `is missing` on a required field, is W105."""
    assert warnings_of(policy('rule r { when 1 < 2 then kasuhara respond "x" }\n')) == ["W105"]
    assert warnings_of(policy('rule r { when dogeza is missing then kasuhara respond "x" }\n')) == ["W105"]
    assert warnings_of(policy('rule r { when call_length is missing then kasuhara respond "x" }\n')) == []


def test_lint_sensitive_key():
    """A sensitive key field is W106."""
    schema = SCHEMA.replace("incident_id: text key", "incident_id: text key sensitive")
    assert warnings_of(policy(RULE, schema=schema)) == ["W106"]


def test_lint_pattern_not_nfkc():
    """A full-width pattern that NFKC would change is W107."""
    assert warnings_of(policy('rule r { when remarks matches "ＳＮＳ" then kasuhara respond "x" }\n')) == ["W107"]


def test_warnings_do_not_block_the_policy():
    """Warnings only: the check succeeds and a policy is built."""
    result = check_text(policy("rule r { when dogeza then kasuhara }\n"))
    assert result.ok and result.policy is not None and result.warnings
