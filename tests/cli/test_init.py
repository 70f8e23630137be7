"""`kasu init`: a new policy that extends a shipped one, passes check and test as written, never overwrites."""
from __future__ import annotations

import io
import re
import shutil

import pytest

from kasuhara_rules.cli.commands import main
from kasuhara_rules.cli.init import industries
from tests.conftest import sized


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def _made(tmp_path_factory):
    """`kasu init ours.kasu OPTIONS…` run once per OPTIONS in the session (in an empty folder of its own):
    what it returned and printed, and that folder, which tests never write into."""
    made = {}

    def init(*options):
        if options not in made:
            folder = tmp_path_factory.mktemp("init")
            made[options] = (run("init", str(folder / "ours.kasu"), *options), folder)
        return made[options]

    return init


@pytest.fixture
def initialised(_made, tmp_path):
    """`kasu init ours.kasu OPTIONS…` in tmp_path: a copy of what that command wrote in an empty folder
    (made once per session), and what it returned and printed there."""

    def init(*options):
        result, folder = _made(*options)
        shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
        return result

    return init


@pytest.mark.parametrize("industry", [None] + industries())
def test_generated_policy_passes_check_and_test(tmp_path, industry, initialised):
    """For the baseline and every shipped industry policy, the written file checks clean and its example passes."""
    target = tmp_path / "ours.kasu"
    code, out, _ = initialised(*(["--industry", industry] if industry else []))
    assert code == 0 and target.is_file() and "ours.kasu" in out
    text = target.read_text(encoding="utf-8")
    assert f'extends "{industry or "mhlw-baseline"}.kasu"' in text and "example " in text
    assert re.search(r'^ +timezone +"Asia/Tokyo"$', text, re.M)  # Excel's date-times, written without an offset, are Tokyo time
    assert "# override rule" in text  # a commented place to adapt
    code, out, _ = run("check", str(target))
    assert code == 0 and "0 errors" in out, out
    code, out, _ = run("test", str(target))
    assert code == 0 and " 0 failed" in out, out


def test_refuses_to_overwrite(tmp_path):
    """An existing FILE is never overwritten: exit 1, the file unchanged."""
    target = tmp_path / "policy.kasu"
    target.write_text("# mine\n", encoding="utf-8")
    code, _, err = run("init", str(target), "--lang", "ja")
    assert code == 1 and target.read_text(encoding="utf-8") == "# mine\n" and "既に" in err


def test_refuses_a_different_base_file(tmp_path):
    """A file named like the shipped baseline but different is not replaced."""
    (tmp_path / "mhlw-baseline.kasu").write_text("# my own\n", encoding="utf-8")
    code, _, _ = run("init", str(tmp_path / "p.kasu"))
    assert code == 1 and not (tmp_path / "p.kasu").exists()


def test_unknown_industry(tmp_path):
    """An unknown --industry is refused with the list of industries."""
    code, _, err = run("init", str(tmp_path / "p.kasu"), "--industry", "nope")
    assert code == 1 and "retail" in err and not (tmp_path / "p.kasu").exists()


def test_japanese_comments(tmp_path):
    """With --lang ja the places to adapt are explained in Japanese."""
    target = tmp_path / "p.kasu"
    assert run("--lang", "ja", "init", str(target))[0] == 0
    assert "ここを変える" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("industry", [None] + industries())
@pytest.mark.parametrize("lang", ["ja", "en"][:sized(2, 1)])
def test_commented_places_work_when_uncommented(tmp_path, industry, lang, initialised):
    """The commented examples of the places to adapt (a field, an override) name what the base policy
    has: with their `#` removed, the policy still checks clean and its example still passes (in both
    languages' files in CI; in a quick local run, the Japanese ones: `sized`)."""
    target = tmp_path / "ours.kasu"
    assert initialised("--lang", lang, *(["--industry", industry] if industry else []))[0] == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    out, inside = [], False
    for line in lines:
        if line in ("# schema {", "# override rule persistent_contacts {"):
            inside = True
        if inside:
            out.append(line[2:])
            inside = line != "# }"
        else:
            out.append(line)
    uncommented = "\n".join(out) + "\n"
    assert "\noverride rule persistent_contacts {" in uncommented and "\nschema {" in uncommented
    target.write_text(uncommented, encoding="utf-8")
    code, text, _ = run("check", str(target), "--lang", "en")
    assert code == 0 and "0 errors, 0 warnings" in text, text
    code, text, _ = run("test", str(target), "--lang", "en")
    assert code == 0 and " 0 failed" in text, text


@pytest.mark.parametrize("industry", [None] + industries())
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_generated_policy_is_formatted_as_written(tmp_path, industry, lang, initialised):
    """`kasu fmt --check` passes on the file `kasu init` writes, for every industry and both languages,
    and the comments that explain the places to adapt are kept."""
    target = tmp_path / "ours.kasu"
    assert initialised("--lang", lang, *(["--industry", industry] if industry else []))[0] == 0
    code, out, err = run("fmt", "--check", str(target))
    assert code == 0, out + err
    assert "# override rule" in target.read_text(encoding="utf-8")


def test_the_suggested_commands_can_be_pasted_into_a_shell(tmp_path):
    """A path with a space: the printed `kasu check …` and the file's own comment quote it, so that copying
    the command into a shell checks that file (they were printed bare and split at the space)."""
    import shlex

    target = tmp_path / "方針 フォルダ" / "新しい方針.kasu"
    code, out, _ = run("init", str(target), "--lang", "ja")
    assert code == 0
    command = re.search(r"`(kasu check [^`]+)`", out).group(1)
    assert shlex.split(command) == ["kasu", "check", str(target)]
    comment = re.search(r"`(kasu check [^`]+)`", target.read_text(encoding="utf-8")).group(1)
    assert shlex.split(comment) == ["kasu", "check", "新しい方針.kasu"]  # a plain name stays plain
