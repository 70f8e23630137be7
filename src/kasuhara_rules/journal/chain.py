"""The hash chain: canonical JSON of an entry, and each entry's hash over the previous one.

An entry is `{"at", "body", "by", "incident", "kind", "seq"}`; its canonical JSON has the keys
sorted, no whitespace, UTF-8 text as it is (not \\u escapes), as orjson writes it with sorted keys.
Its hash is the hex SHA-256 of the previous entry's hash (64 hex digits; sixty-four `0` before
the first entry), a newline, and that canonical JSON — so an auditor can recompute any link with
`sha256sum` from the stored text:

>>> body = canonical({"b": 1, "a": "土下座"})
>>> body.decode()
'{"a":"土下座","b":1}'
>>> entry = envelope(1, "2026-05-01T01:00:00.000000Z", "sato", "record", "A-1", body)
>>> entry.decode()
'{"at":"2026-05-01T01:00:00.000000Z","body":{"a":"土下座","b":1},"by":"sato","incident":"A-1","kind":"record","seq":1}'
>>> link(GENESIS, entry)[:16]
'cf158a918d895084'
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson

GENESIS = "0" * 64
_SORTED = orjson.OPT_SORT_KEYS


def canonical(value: Any) -> bytes:
    """The canonical JSON of `value` as UTF-8 bytes (keys sorted, no spaces, NaN refused)."""
    try:
        return orjson.dumps(value, option=_SORTED)
    except TypeError:  # beyond what orjson writes (an integer past 64 bits): the standard library, same form
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          allow_nan=False).encode("utf-8")


def parse(body: bytes | str) -> Any:
    """A stored body back as Python values."""
    return orjson.loads(body)


def _text(value: str | None) -> bytes:
    return orjson.dumps(value)


def parts(seq: int, at: str, by: str, kind: str, incident: str | None) -> tuple[bytes, bytes]:
    """What stands before and after the body in an entry's canonical JSON."""
    return (b'{"at":' + _text(at) + b',"body":',
            b',"by":' + _text(by) + b',"incident":' + _text(incident) + b',"kind":' + _text(kind)
            + b',"seq":' + str(int(seq)).encode("ascii") + b"}")


def envelope(seq: int, at: str, by: str, kind: str, incident: str | None, body: bytes) -> bytes:
    """The canonical JSON of a whole entry, `body` being the canonical JSON of its body (kept as stored,
    so verifying never serialises again what was written)."""
    before, after = parts(seq, at, by, kind, incident)
    return before + body + after


def link(previous: str, entry: bytes) -> str:
    """The hash of an entry: SHA-256 of the previous hash, a newline and the entry's canonical JSON."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + entry).hexdigest()


def link_entry(previous: str, seq: int, at: str, by: str, kind: str, incident: str | None, body: bytes) -> str:
    """`link(previous, envelope(seq, at, by, kind, incident, body))` from the stored columns, without
    joining the entry first: what appending and `verify` run for every entry.

    >>> body = canonical({"a": "土下座"})
    >>> entry = envelope(2, "2026-05-01T01:00:00.000000Z", "sato", "record", None, body)
    >>> link_entry(GENESIS, 2, "2026-05-01T01:00:00.000000Z", "sato", "record", None, body) == link(GENESIS, entry)
    True
    """
    h = hashlib.sha256(b'%b\n{"at":%b,"body":' % (previous.encode("ascii"), _text(at)))
    h.update(body)
    h.update(b',"by":%b,"incident":%b,"kind":%b,"seq":%d}' % (_text(by), _text(incident), _text(kind), int(seq)))
    return h.hexdigest()


def salted(salt: bytes, value_json: bytes) -> str:
    """The salted hash of a sensitive value as the chain keeps it: SHA-256 of the salt's bytes and
    the value's canonical JSON (the value and its salt are stored apart, and purged together)."""
    return hashlib.sha256(salt + value_json).hexdigest()
