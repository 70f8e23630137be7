"""Tests for decide.py: highest_severity, first_match, ties, review, pending, provisional (section 6)."""
from kasuhara_rules import parse_policy
from tests.conftest import HEADER, SCHEMA, VOCAB

BASE = {"incident_id": "T-1", "channel": "phone", "repeat": 0, "dogeza": False, "words": [], "contacts": [],
        "reported_at": "2026-05-01T10:00:00+09:00"}

RULES = """
rule low_rule { when repeat >= 1 then kasuhara severity low respond "low" escalate staff }
rule high_a { when dogeza then kasuhara severity high respond "high a" respond "shared" escalate supervisor }
rule high_b { when repeat >= 5 then kasuhara severity high respond "high b" respond "shared" }
rule maybe { when demand_valid == false then kasuhara severity critical respond "crit" escalate police }
rule nosev { when channel == "sns" then claim respond "sns" }
"""


def make(decide: str = "highest_severity", rules: str = RULES):
    header = HEADER.replace("  otherwise claim", f"  decide {decide}\n  otherwise claim")
    return parse_policy(header + VOCAB + SCHEMA + rules)


def run(p, **fields):
    return p.evaluate(dict(BASE, **fields))


def test_otherwise_when_nothing_matches():
    """No rule matched and none undetermined: the outcome is `otherwise`, rule null."""
    d = run(make(), demand_valid=True)
    assert (d.outcome, d.severity, d.rule, d.matched, d.pending) == ("claim", None, None, (), ())


def test_highest_severity_wins_and_ties_go_to_the_earlier_rule():
    """high_a and high_b both match: high_a (earlier) decides; low_rule ranks below."""
    d = run(make(), dogeza=True, repeat=5, demand_valid=True)
    assert d.rule == "high_a" and d.severity == "high"
    assert d.matched == ("high_a", "high_b", "low_rule")


def test_escalation_is_highest_among_all_matched():
    """The escalation is the highest of every matched rule, not just the deciding one."""
    d = run(make("first_match"), dogeza=True, repeat=5, demand_valid=True)
    assert d.rule == "low_rule" and d.escalation == "supervisor"


def test_responses_deciding_first_then_rank_without_repeats():
    """Responses: the deciding rule's first, then others by rank, each once."""
    d = run(make(), dogeza=True, repeat=5, demand_valid=True)
    assert d.responses == ("high a", "shared", "high b", "low")


def test_undetermined_rule_that_would_outrank_sends_to_review():
    """An undetermined critical rule above a matched high rule: review, with pending and provisional."""
    d = run(make(), dogeza=True)
    assert d.outcome == "review" and d.rule is None and d.severity is None
    assert [(p.rule, p.missing) for p in d.pending] == [("maybe", ("demand_valid",))]
    assert d.provisional.to_dict() == {"outcome": "kasuhara", "severity": "high", "rule": "high_a"}
    assert d.matched == ("high_a",) and d.escalation == "supervisor"


def test_undetermined_rule_below_the_decision_is_not_pending():
    """An undetermined rule ranked below the deciding rule does not matter."""
    rules = RULES.replace("severity critical", "severity low")
    d = run(make(rules=rules), dogeza=True)
    assert d.outcome == "kasuhara" and d.rule == "high_a" and d.pending == ()


def test_nothing_matched_and_something_undetermined_is_review():
    """With no match, an undetermined rule sends the incident to review with provisional `otherwise`."""
    d = run(make())
    assert d.outcome == "review"
    assert d.provisional.to_dict() == {"outcome": "claim", "severity": None, "rule": None}


def test_first_match_takes_policy_order():
    """first_match: the first matched rule in policy order decides, whatever its severity."""
    d = run(make("first_match"), repeat=5, dogeza=True, demand_valid=True)
    assert d.rule == "low_rule" and d.severity == "low"
    assert d.matched == ("high_a", "high_b", "low_rule")  # matched is in rank order


def test_first_match_review_only_for_earlier_undetermined():
    """first_match: an undetermined rule before the deciding rule means review; after it, not."""
    rules = 'rule u { when demand_valid then kasuhara severity low respond "u" }\n' + RULES
    d = run(make("first_match", rules), repeat=1)
    assert d.outcome == "review" and [p.rule for p in d.pending] == ["u"]
    d = run(make("first_match", RULES), repeat=1)
    assert d.outcome == "kasuhara" and d.rule == "low_rule"


def test_rule_without_severity_ranks_below_every_severity():
    """A matched rule without severity loses to any rule with one."""
    d = run(make(), channel="sns", repeat=1, demand_valid=True)
    assert d.rule == "low_rule"
    d = run(make(), channel="sns", demand_valid=True)
    assert d.rule == "nosev" and d.outcome == "claim" and d.severity is None


def test_unless_blocks_and_unknown_unless_is_undetermined():
    """`unless` true blocks the rule; `unless` unknown with `when` true is undetermined."""
    p = parse_policy(HEADER + VOCAB + SCHEMA +
                     'rule m { when dogeza unless demand_valid then kasuhara severity medium respond "m" }\n')
    assert run(p, dogeza=True, demand_valid=True).outcome == "claim"
    assert run(p, dogeza=True, demand_valid=False).rule == "m"
    d = run(p, dogeza=True)
    assert d.outcome == "review" and d.pending[0].missing == ("demand_valid",)
    assert run(p, dogeza=False).outcome == "claim"  # when false: unless does not matter


def test_decision_cores_are_shared():
    """Two records with the same rule results share one cached decision core."""
    p = make()
    a = run(p, dogeza=True, demand_valid=True)
    b = run(p, dogeza=True, demand_valid=True, incident_id="T-2")
    assert a.core is b.core and a.incident != b.incident
