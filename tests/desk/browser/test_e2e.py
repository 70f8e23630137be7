"""Every role's main flow in headless Chromium: staff record → decision → supervisor overrides → auditor
verifies → case file printed to PDF; an author fixes a broken policy, replays and activates it; the
manager's trends show the override. Each page is checked with axe-core, and photographed."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD, screenshots_dir

INCIDENT = "20261101-E2E"
BROKEN_RULE = "when     demanded_dogza"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: Any) -> Path:
    return screenshots_dir(tmp_path_factory.mktemp("shots"))


@pytest.fixture(scope="module")
def state() -> dict[str, Any]:
    return {"pages": []}


def new_page(browser: Any, served: Any, console: list[str], width: int = 1100, height: int = 900) -> Any:
    """A fresh browser context (no cookies), the CSP enforced; console errors (CSP violations too) collected."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP", base_url=served.base)
    page = context.new_page()
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    return page


def login(page: Any, name: str) -> None:
    """Log in with the keyboard alone: the name field has focus, Tab to the password, Enter sends."""
    page.goto("/login")
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def shoot(page: Any, shots: Path, name: str, state: dict[str, Any], full: bool = True) -> None:
    page.screenshot(path=str(shots / f"desk-{name}.png"), full_page=full)
    state["pages"].append((name, page.url))


def test_staff_record_and_see_the_decision(browser, served, shots, state):
    """Staff fill the form built from the schema (a list row added in the page), and see the decision at once."""
    console: list[str] = []
    page = new_page(browser, served, console)
    login(page, "sato")
    page.goto("/record")
    shoot(page, shots, "record", state)
    page.fill("#f-incident_id", INCIDENT)
    page.get_by_label("受付チャネル").select_option("phone")
    page.fill('input[name="call_length"]', "45")
    page.fill('input[name="repeat_contacts_30d"]', "4")
    page.check('input[name="demanded_dogeza"][value="false"]')
    page.check('input[name="demanded_manager"][value="true"]')
    page.check('input[name="demand_valid"][value="unknown"]')
    page.fill('textarea[name="remarks"]', "責任者を出せ。出さないならネットに書くぞ")
    page.fill('input[name="contacts.0.at"]', "2026-10-28T10:00")
    page.fill('input[name="contacts.0.length"]', "20")
    page.click('[data-add-row="contacts"]')  # copied in the page by desk.js, no round trip
    assert page.locator('input[name="contacts.1.at"]').count() == 1
    assert page.evaluate("document.activeElement.name") == "contacts.1.at"
    page.fill('input[name="contacts.1.at"]', "2026-10-29T11:00")
    page.fill('input[name="contacts.1.length"]', "25")
    page.fill("#f-reported_at", "2026-11-01T10:00")
    with page.expect_navigation():
        page.click("button.primary")
    assert "saved=1" in page.url, page.inner_text("main")[:1500]
    decision = page.locator("section.decision")
    assert "カスタマーハラスメント" in decision.inner_text()
    assert "組織対応" in decision.locator(".call").inner_text()  # whom to call: an announced exposure
    assert "予告には取り合わず、申し出の内容にだけ答える。" in decision.inner_text()
    shoot(page, shots, "decision", state)
    facts = served.journal.record(INCIDENT)
    assert [c["length"] for c in facts["contacts"]] == ["20min", "25min"]
    assert console == [], console
    page.context.close()


def test_staff_form_on_a_tablet_by_keyboard(browser, served, shots, state):
    """On a tablet-sized screen the form fits its width, and Tab walks the inputs in the order shown."""
    console: list[str] = []
    page = new_page(browser, served, console, width=820, height=1180)
    login(page, "sato")
    page.goto("/record")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 820, width
    shoot(page, shots, "record-tablet", state, full=False)
    page.focus("#f-incident_id")
    order: list[str] = []
    for _ in range(40):  # a date-time input takes one Tab per part (year, month, day, hour, minute)
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || document.activeElement.id")
        if not order or order[-1] != name:
            order.append(name)
    dom = page.evaluate("""Array.from(document.querySelectorAll('form.record input:not([type=hidden]), form.record select, form.record textarea, form.record button'))
        .filter(e => !e.closest('template')).map(e => e.name || e.id)""")
    start = dom.index("incident_id") + 1
    expected = []
    for name in dom[start:]:  # a radio group is one stop of Tab
        if name in expected and name != "_add":
            continue
        expected.append(name)
    assert order[:12] == expected[:12], (order, expected[:12])
    assert "reported_at" in order  # the last input is reached by Tab alone
    assert console == [], console
    page.context.close()


def test_supervisor_overrides_with_a_reason(browser, served, shots, state):
    """The queue shows the incident; the supervisor overrides it with a reason and records an action."""
    console: list[str] = []
    page = new_page(browser, served, console)
    login(page, "tanaka")
    page.goto("/queue")
    shoot(page, shots, "queue", state)
    page.click(f"text={INCIDENT}")
    page.check('input[name="verdict"][value="override"]')
    page.get_by_label("重さ").select_option("medium")
    page.get_by_label("エスカレーション", exact=True).select_option("supervisor")
    page.fill("#v-reason", "脅しの意図はなく、責任者対応で収まった")
    with page.expect_navigation():
        page.click("text=判定を記録する")
    assert "判定を記録しました" in page.inner_text("main")
    page.fill("#a-action", "supervisor")
    page.fill("#a-note", "店長が対応")
    with page.expect_navigation():
        page.click("text=対応を記録する")
    shoot(page, shots, "incident-supervisor", state)
    state_ = served.journal.incident(INCIDENT)
    assert state_.verdict == "override" and state_.final_severity == "medium"
    assert console == [], console
    page.context.close()


