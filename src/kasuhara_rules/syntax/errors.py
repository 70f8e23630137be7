"""Syntax errors in the words of the language: a tested table of malformed snippets → messages."""
from __future__ import annotations

import functools
from typing import Callable

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostic, closest, error
from ..i18n import N_
from .grammar import describe_terminal, keywords, parser
from ..source import SourceText, Span
from .error_examples import EXAMPLES
from .lexical_errors import lexical_diagnostic as _lexical

CLAUSE_WORDS = ("when", "unless", "then", "respond", "escalate", "cite", "tags")
DECL_WORDS = ("policy", "extends", "schema", "outcomes", "severities", "escalations", "phrases",
              "define", "rule", "override", "drop", "example")
_DECL_TOKENS = {w.upper() for w in DECL_WORDS}
_OPENERS = {"LBRACE": ("RBRACE", "`}`"), "LSQB": ("RSQB", "`]`"), "LPAR": ("RPAR", "`)`")}
_EXPR_START = {"NAME", "NUMBER", "STRING", "LPAR", "NOT", "TRUE", "FALSE", "MINUS"}

@functools.cache
def _example_index() -> tuple[dict[tuple[int, str], str], dict[int, str]]:
    """(LALR state, token type) -> label and LALR state -> label, from the snippets."""
    exact: dict[tuple[int, str], str] = {}
    by_state: dict[int, str] = {}
    for label, snippets in EXAMPLES.items():
        for snippet in snippets:
            try:
                parser().parse(snippet)
            except (UnexpectedToken, UnexpectedEOF) as exc:
                state = exc.state.position
                exact.setdefault((state, exc.token.type), label)
                by_state.setdefault(state, label)
            except UnexpectedInput:  # pragma: no cover - a lexer error in the table
                continue
    return exact, by_state


def classify(exc: UnexpectedInput) -> str | None:
    """The table label that matches this parse error, or None."""
    if not isinstance(exc, (UnexpectedToken, UnexpectedEOF)) or exc.state is None:
        return None
    exact, by_state = _example_index()
    state = exc.state.position
    # 1. same LALR state and same token type, at any nesting depth (Lark's matcher compares
    #    stack depth too, so it misses `when a = 1` inside a deeper file);
    label = exact.get((state, exc.token.type))
    if label is not None:
        return label
    # 2. Lark's own matcher. use_accepts=False: Lark 1.3.1 formats a ParserState with %d on
    #    the other path and raises TypeError; the guard keeps any failure away from the user;
    try:
        label = exc.match_examples(parser().parse, EXAMPLES, token_type_match_fallback=True, use_accepts=False)
    except Exception:  # pragma: no cover - depends on the Lark version
        label = None
    # 3. the same state with any token.
    return label or by_state.get(state)


class _Context:
    """What was open when the parser stopped: the declaration, its name, the clause, brackets."""

    def __init__(self, exc: UnexpectedInput) -> None:
        self.decl: str | None = None
        self.name: str | None = None
        self.clause: str | None = None
        self.has_then = False
        self.prev: str | None = None
        self.open: list[Token] = []
        stack = []
        ip = getattr(exc, "interactive_parser", None)
        if ip is not None:
            stack = list(ip.parser_state.value_stack)
        start = 0
        for i, item in enumerate(stack):
            if isinstance(item, Token) and item.type in _DECL_TOKENS:
                start = i
        items = stack[start:]
        for i, item in enumerate(items):
            if isinstance(item, Token):
                if item.type in _DECL_TOKENS and self.decl is None:
                    self.decl = str(item)
                    if item.type in ("OVERRIDE", "DROP") and i + 1 < len(items):
                        nxt = items[i + 1]
                        if isinstance(nxt, Token) and nxt.type in ("RULE", "DEFINE"):
                            self.decl = f"{item} {nxt}"
                    for follow in items[i + 1 : i + 3]:
                        if isinstance(follow, Token) and follow.type in ("NAME", "STRING"):
                            self.name = str(follow)
                            break
                if str(item) in CLAUSE_WORDS and item.type == str(item).upper():
                    self.clause = str(item)
                    if self.clause == "then":
                        self.has_then = True
                if item.type in _OPENERS:
                    self.open.append(item)
                elif any(item.type == close for close, _ in _OPENERS.values()) and self.open:
                    self.open.pop()
                self.prev = str(item)
            elif isinstance(item, Tree):
                if _contains_tree(item, "then_clause"):
                    self.has_then = True
                last = _last_token(item)
                if last is not None:
                    self.prev = str(last)

    def where(self) -> str:
        if self.decl is None:
            return N_("at the top level")
        if self.decl in ("rule", "override rule"):
            return N_("in rule {name}", name=self.name) if self.name else N_("in a rule")
        if self.decl in ("define", "override define"):
            return N_("in define {name}", name=self.name) if self.name else N_("in a define")
        if self.decl == "policy":
            return N_("in the policy header")
        if self.decl == "schema":
            return N_("in the schema")
        if self.decl == "example":
            return N_("in example {name}", name=self.name) if self.name else N_("in an example")
        return N_("in `{decl}`", decl=self.decl)


