"""The checker: declarations, schema, vocabularies, rules and examples → a CheckedPolicy or errors."""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar, cast

import attrs

from ..i18n import N_
from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import Diagnostic, did_you_mean, error, label_hint, printable, sort_diagnostics, warning
from .checked import REVIEW, CheckedPolicy, Define, Field, PhraseList, Rule
from ..source import SourceText, Span
from . import limits
from .types import Owner, TypeChecker
from .examples import ExampleChecks
from .lints import Lints
from .declarations import Declarations

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


class _Checker(Declarations, ExampleChecks, Lints):
    """Orchestration, phrases, defines and rules here; the header, vocabularies and schema
    (check/declarations.py), examples (check/examples.py) and lints (check/lints.py) are the
    other parts of the same pass, mixed in."""

    tolerate_example_errors: bool  # set by `check`
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
        self.timezone: str | None = None  # the header's `timezone`, once read (examples' date-times use it)

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
        defines = {name: Define(name, d.label.value if d.label else None, cast(n.Spanned, self.tc.define_exprs[name]),
                                self.tc.define_types[name], d.span)
                   for name, d in define_decls.items()}
        policy = CheckedPolicy(
            header=header, fields=tuple(fields), outcomes=tuple(outcomes), severities=tuple(severities),
            escalations=tuple(escalations), phrases=phrases, defines=defines, rules=tuple(rules),
            examples=tuple(examples), sources=self.sources,
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
                self.tc.used_defines.setdefault(dep, set()).add(Owner.define(name))
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
            when_expr = self.tc.check_condition(when.expr, N_("the `when` condition"), Owner.rule(name))
        if unless is not None:
            self.bound_condition(unless.expr, N_("the `unless` condition"))
            unless_expr = self.tc.check_condition(unless.expr, N_("the `unless` condition"), Owner.rule(name))
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
            when=cast(n.Spanned, when_expr) if when else n.BoolLit(False),
            unless=cast(n.Spanned, unless_expr) if unless else None,
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


class PhraseFileError(Exception):
    """Raised by a phrase reader: `reason` says why, `code` is E221 or E606."""

    def __init__(self, reason: str, code: str = "E221", hint: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.hint = hint
