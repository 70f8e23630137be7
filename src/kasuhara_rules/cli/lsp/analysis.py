"""What `kasu lsp` knows of one open policy: diagnostics, names, and answers to the editor's questions.

Every name with where it is declared and used, and the answers to hover, completion,
definition and the rest.
Nothing here parses or checks on its own: the loader (check/loader.load_text) does, and this
module reads its parsed files (the `extends` chain) and its checked policy. It does not import
pygls either: positions are the loader's (1-based line, 1-based column in characters), and the
server turns them into the protocol's.
"""
from __future__ import annotations

import os
import re
from typing import Iterable, Mapping, MutableMapping

from ...check.checked import CheckedPolicy, DefineRef, ElementRef, FieldRef, PhrasesRef
from ...check.loader import Loaded, ParsedBase, load_text
from ...diagnostics import Diagnostic
from ...source import Span
from ...syntax import nodes as n
from .completion import Completions
from .hover import Hover
from .names import (
    DEFINE, ESCALATION, FIELD, KINDS, OUTCOME, PHRASES, RULE, SEVERITY, WORDS, _NAME, Declaration, Edit, Link, Occurrence,
)


def load(text: str, path: str, open_texts: Mapping[str, str] | None = None,
         parsed_bases: MutableMapping[tuple[str, bytes], ParsedBase] | None = None) -> Loaded:
    """Check `text` as the policy file at `path`; other open documents are read as they are in
    the editor, not as saved. `parsed_bases` keeps base policies parsed between changes."""
    preloaded = {name: body.encode("utf-8", "surrogatepass") for name, body in (open_texts or {}).items()
                 if name != path}
    base = os.path.dirname(path) or "."
    return load_text(text, name=path, base_dir=base, preloaded=preloaded, parsed_bases=parsed_bases)


def name_refs(policy: CheckedPolicy) -> dict[Span, object]:
    """The resolution of every name in the policy's resolved conditions, keyed by its span."""
    out: dict[Span, object] = {}
    roots = [d.expr for d in policy.defines.values()]
    roots += [x for r in policy.rules for x in (r.when, r.unless) if x is not None]
    for root in roots:
        for sub in n.walk(root):
            if isinstance(sub, n.Name) and sub.ref is not None:
                out[sub.span] = sub.ref
    return out


