"""`extends`: merge a chain of parsed policy files (base first) into one list of declarations.

The child inherits everything. It adds new fields, outcomes, severities, escalations, phrase
lists, defines, rules and examples, and changes inherited ones only with `override rule`,
`override define`, `drop rule` and `phrases NAME += [...]`. Inherited rules keep their
position; new rules follow in file order. Every declaration keeps the span of the file it
came from, so diagnostics and traces name that file.
"""
from __future__ import annotations

from typing import Sequence, Union, cast

from ..i18n import N_
from ..syntax import nodes as n
from ..diagnostics import Diagnostic, did_you_mean, error

_CLAUSE_ORDER = (n.WhenClause, n.UnlessClause, n.ThenClause, n.RespondClause, n.EscalateClause, n.CiteClause,
                 n.TagsClause)
_VOCAB = {n.OutcomesDecl: "outcome", n.SeveritiesDecl: "severity", n.EscalationsDecl: "escalation"}
_Vocab = Union[n.OutcomesDecl, n.SeveritiesDecl, n.EscalationsDecl]
# kind ("field", "rule"…) -> name -> (the inherited declaration, the file it came from)
_Inherited = dict[str, dict[str, tuple[object, str]]]


def merge(chain: Sequence[n.PolicyFile]) -> tuple[n.PolicyHeader | None, list[object], list[Diagnostic], set[str]]:
    """The merged header and declarations of `chain` (base first, the top policy last), the
    diagnostics, and the names of the rules that were dropped."""
    diags: list[Diagnostic] = []
    dropped_names: set[str] = set()
    decls: list[object] = []
    inherited: _Inherited = {
        "field": {}, "outcome": {}, "severity": {}, "escalation": {}, "name": {}, "rule": {}}
    for depth, tree in enumerate(chain):
        base_file = chain[depth - 1].file if depth else ""
        own = [d for d in tree.decls if not isinstance(d, (n.PolicyHeader, n.ExtendsDecl))]
        if depth == 0:
            decls.extend(own)
        else:
            decls = _apply(decls, own, inherited, base_file, diags, dropped_names)
        _remember(own, tree.file, inherited)
    return _header(chain), decls, diags, dropped_names


def _remember(decls: Sequence[object], file: str, inherited: _Inherited) -> None:
    for d in decls:
        if isinstance(d, n.SchemaDecl):
            for f in d.fields:
                inherited["field"].setdefault(f.name.name, (f, file))
        elif type(d) in _VOCAB:
            for item in cast(_Vocab, d).items:
                inherited[_VOCAB[type(d)]].setdefault(item.name.name, (item, file))
        elif isinstance(d, (n.PhrasesDecl, n.PhrasesFrom, n.DefineDecl)):
            inherited["name"].setdefault(d.name.name, (d, file))
        elif isinstance(d, n.RuleDecl):
            inherited["rule"].setdefault(d.name.name, (d, file))


