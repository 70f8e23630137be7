"""Every role's work through the desk's pages (without a browser): record, amend, verdicts, policies, chain, trends."""
from __future__ import annotations

import hashlib
import re

from .conftest import post, record, shown, token

BROKEN = 'policy "壊れた方針" {\n  id acme_retail\n  version "2026.2"\n  otherwise claim\n}\nschema { dogeza: bool }\n' \
         'outcomes { claim, kasuhara }\nrule r { when dogza then kasuhara }\n'


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_staff_record_and_see_the_decision_at_once(desk):
    """The form is built from the schema; saving shows the outcome, the responses, whom to call."""
    staff = desk.login("sato")
    form = staff.get("/record").text
    assert 'name="channel"' in form and "受付チャネル" in form
    assert 'name="call_length.unit"' in form and 'value="minutes" selected' in form
    assert 'name="demand_valid" value="unknown"' in form  # an optional bool: yes / no / unknown
    assert 'name="demanded_dogeza" value="unknown"' not in form  # a required one: yes / no only
    assert 'data-list="contacts"' in form and 'name="contacts.0.at"' in form
    assert "personal data" in form  # the sensitive remark is marked
    saved = record(staff, "R-1", demanded_dogeza="true")
    assert saved.status_code == 303 and saved.headers["location"] == "/incidents/R-1?saved=1"
    page = text(staff.get(saved.headers["location"]).text)
    assert "カスタマーハラスメント" in page and "重度" in page
    assert "土下座には応じない。謝罪は言葉で伝える。" in page
    assert "Whom to call 上長" in page
    incident = desk.journal.incident("R-1")
    assert incident.site == "shinjuku" and incident.outcome == "kasuhara"


def test_what_could_still_change_the_decision_is_shown(desk):
    """An unrecorded fact that could change the outcome or raise the escalation is named with what it would give."""
    staff = desk.login("sato")
    record(staff, "R-2", demanded_dogeza="false", demanded_manager="true", demand_valid="unknown")
    page = text(staff.get("/incidents/R-2").text)
    assert "要求内容の妥当性" in page and "責任者を出せ" in page


def test_missing_required_values_are_errors_on_their_fields(desk):
    """A required yes/no left empty is an error on that field (never read as false); nothing is journaled."""
    staff = desk.login("sato")
    before = len(desk.journal.entries())
    answer = record(staff, "R-3", demanded_dogeza="", repeat_contacts_30d="three")
    assert answer.status_code == 400
    assert "this field is required" in answer.text and "write a whole number" in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert len(desk.journal.entries()) == before


def test_list_rows_are_added_and_read(desk):
    """"Add a row" shows one more row without saving; filled rows are recorded, empty ones left out."""
    staff = desk.login("sato")
    grown = post(staff, "/record", "/record", {"incident_id": "R-4", "contacts.rows": "1", "_add": "contacts"})
    assert grown.status_code == 200 and 'name="contacts.1.at"' in grown.text
    assert len(desk.journal.entries()) == 1  # only the demo policy
    saved = record(staff, "R-4", **{"contacts.rows": "3", "contacts.0.at": "2026-04-20T10:00",
                                    "contacts.0.length": "15", "contacts.1.at": "2026-04-25T11:00",
                                    "contacts.1.length": "20", "contacts.2.at": "", "contacts.2.length": ""})
    assert saved.status_code == 303
    facts = desk.journal.record("R-4")
    assert [c["at"] for c in facts["contacts"]] == ["2026-04-20T10:00:00+09:00", "2026-04-25T11:00:00+09:00"]
    assert facts["call_length"] == "45min"