def _contains_tree(tree: Tree[Token], data: str) -> bool:
    stack = [tree]
    while stack:
        t = stack.pop()
        if t.data == data:
            return True
        if t.data.startswith("__"):
            stack.extend(c for c in t.children if isinstance(c, Tree))
    return False


def _last_token(tree: Tree[Token]) -> Token | None:
    node: object = tree
    while isinstance(node, Tree):
        kids = [c for c in node.children if c is not None]
        if not kids:
            return None
        node = kids[-1]
    return node if isinstance(node, Token) else None


def keyword_guess(tok: Token, accepts: set[str]) -> str | None:
    """The keyword the parser would accept here that a misspelt word (`whn`, `thn`, `adn`,
    `severty`) is closest to, or None."""
    if tok.type != "NAME":
        return None
    words = {term.pattern.value for term in parser().terminals
             if term.name in accepts and term.pattern.type == "str" and term.pattern.value.isidentifier()}
    return closest(str(tok), words) if words else None


def _describe_token(tok: Token) -> str:
    if tok.type == "$END":
        return N_("the end of the file")
    if tok.type == "STRING":
        return N_("the text {tok}", tok=tok)
    if tok.type == "NAME":
        return N_("the name `{tok}`", tok=tok)
    return N_("`{tok}`", tok=tok)


def describe_expected(names: set[str]) -> str:
    """A short phrase for the set of terminals the parser would accept."""
    names = set(names)
    words: list[str] = []
    values = {"NUMBER", "STRING", "DATE", "DATETIME", "DURATION"}
    if values <= names and not _EXPR_START <= names:
        words.append(N_("a value"))
        names -= values | {"TRUE", "FALSE", "MINUS", "LSQB", "LBRACE"}
    if _EXPR_START <= names:
        words.append(N_("a condition or value"))
        names -= _EXPR_START | {"DURATION", "DATE", "DATETIME", "LSQB", "ANY", "ALL"}
    if {"COMPARE", "AND", "OR"} <= names:
        words.append(N_("an operator"))
        names -= {"COMPARE", "AND", "OR", "PLUS", "MINUS", "STAR", "SLASH", "IN", "NOT", "CONTAINS",
                  "MENTIONS", "MATCHES", "BETWEEN", "IS", "DOT"}
    if _DECL_TOKENS <= names:
        words.append(N_("a declaration"))
        names -= _DECL_TOKENS | {"$END"}
    order = sorted(names, key=lambda t: (t not in ("RBRACE", "RSQB", "RPAR"), t == "$END", t))
    words.extend(describe_terminal(t) for t in order)
    if len(words) > 7:
        words = words[:6] + ["…"]
    if len(words) <= 1:
        return words[0] if words else ""
    listed = words[0]
    for word in words[1:-1]:  # joined as messages, so that each word is translated too
        listed = N_("{items}, {item}", items=listed, item=word)
    return N_("{items} or {item}", items=listed, item=words[-1])


