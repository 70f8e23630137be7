"""Tables of text: the header and rows of a CSV or .xlsx file of answers (`kasu survey report`)."""
from __future__ import annotations

import datetime as _dt
import io
from typing import Any, Callable, Iterator

from ..i18n import N_
from .batch import InputRefused, split_csv
from .encoding import resolve

Rows = Iterator[tuple[int, list[str]]]


def read_table(path: str, encoding: str | None = None,
               notice: Callable[[str], None] | None = None) -> tuple[list[str], Rows]:
    """Header and (line, cells) rows; a row that cannot be read is `(line, [])` (counted as invalid)."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_table(path)
    try:
        chosen = resolve(path, encoding, notice)
    except ValueError as exc:
        raise InputRefused(exc.args[0]) from None
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig" if chosen == "utf-8" else chosen)
    except UnicodeDecodeError as exc:
        if encoding is not None:
            raise InputRefused(N_("{path} is not valid {encoding} (byte {byte})", path=path, encoding=encoding,
                                  byte=exc.start + 1)) from None
        raise InputRefused(N_("{path} is neither UTF-8 nor Shift_JIS (cp932) text: save it as CSV UTF-8",
                              path=path)) from None
    rows = split_csv(io.StringIO(text, newline=""))
    for line, header in rows:
        if isinstance(header, str):
            raise InputRefused(N_("{path}: the header cannot be read: {reason}", path=path, reason=header))
        if any(cell.strip() for cell in header):
            return header, _body(rows)
    raise InputRefused(N_("{path} is empty", path=path))


def _body(rows: Iterator[tuple[int, list[str] | str]]) -> Rows:
    for line, row in rows:
        if isinstance(row, str):
            yield line, []  # an unreadable row: invalid, counted by line
        elif any(cell.strip() for cell in row):
            yield line, row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.isoformat(" ")
    return str(value)


def _xlsx_table(path: str) -> tuple[list[str], Rows]:
    from .xlsx import sheet_rows

    rows = sheet_rows(path)

    def cells(row: list[tuple[int, Any, str]]) -> list[str] | None:
        if any(kind in ("formula", "e") for _, _, kind in row):
            return None
        width = max((column for column, _, _ in row), default=0)
        out = [""] * width
        for column, value, _ in row:
            out[column - 1] = _text(value)
        return out

    header: list[str] | None = None
    for _, row in rows:
        header = cells(row)
        if header is not None and any(c.strip() for c in header):
            break
        header = None
    if header is None:
        raise InputRefused(N_("{path} is empty", path=path))

    def body() -> Rows:
        for number, row in rows:
            got = cells(row)
            if got is None:
                yield number, []  # a formula saved without its value, or an error value: invalid
            elif any(c.strip() for c in got):
                yield number, got

    return header, body()
