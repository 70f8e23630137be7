"""`kasu lsp` under hostile input (issue 25, items 10 and 14): a message with a missing or non-numeric
Content-Length is skipped and the server answers the next one (saying so on standard error); E606 holds
when the base outside the directory is open in the editor; a document with a lone surrogate gets its
diagnostics."""
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from kasuhara_rules.cli.lsp.analysis import analyse  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BASE = '''policy "基本" {
  id base
  version "1"
  otherwise claim
}
outcomes { claim, kasuhara }
schema {
  loud: bool
}
rule shouting { when loud then kasuhara respond "a" }
'''
CHILD = '''policy "子" {
  id child
  version "1"
  otherwise claim
}
extends "../base.kasu"
'''


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


def _read_message(stream, deadline):
    """One framed message from the server, or TimeoutError at `deadline` (never a wait without end)."""
    import select

    def byte():
        if not select.select([stream], [], [], max(deadline - time.monotonic(), 0))[0]:
            raise TimeoutError("the server did not answer")
        ch = os.read(stream.fileno(), 1)
        if not ch:
            raise EOFError
        return ch

    headers = b""
    while not headers.endswith(b"\r\n\r\n"):
        headers += byte()
    length = int(headers.split(b"Content-Length:")[1].split(b"\r\n")[0])
    body = b""
    while len(body) < length:
        body += byte()
    return json.loads(body)


def test_a_bad_content_length_is_skipped_and_the_server_answers_on():
    """A message without Content-Length, then one with `Content-Length: many`: both are skipped (standard
    error says so), and the initialize request after them is answered."""
    proc = subprocess.Popen([sys.executable, "-m", "kasuhara_rules", "lsp"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    try:
        junk = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "initialize", "params": {}}).encode()
        proc.stdin.write(b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + junk)
        proc.stdin.write(b"Content-Length: many\r\n\r\n" + junk)
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
        proc.stdin.flush()
        answer = _read_message(proc.stdout, time.monotonic() + 60)
        assert answer["id"] == 1 and "capabilities" in answer["result"]
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert err.count(b"without a valid Content-Length") == 2 and b"Traceback" not in err


def test_e606_holds_when_the_base_is_open_in_the_editor(tmp_path):
    """A policy extending a base outside its directory is refused (E606) whether or not the base is open."""
    (tmp_path / "base.kasu").write_text(BASE, encoding="utf-8")
    child = tmp_path / "sub" / "child.kasu"
    child.parent.mkdir()
    child.write_text(CHILD, encoding="utf-8")
    closed = analyse(str(child), CHILD, {})
    opened = analyse(str(child), CHILD, {str(tmp_path / "base.kasu"): BASE})
    assert "E606" in [d.code for d in closed.diagnostics]
    assert "E606" in [d.code for d in opened.diagnostics]


async def _diagnostics_of(tmp_path, opened: list[tuple[Path, str]]) -> dict:
    client = LanguageClient("kasu-test", "1")
    published: dict = {}
    event = asyncio.Event()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        published[params.uri] = params.diagnostics
        if all(from_fs_path(str(p)) in published for p, _ in opened):
            event.set()

    await client.start_io(sys.executable, "-m", "kasuhara_rules", "lsp", env=_env())
    try:
        await asyncio.wait_for(client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(), initialization_options={"debounceMs": 0},
            root_uri=from_fs_path(str(tmp_path)))), 60)
        client.initialized(t.InitializedParams())
        for path, text in opened:
            client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
                uri=from_fs_path(str(path)), language_id="kasu", version=1, text=text)))
        try:
            await asyncio.wait_for(event.wait(), 60)
        except asyncio.TimeoutError:
            pass  # the test says what is missing
    finally:
        try:
            await asyncio.wait_for(client.shutdown_async(None), 30)
            client.exit(None)
        finally:
            await asyncio.wait_for(client.stop(), 30)
    return published


def test_editor_sees_e606_with_the_base_open_and_a_lone_surrogate_document(tmp_path):
    """Over the protocol: the child gets E606 with its base open; a document holding a lone surrogate gets
    its diagnostics (E101, the text is not UTF-8) instead of none."""
    (tmp_path / "base.kasu").write_text(BASE, encoding="utf-8")
    child = tmp_path / "sub" / "child.kasu"
    child.parent.mkdir()
    child.write_text(CHILD, encoding="utf-8")
    broken = tmp_path / "broken.kasu"
    broken.write_text(BASE, encoding="utf-8")
    text = BASE.replace('respond "a"', 'respond "a\ud800"')
    published = asyncio.run(_diagnostics_of(tmp_path, [(tmp_path / "base.kasu", BASE), (child, CHILD), (broken, text)]))
    assert "E606" in [d.code for d in published.get(from_fs_path(str(child)), [])]
    codes = [d.code for d in published.get(from_fs_path(str(broken)), [])]
    assert codes and "E101" in codes
