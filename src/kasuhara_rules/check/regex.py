"""Regular expressions in `matches`: compile them, and refuse patterns that can backtrack for ever."""
from __future__ import annotations

import functools
from ..i18n import N_
import re

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

FLAGS = re.IGNORECASE
MAX_WIDTH = 100  # the longest text one match may cover; see pattern_problem
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_ALL = "ALL"


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """(message, hint) when `pattern` cannot be used, else None.

    >>> pattern_problem("土下座|どげざ") is None
    True
    >>> pattern_problem("(a+)+$")[0]
    'this pattern can take exponential time: a repeated part repeats inside another repetition'
    >>> pattern_problem("(")[0].startswith("the regular expression does not compile")
    True
    >>> pattern_problem("土下座.*しろ")[0]
    'this pattern can match a text of any length (`*`, `+` or `{n,}`)'

    Besides exponential backtracking, Python's `re` searches in time proportional to the
    text length times the longest text one match can cover: `a.*b` over five megabytes
    of `a` takes hours. So a pattern must say how long a match can be, at most MAX_WIDTH
    characters; then a search over any text is linear (a few seconds for 5 MB at worst).
    """
    try:
        re.compile(pattern, FLAGS)
        tree = _sre_parse.parse(pattern, FLAGS)
        _low, width = tree.getwidth()
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        return (N_("the regular expression does not compile: {exc}", exc=exc),
                N_("matches uses Python's re syntax; escape special characters such as ( ) [ ] . * + ? with \\"))
    found = _walk(list(tree), inside_repeat=False)
    if found:
        return found
    if width >= _c.MAXREPEAT:
        return (N_("this pattern can match a text of any length (`*`, `+` or `{n,}`)"),
                N_("say how long a match can be, so that a long text cannot take minutes: write .{0,30} instead of .*, \\d{1,10} instead of \\d+"))
    if width > MAX_WIDTH:
        return (N_("this pattern can match up to {width} characters; at most {MAX_WIDTH} are allowed", width=width, MAX_WIDTH=MAX_WIDTH),
                N_("use smaller bounds in {m,n}, or split the pattern into several conditions joined with `and`"))
    return None


@functools.lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern:
    """The compiled pattern (IGNORECASE), cached; only for patterns the checker accepted."""
    return re.compile(pattern, FLAGS)


def _walk(items: list, inside_repeat: bool) -> tuple[str, str] | None:
    for op, av in items:
        if op in _REPEATS:
            low, high, sub = av
            repeats = high is _c.MAXREPEAT or high > 1
            variable = low != high
            if inside_repeat and variable:
                return (N_("this pattern can take exponential time: a repeated part repeats inside another repetition"),
                        N_("rewrite it without nested repetition, e.g. (ab)+ instead of (a+b?)+, or list the words in a phrase list and use contains any"))
            if repeats and _has_overlapping_branch(list(sub)):
                return (N_("this pattern can take exponential time: alternatives that can match the same text are repeated"), N_("make the alternatives start differently, or use a phrase list with contains any"))
            found = _walk(list(sub), inside_repeat or repeats)
            if found:
                return found
        elif op is _c.SUBPATTERN:
            found = _walk(list(av[-1]), inside_repeat)
            if found:
                return found
        elif op is _c.BRANCH:
            for branch in av[1]:
                found = _walk(list(branch), inside_repeat)
                if found:
                    return found
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(list(av[1]), inside_repeat)
            if found:
                return found
            if av[1].getwidth()[1] > MAX_WIDTH:  # a look-ahead scans as far as it can match
                return (N_("a look-ahead in this pattern can scan a text of any length"),
                        N_("bound the look-ahead: write (?=.{0,30}x) instead of (?=.*x)"))
        # POSSESSIVE_REPEAT and ATOMIC_GROUP never backtrack: they are safe as they are.
    return None


def _has_overlapping_branch(items: list) -> bool:
    for op, av in items:
        if op is _c.BRANCH:
            seen: list = []
            for branch in av[1]:
                first = _first(list(branch))
                for other in seen:
                    if first is _ALL or other is _ALL or first & other:
                        return True
                seen.append(first)
        elif op is _c.SUBPATTERN and _has_overlapping_branch(list(av[-1])):
            return True
    return False


def _first(items: list):
    """The characters a sequence can start with: a set, or _ALL when unsure."""
    for op, av in items:
        if op is _c.LITERAL:
            return {chr(av).casefold()}
        if op is _c.SUBPATTERN:
            return _first(list(av[-1]))
        if op in _REPEATS or op is getattr(_c, "POSSESSIVE_REPEAT", None):
            low, _high, sub = av
            first = _first(list(sub))
            if low == 0:
                return _ALL
            return first
        if op is _c.IN:
            chars = set()
            for iop, iav in av:
                if iop is _c.LITERAL:
                    chars.add(chr(iav).casefold())
                else:
                    return _ALL
            return chars
        if op is _c.AT:
            continue
        return _ALL
    return _ALL
