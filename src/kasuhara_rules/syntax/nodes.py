"""The AST: one frozen attrs class per construct; every node has a span, ignored by equality."""
from __future__ import annotations

import datetime as _dt
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, TypeVar, Union, cast

import attrs

from ..source import Span
from ..values import Type

_NOSPAN = Span("<none>", 0, 0, 0, 0)
_T = TypeVar("_T")

if TYPE_CHECKING:  # the node factory makes dataclass-like classes: tell the type checker so
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[_T], _T]:
        return lambda decorated: decorated


class Spanned(Protocol):
    """Any node: every node has a span (the fields that hold one of several kinds of node
    are typed with this)."""

    @property
    def span(self) -> Span: ...


def _span() -> Any:
    return attrs.field(default=_NOSPAN, eq=False, repr=False, kw_only=True)


def _resolved() -> Any:
    """A slot the checker fills on its resolved copy of an expression (see check/types.py):
    None in the tree the parser builds; ignored by equality, like the span."""
    return attrs.field(default=None, eq=False, repr=False, kw_only=True)


_CHILD = "child"  # the metadata key of a field that holds child nodes; its value says how


def child(*, default: Any = attrs.NOTHING) -> Any:
    """A field holding one child node (None allowed when the default is None). The child
    fields, declared here and nowhere else, give `children`, `walk` and the checker's
    resolved copy (check/resolved.py)."""
    return attrs.field(default=default, metadata={_CHILD: "one"})


def children_field(*, through: str | None = None) -> Any:
    """A field holding a tuple of child nodes (or of entries whose field `through` holds one)."""
    return attrs.field(metadata={_CHILD: through or "many"})


class _Node:
    """Shared by every node: repr, equality and hash written once here instead of generated
    by attrs for each of the fifty-odd classes (which would cost half of this module's import
    time, paid by every `kasu` command). Equality compares the fields marked `eq` (never
    the span or the author's spelling), like attrs' own would."""

    __slots__ = ()
    _eq_names: tuple[str, ...] = ()  # set on each class by `node`
    _child_names: tuple[str, ...] = ()  # the fields holding child nodes (see `child`), set by `node`

    def __repr__(self) -> str:
        fields = attrs.fields(type(self))  # type: ignore[arg-type]  # node() makes every subclass with attrs
        parts = [f"{f.name}={getattr(self, f.name)!r}" for f in fields if f.repr]
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._eq_names)

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, *(getattr(self, name) for name in self._eq_names)))


@dataclass_transform(frozen_default=True, field_specifiers=(attrs.field, child, children_field))
def node(cls: type[_T]) -> type[_T]:
    """Declare an AST node: a frozen, slotted attrs class."""
    namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    made: Any = attrs.frozen(slots=True, repr=False, eq=False)(type(cls.__name__, (_Node,), namespace))
    made._eq_names = tuple(f.name for f in attrs.fields(made) if f.eq)
    made._child_names = tuple(f.name for f in attrs.fields(made) if _CHILD in f.metadata)
    return cast("type[_T]", made)


# ---- expressions ------------------------------------------------------------------


@node
class BoolLit:
    value: bool
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class NumberLit:
    """`42`, `3.5`, `100_000`; `text` keeps the author's spelling for the formatter."""

    value: Union[int, float]
    text: str = attrs.field(default="", eq=False)
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class StringLit:
    value: str
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class DurationLit:
    """`30min`: `micros` is the length in microseconds; `text` is the spelling."""

    micros: int
    text: str = attrs.field(default="", eq=False)
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class DateLit:
    value: _dt.date
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class DateTimeLit:
    """An ISO 8601 date-time with offset; `micros` since the Unix epoch, `text` as written."""

    micros: int
    text: str
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class ListLit:
    items: tuple[Spanned, ...] = children_field()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Entry:
    key: "Ident"
    value: Spanned = child()
    span: Span = _span()


@node
class RecordLit:
    entries: tuple[Entry, ...] = children_field(through="value")
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Name:
    id: str
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression
    ref: object = _resolved()  # FieldRef, ElementRef, DefineRef or PhrasesRef (check/checked.py)


@node
class Path:
    base: Spanned = child()
    attr: str
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression
    ref: object = _resolved()  # the record field `attr` names (a check.checked.Field)


