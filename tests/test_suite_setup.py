"""How the suite runs: on every core, the Chromium tests left to `.ci/run`, which runs them and the full profile."""
from __future__ import annotations

import re
import shlex

from tests.conftest import ROOT

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # read as text: tomllib is 3.11+


def _addopts() -> list[str]:
    found = re.search(r'^addopts = "([^"]*)"$', PYPROJECT, re.M)
    assert found, "pyproject.toml's [tool.pytest.ini_options] has one addopts line"
    return shlex.split(found.group(1))


def test_the_default_run_uses_every_core_and_leaves_chromium_to_ci():
    """`python -m pytest` runs one worker per logical CPU and deselects the tests marked `browser`;
    pytest-xdist is in the test extra, so the README's install gives what addopts ask for."""
    opts = _addopts()
    assert opts[opts.index("-n") + 1] == "logical" and opts[opts.index("-m") + 1] == "not browser"
    test_extra = PYPROJECT[PYPROJECT.index("\ntest = ["):]
    assert '"pytest-xdist>=' in test_extra[:test_extra.index("\n]")]


def test_ci_runs_the_full_profile_and_the_chromium_tests_where_they_cannot_skip():
    """`.ci/run` runs the suite under the `ci` profile (full sizes), then `-m browser` after
    KASU_REQUIRE_BROWSER=1 is exported, so a missing Chromium fails those tests instead of skipping."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    main = re.search(r"^HYPOTHESIS_PROFILE=ci \S+ -m pytest -q\b", ci, re.M)
    browser = re.search(r"^\S+ -m pytest -q -m browser$", ci, re.M)
    required = ci.find("export KASU_REQUIRE_BROWSER=1")
    assert main and browser and 0 <= required < browser.start()