def test_auditor_sees_both_verifies_and_prints_the_case_file(browser, served, shots, state, tmp_path):
    """The auditor sees the machine's decision and the person's verdict, verifies the chain from the page,
    and prints the case file to an A4 PDF."""
    from pypdf import PdfReader

    console: list[str] = []
    page = new_page(browser, served, console)
    login(page, "kato")
    page.goto(f"/incidents/{INCIDENT}")
    main = page.inner_text("main")
    assert "カスタマーハラスメント" in main and "脅しの意図はなく" in main and "override" in main
    assert page.locator("text=判定を記録する").count() == 0  # auditors change nothing
    shoot(page, shots, "incident-auditor", state)
    page.goto("/chain")
    assert "チェーンは無傷です" in page.inner_text("main")
    shoot(page, shots, "chain", state, full=False)
    page.goto(f"/incidents/{INCIDENT}/case-file")
    shoot(page, shots, "case-file", state)
    pdf = tmp_path / "case-file.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = PdfReader(str(pdf))
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() or "" for p in reader.pages))
    assert INCIDENT in text and "脅しの意図はなく" in text
    head = served.journal.verify().head_hash
    assert head[:16] in re.sub(r"\s+", "", text)
    for p in reader.pages:
        assert abs(float(p.mediabox.width) - 595) < 3 and abs(float(p.mediabox.height) - 842) < 3
    assert console == [], console
    page.context.close()


def test_author_fixes_a_broken_policy_replays_and_activates(browser, served, shots, state):
    """A broken upload shows its diagnostics; the fixed text shows its examples and replay; activated, it is listed."""
    console: list[str] = []
    page = new_page(browser, served, console)
    login(page, "ito")
    page.goto("/policies/draft")
    original = page.input_value("#p-text")
    broken = original.replace("when     demanded_dogeza", BROKEN_RULE).replace('"2026.2"', '"2026.3"')
    page.fill("#p-text", broken)
    with page.expect_navigation():
        page.click("text=検査する")
    diagnostics = page.inner_text("section.bad")
    assert "E301" in diagnostics and "demanded_dogeza" in diagnostics
    assert page.locator("text=この版を有効にする").count() == 0
    shoot(page, shots, "policy-broken", state)
    page.fill("#p-text", broken.replace(BROKEN_RULE, "when     demanded_dogeza").replace(
        "組織に報告する。\"\n  escalate organisation", "組織に報告する。\"\n  escalate supervisor"))
    page.fill("#p-eff", "2026-10-20")
    with page.expect_navigation():
        page.click("text=検査する")
    replay = page.inner_text("section:has(#replay-h)")
    assert "判断し直した件数: 1" in replay and "判断が変わる件数: 1" in replay
    assert "effective 2026-10-20" in page.input_value("#p-text")
    shoot(page, shots, "policy-replay", state)
    page.click("text=この版を有効にする")
    page.wait_for_url(re.compile(r"/policies$"))
    assert "2026.3" in page.inner_text("main")
    shoot(page, shots, "policies", state, full=False)
    assert [v.version for v in served.journal.versions()] == ["2026.2", "2026.3"]
    assert console == [], console
    page.context.close()


def test_manager_dashboard_shows_the_override(browser, served, shots, state):
    """The trends page counts the override against the rule that decided."""
    console: list[str] = []
    page = new_page(browser, served, console)
    login(page, "boss")
    page.goto("/dashboard")
    row = page.locator("#overrides tbody tr", has_text="SNS・ネットでの晒しの予告")
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == ["0", "1", "100%"], cells
    shoot(page, shots, "dashboard", state)
    page.goto("/users")
    shoot(page, shots, "users", state, full=False)
    assert console == [], console
    page.context.close()


def test_every_page_passes_axe(browser, served, shots, state):
    """axe-core (WCAG 2 A/AA: labels, contrast, landmarks, names) finds nothing on any page photographed."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    roles = {"record": "sato", "record-tablet": "sato", "decision": "sato", "queue": "tanaka",
             "incident-supervisor": "tanaka", "incident-auditor": "kato", "chain": "kato", "case-file": "kato",
             "policy-broken": "ito", "policy-replay": "ito", "policies": "ito", "dashboard": "boss", "users": "boss"}
    checked = 0
    for name, url in state["pages"]:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=True, base_url=served.base)
        page = context.new_page()
        login(page, roles[name])
        page.goto(url)
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
        assert result.violations_count == 0, (name, result.generate_report())
        checked += 1
        context.close()
    login_page = browser.new_context(bypass_csp=True, base_url=served.base).new_page()
    login_page.goto("/login")
    assert axe.run(login_page).violations_count == 0
    login_page.context.close()
    assert checked >= 10
