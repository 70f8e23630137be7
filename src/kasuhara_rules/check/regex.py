"""Regular expressions in `matches`: RE2 syntax, compiled by RE2, searched in linear time.

RE2 (https://github.com/google/re2) builds automata instead of backtracking, so a search takes
time linear in the text whatever the pattern — `(a+)+$`, `x.*y` and `a{0,33}a{0,33}a{0,33}c`
included. What RE2 cannot do in linear time it does not do: backreferences (`\\1`), look-ahead and
look-behind, possessive and atomic groups are syntax errors, reported by `kasu check` (E406)
with a hint. Patterns match the NFKC form of the text, ignoring case.
"""
from __future__ import annotations

import functools
import re
from typing import Any

import re2

from ..i18n import N_

MAX_MEMORY = 8 << 20  # bytes of automaton one pattern may use (RE2's default); bigger patterns are refused


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # errors are reported as diagnostics, never on standard error
    options.max_mem = MAX_MEMORY
    return options


_HINTS = (  # (a part of RE2's message, the hint) — first match wins
    ("invalid escape sequence: \\<digit>", N_("backreferences (\\1 … \\9) are not supported: RE2 matches in linear time "
     "and cannot refer back to a group; repeat the group's text, or write two conditions joined with `and`")),
    ("(?=", N_("look-ahead `(?=…)` / `(?!…)` is not supported: write two conditions, e.g. "
     "`t matches \"a\" and not (t matches \"ab\")`")),
    ("(?!", N_("look-ahead `(?=…)` / `(?!…)` is not supported: write two conditions, e.g. "
     "`t matches \"a\" and not (t matches \"ab\")`")),
    ("(?<=", N_("look-behind `(?<=…)` / `(?<!…)` is not supported: match the preceding text as part of the pattern, "
     "or write two conditions joined with `and`")),
    ("(?<!", N_("look-behind `(?<=…)` / `(?<!…)` is not supported: match the preceding text as part of the pattern, "
     "or write two conditions joined with `and`")),
    ("(?>", N_("atomic groups `(?>…)` are not needed: RE2 never backtracks; write a plain group `(?:…)`")),
    ("bad repetition operator: ++", N_("possessive repeats (`a++`, `a*+`) are not needed: RE2 never backtracks; "
     "write `a+`")),
    ("bad repetition operator: *+", N_("possessive repeats (`a++`, `a*+`) are not needed: RE2 never backtracks; "
     "write `a*`")),
    ("bad repetition operator: ?+", N_("possessive repeats are not needed: RE2 never backtracks; write `a?`")),
    ("invalid repetition size", N_("a repetition count is at most 1000: use smaller bounds in {m,n}, or `*` / `+`")),
    ("pattern too large", N_("the pattern needs too much memory: use smaller repetition counts, or a phrase list "
     "with `contains any`")),
)
_DEFAULT_HINT = N_("matches uses RE2 syntax (https://github.com/google/re2/wiki/Syntax): escape special "
                 "characters such as ( ) [ ] . * + ? with \\")


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """(message, hint) when RE2 cannot compile `pattern`, else None.

    >>> pattern_problem("土下座.*しろ") is None
    True
    >>> pattern_problem(r"\\d+円") is None
    True
    >>> pattern_problem(r"(a)\\1")[0]
    'the regular expression is not supported: invalid escape sequence: \\\\1'
    >>> pattern_problem("(")[0].startswith("the regular expression does not compile")
    True
    """
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        reason = _reason(exc)
        key = re.sub(r"\\[1-9]$", r"\\<digit>", reason)
        for part, hint in _HINTS:
            if part in key:
                return (N_("the regular expression is not supported: {reason}", reason=reason), hint)
        return (N_("the regular expression does not compile: {reason}", reason=reason), _DEFAULT_HINT)
    except (TypeError, ValueError) as exc:  # e.g. a lone surrogate that is not UTF-8
        return (N_("the regular expression does not compile: {reason}", reason=exc), _DEFAULT_HINT)
    return None


def _reason(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else str(exc)
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


class Regex:
    """An RE2 pattern that searches any Python text: RE2 reads UTF-8, and a text holding a lone
    surrogate (valid in a Python string, possible in JSON) has none; such a text is searched
    with each lone surrogate read as U+FFFD, instead of raising."""

    __slots__ = ("_search",)

    def __init__(self, pattern: str) -> None:
        self._search = re2.compile(pattern, _options()).search

    def search(self, text: str) -> Any:
        try:
            return self._search(text)
        except UnicodeEncodeError:
            return self._search(_without_surrogates(text))


def _without_surrogates(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


@functools.lru_cache(maxsize=256)
def compiled(pattern: str) -> Regex:
    """The RE2 pattern (ignoring case), cached; only for patterns the checker accepted.

    >>> compiled("死ね").search("\\ud800死ね").group(0)
    '死ね'
    """
    return Regex(pattern)
