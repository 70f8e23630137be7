"""Loads grammar/kasu.lark and builds the LALR parser once per process."""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

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
    try:
        packaged = resources.files("kasuhara_rules") / "grammar" / GRAMMAR_NAME
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    checkout = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_NAME
    return checkout.read_text(encoding="utf-8")


@functools.cache
def parser() -> Lark:
    """The LALR parser, built once per process (a pure cache: same grammar, same parser)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="basic",
        keep_all_tokens=True,
        maybe_placeholders=True,
    )


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