def _token_span(source: SourceText, tok: Token) -> Span:
    if tok.type == "$END" or tok.line is None:
        return _end_span(source)
    end_col = tok.end_column if tok.end_line == tok.line else tok.column + 1  # type: ignore[operator]  # a parsed token has its position
    return Span(source.name, tok.line, tok.column, tok.line, end_col)  # type: ignore[arg-type]  # (as above)


def _end_span(source: SourceText) -> Span:
    lines = source.text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    line = len(lines)
    col = len(lines[-1]) + 1
    return Span(source.name, line, col, line, col + 1)


def _accepts(exc: UnexpectedInput) -> set[str]:
    ip = getattr(exc, "interactive_parser", None)
    if ip is None:
        return set(getattr(exc, "expected", ()) or ())
    try:
        return set(ip.accepts())
    except Exception:  # pragma: no cover - accepts() replays the parser; never fail on it
        return set(getattr(exc, "expected", ()) or ())


def unclosed_brace(source: SourceText, stop_line: int) -> Diagnostic | None:
    """E128 at the `{` whose `}` is missing, if the layout shows one before `stop_line`.

    A `{` is taken as unclosed when a declaration keyword starts a line (column 1) while it is
    open, when a `}` starting a line lines up with an outer `{` (same indentation), or at the end.
    """
    lines = source.text.split("\n")
    stack: list[tuple[int, int, tuple[str, int]]] = []  # (line, indent, (text before the `{`, its column))

    def report(opened: tuple[int, int, tuple[str, int]], last: int) -> Diagnostic:
        line, indent, head = opened
        col = head[1]
        block = " ".join(head[0].split()[:2]) if head[0] else "{"
        while last > line and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
            last -= 1
        return error("E128", N_("the `{{` of `{block}` is never closed with `}}`", block=block),
                     Span(source.name, line, col, line, col + 1),
                     N_("add `}}` after line {last}, where `{block}` ends", last=last, block=block))

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r").lstrip("\ufeff")
        if number > stop_line and line.strip():
            return None
        indent = len(line) - len(line.lstrip(" \t"))
        first = line.strip().split(" ", 1)[0].split("{", 1)[0]
        if stack and ((indent == 0 and first in DECL_WORDS) or (first == "expect" and stack[-1][2][0] == "given")):
            return report(stack[-1], number - 1)
        in_string = False
        i = 0
        while i < len(line):
            ch = line[i]
            if in_string:
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#":
                break
            elif ch == "{":
                stack.append((number, indent, (line[:i].strip(), i + 1)))
            elif ch == "}":
                if line[:i].strip() == "" and stack and stack[-1][1] > indent and any(
                        s[1] == indent for s in stack[:-1]):
                    return report(stack[-1], number - 1)
                if stack:
                    stack.pop()
            i += 1
    if stack:
        return report(stack[-1], len(lines))
    return None


def syntax_diagnostic(exc: UnexpectedInput, source: SourceText) -> Diagnostic:
    """Turn a Lark parse error into one diagnostic with a message in the language's words."""
    if isinstance(exc, UnexpectedCharacters):
        return _lexical(exc, source)
    tok: Token = exc.token  # type: ignore[attr-defined]  # UnexpectedToken or UnexpectedEOF here
    span = _token_span(source, tok)
    unclosed = unclosed_brace(source, span.line)
    if unclosed is not None:
        return unclosed
    ctx = _Context(exc)
    accepts = _accepts(exc)
    if ctx.open and tok.type in ("RBRACE", "RSQB", "RPAR") and tok.type != _OPENERS[ctx.open[-1].type][0]:
        opener = ctx.open[-1]
        return error("E127", N_("`{tok}` does not match the `{opener}` opened on line {line}", tok=tok, opener=opener, line=opener.line), span,
                     N_("close the `{opener}` with {value} first", opener=opener, value=_OPENERS[opener.type][1]))
    if tok.type == "$END" and ctx.open:
        return _generic(tok, ctx, accepts, span, source)
    label = classify(exc)
    if label is not None:
        build = _MESSAGES.get(label)
        if build is not None:
            found = build(tok, ctx, accepts)
            if found is not None:
                code, message, hint = found
                return error(code, message, span, hint)
    if str(tok) in keywords() and "NAME" in accepts and tok.type != "NAME" and not _EXPR_START <= accepts:
        return error("E110", N_("`{tok}` is a reserved word and cannot be used as a name", tok=tok), span,
                     N_("choose another name, for example `{tok}_` or a Japanese name", tok=tok))
    return _generic(tok, ctx, accepts, span, source)