def test_amend_keeps_the_sensitive_value_unseen(desk):
    """An amendment is a new revision decided again; the kept remark is not shown and stays unless replaced."""
    staff = desk.login("sato")
    record(staff, "R-5", demanded_dogeza="false", remarks="ネットに書くぞ")
    assert desk.journal.incident("R-5").outcome == "kasuhara"  # the threat rule
    form = staff.get("/incidents/R-5/amend")
    assert "ネットに書くぞ" not in form.text and "A value is kept" in form.text
    values = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.text))
    data = {k: v for k, v in values.items()
            if k not in ("csrftoken", "_add", "lang", "next", "remarks.remove") and "__ROW__" not in k}
    data.update({"channel": "counter", "demanded_dogeza": "false", "demanded_manager": "false",
                 "demand_valid": "unknown", "repeat_contacts_30d": "0", "call_length": "", "reported_at":
                 "2026-11-01T10:00", "remarks": ""})
    done = staff.post("/incidents/R-5/amend", data={"csrftoken": token(form.text), **data}, follow_redirects=False)
    assert done.status_code == 303, done.text
    state = desk.journal.incident("R-5")
    assert state.revision == 2 and state.outcome == "kasuhara"  # the kept remark still decides
    data["remarks.remove"] = "yes"
    form = staff.get("/incidents/R-5/amend")
    done = staff.post("/incidents/R-5/amend", data={"csrftoken": token(form.text), **data}, follow_redirects=False)
    assert done.status_code == 303
    state = desk.journal.incident("R-5")  # no remark now: whether it was a threat is unknown
    assert state.revision == 3 and state.outcome == "review" and "remarks" in state.missing


def test_supervisor_queue_verdicts_actions_attachments_case_file(desk):
    """The queue lists what waits (most severe first); a supervisor overrides with a reason, records an
    action with its time and a file's hash, and prints the case file."""
    staff = desk.login("sato")
    record(staff, "Q-1", demanded_dogeza="true")
    record(staff, "Q-2", demanded_dogeza="false", remarks="殺すぞ")
    boss = desk.login("tanaka")
    queue = shown(boss.get("/queue").text)
    assert queue.index("Q-2") < queue.index("Q-1")  # critical before high
    refused = post(boss, "/incidents/Q-1", "/incidents/Q-1/verdict", {"verdict": "override", "outcome": "claim"})
    assert refused.status_code == 400 and "reason" in refused.text
    done = post(boss, "/incidents/Q-1", "/incidents/Q-1/verdict",
                {"verdict": "override", "outcome": "claim", "severity": "", "escalation": "",
                 "reason": "要求は正当だった"})
    assert done.status_code == 303
    state = desk.journal.incident("Q-1")
    assert state.verdict == "override" and state.final_outcome == "claim"
    assert "Q-1" not in shown(boss.get("/queue").text)
    act = post(boss, "/incidents/Q-2", "/incidents/Q-2/action",
               {"action": "police", "at": "2026-05-01T11:30", "note": "110番通報"})
    assert act.status_code == 303
    content = b"recording bytes"
    attached = boss.post("/incidents/Q-2/attachment", data={"csrftoken": token(boss.get("/incidents/Q-2").text),
                                                            "name": ""},
                         files={"file": ("call.mp3", content, "audio/mpeg")}, follow_redirects=False)
    assert attached.status_code == 303, attached.text
    kinds = [e.kind for e in desk.journal.timeline("Q-2").entries]
    assert kinds == ["record", "decision", "action", "attachment"]
    entry = desk.journal.timeline("Q-2").entries[-1]
    assert entry.body["sha256"] == hashlib.sha256(content).hexdigest() and entry.body["name"] == "call.mp3"
    assert desk.journal.timeline("Q-2").entries[2].body["taken_at"].startswith("2026-05-01T02:30")
    case = boss.get("/incidents/Q-2/case-file")
    assert case.status_code == 200
    page = text(case.text)
    assert hashlib.sha256(content).hexdigest() in page and "110番通報" in page and "Verified intact" in page
    assert "殺すぞ" not in case.text  # the sensitive remark only as a salted hash
    assert "personal data, as a salted hash" in page and "$sensitive" not in case.text
    assert "demanded_dogeza</th><td>false<" in case.text  # the journal's JSON, not Python's repr
    assert "False" not in page and "True" not in page and "{'" not in case.text


