"""Golden files for rendered diagnostics: one example per code, compared with `kasu check`'s output."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kasuhara_rules.cli.commands import main
from kasuhara_rules.diagnostics import CODES
from tests.conftest import GOLDEN, ROOT, UPDATE_GOLDEN

DIR = GOLDEN / "diagnostics"
# Codes with no golden of their own (none: the extends codes use base files in bases/).
ELSEWHERE: set[str] = set()
MISSING_FILE = "E100-no-such-file.kasu"


def run_check(name: str) -> tuple[int, str]:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(DIR)
    try:
        code = main(["check", name], out=out, err=io.StringIO())
    finally:
        os.chdir(cwd)
    return code, out.getvalue()


def golden_codes() -> list[str]:
    return sorted(p.stem for p in DIR.glob("*.kasu"))


@pytest.mark.parametrize("code", golden_codes())
def test_golden_output(code):
    """`kasu check CODE.kasu` prints exactly CODE.out, and the output carries that code."""
    exit_code, output = run_check(f"{code}.kasu")
    assert f"[{code}]" in output
    assert exit_code == (1 if code.startswith("E") else 0)
    path = DIR / f"{code}.out"
    if UPDATE_GOLDEN or not path.exists():
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def test_unreadable_file_golden():
    """E100: a policy file that cannot be read."""
    exit_code, output = run_check(MISSING_FILE)
    assert exit_code == 1 and "[E100]" in output
    path = DIR / "E100.out"
    if UPDATE_GOLDEN or not path.exists():
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def test_every_code_has_a_golden_and_a_fix():
    """Each code in the catalogue has an example, an expected output and a fix text."""
    have = set(golden_codes()) | {"E100"} | ELSEWHERE
    assert set(CODES) <= have, sorted(set(CODES) - have)
    for code in set(CODES) - ELSEWHERE:
        assert (DIR / f"{code}.fix.md").exists(), code


def test_every_english_fix_has_a_japanese_one():
    """docs/errors.ja.md gives a fix (直し方) for every code docs/errors.md gives one for: each CODE.fix.md
    has its CODE.fix.ja.md, written in Japanese."""
    import re

    english = sorted(p.name.split(".")[0] for p in DIR.glob("*.fix.md"))
    assert len(english) >= len(set(CODES) - ELSEWHERE)
    missing = [code for code in english if not (DIR / f"{code}.fix.ja.md").exists()]
    assert missing == [], f"no Japanese fix (tests/golden/diagnostics/CODE.fix.ja.md) for {missing}"
    for code in english:
        text = (DIR / f"{code}.fix.ja.md").read_text(encoding="utf-8").strip()
        assert text and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), code
        assert text != (DIR / f"{code}.fix.md").read_text(encoding="utf-8").strip(), code
    doc = (ROOT / "docs" / "errors.ja.md").read_text(encoding="utf-8")
    assert doc.count("**直し方:**") == len(english)


def test_errors_doc_is_up_to_date():
    """docs/errors.md and docs/errors.ja.md are regenerated from the goldens and the catalogue, and list every code."""
    if UPDATE_GOLDEN:
        subprocess.run([sys.executable, str(ROOT / "tools" / "errors_doc.py")], check=True)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "errors_doc.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for page in ("errors.md", "errors.ja.md"):  # the Japanese twin lists the same codes
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        for code in CODES:
            assert f"### {code}" in text and f"[{code}]" in text, (page, code)


_ = Path