def _generic(tok: Token, ctx: _Context, accepts: set[str], span: Span, source: SourceText) -> Diagnostic:
    expected = describe_expected(accepts)
    if tok.type == "$END":
        hint = None
        if ctx.open:
            opener = ctx.open[-1]
            hint = N_("the `{opener}` on line {line} is never closed with {value}", opener=opener, line=opener.line, value=_OPENERS[opener.type][1])
        return error("E121", N_("the file ends too early {where}; expected {expected}", where=ctx.where(), expected=expected), span, hint)
    guess = keyword_guess(tok, accepts)
    hint = N_("did you mean `{guess}`?", guess=guess) if guess else None
    if guess is None and tok.type == "NAME" and "STRING" in accepts:  # a bare word where a value goes: はい, or a text without quotes
        from ..diagnostics import BOOL_WORDS, fold_label

        hint = (N_("write `{value}` instead of `{tok}`", value=BOOL_WORDS[fold_label(str(tok))], tok=str(tok))
                if fold_label(str(tok)) in BOOL_WORDS else N_('a text is written in double quotes: "{tok}"', tok=str(tok)))
    return error("E120", N_("expected {expected} {where}, found {found}", expected=expected, where=ctx.where(), found=_describe_token(tok)), span, hint)


# ---- message builders: (token, context, accepted terminals) -> (code, message, hint) -----

Builder = Callable[[Token, _Context, set[str]], "tuple[str, str, str | None] | None"]


JAPANESE_CONNECTIVES = {"かつ": "and", "且つ": "and", "および": "and", "及び": "and", "と": "and",
                        "または": "or", "又は": "or", "もしくは": "or", "若しくは": "or", "あるいは": "or"}


def _then_missing(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None] | None:
    if any(t.type in ("LPAR", "LSQB") for t in ctx.open):
        return None
    if tok.type == "NAME" and str(tok) in JAPANESE_CONNECTIVES:
        word = JAPANESE_CONNECTIVES[str(tok)]
        return ("E122", N_("`{tok}` is not an operator", tok=str(tok)),
                N_("conditions are joined with `and`, `or` and `not`: write `{word}` instead of `{tok}`",
                   word=word, tok=str(tok)))
    if ctx.decl in ("rule", "override rule"):
        guess = keyword_guess(tok, accepts)
        if not ctx.has_then and ctx.clause in ("when", "unless"):
            return ("E122", N_("expected `then` after the condition of rule {name}, found {found}", name=ctx.name, found=_describe_token(tok)),
                    N_("did you mean `{guess}`?", guess=guess) if guess else
                    N_("a rule reads: when CONDITION then OUTCOME severity LEVEL"))
        return ("E122", N_("expected a clause or `}}` after the condition of rule {name}, found {found}", name=ctx.name, found=_describe_token(tok)),
                N_("did you mean `{guess}`?", guess=guess) if guess else
                N_("the clauses are when, unless, then, respond, escalate, cite and tags"))
    if ctx.decl in ("define", "override define"):
        guess = keyword_guess(tok, accepts)
        return ("E120", N_("unexpected {found} after the definition of {name}", found=_describe_token(tok), name=ctx.name),
                N_("did you mean `{guess}`?", guess=guess) if guess else
                N_("a new declaration starts with its keyword: rule, define, phrases, …"))
    return None


