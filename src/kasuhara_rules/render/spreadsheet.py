"""CSV for spreadsheets: cells that cannot run as formulas, and decisions as one row each (`kasu eval --format csv`).

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula when they open a CSV file, so a record's text (`=HYPERLINK(…)`)
could run in the manager's spreadsheet (CSV injection). `neutralise` puts an apostrophe before
such a cell, which spreadsheets show as the text it was. Every CSV this project writes for
spreadsheets goes through it: the decisions here, the survey questionnaire (render/survey.py).
The file is UTF-8 with a byte-order mark (BOM), so that Excel opens it as UTF-8, lines end in CRLF.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping, Sequence

from ..i18n import translate

BOM = "\ufeff"
_ACTIVE = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")  # full-width: Excel reads them as well

# the columns of `kasu eval --format csv`: the decision JSON's keys (contract section 7), the line of the
# record in its file first, and the error of an invalid record last
DECISION_COLUMNS = ("line", "incident", "outcome", "outcome_label", "severity", "escalation", "rule", "pending",
                    "responses", "error")


def neutralise(cell: Any) -> str:
    """A cell's text, made inert for spreadsheets (an apostrophe before a would-be formula).

    >>> neutralise("=1+1"), neutralise("-"), neutralise("kasuhara"), neutralise(42), neutralise(None)
    ("'=1+1", "'-", 'kasuhara', '42', '')
    """
    if cell is None:
        return ""
    text = cell if isinstance(cell, str) else str(cell)
    return "'" + text if text.startswith(_ACTIVE) else text


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (CRLF line ends, quotes only where needed), every cell neutralised."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([neutralise(c) for c in row] for row in rows)
    return buf.getvalue()


def csv_file(rows: Iterable[Sequence[Any]]) -> str:
    """The text of a whole CSV file for spreadsheets: the BOM, then the rows."""
    return BOM + csv_lines(rows)


def decision_header() -> str:
    """The header line of `kasu eval --format csv` (with the BOM that starts the file)."""
    return BOM + csv_lines([DECISION_COLUMNS])


def decision_row(data: Mapping[str, Any], line: int | None, lang: str = "ja") -> str:
    """One decision (its JSON, `Decision.to_dict()`) as a CSV line: pending rules one a line with the
    fields each lacks, responses one a line, an invalid record's error in `lang`.

    >>> decision_row({"incident": "T-1", "outcome": "kasuhara", "outcome_label": "カスハラ", "severity": "high",
    ...               "escalation": None, "rule": "dogeza", "pending": [], "responses": ["断る", "記録する"]}, 3)
    '3,T-1,kasuhara,カスハラ,high,,dogeza,,"断る\\n記録する",\\r\\n'
    """
    error = data.get("error")
    problem = ""
    if error:
        message = str(translate(error["message"], lang))
        problem = f"{error['field']}: {message}" if error.get("field") else message
    pending = "\n".join(p["rule"] + (f" ({', '.join(p['missing'])})" if p.get("missing") else "")
                        for p in data.get("pending") or ())
    incident = data.get("incident")
    return csv_lines([[line if line is not None else "", incident, data.get("outcome"), data.get("outcome_label"),
                       data.get("severity"), data.get("escalation"), data.get("rule"), pending,
                       "\n".join(data.get("responses") or ()), problem]])
