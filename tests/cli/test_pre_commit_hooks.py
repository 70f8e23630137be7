"""The pre-commit hooks: the YAML is valid, names the three hooks, and each entry runs as written."""
import re
import shutil
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from kasuhara_rules.cli.commands import build_parser, main  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_three_hooks_are_declared():
    assert [h["id"] for h in HOOKS] == ["kasu-check", "kasu-fmt", "kasu-test"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository into its own venv
        assert re.search(hook["files"], "policies/acme.kasu") and not re.search(hook["files"], "README.md")


def test_entries_are_kasu_subcommands():
    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no API
    for hook in HOOKS:
        program, command, *rest = hook["entry"].split()
        assert program == "kasu" and command in commands and rest == []


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_each_hook_passes_on_a_clean_policy_and_fails_on_a_broken_one(hook, tmp_path, capsys):
    """As pre-commit calls it: the entry, then the staged file names."""
    policy = tmp_path / "quickstart.kasu"
    shutil.copy(ROOT / "examples" / "quickstart.kasu", policy)
    args = hook["entry"].split()[1:] + hook.get("args", [])
    assert main(args + [str(policy)]) == 0
    broken = {"kasu-check": ("then     kasuhara", "then     kasuhra"),
              "kasu-fmt": ("  id ", "    id "),
              "kasu-test": ("expect kasuhara", "expect claim")}[hook["id"]]
    text = policy.read_text(encoding="utf-8")
    assert broken[0] in text
    policy.write_text(text.replace(broken[0], broken[1], 1), encoding="utf-8")
    status = main(args + ["--check", str(policy)] if hook["id"] == "kasu-fmt" else args + [str(policy)])
    assert status == 1
    capsys.readouterr()
