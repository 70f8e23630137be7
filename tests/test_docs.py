"""The documentation cannot rot: every complete policy in README.md and docs/ passes
`kasu check`, every policy shown as a mistake gets a diagnostic, and the README's commands run."""
import io
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from kasuhara_rules.check.loader import load_text
from tests.conftest import ROOT

DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w[\w-]*)?[ \t]*([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(kind: str):
    """(file, line, info, text) of every fenced block whose language is `kind`."""
    for path in DOCS:
        source = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(source):
            if m.group(1) == kind:
                yield path, source.count("\n", 0, m.start()) + 1, m.group(2).strip(), m.group(3)


KASU = list(blocks("kasu"))


def test_the_docs_show_policies():
    """The tutorials, the reference and the README all show policies."""
    files = {path.name for path, *_ in KASU}
    assert {"README.md", "language.md", "tutorial.ja.md", "tutorial.en.md", "policies.md", "errors.md"} <= files


@pytest.mark.parametrize("path,line,info,text", KASU, ids=[f"{p.name}:{n}" for p, n, _, _ in KASU])
def test_every_kasu_block(path, line, info, text):
    """A `kasu` block is a complete policy that checks clean (warnings allowed), unless it is
    marked `fragment` (a part of a policy) or `error` (a mistake shown on purpose, which must
    then get a diagnostic). Policies that extend the baseline are checked next to it."""
    if info == "fragment":
        return
    result = load_text(text, f"{path.name}:{line}.kasu", base_dir=ROOT / "examples").result
    if info == "init":  # the file `kasu init` writes (compared with it in test_tutorial_starts_from_kasu_init)
        info = ""
    if info == "error":
        assert result.diagnostics, "a block shown as a mistake must get a diagnostic"
        return
    assert info == "", f"unknown block marker {info!r}: use `kasu`, `kasu fragment`, `kasu init` or `kasu error`"
    assert result.ok, "\n".join(f"{d.code} {d.message} at {d.span.line}" for d in result.errors)


def _commands(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return [line.strip() for m in FENCE.finditer(text) if m.group(1) == "sh"
            for line in m.group(3).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_gives_the_two_commands():
    """The README's first screen: install and run the main job; open the desk; install and run the
    tests (the first and the last are exactly what .ci/run executes)."""
    commands = _commands("README.md")
    assert any("pip install ." in c and "kasu eval" in c for c in commands[:3])
    assert any("pip install '.[desk]'" in c and c.endswith("kasu serve") for c in commands[:3])
    assert any("pip install '.[test]'" in c and "pytest" in c for c in commands[:3])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip" install' in ci and '".[test]"' in ci and "-m pytest" in ci


@pytest.mark.parametrize("name", ["README.md", "docs/tutorial.ja.md", "docs/tutorial.en.md", "docs/cli.md",
                                  "docs/auditing.md", "docs/policies.md"])
def test_documented_kasu_commands_run(name, monkeypatch):
    """Every `kasu …` command shown in the README, the tutorials and the CLI page runs against
    the shipped examples with the documented exit code (3 for the incident files that hold
    broken records on purpose, else 0) and prints something. None of them writes into the checkout
    (checked after the commands ran). They run in this process, from the checkout's root, as
    `kasu` runs them (test_in_process_runs_print_what_the_command_prints)."""
    monkeypatch.chdir(ROOT)
    ran = 0
    for command in _commands(name):
        for part in command.split("&&"):
            if "|" in part:
                continue  # reads standard input
            words = shlex.split(part.split(">")[0].strip(), comments=True)
            if not words or words[0].rsplit("/", 1)[-1] != "kasu":
                continue
            if words[1:2] == ["serve"]:
                continue  # a server that runs until stopped: tests/desk/test_commands.py starts it in a temporary folder
            if any(w.startswith(("my-", "incidents", "old", "new", "guide", "-o", "/")) or w == "-" for w in words[1:]) \
                    or not all((ROOT / w).exists() for w in words[1:] if w.endswith((".kasu", ".jsonl", ".csv"))):
                continue  # a placeholder file name, standard input, a file the user writes or one outside the checkout
            code, stdout, stderr = _main(words[1:])
            broken = any(w.startswith("examples/") and w.endswith("-incidents.jsonl")  # broken lines on purpose
                         and not w.startswith(("examples/tutorial", "examples/quickstart")) for w in words)
            # diff: 1 when decisions change, 3 when some records are undecidable (the broken ones)
            expected = ({0, 1} | ({3} if broken else set())) if words[1] == "diff" else {3 if broken else 0}
            assert code in expected, (part, stderr[-500:])
            assert stdout or words[1] == "fmt", part  # fmt of a tidy file says nothing
            ran += 1
    assert ran >= 1
    assert not list(ROOT.glob("kasu-journal.db*")), "a documented command wrote a journal into the checkout"


TUTORIALS = {"tutorial.ja.md": ("ja", "tutorial.kasu"), "tutorial.en.md": ("en", "tutorial.en.kasu")}
INCIDENTS = ROOT / "examples" / "tutorial-incidents.jsonl"


def _tutorial_policy(name: str) -> str:
    return (ROOT / "examples" / TUTORIALS[name][1]).read_text(encoding="utf-8")


def test_tutorial_prose_names_the_line_its_output_shows():
    """The prose under the first explanation names the baseline's line where the deciding rule is: the
    same line as the output above it, which is the line of `rule dogeza` in examples/mhlw-baseline.kasu
    (the prose said 286 long after the rule had moved to 303)."""
    import re

    baseline = (ROOT / "examples" / "mhlw-baseline.kasu").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(baseline, 1) if text.startswith("rule dogeza "))
    for name, said in (("tutorial.en.md", r"line (\d+) of the inherited baseline"), ("tutorial.ja.md", r"(\d+)行目")):
        source = (ROOT / "docs" / name).read_text(encoding="utf-8")
        shown = re.search(r"mhlw-baseline\.kasu:(\d+):1", source)
        prose = re.search(said, source)
        assert shown and prose and int(shown.group(1)) == int(prose.group(1)) == line, name


def test_tutorial_policy_is_the_shipped_file():
    """The complete policy of each tutorial is its shipped file (examples/tutorial.kasu in Japanese,
    examples/tutorial.en.kasu in English), byte for byte, already in the layout `kasu fmt` writes;
    the records it evaluates are examples/tutorial-incidents.jsonl."""
    from kasuhara_rules.render.formatter import format_text

    for name in TUTORIALS:
        shipped = _tutorial_policy(name)
        complete = [text for path, _, info, text in KASU if path.name == name and info == ""]
        assert complete == [shipped], name
        assert format_text(shipped, name) == shipped, name
        source = (ROOT / "docs" / name).read_text(encoding="utf-8")
        shown = [m.group(3) for m in FENCE.finditer(source) if m.group(1) == "jsonl"
                 and m.group(2).strip() == "my-incidents.jsonl"]
        assert shown == [INCIDENTS.read_text(encoding="utf-8")], name


def _run_kasu(words, cwd, lang):
    """`kasu WORDS` as the reader types it: a new process, in `cwd`, messages in `lang`."""
    import os

    env = dict(os.environ, KASU_LANG=lang, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "kasuhara_rules", *words], cwd=cwd, capture_output=True, env=env)


def _main(words):
    """`kasu WORDS` in this process (the caller sets the folder and KASU_LANG with monkeypatch):
    the exit code, and what it printed on standard output and on standard error."""
    from kasuhara_rules.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(words), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def initialised(tmp_path_factory):
    """For each tutorial language, the folder `kasu init my-policy.kasu` makes (run once, as a new
    process, as the reader runs it): the exit code, what it printed and the folder. Tests read it or
    copy it, never write into it."""
    made = {}

    def folder(lang: str):
        if lang not in made:
            where = tmp_path_factory.mktemp(f"init-{lang}")
            made[lang] = (_run_kasu(["init", "my-policy.kasu"], where, lang), where)
        return made[lang]

    return folder


@pytest.fixture(scope="session")
def printed_by():
    """What each tutorial command printed, by (language, command, policy), in the session: a command
    shown before several output blocks runs once, on the same files, for all of them."""
    return {}


@pytest.mark.parametrize("name", sorted(TUTORIALS))
def test_tutorial_starts_from_kasu_init(name, initialised):
    """Each tutorial starts from `kasu init my-policy.kasu`: the `kasu init` block it shows is the file
    that command writes today (in the tutorial's language, dates aside), and the tutorial's complete
    policy keeps that file's header comments and `extends` — it is the same file, adapted."""
    lang = TUTORIALS[name][0]
    proc, folder = initialised(lang)
    assert proc.returncode == 0, proc.stderr
    written = (folder / "my-policy.kasu").read_text(encoding="utf-8")
    shown = [text for path, _, info, text in KASU if path.name == name and info == "init"]

    def undated(text: str) -> str:
        return re.sub(r"\d{4}-\d\d-\d\d", "DATE", text)

    assert [undated(t) for t in shown] == [undated(written)], name
    final = _tutorial_policy(name)
    lines = written.splitlines()
    kept = lines[:3] + [ln for ln in lines if ln.startswith(("extends ", "  id ", "  version ", "  otherwise "))]
    for line in kept:
        assert line in final.splitlines(), (name, line)


PYTHON = list(blocks("python"))


@pytest.mark.parametrize("path,line,info,text", PYTHON, ids=[f"{p.name}:{n}" for p, n, _, _ in PYTHON])
def test_every_python_block_runs(path, line, info, text, tmp_path):
    """Every `python` block in the docs runs as written, from the repository's root folder,
    unless marked `fragment` (a shape to adapt, naming objects of the reader's own system)."""
    if info in ("fragment", "distributed"):
        return  # a `python distributed` block runs in the test below, when Dask, Spark and Java are present
    assert info == "", f"unknown block marker {info!r}: use `python`, `python fragment` or `python distributed`"
    script = tmp_path / "block.py"
    script.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


DISTRIBUTED = [block for block in PYTHON if block[2] == "distributed"]


@pytest.mark.parametrize("path,line,info,text", DISTRIBUTED, ids=[f"{p.name}:{n}" for p, n, _, _ in DISTRIBUTED])
def test_every_distributed_python_block_runs(path, line, info, text, tmp_path):
    """The Dask and Spark examples (`python distributed` blocks) run as written, on a local cluster,
    when the `distributed` extra and Java are installed; skipped otherwise, unless
    KASU_REQUIRE_DISTRIBUTED=1 (CI), when what is missing fails the test."""
    import os

    from tests.distributed_support import need, need_java

    for module in ("dask.bag", "distributed", "pandas", "pyarrow", "pyspark.sql"):
        need(module)
    need_java()
    script = tmp_path / "block.py"
    script.write_text(text, encoding="utf-8")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_embedding_page_shows_dask_and_spark():
    """The Dask and Spark examples are runnable blocks, not fragments."""
    shown = [text for p, _, _, text in DISTRIBUTED if p.name == "embedding.md"]
    assert any("kasuhara_rules.dask" in text for text in shown)
    assert any("kasuhara_rules.spark" in text for text in shown)


def test_readme_policy_is_the_quickstart_file():
    """The README's policy is examples/quickstart.kasu (whose explained decision it shows)
    without its example blocks."""
    shipped = (ROOT / "examples" / "quickstart.kasu").read_text(encoding="utf-8")
    shown = [text for path, _, info, text in KASU if path.name == "README.md"]
    assert shown == [shipped[: shipped.index('example "')].rstrip("\n") + "\n"]


def _shown_outputs(name: str):
    """(line, info, text, command) of each `text output` / `text mistake: OLD => NEW` block in `name`,
    with the last `kasu` command of the `sh` block before it."""
    source = (ROOT / "docs" / name).read_text(encoding="utf-8")
    command = None
    for m in FENCE.finditer(source):
        if m.group(1) == "sh":
            found = [ln.strip() for ln in m.group(3).splitlines() if ln.strip().startswith("kasu ")]
            command = found[-1] if found else command
        elif m.group(1) == "text" and (m.group(2).startswith("output") or m.group(2).startswith("mistake:")):
            yield source.count("\n", 0, m.start()) + 1, m.group(2), m.group(3), command


SHOWN = [(name, *shown) for name in ("tutorial.ja.md", "tutorial.en.md") for shown in _shown_outputs(name)]


@pytest.mark.parametrize("name,line,info,text,command", SHOWN, ids=[f"{s[0]}:{s[1]}" for s in SHOWN])
def test_tutorial_outputs_are_what_kasu_prints(name, line, info, text, command, tmp_path, monkeypatch,
                                               initialised, printed_by):
    """Every output a tutorial shows is what the command prints today (in the tutorial's language), so
    line numbers and messages cannot drift: `text output` blocks follow the `sh` command before them;
    `text mistake: OLD => NEW` blocks are `kasu check my-policy.kasu` on the tutorial's policy with OLD
    replaced by NEW. Commands on `my-…` files run in a folder made by `kasu init my-policy.kasu`, holding
    the tutorial's policy as my-policy.kasu and its records as my-incidents.jsonl. The commands run in
    this process, as `kasu` runs them (test_in_process_runs_print_what_the_command_prints): what they
    print on standard output, then on standard error, is what the reader's terminal shows (a command
    shown before several blocks runs once for them all)."""
    lang = TUTORIALS[name][0]
    monkeypatch.setenv("KASU_LANG", lang)
    cwd = ROOT
    tutorial = _tutorial_policy(name)
    if info.startswith("mistake:"):
        old, new = (part.strip() for part in info[len("mistake:"):].split("=>"))
        assert old in tutorial, old
        tutorial = tutorial.replace(old, new, 1)
        words = ["check", "my-policy.kasu"]
    else:
        assert command, "an output block needs a `kasu` command before it"
        words = shlex.split(command)[1:]
    key = (lang, tuple(words), tutorial)
    if key not in printed_by:
        if info.startswith("mistake:") or any(w.startswith("my-") for w in words):
            cwd = tmp_path  # the reader's folder: what `kasu init` made, then the tutorial's edits
            if words[0] != "init":
                proc, folder = initialised(lang)
                assert proc.returncode == 0, proc.stderr
                shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
                (tmp_path / "my-policy.kasu").write_text(tutorial, encoding="utf-8")
                (tmp_path / "my-incidents.jsonl").write_bytes(INCIDENTS.read_bytes())
                table = "tutorial-incidents.csv" if lang == "ja" else "tutorial-incidents.en.csv"  # the Excel round trip
                (tmp_path / "my-incidents.csv").write_bytes((ROOT / "examples" / table).read_bytes())
        monkeypatch.chdir(cwd)
        _, stdout, stderr = _main(words)
        printed_by[key] = [ln.rstrip() for ln in (stdout + stderr).splitlines()]
    printed = printed_by[key]
    shown = [ln.rstrip() for ln in text.splitlines()]
    starts = [i for i in range(len(printed) - len(shown) + 1) if printed[i:i + len(shown)] == shown]
    assert starts, f"{name}:{line}: the shown output is not what `kasu {' '.join(words)}` prints:\n" + "\n".join(printed)


def _new_operator_list() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("<!-- new-operator -->"):text.index("<!-- /new-operator -->")]
    return set(re.findall(r"`([\w./-]+\.(?:py|lark|json))`", section))


def test_what_a_new_operator_touches_is_listed():
    """docs/architecture.md lists what a new operator touches: every listed file exists, and
    every module of the package that handles an operator node (by class name, as the
    operators `mentions`, `contains`, `matches` and `between` are handled) is listed."""
    listed = _new_operator_list()
    assert listed and all((ROOT / p).exists() for p in listed), sorted(p for p in listed if not (ROOT / p).exists())
    handling = set()
    for path in (ROOT / "src").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"\b(?:n|nodes)\.(?:Mentions|Contains|Matches|Between)\b|\bdef visit_(?:Mentions|Between)\b"
                     r"|\bvisit_(?:Mentions|Between)\s*=", source):
            handling.add(path.relative_to(ROOT).as_posix())
    assert handling - listed == set()


