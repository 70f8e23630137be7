"""Personal data kept apart from the chain: salted hashes in the chain, the values in rows a purge empties.

A record's sensitive values become salted hashes in the chained body, and rows of their own (value,
salt, the day their retention ends) that a purge empties."""
from __future__ import annotations

import datetime as _dt
import secrets
from typing import Any, Iterator, Mapping, Sequence

import attrs

from .. import values as vt
from ..coerce import is_absent, raw_json
from .chain import canonical, salted

MARK = "$sensitive"  # {"$sensitive": HASH} stands in the chain where a sensitive value was


@attrs.frozen
class Apart:
    """One sensitive value kept apart: where it was (a path of keys and list positions), its salted
    hash, its salt (hex), its canonical JSON, and the day its retention ends (None: kept until purged)."""

    path: tuple[str | int, ...]
    digest: str
    salt: str
    value: bytes
    retain_until: _dt.date | None


def jsonable(value: Any) -> Any:
    """A record value as JSON: absent values (NaN, pandas' NA) as null, dates and durations as ISO text."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common case, without isinstance
        return value
    if kind is float:
        return None if value != value else value
    if kind is dict:
        return {k if type(k) is str else str(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if is_absent(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return raw_json(value)


def split(record: Mapping[str, Any], fields: Sequence[Any], occurred: _dt.date | None,
          written: _dt.date) -> tuple[dict[str, Any], list[Apart]]:
    """The record as the chain keeps it (each sensitive value replaced by its salted hash) and the values
    kept apart. Retention counts from the incident's date (`occurred`), else the day it was written."""
    apart: list[Apart] = []
    out = jsonable(record)
    _walk(out, fields, (), apart, occurred or written)
    return out, apart


def _walk(obj: dict[str, Any], fields: Sequence[Any], path: tuple[str | int, ...], apart: list[Apart],
          start: _dt.date) -> None:
    for f in fields:
        given = obj.get(f.name)
        if given is None:
            continue
        if f.sensitive:
            value = canonical(given)
            salt = secrets.token_bytes(16)
            digest = salted(salt, value)
            retention = getattr(f, "retain", None)
            apart.append(Apart(path + (f.name,), digest, salt.hex(), value,
                               retention.until(start) if retention else None))
            obj[f.name] = {MARK: digest}
            continue
        kind = f.type.kind
        if kind == vt.RECORD and isinstance(given, dict):
            _walk(given, f.type.fields, path + (f.name,), apart, start)
        elif kind == vt.LIST and isinstance(given, list):
            elem = f.type.elem()
            if elem.kind == vt.RECORD and _keeps_sensitive(elem):  # else nothing in its items to take apart
                for i, item in enumerate(given):
                    if isinstance(item, dict):
                        _walk(item, elem.fields, path + (f.name, i), apart, start)


def _keeps_sensitive(ftype: Any) -> bool:
    """Whether a record type has a sensitive field, at any depth."""
    for f in ftype.fields:
        if f.sensitive:
            return True
        kind = f.type.kind
        inner = f.type.elem() if kind == vt.LIST else f.type
        if inner.kind == vt.RECORD and _keeps_sensitive(inner):
            return True
    return False


def restore(body: Any, values: Mapping[tuple[str | int, ...], Any]) -> Any:
    """The record with its sensitive values put back where `values` has them (path → value); a purged
    value (not in `values`) is left out, so the record reads it as unknown."""
    if isinstance(body, dict):
        return _restore(body, (), values)
    return body


def _restore(obj: Any, path: tuple[str | int, ...], values: Mapping[tuple[str | int, ...], Any]) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 1 and MARK in obj:
            return values.get(path, _GONE)
        out = {}
        for k, v in obj.items():
            restored = _restore(v, path + (k,), values)
            if restored is not _GONE:
                out[k] = restored
        return out
    if isinstance(obj, list):
        return [v for v in (_restore(v, path + (i,), values) for i, v in enumerate(obj)) if v is not _GONE]
    return obj


_GONE = object()


def marks(body: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every salted hash in a chained record: (path, hash)."""
    if isinstance(body, dict):
        if len(body) == 1 and MARK in body:
            yield path, str(body[MARK])
            return
        for k, v in body.items():
            yield from marks(v, path + (k,))
    elif isinstance(body, list):
        for i, v in enumerate(body):
            yield from marks(v, path + (i,))
