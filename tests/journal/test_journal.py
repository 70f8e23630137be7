"""The journal as a library: records decided by the version in force, revisions, verdicts, actions,
attachments, purges, disclosures, the queue — on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from kasuhara_rules import parse_policy

HEAD = '''policy "t" {{ id t  version "{version}"  {effective} otherwise claim }}
outcomes {{ claim "クレーム", kasuhara "カスハラ" }}
severities {{ medium "中度", high "重度" }}
escalations {{ supervisor "上長", police "警察" }}
schema {{
  incident_id: text key
  at: datetime
  dogeza: bool
  remarks: optional text sensitive retain 3 years
  threat: optional bool
}}
rule dogeza "土下座" {{ when dogeza then kasuhara severity {severity} respond "断る" escalate supervisor }}
rule threat "脅迫" {{ when threat then kasuhara severity high respond "通報" escalate police }}
'''


def policy(version="1", effective="", severity="high"):
    eff = f"effective {effective}" if effective else ""
    return parse_policy(HEAD.format(version=version, effective=eff, severity=severity), f"t{version}.kasu")


def record(incident="A-1", at="2026-05-01T10:00:00+09:00", dogeza=True, **more):
    return {"incident_id": incident, "at": at, "dogeza": dogeza, "remarks": "誠意を見せろ", "threat": False, **more}


@pytest.fixture
def journal(url):
    from kasuhara_rules.journal import open_journal

    with open_journal(url) as j:
        yield j


def test_add_decides_and_chains(journal):
    """A record is journaled with its decision (the JSON of section 7, its trace in the chain); the
    chain verifies and names its head."""
    added = journal.add(record(), by="sato", policy=policy())
    assert (added.incident, added.revision, added.decision["outcome"], added.decision["severity"]) == \
        ("A-1", 1, "kasuhara", "high")
    assert "trace" not in added.decision
    kinds = [e.kind for e in journal.timeline("A-1").entries]
    assert kinds == ["record", "decision"]
    decision = journal.timeline("A-1").entries[1].body
    assert decision["trace"] and decision["policy"]["digest"] == policy().digest
    result = journal.verify()
    assert result.ok and result.entries == 3 and result.head_seq == 3 and result.values == 1


def test_sensitive_values_never_in_the_chain(journal):
    """The chained record holds a salted hash where the sensitive value was; the value is kept apart."""
    journal.add(record(remarks="山田太郎 090-1234-5678"), by="sato", policy=policy())
    for entry in journal.entries():
        assert "山田太郎" not in str(entry.body)
    assert journal.record("A-1").get("remarks") is None  # withheld when read back
    assert journal.sensitive("A-1", to="tanaka", purpose="警察へ提出")["remarks"] == "山田太郎 090-1234-5678"
    assert journal.timeline("A-1").entries[-1].kind == "disclosure"  # the showing is journaled


def test_version_in_force_by_effective_date(journal):
    """Each record is decided by the version whose `effective` is the latest not after its date."""
    old, new = policy("1", "2026-04-01", "medium"), policy("2", "2026-10-01", "high")
    journal.register(old, by="admin")
    journal.register(new, by="admin")
    before = journal.add(record("A-1", at="2026-09-30T23:00:00+09:00"), by="sato", policy=new)
    after = journal.add(record("A-2", at="2026-10-01T09:00:00+09:00"), by="sato", policy=new)
    assert (before.version.version, before.decision["severity"]) == ("1", "medium")
    assert (after.version.version, after.decision["severity"]) == ("2", "high")
    from kasuhara_rules.journal import JournalError

    with pytest.raises(JournalError) as caught:
        journal.add(record("A-0", at="2026-01-01T09:00:00+09:00"), by="sato", policy=new)
    assert caught.value.code == "J207" and caught.value.exit == 3


def test_a_version_another_writer_registers_is_in_force_at_once(journal):
    """A version registered by another writer (another process: here another Journal on the same
    database) between two adds decides the second, whatever this writer knew of the versions."""
    from kasuhara_rules.journal import open_journal

    old, new = policy("1", "2026-04-01", "medium"), policy("2", "2026-10-01", "high")
    journal.add(record("A-1", at="2026-10-02T09:00:00+09:00"), by="sato", policy=old)
    with open_journal(journal.store.url) as other:
        other.register(new, by="admin")
    after = journal.add(record("A-2", at="2026-10-02T09:00:00+09:00"), by="sato")
    assert (after.version.version, after.decision["severity"]) == ("2", "high")
    again = journal.add(record("A-3", at="2026-10-02T09:00:00+09:00"), by="sato")
    assert again.version.version == "2"


def test_changed_file_is_a_new_version(journal):
    """The same version string with other contents is registered as a second version, never a replacement."""
    first = journal.register(policy("1", severity="medium"), by="admin")
    again = journal.register(policy("1", severity="medium"), by="admin")
    changed = journal.register(policy("1", severity="high"), by="admin")
    assert first.new and not again.new and changed.new
    assert changed.same_version_other_digest.digest == first.version.digest
    assert len(journal.versions("t")) == 2
    rebuilt = journal.policy(first.version.digest)  # from the stored bytes
    assert rebuilt.digest == first.version.digest


def test_amend_is_a_new_revision(journal):
    """An amendment journals the facts again (revision 2) and decides them again; the first stays."""
    journal.add(record(dogeza=False), by="sato", policy=policy())
    assert journal.incident("A-1").outcome == "claim"
    amended = journal.amend("A-1", {"dogeza": True}, by="sato")
    assert amended.revision == 2 and amended.decision["outcome"] == "kasuhara"
    revisions = [e.body["revision"] for e in journal.timeline("A-1").entries if e.kind == "record"]
    assert revisions == [1, 2]
    assert journal.sensitive("A-1", "sato", "check")["remarks"] == "誠意を見せろ"  # carried over


def test_a_revision_keeps_the_incident_s_site_unless_given_and_its_first_entries(journal):
    """A new incident's index row is written with its first revision; a later revision (an amendment,
    or the same incident added again) moves its entries on, keeps its site unless another is given,
    and leaves one row."""
    first = journal.add(record(), by="sato", policy=policy(), site="新宿")
    assert (first.revision, journal.incident("A-1").site, journal.incident("A-1").record_seq) == \
        (1, "新宿", first.record_seq)
    amended = journal.amend("A-1", {"dogeza": True}, by="sato")
    state = journal.incident("A-1")
    assert (amended.revision, state.site, state.record_seq, state.decision_seq) == \
        (2, "新宿", amended.record_seq, amended.decision_seq)
    again = journal.add(record(), by="sato", policy=policy())
    assert (again.revision, journal.incident("A-1").site) == (3, "新宿")
    moved = journal.add(record(), by="sato", policy=policy(), site="渋谷")
    assert (moved.revision, journal.incident("A-1").site) == (4, "渋谷")
    assert [e.body["site"] for e in journal.timeline("A-1").entries if e.kind == "record"] == \
        ["新宿", "新宿", "新宿", "渋谷"]
    assert journal.queue().total == 1


def test_verdicts(journal):
    """Confirm and override; an override needs a reason and a change; values must be the policy's."""
    from kasuhara_rules.journal import JournalError

    journal.add(record(), by="sato", policy=policy())
    for kwargs, code in (({"verdict": "override", "outcome": "claim"}, "J203"),
                         ({"verdict": "override", "outcome": "kasuhara", "reason": "同じ"}, "J204"),
                         ({"verdict": "override", "outcome": "clam", "reason": "x"}, "J202"),
                         ({"verdict": "override", "severity": "critical", "reason": "x"}, "J202"),
                         ({"verdict": "confirm", "outcome": "claim"}, "J205"),
                         ({"verdict": "maybe"}, "J202")):
        with pytest.raises(JournalError) as caught:
            journal.verdict("A-1", by="tanaka", **kwargs)
        assert caught.value.code == code, kwargs
        if kwargs.get("outcome") == "clam":
            assert "`claim`" in str(caught.value.hint)
    with pytest.raises(JournalError) as caught:
        journal.verdict("NOPE", "confirm", by="tanaka")
    assert caught.value.code == "J201"
    journal.verdict("A-1", "override", by="tanaka", outcome="claim", reason="正当な要求だった")
    state = journal.incident("A-1")
    assert (state.verdict, state.final_outcome, state.final_severity) == ("override", "claim", None)
    assert journal.queue().total == 0  # nothing waits once a verdict is given
    journal.amend("A-1", {"threat": True}, by="sato")  # a new decision: it waits again
    assert journal.incident("A-1").verdict is None and journal.queue().total == 1


