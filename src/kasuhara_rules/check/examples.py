"""The checker's `example` blocks: each given record coerced against the schema, each expectation named."""
from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, cast

import attrs

from ..i18n import N_
from ..syntax import nodes as n
from ..diagnostics import did_you_mean
from .checked import Example, Expect, Field
from ..coerce import RecordError, coerce
from ..source import Span

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic


class ExampleChecks:
    """Part of the checker (`checker._Checker`): examples, reported through its `err`."""

    if TYPE_CHECKING:  # provided by `checker._Checker`
        diags: list[Diagnostic]
        example_errors: set[Diagnostic]
        outcome_names: set[str]
        severity_names: set[str]
        escalation_names: set[str]
        rule_names: list[str]
        timezone: str | None

        def err(self, code: str, message: str, span: Span, hint: str | None = None) -> None: ...
        def name_in(self, ident: n.Ident, names: set[str], code: str, what: str, block: str) -> str: ...

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
            if f.type.is_error:  # the schema's error says what is wrong; its values are not checked
                continue
            try:
                coerce(f.type, value, name, False, self.timezone)
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


def literal_value(node: object) -> object:
    """A value literal of an example as the Python value a caller would pass to evaluate()."""
    if isinstance(node, (n.BoolLit, n.NumberLit, n.StringLit)):
        return node.value
    if isinstance(node, n.DurationLit):
        try:
            return _dt.timedelta(microseconds=node.micros)
        except OverflowError:  # past what a timedelta holds: as written ("1000000000d"), which the range refuses
            return node.text
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


def _value_span(value: object, path: str, top: str) -> Span:
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
    return cast(n.Spanned, node).span
