"""The desk's security: every role against every route, CSRF, session fixation and expiry, lockout, headers, logs."""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

import pytest

from kasuhara_rules.desk import tables as desk_tables
from kasuhara_rules.desk.app import ROUTES
from kasuhara_rules.desk.settings import Settings
from kasuhara_rules.journal import open_journal
from tests.journal.copies import copy_sqlite

from .conftest import PASSWORD, USERS, Desk, post, record, shown, token

ROLES = ("staff", "supervisor", "author", "auditor", "admin")
LOGIN_AS = {"staff": "sato", "supervisor": "tanaka", "author": "ito", "auditor": "kato", "admin": "boss"}
REMARK = "晒してやる ネットに書く"  # a sensitive value: shown only on request, never logged


@pytest.fixture(scope="session")
def recorded(prepared: Path, tmp_path_factory: Any) -> Path:
    """The prepared journal after sato recorded INC-1, with a sensitive remark, through the staff form:
    built once per session (per pytest-xdist worker), copied for each test that asks for `world`.
    The desk's signing secret and the session that recording made are removed again, so that each
    copy makes its own secret and has no session, as a fresh desk does."""
    path = tmp_path_factory.mktemp("desk-recorded") / "journal.db"
    copy_sqlite(prepared, path)
    journal = open_journal(f"sqlite:///{path}")
    desk = Desk(journal, Settings(db=f"sqlite:///{path}", lang="en"))
    try:
        staff = desk.login("sato")
        done = record(staff, "INC-1", remarks=REMARK)
        assert done.status_code == 303, done.text
    finally:
        desk.close()
    try:
        with journal.engine.begin() as conn:
            conn.execute(desk_tables.settings.delete())
            conn.execute(desk_tables.sessions.delete())
    finally:
        journal.close()
    return path


@pytest.fixture
def journal_source(request: Any, prepared: Path) -> Path:
    """A test that asks for `world` gets a copy of `recorded`; any other, of `prepared`."""
    return request.getfixturevalue("recorded") if "world" in request.fixturenames else prepared


@pytest.fixture
def world(desk: Any) -> dict[str, Any]:
    """One incident of sato's site, with a sensitive remark (recorded in `recorded`)."""
    incident = desk.journal.incident("INC-1")
    assert incident.site == "shinjuku" and incident.revision == 1
    digest = desk.journal.versions()[-1].digest
    return {"incident": "INC-1", "digest": digest}


def concrete(path: str, world: dict[str, Any]) -> str:
    return path.replace("{incident:path}", world["incident"]).replace("{digest}", world["digest"]).replace("{name}", "sato")


HARMLESS = {  # a POST body per route that changes nothing important when it is allowed
    "/users/{name}": {"op": "unlock"},
    "/incidents/{incident:path}/verdict": {"verdict": "nothing"},
    "/incidents/{incident:path}/action": {"action": ""},
    "/incidents/{incident:path}/attachment": {"name": "", "sha256": "x"},
    "/incidents/{incident:path}/reveal": {"purpose": ""},
    "/language": {"lang": "xx", "next": "/"},
}

PROTECTED = [(path, method, endpoint) for path, endpoint, methods in ROUTES for method in methods
             if getattr(endpoint, "roles", ()) != ("*",)]


def test_every_protected_route_names_its_roles():
    """Every route but the login page, the start page and the language switch is given to some roles only."""
    public = {path for path, endpoint, _ in ROUTES if getattr(endpoint, "roles", ()) == ("*",)}
    assert public == {"/", "/login", "/language"}
    for path, _method, endpoint in PROTECTED:
        assert set(endpoint.roles) <= set(ROLES) and endpoint.roles, path


@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(desk, world, role):
    """Each role against every route: its own routes answer, every other role's route is refused (403)."""
    client = desk.login(LOGIN_AS[role])
    csrf = token(client.get("/account").text)
    for path, method, endpoint in PROTECTED:
        if path == "/logout":
            continue
        url = concrete(path, world)
        if method == "GET":
            answer = client.get(url, follow_redirects=False)
        else:
            answer = client.post(url, data={"csrftoken": csrf, **HARMLESS.get(path, {})}, follow_redirects=False)
        if role in endpoint.roles:
            assert answer.status_code != 403, (role, method, url, answer.text[:300])
        else:
            assert answer.status_code == 403, (role, method, url, answer.status_code)
            assert "not for your role" in answer.text


