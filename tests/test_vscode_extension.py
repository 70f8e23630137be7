"""The VS Code extension: its TextMate grammar tokenises every shipped policy, and its manifests are sound.

The grammar is run by a small TextMate interpreter written for this test (first match wins,
earliest position first, a begin/end rule's end before its inner patterns), with Python's `re`
standing in for Oniguruma; the grammar keeps to the syntax both share.
"""
import json
import re
from pathlib import Path

import pytest

from kasuhara_rules.syntax.grammar import keywords

ROOT = Path(__file__).resolve().parents[1]
VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "kasu.tmLanguage.json").read_text(encoding="utf-8"))
POLICIES = sorted((ROOT / "examples").glob("*.kasu"))
BASE = GRAMMAR["scopeName"]


def _rules(patterns: list, repository: dict) -> list:
    out = []
    for p in patterns:
        if "include" in p:
            out += _rules(repository[p["include"].lstrip("#")]["patterns"], repository)
        else:
            out.append(p)
    return out


def tokenize(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(text, scopes) for every piece of every line; unmatched text has only the open scopes."""
    repo = GRAMMAR["repository"]
    top = _rules(GRAMMAR["patterns"], repo)
    stack: list[dict] = []
    out: list[tuple[str, tuple[str, ...]]] = []

    def scopes(*extra: str) -> tuple[str, ...]:
        return (BASE,) + tuple(r["name"] for r in stack if "name" in r) + tuple(e for e in extra if e)

    def emit_match(m: re.Match, rule: dict, captures: dict) -> None:
        base = rule.get("name")
        pos = m.start()
        marks = sorted((m.start(int(k)), m.end(int(k)), v["name"]) for k, v in captures.items()
                       if k != "0" and m.start(int(k)) >= 0)
        whole = captures.get("0", {}).get("name")
        for start, end, name in marks:
            if start > pos:
                out.append((m.string[pos:start], scopes(base, whole)))
            out.append((m.string[start:end], scopes(base, whole, name)))
            pos = end
        if m.end() > pos:
            out.append((m.string[pos:m.end()], scopes(base, whole)))

    for line in text.split("\n"):
        pos = 0
        while pos < len(line) or (stack and pos == len(line)):
            rules = _rules(stack[-1].get("patterns", []), repo) if stack else top
            best = None
            if stack:
                end = re.compile(stack[-1]["end"]).search(line, pos)
                if end:
                    best = (end.start(), -1, end, None)
            for i, rule in enumerate(rules):
                m = re.compile(rule.get("match") or rule["begin"]).search(line, pos)
                if m and (best is None or m.start() < best[0]):
                    best = (m.start(), i, m, rule)
            if best is None:
                out.append((line[pos:], scopes()))
                break
            start, _, m, rule = best
            if start > pos:
                out.append((line[pos:start], scopes()))
            if rule is None:  # the end of the open begin/end rule
                closing = stack.pop()
                emit_match(m, {"name": closing.get("name")}, closing.get("endCaptures", {}))
            elif "begin" in rule:
                emit_match(m, rule, rule.get("beginCaptures", {}))
                stack.append(rule)
            else:
                emit_match(m, rule, rule.get("captures", {}))
            if m.end() == pos and rule is not None and "begin" not in rule:
                break  # an empty match must not loop
            pos = m.end()
            if rule is None and pos == len(line):
                break
    return [(t, s) for t, s in out if t]


def _named_scopes(node: object) -> set[str]:
    found = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "name" and isinstance(v, str):
                found.add(v)
            else:
                found |= _named_scopes(v)
    elif isinstance(node, list):
        for v in node:
            found |= _named_scopes(v)
    return found


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_shipped_policy_is_fully_recognised(path):
    known = _named_scopes(GRAMMAR["repository"]) | {BASE}
    for text, scopes in tokenize(path.read_text(encoding="utf-8")):
        assert set(scopes) <= known
        assert not any(s.startswith("invalid") for s in scopes), (path.name, text)
        if text.strip():
            assert len(scopes) > 1, f"{path.name}: {text!r} is not recognised"


def _scope_of(line: str, piece: str) -> tuple[str, ...]:
    for text, scopes in tokenize(line):
        if text == piece:
            return scopes
    raise AssertionError(f"{piece!r} is not one token of {line!r}: {tokenize(line)}")


def test_every_keyword_of_the_language_is_a_keyword():
    for word in sorted(keywords()):
        scopes = _scope_of(word, word)
        assert any(s.startswith(("keyword.", "storage.", "constant.language.")) for s in scopes), word


@pytest.mark.parametrize("line, piece, scope", [
    ("# 方針のコメント", "# 方針のコメント", "comment.line.number-sign.kasu"),
    ('respond "土下座には応じない。"', "土下座には応じない。", "string.quoted.double.kasu"),
    ('respond "a\\"b"', '\\"', "constant.character.escape.kasu"),
    ("when call_length >= 30min", "30min", "constant.numeric.duration.kasu"),
    ("when x >= 1.5h", "1.5h", "constant.numeric.duration.kasu"),
    ("when count(x) >= 3", "3", "constant.numeric.kasu"),
    ("effective 2026-04-01", "2026-04-01", "constant.other.date.kasu"),
    ("reported_at: 2026-05-01T10:00:00+09:00", "2026-05-01T10:00:00+09:00", "constant.other.datetime.kasu"),
    ("rule 土下座 {", "土下座", "entity.name.function.kasu"),
    ('define 長電話 "長時間の電話" = 通話時間 >= 30min', "通話時間", "variable.other.kasu"),
    ('  通話時間 "通話の長さ": optional duration in minutes', "通話時間", "variable.other.property.kasu"),
    ("  call_length: duration in minutes", "duration", "support.type.kasu"),
    ("when count(contacts where at >= reported_at - 30d) >= 3", "count", "support.function.kasu"),
    ("override rule persistent_contacts {", "persistent_contacts", "entity.name.function.kasu"),
    ("when channel == \"phone\"", "==", "keyword.operator.comparison.kasu"),
    ("phrases threats += [\"晒す\"]", "+=", "keyword.operator.assignment.kasu"),
])
def test_tokens_of_each_kind(line, piece, scope):
    assert scope in _scope_of(line, piece)


def test_unclosed_string_ends_with_its_line():
    tokens = tokenize('respond "never closed\nrule r {')
    assert ("r", (BASE, "entity.name.function.kasu")) in tokens


def test_language_configuration_and_manifest():
    config = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    pairs = {(p["open"], p["close"]) for p in config["autoClosingPairs"]}
    assert {("{", "}"), ("[", "]"), ('"', '"'), ("「", "」")} <= pairs
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["extensions"] == [".kasu"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["scopeName"] == BASE and (VSCODE / grammar["path"]).is_file()
    assert (VSCODE / manifest["main"]).is_file()
    settings = manifest["contributes"]["configuration"]["properties"]
    assert {"kasu.server.command", "kasu.server.pythonPath", "kasu.lang"} <= set(settings)
    source = (VSCODE / "extension.js").read_text(encoding="utf-8")
    assert "'-m', 'kasuhara_rules', 'lsp'" in source and "['lsp']" in source


def test_the_interpreter_reports_what_the_grammar_does_not_know():
    """The check above can fail: a full-width `＝` is left without a scope."""
    assert ("＝", (BASE,)) in [(t.strip(), s) for t, s in tokenize("a ＝ b")]


def _cases():
    import importlib.util

    spec = importlib.util.spec_from_file_location("kasu_vscode_cases", VSCODE / "test" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tmgrammar_test_file_is_current_and_holds_here_too():
    """test/tokens.test.kasu (run by vscode-tmgrammar-test with the real Oniguruma in .ci/run when
    node is present) is what generate.py writes, and its cases hold in the interpreter above."""
    cases = _cases()
    assert (VSCODE / "test" / "tokens.test.kasu").read_text(encoding="utf-8") == cases.render()
    for line, marks in cases.CASES:
        per_char = [scopes for text, scopes in tokenize(line) for _ in text]
        pos = 0
        for token, scope in marks:
            start = line.index(token, pos)
            pos = start + len(token)
            assert all(scope in per_char[i] for i in range(start, pos)), (line, token, per_char[start])
