"""Tests for render/survey.py and `kasu survey`: the questionnaire, reading answers (UTF-8, Shift_JIS,
.xlsx), anonymity (≥ K respondents behind every figure, complementary suppression), and the HTML."""
import csv
import io
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasuhara_rules import load_policy
from kasuhara_rules.cli.commands import main
from kasuhara_rules.render import survey as sv
from tests import browser
from tests.conftest import ROOT
from tests.fixtures.risk import SECRET, survey_rounds

POLICY = ROOT / "examples" / "retail.kasu"


@pytest.fixture(scope="module")
def policy():
    return load_policy(str(POLICY))


@pytest.fixture(scope="module")
def rounds(policy, tmp_path_factory):
    """Two rounds of 300 staff: the first as UTF-8 CSV, the second as Shift_JIS (as Japanese Excel saves)."""
    folder = tmp_path_factory.mktemp("survey")
    first, second = survey_rounds(policy)
    a, b = folder / "2026-06.csv", folder / "2026-09.csv"
    a.write_text(first, encoding="utf-8")
    b.write_bytes(second.encode("cp932"))
    return a, b


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([str(x) for x in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# ---- the questionnaire ---------------------------------------------------------------------


def test_template_has_a_question_per_kind_of_conduct(policy):
    """One conduct question per rule that decides other than the default outcome, plus groups and free text."""
    t = sv.build_template(policy.checked)
    expected = [r.name for r in policy.checked.rules if r.outcome not in (policy.checked.header.otherwise, "review")]
    assert [q.key for q in t.conduct] == expected
    assert [q.key for q in t.questions if q.kind == "group"] == ["department", "role"]
    assert t.questions[-1].kind == "free" and all(q.choices == sv.ANSWERS["ja"] for q in t.conduct)


def test_template_by_tag_groups_rules(policy):
    """--by tag asks once per tag (rules without tags keep their own question)."""
    keys = [q.key for q in sv.build_template(policy.checked, by="tag").conduct]
    rules = [r for r in policy.checked.rules if r.outcome not in (policy.checked.header.otherwise, "review")]
    expected = list(dict.fromkeys(t for r in rules for t in (r.tags or (r.name,))))
    assert keys == expected and any(r.tags for r in rules)
    assert not any(r.name in keys for r in rules if r.tags)


def test_cli_template_csv_and_html(tmp_path):
    """The CSV lists every question with its choices (a form builder's layout); the HTML prints with boxes."""
    code, out, _ = run("survey", "template", POLICY, "--group", "channel", "--group", "department")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert code == 0 and rows[0][:3] == ["質問", "種類", "必須"]
    assert rows[1][0] == "主に対応する窓口" and "counter" in rows[1]
    assert any(r[3:7] == list(sv.ANSWERS["ja"]) for r in rows[1:])
    code, out, _ = run("survey", "template", POLICY, "--format", "html", "--lang", "en")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and out.count('class="q"') == len(rows) - 1


# ---- reading answers -----------------------------------------------------------------------


def test_report_reads_utf8_and_shift_jis_and_excludes_identifiers(rounds):
    """Both rounds are read (one UTF-8, one cp932); e-mail, timestamps and free text never appear."""
    code, out, err = run("survey", "report", *rounds, "--policy", POLICY, "--format", "json")
    data = json.loads(out)
    assert code == 0, err
    assert [(r["round"], r["respondents"]) for r in data["rounds"]] == [("2026-06", 300), ("2026-09", 300)]
    assert "@example.jp" not in out and SECRET not in out and "2026/0" not in out
    assert len(data["change"]) == len(data["kinds"]) > 10


def test_report_without_policy_reads_the_same(rounds):
    """Without --policy, conduct columns are recognised by their answers, with the same figures."""
    with_policy = json.loads(run("survey", "report", *rounds, "--policy", POLICY, "--format", "json")[1])
    without = json.loads(run("survey", "report", *rounds, "--format", "json")[1])
    assert [c["percent"] for c in with_policy["prevalence"]] == [c["percent"] for c in without["prevalence"]]


def test_report_reads_xlsx(rounds, tmp_path):
    """An .xlsx workbook gives the same aggregate as the CSV it holds."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(rounds[0].read_text(encoding="utf-8"))):
        book.active.append(row)
    target = tmp_path / "2026-06.xlsx"
    book.save(target)
    a = json.loads(run("survey", "report", target, "--policy", POLICY, "--format", "json")[1])
    b = json.loads(run("survey", "report", rounds[0], "--policy", POLICY, "--format", "json")[1])
    assert a["prevalence"] == b["prevalence"] and a["groups"] == b["groups"]


def test_invalid_rows_exit_3_listed_by_line(rounds, tmp_path):
    """A row with an unknown answer is left out, counted and listed by line (no content), exit 3."""
    lines = rounds[0].read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(sv.ANSWERS["ja"][0], "たぶん", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run("survey", "report", bad, "--policy", POLICY, "--format", "json")
    data = json.loads(out)
    assert code == 3 and data["invalid"] == {"count": 1, "rows": [{"file": str(bad), "line": 5}]}
    assert data["rounds"][0]["respondents"] == 299 and "たぶん" not in out


def test_identifier_columns_are_never_read(tmp_path):
    """An identifier column is ignored even when its cells look like answers or are broken."""
    rows = [["社員番号", "所属部署", "過去6か月に、お客様から「脅迫」を受けたことは何回ありますか。"]]
    rows += [[f"E{i:04d}" if i % 2 else "なかった", "売場", "なかった" if i % 3 else "1〜2回"] for i in range(12)]
    path = tmp_path / "ids.csv"
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    code, out, _ = run("survey", "report", path, "--format", "json")
    data = json.loads(out)
    assert code == 0 and [k["label"] for k in data["kinds"]] == ["脅迫"] and "E000" not in out


def test_min_group_below_3_is_refused(rounds):
    """K < 3 is a usage error with a message."""
    code, out, err = run("survey", "report", rounds[0], "--min-group", "2")
    assert code == 2 and out == "" and "3" in err


def test_small_group_is_suppressed_with_a_complement(rounds):
    """The fixture's small department is withheld together with another, in every round."""
    data = json.loads(run("survey", "report", *rounds, "--policy", POLICY, "--format", "json")[1])
    dept = next(g for g in data["groups"] if g["group"] == "department")
    for r in ("2026-06", "2026-09"):
        hidden = [c["value"] for c in dept["cells"] if c["round"] == r and c.get("suppressed")]
        assert "本部窓口" in hidden and len(hidden) >= 2


# ---- anonymity properties ------------------------------------------------------------------

KINDS = [("a", "A"), ("b", "B")]
GROUPS = [("department", "部署"), ("role", "職種")]


@st.composite
def answer_sets(draw):
    """Random answers: 1–3 rounds, groups of very uneven size (many below K)."""
    answers = []
    rounds = [f"r{i}" for i in range(draw(st.integers(1, 3)))]
    for r in rounds:
        for dept in "PQRST"[: draw(st.integers(1, 5))]:
            size = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 12, 30]))
            for _ in range(size):
                role = draw(st.sampled_from("xyz"))
                answers.append(sv.Answer(r, {"department": dept, "role": role},
                                         {"a": draw(st.booleans()), "b": draw(st.booleans())}))
    return answers, rounds