def test_actions_and_attachments(journal):
    """Steps taken (an escalation of the policy or a short text) and attachments by their hash only."""
    from kasuhara_rules.journal import JournalError

    journal.add(record(), by="sato", policy=policy())
    journal.act("A-1", "supervisor", by="tanaka", note="引き継ぎ", at="2026-05-01T10:30:00+09:00")
    journal.act("A-1", "通話を終了", by="tanaka")
    journal.attach("A-1", "call.wav", "ab" * 32, by="tanaka", media_type="audio/wav", size=10)
    bodies = [e.body for e in journal.timeline("A-1").entries[2:]]
    assert bodies[0]["escalation"] is True and bodies[0]["taken_at"] == "2026-05-01T01:30:00.000000Z"
    assert bodies[1]["escalation"] is False
    assert bodies[2]["sha256"] == "ab" * 32
    for call, code in ((lambda: journal.act("A-1", "", by="x"), "J211"),
                       (lambda: journal.act("A-1", "x", by="x", at="2026-05-01 10:00"), "J212"),
                       (lambda: journal.attach("A-1", "f", "xyz", by="x"), "J214"),
                       (lambda: journal.act("A-1", "x", by=" "), "J210")):
        with pytest.raises(JournalError) as caught:
            call()
        assert caught.value.code == code


