"""The journal's documentation runs: every `kasu` command of docs/journal.md and docs/journal.ja.md, in
a folder holding the shipped examples, exits as its `# exit N` comment says (else 0)."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_docs import FENCE

PAGES = ["journal.md", "journal.ja.md"]


def commands(name: str) -> list[tuple[str, int]]:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        if m.group(1) != "sh":
            continue
        for line in m.group(3).splitlines():
            line = line.strip()
            if line.startswith("kasu "):
                expected = re.search(r"#\s*exit\s+(\d+)\s*$", line)
                out.append((line, int(expected.group(1)) if expected else 0))
    return out


@pytest.mark.parametrize("name", PAGES)
def test_commands_run_as_shown(name, tmp_path):
    """Each command runs in order against one journal, with the exit code the page gives."""
    pytest.importorskip("sqlalchemy")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shown = commands(name)
    assert len(shown) >= 6
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), KASU_LANG="en")
    for line, expected in shown:
        words = shlex.split(line, comments=True)
        done = subprocess.run([sys.executable, "-m", "kasuhara_rules", *words[1:]], cwd=tmp_path, env=env,
                              capture_output=True, text=True)
        assert done.returncode == expected, (line, done.stderr[-1500:])
    assert any(p.suffix == ".html" for p in tmp_path.iterdir())  # the case file was written


def test_both_languages_show_the_same_commands():
    """The Japanese page shows the English page's commands (the same examples, in the same order)."""
    assert [c for c, _ in commands("journal.md")] == [c for c, _ in commands("journal.ja.md")]


@pytest.mark.parametrize("name", PAGES)
def test_every_refusal_is_listed(name):
    """The table of refusals lists every code the journal has, each with its exit code."""
    from kasuhara_rules.journal.errors import CODES

    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| (J\d{3}) \|.*\| (\d) \|$", text, re.M))
    assert set(listed) == set(CODES)
