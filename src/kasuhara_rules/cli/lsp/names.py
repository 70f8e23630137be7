"""The kinds of names in a policy, the words the editor shows for them, and the answer types."""
from __future__ import annotations

import re

import attrs

from ...diagnostics import Diagnostic
from ...source import Span
from ...syntax import vocabulary

# Kinds of names, one namespace each except field/define/phrases (which share one).
FIELD, DEFINE, PHRASES, RULE = "field", "define", "phrases", "rule"
OUTCOME, SEVERITY, ESCALATION = "outcome", "severity", "escalation"
KINDS = (FIELD, DEFINE, PHRASES, RULE, OUTCOME, SEVERITY, ESCALATION)

KIND_WORDS = {
    "en": {FIELD: "field", DEFINE: "define", PHRASES: "phrase list", RULE: "rule", OUTCOME: "outcome",
           SEVERITY: "severity", ESCALATION: "escalation"},
    "ja": {FIELD: "項目", DEFINE: "定義", PHRASES: "語句リスト", RULE: "ルール", OUTCOME: "判断",
           SEVERITY: "重大度", ESCALATION: "報告先"},
}
WORDS = {
    "en": {"declared": "declared in", "inherited": "inherited from", "line": "line", "type": "type",
           "optional": "optional", "key": "key", "sensitive": "sensitive (never shown in explanations)",
           "retain": "kept for {period}, then purged from the journal",
           "phrases": "{count} phrases", "rank": "{rank} of {total}, lowest first", "overrides": "overrides",
           "overridden": "the rule this one overrides", "unclosed": "opened here and never closed",
           "from": "read from", "value": "means"},
    "ja": {"declared": "宣言", "inherited": "引き継ぎ元", "line": "行", "type": "型",
           "optional": "省略可", "key": "事案を識別する項目", "sensitive": "個人情報（説明には出ない）",
           "retain": "保存期間 {period}（過ぎたら記録簿から削除）",
           "phrases": "{count} 語句", "rank": "{total} 段階の {rank} 番目（軽いほうから）", "overrides": "上書き元",
           "overridden": "このルールが上書きする基本方針のルール", "unclosed": "ここで開いて閉じていない",
           "from": "読み込むファイル", "value": "内容"},
}

DECLARATION_WORDS = ("rule", "define", "phrases", "schema", "outcomes", "severities", "escalations",
                     "example", "override", "drop", "extends")
CLAUSE_WORDS = ("when", "unless", "then", "respond", "escalate", "cite", "tags")
EXPR_WORDS = vocabulary.EXPRESSION_WORDS
FUNCTIONS = tuple(vocabulary.FUNCTIONS)
TYPES = ("bool", "int", "number", "text", "date", "datetime", "duration", "duration in minutes",
         "duration in seconds", "duration in hours", "duration in days", "one of", "list of", "optional")
STRATEGIES = ("highest_severity", "first_match")
HEADER_WORDS = ("id", "version", "effective", "timezone", "decide", "otherwise")

_NAME = re.compile(r"[^\W\d]\w*")


@attrs.frozen
class Occurrence:
    """A name written somewhere: its span, what it names, and whether it declares it."""

    span: Span
    kind: str
    name: str  # fields: the dotted path from the top record
    declaration: bool = False


@attrs.frozen
class Declaration:
    kind: str
    name: str
    label: str | None
    span: Span          # the name
    node: object = attrs.field(eq=False, repr=False)
    override: bool = False


@attrs.frozen
class Link:
    """A quoted path that names another file (`extends "…"`, `phrases … from "…"`)."""

    span: Span
    target: str


@attrs.frozen
class Completion:
    label: str
    kind: str       # one of KINDS, "keyword", "value", "function", "type"
    detail: str = ""
    insert: str | None = None
    documentation: str = ""


@attrs.frozen
class Edit:
    """Replace `span` with `text` (a fix named by a diagnostic's hint)."""

    title: str
    span: Span
    text: str
    diagnostic: Diagnostic
