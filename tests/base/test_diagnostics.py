"""Tests for diagnostics.py: the code catalogue, rendering and did-you-mean."""
from kasuhara_rules.diagnostics import CODES, Diagnostic, closest, did_you_mean, render_json, sort_diagnostics
from kasuhara_rules.source import SourceText, Span


def test_codes_are_well_formed():
    """Codes are E/W plus three digits, each with a description."""
    for code, title in CODES.items():
        assert code[0] in "EW" and code[1:].isdigit() and len(code) == 4 and title


def test_render_text_format():
    """`file:line:col: error[CODE]: message`, source line, caret, hint."""
    src = SourceText.from_text("a.kasu", "when x\n")
    d = Diagnostic("E301", "error", "unknown name `x`", Span("a.kasu", 1, 6, 1, 7), "did you mean `y`?")
    assert d.render({"a.kasu": src}).splitlines() == [
        "a.kasu:1:6: error[E301]: unknown name `x`", " 1 | when x", "   |      ^", "hint: did you mean `y`?"]


def test_sorted_and_deduplicated():
    """Diagnostics sort by position and exact repeats collapse."""
    a = Diagnostic("E301", "error", "m", Span("f", 2, 1, 2, 2))
    b = Diagnostic("E301", "error", "m", Span("f", 1, 5, 1, 6))
    assert sort_diagnostics([a, b, a]) == [b, a]


def test_json_rendering():
    """The JSON array carries every field."""
    d = Diagnostic("W101", "warning", "m", Span("f", 1, 1, 1, 3))
    assert '"severity": "warning"' in render_json([d])


def test_did_you_mean():
    """Close names are suggested; distant ones are not; width and case are ignored."""
    assert did_you_mean("demanded_dogza", ["demanded_dogeza"]) == "did you mean `demanded_dogeza`?"
    assert did_you_mean("zzz", ["demanded_dogeza"]) is None
    assert closest("ＳＮＳ", ["sns", "phone"]) == "sns"
    assert closest("土下座要求", ["土下座の要求", "通話時間"]) == "土下座の要求"
