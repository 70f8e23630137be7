"""A small LALR(1) parser over tables that Lark builds from grammar/kasu.lark.

Lark builds the lexer and the parse table once; `tables_from_lark` copies what parsing needs
into plain data (JSON, cached on disk by grammar.py). Parsing a policy then runs this module's
own loop and never imports Lark, which saves a start-up cost that every `kasu` command paid:
importing Lark and loading its built parser took about a quarter of `kasu check`.

The trees are the trees Lark would build with the options of grammar.OPTIONS (all tokens
kept, `[x]` as None when absent, `_rule`s inlined, `?rule`s with one child replaced by it).
A test compares this parser with Lark on every example policy and on random and mutated
text. When the text does not parse, `parse` raises ParseFailed and the caller asks Lark,
whose errors the syntax-error diagnostics are written against.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, cast

FORMAT = 1  # of the table data; part of the cache key


class ParseFailed(Exception):
    """The text does not parse (Lark reports why)."""


class Token(str):
    """A token: its text, type and position (1-based; `end_column` is one past the last)."""

    __slots__ = ("type", "line", "column", "end_line", "end_column")
    type: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __new__(cls, type_: str, value: str, line: int, column: int) -> "Token":
        tok = super().__new__(cls, value)
        tok.type = type_
        tok.line = tok.end_line = line
        tok.column = column
        tok.end_column = column + len(value)
        return tok

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"


class Node:
    """A tree node: the rule (or alias) name and the children (Nodes, Tokens or None)."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children

    def __repr__(self) -> str:
        return f"Node({self.data!r}, {self.children!r})"


class Tables:
    """The lexer and parse table in the form `parse` uses."""

    __slots__ = ("scanner", "keywords", "ignore", "states", "rules", "start", "end")

    def __init__(self, data: dict[str, Any]) -> None:
        self.scanner = re.compile(data["scanner"], data["flags"])
        self.keywords: dict[str, dict[str, str]] = data["keywords"]
        self.ignore = frozenset(data["ignore"])
        self.states: list[dict[str, int]] = data["states"]
        # rule: (name, length, origin, plan or None, nones appended, expand a single child)
        self.rules = [tuple(r) for r in data["rules"]]
        self.start = data["start"]
        self.end = data["end"]


def parse(text: str, tables: Tables) -> Node:
    """The tree of `text`; raises ParseFailed when it does not lex or parse."""
    states, rules, end_state = tables.states, tables.rules, tables.end
    state_stack = [tables.start]
    value_stack: list[Any] = []
    for tok in _tokens(text, tables):
        _feed(tok.type, tok, state_stack, value_stack, states, rules, end_state)
    line = text.count("\n") + 1
    tree: Node = _feed("$END", Token("$END", "", line, 1), state_stack, value_stack, states, rules, end_state)
    return tree


def _tokens(text: str, tables: Tables, keep: frozenset[str] = frozenset()) -> Iterator[Token]:
    """The tokens of `text`, without the ignored kinds (white space, comments) except `keep`."""
    match = tables.scanner.match
    keywords, ignore = tables.keywords, tables.ignore
    pos, size, line, line_start = 0, len(text), 1, 0
    while pos < size:
        m = match(text, pos)
        if m is None:
            raise ParseFailed(pos)
        kind = cast(str, m.lastgroup)  # every alternative of the scanner is a named group
        value = m.group(0)
        if not value:  # pragma: no cover - no terminal of the grammar matches the empty text
            raise ParseFailed(pos)
        if kind not in ignore or kind in keep:
            by_text = keywords.get(kind)
            if by_text is not None:
                kind = by_text.get(value, kind)
            yield Token(kind, value, line, pos - line_start + 1)
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = pos + value.rindex("\n") + 1
        pos = m.end()


