"""Record files by their format: JSON, JSON Lines and CSV (batch.py) in their encoding (encoding.py), .xlsx (xlsx.py)."""
from __future__ import annotations

from typing import IO, Any, Callable, Iterator, Sequence

from ..check.checked import Field
from ..i18n import N_
from .batch import InputRefused, _text, format_of, read_csv, read_json, read_jsonl


def read_path(path: str, fields: Sequence[Field], kind: str | None = None,
              stdin: IO[bytes] | None = None, encoding: str | None = None,
              notice: Callable[[str], None] | None = None) -> Iterator[tuple[int, Any]]:
    """Records of a file (or `-` for standard input), by its extension unless `kind` is given.

    `encoding` None reads UTF-8, or Shift_JIS when the file is that and not UTF-8 (told to
    `notice`; see encoding.py); a name forces it. An .xlsx workbook is read by xlsx.py. Raises
    InputRefused when a whole file cannot be read (a CSV header or a .json file not in the
    encoding, a workbook that is none or too large)."""
    kind = kind or format_of(path)
    if kind is None:
        raise ValueError(N_("cannot tell the format of {path}: use .json, .jsonl, .ndjson, .csv or .xlsx", path=path))
    if kind == "xlsx":
        if path == "-":
            raise InputRefused(N_("an .xlsx workbook cannot be read from standard input: name its file"))
        from .xlsx import read_xlsx

        yield from _named(path, read_xlsx(path, fields))
        return
    if path == "-":
        stream = stdin
        assert stream is not None
        yield from _named(path, _read(stream, kind, fields, encoding or "utf-8"))
        return
    from .encoding import resolve

    try:
        chosen = resolve(path, encoding, notice)
    except ValueError as exc:
        raise InputRefused(_text(exc)) from None
    with open(path, "rb") as stream:
        yield from _named(path, _read(stream, kind, fields, chosen))


def _named(path: str, items: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    try:
        yield from items
    except InputRefused as exc:
        name = N_("standard input") if path == "-" else path
        raise InputRefused(N_("{path}: {problem}", path=name, problem=_text(exc))) from None


def _read(stream: IO[bytes], kind: str, fields: Sequence[Field], encoding: str) -> Iterator[tuple[int, Any]]:
    if kind == "jsonl":
        return read_jsonl(stream, encoding)
    if kind == "json":
        return read_json(stream, encoding)
    return read_csv(stream, fields, encoding)


