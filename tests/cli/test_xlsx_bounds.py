"""`.xlsx` input bounded (issue 25, item 11): a workbook that would expand far beyond its size (a
decompression bomb) is refused with a message by every command that reads .xlsx (the one reader,
reading/xlsx.py), at once, in little memory — never a MemoryError."""
import io
import os
import subprocess
import sys
import time
import zipfile

import pytest

from kasuhara_rules.cli.commands import main
from tests.conftest import ROOT

openpyxl = pytest.importorskip("openpyxl")
THREAT = "過去6か月に、お客様から「脅迫」を受けたことは何回ありますか。"

IN_LITTLE_MEMORY = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))
from kasuhara_rules.cli.commands import main
sys.exit(main(sys.argv[1:]))
"""


def _workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _bomb(tmp_path, megabytes):
    """A valid workbook with one more cell of `megabytes` MB of text (inline in the sheet, as openpyxl writes
    strings): a few hundred KB on disk."""
    plain = _workbook(tmp_path / "plain.xlsx", [["所属部署", THREAT]] + [["売場", "なかった"]] * 6)
    bomb = tmp_path / "answers.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, data)
                continue
            head, tail = data.split(b"</sheetData>", 1)
            with target.open(item.filename, "w") as member:
                member.write(head + b'<row r="8"><c r="A8" t="inlineStr"><is><t>')
                for _ in range(megabytes):
                    member.write(b"a" * (1024 * 1024))
                member.write(b"</t></is></c></row></sheetData>" + tail)
    assert zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml").file_size > megabytes * 1024 * 1024
    return bomb


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return _bomb(tmp_path_factory.mktemp("bomb"), 300)


RETAIL = ROOT / "examples" / "retail.kasu"
READERS = {
    "eval": ["eval", RETAIL, "BOMB"],
    "diff": ["diff", RETAIL, RETAIL, "BOMB"],
    "report": ["report", RETAIL, "BOMB", "--format", "json"],
    "survey report": ["survey", "report", "BOMB", "--format", "json"],
    "journal add": ["journal", "add", RETAIL, "BOMB", "--by", "sato", "--db", "sqlite:///journal.db", "--no-progress"],
}


@pytest.mark.parametrize("command", list(READERS))
def test_a_decompression_bomb_is_refused_by_every_reader(bomb, command, tmp_path):
    """A workbook of a few hundred KB that expands to 300 MB, given to each command that reads .xlsx: refused
    with a message naming its size (exit 2), in a process limited to 1 GB of memory, quickly; no traceback."""
    if command == "journal add":
        pytest.importorskip("sqlalchemy")
    assert bomb.stat().st_size < 5 * 1024 * 1024
    argv = [str(bomb) if a == "BOMB" else str(a) for a in READERS[command]]
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", IN_LITTLE_MEMORY, *argv],
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), capture_output=True, timeout=300,
                          cwd=tmp_path)
    assert proc.returncode == 2 and b"300 MB" in proc.stderr, proc.stderr[-2000:]
    assert b"Traceback" not in proc.stderr and b"MemoryError" not in proc.stderr
    assert time.monotonic() - start < 120


def test_a_declared_absurd_width_is_not_walked(tmp_path, monkeypatch):
    """A sheet declaring the whole grid (A1:XFD1048576) is read by its cells, not padded to that width."""
    monkeypatch.chdir(tmp_path)
    path = _workbook(tmp_path / "r.xlsx", [["所属部署", THREAT]] + [["売場", "なかった"]] * 6)
    patched = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B7"', b'<dimension ref="A1:XFD1048576"')
                assert b"XFD1048576" in data
            target.writestr(item, data)
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    code = main(["survey", "report", str(patched), "--format", "json", "--min-group", "3"], out=out, err=err)
    assert code == 0 and '"respondents": 6' in out.getvalue() and time.monotonic() - start < 60
