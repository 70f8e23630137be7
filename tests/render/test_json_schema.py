"""Tests for recordschema.py: `kasu schema` output, checked with a real JSON Schema validator."""
import copy
import io
import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules import load_policy, parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.engine.records import RecordError, validate_record
from kasuhara_rules.render.json_schema import record_schema
from tests import strategies as S
from tests.conftest import ROOT, policy

RETAIL = load_policy(ROOT / "examples" / "retail.kasu")
TEST_POLICY = parse_policy(policy('rule r { when dogeza then kasuhara respond "x" }\n'))


def validator(p):
    schema = record_schema(p.checked)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def incidents():
    for line in (ROOT / "examples" / "retail-incidents.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


def engine_accepts(p, record) -> bool:
    try:
        validate_record(p.checked.fields, record, p.checked.header.timezone)
        return True
    except RecordError:
        return False


def test_schema_is_valid_2020_12_and_carries_labels_and_flags():
    """The output is a valid draft 2020-12 schema with titles, required, enums and x-kasu flags."""
    schema = record_schema(RETAIL.checked)
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert props["channel"]["enum"][:7] == ["counter", "phone", "email", "sns", "web_form", "visit", "letter"]
    assert props["channel"]["enum"][7:] == ["窓口", "電話", "メール", "SNS", "Webフォーム", "訪問", "手紙"]  # labels
    assert props["store"]["type"] == ["string", "null"]  # a field the extending policy adds
    assert props["remarks"]["x-kasu-sensitive"] is True and props["incident_id"]["x-kasu-key"] is True
    assert props["has_basis"]["title"] == "申し出の根拠（商品・サービスの不備や当方の過失があるか）"
    assert "has_basis" not in schema["required"] and "raised_voice" in schema["required"]
    assert props["raised_voice"]["enum"] == ["none", "once", "persistent", "なし", "一度", "続いた"]
    assert props["contact_length"]["x-kasu-unit"] == "minutes"
    nested = record_schema(TEST_POLICY.checked)["properties"]["contacts"]
    assert nested["items"]["required"] == ["at"]  # a list of nested records: required inner fields


def test_shipped_incidents_agree():
    """Each shipped incident is valid for the schema exactly when the engine accepts it."""
    v = validator(RETAIL)
    for record in incidents():
        assert v.is_valid(record) == engine_accepts(RETAIL, record), record["incident_id"]


@pytest.mark.parametrize("change", [
    {"channel": "telephone"}, {"reported_at": "2026-10-18"}, {"contact_length": "三十分"},
    {"demanded_dogeza": "yes"}, {"demanded_rank": "ceo"}, {"amount_requested": 1.5},
    {"contact_length": "P1M"}, {"contact_length": "PT"}, {"raised_voice": None},
])
def test_invalid_records_are_invalid_for_both(change):
    """Wrong enum values, offsets, durations, types and missing nested fields fail both."""
    record = dict(next(incidents()), **change)
    assert not validator(RETAIL).is_valid(record) and not engine_accepts(RETAIL, record)


@given(S.records(), st.sampled_from(["channel", "repeat", "dogeza", "words", "contacts", "reported_at",
                                     "call_length", "amount", "demand_valid", "remarks", "birthday"]),
       st.sampled_from([None, "x", 1, 2.5, True, [], {}, "2026-01-01", ["a", 1], [None], "35min", "PT5M", "5 min"]))
def test_schema_agrees_with_the_engine_on_random_records(record, field, value):
    """On random (and randomly broken) records, the schema and the engine accept the same ones."""
    record = copy.deepcopy(record)
    record[field] = value
    assert validator(TEST_POLICY).is_valid(record) == engine_accepts(TEST_POLICY, record)


@pytest.mark.parametrize("value, zoned, bare", [
    ("2027-04-13T14:00:00+09:00", True, True), ("2027/4/13 14:00 +09:00", True, True),
    ("2027-04-13 14:00", True, False), ("2027/4/13 14:00", True, False), ("2027/4/13 9:05:30", True, False),
    ("2027-04-13", False, False), ("13/4/2027 14:00", False, False),
])
def test_spreadsheet_date_times_follow_the_policys_timezone(value, zoned, bare):
    """Date-times as spreadsheets write them: valid for the schema exactly when the engine accepts them,
    in a policy with `timezone` (no offset needed) and without one (an offset is)."""
    base = 'policy "t" {{ id t version "1" {zone} otherwise claim }}\noutcomes {{ claim }}\n' \
           'schema {{ at: datetime, day: optional date }}\n'
    for p, valid in ((parse_policy(base.format(zone='timezone "Asia/Tokyo"')), zoned), (parse_policy(base.format(zone="")), bare)):
        assert validator(p).is_valid({"at": value}) == engine_accepts(p, {"at": value}) == valid, (value, valid)
    p = parse_policy(base.format(zone=""))
    for day, valid in (("2027/4/1", True), ("2027-04-01", True), ("4/1/2027", False)):
        record = {"at": "2027-04-13T14:00:00Z", "day": day}
        assert validator(p).is_valid(record) == engine_accepts(p, record) == valid, day


def test_cli():
    """`kasu schema POLICY` prints the schema as JSON."""
    out = io.StringIO()
    assert main(["schema", str(ROOT / "examples" / "retail.kasu")], out=out, err=io.StringIO()) == 0
    assert json.loads(out.getvalue())["title"] == "小売店舗 カスハラ判断基準"
