"""Batch input: JSON, JSON Lines and CSV files → (line, record) pairs, streaming, nothing lost.

Every input record yields exactly one item: the record (a dict for the engine to validate) or
a RecordError saying what is wrong with that line. Nothing is skipped except blank lines of
JSON Lines, which hold no record. JSON Lines and CSV are read line by line, so memory stays
bounded whatever the file size.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import IO, Any, Iterator, Sequence

from ..i18n import N_
from .. import values as vt
from ..check.checked import Field
from ..engine.records import RecordError

FORMATS = ("jsonl", "json", "csv")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "yes", "1", "はい"}
_FALSE = {"false", "no", "0", "いいえ"}


def format_of(path: str) -> str | None:
    """The input format a file name implies (`-` is JSON Lines on standard input)."""
    if path == "-":
        return "jsonl"
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)  # stateless; built once


def parse_json(text: str) -> Any:
    """json.loads, refusing NaN/Infinity; every failure is a ValueError with a clear message."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except ValueError as exc:
        if "digits" in str(exc):
            raise ValueError("a number in the JSON has too many digits") from None
        raise ValueError(str(exc)) from None


def read_jsonl(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """Records of a JSON Lines byte stream, one per non-blank line, with their line numbers."""
    for number, raw in enumerate(stream, 1):
        record = jsonl_record(raw, number)
        if record is not BLANK:
            yield number, record


BLANK = object()  # what jsonl_record returns for a line that holds no record


def jsonl_record(raw: bytes, number: int) -> Any:
    """One line of JSON Lines: the record, a RecordError, or BLANK for a blank line."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RecordError(N_("the line is not valid UTF-8 (byte {value})", value=exc.start + 1), None, number)
    if not line.strip():
        return BLANK
    try:
        return parse_json(line)
    except ValueError as exc:
        return RecordError(str(exc), None, number)


def read_json(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """A JSON file holding one record (an object) or many (an array); line numbers of each element."""
    data = stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield line, RecordError(N_("the file is not valid UTF-8 (byte {value})", value=exc.start + 1), None, line)
        return
    stripped = text.lstrip()
    if not stripped.startswith("["):
        try:
            yield 1, parse_json(text)
        except ValueError as exc:
            yield 1, RecordError(str(exc), None, 1)
        return
    yield from _json_array(text, len(text) - len(stripped))


def _json_array(text: str, start: int) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder(parse_constant=_reject_constant)
    pos = start + 1
    ws = re.compile(r"\s*")

    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    pos = ws.match(text, pos).end()
    if text.startswith("]", pos):
        return
    while True:
        line = line_at(pos)
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line_at(exc.pos), RecordError(N_("not valid JSON: {msg}; the rest of the array is unreadable", msg=exc.msg),
                                                None, line_at(exc.pos))
            return
        except (RecursionError, ValueError) as exc:
            message = N_("the JSON is nested too deeply") if isinstance(exc, RecursionError) else str(exc)
            yield line, RecordError(N_("{message}; the rest of the array is unreadable", message=message), None, line)
            return
        yield line, value
        pos = ws.match(text, end).end()
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()
            continue
        if text.startswith("]", pos):
            return
        yield line_at(pos), RecordError(N_("not valid JSON: expected `,` or `]` between records"), None, line_at(pos))
        return


def read_csv(stream: IO[bytes], fields: Sequence[Field]) -> Iterator[tuple[int, Any]]:
    """Rows of a CSV file with a header row; cells are converted by the schema's field types.

    An empty cell is an absent value; a cell of a list or record field holds JSON.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, RecordError(N_("the CSV header cannot be read: {exc}", exc=exc), None, 1)
        return
    by_name = {f.name: f for f in fields}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, RecordError(N_("the CSV row cannot be read: {exc}", exc=exc), None, line)
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if any(_has_bad_bytes(cell) for cell in row):
            yield start, RecordError(N_("the row is not valid UTF-8"), None, start)
            continue
        if len(row) > len(header):
            yield start, RecordError(N_("the row has {cells} cells but the header names {columns}", cells=len(row), columns=len(header)), None, start)
            continue
        record: dict[str, Any] = {}
        problem = None
        for name, cell in zip(header, row):
            if cell == "":
                continue
            try:
                record[name] = csv_cell(by_name.get(name), cell)
            except ValueError as exc:
                problem = RecordError(N_("{name}: {exc}", name=name, exc=exc), name, start)
                break
        yield start, problem if problem is not None else record


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def csv_cell(field: Field | None, cell: str) -> Any:
    """A CSV cell as the JSON value it stands for, given the field's type."""
    if field is None:
        return cell
    kind = field.type.kind
    value = cell.strip()
    if kind == vt.BOOL:
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return cell
    if kind == vt.INT and _INT.fullmatch(value):
        return int(value)
    if kind in (vt.NUMBER, vt.DURATION) and _NUMBER.fullmatch(value):
        return int(value) if _INT.fullmatch(value) else float(value)
    if kind in (vt.LIST, vt.RECORD):
        try:
            return parse_json(value)
        except ValueError as exc:
            raise ValueError(f"the cell should hold JSON ({exc})") from None
    return cell


def read_path(path: str, fields: Sequence[Field], kind: str | None = None,
              stdin: IO[bytes] | None = None) -> Iterator[tuple[int, Any]]:
    """Records of a file (or `-` for standard input), by its extension unless `kind` is given."""
    kind = kind or format_of(path)
    if kind is None:
        raise ValueError(f"cannot tell the format of {path}: use .json, .jsonl, .ndjson or .csv")
    if path == "-":
        stream = stdin
        assert stream is not None
        yield from _read(stream, kind, fields)
        return
    with open(path, "rb") as stream:
        yield from _read(stream, kind, fields)


def _read(stream: IO[bytes], kind: str, fields: Sequence[Field]) -> Iterator[tuple[int, Any]]:
    if kind == "jsonl":
        return read_jsonl(stream)
    if kind == "json":
        return read_json(stream)
    return read_csv(stream, fields)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # stateless; built once


def dump_json(data: dict) -> str:
    """One JSON Lines line; texts with lone surrogates fall back to \\u escapes (still valid JSON)."""
    text = _ENCODER.encode(data)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text
