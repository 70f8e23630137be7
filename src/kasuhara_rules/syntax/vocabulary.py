"""The one list of the language's words: keywords, operators and functions.

The checker accepts exactly `FUNCTIONS`; the editor's completion and hover, the Pygments lexer
and the VS Code grammar read these lists or are tested against them
(tests/syntax/test_vocabulary.py), and the grammar's reserved words are `KEYWORDS` (a test
compares them with grammar/kasu.lark). A new word goes here first.
"""
from __future__ import annotations

DECLARATIONS = ("policy", "extends", "schema", "outcomes", "severities", "escalations", "phrases", "define",
                "rule", "override", "drop", "example")
CLAUSES = ("when", "unless", "then", "severity", "respond", "escalate", "cite", "tags", "given", "expect", "by",
           "from")
OPERATORS = ("and", "or", "not", "in", "contains", "mentions", "any", "all", "matches", "between", "is", "missing",
             "present", "where", "of")
MODIFIERS = ("optional", "key", "sensitive", "retain")
CONSTANTS = ("true", "false")
KEYWORDS = frozenset(DECLARATIONS + CLAUSES + OPERATORS + MODIFIERS + CONSTANTS)

# The operators as an author writes them in a condition (what the editor offers).
EXPRESSION_WORDS = ("and", "or", "not", "in", "not in", "contains", "contains any", "contains all", "mentions",
                    "mentions any", "mentions all", "matches", "between", "is missing", "is present", "where",
                    "true", "false")
SYMBOLS = ("==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/")

# The functions: name → (how it is called, what it gives, in English and Japanese). `any` and
# `all` are keywords too (they always take `where`); the others are plain names.
FUNCTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "count": ("count(list) / count(list where condition)", {
        "en": "the number of elements (that meet the condition)",
        "ja": "要素の数（条件を満たす要素の数）"}),
    "any": ("any(list where condition)", {
        "en": "true when some element meets the condition",
        "ja": "条件を満たす要素が一つでもあれば真"}),
    "all": ("all(list where condition)", {
        "en": "true when every element meets the condition",
        "ja": "すべての要素が条件を満たせば真"}),
    "sum": ("sum(list of numbers or durations)", {
        "en": "the total; unknown when an element is unknown",
        "ja": "合計（不明な要素があれば不明）"}),
    "min": ("min(list of numbers, durations or dates)", {
        "en": "the smallest; unknown for an empty list or an unknown element",
        "ja": "最小値（空のリストや不明な要素があれば不明）"}),
    "max": ("max(list of numbers, durations or dates)", {
        "en": "the largest; unknown for an empty list or an unknown element",
        "ja": "最大値（空のリストや不明な要素があれば不明）"}),
    "len": ("len(text)", {
        "en": "the number of characters of a text",
        "ja": "テキストの文字数"}),
}
FILTERING = ("count", "any", "all")  # the functions that take `where`
NAMED_FUNCTIONS = tuple(f for f in FUNCTIONS if f not in KEYWORDS)  # highlighted as functions, not keywords