class Analysis(Hover, Completions):
    """One version of one document: diagnostics, declarations, occurrences and links."""

    def __init__(self, path: str, text: str, loaded: Loaded, last_good: CheckedPolicy | None = None,
                 previous: "Analysis | None" = None, open_texts: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.text = text
        self.loaded = loaded
        self.sources = dict(loaded.sources)
        self.trees = loaded.trees
        self.current = loaded.result.policy is not None
        self._last_good = last_good
        self._open_texts = dict(open_texts or {})
        self._partial: CheckedPolicy | None = None
        self._partial_tried = False
        self.declarations: dict[tuple[str, str], list[Declaration]] = {}
        self.occurrences: dict[str, list[Occurrence]] = {}
        self.links: dict[str, list[Link]] = {}
        # what each name of the checked policy resolves to, by where it is written
        self._refs: Mapping[Span, object] = name_refs(loaded.result.policy) if loaded.result.policy else {}
        for tree in self.trees:  # base first: later files override earlier
            self._collect_declarations(tree)
        for tree in self.trees:
            self._collect_uses(tree)
        for occs in self.occurrences.values():
            occs.sort(key=lambda o: (o.span.line, o.span.column))
        if not self.parsed and previous is not None and previous.trees:
            # mid-edit text that does not parse: answer from the names of the last version that did
            self.trees = previous.trees
            self.declarations, self.occurrences, self.links = \
                previous.declarations, previous.occurrences, previous.links

    def with_text(self, text: str) -> "Analysis":
        """This analysis against newer text (completion answers at once while a check is pending)."""
        copy = Analysis.__new__(Analysis)
        copy.__dict__.update(self.__dict__)
        copy.text = text
        return copy

    @property
    def policy(self) -> CheckedPolicy | None:
        """The checked policy: this text's; else this text without the declarations that hold
        errors (checked once, when first asked); else the last version without errors."""
        if self.loaded.result.policy is not None:
            return self.loaded.result.policy
        if not self._partial_tried:
            self._partial_tried = True
            self._partial = self._without_broken_declarations()
        return self._partial or self._last_good

    def _without_broken_declarations(self) -> CheckedPolicy | None:
        """Blank out (keeping every position) each rule, define, phrase list or example that holds
        an error, and check again, up to three rounds (a dropped rule can break an example)."""
        text, loaded = self.text, self.loaded
        for _ in range(3):
            if not loaded.trees or loaded.trees[-1].file != self.path:
                return None
            errors = [d.span for d in loaded.result.diagnostics if d.is_error and d.span.file == self.path]
            spans = [d.span for d in loaded.trees[-1].decls if isinstance(d, _REMOVABLE)
                     and any(_contains(d.span, e) for e in errors)]
            if not spans:
                return None
            source = loaded.sources.get(self.path)
            if source is None:
                return None
            chars = list(text)
            for span in spans:
                start = source.line_starts[span.line - 1] + span.column - 1
                end = source.line_starts[span.end_line - 1] + span.end_column - 1
                for i in range(start, min(end, len(chars))):
                    if chars[i] != "\n":
                        chars[i] = " "
            text = "".join(chars)
            loaded = load(text, self.path, self._open_texts)
            if loaded.result.policy is not None:
                return loaded.result.policy
        return None

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.loaded.result.diagnostics

    @property
    def parsed(self) -> bool:
        return bool(self.trees) and self.trees[-1].file == self.path

    # -- collecting ---------------------------------------------------------------------------------

    def _declare(self, kind: str, ident: n.Ident, label: n.StringLit | None, node: object,
                 override: bool = False, name: str | None = None) -> None:
        key = (kind, name or ident.name)
        self.declarations.setdefault(key, []).append(
            Declaration(kind, key[1], label.value if label is not None else None, ident.span, node, override))
        self._occur(ident.span, kind, key[1], True)

    def _occur(self, span: Span, kind: str, name: str, declaration: bool = False) -> None:
        self.occurrences.setdefault(span.file, []).append(Occurrence(span, kind, name, declaration))

    def _collect_declarations(self, tree: n.PolicyFile) -> None:
        for d in tree.decls:
            if isinstance(d, n.SchemaDecl):
                for f in d.fields:
                    self._field(f, "")
            elif isinstance(d, (n.OutcomesDecl, n.SeveritiesDecl, n.EscalationsDecl)):
                kind = {n.OutcomesDecl: OUTCOME, n.SeveritiesDecl: SEVERITY, n.EscalationsDecl: ESCALATION}[type(d)]
                for item in d.items:
                    self._declare(kind, item.name, item.label, item)
            elif isinstance(d, (n.PhrasesDecl, n.PhrasesFrom)):
                self._declare(PHRASES, d.name, d.label, d)
                if isinstance(d, n.PhrasesFrom):
                    self._link(d.path, tree.file)
            elif isinstance(d, n.DefineDecl):
                self._declare(DEFINE, d.name, d.label, d, d.override)
            elif isinstance(d, n.RuleDecl):
                self._declare(RULE, d.name, d.title, d, d.override)
            elif isinstance(d, n.ExtendsDecl):
                self._link(d.path, tree.file)

    def _link(self, path: n.StringLit, owner: str) -> None:
        target = os.path.normpath(os.path.join(os.path.dirname(owner), path.value))
        self.links.setdefault(path.span.file, []).append(Link(path.span, target))

    def _field(self, f: n.FieldDecl, prefix: str) -> None:
        path = prefix + f.name.name
        self._declare(FIELD, f.name, f.label, f, name=path)
        record = f.type
        while isinstance(record, n.ListType):
            record = record.element
        if isinstance(record, n.RecordType):
            for sub in record.fields:
                self._field(sub, path + ".")

    def _collect_uses(self, tree: n.PolicyFile) -> None:
        for d in tree.decls:
            if isinstance(d, n.PolicyHeader):
                for entry in d.entries:
                    if entry.key.name == "otherwise" and isinstance(entry.value, n.Ident):
                        self._occur(entry.value.span, OUTCOME, entry.value.name)
            elif isinstance(d, n.PhrasesAppend):
                self._occur(d.name.span, PHRASES, d.name.name)
            elif isinstance(d, n.DefineDecl):
                self._expression(d.expr)
            elif isinstance(d, n.RuleDecl):
                for c in d.clauses:
                    if isinstance(c, (n.WhenClause, n.UnlessClause)):
                        self._expression(c.expr)
                    elif isinstance(c, n.ThenClause):
                        self._occur(c.outcome.span, OUTCOME, c.outcome.name)
                        if c.severity is not None:
                            self._occur(c.severity.span, SEVERITY, c.severity.name)
                    elif isinstance(c, n.EscalateClause):
                        self._occur(c.level.span, ESCALATION, c.level.name)
            elif isinstance(d, n.DropRule):
                self._occur(d.name.span, RULE, d.name.name)
            elif isinstance(d, n.ExampleDecl):
                self._given(d.given, "")
                e = d.expect
                self._occur(e.outcome.span, OUTCOME, e.outcome.name)
                for ident, kind in ((e.severity, SEVERITY), (e.rule, RULE), (e.escalate, ESCALATION)):
                    if ident is not None:
                        self._occur(ident.span, kind, ident.name)

    def _given(self, record: n.RecordLit, prefix: str) -> None:
        for entry in record.entries:
            path = prefix + entry.key.name
            if (FIELD, path) in self.declarations:
                self._occur(entry.key.span, FIELD, path)
            values = entry.value.items if isinstance(entry.value, n.ListLit) else (entry.value,)
            for v in values:
                if isinstance(v, n.RecordLit):
                    self._given(v, path + ".")

    def _expression(self, expr: object) -> None:
        for sub in n.walk(expr):
            if isinstance(sub, n.Name):
                found = self._resolve(sub)
                if found is not None:
                    self._occur(sub.span, *found)
            elif isinstance(sub, n.Path) and sub.span.line == sub.span.end_line:
                matches = [name for kind, name in self.declarations if kind == FIELD
                           and name.endswith("." + sub.attr)]
                if len(matches) == 1:
                    end = sub.span.end_column
                    self._occur(Span(sub.span.file, sub.span.line, end - len(sub.attr), sub.span.line, end),
                                FIELD, matches[0])

    def _resolve(self, name: n.Name) -> tuple[str, str] | None:
        ref = self._refs.get(name.span)
        if isinstance(ref, (FieldRef, ElementRef)):
            return FIELD, ref.field.path
        if isinstance(ref, DefineRef):
            return DEFINE, ref.name
        if isinstance(ref, PhrasesRef):
            return PHRASES, ref.name
        for kind in (FIELD, DEFINE, PHRASES):
            if (kind, name.id) in self.declarations:
                return kind, name.id
        inner = [path for kind, path in self.declarations if kind == FIELD and path.endswith("." + name.id)]
        return (FIELD, inner[0]) if inner else None

    # -- queries ------------------------------------------------------------------------------------

    def at(self, line: int, column: int, file: str | None = None) -> Occurrence | None:
        """The name at a 1-based position of `file` (this document by default)."""
        for o in self.occurrences.get(file or self.path, ()):
            if o.span.line == line and o.span.column <= column <= o.span.end_column:
                return o
            if o.span.line > line:
                break
        return None

    def link_at(self, line: int, column: int) -> Link | None:
        for link in self.links.get(self.path, ()):
            if link.span.line == line and link.span.column <= column <= link.span.end_column:
                return link
        return None

    def definitions(self, kind: str, name: str) -> list[Declaration]:
        return list(self.declarations.get((kind, name), ()))

    def references(self, kind: str, name: str, include_declaration: bool = True) -> list[Occurrence]:
        return [o for occs in self.occurrences.values() for o in occs
                if o.kind == kind and o.name == name and (include_declaration or not o.declaration)]

    def symbols(self) -> list[Declaration]:
        """The declarations written in this document, in order (for the outline)."""
        out = [d for decls in self.declarations.values() for d in decls if d.span.file == self.path]
        return sorted(out, key=lambda d: (d.span.line, d.span.column))

    # -- related information and fixes ---------------------------------------------------------------

    def related(self, d: Diagnostic, lang: str = "en") -> list[tuple[Span, str]]:
        """Other places a diagnostic involves: the bracket never closed, the inherited declaration."""
        w = WORDS[lang]
        out: list[tuple[Span, str]] = []
        text = (d.hint or "") + " " + d.message
        opened = re.search(r"the `([{\[(])` (?:on|opened on) line (\d+)", text)
        if opened:
            span = self._bracket(d.span.file, opened.group(1), int(opened.group(2)))
            if span is not None:
                out.append((span, w["unclosed"]))
        if d.code == "E603":
            named = re.match(r"`([^`]+)`", d.message)
            if named:
                for kind in KINDS:
                    for decl in self.definitions(kind, named.group(1)):
                        if decl.span.file != d.span.file:
                            out.append((decl.span, f"{w['inherited']} {self._display(decl.span.file)}"))
        for decl in self._overrides_around(d.span):
            out.append((decl.span, w["overridden"]))
        return out

    def _bracket(self, file: str, char: str, line: int) -> Span | None:
        source = self.sources.get(file)
        if source is None:
            return None
        text = source.line_text(line)
        column = _unquoted_rfind(text, char)
        if column < 0:
            return None
        return Span(file, line, column + 1, line, column + 2)

    def _overrides_around(self, span: Span) -> list[Declaration]:
        """The inherited rule or define that an `override` enclosing `span` replaces."""
        for (kind, name), decls in self.declarations.items():
            if kind not in (RULE, DEFINE):
                continue
            for i, decl in enumerate(decls):
                whole = getattr(decl.node, "span", None)
                if decl.override and whole is not None and whole.file == span.file and _contains(whole, span):
                    return [d for d in decls[:i] if d.span.file != span.file]
        return []

    def fixes(self, d: Diagnostic) -> list[Edit]:
        """Edits that a hint names exactly: `did you mean X?`, `write 30min`, the ASCII character."""
        hint = d.hint or ""
        source = self.sources.get(d.span.file)
        if source is None or d.span.end_line != d.span.line:
            return []
        written = source.between(d.span.line, d.span.column, d.span.end_line, d.span.end_column)
        out: list[Edit] = []
        m = re.search(r'(?:^|; )did you mean ([`"])(.+?)[`"]\?$', hint)  # alone, or after why
        if m:
            replacement = m.group(2) if m.group(1) == "`" else f'"{m.group(2)}"'
            if m.group(1) == '"' or _NAME.fullmatch(written):
                out.append(Edit(f"`{written}` → `{replacement}`", d.span, replacement, d))
        m = re.fullmatch(r"write `(\d[\d_.]*)(s|min|h|d)`", hint)
        if m and d.code == "E402":
            number = m.group(1)
            found = _unquoted_find_number(written, number)
            if found >= 0:
                start = d.span.column + found
                span = Span(d.span.file, d.span.line, start, d.span.line, start + len(number))
                out.append(Edit(f"`{number}` → `{number}{m.group(2)}`", span, number + m.group(2), d))
        m = re.fullmatch(r"`(.)` is a full-width character; write the ASCII `(.)` instead", hint)
        if m and written == m.group(1):
            out.append(Edit(f"`{m.group(1)}` → `{m.group(2)}`", d.span, m.group(2), d))
        return out

    # -- semantic tokens -----------------------------------------------------------------------------

    def tokens(self) -> list[tuple[int, int, int, str, bool]]:
        """(line, column, length in characters, kind, declaration) for every name in this document."""
        out = []
        for o in self.occurrences.get(self.path, ()):
            if o.span.end_line == o.span.line and o.span.end_column > o.span.column:
                out.append((o.span.line, o.span.column, o.span.end_column - o.span.column, o.kind, o.declaration))
        return out


_REMOVABLE = (n.RuleDecl, n.DefineDecl, n.PhrasesDecl, n.PhrasesFrom, n.PhrasesAppend, n.ExampleDecl, n.DropRule)


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.line, inner.column) <= (outer.end_line, outer.end_column)


