"""The checked policy: resolved declarations, the schema, and what names resolve to (`Ref`)."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Union

import attrs

from ..diagnostics import Diagnostic
from ..syntax import nodes as n
from ..source import SourceText, Span
from ..values import Type

HIGHEST_SEVERITY = "highest_severity"
FIRST_MATCH = "first_match"
STRATEGIES = (HIGHEST_SEVERITY, FIRST_MATCH)
REVIEW = "review"
REVIEW_LABEL = "要確認"


RETENTION_UNITS = ("years", "months", "days")


@attrs.frozen
class Retention:
    """How long a sensitive value is kept (`sensitive retain 3 years`): a whole number of years,
    months or days, counted from the incident's date.

    >>> Retention(3, "years").until(_dt.date(2024, 2, 29)), Retention(1, "months").until(_dt.date(2026, 1, 31))
    (datetime.date(2027, 2, 28), datetime.date(2026, 2, 28))
    """

    amount: int
    unit: str

    def until(self, start: _dt.date) -> _dt.date | None:
        """The first day the value is no longer kept; None when that day would come after 9999-12-31,
        the last day a date can name: no day the calendar can write reaches it, so the value is kept
        until it is purged on request, as one without `retain` is.

        >>> Retention(3, "years").until(_dt.date(9998, 6, 1)) is None, Retention(1, "days").until(_dt.date.max)
        (True, None)
        """
        if self.unit == "days":
            if (_dt.date.max - start).days < self.amount:
                return None
            return start + _dt.timedelta(days=self.amount)
        months = self.amount * (12 if self.unit == "years" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        month += 1
        if year > _dt.MAXYEAR:
            return None
        last = 31 if month == 12 else (_dt.date(year, month + 1, 1) - _dt.timedelta(days=1)).day
        return _dt.date(year, month, min(start.day, last))

    def text(self) -> str:
        """As the policy writes it: `3 years`."""
        return f"{self.amount} {self.unit}"


@attrs.frozen
class Field:
    """A schema field. `index` is its position in its record; `path` is dotted from the top;
    `retain` says how long a sensitive value is kept (None: until it is purged on request)."""

    name: str
    label: str | None
    type: Type
    optional: bool
    key: bool
    sensitive: bool
    index: int
    path: str
    span: Span = attrs.field(eq=False, repr=False)
    retain: Retention | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@attrs.frozen
class Item:
    """An outcome, severity or escalation: its name, label and rank (position, lowest first)."""

    name: str
    label: str | None
    rank: int
    span: Span = attrs.field(eq=False, repr=False)

    @property
    def title(self) -> str:
        return self.label or self.name


# How the phrases of a list must be said to count for `mentions` (text/speech.py; language.md §6):
# announced (the speaker announces, demands or threatens the act), claimed (the speaker claims a
# threat's means as backing), implied (an implicit threat: knowledge shown, a warning).
PHRASE_KINDS = ("announced", "claimed", "implied")


@attrs.frozen
class PhraseList:
    """A phrase list; `kind` is one of PHRASE_KINDS, or None (a phrase counts in any form)."""

    name: str
    label: str | None
    phrases: tuple[str, ...]
    span: Span = attrs.field(eq=False, repr=False)
    kind: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name


@attrs.frozen
class Define:
    name: str
    label: str | None
    expr: n.Spanned
    type: Type
    span: Span = attrs.field(eq=False, repr=False)

    @property
    def title(self) -> str:
        return self.label or self.name


@attrs.frozen
class Rule:
    """A rule as the engine sees it; `index` is its position in the (merged) policy."""

    name: str
    title: str | None
    when: n.Spanned
    unless: n.Spanned | None
    outcome: str
    severity: str | None
    responds: tuple[str, ...]
    escalate: str | None
    cites: tuple[str, ...]
    tags: tuple[str, ...]
    index: int
    span: Span = attrs.field(eq=False, repr=False)
    decl: n.RuleDecl | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Expect:
    outcome: str
    severity: str | None
    rule: str | None
    escalate: str | None


@attrs.frozen
class Example:
    """An `example` block: the record it gives, what it expects, and any problem with it."""

    title: str
    given: Mapping[str, Any]
    expect: Expect
    span: Span = attrs.field(eq=False, repr=False)
    problems: tuple[Diagnostic, ...] = attrs.field(default=(), eq=False, repr=False)


# What a Name resolves to: the checker puts one on each Name of its resolved tree (`Name.ref`).
@attrs.frozen
class FieldRef:
    field: Field


@attrs.frozen
class ElementRef:
    """A field of the element of the `depth`-th enclosing `where` (0 = outermost)."""

    field: Field
    depth: int


@attrs.frozen
class DefineRef:
    name: str


@attrs.frozen
class PhrasesRef:
    name: str


Ref = Union[FieldRef, ElementRef, DefineRef, PhrasesRef]


@attrs.frozen
class Header:
    title: str
    id: str
    version: str
    effective: _dt.date | None
    decide: str
    otherwise: str
    timezone: str | None = None  # an IANA name: the zone of record date-times written without an offset (1.2)


@attrs.frozen
class CheckedPolicy:
    """Everything the compiler, explainer and tools need; built by checker.check()."""

    header: Header
    fields: tuple[Field, ...]
    outcomes: tuple[Item, ...]
    severities: tuple[Item, ...]
    escalations: tuple[Item, ...]
    phrases: Mapping[str, PhraseList]
    defines: Mapping[str, Define]
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    sources: Mapping[str, SourceText] = attrs.field(eq=False, repr=False)
    digest: str = ""
    files: tuple[tuple[str, str], ...] = ()  # (path relative to `root`, "sha256:…") of every file, digest order
    top: tuple[str, str] = ("", "")  # the root policy's name as loaded, and as decisions show it
    root: str = "."  # the directory of the policy that was loaded (names in `files` and traces are relative to it)

    @property
    def key_field(self) -> Field | None:
        for f in self.fields:
            if f.key:
                return f
        return None

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def outcome(self, name: str) -> Item:
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)

    def severity(self, name: str | None) -> Item | None:
        for s in self.severities:
            if s.name == name:
                return s
        return None

    def escalation(self, name: str | None) -> Item | None:
        for e in self.escalations:
            if e.name == name:
                return e
        return None

    def rule(self, name: str) -> Rule | None:
        for r in self.rules:
            if r.name == name:
                return r
        return None
