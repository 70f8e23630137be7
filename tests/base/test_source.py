"""Tests for source.py: decoding, positions and caret excerpts."""
import pytest

from kasuhara_rules.source import DecodeError, SourceText, Span, decode_source, display_width


def test_position_of_offsets():
    """Offsets map to 1-based line and column."""
    src = SourceText.from_text("f", "ab\ncd\n")
    assert src.position(0) == (1, 1)
    assert src.position(3) == (2, 1)
    assert src.position(4) == (2, 2)


def test_decode_strips_bom_and_crlf():
    """A BOM is dropped and CRLF / CR become LF."""
    assert decode_source(b"\xef\xbb\xbfa\r\nb\rc") == "a\nb\nc"


def test_decode_rejects_invalid_utf8_with_position():
    """Invalid UTF-8 raises DecodeError naming the line and column."""
    with pytest.raises(DecodeError) as info:
        decode_source(b"ok\nab\xff")
    assert (info.value.line, info.value.column) == (2, 3)


def test_decode_rejects_nul():
    """A NUL character is refused."""
    with pytest.raises(DecodeError) as info:
        decode_source(b"a\x00")
    assert "NUL" in info.value.message


def test_display_width_counts_wide_characters_twice():
    """Kanji and full-width forms take two terminal columns."""
    assert display_width("a土下座") == 7
    assert display_width("ＳＮＳ") == 6


def test_excerpt_aligns_caret_under_wide_characters():
    """The caret sits under the span even after Japanese text."""
    src = SourceText.from_text("f", 'rule 土下座 { when x }')
    lines = src.excerpt(Span("f", 1, 17, 1, 18))
    assert lines[0].endswith('rule 土下座 { when x }')
    caret_col = lines[1].index("^") - lines[1].index("|") - 2
    assert caret_col == display_width("rule 土下座 { when ")


def test_excerpt_windows_long_lines():
    """A very long line is shown as a window around the span with ellipses."""
    src = SourceText.from_text("f", "x" * 500 + "BAD" + "y" * 500)
    line, caret = src.excerpt(Span("f", 1, 501, 1, 504))
    assert "…" in line and len(line) < 140
    assert line[caret.index("^"):caret.index("^") + 3] == "BAD"


def test_span_str():
    """Spans print as file:line:col."""
    assert str(Span("a.kasu", 3, 7, 3, 9)) == "a.kasu:3:7"
