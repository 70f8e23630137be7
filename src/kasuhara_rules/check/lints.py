"""The checker's lints: unused names, oddly read `mentions` phrases, conditions that never vary.

W101/W102 (a define or phrase list no rule uses), W103 (a rule with no `respond`), W111 (a
phrase the word analyser splits unlike its author meant), W112 (threats or exposure matched in any
form: a list without a kind), W105 (a condition that reads no field,
or tests the presence of a required one).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, cast

from ..i18n import N_
from ..syntax import nodes as n
from .checked import DefineRef, ElementRef, Field, FieldRef, PhraseList, Rule
from ..source import Span
from .types import Owner

if TYPE_CHECKING:
    from .types import TypeChecker
from ..syntax.printer import expr as text_of


class Lints:
    """Part of the checker (`checker._Checker`): the warnings, reported through its `warn`."""

    if TYPE_CHECKING:  # provided by `checker._Checker`
        tc: TypeChecker
        unknown_kinds: set[str]

        def warn(self, code: str, message: str, span: Span, hint: str | None = None) -> None: ...

    # -- lints --------------------------------------------------------------------------

    def lints(self, defines: dict[str, n.DefineDecl], phrases: dict[str, PhraseList], rules: list[Rule],
              fields: list[Field]) -> None:
        used_defines = _reachable(self.tc.used_defines)
        for name, decl in defines.items():
            if name not in used_defines:
                self.warn("W101", N_("define `{name}` is not used by any rule", name=name), decl.name.span,
                          N_("use it in a rule, or remove it"))
        for name, p in phrases.items():
            owners = self.tc.used_phrases.get(name, set())
            if not any(o.kind == "rule" or o.name in used_defines for o in owners):
                self.warn("W102", N_("the phrase list `{name}` is not used by any rule", name=name), p.span,
                          N_("use it with `contains any`, or remove it"))
        self.phrase_lint(defines, phrases, rules)
        for rule in rules:
            if not rule.responds:
                self.warn("W103", N_("rule {name} tells staff nothing to do: it has no `respond`", name=rule.name),
                          rule.decl.name.span if rule.decl else rule.span,
                          N_("add what staff should do, e.g. respond \"上長に引き継ぐ。\""))
            for clause, word in ((rule.when, "when"), (rule.unless, "unless")):
                if clause is None or (rule.decl and rule.decl.first(n.WhenClause) is None and word == "when"):
                    continue
                self.constant_lint(clause, word, defines)

    def phrase_lint(self, defines: dict[str, n.DefineDecl], phrases: dict[str, PhraseList],
                    rules: list[Rule]) -> None:
        """W111: a `mentions` phrase that the analyser splits unlike what its author probably meant.
        Only a policy that uses `mentions` loads the analyser here."""
        targets: dict[str, tuple[Span, str | None]] = {}  # phrase → where it is written, its list
        roots = [d.expr for d in defines.values()] + [x for r in rules for x in (r.when, r.unless) if x is not None]
        for root in roots:
            for sub in n.walk(root):
                if not isinstance(sub, n.Mentions):
                    continue
                if isinstance(sub.item, n.StringLit):
                    targets.setdefault(sub.item.value, (sub.item.span, None))
                elif isinstance(sub.item, n.ListLit):
                    for item in sub.item.items:
                        if isinstance(item, n.StringLit):
                            targets.setdefault(item.value, (item.span, None))
                elif isinstance(sub.item, n.Name) and sub.item.id in phrases:
                    plist = phrases[sub.item.id]
                    for p in plist.phrases:
                        targets.setdefault(p, (plist.span, plist.name))
        if not targets:
            return
        # The analyser lives in the engine; loaded here lazily, for this lint only (a listed exception
        # to the layer rule: without it `kasu check` could not say how a phrase will be read).
        from ..text.words import analyse_phrase, phrase_warning

        self.kind_lint(roots, phrases)
        for text, (span, list_name) in targets.items():
            why = phrase_warning(analyse_phrase(text))
            if why is None:
                continue
            where = N_(" in the phrase list `{name}`", name=list_name) if list_name else ""
            if why == "empty":
                message, hint = (N_("the phrase \"{text}\"{where} has no words, so `mentions` never finds it",
                                    text=text, where=where),
                                 N_("write the words to look for, or remove the phrase"))
            elif why == "one-character":
                message, hint = (N_("the phrase \"{text}\"{where} is one character: `mentions` finds it only where "
                                    "the analyser reads it as a word of its own", text=text, where=where),
                                 N_("write the whole word (死ね, 殺す), or use `contains` for a fixed string"))
            else:
                words = " + ".join(w.surface for w in analyse_phrase(text).words)
                message, hint = (N_("the phrase \"{text}\"{where} is read as particles or endings only ({words}), "
                                    "so it is found after almost any word", text=text, where=where, words=words),
                                 N_("add the word it belongs to (e.g. 殺すぞ instead of ぞ), or remove the phrase"))
            self.warn("W111", message, span, hint)

    def kind_lint(self, roots: list[Any], phrases: dict[str, PhraseList]) -> None:
        """W112: threats or exposure matched with `mentions` in any form — a list without a kind, or
        phrases written in place — where a denial, a report or a quotation would count like the act."""
        from ..text.speech_words import threat_like  # (loads the analyser: only for a policy with `mentions`)

        if self.unknown_kinds:
            return  # a kind was written but misspelt (E223): that is the thing to fix
        warned: set[str] = set()
        for root in roots:
            for sub in n.walk(root):
                if not isinstance(sub, n.Mentions):
                    continue
                if isinstance(sub.item, n.Name) and sub.item.id in phrases:
                    plist = phrases[sub.item.id]
                    if plist.kind is not None or plist.name in warned:
                        continue
                    act = threat_like(plist.phrases, plist.name, plist.label)
                    if act is not None:
                        warned.add(plist.name)
                        self.warn("W112", N_("the phrase list `{name}` holds threats or exposure (\"{act}\") but declares "
                                             "no kind, so `mentions` finds them in any form: 「{act}つもりはない」 and "
                                             "「『{act}』と言われた」 count like the act", name=plist.name, act=act),
                                  plist.span, N_("declare how its phrases must be said, e.g. phrases {name} announced "
                                                 "from \"…\" (or claimed, implied)", name=plist.name))
                    continue
                texts = ([sub.item.value] if isinstance(sub.item, n.StringLit) else
                         [i.value for i in sub.item.items if isinstance(i, n.StringLit)]
                         if isinstance(sub.item, n.ListLit) else [])
                act = threat_like(texts, "", None) if texts else None
                if act is not None:
                    self.warn("W112", N_("\"{act}\" is a threat or an exposure written in place, so `mentions` finds it "
                                         "in any form: 「{act}つもりはない」 counts like the act", act=act),
                              sub.item.span, N_("put it in a phrase list declared `announced` and mention the list"))

    def constant_lint(self, node: n.Spanned, word: str, defines: dict[str, n.DefineDecl]) -> None:
        if word == "unless" and node == n.BoolLit(False):
            return  # `unless false` is how an override removes an inherited exception
        if any(sub.type is None or sub.type.is_error for sub in cast("Iterator[Any]", n.walk(node))):
            return
        if not self.reads_fields(node, defines, set()):
            self.warn("W105", N_("the `{word}` condition `{text}` reads no field, so it is always the same", word=word, text=text_of(node)),
                      node.span, N_("a condition should depend on the incident"))
            return
        for sub in n.walk(node):
            if isinstance(sub, n.IsMissing) and isinstance(sub.value, n.Name):
                ref = sub.value.ref
                f = ref.field if isinstance(ref, (FieldRef, ElementRef)) else None
                if f is not None and not f.optional:
                    always = "true" if sub.present else "false"
                    self.warn("W105", N_("`{text}` is always {always}: the schema requires `{name}`", text=text_of(sub), always=always, name=f.name),
                              sub.span, N_("mark the field `optional` if it can be absent"))

    def reads_fields(self, node: object, defines: dict[str, n.DefineDecl], seen: set[str]) -> bool:
        for sub in n.walk(node):
            ref = sub.ref if isinstance(sub, n.Name) else None
            if isinstance(ref, (FieldRef, ElementRef)):
                return True
            if isinstance(ref, DefineRef) and ref.name not in seen:
                seen.add(ref.name)
                body = self.tc.define_exprs.get(ref.name)
                if body is not None and self.reads_fields(body, defines, seen):
                    return True
        return False


def _reachable(used: dict[str, set[Owner]]) -> set[str]:
    """Defines used by a rule, directly or through other used defines."""
    live: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, owners in used.items():
            if name in live:
                continue
            if any(o.kind == "rule" or o.name in live for o in owners):
                live.add(name)
                changed = True
    return live
