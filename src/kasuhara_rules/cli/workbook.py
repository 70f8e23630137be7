"""Opening an `.xlsx` workbook safely: its expanded size and its cells are bounded before anything is read.

An `.xlsx` file is a ZIP archive of XML: a 1 MB file can expand to a gigabyte (a decompression
bomb), and openpyxl keeps the table of shared strings in memory. `open_workbook` refuses, with a
message, a workbook whose members would expand beyond MAX_EXPANDED bytes (the sizes the archive
declares are the most its reader will produce: a member that expands further fails its check) or
whose first sheet declares more than MAX_COLUMNS columns; `cell_text` refuses a cell longer than
MAX_CELL characters. Every reader of `.xlsx` input goes through these two functions (the survey's
answers now; records for `eval`, `diff` and `report` when they read `.xlsx`).
"""
from __future__ import annotations

import zipfile
from typing import Any

from ..i18n import N_

MAX_EXPANDED = 256 * 1024 * 1024  # bytes of XML, all members together: far more than any survey or record file
MAX_CELL = 5_000_000              # characters in one cell: the longest text a record field may hold
MAX_COLUMNS = 16_384              # Excel's own limit (XFD)


class WorkbookRefused(ValueError):
    """A workbook that cannot be read safely or at all; args[0] is a marked message."""


def check_workbook(path: str, limit: int = MAX_EXPANDED) -> None:
    """Refuse (WorkbookRefused) a file that is no ZIP archive, or whose members would expand beyond `limit`."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(N_("{path} is not a readable .xlsx workbook ({kind})", path=path,
                                 kind=type(exc).__name__)) from None
    if expanded > limit:
        raise WorkbookRefused(N_("{path} would expand to {size} MB when opened, more than the {limit} MB a workbook "
                                 "may hold (a damaged file, or a decompression bomb); save the sheet as CSV and try "
                                 "again", path=path, size=expanded // (1024 * 1024), limit=limit // (1024 * 1024)))


def open_workbook(path: str) -> Any:
    """The first sheet of a checked workbook (openpyxl, read-only: rows are streamed), its dimensions
    taken from the cells themselves, not from what the file declares. A missing extra is said first."""
    try:
        import openpyxl
    except ImportError:
        from ..render.charts import INSTALL

        raise WorkbookRefused(N_("reading .xlsx needs openpyxl, which is not installed; install it with: {install}",
                                 install=INSTALL)) from None
    check_workbook(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise WorkbookRefused(N_("{path}: the sheet declares {count} columns, more than a workbook can hold",
                                     path=path, count=sheet.max_column))
        sheet.reset_dimensions()  # no padding of every row to a declared, perhaps absurd, width
    except WorkbookRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise WorkbookRefused(N_("{path} is not a readable .xlsx workbook ({kind})", path=path,
                                 kind=type(exc).__name__)) from None
    return book, sheet


def cell_text(value: Any, path: str, row: int, column: int) -> str:
    """A cell as text ("" when empty); WorkbookRefused when it is longer than MAX_CELL characters."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL:
        raise WorkbookRefused(N_("{path}: the cell at row {row}, column {column} holds {count} characters, more "
                                 "than the {limit} a cell may hold", path=path, row=row, column=column,
                                 count=len(text), limit=MAX_CELL))
    return text
