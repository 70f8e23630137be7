"""The journal's documentation runs: every `kasu` command of docs/journal.md and docs/journal.ja.md, in
a folder holding the shipped examples, exits as its `# exit N` comment says (else 0)."""
from __future__ import annotations

import io
import re
import shlex
import shutil

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
def test_commands_run_as_shown(name, tmp_path, monkeypatch):
    """Each command runs in order against one journal, with the exit code the page gives. They run
    through the command line's `main` in this process, in the folder the page assumes (the console
    script around it, `python -m kasuhara_rules`, is run as a process by tests/cli)."""
    pytest.importorskip("sqlalchemy")
    from kasuhara_rules.cli import main

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shown = commands(name)
    assert len(shown) >= 6
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KASU_LANG", "en")
    for line, expected in shown:
        words = shlex.split(line, comments=True)
        out, err = io.StringIO(), io.StringIO()
        code = main(words[1:], out=out, err=err)
        assert code == expected, (line, err.getvalue()[-1500:])
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
