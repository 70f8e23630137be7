"""kasuhara-rules: an organisation's customer-harassment criteria as executable, explainable policies."""
from __future__ import annotations

__version__ = "0.1.0"

from .checker import CheckResult
from .diagnostics import Diagnostic
from .loader import load_path, load_text

__all__ = ["CheckResult", "Diagnostic", "__version__", "check_path", "check_text"]


def check_path(path) -> CheckResult:
    """Parse, resolve, type-check and lint the policy file at `path`.

    >>> result = check_path("no/such/file.kasu")
    >>> result.ok, result.diagnostics[0].code
    (False, 'E100')
    """
    return load_path(path).result


def check_text(text: str, name: str = "<policy>") -> CheckResult:
    """Check a policy given as text."""
    return load_text(text, name).result
