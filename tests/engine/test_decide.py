"""Tests for decide.py: highest_severity, first_match, ties, review, pending, provisional (section 6)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kasuhara_rules import parse_policy
from tests.conftest import budget, HEADER, SCHEMA, VOCAB
from tests.reference import decide as reference_decide

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
    rules = 'rule u { when demand_valid then kasuhara severity medium respond "u" }\n' + RULES
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


# -- review only when it matters (section 6, amended) -----------------------------------------

SAME = """
rule same_u { when demand_valid then kasuhara severity high respond "u" escalate supervisor }
rule high_a { when dogeza then kasuhara severity high respond "high a" escalate supervisor }
"""


def test_pending_rule_that_changes_nothing_leaves_the_decision_standing():
    """A pending rule with the deciding rule's outcome, severity and escalation: no review;
    the provisional decision is the decision, and `pending` still names the unknown rule."""
    d = run(make(rules=SAME), dogeza=True)
    assert (d.outcome, d.severity, d.rule, d.escalation) == ("kasuhara", "high", "high_a", "supervisor")
    assert [(p.rule, p.missing) for p in d.pending] == [("same_u", ("demand_valid",))]
    assert d.provisional is None
    assert d.to_dict()["pending"] == [{"rule": "same_u", "missing": ["demand_valid"]}]


def test_pending_rule_with_a_lower_escalation_changes_nothing():
    """Escalation is the highest among matched rules; a pending rule escalating lower cannot change it."""
    d = run(make(rules=SAME.replace("respond \"u\" escalate supervisor", "respond \"u\" escalate staff")),
            dogeza=True)
    assert d.outcome == "kasuhara" and d.rule == "high_a" and d.escalation == "supervisor"


def test_pending_rule_with_a_higher_escalation_sends_to_review():
    """Same outcome and severity, but the pending rule would raise the escalation: review."""
    d = run(make(rules=SAME.replace("respond \"u\" escalate supervisor", "respond \"u\" escalate police")),
            dogeza=True)
    assert d.outcome == "review" and d.provisional.to_dict() == {
        "outcome": "kasuhara", "severity": "high", "rule": "high_a"}


def test_pending_rule_with_another_severity_or_outcome_sends_to_review():
    """A different severity (or outcome) from the pending rule: review."""
    d = run(make(rules=SAME.replace("severity high respond \"u\"", "severity critical respond \"u\"")),
            dogeza=True)
    assert d.outcome == "review"
    rules = SAME.replace("then kasuhara severity high respond \"u\"", "then claim severity high respond \"u\"")
    d = run(make(rules=rules), dogeza=True)
    assert d.outcome == "review"


def test_pending_rule_that_agrees_with_otherwise_leaves_otherwise_standing():
    """Nothing matched; the only unknown rule would give `otherwise` anyway (no severity, no escalation)."""
    rules = 'rule ok { when demand_valid then claim respond "answer" }\n'
    d = run(make(rules=rules))
    assert (d.outcome, d.rule, d.severity, d.escalation, d.provisional) == ("claim", None, None, None, None)
    assert [p.rule for p in d.pending] == ["ok"]
    assert "claim" in d.explain(lang="en") and "could not change" in d.explain(lang="en")


def test_first_match_review_only_when_an_earlier_pending_rule_would_change_it():
    """first_match: an earlier undetermined rule that would decide alike does not send to review."""
    rules = ('rule u { when demand_valid then kasuhara severity low respond "u" escalate staff }\n'
             'rule low_rule { when repeat >= 1 then kasuhara severity low respond "low" escalate staff }\n')
    d = run(make("first_match", rules), repeat=1)
    assert d.outcome == "kasuhara" and d.rule == "low_rule" and [p.rule for p in d.pending] == ["u"]
    d = run(make("first_match", rules.replace("severity low respond \"u\"", "severity medium respond \"u\"")),
            repeat=1)
    assert d.outcome == "review"


def test_one_pending_rule_that_matters_is_enough():
    """Two pending rules, one harmless and one that would raise severity: review, both listed."""
    rules = SAME + 'rule crit { when amount > 10 then kasuhara severity critical respond "c" }\n'
    d = run(make(rules=rules), dogeza=True)
    assert d.outcome == "review" and [p.rule for p in d.pending] == ["crit", "same_u"]


RULE_SHAPES = st.tuples(st.sampled_from(["claim", "kasuhara"]),
                        st.sampled_from([None, "low", "medium", "high", "critical"]),
                        st.sampled_from([None, "staff", "supervisor", "police"]))


@settings(max_examples=budget(200))
@given(st.sampled_from(["highest_severity", "first_match"]),
       st.lists(st.tuples(RULE_SHAPES, st.sampled_from([True, False, None])), min_size=1, max_size=6))
def test_decider_agrees_with_the_reference(strategy, rules):
    """Random rules and rule results: the decider decides as the brute-force reference of section 6."""
    text = "".join(f'rule r{i} {{ when dogeza then {o}{" severity " + s if s else ""} respond "x"'
                   f'{" escalate " + e if e else ""} }}\n' for i, ((o, s, e), _) in enumerate(rules))
    p = make(strategy, text)
    values = [v for _, v in rules]
    m = sum(1 << i for i, v in enumerate(values) if v is True)
    u = sum(1 << i for i, v in enumerate(values) if v is None)
    core = p.decider.decide(m, u)
    got = {"outcome": core.outcome, "severity": core.severity, "rule": core.rule, "escalation": core.escalation,
           "matched": list(core.matched), "pending": list(core.pending),
           "provisional": core.provisional.to_dict() if core.provisional else None}
    assert got == reference_decide(p.checked, values)
