"""`.xlsx` records: typed cells, labels as headers, formulas never computed, bombs refused (files by openpyxl and LibreOffice)."""
import datetime as dt
import time
import zipfile
from pathlib import Path

import pytest

from kasuhara_rules import RecordError, load_policy, read_records
from kasuhara_rules.reading import InputRefused, read_table
from kasuhara_rules.reading import xlsx
from tests.conftest import ROOT

openpyxl = pytest.importorskip("openpyxl")

RETAIL = load_policy(ROOT / "examples" / "retail.kasu")
OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office"
LABELS = ["事案番号", "受付チャネル", "受付日時", "要求の種類", "発言内容（記録）", "大声・威圧（なし／一度／続いた）",
          "土下座の要求", "対応時間（通話・面談）", "退去を求めても応じなかった回数"]


def workbook(path: Path, rows: list[list], header: list | None = None) -> Path:
    """A workbook written by openpyxl: the header, then the rows, on the first sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LABELS if header is None else header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def decided(path: Path) -> list[tuple[int, object]]:
    out = []
    for line, item in read_records(path, RETAIL):
        d = RETAIL.evaluate_numbered(item, line)
        out.append((line, d.rule if d.error is None else d.error.described))
    return out


def test_typed_cells_and_labels_as_written_by_openpyxl(tmp_path):
    """Labels as headers; a date-time cell (no offset: the policy's Asia/Tokyo), a boolean, a time of
    day in a duration field, a number in the text key, Japanese yes/no text, a date-time as text."""
    path = workbook(tmp_path / "records.xlsx", [
        ["X-1", "counter", dt.datetime(2027, 4, 13, 14, 0), "apology", "土下座しろ", "none", True, dt.time(0, 35), 0],
        [1002, "counter", "2027/4/14 10:00", "refund", "帰らない", "once", "いいえ", 50, 3],
    ])
    got = list(read_records(path, RETAIL))
    assert [line for line, _ in got] == [2, 3]
    first = got[0][1]
    assert first["incident_id"] == "X-1" and first["reported_at"] == dt.datetime(2027, 4, 13, 14, 0)
    assert first["demanded_dogeza"] is True and first["contact_length"] == dt.timedelta(minutes=35)
    assert got[1][1]["incident_id"] == "1002" and got[1][1]["demanded_dogeza"] is False
    d = RETAIL.evaluate_numbered(first, 2)
    assert d.rule == "dogeza" and d.to_dict()["incident"] == "X-1"
    assert decided(path) == [(2, "dogeza"), (3, "refusing_to_leave")]


def test_the_libreoffice_fixture_reads_as_excel_would_show_it():
    """A workbook LibreOffice Calc wrote (tests/fixtures/office/libreoffice-records.xlsx, from the .fods
    beside it with `soffice --headless --convert-to xlsx`): date-times, a time, booleans, a formula's
    saved value (1+2 = 3 exit orders), shared strings, and an error value making its row an error."""
    path = OFFICE / "libreoffice-records.xlsx"
    got = dict(read_records(path, RETAIL))
    assert got[2]["reported_at"] == dt.datetime(2027, 4, 13, 14, 0)
    assert got[2]["contact_length"] == dt.timedelta(minutes=35) and got[2]["demanded_dogeza"] is True
    assert got[3]["exit_orders"] == 3 and got[3]["incident_id"] == "1002"
    assert got[4]["reported_at"] == "2027/4/15 9:30"
    assert isinstance(got[5], RecordError) and "H5" in got[5].message and "#DIV/0!" in got[5].message
    assert got[5].field == "contact_length" and got[5].line == 5
    assert [r for _, r in decided(path)][:2] == ["dogeza", "refusing_to_leave"]


def test_a_formula_without_its_saved_value_is_an_error_of_its_row(tmp_path):
    """openpyxl writes formulas without computing them: the row is an error naming the cell, never an
    absent value (a wrong `review`) and never a computed one; the next row is still read."""
    path = workbook(tmp_path / "formulas.xlsx", [
        ["F-1", "phone", dt.datetime(2027, 4, 1, 9), "refund", "x", "none", None, None, "=1+1"],
        ["F-2", "phone", dt.datetime(2027, 4, 1, 9), "refund", "x", "none"],
    ])
    got = list(read_records(path, RETAIL))
    assert isinstance(got[0][1], RecordError) and "I2" in got[0][1].message and got[0][1].field == "exit_orders"
    assert got[1][1]["incident_id"] == "F-2"


def test_cells_beyond_the_header_and_empty_rows(tmp_path):
    """A value in a column the header does not name is an error of its row; empty rows are skipped;
    rows far down the sheet keep their row numbers."""
    path = workbook(tmp_path / "extra.xlsx", [
        ["E-1", "phone", dt.datetime(2027, 4, 1, 9), "refund", "x", "none", None, None, None, "stray"],
        [None, None, None],
    ])
    book = openpyxl.load_workbook(path)
    book.active.cell(row=500, column=1, value="E-500")
    book.active.cell(row=500, column=2, value="sns")
    book.save(path)
    got = list(read_records(path, RETAIL))
    assert [line for line, _ in got] == [2, 500]
    assert isinstance(got[0][1], RecordError) and "J2" in got[0][1].message
    assert got[1][1] == {"incident_id": "E-500", "channel": "sns"}


def test_a_value_under_an_empty_header_cell_is_an_error_of_its_row(tmp_path):
    """A header cell cleared by accident must not drop its column silently: a value under it is an error
    naming the cell; an empty column (or a blank cell) under an empty header is fine. CSV reads the same."""
    header = ["incident_id", "channel", None, "dogeza", "reported_at"]
    path = workbook(tmp_path / "gap.xlsx", [["A1", "phone", "SOMETHING", True, "2026-11-01 10:00"],
                                            ["A2", "phone", None, True, "2026-11-01 10:00"],
                                            ["A3", "phone", "  ", True, "2026-11-01 10:00"]], header=header)
    got = list(read_records(path, RETAIL))
    assert isinstance(got[0][1], RecordError) and "C2" in got[0][1].message and "empty" in got[0][1].message
    assert got[1][1]["incident_id"] == "A2" and got[2][1]["incident_id"] == "A3"
    csv = tmp_path / "gap.csv"
    csv.write_text("incident_id,channel,,dogeza\nA1,phone,SOMETHING,true\nA2,phone,,true\n", encoding="utf-8")
    got = list(read_records(csv, RETAIL))
    assert isinstance(got[0][1], RecordError) and "column 3" in got[0][1].message
    assert got[1][1] == {"incident_id": "A2", "channel": "phone", "dogeza": "true"}  # (typed when decided)


def test_a_header_of_names_and_a_duplicate_label(tmp_path):
    """Field names work as headers too; a column named twice makes every row an error (nothing guessed)."""
    path = workbook(tmp_path / "names.xlsx", [["N-1", "sns"]], header=["incident_id", "channel"])
    assert list(read_records(path, RETAIL)) == [(2, {"incident_id": "N-1", "channel": "sns"})]
    path = workbook(tmp_path / "twice.xlsx", [["N-1", "sns"]], header=["incident_id", "事案番号"])
    [(line, error)] = list(read_records(path, RETAIL))
    assert isinstance(error, RecordError) and "incident_id" in error.message


def _rewrite(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """A copy of a workbook with some parts replaced (or added)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, parts.pop(info.filename, None) or old.read(info.filename))
        for name, data in parts.items():
            new.writestr(name, data)
    return target


SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>')


def test_a_text_longer_than_a_cell_is_an_error(tmp_path):
    """An inline text beyond Excel's 32,767 characters (which openpyxl itself cuts when it writes, so
    the sheet is written here) makes its row an error; the next row is read."""
    base = workbook(tmp_path / "base.xlsx", [])
    cell = '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    rows = ('<row r="1">' + cell.format(ref="A1", text="incident_id") + cell.format(ref="B1", text="remarks") + "</row>"
            '<row r="2">' + cell.format(ref="A2", text="L-1") + cell.format(ref="B2", text="あ" * 40_000) + "</row>"
            '<row r="3">' + cell.format(ref="A3", text="L-2") + "</row>")
    path = _rewrite(base, tmp_path / "long.xlsx", {"xl/worksheets/sheet1.xml": SHEET.format(rows=rows).encode()})
    [(_, error), (_, record)] = list(read_records(path, RETAIL))
    assert isinstance(error, RecordError) and "32,767" in error.message and "B2" in error.message
    assert record == {"incident_id": "L-2"}
    header, answers = read_table(str(path))  # survey answers: the same row invalid (counted), the next read
    assert header == ["incident_id", "remarks"] and list(answers) == [(2, []), (3, ["L-2"])]


def test_a_zip_bomb_is_refused_before_a_row_is_read(tmp_path, monkeypatch):
    """A 300 KB workbook whose sheet unpacks to 300 MB (more than MAX_UNCOMPRESSED): refused with a
    message, at once, for records and for survey answers."""
    base = workbook(tmp_path / "base.xlsx", [])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, old.read(info.filename))
        with new.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(SHEET.format(rows="").encode()[:-len("</sheetData></worksheet>")])
            blank = b" " * (1 << 20)
            for _ in range(300):
                part.write(blank)
            part.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(InputRefused, match="300 MB.*decompression bomb"):
        list(read_records(bomb, RETAIL))
    with pytest.raises(InputRefused, match="decompression bomb"):
        read_table(str(bomb))
    assert time.monotonic() - started < 5  # refused from the zip's directory, nothing unpacked
    from tests.cli.test_eval import run

    monkeypatch.chdir(tmp_path)  # (kasu survey report keeps its seal in the current directory)
    for argv in (["eval", str(ROOT / "examples" / "retail.kasu"), str(bomb)], ["survey", "report", str(bomb)]):
        code, out, err = run(*argv, "--lang", "en")
        assert code == 2 and "decompression bomb" in err and "Traceback" not in err and out == "", (argv, err)


