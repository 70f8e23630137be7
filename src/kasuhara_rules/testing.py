"""Deprecated alias of `kasuhara_rules.cli.examples` (the module moved in 0.2; this alias goes in 0.3)."""
import sys

from .cli import examples as _moved

sys.modules[__name__] = _moved
