"""Shared helpers for the test suite."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kasuhara_rules import check_text

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("KASU_UPDATE_GOLDEN") == "1"

# Hypothesis profiles: "default" is small, for a quick local run (the suite well under 5 minutes on
# 2 cores); "ci" is the full one `.ci/run` uses; "long" is for a search before a release. Property
# tests write the count they get in CI through `budget`, which scales it to the profile.
_PROFILES = {"default": 10, "ci": 100, "long": 5000}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
for _name, _count in _PROFILES.items():
    settings.register_profile(_name, max_examples=_count, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)


def budget(in_ci: int) -> int:
    """The number of examples a property test runs: `in_ci` under the "ci" profile, a tenth of it by
    default, fifty times it under "long" (never fewer than 3)."""
    return max(3, in_ci * settings().max_examples // _PROFILES["ci"])


def sized(in_ci: int, by_default: int) -> int:
    """The size of a test whose worth is its size (the longest text promised, 50,000 rules, every
    corpus case): `in_ci` under the "ci" and "long" profiles (`.ci/run`), `by_default` in a quick
    local run. The same code runs either way; only the input is smaller."""
    return by_default if PROFILE == "default" else in_ci


@pytest.fixture(autouse=True)
def _browser_mark(request: pytest.FixtureRequest):
    """Tells tests/browser.py whether this test is marked `browser` (see MARKED there)."""
    from tests import browser

    browser.MARKED["now"] = request.node.get_closest_marker("browser") is not None
    yield
    browser.MARKED["now"] = False


HEADER = 'policy "テスト" {\n  id test\n  version "1"\n  otherwise claim\n}\n'
VOCAB = ('outcomes { claim "クレーム", kasuhara "カスハラ" }\n'
         'severities { low, medium, high, critical }\n'
         'escalations { staff, supervisor, police }\n')
SCHEMA = """schema {
  incident_id: text key
  channel "受付チャネル": one of ["phone", "counter", "email", "sns", "visit"]
  call_length "通話時間": optional duration in minutes
  repeat: int
  amount: optional number
  dogeza "土下座の要求": bool
  demand_valid: optional bool
  remarks "発言内容": optional text sensitive
  words: list of text
  contacts: list of { at: datetime, length: optional duration in minutes, kind: optional text }
  reported_at: datetime
  birthday: optional date
}
"""


def policy(body: str, header: str = HEADER, vocab: str = VOCAB, schema: str = SCHEMA) -> str:
    """A complete policy text around `body` (rules, defines, phrases, examples)."""
    return header + vocab + schema + body


def codes(text: str) -> list[str]:
    """The diagnostic codes `kasu check` reports for a policy text, in order."""
    return [d.code for d in check_text(text, "t.kasu").diagnostics]


def error_codes(text: str) -> list[str]:
    return [d.code for d in check_text(text, "t.kasu").diagnostics if d.is_error]


@pytest.fixture
def golden():
    """Compare text with a golden file; KASU_UPDATE_GOLDEN=1 rewrites it."""

    def compare(name: str, actual: str) -> None:
        path = GOLDEN / name
        if UPDATE_GOLDEN or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not UPDATE_GOLDEN:
                pytest.fail(f"golden file {name} was missing and has been written; check it and rerun")
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from golden file {name}"

    return compare


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """Messages follow KASU_LANG and the locale (contract section 8): tests start from English."""
    for name in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session", autouse=True)
def _nothing_written_into_the_checkout():
    """No test leaves a journal (the default sqlite:///kasu-journal.db of `kasu serve` and `kasu journal`)
    in the checkout's root: tests write into their temporary folders."""
    before = set(ROOT.glob("kasu-journal.db*"))
    yield
    written = set(ROOT.glob("kasu-journal.db*")) - before
    assert not written, f"a test wrote {sorted(p.name for p in written)} into the checkout"
