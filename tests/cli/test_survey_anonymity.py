"""`kasu survey` end to end against the disclosures of issue 25: differencing across runs (sealed rounds),
names of withheld groups, grouping by names, questions a round never asked, formulas in the template CSV."""
import csv
import io
import json

import pytest

from kasuhara_rules.cli.commands import main
from tests.conftest import ROOT

POLICY = ROOT / "examples" / "retail.kasu"
THREAT = "過去6か月に、お客様から「脅迫」を受けたことは何回ありますか。"
DOGEZA = "過去6か月に、お客様から「土下座の要求」を受けたことは何回ありますか。"


@pytest.fixture(autouse=True)
def _in_a_folder_of_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(x) for x in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def answers_file(path, rows, header=("所属部署", THREAT)):
    path.write_text("".join(",".join(r) + "\n" for r in [list(header)] + rows), encoding="utf-8")
    return path


def staff(n, dept="売場", answer="なかった"):
    return [[dept, answer] for _ in range(n)]


# ---- item 2: differencing across runs --------------------------------------------------------------


def test_a_late_answer_does_not_reveal_its_author(tmp_path):
    """Reported once, a round is sealed beside the output; the same round with one late answer is refused
    (exit 1, nothing written, the message explains the risk and names --reopen); the same answers are fine."""
    first = answers_file(tmp_path / "2026-06.csv", staff(10) + staff(10, "レジ"))
    code, _, err = run("survey", "report", first, "--format", "json", "-o", tmp_path / "a.json")
    assert code == 0, err
    seal = json.loads((tmp_path / "kasu-survey.seal.json").read_text(encoding="utf-8"))
    assert list(seal["rounds"]) == ["2026-06"] and seal["rounds"]["2026-06"]["respondents"] == 20
    assert run("survey", "report", first, "--format", "json", "-o", tmp_path / "again.json")[0] == 0
    answers_file(first, staff(10) + staff(10, "レジ") + staff(1, "レジ", "6回以上"))  # one late answer
    code, out, err = run("survey", "report", first, "--format", "json", "-o", tmp_path / "b.json")
    assert code == 1 and out == "" and not (tmp_path / "b.json").exists()
    assert "2026-06" in err and "--reopen" in err and "reveal" in err


def test_reopening_warns_and_reseals(tmp_path):
    """--reopen ROUND reports the changed round with a warning that explains the risk, and seals the new answers."""
    first = answers_file(tmp_path / "r1.csv", staff(10) + staff(10, "レジ"))
    assert run("survey", "report", first, "--format", "json")[0] == 0
    answers_file(first, staff(10) + staff(11, "レジ"))
    code, out, err = run("survey", "report", first, "--format", "json", "--reopen", "r1")
    assert code == 0 and json.loads(out)["rounds"][0]["respondents"] == 21
    assert "warning" in err and "work out the answers" in err
    assert run("survey", "report", first, "--format", "json")[0] == 0  # sealed again, as now


def test_the_same_answers_with_other_groupings_are_refused_too(tmp_path):
    """Publishing the same round again under other groupings (or another K) is a second set of figures: refused."""
    rows = [[d, r, "なかった"] for d in ("売場", "レジ") for r in ("正社員", "パート") for _ in range(6)]
    first = answers_file(tmp_path / "r.csv", rows, ("所属部署", "職種", THREAT))
    assert run("survey", "report", first, "--format", "json", "--seal", tmp_path / "s.json")[0] == 0
    code, _, err = run("survey", "report", first, "--format", "json", "--seal", tmp_path / "s.json",
                       "--min-group", "3")
    assert code == 1 and "--reopen" in err


# ---- item 3: names of withheld groups, grouping by names -------------------------------------------


def test_a_withheld_group_is_never_named(tmp_path):
    """A write-in 「本部窓口（佐藤）」 of one person is withheld and its name appears in no format."""
    rows = staff(12) + staff(9, "レジ") + staff(7, "物流") + [["本部窓口（佐藤）", "6回以上"]]
    path = answers_file(tmp_path / "r.csv", rows)
    for fmt in ("json", "md"):
        code, out, _ = run("survey", "report", path, "--format", fmt)
        assert code == 0 and "佐藤" not in out and "本部窓口" not in out
    assert "その他（5 人未満など）" in out


def test_grouping_by_names_is_refused(tmp_path):
    """`--group 氏名` on a column of names (mostly unique answers) is refused with a message, exit 2."""
    rows = [[f"社員{i}", "売場", "なかった"] for i in range(20)]
    path = answers_file(tmp_path / "r.csv", rows, ("氏名", "所属部署", THREAT))
    code, out, err = run("survey", "report", path, "--group", "氏名", "--format", "json")
    assert code == 2 and out == "" and "mostly unique" in err and "社員" not in err


# ---- item 4: a question a round never asked ---------------------------------------------------------


def test_a_question_a_round_never_asked_is_not_asked(tmp_path):
    """Round 1 had no 土下座 question: it is "not asked", never 0.0 %, and has no change between rounds."""
    one = answers_file(tmp_path / "r1.csv", staff(10, answer="1〜2回") + staff(10, "レジ"))
    two = answers_file(tmp_path / "r2.csv", [["売場", "1〜2回", "3〜5回"] for _ in range(20)],
                       ("所属部署", THREAT, DOGEZA))
    code, out, _ = run("survey", "report", one, two, "--format", "json")
    data = json.loads(out)
    dogeza = [c for c in data["prevalence"] if c["kind"] == "土下座の要求"]
    assert code == 0 and dogeza[0] == {"round": "r1", "kind": "土下座の要求", "not_asked": True}
    assert dogeza[1]["percent"] == 100.0
    assert [c["kind"] for c in data["change"]] == ["脅迫"]
    code, md, _ = run("survey", "report", one, two, "--format", "md")
    row = next(line for line in md.splitlines() if line.startswith("| 土下座の要求"))
    assert row.split("|")[2].strip() == "（質問なし）"


# ---- item 19: the questionnaire CSV never runs as a formula -----------------------------------------


def test_template_csv_neutralises_formulas(tmp_path):
    """A rule title or channel value that starts with = + - @ is written with a leading quote (OWASP)."""
    policy = tmp_path / "p.kasu"
    policy.write_text('policy "店" { id shop version "1" otherwise claim }\n'
                      'outcomes { claim, kasuhara }\n'
                      'schema {\n  loud "大声": bool\n  channel "窓口": one of ["=cmd|\' /C calc\'!A0", "@phone"]\n}\n'
                      'rule shouting "=HYPERLINK(\\"http://evil.example\\",\\"click\\")" { when loud then kasuhara }\n',
                      encoding="utf-8")
    code, out, err = run("survey", "template", policy, "--group", "channel")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out.lstrip("\ufeff"))) for c in row]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=cmd|' /C calc'!A0" in cells and "'@phone" in cells