@node
class Call:
    """`count(x)`, `count(x where c)`, `any(x where c)`, `sum(x.f)`, `len(t)`..."""

    func: str
    arg: Spanned = child()
    where: Spanned | None = child(default=None)
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Negate:
    operand: Spanned = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Binary:
    """Arithmetic: op is one of + - * /."""

    op: str
    left: Spanned = child()
    right: Spanned = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Not:
    operand: Spanned = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class And:
    operands: tuple[Spanned, ...] = children_field()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Or:
    operands: tuple[Spanned, ...] = children_field()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Compare:
    op: str
    left: Spanned = child()
    right: Spanned = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class In:
    value: Spanned = child()
    container: Spanned = child()
    negated: bool = False
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Contains:
    """`t contains x` (mode "one"), `contains any P` ("any"), `contains all P` ("all")."""

    subject: Spanned = child()
    item: Spanned = child()
    mode: str = "one"
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Mentions:
    """`t mentions "phrase"` (mode "one"), `mentions any P` ("any"), `mentions all P` ("all"):
    phrases found as words of the text (see text/words.py)."""

    subject: Spanned = child()
    item: Spanned = child()
    mode: str = "one"
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Matches:
    subject: Spanned = child()
    pattern: StringLit = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class Between:
    value: Spanned = child()
    low: Spanned = child()
    high: Spanned = child()
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


@node
class IsMissing:
    """`x is missing`, or `x is present` when `present` is true."""

    value: Spanned = child()
    present: bool = False
    span: Span = _span()
    type: "Type | None" = _resolved()  # the checker's type of this expression


# ---- declarations ------------------------------------------------------------------


@node
class Ident:
    """A name in a declaration (a rule's name, an outcome in `then`...), with its span."""

    name: str
    span: Span = _span()


@node
class HeaderEntry:
    key: Ident
    value: Spanned  # Ident or a literal
    span: Span = _span()


@node
class PolicyHeader:
    title: StringLit
    entries: tuple[HeaderEntry, ...]
    span: Span = _span()


@node
class ExtendsDecl:
    path: StringLit
    span: Span = _span()


@node
class SimpleType:
    name: Ident
    span: Span = _span()


@node
class UnitType:
    """`duration in minutes`."""

    name: Ident
    unit: Ident
    span: Span = _span()


@node
class Choice:
    """A value of `one of` and the label people see for it: `"counter" "窓口"` (label optional)."""

    value: Spanned  # a StringLit; anything else is the checker's E219
    label: StringLit | None
    span: Span = _span()


@node
class ChoiceList:
    """The `[…]` of `one of`: its choices, in order."""

    items: tuple[Choice, ...]
    span: Span = _span()


@node
class OneOfType:
    head: Ident
    choices: ChoiceList
    span: Span = _span()


@node
class ListType:
    head: Ident
    element: Spanned
    span: Span = _span()


@node
class RecordType:
    fields: tuple["FieldDecl", ...]
    span: Span = _span()


@node
class Retention:
    """`retain 3 years`: how long a sensitive value is kept (the unit is checked, not parsed)."""

    amount: NumberLit
    unit: Ident
    span: Span = _span()


@node
class FieldDecl:
    name: Ident
    label: StringLit | None
    optional: bool
    type: Spanned
    key: bool = False
    sensitive: bool = False
    span: Span = _span()
    retain: Retention | None = None


@node
class SchemaDecl:
    fields: tuple[FieldDecl, ...]
    span: Span = _span()


@node
class NamedItem:
    name: Ident
    label: StringLit | None = None
    span: Span = _span()


@node
class OutcomesDecl:
    items: tuple[NamedItem, ...]
    span: Span = _span()


@node
class SeveritiesDecl:
    items: tuple[NamedItem, ...]
    span: Span = _span()


@node
class EscalationsDecl:
    items: tuple[NamedItem, ...]
    span: Span = _span()


@node
class PhrasesDecl:
    name: Ident
    label: StringLit | None
    items: ListLit
    span: Span = _span()


@node
class PhrasesFrom:
    name: Ident
    label: StringLit | None
    path: StringLit
    span: Span = _span()


@node
class PhrasesAppend:
    name: Ident
    items: ListLit
    span: Span = _span()


@node
class DefineDecl:
    name: Ident
    label: StringLit | None
    expr: Spanned
    override: bool = False
    span: Span = _span()


