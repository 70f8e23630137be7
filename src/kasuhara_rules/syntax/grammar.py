"""Loads grammar/kasu.lark: the parse tables for lalr.py, and Lark's parser for errors.

Parsing a policy uses lalr.py over tables that Lark built (cached on disk as JSON), so the
common case never imports Lark. Lark itself is loaded when the tables must be (re)built, and
to explain a syntax error.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import N_

if TYPE_CHECKING:  # pragma: no cover
    from lark import Lark

    from .lalr import Tables

GRAMMAR_NAME = "kasu.lark"

# Keyword terminals as Lark names them, and the language words they stand for.
# Everything that is not a NAME-like keyword is described in `describe_terminal`.
TERMINAL_WORDS = {
    "NAME": N_("a name"),
    "STRING": N_('a quoted text ("…")'),
    "NUMBER": N_("a number"),
    "DURATION": N_("a duration such as 30min"),
    "DATE": N_("a date such as 2026-04-01"),
    "DATETIME": N_("a date-time such as 2026-04-01T09:30:00+09:00"),
    "COMPARE": N_("a comparison (==, !=, <, <=, >, >=)"),
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
    for candidate in (here.parent / "grammar" / GRAMMAR_NAME, here.parents[2] / "grammar" / GRAMMAR_NAME):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    from importlib import resources  # an installation that is not plain files (a zip, say)

    return (resources.files("kasuhara_rules") / "grammar" / GRAMMAR_NAME).read_text(encoding="utf-8")


OPTIONS = {"parser": "lalr", "lexer": "basic", "keep_all_tokens": True, "maybe_placeholders": True}


@functools.cache
def tables() -> "Tables | None":
    """The parse tables of lalr.py, built once per machine (and per grammar, Lark and Python
    version) and kept as JSON next to Lark's parser in the cache directory; None when they
    cannot be made, and then parsing goes through Lark."""
    from . import lalr

    text = grammar_text()
    directory = cache_dir()
    key = hashlib.sha256("\0".join([text, _lark_version(), sys.version, str(lalr.FORMAT)]).encode("utf-8"))
    path = directory / f"tables-{key.hexdigest()[:24]}.json" if directory is not None else None
    if path is not None:
        try:
            with open(path, "rb") as handle:
                if _trusted(os.fstat(handle.fileno())):
                    data = json.loads(handle.read())
                    if data.get("format") == lalr.FORMAT:
                        return lalr.Tables(data)
        except Exception:  # absent, unreadable or damaged: build them again
            pass
    try:
        data = lalr.tables_from_lark(parser())
        built = lalr.Tables(data)
    except Exception:  # pragma: no cover - a Lark whose parser has another shape: use Lark itself
        return None
    if path is not None:
        _write_atomically(path, json.dumps(data, separators=(",", ":")).encode("utf-8"))
    return built


def _lark_version() -> str:
    """Which Lark is installed, without importing it: where its package is, and the size and
    time of its files' last change (a new or reinstalled Lark gives a new key)."""
    from importlib.util import find_spec

    spec = find_spec("lark")
    if spec is None or not spec.origin:  # pragma: no cover - Lark is a dependency
        return "?"
    folder = os.path.dirname(spec.origin)
    stamps = []
    for name in ("__init__.py", "lark.py", os.path.join("parsers", "lalr_analysis.py")):
        try:
            st = os.stat(os.path.join(folder, name))
            stamps.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            stamps.append(f"{name}:-")
    return folder + "|" + "|".join(stamps)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file readable only by this user; any failure leaves no file behind."""
    import tempfile

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.stem + "-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:  # a read-only home, a full disk: run without the cache
        pass


@functools.cache
def parser() -> "Lark":
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


def build_parser(directory: Path | None) -> "Lark":
    """Load the built parser from `directory` if it holds one for this grammar, else build
    it (and save it there when possible). Any problem with the cache means: build it."""
    import io

    import lark
    from lark import Lark

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
    buffer = io.BytesIO()
    built.save(buffer)
    _write_atomically(path, buffer.getvalue())
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
