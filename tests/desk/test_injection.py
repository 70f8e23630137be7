"""HTML and script injection through every field, label and policy text; SQL injection through every parameter."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from .conftest import post, record, shown, token

SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"
RAW = ("<script>alert", "<img src=x", "onerror=alert(2)>")

POLICY = f'''policy "方針{SCRIPT}" {{
  id        inject
  version   "1{SCRIPT}"
  effective 2026-01-01
  otherwise claim
}}

schema {{
  incident_id "番号{SCRIPT}": text key
  channel "窓口{SCRIPT}": one of ["phone", "{SCRIPT}"]
  note "メモ{SCRIPT}": optional text
  remarks "発言{SCRIPT}": optional text sensitive
  dogeza "土下座{SCRIPT}": bool
  length "時間{SCRIPT}": optional duration in minutes
  reported_at "日時{SCRIPT}": datetime
}}

outcomes    {{ claim "クレーム{SCRIPT}", kasuhara "カスハラ{SCRIPT}" }}
severities  {{ low "軽度{SCRIPT}", high "重度{SCRIPT}" }}
escalations {{ supervisor "上長{SCRIPT}" }}

rule dogeza "土下座{SCRIPT}" {{
  when     dogeza
  then     kasuhara severity high
  respond  "応じない{SCRIPT}"
  escalate supervisor
  cite     "出典{SCRIPT}"
}}

rule unknown_length "長さ{SCRIPT}" {{
  when     length >= 30min
  then     kasuhara severity high
  respond  "切る{SCRIPT}"
}}
'''


def clean(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, (where, raw, html[max(0, html.find(raw) - 200):html.find(raw) + 200])


@pytest.fixture
def injected(desk: Any) -> dict[str, Any]:
    """A policy whose every label and text carries a script, activated; an incident whose every text does."""
    author = desk.login("ito")
    checked = post(author, "/policies/draft", "/policies/draft", {"text": POLICY, "name": "inject.kasu", "effective": ""})
    assert checked.status_code == 200, checked.text
    clean(checked.text, "draft check")
    assert "&lt;script&gt;" in checked.text
    done = post(author, "/policies/draft", "/policies/activate", {"text": POLICY, "name": "inject.kasu", "effective": ""})
    assert done.status_code == 303, done.text
    staff = desk.login("sato")
    form = staff.get("/record")
    clean(form.text, "record form")
    incident = f"X{SCRIPT}"
    saved = post(staff, "/record", "/record", {
        "incident_id": incident, "channel": SCRIPT, "note": SCRIPT, "remarks": SCRIPT, "dogeza": "true",
        "length": "", "length.unit": "minutes", "reported_at": "2026-05-01T10:00"})
    assert saved.status_code == 303, saved.text
    boss = desk.login("tanaka")
    path = f"/incidents/{quote(incident, safe='')}"
    for target, data in ((path + "/verdict", {"verdict": "override", "outcome": "claim", "reason": SCRIPT}),
                         (path + "/action", {"action": SCRIPT, "note": SCRIPT, "at": ""}),
                         (path + "/attachment", {"name": SCRIPT, "sha256": "a" * 64}),
                         (path + "/reveal", {"purpose": SCRIPT})):
        answer = post(boss, path, target, data)
        assert answer.status_code in (200, 303), (target, answer.text)
        clean(answer.text, target)
    return {"incident": incident, "path": path}


def test_scripts_in_policies_records_and_verdicts_are_shown_as_text(desk, injected):
    """Every page of every role shows the scripts as text (escaped), never as markup."""
    path = injected["path"]
    digest = desk.journal.versions()[-1].digest
    pages = {
        "sato": ["/record", path, path + "/amend", "/incidents"],
        "tanaka": [path, path + "/case-file", "/queue", "/incidents", "/dashboard", "/dashboard?full=1"],
        "ito": ["/policies", f"/policies/{digest}", "/policies/draft"],
        "kato": [path, path + "/case-file", "/incidents", "/chain", "/policies", "/dashboard"],
        "boss": ["/dashboard", "/users", "/surveys"],
    }
    seen = 0
    for name, urls in pages.items():
        client = desk.login(name)
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, (name, url, page.status_code)
            clean(page.text, f"{name} {url}")
            seen += page.text.count("&lt;script&gt;")
    assert seen > 50  # the scripts are there, as text


def test_scripts_typed_in_the_login_search_and_users_forms(desk):
    """What people type in the login form, the search box and the users form comes back as text."""
    client = desk.client()
    answer = client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": SCRIPT,
                                         "password": "x", "next": "javascript:alert(1)"}, follow_redirects=False)
    clean(answer.text, "login")
    assert "javascript:" not in answer.text
    staff = desk.login("sato")
    clean(staff.get("/incidents", params={"q": SCRIPT}).text, "search")
    admin = desk.login("boss")
    added = post(admin, "/users", "/users", {"name": SCRIPT, "role": "staff", "site": SCRIPT})
    clean(added.text, "users")
    added = post(admin, "/users", "/users", {"name": "yamada", "role": "staff", "site": SCRIPT})
    assert added.status_code == 200
    clean(admin.get("/users").text, "users list")


def test_login_never_redirects_elsewhere(desk):
    """The page to go to after logging in is a path of this desk, never another site."""
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client = desk.client()
        done = client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": "tanaka",
                                           "password": "correct horse battery", "next": target},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/", target


SQL = ["' OR '1'='1", "1; DROP TABLE entries; --", "%' OR 1=1 --", "x\" OR \"\"=\"", "%", "_", "\\", "' UNION SELECT * FROM desk_users --"]


def test_sql_injection_through_every_parameter(desk):
    """Quotes, comments and wildcards in every path, query and form parameter are values, never SQL:
    nothing is found that should not be, nothing is changed, and the chain stays intact."""
    staff = desk.login("sato")
    assert record(staff, "A-1").status_code == 303
    assert record(staff, "B-2").status_code == 303
    boss, admin, auditor, author = desk.login("tanaka"), desk.login("boss"), desk.login("kato"), desk.login("ito")
    entries = len(desk.journal.entries())
    for attack in SQL:
        quoted = quote(attack, safe="")
        for client, url in ((staff, f"/incidents/{quoted}"), (boss, f"/incidents/{quoted}/case-file"),
                            (staff, f"/incidents/{quoted}/amend"), (author, f"/policies/{quoted}"),
                            (author, f"/policies/sha256:{quoted}")):
            assert client.get(url).status_code == 404, url
        listed = staff.get("/incidents", params={"q": attack, "offset": attack})
        assert listed.status_code == 200 and "A-1" not in shown(listed.text) and "B-2" not in shown(listed.text), attack
        assert boss.get("/queue", params={"offset": attack}).status_code == 200
        assert boss.get("/dashboard", params={"by": attack}).status_code == 200
        for target, data in ((f"/incidents/{quoted}/verdict", {"verdict": "confirm"}),
                             (f"/incidents/{quoted}/action", {"action": "supervisor"}),
                             (f"/incidents/{quoted}/reveal", {"purpose": "x"})):
            assert post(boss, "/queue", target, data).status_code == 404, target
        for data in ({"verdict": "override", "outcome": attack, "reason": attack},
                     {"verdict": attack}, {"verdict": "override", "severity": attack, "reason": "r"}):
            assert post(boss, "/queue", "/incidents/A-1/verdict", data).status_code == 400
        assert post(admin, "/users", f"/users/{quoted}", {"op": "disable"}).status_code == 404
        assert post(admin, "/users", "/users/sato", {"op": attack}).status_code == 400
        client = desk.client()
        refused = client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": attack,
                                              "password": attack, "next": "/"}, follow_redirects=False)
        assert refused.status_code == 401
        assert auditor.get("/incidents", params={"q": attack}).status_code == 200
    assert staff.get("/incidents", params={"q": "A-"}).text.count("A-1") >= 1  # the search itself works
    saved = record(staff, "C-3'); DROP TABLE entries; --", remarks="'; DELETE FROM desk_users; --")
    assert saved.status_code == 303
    assert len(desk.journal.entries()) == entries + 2  # only the record and its decision
    assert not desk.store.user("sato").disabled
    assert {"sato", "tanaka", "boss"} <= {r.name for r in desk.store.users()}
    with desk.journal.engine.connect() as conn:
        assert sa.inspect(conn).has_table("entries") and sa.inspect(conn).has_table("desk_users")
    assert desk.journal.verify().ok
