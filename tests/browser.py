"""Headless Chromium for the tests of HTML outputs: console messages, the DOM, and the printed A4 pages."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# Whether the running test is marked `@pytest.mark.browser` (set by tests/conftest.py for each test):
# such tests are left out of the default run and run by `.ci/run` with `-m browser`, so a test that
# starts Chromium without the mark fails, rather than slowing every run.
MARKED = {"now": False}


def chromium() -> str:
    """The browser, or skip (fail when KASU_REQUIRE_BROWSER=1, as in CI)."""
    if not MARKED["now"]:
        pytest.fail("a test that starts Chromium is marked @pytest.mark.browser (run with -m browser)")
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("KASU_REQUIRE_BROWSER") == "1":
        pytest.fail("chromium is required here (.ci/run installs it)")
    pytest.skip("chromium is not installed (.ci/run installs it)")


def run(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", *extra, page.as_uri()],
                          capture_output=True, timeout=180, check=False, text=True, errors="replace")


def console_errors(page: Path, tmp: Path) -> tuple[list[str], str]:
    """Console messages logged while loading the page (any is a failure), and the DOM after loading."""
    done = run(page, tmp, "--enable-logging=stderr", "--v=0", "--dump-dom")
    messages = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return messages, done.stdout


def print_pages(page: Path, tmp: Path) -> tuple[list[str], list[tuple[float, float]]]:
    """The text of each printed page, and each page's size in points."""
    from pypdf import PdfReader

    pdf = tmp / (page.stem + ".pdf")
    run(page, tmp, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    reader = PdfReader(str(pdf))
    texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return texts, sizes


# Run in the page after it has loaded: every title of a chart (axis, legend, chart titles) against every
# other text of its chart; the pairs whose boxes intersect are written into the page as JSON.
_OVERLAPS = """<script>
addEventListener("load", () => {
  const found = [];
  const box = (e) => e.getBoundingClientRect();
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (const svg of document.querySelectorAll("figure.chart svg")) {
    const chart = svg.closest("figure").dataset.chart;
    const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() && box(t).width > 0);
    const titles = texts.filter((t) => t.closest("[class*='title']"));
    for (const title of titles) for (const other of texts)
      if (other !== title && meets(box(title), box(other))) found.push([chart, title.textContent, other.textContent]);
  }
  const out = document.createElement("pre");
  out.id = "kasu-overlaps";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


def overlapping_titles(html_text: str, tmp: Path, name: str) -> list[list[str]]:
    """The chart titles (axis, legend) whose box meets another text of their chart, as Chromium lays
    the page out: [chart, title, other text] for each."""
    import json

    page = tmp / f"{name}-overlaps.html"
    page.write_text(html_text.replace("</body>", _OVERLAPS + "</body>"), encoding="utf-8")
    done = run(page, tmp, "--dump-dom", "--virtual-time-budget=10000", "--window-size=1000,1400")
    found = re.search(r'<pre id="kasu-overlaps">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stdout[-500:]
    pairs: list[list[str]] = json.loads(html.unescape(found.group(1)))
    return pairs


def screenshot(page: Path, target: Path, tmp: Path, width: int = 1000, height: int = 1300) -> None:
    run(page, tmp, f"--screenshot={target}", f"--window-size={width},{height}", "--hide-scrollbars")


class Headings(HTMLParser):
    """The texts of the h1–h3 headings of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self.inside = True
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.texts[-1] += data


def lone_headings(html_text: str, pages: list[str]) -> list[str]:
    """Headings printed as the last line of a page (their content went to the next page)."""
    parser = Headings()
    parser.feed(html_text)
    heads = {re.sub(r"\s+", "", unicodedata.normalize("NFKC", h)) for h in parser.texts}
    out = []
    for text in pages[:-1]:
        lines = [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]
        if lines and lines[-1] in heads:
            out.append(lines[-1])
    return out


def check_page(html_text: str, tmp: Path, name: str, charts: int = 1) -> list[str]:
    """Render an HTML output in Chromium: no console message, at least `charts` charts in the DOM,
    A4 pages, and no heading alone at the foot of a page. Returns the page texts."""
    page = tmp / f"{name}.html"
    page.write_text(html_text, encoding="utf-8")
    messages, dom = console_errors(page, tmp)
    assert messages == [], messages
    assert dom.count('<figure class="chart"') >= charts and dom.count("<svg") >= charts
    texts, sizes = print_pages(page, tmp)
    assert sizes and all(abs(w - 595) < 3 and abs(h - 842) < 3 for w, h in sizes), sizes
    parser = Headings()
    parser.feed(html_text)
    first = re.sub(r"\s+", "", unicodedata.normalize("NFKC", parser.texts[0]))
    assert first in re.sub(r"\s+", "", texts[0])  # the printed text is readable
    assert lone_headings(html_text, texts) == []
    return texts
