"""The Japanese documents keep in step with the English: the language reference, the CLI reference
and the auditing guide (`*.ja.md`) have every fenced code block of their English page (comments
aside, which may be translated), the same headings by level, and tables of the same shape with the
same code in each cell; install commands in the docs work from a clone of the repository."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAIRS = ["language", "cli", "auditing"]
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)
CODE = re.compile(r"(`+)(.+?)\1")


def _outside_code(text: str) -> str:
    return FENCE.sub("", text)


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, body without comments) of every fenced block, in order."""
    out = []
    for m in FENCE.finditer(text):
        lines = []
        for line in m.group(2).splitlines():
            if m.group(1).split(" ")[0] in ("kasu", "sh", "text", "powershell", "python", "toml", "yaml", "lua"):
                line = re.sub(r"(^|\s)#(?![\w{]).*$", "", line)  # a comment, never a `#` inside a word
            lines.append(line.rstrip())
        out.append((m.group(1).strip(), "\n".join(lines).strip()))
    return out


def headings(text: str) -> list[int]:
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", _outside_code(text), re.M)]


def tables(text: str) -> list[list[list[list[str]]]]:
    """Each table as rows of cells, each cell the code spans in it (prose is translated freely)."""
    out: list[list[list[list[str]]]] = []
    current: list[list[list[str]]] | None = None
    for line in _outside_code(text).splitlines():
        if line.startswith("|"):
            if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line.strip()):
                continue
            cells = [c for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            row = [sorted(m.group(2).strip() for m in CODE.finditer(c)) for c in cells]
            if current is None:
                current = []
                out.append(current)
            current.append(row)
        else:
            current = None
    return out


def pair(name: str) -> tuple[str, str]:
    return ((DOCS / f"{name}.md").read_text(encoding="utf-8"), (DOCS / f"{name}.ja.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAIRS)
def test_every_code_block_of_the_english_is_in_the_japanese(name):
    """The same fenced blocks in the same order (translated comments aside)."""
    en, ja = pair(name)
    assert code_blocks(ja) == code_blocks(en)


@pytest.mark.parametrize("name", PAIRS)
def test_the_same_sections(name):
    """The same number of headings at each level, in the same order."""
    en, ja = pair(name)
    assert headings(ja) == headings(en)


@pytest.mark.parametrize("name", PAIRS)
def test_tables_have_the_same_shape_and_code(name):
    """The same tables: rows, columns and the code in each cell."""
    en, ja = pair(name)
    assert tables(ja) == tables(en)


@pytest.mark.parametrize("name", PAIRS)
def test_the_pages_link_each_other_and_read_as_japanese(name):
    """Each page names the other, and the Japanese one is written in Japanese."""
    en, ja = pair(name)
    assert f"({name}.ja.md)" in en and f"({name}.md)" in ja
    prose = _outside_code(ja)
    kana = len(re.findall(r"[\u3040-\u30ff]", prose))
    assert kana > len(prose) // 10, "the Japanese page is mostly not Japanese"


def test_the_consistency_check_notices_a_change():
    """A changed code block, a missing row or another heading is noticed (the checks are not vacuous)."""
    en, _ = pair("cli")
    assert code_blocks(en.replace("kasu check --format json examples", "kasu chek --format json examples")) != code_blocks(en)
    assert tables(en.replace("| [`kasu check POLICY", "| [`kasu chek POLICY", 1)) != tables(en)
    assert headings(en + "\n## More\n") != headings(en)


INSTALL = re.compile(r"pip install[^\n`]*")


@pytest.mark.parametrize("path", [ROOT / "README.md"] + sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_install_commands_work_from_a_clone(path):
    """The package is not on a public index: every `pip install` in the docs installs from the
    clone (`pip install '.[report]'`), never `pip install kasuhara-rules…`."""
    for command in INSTALL.findall(path.read_text(encoding="utf-8")):
        assert "kasuhara-rules" not in command and "kasuhara_rules" not in command, command