def test_author_sees_diagnostics_examples_replay_then_activates(desk):
    """A broken policy shows `kasu check`'s diagnostics and cannot be activated; a fixed one shows its
    examples and its replay on the journal and takes effect on its date."""
    staff = desk.login("sato")
    record(staff, "P-1", demanded_dogeza="true")
    author = desk.login("ito")
    start = author.get("/policies/draft").text
    assert "acme_retail" in start  # the version in force to start from
    broken = post(author, "/policies/draft", "/policies/draft", {"text": BROKEN, "name": "acme.kasu", "effective": ""})
    assert broken.status_code == 200
    assert "E301" in broken.text and "did you mean" in broken.text and "acme.kasu:8:" in broken.text
    assert "formaction=\"/policies/activate\"" not in broken.text
    refused = post(author, "/policies/draft", "/policies/activate", {"text": BROKEN, "name": "acme.kasu"})
    assert refused.status_code == 400 and len(desk.journal.versions()) == 1
    source = desk.journal.policy(desk.journal.versions()[0].digest).files[0][1].decode()
    fixed = source.replace('version   "2026.2"', 'version   "2026.3"').replace(
        'then     kasuhara severity high', 'then     claim')
    checked = post(author, "/policies/draft", "/policies/draft", {"text": fixed, "name": "acme.kasu",
                                                                   "effective": "2026-10-15"})
    page = text(checked.text)
    assert "No problem found." in page and "W1" not in page  # the demo policy checks clean
    assert "6 passed, 1 failed" in page, page[page.find("Examples"):][:600]  # its own example still expects the old outcome
    assert "Decided again: 1" in page and "Decided differently: 1" in page
    assert "<td>kasuhara / high</td><td>claim</td>" in checked.text  # the change, with its severity
    assert "effective 2026-10-15" in checked.text and 'formaction="/policies/activate"' in checked.text
    done = post(author, "/policies/draft", "/policies/activate", {"text": fixed, "name": "acme.kasu",
                                                                   "effective": "2026-10-15"})
    assert done.status_code == 303
    versions = desk.journal.versions()
    assert [v.version for v in versions] == ["2026.2", "2026.3"] and str(versions[-1].effective) == "2026-10-15"
    assert "2026.3" in author.get("/policies").text


def test_auditor_reads_everything_and_verifies_the_chain(desk):
    """An auditor sees every site's incidents, the explanation and the verdicts, and verifies the chain."""
    record(desk.login("sato"), "A-1", demanded_dogeza="true")
    record(desk.login("suzuki"), "A-2", demanded_dogeza="true")
    auditor = desk.login("kato")
    listing = auditor.get("/incidents").text
    assert "A-1" in listing and "A-2" in listing
    page = auditor.get("/incidents/A-1").text
    assert "Explanation" in page and "demanded_dogeza" in page and "Journal the verdict" not in page
    chain = text(auditor.get("/chain").text)
    assert "The chain is intact" in chain and "entries" in chain
    from kasuhara_rules.journal.tables import entries

    with desk.journal.engine.begin() as conn:  # someone edits an entry behind the journal's back
        conn.execute(entries.update().where(entries.c.seq == 2).values(by_user="mallory"))
    broken = text(auditor.get("/chain").text)
    assert "The chain is broken at entry 2" in broken


def test_dashboard_shows_overrides(desk):
    """The trends page counts outcomes and shows how often people overruled each rule."""
    staff = desk.login("sato")
    record(staff, "D-1", demanded_dogeza="true")
    record(staff, "D-2", demanded_dogeza="true")
    boss = desk.login("tanaka")
    post(boss, "/incidents/D-1", "/incidents/D-1/verdict", {"verdict": "override", "outcome": "claim",
                                                             "reason": "正当な要求"})
    post(boss, "/incidents/D-2", "/incidents/D-2/verdict", {"verdict": "confirm"})
    page = boss.get("/dashboard").text
    row = re.search(r"<tr><th scope=\"row\">土下座の要求</th>(.*?)</tr>", page).group(1)
    assert re.findall(r">(\d+%?)<", row) == ["1", "1", "50%", "0"]
    full = boss.get("/dashboard?full=1")
    assert full.status_code == 200 and "傾向レポート" in full.text or "trend report" in full.text


