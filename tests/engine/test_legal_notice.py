"""Announcing legal action is a right: the shipped policies decide it as a claim for the organisation, never the police."""
import pytest

from kasuhara_rules import load_policy
from tests.conftest import ROOT

# The policies that extend the baseline and read lexicon/legal.txt and lexicon/threats.txt.
POLICIES = ["mhlw-baseline", "retail", "call-centre", "hospital-care", "transport", "local-government", "lodging"]

ANNOUNCEMENTS = ["このままなら訴えてやる", "訴えるぞ", "裁判にしてやる", "弁護士を立てて訴えます"]


def _record(remarks: str, raised_voice: str = "none") -> dict:
    return {
        "incident_id": "L-1", "channel": "phone", "reported_at": "2026-10-28T10:00:00+09:00",
        "demand_type": "compensation", "remarks": remarks, "raised_voice": raised_voice,
        "contact_length": "15min", "has_basis": True, "proportionate": True,
    }


@pytest.fixture(scope="module", params=POLICIES)
def shipped(request):
    return load_policy(ROOT / "examples" / f"{request.param}.kasu")


@pytest.mark.parametrize("said", ANNOUNCEMENTS)
def test_a_lawsuit_announced_is_a_claim_for_the_organisation(shipped, said):
    """「このままなら訴えてやる」 (issue 26): legal_notice, escalation organisation, no threat rule."""
    d = shipped.evaluate(_record(said))
    assert (d.outcome, d.escalation) == ("claim", "organisation"), (said, d.rule, d.matched)
    assert "threat" not in d.matched and "legal_notice" in d.matched


def test_shouting_around_a_lawsuit_is_judged_by_the_shouting_not_as_a_threat(shipped):
    """Persistent shouting makes it harassment by its own rule; the announcement never calls the police."""
    d = shipped.evaluate(_record("このままなら訴えてやる", raised_voice="persistent"))
    assert d.outcome == "kasuhara" and "threat" not in d.matched
    assert d.escalation != "police", (d.rule, d.matched)


def test_a_threat_of_harm_beside_a_lawsuit_is_still_a_threat(shipped):
    """Removing lawsuits from the threats list leaves threats of harm where they were."""
    d = shipped.evaluate(_record("訴えてやる。殺すぞ"))
    assert (d.outcome, d.escalation) == ("kasuhara", "police") and "threat" in d.matched
