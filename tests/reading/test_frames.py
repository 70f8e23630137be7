"""pandas data frames read as `kasu eval` reads the same CSV file (evaluate_many and read_records)."""
import datetime as dt
import io
import subprocess
import sys

import pytest

from kasuhara_rules import RecordError, load_policy, read_records
from tests.conftest import ROOT

pd = pytest.importorskip("pandas")
RETAIL = load_policy(ROOT / "examples" / "retail.kasu")

CSV = """事案番号,受付チャネル,受付日時,要求の種類,発言内容（記録）,大声・威圧（なし／一度／続いた）,土下座の要求,退去を求めても応じなかった回数,要求金額（円）（返金・賠償・迷惑料など名目を問わない）
P-1,counter,2027/4/13 14:00,apology,土下座しろ,none,はい,,
P-2,phone,2027-04-14 10:00,refund,帰らないぞ,once,,3,
P-3,email,2027-04-15 09:00:00,compensation,迷惑料を払え,none,いいえ,0,50000
"""


def cli_decisions(tmp_path) -> list[dict]:
    import json

    path = tmp_path / "records.csv"
    path.write_text(CSV, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kasuhara_rules", "eval", str(ROOT / "examples" / "retail.kasu"),
                           str(path), "--no-progress"], capture_output=True, text=True, encoding="utf-8")
    return [json.loads(line) for line in done.stdout.splitlines()]


def summary(d) -> tuple:
    return (d["incident"], d["outcome"], d["rule"], d["severity"], d["escalation"])


def test_a_frame_from_the_csv_decides_as_kasu_eval_does(tmp_path):
    """pd.read_csv of a CSV with Japanese label headers, an optional yes/no column with gaps (pandas:
    object or float), an optional int column with gaps (float) and text date-times: evaluate_many
    gives exactly the decisions `kasu eval` gives for the file."""
    frame = pd.read_csv(io.StringIO(CSV))
    assert frame["退去を求めても応じなかった回数"].dtype == float  # 3.0, 0.0 and NaN
    want = [summary(d) for d in cli_decisions(tmp_path)]
    assert [summary(d.to_dict()) for d in RETAIL.evaluate_many(frame)] == want
    assert want[0][2] == "dogeza" and want[1][2] == "refusing_to_leave"


def test_pandas_types_read_as_their_values():
    """1.0/0.0/NaN in a yes/no column, nullable Int64 with NA, Timestamps (naive: the policy's zone;
    aware: their own), NaT and None are read as true/false/absent, whole numbers and date-times."""
    frame = pd.DataFrame({
        "incident_id": ["T-1", "T-2", "T-3"],
        "channel": pd.Categorical(["counter", "phone", "sns"]),
        "reported_at": [pd.Timestamp("2027-04-13 14:00"), pd.Timestamp("2027-04-13 05:00", tz="UTC"), pd.NaT],
        "demand_type": ["apology", "refund", "other"],
        "remarks": ["土下座しろ", "x", "y"],
        "raised_voice": ["none", "none", "none"],
        "demanded_dogeza": [1.0, 0.0, float("nan")],
        "exit_orders": pd.array([None, 2, 0], dtype="Int64"),
        "has_basis": pd.array([True, None, False], dtype="boolean"),
    })
    got = dict(read_records(frame, RETAIL))
    assert got[1]["demanded_dogeza"] is True and got[2]["demanded_dogeza"] is False
    decisions = list(RETAIL.evaluate_many(frame))
    assert decisions[0].rule == "dogeza" and decisions[1].rule == "refusing_to_leave"
    assert decisions[0].to_dict()["incident"] == "T-1"
    assert decisions[2].error is not None and decisions[2].error.field == "reported_at"
    assert got[2]["exit_orders"] == 2 and got[1]["has_basis"] is True and got[2]["has_basis"] is pd.NA


def test_labels_headers_with_problems_make_every_row_an_error():
    """Two columns naming one field: each row is an error decision, none silently decided."""
    frame = pd.DataFrame([["A-1", "A-1"]], columns=["incident_id", "事案番号"])
    [d] = list(RETAIL.evaluate_many(frame))
    assert d.error is not None and "incident_id" in d.error.message


def test_a_bad_cell_names_its_row_and_field():
    """A list field whose cell is not JSON: that row is an error naming the field; the others decide."""
    from kasuhara_rules import parse_policy

    policy = parse_policy('policy "t" { id t version "1" otherwise claim }\noutcomes { claim, kasuhara }\n'
                          'schema { words: list of text }\nrule r { when words contains "x" then kasuhara respond "y" }')
    frame = pd.DataFrame({"words": ["[not json", '["x"]', ["x", "z"]]})
    got = list(read_records(frame, policy))
    assert got[0][0] == 1 and isinstance(got[0][1], RecordError) and got[0][1].field == "words"
    assert [d.outcome for d in policy.evaluate_many(frame)] == [None, "kasuhara", "kasuhara"]


def test_dates_and_whole_days_in_a_date_field():
    """A Timestamp at midnight in a `date` field is that date; a time in it is refused, not truncated."""
    from kasuhara_rules import parse_policy

    policy = parse_policy('policy "t" { id t version "1" timezone "Asia/Tokyo" otherwise claim }\n'
                          'outcomes { claim, kasuhara }\nschema { day: date }\n'
                          'rule r { when day >= 2027-04-01 then kasuhara respond "x" }')
    frame = pd.DataFrame({"day": [pd.Timestamp("2027-04-01"), pd.Timestamp("2027-03-31"), pd.Timestamp("2027-04-01 10:00")]})
    decisions = list(policy.evaluate_many(frame))
    assert [d.outcome for d in decisions[:2]] == ["kasuhara", "claim"]
    assert decisions[2].error is not None and decisions[2].error.field == "day"
    assert dict(read_records(frame, policy))[1]["day"] == dt.date(2027, 4, 1)


def test_pandas_is_not_imported_unless_a_frame_is_given():
    """Deciding and reading files never import pandas (it stays optional)."""
    code = ("import sys, kasuhara_rules as k\n"
            "p = k.load_policy('examples/retail.kasu')\n"
            "list(p.evaluate_many([{}]))\n"
            "[p.evaluate_numbered(r, n) for n, r in k.read_records('examples/retail-incidents.jsonl', p)]\n"
            "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules, 'imported'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_empty_string_is_the_empty_text_in_a_text_field_and_absent_elsewhere():
    """A frame made from JSON records decides as the JSON does: "" in a text field (remarks) is the
    empty text, not a missing value; "" in a yes/no or integer field is absent, as an empty CSV cell."""
    record = {"incident_id": "E-1", "channel": "counter", "reported_at": "2027-04-13T14:00:00+09:00",
              "demand_type": "apology", "remarks": "", "raised_voice": "none", "demanded_dogeza": "",
              "exit_orders": ""}
    got = dict(read_records(pd.DataFrame([record]), RETAIL))[1]
    assert got["remarks"] == "" and got["demanded_dogeza"] is None and got["exit_orders"] is None
    from_frame = next(iter(RETAIL.evaluate_many(pd.DataFrame([record])))).to_dict()
    from_json = RETAIL.evaluate(dict((k, v) for k, v in record.items() if v != "" or k == "remarks"))
    assert "error" not in from_frame and from_frame["outcome"] == from_json.outcome is not None
