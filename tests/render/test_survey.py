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
from kasuhara_rules.render.disclosure import mostly_unique
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


@pytest.fixture(autouse=True)
def _in_a_folder_of_its_own(tmp_path, monkeypatch):
    """Reports to standard output keep their seal in the current directory: one per test."""
    monkeypatch.chdir(tmp_path)


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
    assert rows[1][0] == "主に対応する窓口" and "窓口" in rows[1] and "counter" not in rows[1]  # the labels
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
    """The fixture's small department is withheld together with another, in every round, and neither is
    named: one "other" cell stands for them."""
    from tests.fixtures.risk import DEPARTMENTS

    code, out, _ = run("survey", "report", *rounds, "--policy", POLICY, "--format", "json")
    data = json.loads(out)
    dept = next(g for g in data["groups"] if g["group"] == "department")
    for r in ("2026-06", "2026-09"):
        shown = [c["value"] for c in dept["cells"] if c["round"] == r and not c.get("suppressed")]
        others = [c for c in dept["cells"] if c["round"] == r and c.get("suppressed")]
        assert len(shown) <= len(DEPARTMENTS) - 2 and "本部窓口" not in shown
        assert others == [{"round": r, "value": None, "other": True, "suppressed": True}]
    assert "本部窓口" not in out
    for fmt in ("md", "html"):
        text = run("survey", "report", *rounds, "--policy", POLICY, "--format", fmt)[1] if fmt == "md" or \
            pytest.importorskip("vl_convert") else ""
        assert "本部窓口" not in text and "その他（5 人未満など）" in text


# ---- anonymity properties ------------------------------------------------------------------

KINDS = [("a", "A"), ("b", "B")]
GROUPS = [("department", "部署"), ("role", "職種"), ("floor", "店舗・売場")]


@st.composite
def answer_sets(draw):
    """Random answers: 1–3 rounds, departments of very uneven size (many below K), a role, and a floor
    grouping nested in the department (店舗 and 店舗・売場: every floor lies in one department)."""
    answers = []
    rounds = [f"r{i}" for i in range(draw(st.integers(1, 3)))]
    for r in rounds:
        for dept in "PQRS"[: draw(st.integers(1, 4))]:
            size = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 12, 20]))
            for _ in range(size):
                role = draw(st.sampled_from("xy"))
                floor = dept + draw(st.sampled_from("uv"))
                answers.append(sv.Answer(r, {"department": dept, "role": role, "floor": floor},
                                         {"a": draw(st.booleans()), "b": draw(st.booleans())}))
    return answers, rounds


