"""`kasu journal …` and `kasu report --db`: the contract's rows, exit codes and messages in both languages."""
from __future__ import annotations

import io
import json
import shutil

import pytest
import sqlalchemy as sa

from kasuhara_rules.cli import main
from tests.conftest import ROOT
from tests.journal.copies import copy_sqlite

RETAIL = str(ROOT / "examples" / "retail.kasu")
INCIDENTS = str(ROOT / "examples" / "retail-incidents.jsonl")


def kasu(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def add_retail(url):
    code, out, err = kasu("journal", "add", RETAIL, INCIDENTS, "--by", "sato", "--site", "新宿店", "--db", url,
                          "--no-progress")
    assert code == 3, err  # the shipped file holds broken records on purpose
    return url


@pytest.fixture(scope="session")
def added_sqlite(tmp_path_factory):
    """A SQLite journal with the shipped incidents added, once per session (per xdist worker)."""
    path = tmp_path_factory.mktemp("added") / "journal.db"
    add_retail(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def added_postgres(postgres):
    """The same on the PostgreSQL server: a database that each test's database is created from."""
    url = add_retail(postgres.url())
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A journal of its own holding the shipped incidents: a copy of one added once per session
    (`journal add` of the 42 records is the slow part, and the same in every test)."""
    pytest.importorskip("sqlalchemy")
    if request.param == "sqlite":
        copy_sqlite(request.getfixturevalue("added_sqlite"), tmp_path / "journal.db")
        return f"sqlite:///{tmp_path / 'journal.db'}"
    return request.getfixturevalue("postgres").url(template=request.getfixturevalue("added_postgres"))


def test_add_writes_decisions_and_a_summary(db):
    """`journal add` writes one decision per record (errors for the broken ones) and a summary."""
    code, out, err = kasu("journal", "add", RETAIL, INCIDENTS, "--by", "sato", "--db", db, "--no-progress",
                          "--lang", "en")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 3
    assert sum(1 for d in lines if d["outcome"]) == 37 and sum(1 for d in lines if d.get("error")) == 5
    assert "37 journaled (37 new revisions)" in err and "5 invalid" in err


def test_verdict_rows(db):
    """verdict: 0 recorded; 1 for an unknown incident, a value not in the policy, no reason, no change."""
    assert kasu("journal", "verdict", "R-2026-0002", "confirm", "--by", "tanaka", "--db", db)[0] == 0
    for argv, code_ in ((["NOPE", "confirm"], "J201"), (["R-2026-0002", "override", "--outcome", "clam",
                                                         "--reason", "x"], "J202"),
                        (["R-2026-0002", "override", "--outcome", "claim"], "J203"),
                        (["R-2026-0002", "override", "--reason", "x"], "J204")):
        code, out, err = kasu("journal", "verdict", *argv, "--by", "tanaka", "--db", db, "--lang", "ja")
        assert code == 1 and f"error[{code_}]" in err and "ヒント" in err, err
    code, out, err = kasu("journal", "verdict", "R-2026-0002", "override", "--outcome", "claim", "--reason",
                          "要求は正当だった", "--by", "tanaka", "--db", db)
    assert code == 0 and "R-2026-0002" in out


def test_usage_errors(db):
    """A verdict without --by, or not confirm/override, is a usage error (2)."""
    assert kasu("journal", "verdict", "R-2026-0002", "confirm", "--db", db)[0] == 2
    assert kasu("journal", "verdict", "R-2026-0002", "maybe", "--by", "x", "--db", db)[0] == 2
    assert kasu("journal", "--db", db)[0] == 2


def test_act_attach_purge(db, tmp_path):
    """act, attach (hash only) and purge record their entries."""
    assert kasu("journal", "act", "R-2026-0002", "supervisor", "--by", "tanaka", "--note", "引き継ぎ", "--at",
                "2026-10-02T14:00:00+09:00", "--db", db)[0] == 0
    assert kasu("journal", "act", "R-2026-0002", "x", "--by", "tanaka", "--at", "yesterday", "--db", db)[0] == 1
    recording = tmp_path / "call.wav"
    recording.write_bytes(b"RIFF....WAVE")
    code, out, _ = kasu("journal", "attach", "R-2026-0002", str(recording), "--by", "tanaka", "--db", db)
    assert code == 0
    code, out, err = kasu("journal", "attach", "R-2026-0002", str(tmp_path / "none.wav"), "--by", "t", "--db", db)
    assert code == 2
    code, out, err = kasu("journal", "purge", "--incident", "R-2026-0002", "--by", "admin", "--db", db)
    assert code == 1 and "J215" in err
    code, out, err = kasu("journal", "purge", "--incident", "R-2026-0002", "--reason", "本人の求め", "--by", "admin",
                          "--db", db, "--lang", "en")
    assert code == 0 and "purged 1 sensitive values of 1 incidents" in out


def test_verify_exit_4_names_the_entry(db):
    """verify: 0 intact; 4 after a row is edited with SQL, naming that entry."""
    code, out, err = kasu("journal", "verify", "--db", db, "--lang", "en")
    assert code == 0 and out.startswith("intact:")
    from kasuhara_rules.journal import open_journal

    with open_journal(db) as journal:
        with journal.engine.begin() as conn:
            conn.execute(sa.text("UPDATE entries SET by_user = 'someone' WHERE seq = 7"))
    code, out, err = kasu("journal", "verify", "--db", db, "--lang", "en")
    assert code == 4 and "broken at entry 7" in err
    code, out, err = kasu("journal", "verify", "--db", db, "--format", "json")
    assert code == 4 and json.loads(out)["broken"]["seq"] == 7


def test_verify_against_heads_kept_earlier(db, tmp_path):
    """verify --head: the head verify printed (SEQ:HASH, or its line as printed), or the JSON of verify
    or of a case file; 4 when the chain was written again up to it, 2 for a head that does not read."""
    code, out, err = kasu("journal", "verify", "--db", db, "--format", "json")
    (tmp_path / "verified.json").write_text(out, encoding="utf-8")
    head = json.loads(out)["head"]
    code, out, err = kasu("journal", "export", "R-2026-0002", "--format", "json", "--db", db,
                          "-o", str(tmp_path / "case.json"))
    assert code == 0
    for given in (f"{head['seq']}:{head['hash']}", f"entry {head['seq']} {head['hash'].upper()}",
                  str(tmp_path / "verified.json"), str(tmp_path / "case.json")):
        code, out, err = kasu("journal", "verify", "--db", db, "--head", given, "--lang", "en")
        assert code == 0 and "every head kept from earlier (1)" in out, (given, out, err)
    from tests.journal.test_chain import rewrite_from
    from kasuhara_rules.journal import open_journal

    with open_journal(db) as journal:
        rewrite_from(journal, 5)
    assert kasu("journal", "verify", "--db", db)[0] == 0  # by itself the rewritten chain holds
    code, out, err = kasu("journal", "verify", "--db", db, "--head", str(tmp_path / "verified.json"), "--lang", "ja")
    assert code == 4 and f"{head['seq']}" in err
    for bad in ("12:abc", str(tmp_path / "nothing.json"), str(ROOT / "README.md")):
        code, out, err = kasu("journal", "verify", "--db", db, "--head", bad, "--lang", "en")
        assert code == 2 and "--head" in err and "SEQ:HASH" in err


def test_export(db, tmp_path):
    """export: HTML or JSON of one incident; 1 for an unknown one; sensitive values only when asked, and
    that export journaled as a disclosure."""
    code, out, err = kasu("journal", "export", "R-2026-0002", "--format", "json", "--db", db)
    data = json.loads(out)
    assert code == 0 and data["incident"] == "R-2026-0002" and not data["sensitive_shown"]
    assert "土下座しろ" not in out and data["chain"]["links_hold"]
    assert kasu("journal", "export", "NOPE", "--db", db)[0] == 1
    assert kasu("journal", "export", "R-2026-0002", "--show-sensitive", "--db", db)[0] == 2
    target = tmp_path / "case.json"
    code, out, err = kasu("journal", "export", "R-2026-0002", "--format", "json", "--show-sensitive", "--by",
                          "tanaka", "--purpose", "警察への提出", "-o", str(target), "--db", db)
    shown = json.loads(target.read_text(encoding="utf-8"))
    assert code == 0 and "土下座しろ" in target.read_text(encoding="utf-8")
    assert shown["disclosure_entry"] == shown["disclosures"][-1]["entry"]
    assert shown["disclosures"][-1]["to"] == "tanaka"


def test_replay(db, tmp_path):
    """replay: 0 when nothing changes; 1 with changes, shown against the people's verdict and with
    the policy's labels beside the codes (as kasu diff)."""
    folder = tmp_path / "v2"
    shutil.copytree(ROOT / "examples", folder)
    assert kasu("journal", "replay", str(folder / "retail.kasu"), "--db", db)[0] == 0
    text = (folder / "retail.kasu").read_text(encoding="utf-8").replace('version   "2026.4"', 'version   "2026.5"')
    text += '\noverride rule dogeza {\n  when     demanded_dogeza\n  then     kasuhara severity critical\n' \
            '  respond  "土下座には応じない。"\n  escalate supervisor\n}\n'
    (folder / "retail.kasu").write_text(text, encoding="utf-8")
    kasu("journal", "verdict", "R-2026-0002", "override", "--severity", "critical", "--reason", "重大", "--by", "t",
         "--db", db)
    code, out, err = kasu("journal", "replay", str(folder / "retail.kasu"), "--db", db, "--lang", "en")
    assert code == 1, err
    assert "R-2026-0002: カスタマーハラスメント/重度 (kasuhara/high) by dogeza \"土下座の要求\", escalate 上長 " \
           "(supervisor) →" in out and "the new version agrees" in out
    code, out, err = kasu("journal", "replay", str(folder / "retail.kasu"), "--db", db, "--lang", "ja")
    assert "by dogeza「土下座の要求」" in out  # the labels beside the codes, as kasu diff shows them
    assert "カスタマーハラスメント/重度 (kasuhara/high) → カスタマーハラスメント/重大 (kasuhara/critical)  2" in out
    code, out, err = kasu("journal", "replay", str(folder / "retail.kasu"), "--db", db, "--format", "json")
    data = json.loads(out)
    assert data["people"]["new_agrees"] == 1 and data["changed"] >= 1


def test_report_from_the_journal(db):
    """`kasu report --db URL`: per rule, how often people confirmed and overrode its decisions."""
    kasu("journal", "verdict", "R-2026-0002", "override", "--outcome", "claim", "--reason", "x", "--by", "t", "--db", db)
    code, out, err = kasu("report", "--db", db, "--format", "json")
    data = json.loads(out)
    assert code == 0, err
    dogeza = next(r for r in data["people"]["rules"] if r["rule"] == "dogeza")
    assert dogeza["overridden"] == 1 and dogeza["to"] == {"claim": 1}
    code, out, err = kasu("report", "--db", db, "--format", "md", "--lang", "ja")
    assert code == 0 and "人の判断（確認と変更）" in out
    assert kasu("report", RETAIL, "--db", db)[0] == 2
    assert kasu("report")[0] == 2


def test_database_faults_exit_1(tmp_path):
    """A database that cannot be opened is refused (1), a URL that does not parse is a usage error (2)."""
    code, out, err = kasu("journal", "verify", "--db", f"sqlite:///{tmp_path / 'no' / 'x.db'}", "--lang", "ja")
    assert code == 1 and "error[J103]" in err
    assert kasu("journal", "verify", "--db", "::")[0] == 2


def test_a_policy_changed_on_disk_is_a_new_version(tmp_path, sqlite_url):
    """`journal add` with a policy file edited since it was registered registers a new version (with a
    warning when the version string did not change) and never replaces the first."""
    folder = tmp_path / "p"
    shutil.copytree(ROOT / "examples", folder)
    policy = folder / "retail.kasu"
    kasu("journal", "add", str(policy), INCIDENTS, "--by", "s", "--db", sqlite_url, "--no-progress")
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    code, out, err = kasu("journal", "add", str(policy), INCIDENTS, "--by", "s", "--db", sqlite_url,
                          "--no-progress", "--lang", "en")
    assert "registered policy retail 2026.4" in err and "warning: version \"2026.4\" was registered before" in err
    from kasuhara_rules.journal import open_journal

    with open_journal(sqlite_url) as journal:
        versions = journal.versions("retail")
        assert len(versions) == 2 and versions[0].digest != versions[1].digest
        assert journal.verify().ok
