"""Diagnostics: a stable code, a severity, a message, a span and a hint; rendered as text or JSON."""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

import attrs

from .i18n import N_, localize, translate
from .source import SourceText, Span

ERROR = "error"
WARNING = "warning"

# The catalogue of every diagnostic code. Codes are stable: a code keeps its meaning
# forever, and docs/errors.md shows an example and the fix for each one.
CODES: Mapping[str, str] = {
    # reading and lexing
    "E100": N_("the policy file cannot be read"),
    "E101": N_("the file is not valid UTF-8"),
    "E102": N_("the file contains a NUL character"),
    "E103": N_("a character that cannot start anything"),
    "E104": N_("a string is not closed"),
    "E105": N_("an unknown escape in a string"),
    "E106": N_("a number glued to letters that are not a duration unit"),
    "E107": N_("an impossible date or date-time"),
    "E110": N_("a reserved word used as a name"),
    "E111": N_("an expression nested too deeply"),
    "E112": N_("two entries on one line without a comma"),
    "E113": N_("a look-alike, ligature, bidirectional or invisible character in a name"),
    # syntax
    "E120": N_("unexpected input"),
    "E121": N_("the file ends too early"),
    "E122": N_("a rule clause is missing or out of place"),
    "E123": N_("an expression is incomplete"),
    "E124": N_("`=` used where a comparison `==` is meant"),
    "E125": N_("a schema field is malformed"),
    "E126": N_("a header setting is malformed"),
    "E127": N_("a closing bracket that does not match the open one"),
    "E128": N_("a `{` that is never closed with `}`"),
    # structure of a policy
    "E201": N_("the `policy` header is missing"),
    "E202": N_("the `policy` header is misplaced or repeated"),
    "E203": N_("an unknown header setting"),
    "E204": N_("a required header setting is missing"),
    "E205": N_("a header setting has a value of the wrong kind"),
    "E206": N_("a setting or clause is given twice"),
    "E207": N_("`extends` is misplaced or repeated"),
    "E208": N_("an unknown time zone"),
    "E210": N_("a rule has no `when` clause"),
    "E211": N_("a rule has no `then` clause"),
    "E215": N_("more than one `key` field"),
    "E216": N_("`key` on a field that cannot identify an incident"),
    "E217": N_("an unknown type"),
    "E218": N_("an unknown duration unit"),
    "E219": N_("a malformed `one of` list"),
    "E220": N_("a malformed phrase list"),
    "E221": N_("a phrase file cannot be read"),
    "E222": N_("a `one of` label that is empty, repeated or another value"),
    "E225": N_("a malformed retention (`retain`) of a field"),
    # names
    "E301": N_("an unknown name"),
    "E302": N_("an unknown outcome"),
    "E303": N_("an unknown severity"),
    "E304": N_("an unknown escalation"),
    "E305": N_("an unknown rule"),
    "E306": N_("a name declared twice"),
    "E307": N_("defines that refer to each other in a cycle"),
    "E308": N_("an unknown function"),
    "E309": N_("a record has no such field"),
    "E310": N_("a condition nested too deeply through defines"),
    "E311": N_("a condition that expands too far through defines"),
    # types
    "E401": N_("the two sides of a comparison have different types"),
    "E402": N_("a duration compared or combined with a bare number"),
    "E403": N_("a value that is not one of the field's declared values"),
    "E404": N_("a condition that is not true or false"),
    "E405": N_("an operator applied to a value of the wrong type"),
    "E406": N_("a regular expression that RE2 does not compile or does not support"),
    "E407": N_("a function called with the wrong argument"),
    "E408": N_("arithmetic on values that cannot be combined"),
    "E409": N_("a malformed list"),
    # examples
    "E501": N_("an example names a field the schema does not have"),
    "E502": N_("an example gives a value of the wrong type"),
    "E503": N_("an example leaves out a required field"),
    # composition (extends)
    "E601": N_("the base policy cannot be read"),
    "E602": N_("`extends` forms a cycle"),
    "E603": N_("an inherited name is declared again without `override`"),
    "E604": N_("`override` or `drop` names something that does not exist"),
    "E605": N_("`override`, `drop` or `+=` in a policy without `extends`"),
    "E606": N_("a policy file outside the allowed directory"),
    "E607": N_("a file name with control characters"),
    # warnings (lints)
    "W101": N_("a define that no rule uses"),
    "W102": N_("a phrase list that nothing uses"),
    "W103": N_("a rule without any `respond`"),
    "W104": N_("a name inside `where` hides a top-level name"),
    "W105": N_("a condition that is always true or always false"),
    "W106": N_("the key field is marked sensitive"),
    "W107": N_("a regular expression that is not in NFKC form"),
    "W108": N_("a `one of` list whose values are labelled only in part"),
    "W110": N_("`contains` on a field that holds what someone said"),
    "W111": N_("a `mentions` phrase the word analyser will not read as meant"),
    "W120": N_("a look-alike, ligature, bidirectional or invisible character in a string or comment"),
}


