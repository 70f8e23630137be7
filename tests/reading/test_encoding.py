"""Which encoding an input file is read in: UTF-8 (BOM or not), else valid Shift_JIS with a notice, or as forced."""
import io

import pytest

from kasuhara_rules.reading import encoding
from kasuhara_rules.reading.encoding import check_encoding, resolve, sniff

JAPANESE = "事案番号,受付日時,発言内容\nA-1,2027/4/13 14:00,ｶﾀｶﾅも漢字も\n"


def test_utf8_with_and_without_bom_is_utf8():
    """UTF-8 text, with or without a byte-order mark, is UTF-8 (no notice)."""
    for data in (JAPANESE.encode(), b"\xef\xbb\xbf" + JAPANESE.encode(), b"ascii only\n", b""):
        assert sniff(io.BytesIO(data)) == "utf-8"


def test_shift_jis_is_recognised_even_after_a_long_ascii_start():
    """Excel's Shift_JIS, including half-width katakana, and Japanese that starts only after 3 MB of ASCII."""
    assert sniff(io.BytesIO(JAPANESE.encode("cp932"))) == "cp932"
    late = b"incident_id,remarks\n" + b"A-1,ok\n" * 500_000 + "A-2,土下座しろ\n".encode("cp932")
    assert sniff(io.BytesIO(late)) == "cp932"


def test_a_utf8_file_with_one_damaged_byte_stays_utf8(monkeypatch):
    """Valid UTF-8 Japanese before a damaged byte: the file is UTF-8 (the bad line will be an error),
    never re-read as Shift_JIS — also when the damage falls in a later chunk."""
    data = JAPANESE.encode() + b"A-2,\x82\n"
    assert sniff(io.BytesIO(data)) == "utf-8"
    monkeypatch.setattr(encoding, "CHUNK", 5)  # chunk edges inside multi-byte characters
    assert sniff(io.BytesIO(data)) == "utf-8"
    assert sniff(io.BytesIO(JAPANESE.encode("cp932"))) == "cp932"


def test_neither_encoding_reads_as_utf8_and_utf16_is_refused():
    """Bytes that are neither UTF-8 nor Shift_JIS stay UTF-8 (each bad line an error with the hint);
    UTF-16 (Excel's "Unicode text") is refused with what to do."""
    assert sniff(io.BytesIO(b"A-1,\x80\x80\x80\xff\n")) == "utf-8"
    with pytest.raises(ValueError, match="UTF-16"):
        sniff(io.BytesIO(b"\xff\xfe" + JAPANESE.encode("utf-16-le")))


def test_resolve_tells_the_notice_and_respects_force(tmp_path):
    """A Shift_JIS file is told once to `notice`; --encoding skips the guess; standard input is UTF-8."""
    path = tmp_path / "excel.csv"
    path.write_bytes(JAPANESE.encode("cp932"))
    told = []
    assert resolve(str(path), None, told.append) == "cp932"
    assert len(told) == 1 and "excel.csv" in told[0] and "Shift_JIS" in told[0]
    assert resolve(str(path), "utf-8", told.append) == "utf-8" and len(told) == 1
    assert resolve("-", None, told.append) == "utf-8"


def test_encoding_names_are_checked():
    """--encoding takes ASCII-compatible codecs only (a file is read line by line)."""
    assert check_encoding("CP932") == "cp932" and check_encoding("sjis") == "shift_jis"
    for bad in ("no-such-codec", "utf-16"):
        with pytest.raises(ValueError):
            check_encoding(bad)


def test_a_pipe_is_read_once_as_utf8(tmp_path):
    """A file that is not a regular file (a FIFO, /dev/stdin, a shell's <(…)) is not looked at
    first: it can be read only once, so it is UTF-8 unless --encoding says otherwise."""
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert resolve(str(fifo), None) == "utf-8" and resolve(str(fifo), "cp932") == "cp932"


def test_shift_jis_whose_first_bytes_happen_to_be_utf8_is_still_shift_jis():
    """cp932 bytes E3 81 82 are also UTF-8 (あ): one accidental character is not evidence of UTF-8;
    the file is valid cp932 throughout, so it is Shift_JIS."""
    text = "縺あ,事案番号\n".encode("cp932")
    assert text.startswith(b"\xe3\x81\x82")
    assert sniff(io.BytesIO(text)) == "cp932"
