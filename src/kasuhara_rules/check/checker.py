"""The checker: declarations, schema, vocabularies, rules and examples → a CheckedPolicy or errors."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Sequence, TypeVar

import attrs

from ..i18n import N_
from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import Diagnostic, did_you_mean, error, label_hint, printable, sort_diagnostics, warning
from .checked import (
    FIRST_MATCH, HIGHEST_SEVERITY, REVIEW, REVIEW_LABEL, STRATEGIES, CheckedPolicy, Define, DefineRef,
    ElementRef, Example, Expect, Field, FieldRef, Header, Item, PhraseList, Rule,
)
from ..coerce import RecordError, coerce
from ..source import SourceText, Span
from . import limits
from .types import TypeChecker
from ..syntax.printer import expr as text_of

HEADER_KEYS = ("id", "version", "effective", "decide", "otherwise")
TYPE_SYNONYMS = {
    "string": "text", "str": "text", "integer": "int", "float": "number", "decimal": "number",
    "boolean": "bool", "time": "datetime", "timestamp": "datetime", "interval": "duration",
    "enum": "one of [...]", "array": "list of T", "object": "{ … }", "map": "{ … }",
}
UNIT_SYNONYMS = {"min": "minutes", "mins": "minutes", "minute": "minutes", "sec": "seconds", "secs": "seconds",
                 "second": "seconds", "s": "seconds", "h": "hours", "hour": "hours", "hr": "hours",
                 "d": "days", "day": "days"}

# Reads a phrase file named in a policy: (path as written, the policy file that names it) → text.
PhraseReader = Callable[[str, str], str]
_T = TypeVar("_T")


@attrs.frozen
class CheckResult:
    """What `check` found: the checked policy (None when there are errors) and all diagnostics."""

    policy: CheckedPolicy | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_structure(tree: n.PolicyFile) -> list[Diagnostic]:
    """The order of a file: the header first and once, then at most one `extends`."""
    diags = []
    headers = [d for d in tree.decls if isinstance(d, n.PolicyHeader)]
    if not headers:
        first = tree.decls[0].span if tree.decls else Span(tree.file, 1, 1, 1, 1)
        diags.append(error("E201", N_("a policy file must start with its `policy` header"), first,
                           N_("begin the file with: policy \"title\" { id NAME  version \"1\"  otherwise claim }")))
    extra: n.Spanned
    for extra in headers[1:]:
        diags.append(error("E202", N_("a file has only one `policy` header"), extra.span))
    if headers and tree.decls[0] is not headers[0]:
        diags.append(error("E202", N_("the `policy` header must come first in the file"), headers[0].span))
    extends = [d for d in tree.decls if isinstance(d, n.ExtendsDecl)]
    for extra in extends[1:]:
        diags.append(error("E207", N_("a policy extends at most one base policy"), extra.span))
    if extends:
        position = tree.decls.index(extends[0])
        expected = 1 if headers and tree.decls[0] is headers[0] else 0
        if position != expected:
            diags.append(error("E207", N_("`extends` must come right after the `policy` header"), extends[0].span))
    return diags


def check(
    header: n.PolicyHeader | None,
    decls: Sequence[object],
    sources: dict[str, SourceText],
    digest: str = "",
    read_phrases: PhraseReader | None = None,
    extended: bool = False,
    fallback_file: str = "<policy>",
    tolerate_example_errors: bool = False,
    dropped_rules: set[str] | frozenset[str] = frozenset(),
) -> CheckResult:
    """Check a policy's declarations (already merged if it extends another).

    With `tolerate_example_errors`, errors inside `example` blocks are still reported but do
    not stop the policy from being built (kasu test reports those examples as failures).
    """
    checker = _Checker(header, decls, sources, digest, read_phrases, extended, fallback_file)
    checker.tolerate_example_errors = tolerate_example_errors
    checker.dropped_rules = dropped_rules
    return checker.run()


# the kinds of names `name_in` resolves, as its messages call them
NAME_KINDS = {"outcome": N_("outcome"), "severity": N_("severity"), "escalation": N_("escalation"), "rule": N_("rule")}


class _Checker:
    tolerate_example_errors: bool  # set by check()
    dropped_rules: set[str] | frozenset[str]

    def __init__(self, header: n.PolicyHeader | None, decls: Sequence[object], sources: dict[str, SourceText],
                 digest: str, read_phrases: PhraseReader | None, extended: bool, fallback_file: str) -> None:
        self.header_decl: n.PolicyHeader | None = header
        self.decls = list(decls)
        self.sources = sources
        self.digest = digest
        self.read_phrases = read_phrases
        self.extended = extended
        self.fallback_file = fallback_file
        self.diags: list[Diagnostic] = []

    def err(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(error(code, message, span, hint))

    def warn(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(warning(code, message, span, hint))

    def of(self, kind: type[_T]) -> list[_T]:
        return [d for d in self.decls if isinstance(d, kind)]

    # -- orchestration ----------------------------------------------------------------

    def run(self) -> CheckResult:
        outcomes = self.vocabulary(n.OutcomesDecl, "outcome", builtin_review=True)
        severities = self.vocabulary(n.SeveritiesDecl, "severity")
        escalations = self.vocabulary(n.EscalationsDecl, "escalation")
        self.outcome_names = {o.name for o in outcomes}
        self.severity_names = {s.name for s in severities}
        self.escalation_names = {e.name for e in escalations}
        header = self.header(outcomes)
        fields = self.schema()
        phrases = self.phrase_lists()
        define_decls = self.define_decls(fields, phrases)
        rule_decls = self.rule_decls()
        self.rule_names = [r.name.name for r in rule_decls]
        self.tc = TypeChecker({f.name: f for f in fields}, define_decls, phrases, self.other_kind, self.diags)
        self.labels = self.tc.labels = (
            [(o.name, o.label, "outcome") for o in outcomes] + [(s.name, s.label, "severity") for s in severities]
            + [(e.name, e.label, "escalation") for e in escalations] + [(f.name, f.label, "field") for f in fields]
            + [(p.name, p.label, "phrases") for p in phrases.values()]
            + [(k, d.label.value if d.label else None, "define") for k, d in define_decls.items()]
            + [(r.name.name, r.title.value if getattr(r, "title", None) else None, "rule")  # type: ignore[union-attr]  # title checked
               for r in rule_decls])
        self.define_measures = self.bound_defines(define_decls)
        for name in define_decls:
            self.tc.define_type(name)
        rules = [self.rule(decl, i) for i, decl in enumerate(rule_decls)]
        self.example_errors: set[Diagnostic] = set()
        examples = [self.example(e, fields) for e in self.of(n.ExampleDecl)]
        self.lints(define_decls, phrases, rules, fields)
        diags = tuple(sort_diagnostics(self.diags))
        blocking = [d for d in diags if d.is_error and not (self.tolerate_example_errors and d in self.example_errors)]
        if blocking or header is None:
            return CheckResult(None, diags)
        defines = {name: Define(name, d.label.value if d.label else None, d.expr, self.tc.define_types[name], d.span)
                   for name, d in define_decls.items()}
        policy = CheckedPolicy(
            header=header, fields=tuple(fields), outcomes=tuple(outcomes), severities=tuple(severities),
            escalations=tuple(escalations), phrases=phrases, defines=defines, rules=tuple(rules),
            examples=tuple(examples), types=self.tc.types, refs=self.tc.refs, sources=self.sources,
            digest=self.digest,
        )
        return CheckResult(policy, diags)

    def other_kind(self, name: str) -> str | None:
        if name in self.outcome_names:
            return "an outcome"
        if name in self.severity_names:
            return "a severity"
        if name in self.escalation_names:
            return "an escalation"
        if name in getattr(self, "rule_names", ()):
            return "a rule"
        return None

    # -- header -------------------------------------------------------------------------

    def header(self, outcomes: list[Item]) -> Header | None:
        decl = self.header_decl
        if decl is None:
            return None
        seen: dict[str, n.HeaderEntry] = {}
        for entry in decl.entries:
            key = entry.key.name
            if key not in HEADER_KEYS:
                self.err("E203", N_("unknown header setting `{key}`", key=key), entry.key.span,
                         did_you_mean(key, HEADER_KEYS) or "the settings are " + ", ".join(HEADER_KEYS))
                continue
            if key in seen:
                self.err("E206", N_("`{key}` is set twice in the header", key=key), entry.key.span)
                continue
            seen[key] = entry
        ok = True
        for key in ("id", "version", "otherwise"):
            if key not in seen:
                ok = False
                example = {"id": "id acme_retail", "version": 'version "2026.1"', "otherwise": "otherwise claim"}[key]
                self.err("E204", N_("the policy header has no `{key}`", key=key), decl.span, N_("add `{example}`", example=example))
        values: dict[str, Any] = {}
        for key, entry in seen.items():
            value = self.header_value(key, entry)
            if value is None:
                ok = False
            values[key] = value
        decide = values.get("decide", HIGHEST_SEVERITY)
        otherwise = values.get("otherwise")
        if isinstance(otherwise, str) and otherwise not in self.outcome_names:
            ok = False
            self.err("E302", N_("`otherwise` names the unknown outcome `{otherwise}`", otherwise=otherwise), seen["otherwise"].value.span,
                     did_you_mean(otherwise, self.outcome_names) or N_("declare it in `outcomes { … }`"))
        if not ok or decide is None:
            return None
        return Header(decl.title.value, str(values["id"]), str(values["version"]), values.get("effective"),
                      str(decide), str(otherwise))

    def header_value(self, key: str, entry: n.HeaderEntry) -> object:
        v = entry.value
        if key in ("id", "decide", "otherwise"):
            if isinstance(v, n.Ident):
                if key == "decide" and v.name not in STRATEGIES:
                    self.err("E205", N_("unknown strategy `{name}`", name=v.name), v.span,
                             did_you_mean(v.name, STRATEGIES) or N_("use {HIGHEST_SEVERITY} or {FIRST_MATCH}", HIGHEST_SEVERITY=HIGHEST_SEVERITY, FIRST_MATCH=FIRST_MATCH))
                    return None
                return v.name
            hint = N_("write it without quotes: {key} {value}", key=key, value=v.value) if isinstance(v, n.StringLit) else None
            self.err("E205", N_("`{key}` takes a name", key=key), v.span, hint)
            return None
        if key == "version":
            if isinstance(v, n.StringLit):
                return v.value
            shown = v.name if isinstance(v, n.Ident) else getattr(v, "text", "")
            self.err("E205", N_("`version` takes a quoted text"), v.span, N_("write version \"{shown}\"", shown=shown))
            return None
        if isinstance(v, n.DateLit):
            return v.value
        self.err("E205", N_("`effective` takes a date"), v.span, N_("write the date as YYYY-MM-DD, e.g. effective 2026-04-01"))
        return None

    # -- vocabularies -------------------------------------------------------------------

    def vocabulary(self, kind: type[n.OutcomesDecl | n.SeveritiesDecl | n.EscalationsDecl], what: str,
                   builtin_review: bool = False) -> list[Item]:
        items: list[Item] = []
        seen: dict[str, Item] = {}
        for decl in self.of(kind):
            for named in decl.items:
                name = named.name.name
                if name in seen:
                    self.err("E306", N_("the {what} `{name}` is declared twice", what=what, name=name), named.name.span)
                    continue
                item = Item(name, named.label.value if named.label else None, len(items), named.name.span)
                seen[name] = item
                items.append(item)
        if builtin_review and REVIEW not in seen:
            span = self.header_decl.span if self.header_decl else Span(self.fallback_file, 1, 1, 1, 1)
            items.append(Item(REVIEW, REVIEW_LABEL, len(items), span))
        return items

    # -- schema -------------------------------------------------------------------------

    def schema(self) -> list[Field]:
        decls = [f for s in self.of(n.SchemaDecl) for f in s.fields]
        fields = self.fields(decls, "", top=True)
        keys = [f for f in fields if f.key]
        for extra in keys[1:]:
            self.err("E215", N_("`{name}` is a second key field; `{name2}` is already the key", name=extra.name, name2=keys[0].name),
                     extra.span, N_("a record has at most one key"))
        for f in keys[:1]:
            if f.type.kind not in (vt.TEXT, vt.INT, vt.ENUM, vt.NUMBER) and not f.type.is_error:
                self.err("E216", N_("the key `{name}` must be text or a number, not {noun}", name=f.name, noun=f.type.noun()), f.span)
            if f.sensitive:
                self.warn("W106", N_("the key `{name}` is sensitive, so decisions will show it as ‹redacted›", name=f.name),
                          f.span, N_("use an incident number that is not personal data as the key"))
        return fields

    def fields(self, decls: Sequence[n.FieldDecl], prefix: str, top: bool) -> list[Field]:
        out: list[Field] = []
        seen: dict[str, n.FieldDecl] = {}
        for decl in decls:
            name = decl.name.name
            if name in seen:
                line = seen[name].name.span.line
                self.err("E306", N_("the field `{prefix}{name}` is declared twice (first on line {line})", prefix=prefix, name=name, line=line),
                         decl.name.span)
                continue
            seen[name] = decl
            if decl.key and not top:
                self.err("E216", N_("only a top-level field can be the key"), decl.name.span)
            ftype = self.field_type(decl.type, prefix + name + ".")
            out.append(Field(name, decl.label.value if decl.label else None, ftype, decl.optional,
                             decl.key and top, decl.sensitive, len(out), prefix + name, decl.name.span))
        return out

    def field_type(self, t: object, prefix: str) -> vt.Type:
        if isinstance(t, n.SimpleType):
            name = t.name.name
            if name in vt.SCALAR_TYPE_NAMES:
                return vt.Type(name)
            if name in ("one", "list"):
                self.err("E217", N_("`{name}` needs `of`: write `{name} of …`", name=name), t.name.span)
                return vt.T_ERROR
            hint = (N_("did you mean `{value}`?", value=TYPE_SYNONYMS[name.lower()]) if name.lower() in TYPE_SYNONYMS
                    else did_you_mean(name, vt.SCALAR_TYPE_NAMES) or
                    "the types are " + ", ".join(vt.TYPE_NAMES) + " and { … }")
            self.err("E217", N_("unknown type `{name}`", name=name), t.name.span, hint)
            return vt.T_ERROR
        if isinstance(t, n.UnitType):
            if t.name.name != "duration":
                self.err("E217", N_("only `duration` takes a unit, not `{name}`", name=t.name.name), t.name.span)
                return vt.T_ERROR
            unit = t.unit.name
            if unit not in vt.UNITS:
                hint = (N_("did you mean `{value}`?", value=UNIT_SYNONYMS[unit]) if unit in UNIT_SYNONYMS else
                        did_you_mean(unit, vt.UNITS) or N_("the units are seconds, minutes, hours and days"))
                self.err("E218", N_("unknown duration unit `{unit}`", unit=unit), t.unit.span, hint)
                return vt.T_ERROR
            return vt.Type(vt.DURATION, unit=unit)
        if isinstance(t, n.OneOfType):
            if t.head.name != "one":
                self.err("E217", N_("unknown type `{name} of`", name=t.head.name), t.head.span, N_("did you mean `one of`?"))
                return vt.T_ERROR
            values: list[str] = []
            for item in t.values.items:
                if not isinstance(item, n.StringLit):
                    self.err("E219", N_("the values of `one of` are quoted texts"), item.span)
                    return vt.T_ERROR
                if item.value in values:
                    self.err("E219", N_("\"{value}\" is listed twice", value=item.value), item.span)
                    continue
                values.append(item.value)
            if not values:
                self.err("E219", N_("`one of` needs at least one value"), t.values.span)
                return vt.T_ERROR
            return vt.Type(vt.ENUM, values=tuple(values))
        if isinstance(t, n.ListType):
            if t.head.name != "list":
                self.err("E217", N_("unknown type `{name} of`", name=t.head.name), t.head.span, N_("did you mean `list of`?"))
                return vt.T_ERROR
            elem = self.field_type(t.element, prefix)
            return vt.T_ERROR if elem.is_error else vt.list_of(elem)
        if isinstance(t, n.RecordType):
            sub = self.fields(t.fields, prefix, top=False)
            return vt.Type(vt.RECORD, fields=tuple(sub))
        raise TypeError(t)  # pragma: no cover

    # -- phrases and defines ------------------------------------------------------------

    def phrase_lists(self) -> dict[str, PhraseList]:
        out: dict[str, PhraseList] = {}
        for decl in self.decls:
            if isinstance(decl, n.PhrasesDecl):
                items = self.phrase_items(decl.items)
            elif isinstance(decl, n.PhrasesFrom):
                items = self.phrase_file(decl)
            elif isinstance(decl, n.PhrasesAppend):
                if not self.extended:
                    self.err("E605", N_("`+=` adds to an inherited phrase list, but this policy extends nothing"),
                             decl.name.span, N_("declare the list with `phrases NAME = [ … ]`"))
                elif decl.name.name in out:
                    base = out[decl.name.name]
                    known = set(base.phrases)
                    more = [p for p in self.phrase_items(decl.items) if p not in known]
                    out[decl.name.name] = PhraseList(base.name, base.label, base.phrases + tuple(more), base.span)
                continue
            else:
                continue
            out[decl.name.name] = PhraseList(decl.name.name, decl.label.value if decl.label else None,
                                             tuple(items), decl.name.span)
        return out

    def phrase_items(self, lst: n.ListLit) -> list[str]:
        """The phrases of a list, each once, in order (a list may hold hundreds of thousands)."""
        items: dict[str, None] = {}
        for item in lst.items:
            if not isinstance(item, n.StringLit):
                self.err("E220", N_("a phrase list holds quoted texts only"), item.span)
            elif not item.value.strip():
                self.err("E220", N_("an empty phrase would match every text"), item.span)
            else:
                items.setdefault(item.value)
        return list(items)

    def phrase_file(self, decl: n.PhrasesFrom) -> list[str]:
        if self.read_phrases is None:
            self.err("E221", N_("cannot read the phrase file \"{value}\" here", value=decl.path.value), decl.path.span)
            return []
        try:
            text = self.read_phrases(decl.path.value, decl.path.span.file)
        except PhraseFileError as exc:
            self.err(exc.code, N_("cannot read the phrase file \"{value}\": {reason}", value=printable(decl.path.value), reason=exc.reason),
                     decl.path.span,
                     exc.hint)
            return []
        items: dict[str, None] = {}
        for raw in text.split("\n"):
            line = raw.strip()
            if line and not line.startswith("#"):
                items.setdefault(line)
        return list(items)

    def define_decls(self, fields: list[Field], phrases: dict[str, PhraseList]) -> dict[str, n.DefineDecl]:
        out: dict[str, n.DefineDecl] = {}
        taken = {f.name: ("a field", f.span) for f in fields}
        for name, p in phrases.items():
            if name in taken:
                self._duplicate(name, taken[name], p.span)
            else:
                taken[name] = ("a phrase list", p.span)
        for decl in self.of(n.DefineDecl):
            name = decl.name.name
            if decl.override and not self.extended:
                self.err("E605", N_("`override define {name}` needs a base policy, but this policy extends nothing", name=name),
                         decl.name.span, N_("write `define` without `override`"))
            if name in taken:
                self._duplicate(name, taken[name], decl.name.span)
                continue
            taken[name] = ("a define", decl.name.span)
            out[name] = decl
        return out

    def bound_defines(self, decls: dict[str, n.DefineDecl]) -> dict[str, limits.Measure]:
        """E310/E311 for defines nested too deep or expanding too far (check/limits.py), measured
        before anything recursive walks through defines; such defines are typed as errors."""
        known, cyclic = limits.measure_defines(decls)
        over = {name for name, m in known.items() if m.depth > limits.MAX_DEPTH or m.size > limits.MAX_EXPANDED}
        for name in over:
            decl = decls[name]
            self.tc.define_types[name] = vt.T_ERROR  # never walked again
            for dep in limits.define_names(decl.expr, decls):  # what it uses counts as used (W101)
                self.tc.used_defines.setdefault(dep, set()).add("define:" + name)
            if any(dep in over for dep in limits.define_names(decl.expr, decls)):
                continue  # reported at the define that first crosses the bound
            self._report_bound(known[name], N_("define `{name}`", name=name), decl.name.span)
        if len(cyclic) > limits.MAX_DEPTH:  # a long cycle: report it here, without walking it
            first = next(iter(decls[c] for c in decls if c in cyclic))
            self.err("E307", N_("{count} defines refer to each other in a cycle (through `{name}`)",
                                count=len(cyclic), name=first.name.name),
                     first.name.span, N_("a define may use other defines, but never in a cycle"))
            for name in cyclic:
                self.tc.define_types[name] = vt.T_ERROR
        return known

    def bound_condition(self, expr: n.Spanned, what: str) -> None:
        if any(self.tc.define_types.get(d) is vt.T_ERROR and d in self.define_measures
               and self._over(self.define_measures[d]) for d in limits.define_names(expr, self.define_measures)):
            return  # reported at the define
        m = limits.measure(expr, self.define_measures)
        if m.depth > limits.MAX_DEPTH or m.size > limits.MAX_EXPANDED:
            self._report_bound(m, what, expr.span)

    @staticmethod
    def _over(m: limits.Measure) -> bool:
        return m.depth > limits.MAX_DEPTH or m.size > limits.MAX_EXPANDED

    def _report_bound(self, m: limits.Measure, what: str, span: Span) -> None:
        if m.depth > limits.MAX_DEPTH:
            self.err("E310", N_("{what} nests more than {depth} levels deep through the defines it uses",
                                what=what, depth=limits.MAX_DEPTH),
                     span, N_("defines count as the conditions they stand for: use fewer layers of defines that "
                              "use other defines"))
        else:
            limit = format(limits.MAX_EXPANDED, ",")
            size = N_("more than {count}", count=limit) if m.size >= limits.MAX_EXPANDED * 4 else format(m.size, ",")
            self.err("E311", N_("{what} stands for {size} conditions once its defines are written out "
                                "(at most {limit})", what=what, size=size, limit=limit), span,
                     N_("a define is evaluated and explained in full at each use: a define used twice in the next "
                        "one doubles with each layer; write the condition once, or use fewer layers"))

    def _duplicate(self, name: str, first: tuple[str, Span], span: Span) -> None:
        kind, where = first
        self.err("E306", N_("`{name}` is already declared as {kind} on line {line}", name=name, kind=kind, line=where.line), span,
                 N_("fields, defines and phrase lists share one set of names"))

    # -- rules --------------------------------------------------------------------------

    def rule_decls(self) -> list[n.RuleDecl]:
        out: list[n.RuleDecl] = []
        seen: dict[str, n.RuleDecl] = {}
        for decl in self.decls:
            if isinstance(decl, n.DropRule) and not self.extended:
                self.err("E605", N_("`drop rule {name}` needs a base policy, but this policy extends nothing", name=decl.name.name),
                         decl.span)
            if not isinstance(decl, n.RuleDecl):
                continue
            name = decl.name.name
            if decl.override and not self.extended:
                self.err("E605", N_("`override rule {name}` needs a base policy, but this policy extends nothing", name=name),
                         decl.name.span, N_("write `rule` without `override`"))
            if name in seen:
                self.err("E306", N_("the rule `{name}` is declared twice (first on line {line})", name=name, line=seen[name].name.span.line),
                         decl.name.span)
                continue
            seen[name] = decl
            out.append(decl)
        return out

    def rule(self, decl: n.RuleDecl, index: int) -> Rule:
        name = decl.name.name
        for kind, word in ((n.WhenClause, "when"), (n.UnlessClause, "unless"), (n.ThenClause, "then"),
                           (n.EscalateClause, "escalate"), (n.TagsClause, "tags")):
            for extra in decl.all(kind)[1:]:
                self.err("E206", N_("rule {name} has more than one `{word}` clause", name=name, word=word), extra.span,  # type: ignore[attr-defined]  # a clause
                         N_("combine the conditions with `and` / `or`") if word in ("when", "unless") else None)
        when = decl.first(n.WhenClause)
        unless = decl.first(n.UnlessClause)
        then = decl.first(n.ThenClause)
        if when is None:
            self.err("E210", N_("rule {name} has no `when` clause", name=name), decl.name.span,
                     N_("say when the rule applies: when CONDITION"))
        else:
            self.bound_condition(when.expr, N_("the `when` condition"))
            self.tc.check_condition(when.expr, N_("the `when` condition"), "rule:" + name)
        if unless is not None:
            self.bound_condition(unless.expr, N_("the `unless` condition"))
            self.tc.check_condition(unless.expr, N_("the `unless` condition"), "rule:" + name)
        outcome, severity = REVIEW, None
        if then is None:
            self.err("E211", N_("rule {name} has no `then` clause", name=name), decl.name.span,
                     N_("say what the rule decides: then kasuhara severity high"))
        else:
            outcome = self.name_in(then.outcome, self.outcome_names, "E302", "outcome", "outcomes")
            if then.severity is not None:
                severity = self.name_in(then.severity, self.severity_names, "E303", "severity", "severities")
        escalate = None
        esc = decl.first(n.EscalateClause)
        if esc is not None:
            escalate = self.name_in(esc.level, self.escalation_names, "E304", "escalation", "escalations")
        tags = decl.first(n.TagsClause)
        return Rule(
            name=name, title=decl.title.value if decl.title else None,
            when=when.expr if when else n.BoolLit(False), unless=unless.expr if unless else None,
            outcome=outcome, severity=severity,
            responds=tuple(c.text.value for c in decl.all(n.RespondClause)), escalate=escalate,
            cites=tuple(c.text.value for c in decl.all(n.CiteClause)),
            tags=tuple(t.name for t in tags.tags) if tags else (), index=index, span=decl.span, decl=decl,
        )

    def name_in(self, ident: n.Ident, names: set[str], code: str, what: str, block: str) -> str:
        if ident.name not in names:
            labels = getattr(self, "labels", ())
            hint = label_hint(ident.name, labels, (what,)) or label_hint(ident.name, labels) or did_you_mean(
                ident.name, names) or (
                N_("declare it in `{block} {{ … }}`", block=block) if names else N_("add a `{block} {{ … }}` block", block=block))
            self.err(code, N_("unknown {what} `{name}`", what=NAME_KINDS.get(what, what), name=ident.name), ident.span, hint)
        return ident.name

    # -- examples -----------------------------------------------------------------------

    def example(self, decl: n.ExampleDecl, fields: list[Field]) -> Example:
        before = len(self.diags)
        example = self._example(decl, fields)
        problems = tuple(d for d in self.diags[before:] if d.is_error)
        self.example_errors.update(problems)
        return attrs.evolve(example, problems=problems)

    def _example(self, decl: n.ExampleDecl, fields: list[Field]) -> Example:
        by_name = {f.name: f for f in fields}
        given: dict[str, object] = {}
        for entry in decl.given.entries:
            name = entry.key.name
            if name in given:
                self.err("E206", N_("`{name}` is given twice", name=name), entry.key.span)
                continue
            value = literal_value(entry.value)
            given[name] = value
            f = by_name.get(name)
            if f is None:
                self.err("E501", N_("the schema has no field `{name}`", name=name), entry.key.span,
                         did_you_mean(name, by_name) or N_("extra fields are ignored at run time, but an example should only give fields the policy knows"))
                continue
            try:
                coerce(f.type, value, name, False)
            except RecordError as exc:
                self.err("E502", N_("example \"{value}\": {message}", value=decl.title.value, message=exc.described),
                         _value_span(entry.value, exc.field or name, name))
        for f in fields:
            if not f.optional and f.name not in given:
                brace = decl.given.span
                where = Span(brace.file, brace.line, brace.column, brace.line, brace.column + 1)
                if f.span.file != brace.file:  # an inherited example, and a field the extending policy added
                    self.err("E503", N_("the inherited example \"{value}\" does not give `{name}`, which {file} adds as a required field", value=decl.title.value, name=f.name, file=f.span.file), where,
                             N_("make the added field optional (`{name}: optional …`), or give the example again in {file} with the same title", name=f.name, file=f.span.file))
                else:
                    self.err("E503", N_("example \"{value}\" does not give the required field `{name}`", value=decl.title.value, name=f.name),
                             where, N_("add `{name}: …`, or make the field optional in the schema", name=f.name))
        e = decl.expect
        self.name_in(e.outcome, self.outcome_names, "E302", "outcome", "outcomes")
        if e.severity is not None:
            self.name_in(e.severity, self.severity_names, "E303", "severity", "severities")
        if e.rule is not None and e.rule.name in getattr(self, "dropped_rules", ()):
            self.err("E305", N_("example \"{value}\" expects rule `{name}`, which this policy drops", value=decl.title.value, name=e.rule.name),
                     e.rule.span, N_("give the example again in this policy, with the same title and a new `expect`"))
        elif e.rule is not None:
            self.name_in(e.rule, set(self.rule_names), "E305", "rule", "rule")
        if e.escalate is not None:
            self.name_in(e.escalate, self.escalation_names, "E304", "escalation", "escalations")
        expect = Expect(e.outcome.name, e.severity.name if e.severity else None,
                        e.rule.name if e.rule else None, e.escalate.name if e.escalate else None)
        return Example(decl.title.value, given, expect, decl.span)

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
            if not any(o.startswith("rule:") or o[len("define:"):] in used_defines for o in owners):
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
        from ..engine.words import analyse_phrase, phrase_warning

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

    def constant_lint(self, node: n.Spanned, word: str, defines: dict[str, n.DefineDecl]) -> None:
        if word == "unless" and node == n.BoolLit(False):
            return  # `unless false` is how an override removes an inherited exception
        types = self.tc.types
        if any(types.get(id(sub), vt.T_ERROR).is_error for sub in n.walk(node)):
            return
        if not self.reads_fields(node, defines, set()):
            self.warn("W105", N_("the `{word}` condition `{text}` reads no field, so it is always the same", word=word, text=text_of(node)),
                      node.span, N_("a condition should depend on the incident"))
            return
        for sub in n.walk(node):
            if isinstance(sub, n.IsMissing) and isinstance(sub.value, n.Name):
                ref = self.tc.refs.get(id(sub.value))
                f = ref.field if isinstance(ref, (FieldRef, ElementRef)) else None
                if f is not None and not f.optional:
                    always = "true" if sub.present else "false"
                    self.warn("W105", N_("`{text}` is always {always}: the schema requires `{name}`", text=text_of(sub), always=always, name=f.name),
                              sub.span, N_("mark the field `optional` if it can be absent"))

    def reads_fields(self, node: object, defines: dict[str, n.DefineDecl], seen: set[str]) -> bool:
        for sub in n.walk(node):
            ref = self.tc.refs.get(id(sub))
            if isinstance(ref, (FieldRef, ElementRef)):
                return True
            if isinstance(ref, DefineRef) and ref.name not in seen:
                seen.add(ref.name)
                if self.reads_fields(defines[ref.name].expr, defines, seen):
                    return True
        return False


class PhraseFileError(Exception):
    """Raised by a phrase reader: `reason` says why, `code` is E221 or E606."""

    def __init__(self, reason: str, code: str = "E221", hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.hint = hint


def _reachable(used: dict[str, set[str]]) -> set[str]:
    """Defines used by a rule, directly or through other used defines."""
    live: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, owners in used.items():
            if name in live:
                continue
            if any(o.startswith("rule:") or o[len("define:"):] in live for o in owners):
                live.add(name)
                changed = True
    return live


def literal_value(node: object) -> object:
    """A value literal of an example as the Python value a caller would pass to evaluate()."""
    if isinstance(node, (n.BoolLit, n.NumberLit, n.StringLit)):
        return node.value
    if isinstance(node, n.DurationLit):
        return _dt.timedelta(microseconds=node.micros)
    if isinstance(node, n.DateLit):
        return node.value
    if isinstance(node, n.DateTimeLit):
        text = node.text[:-1] + "+00:00" if node.text.endswith(("Z", "z")) else node.text
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            return node.text
    if isinstance(node, n.ListLit):
        return [literal_value(i) for i in node.items]
    if isinstance(node, n.RecordLit):
        return {e.key.name: literal_value(e.value) for e in node.entries}
    raise TypeError(node)  # pragma: no cover


def _value_span(value: n.Spanned, path: str, top: str) -> Span:
    """The span of the part of an example value that a record error's path names."""
    parts = re.findall(r"\[(\d+)\]|\.([^.\[]+)", path[len(top):])
    node = value
    for index, name in parts:
        if index and isinstance(node, n.ListLit) and int(index) < len(node.items):
            node = node.items[int(index)]
        elif name and isinstance(node, n.RecordLit):
            match = [e for e in node.entries if e.key.name == name]
            if not match:
                break
            node = match[0].value
        else:
            break
    return node.span