def test_purge_by_retention_keeps_the_chain(journal):
    """Values whose retention ended are removed, a purge entry says which, and the chain verifies."""
    journal.add(record("A-1", at="2020-01-10T10:00:00+09:00"), by="sato", policy=policy())
    journal.add(record("A-2", at="2026-05-01T10:00:00+09:00"), by="sato", policy=policy())
    assert journal.purge(by="admin", today=dt.date(2023, 1, 9)).values == 0  # three years not over
    done = journal.purge(by="admin", today=dt.date(2023, 1, 10))
    assert (done.values, done.incidents) == (1, ("A-1",))
    purge = journal.timeline("A-1").entries[-1]
    assert purge.kind == "purge" and purge.body["reason"] == "retention"
    assert "remarks" not in journal.sensitive("A-1", "auditor", "check")
    assert journal.sensitive("A-2", "auditor", "check")["remarks"] == "誠意を見せろ"
    assert journal.verify().ok
    from kasuhara_rules.journal import JournalError

    with pytest.raises(JournalError) as caught:
        journal.purge(by="admin", incident="A-2")
    assert caught.value.code == "J215"
    assert journal.purge(by="admin", incident="A-2", reason="本人の求め").values == 1


def test_queue_order_and_paging(journal):
    """The queue: reviews first, then the most severe, then the newest; pages and sites."""
    p = policy()
    journal.add(record("A-1", at="2026-05-01T10:00:00+09:00"), by="s", policy=p, site="新宿")
    journal.add(record("A-2", at="2026-05-03T10:00:00+09:00"), by="s", policy=p, site="渋谷")
    journal.add(record("A-3", at="2026-05-02T10:00:00+09:00", threat=True), by="s", policy=p, site="新宿")
    journal.add(record("A-4", at="2026-05-04T10:00:00+09:00", dogeza=False, threat=None), by="s", policy=p)
    journal.add(record("A-5", at="2026-05-05T10:00:00+09:00", dogeza=False), by="s", policy=p)
    page = journal.queue(limit=10)
    assert [i.incident for i in page.items] == ["A-4", "A-2", "A-3", "A-1", "A-5"]
    assert page.items[0].outcome == "review" and page.total == 5
    assert [i.incident for i in journal.queue(limit=2, offset=2).items] == ["A-3", "A-1"]
    assert [i.incident for i in journal.queue(site="新宿").items] == ["A-3", "A-1"]
    assert [i.incident for i in journal.queue(kinds=("review",)).items] == ["A-4"]


def test_refused_records_write_nothing(journal):
    """A record the policy cannot decide, or without an incident id, is refused and nothing is written."""
    from kasuhara_rules.journal import JournalError

    journal.register(policy(), by="admin")
    before = journal.verify().entries
    for bad, code in (({"incident_id": "A-1", "at": "2026-05-01T10:00:00+09:00"}, "J206"),
                      ({"at": "2026-05-01T10:00:00+09:00", "dogeza": True}, "J208")):
        with pytest.raises(JournalError) as caught:
            journal.add(bad, by="sato", policy=policy())
        assert caught.value.code == code and caught.value.exit == 3
    assert journal.verify().entries == before


def test_replay_against_machine_and_people(journal):
    """Replay shows what a new version decides, against the machine's decision and the people's verdict."""
    journal.add(record("A-1"), by="s", policy=policy("1", severity="medium"))
    journal.add(record("A-2", dogeza=False), by="s", policy=policy("1", severity="medium"))
    journal.verdict("A-1", "override", by="t", severity="high", reason="重い")
    report = journal.replay(policy("2", severity="high"))
    assert [c.incident for c in report.changes] == ["A-1"]
    change = report.changes[0]
    assert (change.machine["severity"], change.new["severity"], change.people["severity"]) == ("medium", "high", "high")
    assert change.agrees_with_people and report.machine_agreed == 0 and report.new_agrees == 1
    assert report.transitions == (("kasuhara/medium", "kasuhara/high", 1),)


def test_report_from_the_journal(journal):
    """The report counts each rule's confirmations and overrides, and what waits for a verdict."""
    p = policy()
    for i in range(3):
        journal.add(record(f"A-{i}"), by="s", policy=p)
    journal.add(record("A-9", dogeza=False, threat=None), by="s", policy=p)
    journal.verdict("A-0", "confirm", by="t")
    journal.verdict("A-1", "override", by="t", outcome="claim", reason="x")
    data = journal.report()
    people = data["people"]
    dogeza = next(r for r in people["rules"] if r["rule"] == "dogeza")
    assert (dogeza["decided"], dogeza["confirmed"], dogeza["overridden"], dogeza["to"]) == (3, 1, 1, {"claim": 1})
    assert dogeza["override_rate"] == 0.5
    assert (people["without_verdict"], people["reviews_without_verdict"]) == (2, 1)
    assert data["outcomes"]["kasuhara"] == 3 and data["outcomes"]["review"] == 1
