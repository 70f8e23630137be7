"""The incident form built from a schema and read back; the desk's error codes as documented."""
from __future__ import annotations

import re
from pathlib import Path

from kasuhara_rules import parse_policy
from kasuhara_rules.desk.errors import CODES
from kasuhara_rules.desk.forms import form_values, read_form, widgets

ROOT = Path(__file__).resolve().parents[2]
POLICY = parse_policy('''policy "t" { id t  version "1"  otherwise claim }
outcomes { claim, kasuhara }
schema {
  incident_id "番号": text key
  channel "窓口": one of ["phone", "counter"]
  length "時間": optional duration in minutes
  dogeza "土下座": bool
  valid "妥当性": optional bool
  count: int
  amount: optional number
  day: optional date
  contacts "過去の連絡": list of { at: datetime, length: optional duration in minutes }
  words: list of text
  remarks "発言": optional text sensitive
}
rule r { when dogeza then kasuhara }''')
FIELDS = POLICY.checked.fields


def test_widgets_follow_the_schema():
    """Each type gets its input: yes/no for a required bool, yes/no/unknown for an optional one, units, rows."""
    made = {w.name: w for w in widgets(FIELDS, {"contacts": 2})}
    assert made["dogeza"].kind == "yesno" and made["valid"].kind == "yesnounknown"
    assert made["channel"].choices == (("phone", "phone"), ("counter", "counter"))
    assert made["length"].kind == "duration" and made["length"].unit == "minutes"
    assert made["remarks"].sensitive and made["incident_id"].kind == "text" and made["remarks"].kind == "textarea"
    assert [[c.name for c in row] for row in made["contacts"].rows] == [
        [f"contacts.{i}.at", f"contacts.{i}.length"] for i in range(3)]
    assert made["words"].element == "text"


def test_a_form_read_back_is_the_record():
    """Values come back typed; empty optional fields are absent (unknown), never false; empty rows are dropped."""
    form = {"incident_id": "A-1", "channel": "phone", "length": "35", "length.unit": "minutes", "dogeza": "true",
            "valid": "unknown", "count": "3", "amount": "2.5", "day": "2026-05-01", "contacts.rows": "3",
            "contacts.0.at": "2026-04-30T09:15", "contacts.0.length": "12", "contacts.0.length.unit": "minutes",
            "contacts.1.at": "", "contacts.1.length": "", "words.rows": "2", "words.0": "殺す", "words.1": "",
            "remarks": ""}
    read = read_form(form, FIELDS, "Asia/Tokyo")
    assert read.errors == {}
    assert read.record == {"incident_id": "A-1", "channel": "phone", "length": "35min", "dogeza": True, "count": 3,
                           "amount": 2.5, "day": "2026-05-01",
                           "contacts": [{"at": "2026-04-30T09:15:00+09:00", "length": "12min"}], "words": ["殺す"]}
    assert POLICY.evaluate(read.record).outcome == "kasuhara"
    again = read_form(form_values(read.record, FIELDS, "Asia/Tokyo"), FIELDS, "Asia/Tokyo")
    assert again.record == read.record


def test_what_cannot_be_read_is_an_error_on_its_field():
    """A required yes/no left empty, a word for a number, a value not among the choices: errors, not guesses."""
    read = read_form({"incident_id": "A", "channel": "fax", "count": "three", "dogeza": "", "amount": "nan",
                      "length": "1e9", "contacts.rows": "1", "contacts.0.length": "5"}, FIELDS, "Asia/Tokyo")
    assert set(read.errors) == {"channel", "count", "dogeza", "amount", "length", "contacts.0.at"}
    assert "dogeza" not in read.record


def test_error_codes_are_documented():
    """Every D code is in the tables of docs/desk.md and docs/desk.ja.md, and no other."""
    for doc in ("desk.md", "desk.ja.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        assert set(re.findall(r"^\| (D\d{3}) \|", text, re.M)) == set(CODES), doc
