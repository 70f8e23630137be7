"""`.xlsx` workbooks: the first sheet as rows of typed cells, bounded, formulas never evaluated.

The first sheet is read as a CSV file would be: the first row that is not empty is the header
(field names or labels), each later row that is not empty is a record, its line the sheet's row
number as Excel shows it. Cells keep the types the spreadsheet gave them (a date cell is a date,
a number a number); cells.py turns them into record values.

Formulas are never evaluated. A formula cell is read as the value the spreadsheet last computed
and saved with it (Excel and LibreOffice always save one); a formula cell saved without a value
(a file written by a program that does not compute) makes its row an error naming the cell. An
error value (`#DIV/0!`, `#N/A`…) does too.

Workbooks are zip files, and a small one can expand to gigabytes: a workbook whose parts add up
to more than MAX_UNCOMPRESSED bytes uncompressed, or that holds a text longer than MAX_CELL
characters (Excel's own limit), is refused before a row is read. Only the cells present in the
sheet are read (openpyxl's worksheet parser: a sheet that claims a million empty rows costs
nothing), so time and memory follow the size of the file.
"""
from __future__ import annotations

import zipfile
from typing import Any, Iterator, Sequence

from ..check.checked import Field
from ..coerce import RecordError
from ..i18n import N_
from .batch import InputRefused, csv_columns
from .cells import typed_cell

MAX_UNCOMPRESSED = 256 * 2**20  # bytes: the parts of a workbook, uncompressed, all together
MAX_PARTS = 10_000               # files inside the zip
MAX_CELL = 32_767                # characters in one cell (Excel's limit)
INSTALL = "pip install '.[report]'  (in your clone of kasuhara-rules: it is not on a public package index)"


def openpyxl_missing() -> str:
    """The message when the `report` extra (openpyxl) is not installed."""
    return N_("reading .xlsx needs openpyxl, which is not installed; install it with: {install}", install=INSTALL)


def check_size(path: str, limit: int = MAX_UNCOMPRESSED) -> None:
    """Refuse (InputRefused) a file that is no zip, or whose parts expand beyond `limit` bytes.

    The sizes are those the zip declares; Python's zipfile never expands a part beyond its declared
    size (it stops and fails the CRC check), so the declared total bounds what can be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputRefused(N_("not a readable .xlsx workbook (not a zip file)")) from None
    if len(parts) > MAX_PARTS:
        raise InputRefused(N_("the workbook holds more than {limit} parts; it is refused", limit=format(MAX_PARTS, ",")))
    total = sum(max(0, part.file_size) for part in parts)
    if total > limit:
        raise InputRefused(N_("the workbook expands to {size} MB when unpacked, more than the {limit} MB read (a damaged "
                              "file, or a decompression bomb); it is refused (save a smaller workbook, or the sheet "
                              "as CSV)",
                              size=format(total // 2**20, ","), limit=format(limit // 2**20, ",")))


def sheet_rows(path: str) -> Iterator[tuple[int, list[tuple[int, Any, str]]]]:
    """(row number, [(column, value, kind)…]) of every row present in the first sheet; kind is
    openpyxl's data type, or "formula" for a formula cell saved without a value. Raises
    InputRefused for a workbook that cannot be read or is too large."""
    try:
        import openpyxl
        from openpyxl.worksheet._reader import VALUE_TAG, FORMULA_TAG, WorkSheetParser
    except ImportError:
        raise InputRefused(openpyxl_missing()) from None
    check_size(path)

    class Parser(WorkSheetParser):
        """openpyxl's parser of sheet XML, telling a formula saved without its value apart."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None and not element.findtext(VALUE_TAG) \
                    and element.get("t", "n") not in ("str", "s", "inlineStr"):  # (a text formula may give "")
                cell["data_type"] = "formula"
            return cell

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is no workbook
        chart = _first_chart_sheet(path)
        if chart is not None:  # openpyxl fails on a chart sheet without a chart (AttributeError)
            raise InputRefused(N_("the first sheet of the workbook, \"{name}\", is a chart sheet, not a table of records; "
                                  "put the sheet with the data first (or save it alone as .xlsx or .csv)",
                                  name=chart)) from None
        raise InputRefused(N_("not a readable .xlsx workbook ({kind})", kind=type(exc).__name__)) from None
    try:
        if not book.worksheets:
            raise InputRefused(N_("the workbook has no sheet"))
        sheet = book.worksheets[0]
        strings = getattr(sheet, "_shared_strings", None)
        if strings is None or not hasattr(sheet, "_get_source"):  # a sheet of another kind (a chart sheet)
            raise InputRefused(N_("the first sheet of the workbook holds no cells"))
        longest = max((len(s) for s in strings if isinstance(s, str)), default=0)
        if longest > MAX_CELL:
            raise InputRefused(N_("the workbook holds a text of {size} characters, more than a cell can hold "
                                  "({limit}); it is refused", size=format(longest, ","), limit=format(MAX_CELL, ",")))
        with sheet._get_source() as source:
            parser = Parser(source, strings, data_only=True, epoch=book.epoch,
                            date_formats=getattr(book, "_date_formats"), timedelta_formats=getattr(book, "_timedelta_formats"))
            for number, cells in parser.parse():
                yield number, [(c["column"], c["value"], c["data_type"]) for c in cells]
    except InputRefused:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, SyntaxError) as exc:
        # a damaged part, or XML that does not parse (expat's own limits refuse entity bombs)
        raise InputRefused(N_("not a readable .xlsx workbook ({kind})", kind=type(exc).__name__)) from None
    finally:
        book.close()


