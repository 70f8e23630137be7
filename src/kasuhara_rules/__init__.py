"""kasuhara-rules: an organisation's customer-harassment criteria as executable, explainable policies."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

__all__ = [
    "CheckResult", "Decision", "Diagnostic", "PendingRule", "Policy", "PolicyError", "RecordError",
    "__version__", "check_path", "check_text", "load_policy", "parse_policy", "read_records",
]

if TYPE_CHECKING:  # pragma: no cover
    from .check.checker import CheckResult
    from .diagnostics import Diagnostic
    from .policy import Decision, PendingRule, Policy, PolicyError
    from .coerce import RecordError
    from .reading import read_records

# The classes load on first use (PEP 562), so `import kasuhara_rules` stays cheap.
_LAZY = {
    "CheckResult": "check.checker", "Diagnostic": "diagnostics", "Decision": "policy",
    "PendingRule": "policy", "Policy": "policy", "PolicyError": "policy", "RecordError": "coerce",
    "read_records": "reading",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kasuhara_rules' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


def _lang(lang: str | None) -> str:
    """The language of messages: `lang` ("ja" or "en"), else KASU_LANG, else the locale, else English."""
    from .i18n import choose_language

    return choose_language(lang, os.environ)


def load_policy(path: str | os.PathLike[str], allow_outside: bool = False, lang: str | None = None) -> "Policy":
    """Load, check and compile the policy file at `path`; raises PolicyError on any error.

    Files the policy names (`extends`, `phrases … from`) must lie inside the policy's own
    directory (E606) unless `allow_outside=True`. The diagnostics' messages and hints (and
    `str(PolicyError)`) are in `lang`: "ja" or "en", by default chosen as `kasu` chooses
    (KASU_LANG, then the locale, else English); their codes are the same in both.

    >>> load_policy("no/such/policy.kasu")
    Traceback (most recent call last):
    ...
    kasuhara_rules.PolicyError: 1 error; first: no/such/policy.kasu:1:1: cannot read the policy file: ...
    """
    from .check.loader import load_path
    from .policy import policy_from

    loaded = load_path(path, allow_outside=allow_outside)
    return policy_from(loaded.result, loaded.files, os.fspath(path), loaded.sources, _lang(lang))


def parse_policy(source: str, filename: str = "<policy>", lang: str | None = None) -> "Policy":
    """Check and compile a policy given as text; raises PolicyError on any error (`lang` as for load_policy).

    >>> p = parse_policy(\'\'\'policy "t" { id t  version "1"  otherwise claim }
    ... outcomes { claim, kasuhara }
    ... schema { dogeza: bool }
    ... rule r { when dogeza then kasuhara respond "断る" }\'\'\')
    >>> p.evaluate({"dogeza": True}).outcome
    'kasuhara'
    """
    from .check.loader import load_text
    from .policy import policy_from

    loaded = load_text(source, filename)
    return policy_from(loaded.result, loaded.files, filename, loaded.sources, _lang(lang))


def _localized(result: "CheckResult", lang: str | None) -> "CheckResult":
    import attrs

    from .diagnostics import localized

    chosen = _lang(lang)
    return result if chosen == "en" else attrs.evolve(result, diagnostics=localized(result.diagnostics, chosen))


def check_path(path: str | os.PathLike[str], allow_outside: bool = False, lang: str | None = None) -> "CheckResult":
    """Parse, resolve, type-check and lint the policy file at `path` (`allow_outside` and `lang` as
    for load_policy).

    >>> result = check_path("no/such/file.kasu")
    >>> result.ok, result.diagnostics[0].code
    (False, 'E100')
    """
    from .check.loader import load_path

    return _localized(load_path(path, allow_outside=allow_outside).result, lang)


def check_text(text: str, name: str = "<policy>", lang: str | None = None) -> "CheckResult":
    """Check a policy given as text (`lang` as for load_policy)."""
    from .check.loader import load_text

    return _localized(load_text(text, name).result, lang)
