"""The pictures of docs/reports.md and docs/reports.ja.md, taken by headless Chromium.

    python tools/report_screenshots.py            # writes docs/img/report.png, report-charts.png, survey.png

The trend report is that of 2,400 generated retail incidents over 18 months (tests/fixtures/risk.py)
by fiscal quarter; report-charts.png shows its severity and escalation charts alone (the ordered
colours); the survey report aggregates two generated rounds. Look at the pictures before committing.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
IMG = ROOT / "docs" / "img"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]


def kasu(folder: Path, *argv: str) -> None:
    """`kasu ARGV` run in `folder` (so that the report names its input as `incidents.jsonl`)."""
    subprocess.run([sys.executable, "-m", "kasuhara_rules", *argv], check=False, cwd=folder, capture_output=True)


def shoot(page: Path, target: Path, width: int, height: int, profile: Path) -> None:
    subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", f"--screenshot={target}",
                    f"--window-size={width},{height}", page.as_uri()], check=True, capture_output=True, timeout=180)


def charts_page(report: str, keys: tuple[str, ...]) -> str:
    """A page holding some charts of a report, each under its heading, with the report's style."""
    style = re.search(r"<style>.*?</style>", report, re.S)
    parts = []
    for key in keys:
        figure = re.search(rf'<h2>([^<]*)</h2>\s*<figure class="chart" data-chart="{key}">.*?</figure>', report, re.S)
        if figure:
            parts.append(figure.group(0))
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">{style.group(0) if style else ""}</head>'
            f"<body>{''.join(parts)}</body></html>")


def main() -> int:
    from kasuhara_rules import load_policy
    from tests.fixtures import risk

    policy = load_policy(ROOT / "examples" / "retail.kasu")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        incidents = tmp / "incidents.jsonl"
        incidents.write_text(risk.jsonl(risk.incidents(policy)), encoding="utf-8")
        rounds = []
        for i, text in enumerate(risk.survey_rounds(policy), 1):
            rounds.append(tmp / f"round{i}.csv")
            rounds[-1].write_text(text, encoding="utf-8")
        report, survey = tmp / "report.html", tmp / "survey.html"
        retail = str(ROOT / "examples" / "retail.kasu")
        kasu(tmp, "report", retail, incidents.name, "--by", "fiscal-quarter", "-o", str(report), "--no-progress")
        kasu(tmp, "survey", "report", *(r.name for r in rounds), "--policy", retail, "-o", str(survey))
        charts = tmp / "charts.html"
        charts.write_text(charts_page(report.read_text(encoding="utf-8"), ("severities", "escalations")),
                          encoding="utf-8")
        profile = tmp / "profile"
        shoot(report, IMG / "report.png", 1000, 1500, profile)
        shoot(charts, IMG / "report-charts.png", 1000, 900, profile)
        shoot(survey, IMG / "survey.png", 1000, 1500, profile)
    for name in ("report.png", "report-charts.png", "survey.png"):
        print(IMG / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
