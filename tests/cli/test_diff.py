"""Tests for diff.py and `kasu diff`: changed records and the table of transitions."""
import io
import json

from kasuhara_rules import parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.cli.diff import compare
from tests.conftest import ROOT

HEAD = 'policy "t" {{ id t  version "{}"  otherwise claim }}\noutcomes {{ claim, kasuhara }}\n' \
       'severities {{ low, high }}\nescalations {{ staff, boss }}\nschema {{ id: text key, n: int, flag: optional bool }}\n'
OLD = parse_policy(HEAD.format("1") + 'rule r { when n >= 10 then kasuhara severity high respond "x" escalate boss }\n')
NEW = parse_policy(HEAD.format("2") + 'rule r { when n >= 5 then kasuhara severity high respond "x" escalate boss }\n'
                   'rule m { when n between 3 and 4 then kasuhara severity low respond "y" }\n'
                   'rule u { when flag then kasuhara severity high respond "z" }\n')
RECORDS = [{"id": "a", "n": 1, "flag": False}, {"id": "b", "n": 3, "flag": False}, {"id": "c", "n": 7, "flag": False},
           {"id": "d", "n": 12, "flag": False}, {"id": "e", "n": 1}, {"id": "f", "n": "x"}]


def test_known_transitions():
    """Each changed record is reported with old and new, and transitions are counted."""
    report = compare(OLD, NEW, enumerate(RECORDS, 1))
    assert [c.incident for c in report.changes] == ["b", "c", "e"]
    assert report.transitions == (("claim", "kasuhara/high", 1), ("claim", "kasuhara/low", 1), ("claim", "review", 1))
    assert (report.unchanged, report.invalid) == (2, 1)
    change = report.changes[1]
    assert change.old == {"outcome": "claim", "severity": None, "rule": None, "escalation": None, "responses": []}
    assert change.new == {"outcome": "kasuhara", "severity": "high", "rule": "r", "escalation": "boss",
                          "responses": ["x"]}


def test_cli_text_json_and_exit_codes(tmp_path):
    """Text lists changes and transitions; JSON carries the same; exit 1 when something changed."""
    (tmp_path / "old.kasu").write_text(HEAD.format("1") + 'rule r { when n >= 10 then kasuhara severity high respond "x" }\n',
                                       encoding="utf-8")
    (tmp_path / "new.kasu").write_text(HEAD.format("2") + 'rule r { when n >= 5 then kasuhara severity high respond "x" }\n',
                                       encoding="utf-8")
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS[:4]), encoding="utf-8")
    out = io.StringIO()
    code = main(["diff", str(tmp_path / "old.kasu"), str(tmp_path / "new.kasu"), str(tmp_path / "r.jsonl")],
                out=out, err=io.StringIO())
    assert code == 1
    text = out.getvalue()
    assert "c (line 3): claim → kasuhara/high by r" in text and "claim → kasuhara/high  1" in text
    out = io.StringIO()
    main(["diff", "--format", "json", str(tmp_path / "old.kasu"), str(tmp_path / "new.kasu"), str(tmp_path / "r.jsonl")],
         out=out, err=io.StringIO())
    data = json.loads(out.getvalue())
    assert data["changed"] == 1 and data["transitions"] == [{"from": "claim", "to": "kasuhara/high", "count": 1}]
    same = main(["diff", str(tmp_path / "old.kasu"), str(tmp_path / "old.kasu"), str(tmp_path / "r.jsonl")],
                out=io.StringIO(), err=io.StringIO())
    assert same == 0


def test_baseline_versus_retail_on_retail_incidents():
    """The worked example of docs/policies.md: what the retail adaptation changes against the baseline."""
    out = io.StringIO()
    code = main(["diff", str(ROOT / "examples" / "mhlw-baseline.kasu"), str(ROOT / "examples" / "retail.kasu"),
                 str(ROOT / "examples" / "retail-incidents.jsonl")], out=out, err=io.StringIO())
    assert code == 3 and "refund_outside_policy" in out.getvalue()  # 3: some incidents lack retail's fields
    assert "undecidable:" in out.getvalue()


