"""Deprecated alias of `kasuhara_rules.engine.tracedata` (the module moved in 0.2; this alias goes in 0.3)."""
import sys

from .engine import tracedata as _moved

sys.modules[__name__] = _moved
