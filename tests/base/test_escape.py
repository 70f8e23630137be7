"""Tests for escape.py: control characters made visible, CSV cells neutralised (issue 25, items 19-20)."""
import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules.escape import csv_cell, csv_row, visible


def test_controls_are_escaped_and_japanese_is_kept():
    """ESC, CR, LF, tab, other C0/C1, DEL, separators and bidi overrides become escapes; Japanese stays."""
    assert visible("a\x1b[31mb") == "a\\u{1b}[31mb"
    assert visible("x\r# 見出し\ny\tz") == "x\\r# 見出し\\ny\\tz"
    assert visible("\x00\x7f\x85\x9b\u2028\u2029\u202e\u2066") == \
        "\\u{0}\\u{7f}\\u{85}\\u{9b}\\u{2028}\\u{2029}\\u{202e}\\u{2066}"
    japanese = "お客様から「土下座しろ」と言われた（約30分）。ｶﾀｶﾅ・😀"
    assert visible(japanese) is japanese


@given(st.text())
def test_nothing_visible_ever_breaks_a_line_or_drives_a_terminal(text):
    """Whatever the text, the result has no control character and no line break of any kind."""
    shown = visible(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert len(shown.splitlines()) <= 1


def test_formula_starts_are_neutralised():
    """Cells starting with = + - @ tab or CR get a leading quote; others are unchanged."""
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil","x")'):
        assert csv_cell(bad) == "'" + bad
    for good in ("窓口", "1〜2回", "", "a=b", " =x"):
        assert csv_cell(good) == good
    assert csv_cell(None) == "" and csv_cell(3) == "3"


@given(st.lists(st.text(), max_size=5))
def test_a_neutralised_row_has_no_cell_a_spreadsheet_would_run(cells):
    """Written by csv and read back, no cell starts with a formula character."""
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row(cells))
    back = next(csv.reader(io.StringIO(buf.getvalue(), newline=""))) if cells else []
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in back)