def _equals(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E124", N_("`=` is not a comparison"), N_("write `==` to test whether two values are equal"))


def _operand_missing(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    after = N_(" after `{prev}`", prev=ctx.prev) if ctx.prev else ""
    return ("E123", N_("expected {expected}{after}, found {found}", expected=describe_expected(accepts), after=after, found=_describe_token(tok)),
            N_("an operator needs something on both sides, e.g. call_length >= 30min and demanded_dogeza"))


def _then_outcome(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E122", N_("`then` needs an outcome in rule {name}, found {found}", name=ctx.name, found=_describe_token(tok)),
            N_("for example: then kasuhara severity high"))


def _severity_name(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E122", N_("`severity` needs a severity name in rule {name}, found {found}", name=ctx.name, found=_describe_token(tok)),
            N_("for example: severity high (names, not quoted texts)"))


def _condition_missing(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    if ctx.decl in ("rule", "override rule") and ctx.clause:
        return ("E123", N_("`{clause}` needs a condition in rule {name}, found {found}", clause=ctx.clause, name=ctx.name, found=_describe_token(tok)),
                N_("for example: when demanded_dogeza"))
    return ("E123", N_("define {name} needs an expression after `=`, found {found}", name=ctx.name, found=_describe_token(tok)),
            N_("for example: define long_call = call_length >= 30min"))


def _not_a_clause(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    guess = keyword_guess(tok, accepts) or (closest(str(tok), CLAUSE_WORDS) if tok.type == "NAME" else None)
    hint = N_("did you mean `{guess}`?", guess=guess) if guess else N_("the clauses are when, unless, then, respond, escalate, cite and tags")
    if ctx.clause == "tags" and tok.type == "NAME":
        hint = N_("separate tags with commas: tags a, b")
    return ("E122", N_("{found} is not a clause of rule {name}", found=_describe_token(tok), name=ctx.name), hint)


def _clause_text(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    clause = ctx.clause or "respond"
    example = ('cite "厚生労働省『カスタマーハラスメント対策企業マニュアル』(2022)"' if clause == "cite"
               else 'respond "対応を打ち切り、上長に引き継ぐ。"')
    return ("E122", N_("`{clause}` takes a quoted text, found {found}", clause=clause, found=_describe_token(tok)), N_("for example: {example}", example=example))


def _clause_name(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    what = N_("an escalation name") if ctx.clause == "escalate" else N_("tag names separated by commas")
    return ("E122", N_("`{value}` takes {what}, found {found}", value=ctx.clause or 'escalate', what=what, found=_describe_token(tok)), None)


def _decl_name(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    kind = ctx.decl or "a declaration"
    return ("E120", N_("`{kind}` needs a name first, found {found}", kind=kind, found=_describe_token(tok)),
            N_("write `{kind} NAME \"label\"`, e.g. `rule dogeza \"土下座の要求\" {{ … }}`", kind=kind) if "rule" in kind
            else N_("write `{kind} NAME` followed by the rest", kind=kind))


def _rule_brace(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E120", N_("expected `{{` to open the body of rule {name}, found {found}", name=ctx.name, found=_describe_token(tok)),
            N_("a rule reads: rule NAME \"title\" { when … then … }"))


def _define_equals(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    what = N_("{decl} {name}", decl=ctx.decl, name=ctx.name) if ctx.name else (ctx.decl or N_("this declaration"))
    return ("E120", N_("expected `=` after the name of {what}, found {found}", what=what, found=_describe_token(tok)),
            N_("for example: define long_call \"長時間の電話\" = call_length >= 30min"))


def _override_what(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E120", N_("`{decl}` must be followed by `rule` or `define`, found {found}", decl=ctx.decl, found=_describe_token(tok)),
            N_("write `override rule NAME { … }`, `override define NAME = …` or `drop rule NAME`"))


def _field_colon(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E125", N_("expected `:` between a field's name and its type, found {found}", found=_describe_token(tok)),
            N_("for example: call_length \"通話時間\": optional duration in minutes"))


def _field_type(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E125", N_("expected a type after `:`, found {found}", found=_describe_token(tok)),
            N_("the types are bool, int, number, text, date, datetime, duration, one of [...], list of T, { … }"))


def _field_modifier(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E125", N_("`{tok}` is out of place in a field", tok=tok),
            N_("write `NAME: optional TYPE key sensitive` — `optional` before the type, `key` and `sensitive` after"))


def _header_entry(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E126", N_("expected a setting such as `version \"2026.1\"` in the policy header, found {found}", found=_describe_token(tok)),
            N_("each setting is a name and a value: id acme_retail, version \"2026.1\", effective 2026-04-01, decide highest_severity, otherwise claim"))


def _header_title(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E126", N_("the policy header needs a title in quotes, found {found}", found=_describe_token(tok)),
            N_("for example: policy \"ACME リテール カスハラ判断基準\" { … }"))


def _top_level(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    guess = closest(str(tok), DECL_WORDS) if tok.type == "NAME" else None
    hint = (N_("did you mean `{guess}`?", guess=guess) if guess else
            N_("declarations start with policy, extends, schema, outcomes, severities, escalations, phrases, define, rule, override, drop or example"))
    return ("E120", N_("expected a declaration, found {found}", found=_describe_token(tok)), hint)


def _matches_pattern(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E123", N_("`matches` needs a regular expression in quotes, found {found}", found=_describe_token(tok)),
            N_("for example: remarks matches \"土下座|どげざ\""))


def _phrase_set(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E123", N_("`contains any`, `mentions any` and their `all` forms need a phrase list name or a list, "
                       "found {found}", found=_describe_token(tok)),
            N_('for example: remarks mentions any threats, or mentions any ["晒す"]; for one phrase drop `any`'))


def _is_what(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    hint = N_("write `x is missing` or `x is present`")
    guess = keyword_guess(tok, accepts)
    if guess:
        hint = N_("did you mean `{guess}`?", guess=guess)
    if str(tok) == "not":
        hint = N_("write `is present` instead of `is not missing`")
    return ("E123", N_("expected `missing` or `present` after `is`, found {found}", found=_describe_token(tok)), hint)


def _example_given(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E120", N_("an example starts with a title and `given {{ … }}`, found {found}", found=_describe_token(tok)),
            N_("example \"土下座を求められた\" { given { … } expect kasuhara severity high }"))


def _example_expect(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E120", N_("expected `expect OUTCOME` after the given record, found {found}", found=_describe_token(tok)),
            N_("for example: expect kasuhara severity high by dogeza"))


def _entry_colon(tok: Token, ctx: _Context, accepts: set[str]) -> tuple[str, str, str | None]:
    return ("E120", N_("expected `FIELD: VALUE` in the given record, found {found}", found=_describe_token(tok)),
            N_("for example: given { channel: \"phone\", call_length: 45min }"))


_MESSAGES: dict[str, Builder] = {
    "then_missing": _then_missing,
    "equals_for_compare": _equals,
    "operand_missing": _operand_missing,
    "then_needs_outcome": _then_outcome,
    "severity_needs_name": _severity_name,
    "condition_missing": _condition_missing,
    "not_a_clause": _not_a_clause,
    "clause_needs_text": _clause_text,
    "clause_needs_name": _clause_name,
    "decl_needs_name": _decl_name,
    "rule_needs_brace": _rule_brace,
    "define_needs_equals": _define_equals,
    "override_what": _override_what,
    "field_needs_colon": _field_colon,
    "field_needs_type": _field_type,
    "field_modifier_order": _field_modifier,
    "header_entry": _header_entry,
    "header_title": _header_title,
    "top_level": _top_level,
    "matches_needs_pattern": _matches_pattern,
    "phrase_set": _phrase_set,
    "is_what": _is_what,
    "example_given": _example_given,
    "example_expect": _example_expect,
    "entry_needs_colon": _entry_colon,
}
