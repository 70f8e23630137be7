"""CSV for spreadsheets: formulas neutralised (CSV injection), decisions as rows (`kasu eval --format csv`)."""
import csv
import io

from hypothesis import given, strategies as st

from kasuhara_rules.render.spreadsheet import BOM, DECISION_COLUMNS, csv_file, decision_row, neutralise


def test_would_be_formulas_get_an_apostrophe():
    """=, +, -, @, tab and CR at the start (and their full-width forms) are made text; others untouched."""
    for text in ("=1+1", "+81 3", "-2", "@SUM(A1)", "\t=1", "\r=1", "＝1", "＠x"):
        assert neutralise(text) == "'" + text
    for text in ("kasuhara", "a=b", "土下座", "", "'=already"):
        assert neutralise(text) == text


@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), min_size=1, max_size=4))
def test_no_cell_of_a_written_file_starts_a_formula(rows):
    """Whatever the cells hold, the CSV read back has no cell a spreadsheet would run."""
    text = csv_file(rows)
    assert text.startswith(BOM)
    back = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert len(back) == len(rows)
    for row in back:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"))


def test_an_invalid_record_row_carries_its_error_in_the_language():
    """An invalid record: its line and error (field: message, in Japanese by default), the rest empty."""
    from kasuhara_rules import RecordError
    from kasuhara_rules.i18n import N_

    error = RecordError(N_("{shown} is not a valid date-time", shown='"2027/2/30 9:00"'), "reported_at", 7).to_dict()
    row = next(csv.reader(io.StringIO(decision_row({"incident": "A-7", "outcome": None, "error": error}, 7))))
    assert dict(zip(DECISION_COLUMNS, row)) == {
        "line": "7", "incident": "A-7", "outcome": "", "outcome_label": "", "severity": "", "escalation": "",
        "rule": "", "pending": "", "responses": "", "error": 'reported_at: "2027/2/30 9:00" は存在しない日時です'}
