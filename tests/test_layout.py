"""The package layout: one subpackage per stage; the deep imports deprecated in 0.2 are gone in 0.3."""
import importlib

import pytest


@pytest.mark.parametrize("old", [
    "kasuhara_rules.batch", "kasuhara_rules.testing", "kasuhara_rules.tracedata",
    "kasuhara_rules.engine.policy", "kasuhara_rules.engine.words", "kasuhara_rules.engine.text",
])
def test_old_deep_imports_are_gone(old):
    """The aliases kept for 0.2 and the modules that moved in 0.3 are not importable at their old places."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)


def test_public_api_names():
    """The facade keeps its names, and the public exceptions report their public module."""
    import kasuhara_rules as k

    for name in k.__all__:
        assert getattr(k, name) is not None
    assert k.PolicyError.__module__ == "kasuhara_rules"
    assert k.RecordError.__module__ == "kasuhara_rules"
    assert k.Policy.__module__ == "kasuhara_rules.policy"