@attrs.frozen
class Diagnostic:
    """One finding about a policy: `code` from CODES, `severity` "error" or "warning"."""

    code: str
    severity: str
    message: str
    span: Span
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def in_language(self, lang: str) -> "Diagnostic":
        """The same diagnostic with its message and hint shown in `lang` ("ja" or "en"); they stay
        messages that `translate` can still render in the other language."""
        return attrs.evolve(self, message=localize(self.message, lang), hint=localize(self.hint, lang))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON form used by `kasu check --format json`; the code is the same in every language."""
        return {
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line or self.span.line,
            "end_column": self.span.end_column or self.span.column + 1,
            "severity": self.severity,
            "code": self.code,
            "message": translate(self.message, lang),
            "hint": translate(self.hint, lang),
        }

    def render(self, sources: Mapping[str, SourceText] | None = None, lang: str = "en") -> str:
        """`file:line:col: error[CODE]: message`, the source line, a caret and a hint."""
        lines = [f"{self.span}: {self.severity}[{self.code}]: {translate(self.message, lang)}"]
        source = (sources or {}).get(self.span.file)
        if source is not None:
            lines.extend(source.excerpt(self.span))
        if self.hint:
            lines.append(translate(N_("hint: {hint}", hint=self.hint), lang))
        return "\n".join(lines)


def localized(diagnostics: Iterable[Diagnostic], lang: str) -> tuple[Diagnostic, ...]:
    """The diagnostics with message and hint shown in `lang` (the same objects for English)."""
    if lang == "en":
        return tuple(diagnostics)
    return tuple(d.in_language(lang) for d in diagnostics)


def error(code: str, message: str, span: Span, hint: str | None = None) -> Diagnostic:
    assert code in CODES, code
    return Diagnostic(code, ERROR, message, span, hint)


def warning(code: str, message: str, span: Span, hint: str | None = None) -> Diagnostic:
    assert code in CODES, code
    return Diagnostic(code, WARNING, message, span, hint)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file and position, without exact repeats."""
    seen = set()
    out = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def render_text(diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceText] | None = None,
                lang: str = "en") -> str:
    """All diagnostics as text, separated by blank lines."""
    return "\n\n".join(d.render(sources, lang) for d in diagnostics)


def render_json(diagnostics: Sequence[Diagnostic], lang: str = "en") -> str:
    """All diagnostics as one JSON array."""
    return json.dumps([d.to_dict(lang) for d in diagnostics], ensure_ascii=False, indent=2)


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "`") -> str | None:
    """A hint naming the closest candidate, if one is close enough.

    >>> did_you_mean("demanded_dogza", ["demanded_dogeza", "channel"])
    'did you mean `demanded_dogeza`?'
    """
    best = closest(word, candidates)
    return N_("did you mean {name}?", name=quote + best + quote) if best is not None else None


def printable(text: str) -> str:
    """`text` with control, format and line-separator characters written as `\\u{XXXX}`, so a
    message shows them instead of breaking its line or hiding them.

    >>> printable("a\\nb\\u202e")
    'a\\\\u{a}b\\\\u{202e}'
    """
    import unicodedata

    return "".join(f"\\u{{{ord(c):x}}}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in text)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word` (case and width insensitive), or None."""
    import difflib
    import unicodedata

    def fold(s: str) -> str:  # width, case and katakana/hiragana insensitive (kana readings compare)
        return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c
                       for c in unicodedata.normalize("NFKC", s).casefold())

    pool: dict[str, str] = {}
    for c in candidates:
        pool.setdefault(fold(c), c)
    key = fold(word)
    if key in pool and pool[key] != word:
        return pool[key]
    cutoff = 0.6 if len(key) > 3 else 0.5
    found = difflib.get_close_matches(key, list(pool), n=1, cutoff=cutoff)
    return pool[found[0]] if found else None


def fold_label(text: str) -> str:
    """`text` compared the way a reader would: NFKC, case-folded, katakana as hiragana, no spaces.

    >>> fold_label("ｶｽﾊﾗ") == fold_label("かすはら") == fold_label(" カスハラ ")
    True
    """
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    out = []
    for ch in folded:
        if "\u30a1" <= ch <= "\u30f6":
            ch = chr(ord(ch) - 0x60)
        if not ch.isspace() and ch not in "・「」『』\"'":
            out.append(ch)
    return "".join(out)


# words a Japanese author writes for true and false
BOOL_WORDS = {"はい": "true", "真": "true", "正": "true", "有": "true", "あり": "true", "yes": "true",
              "いいえ": "false", "偽": "false", "誤": "false", "無": "false", "なし": "false", "no": "false"}
# the kinds of declared names, as the hint names them
LABEL_KINDS = {"field": N_("the field"), "outcome": N_("the outcome"), "severity": N_("the severity"),
               "escalation": N_("the escalation"), "phrases": N_("the phrase list"), "define": N_("the define"),
               "rule": N_("the rule")}


def label_hint(word: str, labels: Iterable[tuple[str, str | None, str]],
               kinds: Iterable[str] | None = None) -> str | None:
    """A hint when `word` is a label (or true/false in Japanese) rather than a name, else None.

    `labels` holds (name, label, kind); kinds limits which kinds may be suggested.

    >>> label_hint("重度", [("high", "重度", "severity")])
    '`重度` is the label of the severity `high`; write the name `high`'
    >>> label_hint("はい", [])
    'write `true` (and `false` for いいえ)'
    """
    key = fold_label(word)
    if key in BOOL_WORDS:
        value = BOOL_WORDS[key]
        return (N_("write `true` (and `false` for いいえ)") if value == "true"
                else N_("write `false` (and `true` for はい)"))
    allowed = set(kinds) if kinds is not None else None
    entries = [(name, label, kind) for name, label, kind in labels
               if label and (allowed is None or kind in allowed) and name != word]
    exact = [e for e in entries if fold_label(e[1]) == key]
    if not exact and len(key) >= 2:
        exact = [e for e in entries if key in fold_label(e[1]) or fold_label(e[1]) in key]
        if len({e[0] for e in exact}) != 1:
            exact = []
    if not exact:
        return None
    name, label, kind = exact[0]
    return N_("`{word}` is the label of {kind} `{name}`; write the name `{name}`", word=word,
              kind=LABEL_KINDS.get(kind, kind), name=name)
