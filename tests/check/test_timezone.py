"""The header's `timezone` (contract 1.2): an IANA name, checked with a did-you-mean, inherited by `extends`."""
import textwrap

from kasuhara_rules import check_text, load_policy, parse_policy
from kasuhara_rules.render.formatter import format_text

BODY = 'outcomes { claim, kasuhara }\nschema { at: datetime }\nrule r { when at >= 2027-04-01T00:00:00+09:00 then kasuhara respond "x" }\n'


def header(setting: str) -> str:
    return f'policy "t" {{\n  id t\n  version "1"\n  {setting}\n  otherwise claim\n}}\n' + BODY


def diagnostics(text: str):
    return [(d.code, d.message, d.hint) for d in check_text(text, "t.kasu", lang="en").diagnostics]


def test_a_known_zone_is_accepted_and_kept():
    """`timezone "Asia/Tokyo"` checks clean and is the policy's zone."""
    assert diagnostics(header('timezone "Asia/Tokyo"')) == []
    assert parse_policy(header('timezone "UTC"')).checked.header.timezone == "UTC"
    assert parse_policy(header("")).checked.header.timezone is None


def test_a_misspelt_zone_gets_a_did_you_mean():
    """E208 names the zone; the hint proposes the IANA name (JST and +09:00 mean Asia/Tokyo)."""
    for wrong in ("Asia/Tokyp", "asia/tokyo", "JST", "+09:00"):
        [(code, message, hint)] = diagnostics(header(f'timezone "{wrong}"'))
        assert code == "E208" and wrong in message and '"Asia/Tokyo"' in hint, (wrong, hint)
    [(code, _, hint)] = diagnostics(header('timezone "Nowhere/Atlantis"'))
    assert code == "E208" and "IANA" in hint


def test_a_zone_without_quotes_is_e205():
    """`timezone Asia` (a name, not a quoted text) is a value of the wrong kind, with the fix."""
    [(code, _, hint)] = diagnostics(header("timezone JST"))
    assert code == "E205" and 'timezone "JST"' in hint


def test_the_zone_is_inherited_through_extends_and_may_be_changed(tmp_path):
    """A policy that extends another inherits its `timezone` unless it sets its own."""
    (tmp_path / "base.kasu").write_text(header('timezone "Asia/Tokyo"'), encoding="utf-8")
    child = 'policy "c" {{\n  id c\n  version "1"\n  {}otherwise claim\n}}\nextends "base.kasu"\n'
    (tmp_path / "child.kasu").write_text(child.format(""), encoding="utf-8")
    policy = load_policy(tmp_path / "child.kasu")
    assert policy.checked.header.timezone == "Asia/Tokyo"
    assert policy.evaluate({"at": "2027/4/1 0:00"}).outcome == "kasuhara"
    (tmp_path / "other.kasu").write_text(child.format('timezone "UTC"\n  '), encoding="utf-8")
    policy = load_policy(tmp_path / "other.kasu")
    assert policy.checked.header.timezone == "UTC"
    assert policy.evaluate({"at": "2027/3/31 16:00"}).outcome == "kasuhara"  # 01:00 on April 1st in Tokyo


def test_examples_give_date_times_as_records_do():
    """An example's given date-time written as a spreadsheet would is read in the zone, or refused
    without one (E502 naming the setting)."""
    example = 'example "e" { given { at: "2027/4/1 9:00" } expect kasuhara }\n'
    assert diagnostics(header('timezone "Asia/Tokyo"') + example) == []
    [(code, message, _)] = diagnostics(header("") + example)
    assert code == "E502" and "timezone" in message


def test_the_formatter_keeps_the_setting_in_line():
    """`kasu fmt` lays `timezone` out as the other settings (the init template is already formatted)."""
    text = header('timezone "Asia/Tokyo"')
    formatted = format_text(text, "t.kasu")
    assert '  timezone  "Asia/Tokyo"\n' in formatted
    assert format_text(formatted, "t.kasu") == formatted
    assert textwrap.dedent(formatted) == formatted
