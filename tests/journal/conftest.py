"""Fixtures of the journal's tests: a journal on SQLite or on a throwaway PostgreSQL server."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the whole session (skipped, or failed under KASU_REQUIRE_POSTGRES=1,
    when none can be started)."""
    pytest.importorskip("sqlalchemy")
    from tests.journal.postgres import Server

    try:
        server = Server()
    except RuntimeError as exc:
        from tests.journal.postgres import _missing

        _missing(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty journal's URL: a SQLite file, then a PostgreSQL database."""
    pytest.importorskip("sqlalchemy")
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'journal.db'}"
    return request.getfixturevalue("postgres").url()


@pytest.fixture
def sqlite_url(tmp_path):
    pytest.importorskip("sqlalchemy")
    return f"sqlite:///{tmp_path / 'journal.db'}"


@pytest.fixture(scope="session")
def retail():
    from kasuhara_rules import load_policy

    return load_policy(ROOT / "examples" / "retail.kasu")


@pytest.fixture(scope="session")
def retail_records():
    """The valid incidents shipped with the retail policy."""
    import json

    out = []
    for line in (ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return out