def test_nobody_logged_in_goes_to_the_login_page(desk, world):
    """Without a session, pages lead to the login page and forms are refused."""
    client = desk.client()
    for path, method, _endpoint in PROTECTED:
        url = concrete(path, world)
        if method == "GET":
            answer = client.get(url, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next="), url
        else:
            answer = client.post(url, data={}, follow_redirects=False)
            assert answer.status_code == 403, url


def test_staff_see_only_their_sites_incidents(desk, world):
    """Staff of another site cannot open, amend or list the incident; to them it does not exist."""
    other = desk.login("suzuki")
    assert other.get("/incidents/INC-1").status_code == 404
    assert other.get("/incidents/INC-1/amend").status_code == 404
    assert "INC-1" not in shown(other.get("/incidents").text)
    own = desk.login("sato")
    assert own.get("/incidents/INC-1").status_code == 200
    assert "INC-1" in shown(own.get("/incidents").text)


def test_a_new_record_cannot_take_over_another_sites_incident(desk, world):
    """Recording an incident number that exists is refused (amending is done from the incident's page)."""
    other = desk.login("suzuki")
    answer = record(other, "INC-1")
    assert answer.status_code == 400 and "already journaled" in answer.text
    assert desk.journal.incident("INC-1").revision == 1


@pytest.mark.parametrize("path,method,endpoint", [p for p in PROTECTED if p[1] == "POST"] +
                         [(p, "POST", e) for p, e, m in ROUTES if "POST" in m and p in ("/login", "/language")])
def test_csrf_without_a_token_is_refused(desk, world, path, method, endpoint):
    """Every form is refused without its CSRF token, or with a token of another browser."""
    role = next((r for r in ROLES if r in getattr(endpoint, "roles", ())), "staff")
    client = desk.login(LOGIN_AS[role])
    url = concrete(path, world)
    before = len(desk.journal.entries())
    missing = client.post(url, data=HARMLESS.get(path, {"name": "x"}), follow_redirects=False)
    assert missing.status_code == 403 and "The form expired" in missing.text
    other = desk.login(LOGIN_AS[role])
    foreign = token(other.get("/account").text)
    assert foreign != token(client.get("/account").text)
    wrong = client.post(url, data={"csrftoken": foreign, **HARMLESS.get(path, {})}, follow_redirects=False)
    assert wrong.status_code == 403 and "The form expired" in wrong.text
    assert len(desk.journal.entries()) == before


def test_session_fixation(desk, world):
    """Logging in gives a new session id: a session id known before (set by anyone) opens nothing after."""
    client = desk.client()
    page = client.get("/login")
    client.post("/language", data={"csrftoken": token(page.text), "lang": "ja", "next": "/login"})
    before = client.cookies.get("kasu_session")
    assert before
    client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": "tanaka",
                                "password": PASSWORD, "next": "/"}, follow_redirects=False)
    after = client.cookies.get("kasu_session")
    assert after and after != before
    assert client.get("/queue").status_code == 200
    attacker = desk.client()
    attacker.cookies.set("kasu_session", before, domain="127.0.0.1")
    assert attacker.get("/queue", follow_redirects=False).status_code == 303
    planted = desk.client()
    planted.cookies.set("kasu_session", "chosen-by-an-attacker", domain="127.0.0.1")
    planted.post("/login", data={"csrftoken": token(planted.get("/login").text), "name": "tanaka",
                                 "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert planted.cookies.get("kasu_session") not in (None, "chosen-by-an-attacker")
    stranger = desk.client()
    stranger.cookies.set("kasu_session", "chosen-by-an-attacker", domain="127.0.0.1")
    assert stranger.get("/queue", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(desk, world):
    """After logging out, the old session cookie opens nothing."""
    client = desk.login("tanaka")
    cookie = client.cookies.get("kasu_session")
    assert post(client, "/queue", "/logout", {}).status_code == 303
    replay = desk.client()
    replay.cookies.set("kasu_session", cookie, domain="127.0.0.1")
    assert replay.get("/queue", follow_redirects=False).status_code == 303


def test_sessions_expire(desk, world, monkeypatch):
    """A session ends after the idle time (its row expires) and after the hours allowed since login."""
    import kasuhara_rules.desk.core as core
    from kasuhara_rules.desk.tables import sessions

    client = desk.login("tanaka")
    assert client.get("/queue").status_code == 200
    real = time.time
    monkeypatch.setattr(core, "time", type("T", (), {"time": staticmethod(lambda: real() + 13 * 3600)}))
    assert client.get("/queue", follow_redirects=False).status_code == 303
    monkeypatch.undo()
    client = desk.login("tanaka")
    assert client.get("/queue").status_code == 200
    with desk.journal.engine.begin() as conn:
        conn.execute(sessions.update().values(expires=real() - 1))
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_lockout_after_repeated_failures(desk):
    """Five wrong passwords lock the account (even the right one is refused) until an admin unlocks it;
    an unknown name is refused with the same words as a wrong password."""
    client = desk.client()

    def attempt(name: str, password: str) -> Any:
        return client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": name,
                                           "password": password, "next": "/"}, follow_redirects=False)

    unknown = attempt("nobody", "whatever")
    wrong = attempt("sato", "wrong password")
    assert unknown.status_code == wrong.status_code == 401
    assert re.search(r'role="alert"[^>]*>([^<]+)<', unknown.text).group(1) == \
        re.search(r'role="alert"[^>]*>([^<]+)<', wrong.text).group(1)
    for _ in range(4):
        attempt("sato", "wrong password")
    locked = attempt("sato", PASSWORD)
    assert locked.status_code == 423 and "locked" in locked.text
    admin = desk.login("boss")
    assert "locked" in admin.get("/users").text
    assert post(admin, "/users", "/users/sato", {"op": "unlock"}).status_code == 303
    assert attempt("sato", PASSWORD).status_code == 303


def test_disabled_users_are_out_at_once(desk, world):
    """Disabling a user ends their sessions and refuses their logins."""
    staff = desk.login("sato")
    admin = desk.login("boss")
    assert post(admin, "/users", "/users/sato", {"op": "disable"}).status_code == 303
    assert staff.get("/record", follow_redirects=False).status_code == 303
    client = desk.client()
    refused = client.post("/login", data={"csrftoken": token(client.get("/login").text), "name": "sato",
                                          "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert refused.status_code == 401


def test_security_headers_and_cookies(desk, world):
    """A strict CSP (no inline script, nothing from elsewhere), no framing or sniffing, no referrer,
    pages not cached; the session cookie is HttpOnly and SameSite."""
    client = desk.client()
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if " " in part.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["form-action"] == "'self'"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    done = client.post("/login", data={"csrftoken": token(page.text), "name": "tanaka", "password": PASSWORD,
                                       "next": "/"}, follow_redirects=False)
    cookie = [v for k, v in done.headers.multi_items() if k == "set-cookie" and v.startswith("kasu_session=")][0]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "<script>" not in page.text.replace('<script src="/static/desk.js', "")


def test_no_personal_data_in_the_server_log(desk, caplog):
    """The log has one line per request — method, route pattern, status, time — and none of the
    incident number, the user's name, the password or what the customer said."""
    caplog.set_level(logging.INFO, logger="kasuhara_rules.desk")
    staff = desk.login("sato")
    record(staff, "SECRET-ID-77", remarks=REMARK)
    staff.get("/incidents/SECRET-ID-77")
    staff.get("/incidents?q=SECRET")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/incidents/{incident:path} 200" in text and "POST /record 303" in text
    for secret in ("SECRET-ID-77", "SECRET", "sato", PASSWORD, "晒して", "ネット"):
        assert secret not in text


def test_sensitive_values_only_on_request_and_journaled(desk, world):
    """Staff never see the remark again; a supervisor sees it only by asking with a purpose, and the
    showing is a `disclosure` entry of the chain."""
    staff = desk.login("sato")
    assert REMARK not in staff.get("/incidents/INC-1").text
    assert REMARK not in staff.get("/incidents/INC-1/amend").text
    boss = desk.login("tanaka")
    assert REMARK not in boss.get("/incidents/INC-1").text
    refused = post(boss, "/incidents/INC-1", "/incidents/INC-1/reveal", {"purpose": ""})
    assert refused.status_code == 400
    shown = post(boss, "/incidents/INC-1", "/incidents/INC-1/reveal", {"purpose": "警察への相談"})
    assert shown.status_code == 200 and REMARK in shown.text
    disclosures = [e for e in desk.journal.timeline("INC-1").entries if e.kind == "disclosure"]
    assert len(disclosures) == 1 and disclosures[0].by == "tanaka" and disclosures[0].body["purpose"] == "警察への相談"
    assert REMARK not in boss.get("/incidents/INC-1").text  # shown once, in that answer only
    assert desk.journal.verify().ok


def test_users_of_the_journal_see_no_password_hashes(desk):
    """The users page shows names and roles, never a password hash."""
    page = desk.login("boss").get("/users")
    assert "$argon2" not in page.text and "sato" in page.text


def test_passwords_are_argon2id(desk):
    """Passwords are kept as Argon2id hashes, never as given."""
    row = desk.store.user("sato")
    assert row.password.startswith("$argon2id$") and PASSWORD not in row.password
    assert set(USERS) <= {r.name for r in desk.store.users()}
