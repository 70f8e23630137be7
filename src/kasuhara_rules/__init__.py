"""kasuhara-rules: an organisation's customer-harassment criteria as executable, explainable policies."""
from __future__ import annotations

__version__ = "0.1.0"

import os

from .checker import CheckResult
from .diagnostics import Diagnostic
from .loader import load_path, load_text
from .policy import Decision, PendingRule, Policy, PolicyError
from .records import RecordError

__all__ = [
    "CheckResult", "Decision", "Diagnostic", "PendingRule", "Policy", "PolicyError", "RecordError",
    "__version__", "check_path", "check_text", "load_policy", "parse_policy",
]


def load_policy(path: str | os.PathLike) -> Policy:
    """Load, check and compile the policy file at `path`; raises PolicyError on any error.

    >>> load_policy("no/such/policy.kasu")
    Traceback (most recent call last):
    ...
    kasuhara_rules.policy.PolicyError: 1 error; first: no/such/policy.kasu:1:1: cannot read the policy file: ...
    """
    from .policy import policy_from

    loaded = load_path(path)
    return policy_from(loaded.result, loaded.files, os.fspath(path), loaded.sources)


def parse_policy(source: str, filename: str = "<policy>") -> Policy:
    """Check and compile a policy given as text; raises PolicyError on any error.

    >>> p = parse_policy('''policy "t" { id t  version "1"  otherwise claim }
    ... outcomes { claim, kasuhara }
    ... schema { dogeza: bool }
    ... rule r { when dogeza then kasuhara respond "断る" }''')
    >>> p.evaluate({"dogeza": True}).outcome
    'kasuhara'
    """
    from .policy import policy_from

    loaded = load_text(source, filename)
    return policy_from(loaded.result, loaded.files, filename, loaded.sources)


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
