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
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from ..i18n import N_
from .. import values as vt
from ..check.checked import Field
from ..coerce import RecordError
from .json_reasons import json_reason

FORMATS = ("jsonl", "json", "csv", "xlsx")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".xlsx": "xlsx",
              ".xlsm": "xlsx"}
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "yes", "1", "はい"}
_FALSE = {"false", "no", "0", "いいえ"}
MAX_TEXT = 5_000_000   # characters: the longest text a record is promised to carry (docs/security.md)
MAX_CELL = MAX_TEXT    # the longest CSV cell read (the csv module stops at 131,072)
_FAST_LINE = 100_000   # lines up to this length may take the fast path (below the csv module's 131,072)
ENCODING_HINT = N_("if it comes from Japanese Excel or another Windows tool, it is probably Shift_JIS: "
                 "read it with --encoding cp932")


class InputRefused(ValueError):
    """A whole input file that cannot be read (its encoding, a workbook that is none or too large):
    the CLI refuses it, exit 2."""


EncodingRefused = InputRefused  # its name before .xlsx files were read


def _not_utf8(what: str, byte: int) -> str:
    return N_("{what} is not valid UTF-8 (byte {byte}); {hint}", what=what, byte=byte, hint=ENCODING_HINT)


def format_of(path: str) -> str | None:
    """The input format a file name implies (`-` is JSON Lines on standard input)."""
    if path == "-":
        return "jsonl"
    return EXTENSIONS.get(os.path.splitext(path)[1].lower())


def _reject_constant(name: str) -> Any:
    raise ValueError(N_("{name} is not allowed in JSON", name=name))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict; a key given twice is an error naming it (never "last wins")."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                from ..coerce import shown

                raise ValueError(N_("the key {key} appears twice in one object", key=shown(key, False)))
            seen.add(key)
    return out


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)  # stateless


def parse_json(text: str) -> Any:
    """json.loads, refusing NaN/Infinity; every failure is a ValueError with a clear message."""
    try:
        return _DECODER.decode(text)
    except RecursionError:
        raise ValueError(N_("the JSON is nested too deeply")) from None
    except ValueError as exc:
        raise ValueError(_json_problem(exc)) from None


