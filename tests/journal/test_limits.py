"""The journal at the edges of the calendar and of its input: retentions past 9999-12-31, date-times whose
UTC time falls outside the calendar, records the chain cannot hold, and reading a journal that is not there."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from kasuhara_rules.check.checked import Retention
from tests.journal.test_journal import policy, record

POLICY = '''policy "R" { id r version "1" otherwise claim }
schema { incident_id: text key, at: datetime, remarks: optional text sensitive retain 3 years }
outcomes { claim, kasuhara }
rule r { when remarks is present then kasuhara respond "x" }
'''


def kasu(*argv):
    from kasuhara_rules.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("amount,unit,start,until", [
    (3, "years", dt.date(9998, 6, 1), None),
    (100, "years", dt.date(9900, 1, 1), None),
    (100, "years", dt.date(9899, 12, 31), dt.date(9999, 12, 31)),
    (1, "months", dt.date(9999, 12, 1), None),
    (1, "months", dt.date(9999, 11, 30), dt.date(9999, 12, 30)),
    (1200, "months", dt.date(9999, 1, 1), None),
    (1, "days", dt.date.max, None),
    (1, "days", dt.date(9999, 12, 30), dt.date.max),
    (36_525, "days", dt.date(9950, 1, 1), None),
])
def test_a_retention_past_the_calendar_keeps_the_value_until_purged(amount, unit, start, until):
    """A retention that would end after 9999-12-31 has no day to end on: None, kept until purged on request."""
    assert Retention(amount, unit).until(start) == until


def test_add_keeps_a_value_whose_retention_ends_past_9999(tmp_path):
    """`journal add` journals every record when one's retention runs past year 9999: that value is
    kept until purged on request (no --today reaches it), the other's retention ends as usual."""
    (tmp_path / "r.kasu").write_text(POLICY, encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(
        '{"incident_id":"X1","at":"9998-06-01T00:00:00+09:00","remarks":"a"}\n'
        '{"incident_id":"X2","at":"2026-01-01T00:00:00+09:00","remarks":"a"}\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    code, out, err = kasu("journal", "add", str(tmp_path / "r.kasu"), str(tmp_path / "r.jsonl"), "--by", "x",
                          "--db", url, "--no-progress", "--lang", "en")
    assert code == 0 and "2 journaled" in err, err
    assert kasu("journal", "purge", "--today", "9999-12-31", "--by", "x", "--db", url, "--lang", "en")[1] == \
        "purged 1 sensitive values of 1 incidents\n"  # X2's, from 2029-01-01 on; X1's is kept
    from kasuhara_rules.journal import open_journal

    with open_journal(url) as journal:
        assert journal.sensitive("X1", to="x", purpose="test")["remarks"] == "a"
        assert journal.verify().ok


def test_a_record_the_chain_cannot_hold_is_refused_alone(tmp_path):
    """A record whose text UTF-8 cannot write (a lone surrogate) is refused on its own (J216, exit 3);
    the records after it are journaled."""
    (tmp_path / "r.kasu").write_text(POLICY, encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(
        '{"incident_id":"X1","at":"2026-01-01T00:00:00+09:00","remarks":"a\\ud800"}\n'
        '{"incident_id":"X2","at":"2026-01-01T00:00:00+09:00","remarks":"a"}\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    for lang, text in (("en", "cannot be journaled"), ("ja", "記録簿に残せません")):
        code, out, err = kasu("journal", "add", str(tmp_path / "r.kasu"), str(tmp_path / "r.jsonl"), "--by", "x",
                              "--db", url, "--no-progress", "--lang", lang)
        first, second = (json.loads(line) for line in out.splitlines())
        assert code == 3 and first["error"]["code"] == "J216" and text in first["error"]["message"], out
        assert "\ud800" not in first["error"]["message"] and second["incident"] == "X2"
    from kasuhara_rules.journal import JournalError, open_journal

    with open_journal(url) as journal:
        assert [i.incident for i in journal.incidents()] == ["X2"]
        with pytest.raises(JournalError) as refused:
            journal.add(record("A-1", remarks="\udcff"), by="x", policy=policy())
        assert refused.value.code == "J216" and refused.value.exit == 3


def test_an_incident_id_no_database_can_keep_is_refused_alone(url):
    """An incident id with a NUL character (PostgreSQL keeps none in a text) or a lone surrogate is
    refused on its own (J216, exit 3) on either database, shown printable; the next record is journaled."""
    from kasuhara_rules.journal import JournalError, open_journal

    with open_journal(url) as journal:
        results = list(journal.add_many([record("A\x00B"), record("C\ud800"), record("A-3")], by="x",
                                        policy=policy()))
        assert [getattr(r, "code", None) for r in results] == ["J216", "J216", None]
        assert results[0].incident == "A\\0B" and results[1].incident == "C\\ud800"
        assert isinstance(results[0], JournalError) and results[0].exit == 3
        assert "C\\ud800" in results[1].render("ja").encode("utf-8").decode("utf-8")
        assert [i.incident for i in journal.incidents()] == ["A-3"] and journal.verify().ok


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
                                "9999-12-31T20:00:00-05:00"])
def test_act_at_a_time_outside_the_calendar_is_refused(tmp_path, at):
    """`journal act --at` a date-time whose UTC time falls outside the calendar: J212 (exit 1) in
    either language, nothing written."""
    url = f"sqlite:///{tmp_path / 'j.db'}"
    from kasuhara_rules.journal import JournalError, open_journal

    with open_journal(url) as journal:
        journal.add(record("A-1"), by="sato", policy=policy())
    for lang, text in (("en", "falls outside the calendar in UTC"), ("ja", "暦の範囲外")):
        code, out, err = kasu("journal", "act", "A-1", "police", "--by", "x", "--at", at, "--db", url, "--lang", lang)
        assert code == 1 and "error[J212]" in err and text in err, err
    with open_journal(url) as journal:
        with pytest.raises(JournalError) as refused:
            journal.act("A-1", "police", by="x", at=dt.datetime.fromisoformat(at))
        assert refused.value.code == "J212"
        assert [e.kind for e in journal.timeline("A-1").entries] == ["record", "decision"]


def test_an_incident_whose_utc_time_is_past_the_calendar_is_journaled(tmp_path):
    """An incident on 9999-12-31 whose UTC time is past the calendar is journaled, undated as the engine
    and the report read it (test_facts.py): its retention counts from the day it was written."""
    import sqlalchemy as sa

    from kasuhara_rules.journal import open_journal

    with open_journal(f"sqlite:///{tmp_path / 'j.db'}") as journal:
        journal.add(record("A-1", at="9999-12-31T23:00:00-09:00"), by="sato", policy=policy())
        with journal.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT occurred_on, occurred_at FROM incidents")).one() == (None, None)
            assert conn.execute(sa.text("SELECT retain_until FROM sensitive_values")).scalar_one() is not None
        assert journal.verify().ok


@pytest.mark.parametrize("command", [["journal", "verify"], ["journal", "export", "A-1"],
                                     ["journal", "replay", "POLICY"], ["report"]])
@pytest.mark.parametrize("kind", ["missing", "empty", "other", "text"])
def test_reading_a_journal_that_is_not_there_creates_none(tmp_path, command, kind):
    """verify, export, replay and `kasu report --db` refuse a SQLite file that does not exist (J103) or that is no journal
    (J109: an empty file, another SQLite database, a text file), naming the path, in either language,
    and leave the folder as it was."""
    import sqlite3

    path = tmp_path / "typo.db"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("hello", encoding="utf-8")
    elif kind == "other":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (a)")
        conn.close()
    (tmp_path / "p.kasu").write_text(POLICY, encoding="utf-8")
    argv = [str(tmp_path / "p.kasu") if a == "POLICY" else a for a in command]
    before = sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir())
    code_ = "J103" if kind == "missing" else "J109"
    for lang, text in (("en", "there is no journal at" if kind == "missing" else "is not a kasuhara-rules journal"),
                       ("ja", "記録簿はありません" if kind == "missing" else "kasuhara-rules の記録簿ではありません")):
        code, out, err = kasu(*argv, "--db", f"sqlite:///{path}", "--lang", lang)
        assert code == 1 and f"error[{code_}]" in err and text in err and str(path) in err, err
    assert sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir()) == before


def test_a_database_without_a_journal_is_not_read(url):
    """open_journal(create=False) refuses a database that holds no journal (J109) and leaves it empty;
    with the default it creates the journal, which is then read."""
    from kasuhara_rules.journal import JournalError, open_journal

    with pytest.raises(JournalError) as refused:
        open_journal(url, create=False)
    assert refused.value.code == ("J103" if url.startswith("sqlite") else "J109")  # SQLite: no file yet
    with pytest.raises(JournalError):
        open_journal(url, create=False)  # still nothing was created
    with open_journal(url):
        pass
    with open_journal(url, create=False) as journal:
        assert journal.verify().ok
