"""Runs the doctests of every module of the imported package (the installed wheel in CI)."""
import doctest
import importlib
import os
import pkgutil

import pytest

import kasuhara_rules

OPTIONAL = {"pygls", "lsprotocol", "pygments"}  # extras: their modules are tested where installed
# The `distributed` extra's modules refuse to import without it, naming the install command.
DISTRIBUTED = {"kasuhara_rules.dask", "kasuhara_rules.spark"}


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in OPTIONAL:
            pytest.skip(f"{name} needs the optional {exc.name}")
        raise
    except ImportError as exc:
        if name in DISTRIBUTED and "kasuhara-rules[distributed]" in str(exc) and \
                os.environ.get("KASU_REQUIRE_DISTRIBUTED") != "1":
            pytest.skip(f"{name} needs the distributed extra")
        raise


# Alembic runs the journal's migration scripts itself (env.py only inside Alembic), never by import
MODULES = sorted(m.name for m in pkgutil.walk_packages(kasuhara_rules.__path__, "kasuhara_rules.")
                 if m.name != "kasuhara_rules.__main__" and ".migrations." not in m.name)


@pytest.mark.parametrize("name", ["kasuhara_rules"] + MODULES)
def test_doctests(name):
    """Every example in a docstring runs and prints what it shows."""
    module = _import(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_module_has_a_one_line_docstring():
    """Each module opens with a one-line docstring saying its job."""
    for name in ["kasuhara_rules"] + MODULES:
        try:
            doc = importlib.import_module(name).__doc__
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] in OPTIONAL:
                continue
            raise
        except ImportError as exc:
            if name in DISTRIBUTED and "kasuhara-rules[distributed]" in str(exc):
                continue
            raise
        assert doc and doc.strip().splitlines()[0].endswith("."), name
