"""Hover: what a name is, where it is declared, and for a define what it means in plain words."""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ...source import Span
from ...syntax import nodes as n, vocabulary
from ...syntax.printer import expr as expr_text, type_text
from .names import (
    FIELD, DEFINE, PHRASES, RULE, OUTCOME, SEVERITY, ESCALATION, KIND_WORDS, WORDS, Declaration,
)

if TYPE_CHECKING:
    from ...check.checked import CheckedPolicy
    from .names import Link, Occurrence


class Hover:
    """Part of `analysis.Analysis`: the hover answers, from its declarations and policy."""

    if TYPE_CHECKING:  # provided by `analysis.Analysis`
        path: str
        text: str
        current: bool
        declarations: dict[tuple[str, str], list[Declaration]]

        @property
        def policy(self) -> CheckedPolicy | None: ...
        def at(self, line: int, column: int, file: str | None = None) -> Occurrence | None: ...
        def link_at(self, line: int, column: int) -> Link | None: ...
        def definitions(self, kind: str, name: str) -> list[Declaration]: ...

    def function_at(self, line: int, column: int, lang: str = "en") -> tuple[Span, str] | None:
        """A function called at a position (`count(`…): how it is called and what it gives."""
        lines = self.text.split("\n")
        current = lines[line - 1] if 0 < line <= len(lines) else ""
        for found in re.finditer(r"[^\W\d]\w*(?=\s*\()", current):
            if found.start() < column <= found.end() + 1 and found.group() in vocabulary.FUNCTIONS:
                usage, meaning = vocabulary.FUNCTIONS[found.group()]
                span = Span(self.path, line, found.start() + 1, line, found.end() + 1)
                return span, f"`{usage}` — {meaning.get(lang, meaning['en'])}"
        return None

    # -- hover --------------------------------------------------------------------------------------

    def hover(self, line: int, column: int, lang: str = "en") -> tuple[Span, str] | None:
        """Markdown about the name at a position: label, kind and type, where it is declared, and
        for a rule its criteria as the staff guide states them."""
        occ = self.at(line, column)
        if occ is None:
            link = self.link_at(line, column)
            if link is None:
                return self.function_at(line, column, lang)
            return link.span, f"{WORDS[lang]['from']}: `{link.target}`"
        return occ.span, self.describe(occ.kind, occ.name, lang)

    def describe(self, kind: str, name: str, lang: str = "en", full: bool = True) -> str:
        """Markdown about a name; `full=False` (completion lists) leaves out what needs the checked policy."""
        w = WORDS[lang]
        decls = self.definitions(kind, name)
        label = next((d.label for d in reversed(decls) if d.label), None)
        short = name.rsplit(".", 1)[-1]
        head = f"**{label}** `{short}`" if label else f"`{short}`"
        lines = [f"{head} — {KIND_WORDS[lang][kind]}"]
        lines += self._details(kind, name, decls, lang, full)
        for d in decls:
            where = f"{self._display(d.span.file)}:{d.span.line}"
            if d.span.file != self.path:
                lines.append(f"- {w['inherited']} {where}")
            else:
                lines.append(f"- {w['declared']} {where}" + (f" ({w['overrides']})" if d.override else ""))
        return "\n".join(lines)

    def _display(self, file: str) -> str:
        if file == self.path:
            return os.path.basename(file)
        try:
            return os.path.relpath(file, os.path.dirname(self.path) or ".")
        except ValueError:
            return file

    def _details(self, kind: str, name: str, decls: list[Declaration], lang: str, full: bool = True) -> list[str]:
        w = WORDS[lang]
        out: list[str] = []
        last = decls[-1].node if decls else None
        if kind == FIELD and isinstance(last, n.FieldDecl):
            flags = [w["optional"]] if last.optional else []
            flags += [w["key"]] if last.key else []
            flags += [w["sensitive"]] if last.sensitive else []
            flags += [w["retain"].format(period=f"{last.retain.amount.text} {last.retain.unit.name}")] \
                if last.retain is not None else []
            out.append(f"\n```kasu\n{type_text(last.type)}\n```")
            if flags:
                out.append("- " + ", ".join(flags))
        elif kind == DEFINE and isinstance(last, n.DefineDecl):
            policy = self.policy if full or self.current else None
            typ = policy.defines[name].type if policy and name in policy.defines else None
            out.append(f"\n```kasu\ndefine {name} = {expr_text(last.expr)}\n```")
            if typ is not None:
                out.append(f"- {w['type']}: {typ.describe()}")
            said = self._verbalize(name, lang) if full else None
            if said:
                out.append(f"- {w['value']}: {said}")
        elif kind == PHRASES:
            policy = self.policy if full or self.current else None
            phrases = policy.phrases[name].phrases if policy and name in policy.phrases else None
            if isinstance(last, n.PhrasesDecl):
                phrases = phrases or tuple(i.value for i in last.items.items if isinstance(i, n.StringLit))
            if phrases is not None:
                shown = "、".join(phrases[:12]) + ("…" if len(phrases) > 12 else "")
                out.append(f"- {w['phrases'].format(count=len(phrases))}: {shown}")
            if isinstance(last, n.PhrasesFrom):
                out.append(f"- {w['from']}: `{last.path.value}`")
        elif kind in (OUTCOME, SEVERITY, ESCALATION):
            same = [k for k, _ in self.declarations if k == kind]
            names = [nm for k, nm in self.declarations if k == kind]
            if kind != OUTCOME and name in names:
                out.append(f"- {w['rank'].format(rank=names.index(name) + 1, total=len(same))}")
        elif kind == RULE and full:
            out += self._rule(name, lang)
        return out

    def _verbalize(self, define: str, lang: str) -> str | None:
        policy = self.policy
        if policy is None or define not in policy.defines:
            return None
        try:
            from ...render.verbalize import Verbalizer

            d = policy.defines[define]
            v = Verbalizer(policy, lang)
            return v.sentence(d.expr) if d.type.kind == "bool" else v.noun(d.expr)
        except Exception:  # a stale policy may not know every name: then say nothing more
            return None

    def _rule(self, name: str, lang: str) -> list[str]:
        if self.policy is None or self.policy.rule(name) is None:
            return []
        from ...render.guide import rule_markdown

        try:
            return ["", rule_markdown(self.policy, name, lang).strip()]
        except Exception:  # a stale policy from the last good version: keep the hover short
            return []