def _reduce(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row-echelon form, exact (rows in the order of their pivot columns)."""
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


def _derivable_small_sets(published: list[frozenset], people: dict, k: int) -> list[frozenset]:
    """The exact attack, independent of the code under test: every set S of atoms (people alike in
    every grouping answer) holding 1..k-1 people whose count is a rational linear combination of the
    published counts. 1_S lies in the row space iff it is orthogonal to the null space, so each atom
    gets its coordinates in a null-space basis and a subset is derivable iff they sum to zero."""
    atoms = list(people)
    rows = [[Fraction(int(a in s)) for a in atoms] for s in published]
    basis = _reduce(rows) if rows else []
    pivots = [next(i for i, x in enumerate(row) if x != 0) for row in basis]
    null = []
    for free in (c for c in range(len(atoms)) if c not in pivots):
        z = [Fraction(0)] * len(atoms)
        z[free] = Fraction(1)
        for row, p in zip(basis, pivots):
            z[p] = -row[free]
        null.append(z)
    coords = [tuple(z[c] for z in null) for c in range(len(atoms))]
    small = [c for c in range(len(atoms)) if people[atoms[c]] < k]
    found = []

    def walk(start, total, chosen, count):
        for j in range(start, len(small)):
            c = small[j]
            if count + people[atoms[c]] >= k:
                continue
            vector = tuple(a + b for a, b in zip(total, coords[c]))
            subset = chosen + [c]
            if all(x == 0 for x in vector):
                found.append(frozenset(atoms[i] for i in subset))
            walk(j + 1, vector, subset, count + people[atoms[c]])

    walk(0, tuple(Fraction(0) for _ in null), [], 0)
    return found


def _attack(data, answers, rounds, k):
    """Every set of fewer than k people an attacker can single out from one report's figures."""
    keys = [g for g, _ in GROUPS]
    leaks = []
    for r in rounds:
        people = {}
        for a in answers:
            if a.round == r:
                atom = tuple(a.groups[g] for g in keys)
                people[atom] = people.get(atom, 0) + 1
        published = [frozenset(people)] if any(x["round"] == r and not x["suppressed"] for x in data["rounds"]) else []
        for g in data["groups"]:
            i = keys.index(g["group"])
            for c in g["cells"]:
                if c["round"] == r and not c.get("suppressed"):
                    cell = frozenset(atom for atom in people if atom[i] == c["value"])
                    assert sum(people[a] for a in cell) == c["respondents"]
                    published.append(cell)
        leaks += [(r, sorted(s)) for s in _derivable_small_sets(published, people, k)]
    return leaks


def published_numbers(data):
    """Every respondent count the aggregate publishes, with where it is."""
    out = [(f"round {r['round']}", r["respondents"]) for r in data["rounds"] if not r["suppressed"]]
    out += [(f"prevalence {c['round']} {c['kind']}", c["respondents"]) for c in data["prevalence"]
            if "respondents" in c]
    for g in data["groups"]:
        out += [(f"{g['group']} {c['value']} {c['round']}", c["respondents"]) for c in g["cells"]
                if not c.get("suppressed")]
    return out


def _aggregate(answers, k, rounds):
    """The aggregate, or None when a grouping question was refused as mostly unique (only then)."""
    try:
        return sv.aggregate(answers, KINDS, GROUPS, k, rounds)
    except sv.SurveyError:
        assert any(mostly_unique([a.groups[g] for a in answers], k) for g, _ in GROUPS)
        return None


@given(answer_sets(), st.integers(3, 6))
def test_every_published_figure_rests_on_k_respondents(case, k):
    """No published figure (round, prevalence, group cell) rests on fewer than K respondents."""
    answers, rounds = case
    data = _aggregate(answers, k, rounds)
    if data is None:
        return
    assert all(n >= k for _, n in published_numbers(data))
    for g in data["groups"]:
        for c in g["cells"]:
            assert c.get("suppressed") or (c["respondents"] >= k and set(c["kinds"]) == {"a", "b"})


@given(answer_sets(), st.integers(3, 6))
def test_no_combination_of_published_figures_singles_out_fewer_than_k(case, k):
    """The exact attack over one report: from every published count (round totals and the cells of all
    grouping questions, nested ones included), no rational linear combination equals the count of a set
    of fewer than K people. The experienced counts are published over the very same sets, so this
    covers them (and every group × kind cross-tabulation) too."""
    answers, rounds = case
    data = _aggregate(answers, k, rounds)
    if data is None:
        return
    assert _attack(data, answers, rounds, k) == []


def test_the_nested_groupings_attack_of_the_issue():
    """売場 (12) and 横浜売場 (11) both published used to give away the one person of 東京売場: one of them
    is now withheld, and the attack finds nothing (it does find the person when both are published)."""
    answers = ([sv.Answer("r", {"floor": "売場", "shop_floor": "横浜売場"}, {"a": True}) for _ in range(11)]
               + [sv.Answer("r", {"floor": "売場", "shop_floor": "東京売場"}, {"a": False})]
               + [sv.Answer("r", {"floor": "窓口", "shop_floor": "横浜窓口"}, {"a": False}) for _ in range(9)]
               + [sv.Answer("r", {"floor": "窓口", "shop_floor": "東京窓口"}, {"a": True}) for _ in range(8)])
    groups = [("floor", "売場"), ("shop_floor", "店舗・売場")]
    data = sv.aggregate(answers, [("a", "A")], groups, 5)
    shown = {(g["group"], c["value"]): c["respondents"] for g in data["groups"] for c in g["cells"]
             if not c.get("suppressed")}
    assert not (("floor", "売場") in shown and ("shop_floor", "横浜売場") in shown)
    atoms = {("売場", "横浜売場"): 11, ("売場", "東京売場"): 1, ("窓口", "横浜窓口"): 9, ("窓口", "東京窓口"): 8}
    everything = [frozenset(atoms)] + [frozenset(a for a in atoms if a[0] == "売場"),
                                       frozenset(a for a in atoms if a[1] == "横浜売場")]
    assert _derivable_small_sets(everything, atoms, 5) == [frozenset({("売場", "東京売場")})]
    published = [frozenset(atoms)] + [frozenset(a for a in atoms if a[0 if g == "floor" else 1] == v)
                                      for (g, v) in shown]
    assert _derivable_small_sets(published, atoms, 5) == []


def test_the_attack_finds_what_it_should():
    """The oracle is not blind: a lone cell given away by a total, and a pair that only marginals hide."""
    atoms = {"p": 3, "q": 10}
    assert _derivable_small_sets([frozenset(atoms), frozenset({"q"})], atoms, 5) == [frozenset({"p"})]
    grid = {(d, r): 3 for d in "PQ" for r in "xy"}  # marginals of a 2 × 2 table do not give a cell
    marginals = [frozenset(grid)] + [frozenset(a for a in grid if a[0] == "P"), frozenset(a for a in grid if a[1] == "x")]
    assert _derivable_small_sets(marginals, grid, 5) == []
    one_more = marginals + [frozenset({("P", "x"), ("P", "y"), ("Q", "x")})]  # full rank: every cell follows
    assert sorted(_derivable_small_sets(one_more, grid, 5), key=sorted) == [frozenset({a}) for a in sorted(grid)]


def test_suppression_withholds_a_complement_for_a_lone_small_group():
    """A single small group takes the smallest other group with it; a line without small groups is whole."""
    answers = [sv.Answer("r", {"d": d}, {"a": True}) for d, n in (("a", 2), ("b", 9), ("c", 7)) for _ in range(n)]
    data = sv.aggregate(answers, [("a", "A")], [("d", "D")], 5)
    assert [c["value"] for c in data["groups"][0]["cells"] if not c.get("suppressed")] == ["b"]
    answers = [sv.Answer("r", {"d": d}, {"a": True}) for d in "ab" for _ in range(5)]
    data = sv.aggregate(answers, [("a", "A")], [("d", "D")], 5)
    assert [c["value"] for c in data["groups"][0]["cells"]] == ["a", "b"]


# ---- HTML ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_in_a_real_browser(rounds, tmp_path, lang):
    """The survey report renders with no console message, heat maps present, A4 without a lone heading."""
    pytest.importorskip("vl_convert")
    code, out, _ = run("survey", "report", *rounds, "--policy", POLICY, "--lang", lang)
    assert code == 0 and "@example.jp" not in out and SECRET not in out and "<script" not in out
    browser.check_page(out, tmp_path, f"survey-{lang}", charts=5)


@pytest.mark.browser
def test_template_html_in_a_real_browser(tmp_path):
    """The printable questionnaire renders cleanly and prints on A4."""
    code, out, _ = run("survey", "template", POLICY, "--format", "html")
    assert code == 0
    browser.check_page(out, tmp_path, "template", charts=0)
