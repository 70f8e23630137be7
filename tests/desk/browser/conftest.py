"""The desk served on 127.0.0.1 for Playwright, and Debian's headless Chromium (never a downloaded browser).

Skipped where Playwright or chromium is missing — unless KASU_REQUIRE_PLAYWRIGHT=1 (as `.ci/run`'s desk
step sets it, after installing the browser-test extra), where a missing one fails.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.browser import FLAGS

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"
USERS = {"sato": ("staff", "shinjuku"), "tanaka": ("supervisor", None), "ito": ("author", None),
         "kato": ("auditor", None), "boss": ("admin", None)}


def _need(what: str) -> None:
    if os.environ.get("KASU_REQUIRE_PLAYWRIGHT") == "1":
        pytest.fail(f"{what} is required here (.ci/run installs it)")
    pytest.skip(f"{what} is not installed (.ci/run installs it)")


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    _need("chromium")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright (pip install '.[browser-test]')")
    path = chromium_path()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A desk running in this process on 127.0.0.1 (uvicorn in a thread), over a journal in a temporary file."""

    def __init__(self, tmp: Path) -> None:
        import uvicorn

        from kasuhara_rules.desk.app import create_app
        from kasuhara_rules.desk.serve import first_start
        from kasuhara_rules.desk.settings import Settings
        from kasuhara_rules.desk.store import DeskStore
        from kasuhara_rules.desk.users import add_user
        from kasuhara_rules.journal import open_journal

        url = f"sqlite:///{tmp / 'journal.db'}"
        self.journal = open_journal(url)
        first_start(self.journal, io.StringIO(), "ja")
        store = DeskStore(self.journal.engine)
        for name, (role, site) in USERS.items():
            add_user(store, name, role, PASSWORD, site=site)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = create_app(self.journal, Settings(db=url, port=self.port, lang="ja"))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the desk did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.journal.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: Any) -> Iterator[Served]:
    pytest.importorskip("uvicorn")
    desk = Served(tmp_path_factory.mktemp("desk"))
    try:
        yield desk
    finally:
        desk.stop()


def screenshots_dir(tmp: Path) -> Path:
    """docs/img when KASU_UPDATE_SCREENSHOTS=1 (the pictures of docs/desk.md), else a temporary folder."""
    if os.environ.get("KASU_UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs" / "img"
    return tmp