def test_modules_over_500_lines_are_explained():
    """Modules stay under about 500 lines; docs/architecture.md says why of each one that is not."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    left = text[text.index("## Types, and what is deliberately left"):]
    package = ROOT / "src" / "kasuhara_rules"
    long = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
            if len(p.read_text(encoding="utf-8").splitlines()) > 500]
    assert [p for p in long if f"`{p}`" not in left] == []


@pytest.mark.parametrize("name", sorted(TUTORIALS))
def test_in_process_runs_print_what_the_command_prints(name, tmp_path, monkeypatch, initialised):
    """The tests above run `kasu` in this process: for a tutorial command that prints on both streams
    and one that writes a file, that run gives the exit code, the bytes on standard output and on
    standard error, and the file, that the command the reader types gives."""
    lang = TUTORIALS[name][0]
    proc, folder = initialised(lang)
    assert proc.returncode == 0, proc.stderr
    shown = [c for _, _, _, c in _shown_outputs(name)]
    text = next(c for c in shown if "my-incidents.jsonl --format text" in c)
    written = next(c for c in shown if " -o my-decisions.csv" in c)
    for command in (text, written):
        words = shlex.split(command)[1:]
        results = []
        for way in ("process", "here"):
            where = tmp_path / way
            shutil.copytree(folder, where)
            (where / "my-policy.kasu").write_text(_tutorial_policy(name), encoding="utf-8")
            (where / "my-incidents.jsonl").write_bytes(INCIDENTS.read_bytes())
            table = "tutorial-incidents.csv" if lang == "ja" else "tutorial-incidents.en.csv"
            (where / "my-incidents.csv").write_bytes((ROOT / "examples" / table).read_bytes())
            if way == "process":
                proc = _run_kasu(words, where, lang)
                ran = (proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))
            else:
                with monkeypatch.context() as m:
                    m.setenv("KASU_LANG", lang)
                    m.chdir(where)
                    ran = _main(words)
            made = where / "my-decisions.csv"
            results.append((ran, made.read_bytes() if made.exists() else None))
            shutil.rmtree(where)
        assert results[0] == results[1], command
        assert results[0][0][1] or results[0][0][2], command  # it printed something to compare
