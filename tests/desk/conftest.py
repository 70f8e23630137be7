"""Fixtures of the desk's tests: a journal on a temporary SQLite file, the app, and clients logged in as each role."""
from __future__ import annotations

import io
import re
from typing import Any, Iterator

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from starlette.testclient import TestClient  # noqa: E402

from kasuhara_rules.desk.app import create_app  # noqa: E402
from kasuhara_rules.desk.serve import first_start  # noqa: E402
from kasuhara_rules.desk.settings import Settings  # noqa: E402
from kasuhara_rules.desk.store import DeskStore  # noqa: E402
from kasuhara_rules.desk.users import add_user  # noqa: E402
from kasuhara_rules.journal import open_journal  # noqa: E402

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


@pytest.fixture
def desk(tmp_path: Any) -> Iterator[Desk]:
    journal = open_journal(f"sqlite:///{tmp_path / 'journal.db'}")
    first_start(journal, io.StringIO(), "en")
    store = DeskStore(journal.engine)
    for name, (role, site) in USERS.items():
        add_user(store, name, role, PASSWORD, site=site)
    made = Desk(journal, Settings(db=f"sqlite:///{tmp_path / 'journal.db'}", lang="en"))
    try:
        yield made
    finally:
        made.close()
        journal.close()
