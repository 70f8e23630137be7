"""Reading records and answers: JSON, JSON Lines, CSV and .xlsx files, and data frames, one reader for every command.

`read_records` is what `kasu eval`, `diff`, `report` and `journal add` read records with, and
what `Policy.evaluate_many` reads a DataFrame with; `read_table` is what `kasu survey report`
reads answers with. The formats: batch.py (JSON, JSON Lines, CSV), xlsx.py (workbooks),
frames.py (pandas); encodings: encoding.py; cells of spreadsheets and frames: cells.py.
"""
from __future__ import annotations

import os
from typing import IO, Any, Callable, Iterator, Sequence

from ..check.checked import Field
from .batch import InputRefused

__all__ = ["InputRefused", "read_records", "read_table"]


def _fields(policy: Any) -> Sequence[Field]:
    """The top-level fields of a Policy, a CheckedPolicy, or a sequence of fields."""
    checked = getattr(policy, "checked", policy)
    fields = getattr(checked, "fields", checked)
    return tuple(fields)


def read_records(source: "str | os.PathLike[str] | Any", policy: Any, *, encoding: str | None = None,
                 input_format: str | None = None, notice: Callable[[str], None] | None = None,
                 stdin: IO[bytes] | None = None) -> Iterator[tuple[int, Any]]:
    """The records of a file, of standard input (`"-"`), or of a pandas DataFrame, read for `policy`
    (a Policy, or its `checked` form): `(line, record)` pairs, where an unreadable record is a
    `RecordError` naming its line (and field) in place of the record — nothing is skipped but
    blank lines and empty rows. Give each pair to `policy.evaluate_numbered(record, line)`.

    Files are JSON, JSON Lines, CSV or .xlsx by their extension (or `input_format`: "json",
    "jsonl", "csv", "xlsx"). Text files are UTF-8, with or without a byte-order mark, or Shift_JIS
    when they are not UTF-8 and are valid Shift_JIS (as Japanese Excel saves CSV; `notice` is
    told), unless `encoding` names the encoding. In CSV and .xlsx, the header row names each
    column by a field's name or label, and an empty cell is an absent value. A DataFrame is read
    the same way (line = row position). Raises InputRefused (a ValueError) when a whole file
    cannot be read, and ValueError when its format cannot be told.

    >>> from kasuhara_rules import load_policy
    >>> policy = load_policy("examples/retail.kasu")
    >>> line, record = next(read_records("examples/retail-incidents.jsonl", policy))
    >>> line, policy.evaluate_numbered(record, line).outcome
    (1, 'claim')
    """
    from .frames import frame_records, is_frame

    fields = _fields(policy)
    if is_frame(source):
        return frame_records(source, fields)
    from .files import read_path

    path = os.fspath(source)
    if path == "-" and stdin is None:
        import sys

        stdin = sys.stdin.buffer
    return read_path(path, fields, input_format, stdin, encoding, notice)


def read_table(path: str, encoding: str | None = None,
               notice: Callable[[str], None] | None = None) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the (line, cells) rows of a CSV or .xlsx file of answers, every cell as text
    (rows that are empty are left out). The encoding as for `read_records`; raises InputRefused
    when the file cannot be read."""
    from .tables import read_table as read

    return read(path, encoding, notice)
