"""Every output for people shows a `one of` value by its label (contract 1.2 §3); JSON keeps values."""
import io
import json

import pytest

from kasuhara_rules import parse_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.render import report as rep
from kasuhara_rules.render.survey import build_template

POLICY = '''policy "店" { id shop version "1" otherwise claim }
outcomes { claim "正当なクレーム", kasuhara "カスハラ" }
severities { medium "中度", high "重度" }
escalations { supervisor "上長" }
schema {
  incident_id "事案番号": text key
  channel "受付チャネル": one of ["counter" "窓口", "phone" "電話"]
  raised_voice "大声": optional one of ["none" "なし", "once" "一度", "persistent" "続いた"]
  reported_at "受付日時": datetime
}
rule loud "大声が続いた" {
  when channel == "phone" and raised_voice in ["persistent"]
  then kasuhara severity high
  respond "通話を終える。"
  escalate supervisor
}
'''


@pytest.fixture(scope="module")
def policy():
    return parse_policy(POLICY)


def record(i, channel, voice):
    r = {"incident_id": f"A-{i}", "channel": channel, "reported_at": f"2026-0{i % 3 + 4}-01T10:00:00+09:00"}
    if voice is not None:
        r["raised_voice"] = voice
    return r


def test_the_explanation_shows_labels_and_json_the_values(policy):
    """`電話 (phone)` beside the field; the decision's JSON reads "phone"."""
    d = policy.evaluate(record(1, "電話", "続いた"), explain=True)
    text = d.explain(lang="ja")
    assert "受付チャネル (channel) = 電話 (phone)" in text and "大声 (raised_voice) = 続いた (persistent)" in text
    assert '"電話"' not in json.dumps(d.to_dict(explain=True), ensure_ascii=False)


def test_the_guide_reads_labels_and_the_auditor_edition_also_codes(policy):
    """Staff read 「電話」 and 「続いた」; auditors read 「電話（phone）」; in English, a label that is English."""
    staff = policy.guide(lang="ja")
    assert "受付チャネルが「電話」" in staff and "「続いた」" in staff and "「phone」" not in staff
    assert "「電話（phone）」" in policy.guide(lang="ja", audience="auditor")
    english = policy.guide(lang="en")  # Japanese labels give way to the values, as field names do
    assert '"phone"' in english and '"電話"' not in english
    en = parse_policy(POLICY.replace('"phone" "電話"', '"phone" "telephone"'))
    assert '"telephone"' in en.guide(lang="en")


def test_the_report_shows_labels_and_tells_not_recorded_from_none(policy):
    """Tables and chart legends show labels; an absent value is 「（記録なし）」, never `-` beside 「なし」."""
    records = [record(1, "電話", "続いた"), record(2, "窓口", "なし"), record(3, "phone", None), record(4, "counter", "none")]
    data = rep.aggregate(policy.checked, [policy.evaluate_numbered(r, i) for i, r in enumerate(records, 1)])
    assert data["fields"]["raised_voice"] == {"none": 2, "persistent": 1, "-": 1}  # the JSON keeps values
    md = rep.to_markdown(data, "ja")
    assert "| 電話 |" in md or "電話 |" in md
    assert "なし" in md and "（記録なし）" in md and "| - |" not in md and "persistent" not in md
    specs = rep.chart_specs(data, "ja")
    keys = {row["key"] for row in specs["field:raised_voice"]["data"]["values"]}
    assert keys == {"なし", "続いた", "（記録なし）"}
    assert {row["key"] for row in specs["field:channel"]["data"]["values"]} == {"電話", "窓口"}


def test_the_survey_offers_the_channels_by_their_labels(policy):
    """The channel question's choices are the labels staff know."""
    template = build_template(policy.checked, groups=("channel",))
    assert template.questions[0].choices == ("窓口", "電話")


