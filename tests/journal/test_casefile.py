"""The case file: what it holds, printed on A4 in headless Chromium in Japanese and English."""
from __future__ import annotations

import re
import unicodedata

import pytest

from kasuhara_rules.render.casefile import to_html
from tests import browser
from tests.journal.test_journal import policy, record


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    pytest.importorskip("sqlalchemy")
    from kasuhara_rules.journal import open_journal

    url = f"sqlite:///{tmp_path_factory.mktemp('case') / 'j.db'}"
    with open_journal(url) as journal:
        journal.add(record("A-1", remarks="<script>alert(1)</script> 土下座しろ"), by="sato", policy=policy(),
                    site="新宿店")
        journal.amend("A-1", {"threat": True}, by="sato")
        journal.verdict("A-1", "override", by="tanaka", severity="medium", reason="初回のため")
        journal.act("A-1", "police", by="tanaka", note="110番通報", at="2026-05-01T11:00:00+09:00")
        journal.attach("A-1", "通話録音.wav", "cd" * 32, by="tanaka", media_type="audio/wav", size=123456)
        plain = journal.case_file("A-1")
        shown = journal.case_file("A-1", show_sensitive=True, by="tanaka", purpose="警察への提出")
    return plain, shown


def test_what_it_holds(data):
    """Facts of each revision, decisions with traces, the verdict, the action, the attachment's hash,
    the policy version and digest, every entry's hash and link, and the head."""
    plain, _ = data
    assert [f["revision"] for f in plain["facts"]] == [1, 2]
    assert len(plain["decisions"]) == 2 and plain["decisions"][1]["decision"]["trace"]
    assert plain["verdicts"][0]["reason"] == "初回のため" and plain["actions"][0]["note"] == "110番通報"
    assert plain["attachments"][0]["sha256"] == "cd" * 32
    assert plain["policies"][0]["digest"] == policy().digest
    assert plain["chain"]["links_hold"] and all(t["link_holds"] for t in plain["timeline"])
    assert plain["chain"]["head"]["seq"] == plain["timeline"][-1]["seq"]
    assert "土下座しろ" not in str(plain) and plain["facts"][0]["record"]["remarks"]["value"] == "‹redacted›"


def test_sensitive_only_when_asked_and_journaled(data):
    """With show_sensitive the values appear, and the export itself is a disclosure entry of the timeline."""
    _, shown = data
    assert "土下座しろ" in shown["facts"][0]["record"]["remarks"]["value"]
    assert shown["timeline"][-1]["kind"] == "disclosure" and shown["disclosures"][-1]["purpose"] == "警察への提出"


def test_html_escapes_what_people_typed(data):
    """A value typed by a person never becomes markup."""
    html_text = to_html(data[1], "ja")
    assert "<script>alert" not in html_text and "&lt;script&gt;" in html_text


@pytest.mark.parametrize("lang,heading,words", [
    ("ja", "事案記録（ケースファイル）", ["経過", "判断と理由", "人の判断", "取った対応", "改ざん検知"]),
    ("en", "Case file", ["Timeline", "Decisions and their reasons", "People's verdicts", "Steps taken",
                         "Tamper evidence"]),
])
@pytest.mark.browser
def test_printed_on_a4(data, tmp_path, lang, heading, words):
    """The page loads without a console message, prints on A4, and the printed text carries the
    headings, the verdict's reason and the attachment's hash."""
    html_text = to_html(data[0], lang)
    page = tmp_path / f"case-{lang}.html"
    page.write_text(html_text, encoding="utf-8")
    messages, dom = browser.console_errors(page, tmp_path)
    assert messages == []
    texts, sizes = browser.print_pages(page, tmp_path)
    assert sizes and all(abs(w - 595) < 3 and abs(h - 842) < 3 for w, h in sizes), sizes
    printed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(texts)))
    for word in [heading, *words, "初回のため"]:
        assert re.sub(r"\s+", "", unicodedata.normalize("NFKC", word)) in printed, word
    assert ("cd" * 32)[:24] in printed
    assert browser.lone_headings(html_text, texts) == []