CSV_OLD = HEAD.format("1") + 'rule r { when n >= 10 then kasuhara severity high respond "x" }\n'
CSV_NEW = ('policy "t" { id t  version "2"  otherwise claim }\noutcomes { claim, kasuhara }\n'
           'severities { low, high }\nescalations { staff, boss }\n'
           'schema { id: text key, n: int, flag: optional bool, calls: optional int }\n'
           'rule r { when n >= 10 then kasuhara severity high respond "x" }\n'
           'rule c { when calls >= 3 then kasuhara severity low respond "c" }\n')


def test_each_version_reads_csv_with_its_own_schema(tmp_path):
    """A column only NEW declares is read for NEW (CSV used OLD's schema only: no change seen)."""
    (tmp_path / "old.kasu").write_text(CSV_OLD, encoding="utf-8")
    (tmp_path / "new.kasu").write_text(CSV_NEW, encoding="utf-8")
    (tmp_path / "r.csv").write_text("id,n,calls\na,1,5\nb,1,0\n", encoding="utf-8")
    out = io.StringIO()
    code = main(["diff", "--format", "json", str(tmp_path / "old.kasu"), str(tmp_path / "new.kasu"),
                 str(tmp_path / "r.csv")], out=out, err=io.StringIO())
    data = json.loads(out.getvalue())
    assert code == 1 and [c["incident"] for c in data["changes"]] == ["a"]
    assert data["changes"][0]["new"]["rule"] == "c"


def test_undecidable_records_are_listed_with_reasons_and_exit_3(tmp_path):
    """A record one version cannot decide is listed (with each version's reason), exit 3."""
    (tmp_path / "old.kasu").write_text(CSV_OLD, encoding="utf-8")
    (tmp_path / "new.kasu").write_text(CSV_NEW, encoding="utf-8")
    (tmp_path / "r.jsonl").write_text('{"id": "a", "n": 1}\n{"id": "b", "n": 1, "calls": "many"}\n', encoding="utf-8")
    out = io.StringIO()
    code = main(["diff", str(tmp_path / "old.kasu"), str(tmp_path / "new.kasu"), str(tmp_path / "r.jsonl")],
                out=out, err=io.StringIO())
    assert code == 3
    text = out.getvalue()
    assert "undecidable:" in text and "b (line 2): old: decided; new: calls" in text
    report = compare(OLD, NEW, enumerate(RECORDS, 1))
    assert [(u.incident, u.old is not None, u.new is not None) for u in report.undecidable] == [("f", True, True)]


def test_changed_responses_count_as_changes():
    """Same outcome, severity, rule and escalation but different responses: a change."""
    a = parse_policy(HEAD.format("1") + 'rule r { when n >= 10 then kasuhara severity high respond "x" }\n')
    b = parse_policy(HEAD.format("2") + 'rule r { when n >= 10 then kasuhara severity high respond "y" }\n')
    report = compare(a, b, enumerate([{"id": "a", "n": 12}, {"id": "b", "n": 1}], 1))
    assert [c.incident for c in report.changes] == ["a"]
    assert report.changes[0].new["responses"] == ["y"]


def test_changed_digest_with_the_same_version_warns():
    """Two different policies that both say version "1": a warning (and none for two versions)."""
    a = parse_policy(HEAD.format("1") + 'rule r { when n >= 10 then kasuhara severity high respond "x" }\n')
    b = parse_policy(HEAD.format("1") + 'rule r { when n >= 5 then kasuhara severity high respond "x" }\n')
    report = compare(a, b, enumerate([{"id": "a", "n": 1}], 1))
    assert len(report.warnings) == 1 and 'version "1"' in report.warnings[0]
    assert compare(a, NEW, enumerate([{"id": "a", "n": 1}], 1)).warnings == ()
    assert compare(a, a, enumerate([{"id": "a", "n": 1}], 1)).warnings == ()
