"""One vocabulary (syntax/vocabulary.py): the grammar, the checker, the editor's completion and
hover, the Pygments lexer and the VS Code grammar know the same keywords, operators and
functions — each test fails when one of them names a function the checker does not know, or
misses one it does."""
import json
import re

import pytest

from kasuhara_rules.syntax import vocabulary as v
from kasuhara_rules.syntax.grammar import keywords
from tests.conftest import ROOT, error_codes, policy

# The calls of the contract (kasu-language.md, "Calls"): the vocabulary must keep them all.
CONTRACT_FUNCTIONS = {"count", "any", "all", "sum", "min", "max", "len"}
# Names that look like functions and are not (some were once offered or highlighted).
NOT_FUNCTIONS = {"lower", "upper", "days_between", "avg", "length", "size"}
VSCODE = json.loads((ROOT / "editors" / "vscode" / "syntaxes" / "kasu.tmLanguage.json").read_text(encoding="utf-8"))


def _call(name: str) -> str:
    return f"{name}(contacts where length is present) > 0" if name in v.FILTERING else f"{name}(words) > 0"


def checker_knows(name: str) -> bool:
    """Whether `kasu check` accepts a call of `name` (no E308), whatever else it says."""
    text = policy(f'rule r {{ when {_call(name)} then kasuhara respond "x" }}\n')
    return "E308" not in error_codes(text)


def test_the_vocabulary_holds_the_contract_and_the_grammar():
    assert set(v.FUNCTIONS) == CONTRACT_FUNCTIONS
    assert v.KEYWORDS == keywords()
    assert set(v.FILTERING) <= set(v.FUNCTIONS)
    assert all(word in v.KEYWORDS for phrase in v.EXPRESSION_WORDS for word in phrase.split())


@pytest.mark.parametrize("name", sorted(set(v.FUNCTIONS) | NOT_FUNCTIONS))
def test_the_checker_knows_exactly_the_vocabulary(name):
    assert checker_knows(name) == (name in v.FUNCTIONS)


def _offered(text: str, needle: str):
    from kasuhara_rules.cli.lsp.analysis import analyse

    a = analyse("/tmp/v.kasu", text)
    line = text[: text.index(needle)].count("\n") + 1
    column = len(text.split("\n")[line - 1]) + 1
    return a.complete(line, column)


def test_completion_offers_every_function_and_operator_and_nothing_else():
    text = policy('rule r {\n  when repeat > 1 and \n  then kasuhara\n}\n')
    items = _offered(text, "when repeat > 1 and ")
    functions = {c.label for c in items if c.kind == "function"}
    assert functions == {f for f in functions if checker_knows(f)} == set(v.FUNCTIONS)
    assert all(c.insert == c.label + "(" for c in items if c.kind == "function")
    keywords_offered = {c.label for c in items if c.kind == "keyword"}
    assert set(v.EXPRESSION_WORDS) <= keywords_offered
    assert {"mentions", "mentions any", "mentions all"} <= keywords_offered


def test_hover_explains_every_function():
    from kasuhara_rules.cli.lsp.analysis import analyse

    for name in v.FUNCTIONS:
        text = policy(f'rule r {{ when {_call(name)} then kasuhara respond "x" }}\n')
        a = analyse("/tmp/v.kasu", text)
        line = text[: text.index(f"{name}(")].count("\n") + 1
        column = text.split("\n")[line - 1].index(f"{name}(") + 2
        span, markdown = a.hover(line, column, "en")
        assert markdown.startswith(f"`{name}(") and (span.line, span.end_column - span.column) == (line, len(name))
        assert a.hover(line, column, "ja")[1].endswith(v.FUNCTIONS[name][1]["ja"])


def test_pygments_highlights_exactly_the_known_functions():
    pytest.importorskip("pygments")
    from pygments.token import Name

    from kasuhara_rules.render.pygments_lexer import KasuLexer

    for name in sorted(set(v.FUNCTIONS) | NOT_FUNCTIONS):
        tokens = [(t, text) for t, text in KasuLexer().get_tokens(_call(name)) if text == name]
        builtin = tokens[0][0] is Name.Builtin
        assert builtin == (name in v.NAMED_FUNCTIONS), name  # `any` and `all` are keywords there
        assert not builtin or checker_knows(name)


def _alternatives(scope: str) -> set[str]:
    """The words of the VS Code grammar's rule that gives `scope`."""
    def rules(node):
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from rules(value)
        elif isinstance(node, list):
            for value in node:
                yield from rules(value)

    for rule in rules(VSCODE):
        if not isinstance(rule.get("match"), str):
            continue
        names = {rule.get("name")} | {c.get("name") for c in rule.get("captures", {}).values()}
        if scope in names:
            found = re.match(r"\\b\(([\w|]+)\)", rule["match"])
            assert found, rule["match"]
            return set(found.group(1).split("|"))
    raise AssertionError(scope)


def test_the_vscode_grammar_highlights_exactly_the_known_functions_and_operators():
    functions = _alternatives("support.function.kasu")
    assert functions == set(v.NAMED_FUNCTIONS)
    assert all(checker_knows(f) for f in functions)
    assert _alternatives("keyword.operator.word.kasu") == set(v.OPERATORS)