def _unquoted_rfind(text: str, char: str) -> int:
    """The last `char` on a line outside strings and comments, or -1."""
    found, in_string, i = -1, False, 0
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            break
        elif ch == char:
            found = i
        i += 1
    return found


def _unquoted_find_number(text: str, number: str) -> int:
    for m in re.finditer(r"(?<![\w.])" + re.escape(number) + r"(?![\w.])", text):
        return m.start()
    return -1


def lang_from(option: object, locale: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language of messages: the client's `lang` option, else its locale, else KASU_LANG and
    the process locale (as the other commands), else English."""
    for candidate in (option, locale):
        if isinstance(candidate, str) and candidate:
            return "ja" if candidate.lower().startswith("ja") else "en"
    env = os.environ if environ is None else environ
    for var in ("KASU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def localized(d: Diagnostic, lang: str) -> tuple[str, str | None]:
    """A diagnostic's message and hint in `lang` ("ja" or "en"), from the message catalogue."""
    shown = d.in_language(lang)
    return str(shown.message), (str(shown.hint) if shown.hint is not None else None)


def analyse(path: str, text: str, open_texts: Mapping[str, str] | None = None,
            last_good: CheckedPolicy | None = None, previous: Analysis | None = None,
            parsed_bases: MutableMapping[tuple[str, bytes], ParsedBase] | None = None) -> Analysis:
    """Load and index one document (`previous`: the last analysis of the same document)."""
    loaded = load(text, path, open_texts, parsed_bases)
    return Analysis(path, text, loaded, last_good, previous, open_texts)


def uses_file(analysis: Analysis, path: str) -> bool:
    """Whether `path` is one of the policy files the analysis read (for references from children)."""
    return any(tree.file == path for tree in analysis.trees)


def iter_names(analyses: Iterable[Analysis], kind: str, name: str) -> Iterable[Occurrence]:
    seen = set()
    for a in analyses:
        for o in a.references(kind, name):
            if o not in seen:
                seen.add(o)
                yield o
