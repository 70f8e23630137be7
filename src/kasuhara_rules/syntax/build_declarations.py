"""The parser's builders of declarations: header, schema, vocabularies, phrases, defines, rules, examples."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, overload

from ..i18n import N_
from . import nodes as n
from ..diagnostics import error
from ..source import SourceText, Span

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from .lalr import Token


class DeclarationBuilders:
    """Part of the parser's builder (`parser._Builder`): one `t_<grammar rule>` method per
    declaration rule of grammar/kasu.lark, called with the node's span and its children."""

    if TYPE_CHECKING:  # provided by `parser._Builder`
        file: str
        source: SourceText
        diags: list[Diagnostic]

        def _tok_span(self, tok: Token) -> Span: ...
        @overload
        def ident(self, tok: Token) -> n.Ident: ...
        @overload
        def ident(self, tok: None) -> None: ...
        def ident(self, tok: Token | None) -> n.Ident | None: ...
        @overload
        def string(self, tok: Token) -> n.StringLit: ...
        @overload
        def string(self, tok: None) -> None: ...
        def string(self, tok: Token | None) -> n.StringLit | None: ...
        def _check_separated(self, items: list[Any]) -> None: ...
        def t_number(self, span: Span, args: list[Any]) -> n.NumberLit: ...
        def t_duration(self, span: Span, args: list[Any]) -> n.DurationLit: ...
        def t_date(self, span: Span, args: list[Any]) -> n.DateLit: ...
        def t_datetime(self, span: Span, args: list[Any]) -> n.DateTimeLit: ...

    # -- declarations ---------------------------------------------------------------

    def t_start(self, span: Span, args: list[Any]) -> n.PolicyFile:
        return n.PolicyFile(tuple(args), self.file, span=span)

    def t_policy_header(self, span: Span, args: list[Any]) -> n.PolicyHeader:
        return n.PolicyHeader(self.string(args[0]), tuple(args[1:]), span=span)

    def t_header_entry(self, span: Span, args: list[Any]) -> n.HeaderEntry:
        key, tok = args
        tspan = self._tok_span(tok)
        value: n.Spanned
        if tok.type == "NAME":
            value = self.ident(tok)
        elif tok.type == "STRING":
            value = self.string(tok)
        elif tok.type == "DATE":
            value = self.t_date(tspan, [tok])
        elif tok.type == "DATETIME":
            value = self.t_datetime(tspan, [tok])
        elif tok.type == "DURATION":
            value = self.t_duration(tspan, [tok])
        else:
            value = self.t_number(tspan, [tok])
        return n.HeaderEntry(self.ident(key), value, span=span)

    def t_extends_decl(self, span: Span, args: list[Any]) -> n.ExtendsDecl:
        return n.ExtendsDecl(self.string(args[0]), span=span)

    def t_schema_decl(self, span: Span, args: list[Any]) -> n.SchemaDecl:
        self._check_separated(args)
        return n.SchemaDecl(tuple(args), span=span)

    def t_field(self, span: Span, args: list[Any]) -> n.FieldDecl:
        name, label, optional, ftype, *mods = args
        seen: set[str] = set()
        retain: n.Retention | None = None
        for m in mods:
            if isinstance(m, n.Retention):
                if retain is not None:
                    self.diags.append(error("E206", N_("`{m}` is given twice", m="retain"), m.span))
                retain = m
                continue
            if m.type in seen:
                self.diags.append(error("E206", N_("`{m}` is given twice", m=m), self._tok_span(m)))
            seen.add(m.type)
        return n.FieldDecl(
            self.ident(name),
            self.string(label),
            optional is not None,
            ftype,
            "KEY" in seen,
            "SENSITIVE" in seen,
            span=span,
            retain=retain,
        )

    def t_retention(self, span: Span, args: list[Any]) -> n.Retention:
        amount, unit = args
        return n.Retention(self.t_number(self._tok_span(amount), [amount]), self.ident(unit), span=span)

    def t_simple_type(self, span: Span, args: list[Any]) -> n.SimpleType:
        return n.SimpleType(self.ident(args[0]), span=span)

    def t_unit_type(self, span: Span, args: list[Any]) -> n.UnitType:
        return n.UnitType(self.ident(args[0]), self.ident(args[1]), span=span)

    def t_one_of_type(self, span: Span, args: list[Any]) -> n.OneOfType:
        return n.OneOfType(self.ident(args[0]), args[1], span=span)

    def t_choice_list(self, span: Span, args: list[Any]) -> n.ChoiceList:
        """The items of `one of [...]`, each text paired with the text that follows it on its
        line without a comma (its label); anything else on one line needs a comma (E112)."""
        choices: list[n.Choice] = []
        i = 0
        while i < len(args):
            value = args[i]
            label = args[i + 1] if i + 1 < len(args) else None
            if (isinstance(value, n.StringLit) and isinstance(label, n.StringLit)
                    and value.span.end_line == label.span.line
                    and "," not in self.source.between(value.span.end_line, value.span.end_column,
                                                       label.span.line, label.span.column)):
                s = value.span
                choices.append(n.Choice(value, label, span=Span(s.file, s.line, s.column, label.span.end_line,
                                                                label.span.end_column)))
                i += 2
                continue
            choices.append(n.Choice(value, None, span=value.span))
            i += 1
        self._check_separated(choices)
        return n.ChoiceList(tuple(choices), span=span)

    def t_list_type(self, span: Span, args: list[Any]) -> n.ListType:
        return n.ListType(self.ident(args[0]), args[1], span=span)

    def t_record_type(self, span: Span, args: list[Any]) -> n.RecordType:
        self._check_separated(args)
        return n.RecordType(tuple(args), span=span)

    def _items(self, args: list[Any]) -> tuple[Any, ...]:
        self._check_separated(args)
        return tuple(args)

    def t_outcomes_decl(self, span: Span, args: list[Any]) -> n.OutcomesDecl:
        return n.OutcomesDecl(self._items(args), span=span)

    def t_severities_decl(self, span: Span, args: list[Any]) -> n.SeveritiesDecl:
        return n.SeveritiesDecl(self._items(args), span=span)

    def t_escalations_decl(self, span: Span, args: list[Any]) -> n.EscalationsDecl:
        return n.EscalationsDecl(self._items(args), span=span)

    def t_named_item(self, span: Span, args: list[Any]) -> n.NamedItem:
        return n.NamedItem(self.ident(args[0]), self.string(args[1]), span=span)

    def t_phrases_decl(self, span: Span, args: list[Any]) -> n.PhrasesDecl:
        return n.PhrasesDecl(self.ident(args[0]), self.string(args[1]), args[2], span=span)

    def t_phrases_from(self, span: Span, args: list[Any]) -> n.PhrasesFrom:
        return n.PhrasesFrom(self.ident(args[0]), self.string(args[1]), self.string(args[2]), span=span)

    def t_phrases_append(self, span: Span, args: list[Any]) -> n.PhrasesAppend:
        return n.PhrasesAppend(self.ident(args[0]), args[1], span=span)

    def t_define_decl(self, span: Span, args: list[Any]) -> n.DefineDecl:
        return n.DefineDecl(self.ident(args[0]), self.string(args[1]), args[2], False, span=span)

    def t_override_define(self, span: Span, args: list[Any]) -> n.DefineDecl:
        return n.DefineDecl(self.ident(args[0]), self.string(args[1]), args[2], True, span=span)

    def t_rule_decl(self, span: Span, args: list[Any]) -> n.RuleDecl:
        return n.RuleDecl(self.ident(args[0]), self.string(args[1]), tuple(args[2:]), False, span=span)

    def t_override_rule(self, span: Span, args: list[Any]) -> n.RuleDecl:
        return n.RuleDecl(self.ident(args[0]), self.string(args[1]), tuple(args[2:]), True, span=span)

    def t_drop_rule(self, span: Span, args: list[Any]) -> n.DropRule:
        return n.DropRule(self.ident(args[0]), span=span)

    def t_when_clause(self, span: Span, args: list[Any]) -> n.WhenClause:
        return n.WhenClause(args[0], span=span)

    def t_unless_clause(self, span: Span, args: list[Any]) -> n.UnlessClause:
        return n.UnlessClause(args[0], span=span)

    def t_then_clause(self, span: Span, args: list[Any]) -> n.ThenClause:
        return n.ThenClause(self.ident(args[0]), args[1], span=span)

    def t_severity_ref(self, span: Span, args: list[Any]) -> n.Ident:
        return self.ident(cast("Token", args[0]))

    def t_rule_ref(self, span: Span, args: list[Any]) -> n.Ident:
        return self.ident(cast("Token", args[0]))

    def t_escalation_ref(self, span: Span, args: list[Any]) -> n.Ident:
        return self.ident(cast("Token", args[0]))

    def t_where_clause(self, span: Span, args: list[Any]) -> object:
        return args[0]

    def t_parens(self, span: Span, args: list[Any]) -> object:
        return args[0]

    def t_respond_clause(self, span: Span, args: list[Any]) -> n.RespondClause:
        return n.RespondClause(self.string(args[0]), span=span)

    def t_escalate_clause(self, span: Span, args: list[Any]) -> n.EscalateClause:
        return n.EscalateClause(self.ident(args[0]), span=span)

    def t_cite_clause(self, span: Span, args: list[Any]) -> n.CiteClause:
        return n.CiteClause(self.string(args[0]), span=span)

    def t_tags_clause(self, span: Span, args: list[Any]) -> n.TagsClause:
        return n.TagsClause(tuple(self.ident(t) for t in args), span=span)

    def t_example_decl(self, span: Span, args: list[Any]) -> n.ExampleDecl:
        return n.ExampleDecl(self.string(args[0]), args[1], args[2], span=span)

    def t_given_clause(self, span: Span, args: list[Any]) -> n.RecordLit:
        return cast(n.RecordLit, args[0])

    def t_expect_clause(self, span: Span, args: list[Any]) -> n.ExpectClause:
        outcome, severity, rule, escalate = args
        return n.ExpectClause(self.ident(outcome), severity, rule, escalate, span=span)
