"""Loads grammar/kasu.lark: the parse tables for lalr.py, and Lark's parser for errors.

Parsing a policy uses lalr.py over tables that Lark built from the grammar, shipped as a
generated file (syntax/tables.json), so the common case never imports Lark. Lark itself is
loaded to explain a syntax error, and to regenerate the tables.
"""
from __future__ import annotations

import functools
import hashlib
import json
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


TABLES_NAME = "tables.json"


def grammar_digest(text: str) -> str:
    """The SHA-256 of the grammar text the tables were generated from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generate_tables() -> dict[str, Any]:
    """The parse tables of lalr.py, built by Lark from the grammar (what `tools/gen_tables.py`
    writes to syntax/tables.json), stamped with the grammar's digest."""
    from . import lalr

    data = _canonical(json.loads(json.dumps(lalr.tables_from_lark(parser()))))
    data["grammar_sha256"] = grammar_digest(grammar_text())
    return data


def _canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The same automaton with its states numbered in breadth-first order from the start state
    (symbols in sorted order) and its rules sorted: Lark numbers both in the order of sets of
    objects, which differs from one process to the next, so only this form can be compared."""
    rules = data["rules"]
    rule_order = sorted(range(len(rules)), key=lambda i: json.dumps(rules[i], sort_keys=True))
    new_rule = {old: new for new, old in enumerate(rule_order)}
    states = data["states"]
    order = [data["start"]]
    number = {data["start"]: 0}
    for state in order:  # grows while it is walked: breadth first
        for symbol in sorted(states[state]):
            target = states[state][symbol]
            if target >= 0 and target not in number:
                number[target] = len(order)
                order.append(target)
    for state in range(len(states)):  # unreachable states (none in practice) keep a place
        if state not in number:
            number[state] = len(order)
            order.append(state)

    def action(value: int) -> int:
        return number[value] if value >= 0 else -(new_rule[-value - 1] + 1)

    return dict(data, rules=[rules[i] for i in rule_order], start=number[data["start"]], end=number[data["end"]],
                states=[{s: action(v) for s, v in sorted(states[old].items())} for old in order])


def shipped_tables() -> dict[str, Any] | None:
    """The generated tables shipped in the package (syntax/tables.json), or None."""
    from importlib import resources

    try:
        raw = (resources.files(__package__) / TABLES_NAME).read_bytes()
    except OSError:  # pragma: no cover - a package built without its tables
        return None
    data: dict[str, Any] = json.loads(raw)
    return data


@functools.cache
def tables() -> "Tables | None":
    """The parse tables of lalr.py, once per process (a pure cache: same grammar, same tables).

    They are a generated file shipped with the package (syntax/tables.json, made from
    grammar/kasu.lark by `python tools/gen_tables.py`; a test regenerates and compares), so
    parsing never imports Lark and nothing is written to or read from the user's disk besides
    the package itself. Tables that do not match the grammar in use (a developer edited the
    grammar and has not regenerated yet) are rebuilt in memory; None when even that fails,
    and then parsing goes through Lark."""
    from . import lalr

    data = shipped_tables()
    if data is None or data.get("format") != lalr.FORMAT or data.get("grammar_sha256") != grammar_digest(grammar_text()):
        try:
            data = generate_tables()
        except Exception:  # pragma: no cover - a Lark whose parser has another shape: use Lark itself
            return None
    return lalr.Tables(data)


@functools.cache
def parser() -> "Lark":
    """Lark's LALR parser for the grammar, built in memory once per process (about 60 ms):
    needed only to explain a syntax error or to regenerate the tables."""
    from lark import Lark

    return Lark(grammar_text(), **OPTIONS)


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