def _apply(decls: list[object], own: Sequence[object], inherited: _Inherited, base_file: str,
           diags: list[Diagnostic], dropped_names: set[str]) -> list[object]:
    out = list(decls)
    rules_at = {d.name.name: i for i, d in enumerate(out) if isinstance(d, n.RuleDecl)}
    defines_at = {d.name.name: i for i, d in enumerate(out) if isinstance(d, n.DefineDecl)}
    example_at = {d.title.value: i for i, d in enumerate(out) if isinstance(d, n.ExampleDecl)}
    dropped: set[int] = set()
    for d in own:
        if isinstance(d, n.SchemaDecl):
            kept = tuple(f for f in d.fields if not _redeclared("field", f.name, inherited, diags,
                                                               N_("give the new field another name")))
            out.append(n.SchemaDecl(kept, span=d.span))
        elif type(d) in _VOCAB:
            vocab = cast(_Vocab, d)
            kind = _VOCAB[type(vocab)]
            items = tuple(i for i in vocab.items if not _redeclared(kind, i.name, inherited, diags,
                                                                    N_("the inherited {what} is used as it is", what=_WORD[kind])))
            out.append(type(vocab)(items, span=vocab.span))
        elif isinstance(d, (n.PhrasesDecl, n.PhrasesFrom)):
            if not _redeclared("name", d.name, inherited, diags, N_("add to it with `phrases NAME += [ … ]`")):
                out.append(d)
        elif isinstance(d, n.PhrasesAppend):
            if d.name.name not in inherited["name"]:
                _missing(d.name, N_("phrase list"), inherited["name"], diags)
            else:
                out.append(d)
        elif isinstance(d, n.DefineDecl):
            if d.override:
                if d.name.name not in defines_at:
                    _missing(d.name, N_("define"), inherited["name"], diags)
                else:
                    out[defines_at[d.name.name]] = d
            elif not _redeclared("name", d.name, inherited, diags, N_("write `override define {name} = …`", name=d.name.name)):
                out.append(d)
        elif isinstance(d, n.RuleDecl):
            name = d.name.name
            if d.override:
                if name not in rules_at or rules_at[name] in dropped:
                    _missing(d.name, N_("rule"), inherited["rule"], diags)
                else:
                    out[rules_at[name]] = override_rule(cast(n.RuleDecl, out[rules_at[name]]), d)
            elif not _redeclared("rule", d.name, inherited, diags, N_("write `override rule {name} {{ … }}`", name=name)):
                out.append(d)
        elif isinstance(d, n.DropRule):
            name = d.name.name
            if name not in rules_at or rules_at[name] in dropped:
                _missing(d.name, N_("rule"), inherited["rule"], diags)
            else:
                dropped.add(rules_at[name])
                dropped_names.add(name)
        elif isinstance(d, n.ExampleDecl) and d.title.value in example_at:
            out[example_at[d.title.value]] = d  # an example with an inherited title replaces it
        else:
            out.append(d)
    return [d for i, d in enumerate(out) if i not in dropped]


# The kinds of inherited names, as words in messages (with their article for "… cannot be declared again").
_WORD = {"outcome": N_("outcome"), "severity": N_("severity"), "escalation": N_("escalation")}
_ARTICLED = {"name": N_("a name"), "field": N_("a field"), "rule": N_("a rule"), "outcome": N_("an outcome"),
             "severity": N_("a severity"), "escalation": N_("an escalation")}


def _redeclared(kind: str, ident: n.Ident, inherited: _Inherited, diags: list[Diagnostic], hint: str) -> bool:
    found = inherited[kind].get(ident.name)
    if found is None:
        return False
    _, file = found
    diags.append(error("E603", N_("`{name}` is inherited from {file}; {what} cannot be declared again", name=ident.name, file=file,
                                  what=_ARTICLED[kind]),
                       ident.span, hint))
    return True


def _missing(ident: n.Ident, what: str, known: dict[str, tuple[object, str]], diags: list[Diagnostic]) -> None:
    hint = did_you_mean(ident.name, list(known)) or N_("the base policy has no {what} `{name}`", what=what, name=ident.name)
    diags.append(error("E604", N_("there is no inherited {what} `{name}` to change", what=what, name=ident.name), ident.span, hint))


def override_rule(base: n.RuleDecl, child: n.RuleDecl) -> n.RuleDecl:
    """The inherited rule with the clauses the override gives: each clause kind the override
    writes replaces the inherited ones of that kind (all `respond`s, all `cite`s together);
    kinds it leaves out are kept. The rule keeps its position; its span is the override's."""
    clauses = []
    for kind in _CLAUSE_ORDER:
        mine = [c for c in child.clauses if isinstance(c, kind)]
        clauses.extend(mine if mine else [c for c in base.clauses if isinstance(c, kind)])
    return n.RuleDecl(base.name, child.title or base.title, tuple(clauses), False, span=child.span)


INHERITED_SETTINGS = ("decide", "timezone")  # header settings a policy inherits when it does not say them


def _header(chain: Sequence[n.PolicyFile]) -> n.PolicyHeader | None:
    """The top policy's header; `decide` and `timezone` are inherited when the top policy does not say them."""
    top = chain[-1].header()
    if top is None:
        return None
    entries = top.entries
    for key in INHERITED_SETTINGS:
        if any(e.key.name == key for e in entries):
            continue
        for tree in reversed(chain[:-1]):
            base = tree.header()
            found = [e for e in base.entries if e.key.name == key] if base else []
            if found:
                entries = entries + (found[0],)
                break
    return top if entries is top.entries else n.PolicyHeader(top.title, entries, span=top.span)