def _json_problem(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        if exc.msg == "Extra data":
            return N_("not valid JSON: there is more after the end of the value (column {column}); "
                      "write one record a line (.jsonl) or one array (.json)", column=exc.colno)
        return N_("not valid JSON: {problem} (column {column})", problem=json_reason(exc.msg), column=exc.colno)
    if "digits" in str(exc):
        return N_("a number in the JSON has too many digits")
    return _text(exc)


def _text(exc: BaseException) -> str:
    """An exception's message, kept translatable when it is one (str() would make it English)."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)


def read_jsonl(stream: IO[bytes], encoding: str = "utf-8") -> Iterator[tuple[int, Any]]:
    """Records of a JSON Lines byte stream, one per non-blank line, with their line numbers."""
    for number, raw in enumerate(stream, 1):
        record = jsonl_record(raw, number, encoding)
        if record is not BLANK:
            yield number, record


BLANK = object()  # what jsonl_record returns for a line that holds no record


def jsonl_record(raw: bytes, number: int, encoding: str = "utf-8") -> Any:
    """One line of JSON Lines: the record, a RecordError, or BLANK for a blank line."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        line = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            return RecordError(_not_utf8(N_("the line"), exc.start + 1), None, number)
        return RecordError(N_("the line is not valid {encoding} (byte {byte})", encoding=encoding, byte=exc.start + 1),
                           None, number)
    if not line.strip():
        return BLANK
    try:
        return parse_json(line)
    except ValueError as exc:
        return RecordError(_text(exc), None, number)


def read_json(stream: IO[bytes], encoding: str = "utf-8") -> Iterator[tuple[int, Any]]:
    """A JSON file holding one record (an object) or many (an array); line numbers of each element.

    Anything after the value (a second array, say) is an error, never silently ignored.
    """
    data = stream.read()
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if encoding == "utf-8":
            problem = _not_utf8(N_("the file"), exc.start + 1)
            raise InputRefused(N_("line {line}: {problem}", line=line, problem=problem)) from None
        raise InputRefused(N_("line {line}: the file is not valid {encoding} (byte {byte})",
                                 line=line, encoding=encoding, byte=exc.start + 1)) from None
    stripped = text.lstrip()
    if not stripped.startswith("["):
        try:
            yield 1, parse_json(text)
        except ValueError as exc:
            yield 1, RecordError(_text(exc), None, 1)
        return
    yield from _json_array(text, len(text) - len(stripped))


class LineCounter:
    """Line numbers of increasing offsets in one text, counting each character once (linear)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1
        self.scanned = 0  # characters counted so far (never more than the text's length)

    def at(self, offset: int) -> int:
        if offset < self.offset:  # not expected; count afresh rather than be wrong
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.scanned += offset - self.offset
        self.offset = offset
        return self.line


def _json_array(text: str, start: int, lines: LineCounter | None = None) -> Iterator[tuple[int, Any]]:
    decoder = _DECODER
    pos = start + 1
    ws = re.compile(r"\s*")
    lines = lines or LineCounter(text)
    line_at = lines.at

    pos = ws.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
    if text.startswith("]", pos):
        yield from _after_array(text, pos + 1, line_at)
        return
    while True:
        line = line_at(pos)
        end: int | None
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line_at(exc.pos), RecordError(N_("not valid JSON: {msg}; the rest of the array is unreadable", msg=json_reason(exc.msg)),
                                                None, line_at(exc.pos))
            return
        except (RecursionError, ValueError) as exc:
            message = N_("the JSON is nested too deeply") if isinstance(exc, RecursionError) else _json_problem(exc)
            if "appears twice" in message:  # one bad element: the array goes on after it
                yield line, RecordError(message, None, line)
                end = _skip_value(text, pos)
                if end is None:
                    return
            else:
                yield line, RecordError(N_("{message}; the rest of the array is unreadable", message=message),
                                        None, line)
                return
        else:
            yield line, value
        pos = ws.match(text, end).end()  # type: ignore[union-attr]  # \s* always matches
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]  # \s* always matches
            continue
        if text.startswith("]", pos):
            yield from _after_array(text, pos + 1, line_at)
            return
        yield line_at(pos), RecordError(N_("not valid JSON: expected `,` or `]` between records"), None, line_at(pos))
        return


_PLAIN_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _skip_value(text: str, pos: int) -> int | None:
    """The end of the JSON value at `pos`, read without the duplicate-key check."""
    try:
        return _PLAIN_DECODER.raw_decode(text, pos)[1]
    except (ValueError, RecursionError):
        return None


def _after_array(text: str, pos: int, line_at: Callable[[int], int]) -> Iterator[tuple[int, Any]]:
    """Only white space may follow the array: anything else would be lost, so it is an error."""
    rest = re.compile(r"\s*").match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches
    if rest < len(text):
        line = line_at(rest)
        yield line, RecordError(N_("there is more after the end of the array (a second array?): "
                                   "a .json file holds one array or one object; nothing after the array was read"),
                                None, line)


def read_csv(stream: IO[bytes], fields: Sequence[Field], encoding: str = "utf-8") -> Iterator[tuple[int, Any]]:
    """Rows of a CSV file with a header row; cells are converted by the schema's field types.

    An empty cell is an absent value; a cell of a list or record field holds JSON. A column is
    named by a field's name or, when no other field has it, by the field's label. Quoting is
    strict: a quote never closed, text after a closing quote and a cell longer than MAX_CELL
    characters are errors of their row, and no row is ever made from the inside of a cell.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                            errors="surrogateescape", newline="")
    rows = split_csv(text)
    for line, header in rows:
        if isinstance(header, str):
            yield line, RecordError(N_("the CSV header cannot be read: {problem}", problem=header), None, line)
            for line, _ in rows:  # the rows cannot be read without their header: each is an error
                yield line, RecordError(N_("the row is not read: the CSV header cannot be read"), None, line)
            return
        if not any(cell.strip() for cell in header):
            continue
        break
    else:
        return
    if any(_has_bad_bytes(cell) for cell in header):
        if encoding == "utf-8":
            problem: str | None = _not_utf8(N_("the CSV header"), 1 + _bad_byte(header))
            raise InputRefused(N_("line {line}: {problem}", line=line, problem=problem))
        raise InputRefused(N_("line {line}: the CSV header is not valid {encoding}", line=line, encoding=encoding))
    names, problem = csv_columns([cell.strip() for cell in header], fields)
    by_name = {f.name: f for f in fields}
    for start, row in rows:
        if isinstance(row, str):
            yield start, RecordError(row, None, start)
            continue
        if not any(cell.strip() for cell in row):
            continue
        if problem is not None:
            yield start, RecordError(problem, None, start)
            continue
        if any(_has_bad_bytes(cell) for cell in row):
            yield start, RecordError(_not_utf8(N_("the row"), 1) if encoding == "utf-8"
                                     else N_("the row is not valid {encoding}", encoding=encoding), None, start)
            continue
        if len(row) > len(names):
            yield start, RecordError(N_("the row has {cells} cells but the header names {columns}",
                                        cells=len(row), columns=len(names)), None, start)
            continue
        record: dict[str, Any] = {}
        bad = None
        for column, (name, cell) in enumerate(zip(names, row), 1):
            if cell == "":
                continue
            if name == "":
                if not cell.strip():
                    continue
                bad = RecordError(N_("column {column} holds a value, but its header cell is empty: name the "
                                     "column in the header, or delete it", column=column), None, start)
                break
            try:
                record[name] = csv_cell(by_name.get(name), cell)
            except ValueError as exc:
                bad = RecordError(exc.args[0] if exc.args else str(exc), name, start)
                break
        yield start, bad if bad is not None else record


