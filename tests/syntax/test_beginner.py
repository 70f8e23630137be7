"""Broken policies written the way a Japanese beginner writes them: `kasu check --lang ja` names the fix.

tests/beginner/cases.tsv lists, per file, the line and code of the first error and a substring of
its Japanese hint (the fix). The files are base.kasu with one mistake each (make_cases.py).
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from kasuhara_rules.check.loader import load_path
from kasuhara_rules.cli.commands import main

DIR = Path(__file__).resolve().parents[1] / "beginner"
CASES = [line.split("\t") for line in (DIR / "cases.tsv").read_text(encoding="utf-8").splitlines()
         if line and not line.startswith("#")]


def test_there_are_at_least_forty_cases():
    """The measure: at least 40 broken policies."""
    assert len(CASES) >= 40 and all((DIR / name).is_file() for name, *_ in CASES)


def test_the_base_policy_is_clean():
    """Every case differs from a policy that checks and tests clean, so the mistake is the only error."""
    out = io.StringIO()
    assert main(["check", str(DIR / "base.kasu")], out, io.StringIO()) == 0
    assert main(["test", str(DIR / "base.kasu")], io.StringIO(), io.StringIO()) == 0


@pytest.mark.parametrize("name,line,code,hint", CASES, ids=[c[0] for c in CASES])
def test_beginner_mistake(name, line, code, hint):
    """The first error is at the expected line with the expected code, and its Japanese hint names the fix."""
    loaded = load_path(str(DIR / name))
    errors = [d for d in loaded.result.diagnostics if d.is_error]
    assert errors, name
    first = errors[0]
    ja = first.in_language("ja")
    assert (first.span.line, first.code) == (int(line), code), ja.message
    assert ja.hint and hint in ja.hint, ja.hint
    # the hint and the message really are in Japanese (translated, not the English fallback)
    assert ja.hint != first.in_language("en").hint and ja.message != first.in_language("en").message


@pytest.mark.parametrize("name", ["label-severity.kasu", "missing-brace-rule.kasu", "shift-jis.kasu"])
def test_kasu_check_lang_ja_prints_the_japanese_hint(name):
    """The same through the command line: `kasu check --lang ja`."""
    out = io.StringIO()
    assert main(["check", "--lang", "ja", str(DIR / name)], out, io.StringIO()) == 1
    assert "ヒント:" in out.getvalue() and "エラー" in out.getvalue()
