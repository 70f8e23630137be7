"""Tests for merge.py and extends in loader.py: inheritance, overrides, drops, chains, errors."""
import pickle

import pytest

from kasuhara_rules import check_path, load_policy

BASE = """policy "base" { id base  version "1"  decide first_match  otherwise claim }
schema { incident_id: text key, a: bool, b: bool, valid: optional bool, remarks: text }
outcomes { claim, kasuhara }
severities { low, medium, high }
escalations { staff, boss }
phrases words = ["殺す"]
define bad = valid is present and not valid
rule r1 "one" { when a then kasuhara severity low respond "r1" escalate staff }
rule r2 "two" { when b then kasuhara severity high respond "r2" cite "base cite" }
rule r3 "three" { when remarks contains any words then kasuhara severity medium respond "r3" }
rule r4 "four" { when bad then kasuhara severity low respond "r4" }
example "base example" { given { incident_id: "1", a: true, b: false, remarks: "" } expect kasuhara by r1 }
"""


def write(tmp_path, **files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def child(body: str, header: str = 'policy "child" { id child  version "2"  otherwise claim }') -> str:
    return header + '\nextends "base.kasu"\n' + body


RECORD = {"incident_id": "x", "a": True, "b": True, "remarks": "晒すぞ", "valid": False}


def test_everything_is_inherited(tmp_path):
    """With no changes, the child decides like the base and inherits `decide`."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child("")})
    p = load_policy(tmp_path / "child.kasu")
    assert p.checked.header.decide == "first_match"
    assert p.rule_names == ("r1", "r2", "r3", "r4")
    assert p.evaluate(RECORD).rule == "r1"


def test_override_keeps_position_and_unnamed_clauses(tmp_path):
    """`override rule` replaces only the clause kinds it writes; the rule keeps its place."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'override rule r1 { when a and b then kasuhara severity medium }\n')})
    p = load_policy(tmp_path / "child.kasu")
    r1 = p.checked.rule("r1")
    assert p.rule_names[0] == "r1" and r1.severity == "medium" and r1.responds == ("r1",)
    assert r1.escalate == "staff" and r1.title == "one"
    assert r1.span.file.endswith("child.kasu") and r1.when.span.file.endswith("child.kasu")


def test_override_replaces_all_responds_and_cites_together(tmp_path):
    """Writing any `respond` (or `cite`) in an override replaces all inherited ones of that kind."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child('override rule r2 { respond "new a" respond "new b" }\n')})
    r2 = load_policy(tmp_path / "child.kasu").checked.rule("r2")
    assert r2.responds == ("new a", "new b") and r2.cites == ("base cite",)


RESTATED = 'example "base example" { given { incident_id: "1", a: true, b: false, remarks: "" } expect kasuhara }\n'


def test_drop_and_new_rules(tmp_path):
    """`drop rule` removes a rule; new rules follow the inherited ones in file order."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'rule n1 { when a then claim respond "n1" }\ndrop rule r1\nrule n2 { when b then claim respond "n2" }\n'
        + RESTATED)})
    p = load_policy(tmp_path / "child.kasu")
    assert p.rule_names == ("r2", "r3", "r4", "n1", "n2")


def test_phrases_append_and_override_define(tmp_path):
    """`phrases NAME += [...]` adds to an inherited list; `override define` replaces a define."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'phrases words += ["晒す"]\noverride define bad = valid is missing\n')})
    p = load_policy(tmp_path / "child.kasu")
    assert p.checked.phrases["words"].phrases == ("殺す", "晒す")
    d = p.evaluate(dict(RECORD, a=False, b=False))
    assert d.rule == "r3"  # 晒す is found now
    assert p.evaluate({"incident_id": "y", "a": False, "b": False, "remarks": ""}).rule == "r4"


def test_added_fields_and_vocabulary(tmp_path):
    """A child adds fields, outcomes and escalations of its own."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'schema { shop: optional text }\noutcomes { care }\nescalations { police }\n'
        'rule n { when shop == "x" then care respond "n" escalate police }\n')})
    p = load_policy(tmp_path / "child.kasu")
    assert p.checked.field("shop") is not None
    assert {o.name for o in p.checked.outcomes} == {"claim", "kasuhara", "review", "care"}
    d = p.evaluate({"incident_id": "z", "a": False, "b": False, "remarks": "", "shop": "x", "valid": True})
    assert (d.outcome, d.escalation) == ("care", "police")


def test_chains(tmp_path):
    """A policy may extend a policy that extends another; changes apply in order."""
    middle = child('override rule r1 { then kasuhara severity high }\n',
                   'policy "middle" { id middle version "1" otherwise claim }').replace('"base.kasu"', '"base.kasu"')
    top = ('policy "top" { id top version "1" decide highest_severity otherwise claim }\n'
           'extends "middle.kasu"\ndrop rule r2\n')
    write(tmp_path, **{"base.kasu": BASE, "middle.kasu": middle, "top.kasu": top})
    p = load_policy(tmp_path / "top.kasu")
    assert p.rule_names == ("r1", "r3", "r4") and p.checked.rule("r1").severity == "high"
    assert p.checked.header.decide == "highest_severity"


