"""The blind corpus (tests/corpus/): sourced narratives, records written from them by a writer who never
saw the rules, and outcome-level expectations from the sources. No legitimate complaint may be decided
as harassment; every case decided differently from its source carries a reason; the committed report
(docs/corpus-report.md) is the current one."""
import importlib.util
import json

import pytest

from tests.conftest import ROOT

SPEC = importlib.util.spec_from_file_location("corpus_report", ROOT / "tools" / "corpus_report.py")
report = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(report)

CASES = report.load_cases()
SHIPPED = {"mhlw-baseline.kasu", "retail.kasu", "call-centre.kasu", "hospital-care.kasu", "local-government.kasu",
           "lodging.kasu", "transport.kasu"}


@pytest.fixture(scope="module")
def rows():
    return report.decide(CASES)


def test_corpus_size_and_shape():
    """At least 150 cases, 60 of them legitimate complaints and 30 from sectors the policies were not
    written around; each starts from a narrative with its source and expects an outcome (and at most an
    escalation) — never a deciding rule or a severity."""
    assert len(CASES) >= 150
    assert sum(1 for c in CASES if c["legitimate"]) >= 60
    assert sum(1 for c in CASES if c["group"] == "other-sector") >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {c["policy"] for c in CASES} == SHIPPED
    for c in CASES:
        assert c["narrative"].strip() and c["source"].strip() and c["source_says"].strip(), c["id"]
        assert set(c["expect"]) <= {"outcome", "escalation"} and "outcome" in c["expect"], c["id"]
        assert c["record"]["incident_id"] == c["id"]
        assert c["legitimate"] == (c["group"] == "legitimate-hard"), c["id"]


def test_every_record_is_valid_for_its_policy(rows):
    """The blind writer's records fit the published schemas (no case is decided on an error)."""
    assert all(r["outcome"] is not None for r in rows)


def test_no_legitimate_complaint_is_decided_as_harassment(rows):
    """The cases most likely to be called harassment wrongly — angry, persistent, repeated or over-asking
    legitimate complaints — are never decided as harassment."""
    alarms = report.false_alarms(rows)
    assert alarms == [], [(r["case"]["id"], r["rule"]) for r in alarms]


def test_every_difference_from_the_sources_has_a_reason(rows):
    """Each case decided differently from its source is explained in tests/corpus/differences.json, and
    each explanation belongs to a case that still differs (a fixed case must lose its excuse)."""
    reasons = json.loads(report.REASONS.read_text(encoding="utf-8"))
    differing = {r["case"]["id"] for r in rows if report.differs(r)}
    assert differing - set(reasons) == set(), "differences without a reason"
    assert set(reasons) - differing == set(), "reasons for cases that now decide as their source"


def test_the_committed_report_is_current(rows):
    """docs/corpus-report.md is what tools/corpus_report.py writes now (run it after changing a policy)."""
    reasons = json.loads(report.REASONS.read_text(encoding="utf-8"))
    assert report.REPORT.read_text(encoding="utf-8") == report.render(rows, reasons)


def test_dropped_values_stay_dropped():
    """A field value that restated the verdict was dropped when the corpus was built, and the case says so."""
    by_id = {c["id"]: c for c in CASES}
    assert "posted_online" not in by_id["N-094"]["record"] and "posted_online" in by_id["N-094"]["note"]
