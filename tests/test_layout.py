"""The package layout: one subpackage per stage, and the old deep imports that stay for one release."""
import importlib

import pytest


@pytest.mark.parametrize("old, new", [
    ("kasuhara_rules.batch", "kasuhara_rules.cli.batch"),
    ("kasuhara_rules.testing", "kasuhara_rules.cli.examples"),
    ("kasuhara_rules.tracedata", "kasuhara_rules.engine.tracedata"),
])
def test_documented_deep_imports_are_aliases(old, new):
    """A deep import documented before the move gives the very module at its new place."""
    assert importlib.import_module(old) is importlib.import_module(new)


def test_public_api_names():
    """The facade keeps its names, and the public exceptions report their public module."""
    import kasuhara_rules as k

    for name in k.__all__:
        assert getattr(k, name) is not None
    assert k.PolicyError.__module__ == "kasuhara_rules"
    assert k.RecordError.__module__ == "kasuhara_rules"
    assert k.Policy.__module__ == "kasuhara_rules.engine.policy"