@node
class WhenClause:
    expr: Spanned
    span: Span = _span()


@node
class UnlessClause:
    expr: Spanned
    span: Span = _span()


@node
class ThenClause:
    outcome: Ident
    severity: Ident | None = None
    span: Span = _span()


@node
class RespondClause:
    text: StringLit
    span: Span = _span()


@node
class EscalateClause:
    level: Ident
    span: Span = _span()


@node
class CiteClause:
    text: StringLit
    span: Span = _span()


@node
class TagsClause:
    tags: tuple[Ident, ...]
    span: Span = _span()


@node
class RuleDecl:
    name: Ident
    title: StringLit | None
    clauses: tuple[Spanned, ...]
    override: bool = False
    span: Span = _span()

    def first(self, kind: type[_T]) -> _T | None:
        for c in self.clauses:
            if isinstance(c, kind):
                return c
        return None

    def all(self, kind: type[_T]) -> tuple[_T, ...]:
        return tuple(c for c in self.clauses if isinstance(c, kind))


@node
class DropRule:
    name: Ident
    span: Span = _span()


@node
class ExpectClause:
    outcome: Ident
    severity: Ident | None = None
    rule: Ident | None = None
    escalate: Ident | None = None
    span: Span = _span()


@node
class ExampleDecl:
    title: StringLit
    given: RecordLit
    expect: ExpectClause
    span: Span = _span()


@node
class PolicyFile:
    """A parsed file: its declarations in source order."""

    decls: tuple[Spanned, ...]
    file: str = attrs.field(default="", eq=False)
    span: Span = _span()

    def header(self) -> PolicyHeader | None:
        for d in self.decls:
            if isinstance(d, PolicyHeader):
                return d
        return None

    def extends(self) -> ExtendsDecl | None:
        for d in self.decls:
            if isinstance(d, ExtendsDecl):
                return d
        return None


def child_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of a node class that hold child nodes, in source order."""
    names: tuple[str, ...] = getattr(cls, "_child_names", ())
    return names


def _getter(cls: type) -> Callable[[Any], tuple[object, ...]]:
    """The fastest function giving the children of a node of `cls`, made from its child fields."""
    specs = [(f.name, f.metadata[_CHILD]) for f in attrs.fields(cls) if _CHILD in f.metadata]
    kinds = [kind for _, kind in specs]
    names = [name for name, _ in specs]
    if not specs:
        return lambda n: ()
    if kinds == ["many"]:
        return cast(Callable[[Any], tuple[object, ...]], attrgetter(names[0]))
    optional = any(f.default is None for f in attrs.fields(cls) if f.name in names)
    if kinds == ["one"] and not optional:
        one = attrgetter(names[0])
        return lambda n: (one(n),)
    if all(k == "one" for k in kinds) and not optional:  # attrgetter of several names: a tuple
        return cast(Callable[[Any], tuple[object, ...]], attrgetter(*names))

    def general(n: Any) -> tuple[object, ...]:
        out: list[object] = []
        for name, kind in specs:
            value = getattr(n, name)
            if kind == "many":
                out.extend(value)
            elif kind != "one":  # entries: each one's child
                out.extend(getattr(x, kind) for x in value)
            elif value is not None:
                out.append(value)
        return tuple(out)

    return general


_CHILDREN: dict[type, Callable[[Any], tuple[object, ...]]] = {
    cls: _getter(cls) for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, _Node) and cls is not _Node}


def _children(n: object) -> tuple[object, ...]:
    """children() for any class (subclasses of the node classes included)."""
    for cls in type(n).__mro__:
        fields = _CHILDREN.get(cls)
        if fields is not None:
            return fields(n)
    return ()


def children(n: object) -> tuple[object, ...]:
    """The direct child nodes of an expression node, in source order (one dictionary lookup for
    the commonest nodes: every pass over a large policy's conditions comes through here)."""
    fields = _CHILDREN.get(n.__class__)
    return fields(n) if fields is not None else _children(n)


def walk(n: object) -> Iterator[object]:
    """Every expression node under `n` (pre-order, iterative)."""
    stack = [n]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(children(cur)))


def ref_of(n: object) -> object:
    """What a node of the checker's resolved tree names: a `Name`'s or a record `Path`'s `ref`,
    None for any other node (and for a tree not checked)."""
    return n.ref if isinstance(n, (Name, Path)) else None
