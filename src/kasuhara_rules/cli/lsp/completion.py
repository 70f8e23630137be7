"""Completion: the words and names that can follow the cursor, from the block it is in."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ...syntax import nodes as n
from .names import (
    FIELD, DEFINE, PHRASES, RULE, OUTCOME, SEVERITY, ESCALATION, DECLARATION_WORDS, CLAUSE_WORDS,
    EXPR_WORDS, FUNCTIONS, TYPES, STRATEGIES, HEADER_WORDS, Completion,
)

if TYPE_CHECKING:
    from .names import Declaration


class Completions:
    """Part of `analysis.Analysis`: the completion answers, from its declarations and policy."""

    if TYPE_CHECKING:  # provided by `analysis.Analysis`
        text: str
        declarations: dict[tuple[str, str], list[Declaration]]

        def describe(self, kind: str, name: str, lang: str = "en", full: bool = True) -> str: ...

    # -- completion ---------------------------------------------------------------------------------

    def complete(self, line: int, column: int, lang: str = "en") -> list[Completion]:
        """Candidates at a position, from the text before it on its line and the block it is in."""
        text = self.text.split("\n")
        current = text[line - 1] if 0 < line <= len(text) else ""
        before = current[: column - 1]
        block = _block(text, line)
        words = before.split()
        last = words[-1] if words and not before.endswith((" ", "\t", "\u3000")) else ""
        previous = words[-2] if last and len(words) > 1 else (words[-1] if words and not last else "")
        values = self._enum_values(before)
        if values is not None:
            return values
        if previous in ("then", "expect", "otherwise"):
            return self._names(OUTCOME, lang)
        if previous == "severity":
            return self._names(SEVERITY, lang)
        if previous == "escalate":
            return self._names(ESCALATION, lang)
        if previous == "by" or (previous == "rule" and len(words) > 1 and words[-2 if not last else -3]
                                in ("override", "drop")):
            return self._names(RULE, lang)
        if previous == "define" and "override" in words:
            return self._names(DEFINE, lang)
        if previous == "decide":
            return [Completion(s, "keyword") for s in STRATEGIES]
        if previous in ("any", "all") and "contains" in words:
            return self._names(PHRASES, lang)
        if block == "schema" and previous == "retain":
            return []  # a number comes next
        if block == "schema" and len(words) >= (3 if last else 2) and words[-2 if not last else -3] == "retain":
            return [Completion(u, "keyword") for u in ("years", "months", "days")]
        if block == "schema" and ":" in before:
            return [Completion(t, "type") for t in TYPES] + [Completion(w, "keyword") for w in
                                                             ("key", "sensitive", "retain")]
        if block == "policy" and len(words) <= 1:
            return [Completion(w, "keyword") for w in HEADER_WORDS]
        at_start = len(words) == 0 or (len(words) == 1 and last)
        if block is None and at_start:
            return [Completion(w, "keyword") for w in DECLARATION_WORDS]
        if block == "rule" and at_start:
            return [Completion(w, "keyword") for w in CLAUSE_WORDS] + self._expression_names(lang)
        if block == "example" and at_start:
            return [Completion(w, "keyword") for w in ("given", "expect")] + self._names(FIELD, lang, top_only=True)
        out = self._expression_names(lang)
        out += [Completion(w, "keyword") for w in EXPR_WORDS]
        out += [Completion(f, "function", insert=f + "(") for f in FUNCTIONS]
        return out

    def _names(self, kind: str, lang: str, top_only: bool = False) -> list[Completion]:
        out = []
        for (k, name), decls in self.declarations.items():
            if k != kind or (top_only and "." in name):
                continue
            label = next((d.label for d in reversed(decls) if d.label), None)
            short = name.rsplit(".", 1)[-1]
            out.append(Completion(short, kind, label or "", documentation=self.describe(kind, name, lang, full=False)))
        return out

    def _expression_names(self, lang: str) -> list[Completion]:
        return self._names(FIELD, lang) + self._names(DEFINE, lang) + self._names(PHRASES, lang)

    def _enum_values(self, before: str) -> list[Completion] | None:
        """Inside `FIELD == "…`, `FIELD != ` or `FIELD in [ …`: the field's `one of` values."""
        found = re.search(r"([^\W\d][\w.]*)\s*(?:==|!=|(?:not\s+)?in\s*\[[^\]]*?)\s*\"?[^\"\s,\]]*$", before)
        if not found:
            return None
        field = self._field_decl(found.group(1))
        if field is None or not isinstance(field.type, n.OneOfType):
            return None
        quoted = re.search(r"\"[^\"]*$", before)
        out = []
        for choice in field.type.choices.items:  # each value with its label as the detail
            item = choice.value
            if isinstance(item, n.StringLit):
                text = f'"{item.value}"'
                detail = choice.label.value if choice.label else field.label.value if field.label else ""
                out.append(Completion(text, "value", detail, insert=text[1:] if quoted else text))
        return out

    def _field_decl(self, written: str) -> n.FieldDecl | None:
        candidates = [written] + [name for kind, name in self.declarations if kind == FIELD
                                  and name.endswith("." + written.rsplit(".", 1)[-1])]
        for name in candidates:
            decls = self.declarations.get((FIELD, name))
            if decls:
                node = decls[-1].node
                return node if isinstance(node, n.FieldDecl) else None
        return None


_BLOCK = re.compile(r"^(?:override\s+)?(policy|schema|outcomes|severities|escalations|rule|define|phrases|example)\b")


def _block(lines: Sequence[str], line: int) -> str | None:
    """The top-level block a 1-based line is inside (by the canonical layout: declarations start
    at the left margin, blocks close with `}` there), or None between blocks."""
    for number in range(line - 1, -1, -1):
        text = lines[number] if number < len(lines) else ""
        if number < line - 1 and text.startswith("}"):
            return None
        m = _BLOCK.match(text)
        if m:
            kind = m.group(1)
            if kind in ("define", "phrases"):
                return kind if number == line - 1 else None
            if "{" not in text or (text.rstrip().endswith("}") and number < line - 1):
                return None if number < line - 1 else kind
            return kind
    return None