def _feed(kind: str, tok: Token, state_stack: list[int], value_stack: list[Any], states: list[dict[str, int]],
          rules: list[tuple[Any, ...]],
          end_state: int) -> Any:
    while True:
        action = states[state_stack[-1]].get(kind)
        if action is None:
            raise ParseFailed(tok)
        if action >= 0:  # shift
            state_stack.append(action)
            value_stack.append(tok)
            return None
        name, size, origin, plan, append_none, expand1 = rules[-action - 1]
        if size:
            children = value_stack[-size:]
            del state_stack[-size:]
            del value_stack[-size:]
        else:
            children = []
        if plan is not None:
            kept: list[Any] = []
            for index, inline, nones in plan:
                if nones:
                    kept.extend([None] * nones)
                if inline:
                    if kept:
                        kept.extend(children[index].children)
                    else:  # a left-recursive list: take over the list built so far (never shared)
                        kept = children[index].children
                else:
                    kept.append(children[index])
            if append_none:
                kept.extend([None] * append_none)
            children = kept
        value = children[0] if expand1 and len(children) == 1 else Node(name, children)
        goto = states[state_stack[-1]].get(origin)
        if goto is None or goto < 0:  # pragma: no cover - a table always has the goto
            raise ParseFailed(tok)
        state_stack.append(goto)
        value_stack.append(value)
        if kind == "$END" and goto == end_state:
            return value


# ---- building the tables from Lark (only when they are not cached) -------------------------

def tables_from_lark(lark_parser: Any) -> dict[str, Any]:
    """The plain data of a built Lark LALR parser (basic lexer); raises if its shape is not
    the one this module understands, so that the caller falls back to Lark itself."""
    lexer = lark_parser.parser.lexer
    scanner = lexer.scanner
    terminals = list(scanner.terminals)
    pattern = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
    keywords: dict[str, dict[str, str]] = {}
    for kind, callback in lexer.callback.items():
        words: dict[str, str] = {}
        for t in callback.scanner.terminals:
            if type(t.pattern).__name__ != "PatternStr" or t.pattern.flags:
                raise ValueError(f"keyword terminal {t.name} is not a plain string")
            words[t.pattern.value] = t.name
        keywords[kind] = words
    table = lark_parser.parser.parser._parse_table
    rules = list(lark_parser.rules)
    index = {id(r): i for i, r in enumerate(rules)}
    states: list[dict[str, int]] = []
    for number in range(len(table.states)):
        row: dict[str, int] = {}
        for kind, (action, arg) in table.states[number].items():
            row[kind] = arg if action.name == "Shift" else -(index[id(arg)] + 1)
        states.append(row)
    out_rules: list[list[Any]] = []
    for r in rules:
        options = r.options
        plan, append_none = _child_plan(r.expansion, options.empty_indices or ())
        out_rules.append([r.alias or r.origin.name, len(r.expansion), r.origin.name, plan, append_none,
                          bool(options.expand1 and not r.alias)])
    return {"format": FORMAT, "scanner": pattern, "flags": lark_parser.lexer_conf.g_regex_flags,
            "keywords": keywords, "ignore": sorted(lark_parser.lexer_conf.ignore), "states": states,
            "rules": out_rules, "start": table.start_states["start"], "end": table.end_states["start"]}


def _child_plan(expansion: list[Any], empty_indices: tuple[bool, ...]) -> tuple[list[list[Any]] | None, int]:
    """Which children a reduced rule keeps: (index, inline its children?, Nones before it),
    and the Nones after the last one (`[x]` left out). None when the children stay as they are."""
    if empty_indices:
        runs = "".join("1" if b else "0" for b in empty_indices).split("0")
        nones_at = [len(run) for run in runs]
    else:
        nones_at = [0] * (len(expansion) + 1)
    plan: list[list[Any]] = []
    for i, sym in enumerate(expansion):
        plan.append([i, (not sym.is_term) and sym.name.startswith("_"), nones_at[i]])
    append_none = nones_at[len(expansion)]
    if not empty_indices and not any(inline for _, inline, _ in plan):
        return None, 0
    return plan, append_none


def from_lark(tree: Any) -> Node:
    """A Lark tree in this module's classes (iterative: trees may be deep)."""
    from lark import Tree

    root = Node(tree.data, list(tree.children))
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.children
        for i, child in enumerate(kids):
            if isinstance(child, Tree):
                kids[i] = sub = Node(child.data, list(child.children))
                stack.append(sub)
            elif child is not None:
                tok = Token(child.type, str(child), child.line, child.column)
                tok.end_line, tok.end_column = child.end_line, child.end_column
                kids[i] = tok
    return root
