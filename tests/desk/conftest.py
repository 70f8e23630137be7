"""Fixtures of the desk's tests: a journal on a temporary SQLite file, the app, and clients logged in as each role."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

import sqlalchemy as sa  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from kasuhara_rules.desk.app import create_app  # noqa: E402
from kasuhara_rules.desk.serve import first_start  # noqa: E402
from kasuhara_rules.desk.settings import Settings  # noqa: E402
from kasuhara_rules.desk.store import DeskStore  # noqa: E402
from kasuhara_rules.desk import tables as desk_tables  # noqa: E402
from kasuhara_rules.desk.users import add_user  # noqa: E402
from kasuhara_rules.journal import open_journal  # noqa: E402
from kasuhara_rules.journal.tables import sensitive_values  # noqa: E402
from tests.journal.copies import copy_sqlite  # noqa: E402

PASSWORD = "correct horse battery"
USERS = {  # name: (role, site)
    "sato": ("staff", "shinjuku"),
    "suzuki": ("staff", "osaka"),
    "tanaka": ("supervisor", None),
    "ito": ("author", None),
    "kato": ("auditor", None),
    "boss": ("admin", None),
}
TOKEN = re.compile(r'name="csrftoken" value="([^"]+)"')


class Desk:
    """The app over a fresh journal, and a way to get a logged-in client of each user."""

    def __init__(self, journal: Any, settings: Settings) -> None:
        self.journal = journal
        self.settings = settings
        self.app = create_app(journal, settings)
        self.store = DeskStore(journal.engine)
        self.clients: list[TestClient] = []

    def client(self) -> TestClient:
        client = TestClient(self.app, base_url="http://127.0.0.1")
        client.__enter__()
        self.clients.append(client)
        return client

    def login(self, name: str | None, password: str = PASSWORD) -> TestClient:
        client = self.client()
        if name is not None:
            page = client.get("/login")
            done = client.post("/login", data={"csrftoken": token(page.text), "name": name, "password": password,
                                               "next": "/"}, follow_redirects=False)
            assert done.status_code == 303, done.text
        return client

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)


def shown(html: str) -> str:
    """A page without its CSRF tokens' values: a token is random base64, so a short name such as
    "Q-1" can occur in one by chance; a test that looks for a name in a page looks here."""
    return TOKEN.sub('name="csrftoken" value=""', html)


def token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, html[:2000]
    return found.group(1)


def post(client: TestClient, page: str, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Open `page` (for its CSRF token), then post `data` to `path`."""
    form = client.get(page)
    return client.post(path, data={"csrftoken": token(form.text), **data}, follow_redirects=False, **kwargs)


RECORD = {"channel": "phone", "call_length": "45", "call_length.unit": "minutes", "repeat_contacts_30d": "3",
          "demanded_dogeza": "true", "demanded_manager": "false", "demand_valid": "unknown",
          "remarks": "申し訳ないと言われた", "contacts.rows": "1", "reported_at": "2026-11-01T10:00"}


def record(client: TestClient, incident: str, **values: str) -> Any:
    """Record an incident through the staff form; the answer (a redirect to the incident when saved)."""
    return post(client, "/record", "/record", {**RECORD, "incident_id": incident, **values})


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: Any) -> Path:
    """A journal as the desk's first start leaves it, with the six users of USERS added: built once
    per session (per pytest-xdist worker), because hashing six passwords with Argon2 and registering
    the demo policy cost about two seconds. Each test works on its own copy (`desk`).

    What a copy shares with the others is only what this builds: the demo policy's registration entry
    (the chain's first link follows the fixed GENESIS), the users with their password hashes, and
    the shipped `admin` user whose password nobody saw. Nothing a copy must own alone is made here:
    the desk's signing secret is made when the app opens the copy (desk.core.Desk), and no session,
    sensitive value or salt exists yet — checked below, so that a change that made one here fails."""
    path = tmp_path_factory.mktemp("desk-prepared") / "journal.db"
    journal = open_journal(f"sqlite:///{path}")
    try:
        first_start(journal, io.StringIO(), "en")
        store = DeskStore(journal.engine)
        for name, (role, site) in USERS.items():
            add_user(store, name, role, PASSWORD, site=site)
        with store.read() as conn:
            for table in (desk_tables.settings, desk_tables.sessions, sensitive_values):
                assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0, table.name
    finally:
        journal.close()
    return path


@pytest.fixture
def journal_source(prepared: Path) -> Path:
    """The journal file that `desk` copies (a test module may give another, built once from `prepared`)."""
    return prepared


class HashOnce:
    """The desk's own password hasher, but a text it was given before gets the hash made then.

    The app hashes a fixed text when it starts (the dummy hash that an unknown name is checked
    against, so that it costs what a wrong password does): a third of a second of Argon2 per test.
    Each app still gets a real hash of that text by the desk's own hasher; only the salt is the
    same from one test's database to the next. Used only while the app is made."""

    def __init__(self, real: Any, made: dict[str, str]) -> None:
        self.real = real
        self.made = made

    def hash(self, password: str) -> str:
        if password not in self.made:
            self.made[password] = self.real.hash(password)
        return self.made[password]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.fixture(scope="session")
def hashed_once() -> dict[str, str]:
    return {}


@pytest.fixture
def desk(tmp_path: Any, journal_source: Path, hashed_once: dict[str, str]) -> Iterator[Desk]:
    """The desk over a fresh copy of the prepared journal: its own database, its own signing secret."""
    from kasuhara_rules.desk import users

    copy_sqlite(journal_source, tmp_path / "journal.db")
    journal = open_journal(f"sqlite:///{tmp_path / 'journal.db'}")
    with pytest.MonkeyPatch.context() as patch:
        real = users.hasher()
        patch.setattr(users, "hasher", lambda: HashOnce(real, hashed_once))
        made = Desk(journal, Settings(db=f"sqlite:///{tmp_path / 'journal.db'}", lang="en"))
    try:
        yield made
    finally:
        made.close()
        journal.close()