def _first_chart_sheet(path: str) -> str | None:
    """The name of the workbook's first sheet when it is a chart sheet, else None (read from the
    workbook's own parts: xl/workbook.xml names the sheets in order, its rels say which are charts)."""
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(path) as z:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return None
    first = book.find(f"{main}sheets/{main}sheet")
    if first is None:
        return None
    target = next((r.get("Target", "") for r in rels if r.get("Id") == first.get(rel)), "")
    return first.get("name", "") if "chartsheets/" in target else None


def _cell_problem(cell: str, value: Any, kind: str) -> str | None:
    if kind == "formula":
        return N_("cell {cell} holds a formula saved without its value: open the workbook in Excel or "
                  "LibreOffice and save it (formulas are never computed here)", cell=cell)
    if kind == "e":
        return N_("cell {cell} holds the error value {value}", cell=cell, value=str(value))
    if isinstance(value, str) and len(value) > MAX_CELL:
        return N_("cell {cell} holds more than {limit} characters", cell=cell,
                  limit=format(MAX_CELL, ","))
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: str, fields: Sequence[Field]) -> Iterator[tuple[int, Any]]:
    """Records of the first sheet of a workbook: (row number, record or RecordError)."""
    rows = sheet_rows(path)
    for _, cells in rows:
        if any(v is not None and _text(v) != "" for _, v, _ in cells):
            header = cells
            break
    else:
        return
    width = max(column for column, _, _ in header)
    titles = [""] * width
    for column, value, _ in header:
        titles[column - 1] = _text(value)
    names, problem = csv_columns(titles, fields)
    by_name = {f.name: f for f in fields}
    for number, cells in rows:
        present = [(c, v, k) for c, v, k in cells if v is not None or k == "formula"]
        if not present or all(isinstance(v, str) and not v.strip() for _, v, _ in present):
            continue
        if problem is not None:
            yield number, RecordError(problem, None, number)
            continue
        yield number, _record(number, present, names, by_name, width)


def _record(number: int, cells: list[tuple[int, Any, str]], names: list[str], by_name: dict[str, Field],
            width: int) -> Any:
    from openpyxl.utils import get_column_letter

    record: dict[str, Any] = {}
    for column, value, kind in cells:
        name = names[column - 1] if column <= width else None
        where = f"{get_column_letter(column)}{number}"
        if name is None:
            return RecordError(N_("cell {cell} holds a value, but the header names no column there",
                                  cell=where), None, number)
        bad = _cell_problem(where, value, kind)
        if bad is not None:
            return RecordError(bad, name or None, number)
        if name == "":
            if isinstance(value, str) and not value.strip():
                continue
            return RecordError(N_("cell {cell} holds a value, but the header cell of its column is empty: name "
                                  "the column in the header, or delete it", cell=where), None, number)
        try:
            typed = typed_cell(by_name.get(name), value)
        except ValueError as exc:
            return RecordError(exc.args[0] if exc.args else str(exc), name, number)
        if typed is not None:
            record[name] = typed
    return record
