"""pandas data frames read as `kasu eval` reads a file: columns named by field names or labels, cells by type.

Nothing here imports pandas: a frame is recognised by what it has (`columns`, `to_dict`,
`iterrows`). Each row becomes one record, its line the row's position (1, 2, …). A column is a
field's name or, when no other field has it, its label (`事案番号`); empty cells (None, NaN,
pandas' NA and NaT) are absent values; the cells are read by cells.py, so an optional yes/no
column with gaps (which pandas turns into 1.0/0.0/NaN), nullable integers (`Int64`), date-times
(pandas' Timestamp, with or without a zone) and text typed in a spreadsheet all read as they
would from the same CSV file.

One difference from a CSV file, where an empty cell can only be absent: a frame marks an empty
cell itself (`pd.read_csv` gives NaN), so an empty string `""` in a `text` field is the empty text,
as `""` in a JSON record is — a frame made from JSON records decides as `kasu eval` decides the
JSON Lines file. In any other field `""` is absent, as in a CSV file.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

from .. import values as vt
from ..check.checked import Field
from ..coerce import RecordError
from .batch import csv_columns
from .cells import typed_cell


def is_frame(value: Any) -> bool:
    """Whether `value` is a pandas (or pandas-like) DataFrame."""
    return hasattr(value, "columns") and hasattr(value, "to_dict") and hasattr(value, "iterrows")


def frame_records(frame: Any, fields: Sequence[Field]) -> Iterator[tuple[int, Any]]:
    """(position, record or RecordError) for each row of a DataFrame."""
    columns = [str(c).strip() for c in frame.columns]
    names, problem = csv_columns(columns, fields)
    by_name = {f.name: f for f in fields}
    plan = [(i, name, by_name.get(name)) for i, name in enumerate(names) if name]
    for line, row in enumerate(frame.itertuples(index=False, name=None), 1):
        if problem is not None:
            yield line, RecordError(problem, None, line)
            continue
        record: dict[str, Any] = {}
        bad = None
        for i, name, field in plan:
            try:
                value = row[i]
                if field is None or (type(value) is str and value == "" and field.type.kind == vt.TEXT):
                    record[name] = value  # a frame's "" in a text field is the empty text (see above)
                else:
                    record[name] = typed_cell(field, value)
            except ValueError as exc:
                bad = RecordError(exc.args[0] if exc.args else str(exc), name, line)
                break
        yield line, bad if bad is not None else record