def test_a_zip_that_lies_about_its_sizes_is_refused(tmp_path):
    """A part whose declared size is small but whose data expands further: zipfile stops at the
    declared size and the check of its CRC fails, so the workbook is refused, never read past it."""
    base = workbook(tmp_path / "base.xlsx", [["A-1", "phone"]])
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>A-{i}</t></is></c></row>' for i in range(1, 20000))
    big = _rewrite(base, tmp_path / "big.xlsx", {"xl/worksheets/sheet1.xml": SHEET.format(rows=rows).encode()})
    data = bytearray(big.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(big) as archive:
        info = archive.getinfo(name.decode())
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    local = info.header_offset
    assert data[local + 22: local + 26] == real
    data[local + 22: local + 26] = fake
    central = data.index(name, data.index(b"PK\x01\x02")) - 46
    assert data[central + 24: central + 28] == real
    data[central + 24: central + 28] = fake
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    with pytest.raises(InputRefused, match="readable"):
        list(read_records(liar, RETAIL))


def test_a_claimed_million_rows_cost_nothing(tmp_path):
    """A sheet that claims the whole grid (A1:XFD1048576) and holds two rows far apart, one cell in
    the last column: only the cells present are read (no padding of rows or columns)."""
    base = workbook(tmp_path / "base.xlsx", [])
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>incident_id</t></is></c></row>'
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Z-1</t></is></c>'
            '<c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>')
    path = _rewrite(base, tmp_path / "grid.xlsx", {"xl/worksheets/sheet1.xml": SHEET.format(rows=rows).encode()})
    started = time.monotonic()
    [(line, error)] = list(read_records(path, RETAIL))
    assert time.monotonic() - started < 5
    assert line == 1048576 and isinstance(error, RecordError) and "XFD1048576" in error.message


def test_a_shared_text_longer_than_a_cell_refuses_the_workbook(tmp_path):
    """A shared string beyond Excel's limit (which a file from Excel cannot hold): refused up front, since
    one shared text may stand in every cell of the sheet."""
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + "x" * 40_000 + "</t></si></sst>")
    path = _rewrite(OFFICE / "libreoffice-records.xlsx", tmp_path / "shared.xlsx",
                    {"xl/sharedStrings.xml": strings.encode()})
    with pytest.raises(InputRefused, match="40,000"):
        list(read_records(path, RETAIL))


def test_not_a_workbook_and_no_openpyxl(tmp_path, monkeypatch):
    """A file named .xlsx that is not one is refused with a message; without openpyxl the message
    names the install command from a clone."""
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputRefused, match="readable"):
        list(read_records(fake, RETAIL))
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputRefused) as info:
        list(read_records(OFFICE / "libreoffice-records.xlsx", RETAIL))
    assert "pip install '.[report]'" in info.value.args[0]


def test_survey_answers_read_from_a_workbook(tmp_path):
    """read_table: the header and the rows as text, dates as text, a formula without value an invalid row."""
    path = workbook(tmp_path / "answers.xlsx", [["店舗A", 3, dt.datetime(2027, 4, 1, 9)], ["店舗B", "=1+1", None]],
                    header=["所属部署", "回数", "日時"])
    header, rows = read_table(str(path))
    assert header == ["所属部署", "回数", "日時"]
    assert list(rows) == [(2, ["店舗A", "3", "2027-04-01 09:00:00"]), (3, [])]


def test_limits_are_those_documented():
    """The bounds the docs state (docs/embedding.md, docs/security.md)."""
    assert xlsx.MAX_UNCOMPRESSED == 256 * 2**20 and xlsx.MAX_CELL == 32_767


def test_an_entity_bomb_in_a_part_is_refused_quickly(tmp_path):
    """A "billion laughs" shared-strings part (entities expanding to gigabytes): the XML parser refuses
    the amplification and the workbook is refused, at once and without the memory."""
    laughs = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    strings = ('<?xml version="1.0"?><!DOCTYPE sst [' + "".join(laughs) + ']><sst xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main"><si><t>&l9;</t></si></sst>')
    path = _rewrite(OFFICE / "libreoffice-records.xlsx", tmp_path / "laughs.xlsx", {"xl/sharedStrings.xml": strings.encode()})
    started = time.monotonic()
    with pytest.raises(InputRefused, match="readable"):
        list(read_records(path, RETAIL))
    assert time.monotonic() - started < 10


def test_a_chart_sheet_first_is_named_with_what_to_do(tmp_path):
    """A workbook whose first sheet is a chart sheet (openpyxl fails on it with AttributeError) is
    refused saying so, and that the sheet with the data goes first."""
    book = openpyxl.Workbook()
    book.active.append(["事案番号"])
    book.create_chartsheet("グラフ", 0)
    path = tmp_path / "chart.xlsx"
    book.save(path)
    with pytest.raises(InputRefused) as refused:
        list(read_records(path, RETAIL))
    message = str(refused.value)
    assert '"グラフ", is a chart sheet' in message and "put the sheet with the data first" in message
