"""Loads grammar/kasu.lark and builds the LALR parser once per process."""
from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import lark
from lark import Lark

GRAMMAR_NAME = "kasu.lark"

# Keyword terminals as Lark names them, and the language words they stand for.
# Everything that is not a NAME-like keyword is described in `describe_terminal`.
TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted text ("…")',
    "NUMBER": "a number",
    "DURATION": "a duration such as 30min",
    "DATE": "a date such as 2026-04-01",
    "DATETIME": "a date-time such as 2026-04-01T09:30:00+09:00",
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "DOT": "`.`",
    "EQUAL": "`=`",
    "__ANON_0": "`+=`",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "$END": "the end of the file",
}


def grammar_text() -> str:
    """The grammar source: from the installed package, or from the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / GRAMMAR_NAME, here.parents[1] / "grammar" / GRAMMAR_NAME):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    from importlib import resources  # an installation that is not plain files (a zip, say)

    return (resources.files("kasuhara_rules") / "grammar" / GRAMMAR_NAME).read_text(encoding="utf-8")


OPTIONS = {"parser": "lalr", "lexer": "basic", "keep_all_tokens": True, "maybe_placeholders": True}


@functools.cache
def parser() -> Lark:
    """The LALR parser, built once per process (a pure cache: same grammar, same parser).

    Building the tables takes about 60 ms, so the built parser is also kept on disk, in the
    user's cache directory, under a name derived from the grammar text and the Lark and
    Python versions: a changed grammar or library never loads a stale parser.
    """
    return build_parser(cache_dir())


def cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/kasuhara-rules` (or ~/.cache/...); None when caching is switched off
    with KASU_NO_PARSER_CACHE=1. Read when the parser is first needed, never at import."""
    if os.environ.get("KASU_NO_PARSER_CACHE") == "1":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kasuhara-rules"


def build_parser(directory: Path | None) -> Lark:
    """Load the built parser from `directory` if it holds one for this grammar, else build
    it (and save it there when possible). Any problem with the cache means: build it."""
    text = grammar_text()
    if directory is None:
        return Lark(text, **OPTIONS)
    key = hashlib.sha256("\0".join([text, lark.__version__, sys.version, repr(sorted(OPTIONS.items()))])
                         .encode("utf-8")).hexdigest()[:24]
    path = directory / f"parser-{key}.lark"
    try:
        with open(path, "rb") as handle:
            if _trusted(os.fstat(handle.fileno())):
                return Lark.load(handle)
    except Exception:  # absent, unreadable, truncated or from another version: rebuild
        pass
    built = Lark(text, **OPTIONS)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".parser-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                built.save(handle)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:  # a read-only home, a full disk: run without the cache
        pass
    return built


def _trusted(st: os.stat_result) -> bool:
    """Lark saves parsers with pickle, so only a file of this user that nobody else may write
    is loaded (the same rule as for the user's own files); anything else is rebuilt."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


@functools.cache
def keywords() -> frozenset[str]:
    """Every reserved word of the language."""
    words = set()
    for term in parser().terminals:
        pattern = term.pattern
        if pattern.type == "str" and pattern.value.isidentifier():
            words.add(pattern.value)
    return frozenset(words)


def describe_terminal(name: str) -> str:
    """A terminal's name in the words of the language: `then`, a name, `{`..."""
    if name in TERMINAL_WORDS:
        return TERMINAL_WORDS[name]
    for term in parser().terminals:
        if term.name == name and term.pattern.type == "str":
            return f"`{term.pattern.value}`"
    return name.lower()