def test_admin_adds_users_and_the_password_is_shown_once(desk):
    """A new user gets a password shown once, must change it at the first login, then works."""
    admin = desk.login("boss")
    added = post(admin, "/users", "/users", {"name": "yamada", "role": "staff", "site": "kyoto"})
    password = re.search(r"The password of yamada is (\S+) ", text(added.text)).group(1)
    assert password not in admin.get("/users").text
    newcomer = desk.login("yamada", password)
    assert newcomer.get("/record", follow_redirects=False).headers["location"] == "/account"
    changed = post(newcomer, "/account", "/account", {"current": password, "new": "a new long password",
                                                      "again": "a new long password"})
    assert "your password is changed" in changed.text
    assert newcomer.get("/record").status_code == 200


def test_language_switch(desk):
    """The desk speaks Japanese or English; the choice is kept for the user."""
    staff = desk.login("sato")
    post(staff, "/record", "/language", {"lang": "ja", "next": "/record"})
    assert "事案を記録する" in staff.get("/record").text
    assert desk.store.user("sato").lang == "ja"
    post(staff, "/record", "/language", {"lang": "en", "next": "/record"})
    assert "Record an incident" in staff.get("/record").text


def test_survey_answers_uploaded_then_results_shown(desk):
    """An admin uploads a round of the staff survey (as `kasu survey report` reads it); its results are on
    the surveys page for admins and auditors, who cannot upload; a file that is not a survey is refused."""
    from kasuhara_rules import load_policy
    from tests.conftest import ROOT
    from tests.fixtures.risk import survey_rounds

    first, _second = survey_rounds(load_policy(str(ROOT / "examples" / "retail.kasu")), staff=60)
    admin = desk.login("boss")
    assert "No answer" not in admin.get("/surveys").text
    page = admin.get("/surveys")
    done = admin.post("/surveys/upload", data={"csrftoken": token(page.text), "round": "2026-06"},
                      files={"answers": ("2026-06.csv", first.encode("utf-8"), "text/csv")}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/surveys"
    shown = admin.get("/surveys").text
    assert "2026-06 — 2026-06.csv" in shown and '<tr><th scope="row">2026-06</th><td>60</td></tr>' in shown and "<svg" in shown
    full = admin.get("/surveys?full=1")
    assert full.status_code == 200 and "<svg" in full.text
    auditor = desk.login("kato")
    seen = auditor.get("/surveys").text
    assert "<td>60</td>" in seen and 'action="/surveys/upload"' not in seen
    page = admin.get("/surveys")
    refused = admin.post("/surveys/upload", data={"csrftoken": token(page.text)},
                         files={"answers": ("notes.csv", "a,b\n1,2\n".encode(), "text/csv")})
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert len(desk.store.surveys()) == 1


def test_dashboard_figures_are_kasu_report_db(desk):
    """The trends page counts what `kasu report --db` counts (Journal.report: one aggregation of the
    same index), and its override counts are the report's people part."""
    from kasuhara_rules.desk import adapter
    from kasuhara_rules.render import report as rep

    staff = desk.login("sato")
    for n, dogeza in enumerate(("true", "false", "true")):
        record(staff, f"R-{n}", demanded_dogeza=dogeza)
    boss = desk.login("tanaka")
    post(boss, "/incidents/R-0", "/incidents/R-0/verdict", {"verdict": "override", "outcome": "claim",
                                                             "reason": "正当な要求"})
    policy = adapter.policy_in_force(desk.journal)
    shown = rep.aggregate(policy.checked, adapter.report_items(desk.journal, None, False), "month")
    reported = desk.journal.report()
    for key in shown:
        if key not in ("sources",):
            assert shown[key] == reported[key], key
    overrides = adapter.overrides(desk.journal, None, False)
    for item in reported["people"]["rules"]:
        counts = overrides[None if item["rule"] == "-" else item["rule"]]
        assert (counts["confirm"], counts["override"]) == (item["confirmed"], item["overridden"]), item["rule"]
    assert sum(c["override"] for c in overrides.values()) == 1
    assert f"{reported['records']} incidents journaled" in text(boss.get("/dashboard").text)
