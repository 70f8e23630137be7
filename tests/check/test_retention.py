"""`sensitive retain N years|months|days`: parsed, checked (E225), printed, formatted, and counted by the calendar."""
from __future__ import annotations

import datetime as dt

import pytest

from kasuhara_rules import check_text
from kasuhara_rules.check.checked import Retention
from kasuhara_rules.render.formatter import format_text

POLICY = '''policy "t" {{ id t version "1" otherwise claim }}
outcomes {{ claim, kasuhara }}
schema {{ id: text key, remarks: optional text {mods}, n: int }}
rule r {{ when n > 1 then kasuhara respond "x" }}
'''


def check(mods):
    return check_text(POLICY.format(mods=mods))


@pytest.mark.parametrize("mods,retention", [("sensitive retain 3 years", Retention(3, "years")),
                                            ("sensitive retain 1 year", Retention(1, "years")),
                                            ("sensitive retain 18 months", Retention(18, "months")),
                                            ("sensitive retain 90 days", Retention(90, "days")),
                                            ("sensitive", None)])
def test_checked(mods, retention):
    """The checked field carries its retention (None without one)."""
    result = check(mods)
    assert result.ok and result.policy.fields[1].retain == retention


@pytest.mark.parametrize("mods,hint", [("retain 3 years", "sensitive retain"), ("sensitive retain 3 yeers", "`years`"),
                                       ("sensitive retain 3 年", "`years`"), ("sensitive retain 6 か月", "`months`"),
                                       ("sensitive retain 0 days", "retain 3 years"),
                                       ("sensitive retain 1.5 years", "retain 3 years")])
def test_malformed(mods, hint):
    """A retention on a field that is not sensitive, an unknown unit or a number that is not a whole one
    from 1 is E225, with a hint naming the fix."""
    result = check(mods)
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E225"] and hint in str(errors[0].hint)


def test_formatted_and_printed():
    """`kasu fmt` keeps the retention, in one layout, idempotently; the printer writes it back."""
    from kasuhara_rules.syntax.printer import field_text

    text = format_text(POLICY.format(mods="sensitive   retain  3 years"), "t.kasu")
    assert "remarks: optional text sensitive retain 3 years" in text
    assert format_text(text, "t.kasu") == text
    from kasuhara_rules.check.loader import load_text

    tree = load_text(text, "t.kasu").trees[0]
    decl = next(item for item in tree.decls if type(item).__name__ == "SchemaDecl").fields[1]
    assert field_text(decl) == "remarks: optional text sensitive retain 3 years"


def test_counted_by_the_calendar():
    """Years and months end on the same day of the month (the last day when it has no such day)."""
    assert Retention(3, "years").until(dt.date(2026, 5, 1)) == dt.date(2029, 5, 1)
    assert Retention(1, "years").until(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Retention(1, "months").until(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert Retention(14, "months").until(dt.date(2026, 11, 30)) == dt.date(2028, 1, 30)
    assert Retention(90, "days").until(dt.date(2026, 1, 1)) == dt.date(2026, 4, 1)
