"""Charts of the trend report: ordered colours for ordered values, level axis titles, periods in time order."""
import json

import pytest

from kasuhara_rules.render import report as rep
from kasuhara_rules.render.charts import NONE_COLOUR, ORDERED, ordered_colours
from tests.cli.test_eval import run
from tests.conftest import ROOT

RETAIL = str(ROOT / "examples" / "retail.kasu")
INCIDENTS = str(ROOT / "examples" / "retail-incidents.jsonl")


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_ordered_colours_go_from_light_to_dark():
    """Any number of steps: strictly darker each time, the darkest of the scale last."""
    for count in range(2, 8):
        colours = ordered_colours(count)
        assert len(colours) == count and colours[-1] == ORDERED[-1]
        shades = [_luminance(c) for c in colours]
        assert shades == sorted(shades, reverse=True) and len(set(shades)) == count


def _specs(by: str = "month", lang: str = "ja") -> dict:
    code, out, _ = run("report", RETAIL, INCIDENTS, "--format", "json", "--by", by, "--no-progress")
    return rep.chart_specs(json.loads(out), lang)


def test_severities_are_an_ordered_scale_with_critical_darkest():
    """The severity chart maps 重大 to the darkest colour, 軽度 to the lightest, none to grey, and lists
    them highest first (as the stack is drawn); escalations likewise (警察・弁護士 darkest)."""
    color = _specs()["severities"]["encoding"]["color"]
    domain, colours = color["scale"]["domain"], color["scale"]["range"]
    assert domain == ["重大", "重度", "中度", "軽度", "なし"] and color["sort"] == domain
    assert colours[0] == ORDERED[-1] and colours[-1] == NONE_COLOUR
    assert [_luminance(c) for c in colours[:4]] == sorted(_luminance(c) for c in colours[:4])
    escalations = _specs()["escalations"]["encoding"]["color"]["scale"]
    assert escalations["domain"][0] == "警察・弁護士" and escalations["range"][0] == ORDERED[-1]


def test_axis_titles_are_level_above_the_axis_and_counts_whole():
    """Every chart writes its y title level (not turned beside the labels); counts tick in whole numbers;
    the periods keep time order, fiscal names included."""
    specs = _specs("fiscal-quarter")
    for spec in specs.values():
        assert spec["config"]["axisY"]["titleAngle"] == 0
    outcomes = specs["outcomes"]["encoding"]
    assert outcomes["y"]["axis"]["tickMinStep"] == 1
    assert outcomes["x"]["sort"] == ["2026年度 Q3", "2026年度 Q4", "2027年度 Q1", "2027年度 Q2", "2027年度 Q3", "2027年度 Q4"]


def _html(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code in (0, 3) and out.startswith("<!DOCTYPE html>"), err
    return out


@pytest.mark.browser
def test_no_title_of_any_chart_overlaps_a_text_in_chromium(tmp_path):
    """Every chart of the trend report (Japanese and English, by month and by fiscal quarter) and of the
    survey report, laid out by Chromium: no axis or legend title meets another text of its chart."""
    import pytest

    pytest.importorskip("vl_convert")
    from tests import browser
    from tests.fixtures import risk
    from kasuhara_rules import load_policy

    answers = tmp_path / "round1.csv"
    answers.write_text(risk.survey_rounds(load_policy(RETAIL), staff=60)[0], encoding="utf-8")
    pages = {
        "month-ja": _html("report", RETAIL, INCIDENTS, "--no-progress"),
        "fiscal-en": _html("report", RETAIL, INCIDENTS, "--by", "fiscal-quarter", "--lang", "en", "--no-progress"),
        "survey-ja": _html("survey", "report", str(answers), "--policy", RETAIL, "--min-group", "3", "--seal",
                           str(tmp_path / "seal.json")),
    }
    for name, page in pages.items():
        assert page.count('<figure class="chart"') >= 3, name
        assert browser.overlapping_titles(page, tmp_path, name) == [], name


@pytest.mark.browser
def test_the_overlap_check_sees_an_overlap(tmp_path):
    """The check above can fail: a y title pushed onto the tick labels is reported."""
    import pytest

    pytest.importorskip("vl_convert")
    from tests import browser
    from kasuhara_rules.render.charts import render_svg, stacked_periods

    rows = [{"period": f"2026-{m:02d}", "key": "a", "count": 100000, "order": 0} for m in range(1, 13)]
    spec = stacked_periods(rows, "期間", "件数（長い題名）", "区分")
    spec["config"]["axisY"].update({"titleX": -8, "titleY": 100})
    page = ('<!DOCTYPE html><html><body><figure class="chart" data-chart="bad">' + render_svg({"bad": spec})["bad"]
            + "</figure></body></html>")
    assert [pair[:2] for pair in browser.overlapping_titles(page, tmp_path, "bad")] == [["bad", "件数（長い題名）"]]