def test_kasu_diff_names_outcomes_severities_rules_and_escalations(tmp_path):
    """The text shows labels beside the codes; the JSON keeps the codes."""
    (tmp_path / "old.kasu").write_text(POLICY.replace('"persistent"]', '"persistent", "once"]'), encoding="utf-8")
    (tmp_path / "new.kasu").write_text(POLICY.replace('version "1"', 'version "2"'), encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(json.dumps(record(1, "電話", "一度"), ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    args = ["diff", str(tmp_path / "old.kasu"), str(tmp_path / "new.kasu"), str(tmp_path / "r.jsonl")]
    assert main(args + ["--lang", "ja"], out=out, err=io.StringIO()) == 1
    text = out.getvalue()
    assert "カスハラ/重度 (kasuhara/high) by loud「大声が続いた」, escalate 上長 (supervisor) → 正当なクレーム (claim)" in text
    assert "カスハラ/重度 (kasuhara/high) → 正当なクレーム (claim)  1" in text
    out = io.StringIO()
    main(args + ["--format", "json"], out=out, err=io.StringIO())
    assert json.loads(out.getvalue())["transitions"] == [{"from": "kasuhara/high", "to": "claim", "count": 1}]


def test_kasu_test_failures_show_the_labels(tmp_path):
    """A failing example's explanation reads the given values by their labels."""
    text = POLICY + ('example "e" { given { incident_id: "1", channel: "電話", raised_voice: "続いた", '
                     'reported_at: 2026-04-01T10:00:00+09:00 } expect claim }\n')
    (tmp_path / "p.kasu").write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert main(["test", str(tmp_path / "p.kasu"), "--lang", "ja"], out=out, err=io.StringIO()) == 1
    assert "受付チャネル (channel) = 電話 (phone)" in out.getvalue()


def test_completion_offers_each_value_with_its_label():
    """Inside `channel == "`, each value comes with its label as the detail; hover shows the labels."""
    from kasuhara_rules.cli.lsp.analysis import analyse

    text = POLICY.replace('when channel == "phone" and', 'when channel == "')
    a = analyse("/tmp/shop.kasu", text, previous=analyse("/tmp/shop.kasu", POLICY))
    line = text.splitlines().index(next(x for x in text.splitlines() if 'channel == "' in x)) + 1
    column = text.splitlines()[line - 1].index('channel == "') + len('channel == "') + 1
    items = a.complete(line, column)
    assert [(c.label, c.detail) for c in items] == [('"counter"', "窓口"), ('"phone"', "電話")]


def test_a_label_in_a_condition_has_a_quick_fix():
    """E403 on `channel == "電話"` offers `"phone"`."""
    from kasuhara_rules.cli.lsp.analysis import analyse

    text = POLICY.replace('channel == "phone"', 'channel == "電話"')
    a = analyse("/tmp/shop.kasu", text)
    d = next(x for x in a.diagnostics if x.code == "E403")
    assert [e.text for e in a.fixes(d)] == ['"phone"']


def test_the_json_schema_accepts_values_and_labels(policy):
    """`kasu schema`: the enum lists the values and then their labels, and names each value's label."""
    import jsonschema

    schema = policy.json_schema()
    channel = schema["properties"]["channel"]
    assert channel["enum"] == ["counter", "phone", "窓口", "電話"]
    assert channel["x-kasu-labels"] == {"counter": "窓口", "phone": "電話"}
    jsonschema.validate(record(1, "電話", "続いた"), schema)


def test_the_journal_counts_values_and_the_case_file_shows_labels(tmp_path, policy):
    """A record journaled with a label is counted under its value (the journal's report), and the
    case file shows the fact as `label (value)`."""
    pytest.importorskip("sqlalchemy")
    from kasuhara_rules.journal import open_journal
    from kasuhara_rules.render.casefile import to_html

    with open_journal(f"sqlite:///{tmp_path / 'j.db'}") as journal:
        journal.add(record(1, "電話", "続いた"), by="sato", policy=policy)
        journal.add(record(2, "phone", "none"), by="sato", policy=policy)
        report = journal.report()
        html = to_html(journal.case_file("A-1"), "ja")
    assert report["fields"]["channel"] == {"phone": 2}
    assert "電話 (phone)" in html and "続いた (persistent)" in html
