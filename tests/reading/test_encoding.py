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


def test_a_pipe_is_judged_on_its_first_line_of_japanese_text(tmp_path):
    """A file that is not a regular file (a FIFO, /dev/stdin, a shell's <(…)) can be read only once:
    `resolve` does not look at it; it is read through `as_utf8`, which decides on its first line with
    non-ASCII text, so Excel's Shift_JIS piped in is read as a file is, with a notice."""
    import os
    import threading

    from kasuhara_rules import load_policy, read_records
    from tests.conftest import ROOT

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert resolve(str(fifo), None) == "utf-8" and resolve(str(fifo), "cp932") == "cp932"
    policy = load_policy(ROOT / "examples" / "tutorial.kasu")
    data = (ROOT / "examples" / "tutorial-incidents.csv").read_bytes()
    threading.Thread(target=fifo.write_bytes, args=(data,), daemon=True).start()
    told: list[str] = []
    got = [policy.evaluate_numbered(r, n) for n, r in read_records(str(fifo), policy, notice=told.append)]
    assert [d.error for d in got] == [None] * 3 and len(told) == 1 and "Shift_JIS" in told[0]
    piped = [policy.evaluate_numbered(r, n) for n, r in read_records("-", policy, input_format="csv",
                                                                   stdin=io.BytesIO(data))]
    assert [d.to_dict() for d in piped] == [d.to_dict() for d in got]


def test_piped_records_are_handed_on_as_they_come():
    """Records piped in are read as they arrive: the first is decided before the writer has finished (a
    JSON Lines log followed with tail -f), whatever the encoding turns out to be."""
    import os
    import threading

    from kasuhara_rules.reading.encoding import as_utf8

    for first, second in ((b'{"a": 1}\n', "土下座\n".encode("cp932")), ("土下座\n".encode("cp932"), b"x\n")):
        read_end, write_end = os.pipe()
        os.write(write_end, first)
        stream = as_utf8(os.fdopen(read_end, "rb"), "-")
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
        reader.start()
        reader.join(10)
        assert line and line[0] == first.decode("cp932").encode(), "the first line waited for more input"
        os.write(write_end, second)
        os.close(write_end)
        assert stream.read() == second.decode("cp932").encode()


def test_after_a_shift_jis_line_a_line_that_is_neither_is_an_error_of_its_own():
    """Once a pipe is read as Shift_JIS, a line with bytes no text holds stays bytes that are not
    UTF-8, so that line alone is an error, naming its line."""
    from kasuhara_rules import load_policy, read_records
    from kasuhara_rules.coerce import RecordError
    from tests.conftest import ROOT

    policy = load_policy(ROOT / "examples" / "tutorial.kasu")
    data = (ROOT / "examples" / "tutorial-incidents.csv").read_bytes().replace("誠意".encode("cp932"), b"\xff\xfe", 1)
    got = list(read_records("-", policy, input_format="csv", stdin=io.BytesIO(data)))
    assert [isinstance(r, RecordError) for _, r in got] == [True, False, False] and got[0][1].line == 2


def test_shift_jis_whose_first_bytes_happen_to_be_utf8_is_still_shift_jis():
    """cp932 bytes E3 81 82 are also UTF-8 (あ): one accidental character is not evidence of UTF-8;
    the file is valid cp932 throughout, so it is Shift_JIS."""
    text = "縺あ,事案番号\n".encode("cp932")
    assert text.startswith(b"\xe3\x81\x82")
    assert sniff(io.BytesIO(text)) == "cp932"
