"""A Pygments lexer for .kasu policies (`pygmentize -l kasu`, Sphinx, MkDocs); needs the `pygments` extra.

Registered through the `pygments.lexers` entry point, so installing kasuhara-rules next to
Pygments is enough. It follows the lexical rules of the contract (section 2): the same
keywords as the grammar (a test compares them), Japanese names, durations glued to a unit,
dates and date-times, strings with escapes and `#` comments.

>>> from pygments.token import Error
>>> lexer = KasuLexer()
>>> [v for t, v in lexer.get_tokens('rule 土下座 { when demanded_dogeza and call_length >= 30min }') if t is Error]
[]
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

from ..syntax import vocabulary

__all__ = ["KasuLexer"]

# every reserved word of the language and every function, from the one list (syntax/vocabulary.py)
DECLARATIONS, CLAUSES, OPERATORS = vocabulary.DECLARATIONS, vocabulary.CLAUSES, vocabulary.OPERATORS
MODIFIERS, CONSTANTS, KEYWORDS = vocabulary.MODIFIERS, vocabulary.CONSTANTS, vocabulary.KEYWORDS
TYPES = ("bool", "int", "number", "text", "date", "datetime", "duration", "list", "one")
FUNCTIONS = vocabulary.NAMED_FUNCTIONS

_NAME = r"[^\W\d]\w*"
_END = r"(?!\w)"


class KasuLexer(RegexLexer):
    """The kasu policy language (customer-harassment criteria, カスハラ判断基準)."""

    name = "Kasu"
    aliases = ["kasu"]
    filenames = ["*.kasu"]
    mimetypes = ["text/x-kasu"]
    url = "https://github.com/kasuhara-rules/kasuhara-rules"
    version_added = ""

    tokens = {
        "root": [
            (r"[ \t\r\n\f\ufeff\u3000]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?(?![\w:])", String.Other),
            (r"\d{4}-\d{2}-\d{2}(?![\w:])", String.Other),
            (r"\d[\d_]*(\.\d[\d_]*)?(s|min|h|d)(?!\w)", Number.Other),
            (r"\d[\d_]*\.\d[\d_]*(?![\w.])", Number.Float),
            (r"\d[\d_]*(?![\w.])", Number.Integer),
            (r"(override)(\s+)(rule|define)(\s+)(" + _NAME + ")",
             bygroups(Keyword.Declaration, Whitespace, Keyword.Declaration, Whitespace, Name.Function)),
            (r"(drop)(\s+)(rule)(\s+)(" + _NAME + ")",
             bygroups(Keyword.Declaration, Whitespace, Keyword.Declaration, Whitespace, Name.Function)),
            (r"(rule|define|phrases)(\s+)(" + _NAME + ")",
             bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (words(DECLARATIONS, suffix=_END), Keyword.Declaration),
            (words(CONSTANTS, suffix=_END), Keyword.Constant),
            (words(MODIFIERS, suffix=_END), Keyword.Type),
            (words(CLAUSES + OPERATORS, suffix=_END), Keyword),
            (words(FUNCTIONS, suffix=r"(?=\s*\()"), Name.Builtin),
            (r"(" + _NAME + r")(\s*)(:)(?=\s*(optional\s+)?" + r"(bool|int|number|text|date|datetime|duration|"
             r"list|one|\{))", bygroups(Name.Attribute, Whitespace, Punctuation)),
            (words(TYPES, suffix=_END), Keyword.Type),
            (_NAME, Name),
            (r"\+=|==|!=|<=|>=|[<>=+\-*/]", Operator),
            (r"[{}\[\](),:.]", Punctuation),
        ],
        "string": [
            (r'\\(["\\nt]|u\{[0-9A-Fa-f]{1,6}\})', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Text, "#pop"),  # an unclosed string ends with its line, as in the language
            (r"\\.", String.Double),
        ],
    }