def test_first_match_across_a_merge(tmp_path):
    """first_match follows the merged order: inherited rules first, then the child's."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'rule n1 { when a then kasuhara severity high respond "n1" }\ndrop rule r1\n' + RESTATED)})
    d = load_policy(tmp_path / "child.kasu").evaluate(dict(RECORD, b=False, remarks="", valid=True))
    assert d.rule == "n1"
    d = load_policy(tmp_path / "child.kasu").evaluate(dict(RECORD, remarks="", valid=True))
    assert d.rule == "r2"


def test_highest_severity_across_a_merge(tmp_path):
    """highest_severity ranks inherited and new rules together; ties go to the earlier position."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'rule n1 { when a then kasuhara severity high respond "n1" }\n',
        'policy "c" { id c version "2" decide highest_severity otherwise claim }')})
    d = load_policy(tmp_path / "child.kasu").evaluate(dict(RECORD, remarks=""))
    assert d.rule == "r2" and d.matched == ("r2", "n1", "r1", "r4")


def test_examples_are_inherited_and_replaced_by_title(tmp_path):
    """Inherited examples run in the child; one with the same title replaces it."""
    from kasuhara_rules.cli.examples import run_file

    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(
        'override rule r1 { then claim }\n'
        'example "base example" { given { incident_id: "1", a: true, b: false, remarks: "" } expect claim by r1 }\n')})
    report = run_file(tmp_path / "child.kasu")
    assert [(r.title, r.passed) for r in report.results] == [("base example", True)]


def test_locations_name_each_file(tmp_path):
    """Traces say which file each rule and condition came from."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child('override rule r1 { when a and b }\n')})
    trace = load_policy(tmp_path / "child.kasu").evaluate(RECORD).to_dict(explain=True)["trace"]
    assert "child.kasu" in trace[0]["at"] and "base.kasu" in trace[1]["at"]


@pytest.mark.parametrize("body,code", [
    ('rule r1 { when a then claim respond "x" }\n', "E603"),
    ("define bad = a\n", "E603"),
    ('phrases words = ["x"]\n', "E603"),
    ("schema { a: int }\n", "E603"),
    ("outcomes { kasuhara }\n", "E603"),
    ("override rule nope { then claim }\n", "E604"),
    ("drop rule nope\n", "E604"),
    ("drop rule r1\ndrop rule r1\n" + RESTATED, "E604"),
    ("override define nope = a\n", "E604"),
    ('phrases nope += ["x"]\n', "E604"),
])
def test_merge_errors(tmp_path, body, code):
    """Redeclaring an inherited name is E603; changing what does not exist is E604."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child(body)})
    assert code in [d.code for d in check_path(tmp_path / "child.kasu").errors]


def test_missing_base_cycle_and_outside(tmp_path):
    """A missing base is E601, a cycle E602, a base outside the policy's directory E606."""
    write(tmp_path, **{"sub/a.kasu": child("").replace("base.kasu", "none.kasu")})
    assert [d.code for d in check_path(tmp_path / "sub" / "a.kasu").errors] == ["E601"]
    write(tmp_path, **{"sub/b.kasu": child("").replace("base.kasu", "../base.kasu"), "base.kasu": BASE})
    assert [d.code for d in check_path(tmp_path / "sub" / "b.kasu").errors] == ["E606"]
    loop = 'policy "l" { id l version "1" otherwise claim }\nextends "loop.kasu"\n'
    write(tmp_path, **{"loop.kasu": loop})
    assert [d.code for d in check_path(tmp_path / "loop.kasu").errors] == ["E602"]


def test_inherited_example_expecting_a_dropped_rule(tmp_path):
    """An inherited example that expects a dropped rule says so, with the fix."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child("drop rule r1\n")})
    error = check_path(tmp_path / "child.kasu").errors[0]
    assert error.code == "E305" and "drops" in error.message and "same title" in error.hint


def test_inherited_example_missing_a_required_field_the_child_adds(tmp_path):
    """If the child adds a required field, inherited examples say so, with the fix."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child("schema { shop: text }\n")})
    errors = check_path(tmp_path / "child.kasu").errors
    assert errors[0].code == "E503" and "adds as a required field" in errors[0].message
    assert "optional" in errors[0].hint


def test_pickled_extending_policy_needs_no_files(tmp_path):
    """A pickled policy carries its base; it rebuilds after the files are gone."""
    write(tmp_path, **{"base.kasu": BASE, "child.kasu": child('override rule r1 { then claim }\n')})
    p = load_policy(tmp_path / "child.kasu")
    data = pickle.dumps(p)
    (tmp_path / "base.kasu").unlink()
    (tmp_path / "child.kasu").unlink()
    q = pickle.loads(data)
    assert q.digest == p.digest and q.evaluate(RECORD).to_dict() == p.evaluate(RECORD).to_dict()