def _isolated(equations: list[tuple[dict, Fraction]], unknowns: list) -> list:
    """The unknowns a set of linear equations determines exactly (e_i in the row space)."""
    index = {u: i for i, u in enumerate(unknowns)}
    rows = [[Fraction(0)] * len(unknowns) for _ in equations]
    for row, (coeffs, _) in zip(rows, equations):
        for u, c in coeffs.items():
            row[index[u]] = Fraction(c)
    basis = _reduce(rows)
    found = []
    for u, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if len(_reduce(basis + [unit])) == len(basis):
            found.append(u)
    return found


def _reduce(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    rows = [r[:] for r in rows]
    out: list[list[Fraction]] = []
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [x / pivot[col] for x in pivot]
        rows = [[a - r[col] * b for a, b in zip(r, pivot)] for r in rows]
        out = [[a - r[col] * b for a, b in zip(r, pivot)] for r in out] + [pivot]
    return out


@given(answer_sets(), st.integers(3, 8))
def test_every_published_figure_rests_on_k_respondents(case, k):
    """No published figure (round, prevalence, group cell) rests on fewer than K respondents."""
    answers, rounds = case
    data = sv.aggregate(answers, KINDS, GROUPS, k, rounds)
    assert all(n >= k for _, n in sv.published_numbers(data))
    for g in data["groups"]:
        for c in g["cells"]:
            assert c.get("suppressed") or (c["respondents"] >= k and set(c["kinds"]) == {"a", "b"})


@given(answer_sets(), st.integers(3, 8))
def test_no_suppressed_cell_can_be_recovered(case, k):
    """From every published total and cell (respondents, and experienced per kind), no linear combination
    isolates a suppressed cell, and every recoverable sum of suppressed cells holds ≥ K respondents."""
    answers, rounds = case
    data = sv.aggregate(answers, KINDS, GROUPS, k, rounds)
    totals = {r["round"]: r["respondents"] for r in data["rounds"] if not r["suppressed"]}
    per_kind = {(c["round"], c["kind"]): c["experienced"] for c in data["prevalence"] if not c.get("suppressed")}
    for measure in ["respondents"] + [key for key, _ in KINDS]:
        equations, unknowns = [], []
        for g in data["groups"]:
            for r in rounds:
                cells = [c for c in g["cells"] if c["round"] == r]
                hidden = [(g["group"], r, c["value"]) for c in cells if c.get("suppressed")]
                unknowns += hidden
                if r not in totals or not hidden:
                    continue  # an unpublished total gives no equation
                total = totals[r] if measure == "respondents" else per_kind[(r, measure)]
                known = sum(c["respondents"] if measure == "respondents" else c["kinds"][measure]["experienced"]
                            for c in cells if not c.get("suppressed"))
                equations.append(({u: 1 for u in hidden}, Fraction(total - known)))
                if measure == "respondents":
                    assert total - known >= k, (g["group"], r, hidden)  # the withheld block is itself ≥ K
        assert _isolated(equations, unknowns) == [] if unknowns else True


def test_isolation_check_finds_a_lone_suppressed_cell():
    """The linear check does flag a cell that a published total and its other cells determine."""
    assert _isolated([({"p": 1}, Fraction(3))], ["p", "q"]) == ["p"]
    assert _isolated([({"p": 1, "q": 1}, Fraction(3)), ({"q": 1, "r": 1}, Fraction(4))], ["p", "q", "r"]) == []
    assert _isolated([({"p": 1, "q": 1}, Fraction(3)), ({"q": 1}, Fraction(1))], ["p", "q"]) == ["p", "q"]


def test_suppress_never_leaves_one_cell_alone():
    """A single small group takes the smallest other group with it; a line without small groups is whole."""
    assert sv.suppress({"a": 2, "b": 9, "c": 7}, True, 5) == {"a", "c"}
    assert sv.suppress({"a": 1, "b": 1, "c": 40}, True, 5) == {"a", "b", "c"}
    assert sv.suppress({"a": 2, "b": 3}, False, 5) == {"a", "b"}
    assert sv.suppress({"a": 5, "b": 5}, True, 5) == set()


# ---- HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_in_a_real_browser(rounds, tmp_path, lang):
    """The survey report renders with no console message, heat maps present, A4 without a lone heading."""
    pytest.importorskip("vl_convert")
    code, out, _ = run("survey", "report", *rounds, "--policy", POLICY, "--lang", lang)
    assert code == 0 and "@example.jp" not in out and SECRET not in out and "<script" not in out
    browser.check_page(out, tmp_path, f"survey-{lang}", charts=5)


def test_template_html_in_a_real_browser(tmp_path):
    """The printable questionnaire renders cleanly and prints on A4."""
    code, out, _ = run("survey", "template", POLICY, "--format", "html")
    assert code == 0
    browser.check_page(out, tmp_path, "template", charts=0)
