"""`kasu serve` builds, before its first request, the policy versions new records are decided by."""
from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")

from kasuhara_rules import load_policy  # noqa: E402
from kasuhara_rules.desk.serve import warm  # noqa: E402
from kasuhara_rules.journal import open_journal  # noqa: E402

POLICY = """policy "t" {{ id {id} version "{version}" effective {effective} otherwise claim }}
outcomes {{ claim, kasuhara }}
schema {{ incident_id: text key, remarks: optional text, reported_at: datetime }}
phrases threats = ["殺す"]
rule threat {{ when remarks mentions any threats then kasuhara respond "stop" }}
"""


def made(tmp_path, name: str, **header: str):
    path = tmp_path / f"{name}.kasu"
    path.write_text(POLICY.format(**header), encoding="utf-8")
    return load_policy(path)


def test_the_version_in_force_of_each_policy_is_built_with_its_explanation(tmp_path):
    """Of two versions, the one in force today is built (not the one to come), and of a policy whose
    only version takes effect later, that version; each with its explanation compiled."""
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    now = made(tmp_path, "now", id="a", version="1", effective="2020-01-01")
    later = made(tmp_path, "later", id="a", version="2", effective="2999-01-01")
    other = made(tmp_path, "other", id="b", version="1", effective="2999-01-01")
    with open_journal(url) as journal:
        for policy in (now, later, other):
            journal.register(policy, by="test")
    with open_journal(url) as journal:  # a fresh process: nothing built yet
        assert warm(journal) == (now.digest, other.digest)
        built = journal.policy(now.digest).program
        assert built.builds == 1  # compiled before any request asked for an explanation
        assert journal.policy(other.digest).program.builds == 1
        decision = journal.policy(now.digest).evaluate(
            {"incident_id": "A-1", "remarks": "殺すぞ", "reported_at": "2026-11-01T10:00:00+09:00"}, explain=True)
        assert decision.outcome == "kasuhara" and built.builds == 1


def test_an_empty_journal_builds_nothing(tmp_path):
    with open_journal(f"sqlite:///{tmp_path / 'journal.db'}") as journal:
        assert warm(journal) == ()
