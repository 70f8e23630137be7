"""The Language Server Protocol's framing on standard input, with recovery from a broken header.

Headers, a blank line, a body of Content-Length bytes — and recovery from a message whose length
is missing or not a number.

pygls reads the same framing, but after one header block without a valid `Content-Length` it
reads every later body as headers and never answers again, silently. Here such a block is
skipped with a line on standard error, and reading goes on from the next line that ends with a
valid `Content-Length` header (the body of the bad message, whose length is unknown, runs up to
it: a body without line breaks ends on the same line as the next header).
"""
from __future__ import annotations

import json
import re
from typing import Any, Awaitable, Callable, Protocol

LENGTH = re.compile(rb"Content-Length:[ \t]*(\d{1,12})[ \t]*\r?\n\Z", re.IGNORECASE)
MAX_HEADER_LINES = 100  # a block longer than this is no header block: skipped like a bad one


class Reader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...
    def readexactly(self, n: int) -> Awaitable[bytes]: ...


async def read_messages(reader: Reader, handle: Callable[[bytes], None], stopped: Callable[[], bool],
                        log: Callable[[str], None]) -> None:
    """Call `handle` with the body of each well-framed message until end of input (or `stopped()`)."""
    while not stopped():
        line = await reader.readline()
        if not line:
            return
        if not line.strip():
            continue
        headers = [line]
        while headers[-1].strip():
            if len(headers) > MAX_HEADER_LINES:
                break
            line = await reader.readline()
            if not line:
                return
            headers.append(line)
        found = [m for m in (LENGTH.search(h) for h in headers) if m is not None]
        if not found or len(headers) > MAX_HEADER_LINES:
            log("kasu lsp: a message without a valid Content-Length header was skipped; reading on at the next "
                "header")
            continue
        length = int(found[-1].group(1))
        body = await reader.readexactly(length)
        if len(body) < length:
            return
        handle(body)


def handler(protocol: Any, report: Callable[[Exception], Any]) -> Callable[[bytes], None]:
    """What pygls does with a body: structure it and hand it to the protocol; a failure is reported."""

    def handle(body: bytes) -> None:
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as exc:  # noqa: BLE001 - one bad message must not end the session
            report(exc)

    return handle