def csv_columns(header: Sequence[str], fields: Sequence[Field]) -> tuple[list[str], str | None]:
    """The field name each column stands for, and the problem with the header (None if none).

    A column is a field's name or, when unambiguous, its label ("事案番号" for incident_id);
    any other column is kept under its own name (and ignored by the engine).
    """
    names = {f.name for f in fields}
    labels: dict[str, list[str]] = {}
    for f in fields:
        if f.label and f.label not in names:
            labels.setdefault(f.label, []).append(f.name)
    out: list[str] = []
    first: dict[str, str] = {}
    for column in header:
        name = column
        if column not in names and column in labels:
            owners = labels[column]
            if len(owners) > 1:
                return out, N_('the column "{column}" is the label of several fields '
                               '({owners}): name the column by the field name', column=column,
                               owners=", ".join(owners))
            name = owners[0]
        if name and name in first:
            other = first[name]
            if other == column:
                return out, N_('the CSV header names the column "{column}" twice', column=column)
            return out, N_('the CSV columns "{other}" and "{column}" both name the field {name}', other=other,
                           column=column, name=name)
        first[name] = column
        out.append(name)
    return out, None


def split_csv(lines: Iterable[str]) -> Iterator[tuple[int, list[str] | str]]:
    """Split CSV text (an iterable of lines with their line ends) into rows.

    Yields (first line, cells) or (first line, what is wrong). The dialect is Excel's: cells
    separated by commas, quoted cells may hold commas, line breaks and doubled quotes. It is
    strict and streams: memory holds one row (cells up to MAX_CELL characters).
    """
    it = iter(lines)
    number = 0
    read_one = csv.reader
    for line in it:
        number += 1
        start = number
        if len(line) <= _FAST_LINE:  # the common cases, at the speed of str.split and the csv module
            if '"' not in line:
                yield start, line.rstrip("\r\n").split(",")
                continue
            if line.count('"') % 2 == 0:  # every quote closed on this line (or an error: see below)
                try:
                    yield start, next(read_one((line,), strict=True))
                    continue
                except (csv.Error, StopIteration):
                    pass  # the general reader below says what is wrong
        cells: list[str] = []
        problem: str | None = None
        pos = 0
        while True:  # one cell per round
            if not line.startswith('"', pos):
                comma = line.find(",", pos)
                cell = line[pos:] if comma < 0 else line[pos:comma]
                if comma < 0:
                    cell = cell.rstrip("\r\n")
                if len(cell) > MAX_CELL and problem is None:
                    problem = N_("cell {cell} is longer than {limit} characters", cell=len(cells) + 1, limit=format(MAX_CELL, ","))
                cells.append(cell)
                if comma < 0:
                    break
                pos = comma + 1
                continue
            # a quoted cell, perhaps over several lines
            parts: list[str] = []
            size = 0
            pos += 1
            inside: list[int] = []  # later lines the cell runs over that are not blank
            while True:
                quote = line.find('"', pos)
                if quote < 0:
                    if problem is None:
                        size += len(line) - pos
                        if size > MAX_CELL:
                            problem = N_("cell {cell} is longer than {limit} characters", cell=len(cells) + 1, limit=format(MAX_CELL, ","))
                            parts = []
                        else:
                            parts.append(line[pos:])
                    following = next(it, None)
                    if following is None:
                        yield start, N_("the quote that opens cell {cell} is never closed "
                                        "(lines {start}–{end} were read as one cell); close it and run again",
                                        cell=len(cells) + 1, start=start, end=number)
                        for later in inside:
                            yield later, N_("the line is not read: it follows the quote opened at line {start}, "
                                            "which is never closed", start=start)
                        return
                    number += 1
                    line, pos = following, 0
                    if line.strip():
                        inside.append(number)
                    continue
                if problem is None:
                    size += quote - pos
                    if size > MAX_CELL:
                        problem = N_("cell {cell} is longer than {limit} characters", cell=len(cells) + 1, limit=format(MAX_CELL, ","))
                        parts = []
                    else:
                        parts.append(line[pos:quote])
                if line.startswith('"', quote + 1):  # a doubled quote stands for one
                    if problem is None:
                        parts.append('"')
                        size += 1
                    pos = quote + 2
                    continue
                pos = quote + 1
                break
            cells.append("".join(parts))
            if line.startswith(",", pos):
                pos += 1
                continue
            if line[pos:].strip("\r\n") and problem is None:
                problem = N_("cell {cell} has text after the closing quote (strict CSV: quote the whole cell)",
                             cell=len(cells))
            break
        yield start, problem if problem is not None else cells


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _bad_byte(cells: Sequence[str]) -> int:
    """The byte position (from 0) of the first undecodable byte in a row of cells."""
    offset = 0
    for cell in cells:
        for ch in cell:
            if "\udc80" <= ch <= "\udcff":
                return offset
            offset += len(ch.encode("utf-8", "surrogateescape"))
        offset += 1
    return offset


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
    if kind in (vt.INT, vt.NUMBER, vt.DURATION) and _INT.fullmatch(value) and len(value) > 40:
        from ..coerce import MAX_NUMBER

        raise ValueError(N_("the number is too large: numbers must lie within ±{limit} "
                            "(got a number of {digits} digits)", limit=format(MAX_NUMBER, ","),
                            digits=len(value.lstrip('+-'))))
    if kind == vt.INT and _INT.fullmatch(value):
        return int(value)
    if kind in (vt.NUMBER, vt.DURATION) and _NUMBER.fullmatch(value):
        return int(value) if _INT.fullmatch(value) else float(value)
    if kind in (vt.LIST, vt.RECORD):
        try:
            return parse_json(value)
        except ValueError as exc:
            raise ValueError(N_("the cell should hold JSON ({problem})", problem=_text(exc))) from None
    return cell


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # stateless; built once


def dump_json(data: dict[str, Any]) -> str:
    """One JSON Lines line; texts with lone surrogates fall back to \\u escapes (still valid JSON)."""
    text = _ENCODER.encode(data)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text
