"""Tests for syntax_errors.py: the snippet table and messages in the language's words."""
import pytest
from lark.exceptions import UnexpectedInput

from kasuhara_rules.syntax.grammar import parser
from kasuhara_rules.syntax.parser import parse_source
from kasuhara_rules.source import SourceText
from kasuhara_rules.syntax.errors import EXAMPLES, classify


def first_diag(text: str):
    tree, diags = parse_source(SourceText.from_text("t.kasu", text))
    assert tree is None and len(diags) == 1, diags
    return diags[0]


@pytest.mark.parametrize("label,snippet", [(label, s) for label, ss in EXAMPLES.items() for s in ss])
def test_every_snippet_is_recognised_as_its_own_label(label, snippet):
    """Each malformed snippet fails to parse and is classified as its label."""
    with pytest.raises(UnexpectedInput) as info:
        parser().parse(snippet)
    assert classify(info.value) == label


def test_missing_then_names_the_rule():
    """The issue's example: expected `then` after the condition of rule violence."""
    d = first_diag("rule violence {\n  when threatened kasuhara severity high\n}")
    assert d.code == "E122"
    assert d.message.startswith("expected `then` after the condition of rule violence")
    assert (d.span.line, d.span.column) == (2, 19)


def test_missing_then_inside_deeper_expression():
    """The table matches states regardless of nesting depth."""
    d = first_diag("rule r {\n  when (a or b) and count(c where x > 1) >= 3 kasuhara\n}")
    assert d.code == "E122" and "rule r" in d.message


def test_single_equals_suggests_double():
    """`=` in a condition says to write `==`."""
    d = first_diag('rule r { when channel = "phone" then k }')
    assert d.code == "E124" and "==" in d.hint


def test_reserved_word_as_a_name():
    """A keyword used as a field name is E110."""
    d = first_diag("schema { when: bool }")
    assert d.code == "E110" and "`when`" in d.message


def test_misspelt_clause_gets_did_you_mean():
    """`respnd` → did you mean `respond`?"""
    d = first_diag('rule r { when a then k respnd "x" }')
    assert d.code == "E122" and d.hint == "did you mean `respond`?"


def test_unterminated_string():
    """A string without its closing quote is E104."""
    d = first_diag('rule r { respond "oops }')
    assert d.code == "E104"


def test_unexpected_character_fullwidth_hint():
    """A full-width `＝` gets a hint to write the ASCII character."""
    d = first_diag("define d = a ＝ 1")
    assert d.code == "E103" and "full-width" in d.hint


def test_smart_quotes_hint():
    """Curly quotes from a word processor are explained."""
    d = first_diag("define d = “x”")
    assert d.code == "E103" and '"' in d.hint


def test_bad_duration_unit():
    """`30mins` is E106 with the unit spellings."""
    d = first_diag("define d = x >= 30mins")
    assert d.code == "E106" and "30min" in d.hint


@pytest.mark.parametrize("literal,message,fix", [
    ("1.5.5h", "more than one decimal point", "one decimal point at most"),
    ("1..2", "more than one decimal point", "one decimal point at most"),
    ("5.", "ends its number with a decimal point", "write `5`"),
    ("5.h", "ends its number with a decimal point", "write `5h`"),
])
def test_a_malformed_number_says_what_is_wrong_with_it(literal, message, fix):
    """`1.5.5h` and `5.` were 'unexpected character `1`' at a digit: now the number is named and explained."""
    d = first_diag(f"define d = x > {literal}")
    assert d.code == "E103" and f"`{literal}`" in d.message and message in d.message and fix in d.hint
    assert d.span.end_column - d.span.column == len(literal)


def test_end_of_file_names_the_open_bracket():
    """The file ending inside a rule is E128 at the unclosed brace, with where to close it."""
    d = first_diag("rule r {\n  when a then k\n")
    assert d.code == "E128" and d.span.line == 1 and "after line 2" in d.hint


def test_mismatched_closer():
    """`(a]` is E127: `]` does not match `(`."""
    d = first_diag("rule r { when (a] then k }")
    assert d.code == "E127" and "`(`" in d.message


def test_generic_message_uses_language_words():
    """The fallback lists expected words, never Lark terminal names."""
    d = first_diag("rule r { when (a kasuhara then k }")
    assert d.code == "E120"
    assert "RPAR" not in d.message and "`)`" in d.message


def test_match_examples_lark_bug_is_survived():
    """A state shared by examples with different accepts does not crash (Lark 1.3.1 %d bug)."""
    d = first_diag("policy \"x\" { id a }\nrule r { when (a] then c }")
    assert d.code == "E127"


@pytest.mark.parametrize("snippet,guess", [
    ("rule r { whn a then k }", "when"),
    ("rule r { when a thn k }", "then"),
    ("rule r { when a unles b then k }", "unless"),
    ("rule r { when a then k severty high }", "severity"),
    ('rule r { when a then k cite "x" tag a }', "tags"),
    ("define d = a adn b", "and"),
    ('define d = a contain "x"', "contains"),
    ("define d = a betwen 1 and 2", "between"),
    ("define d = a is mising", "missing"),
    ("rul r { when a then k }", "rule"),
    ("schema { a: int }\nrul r { when a then k }", "rule"),
    ('rule r { when a then k respond "x" }\nexmple "t" { given { a: 1 } expect k }', "example"),
    ("outcome { a }", "outcomes"),
])
def test_a_misspelt_keyword_gets_a_did_you_mean(snippet, guess):
    """A keyword the parser would accept here, misspelt, is named in the hint, wherever it stands."""
    d = first_diag(snippet)
    assert d.hint == f"did you mean `{guess}`?", (d.message, d.hint)


def test_a_misspelt_declaration_after_a_block_is_at_the_top_level():
    """After a closed `schema { … }`, a stray word is not said to be inside the schema."""
    d = first_diag("schema { a: int }\nrul r { when a then k }")
    assert d.message == "expected a declaration, found the name `rul`"
