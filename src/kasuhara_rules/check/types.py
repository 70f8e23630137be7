"""Name resolution and type checking of expressions (section 4 of the contract).

The checker walks each expression once and returns its *resolved copy*: the same tree in which
every expression node carries its `type` and every `Name` (and record `Path`) its `ref`. The
later stages read those fields; the tree the parser built is left as it was.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence, cast

import attrs

from ..i18n import N_
from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import Diagnostic, closest, did_you_mean, error, label_hint, warning
from .checked import DefineRef, ElementRef, Field, FieldRef, PhraseList, PhrasesRef
from .resolved import Frame, rebuild
from .text_types import TextOperators
from ..syntax.printer import expr as text_of
from ..syntax import vocabulary
from ..syntax.visitor import Visitor
from ..values import Type

FUNCTIONS = tuple(vocabulary.FUNCTIONS)  # the one list of functions (syntax/vocabulary.py)
_UNIT_SUFFIX = vt.UNIT_SUFFIX


@attrs.frozen
class Owner:
    """Where a name is used: in a rule's conditions or in a define's body (W101/W102)."""

    kind: str  # "rule" or "define"
    name: str

    @staticmethod
    def rule(name: str) -> "Owner":
        return Owner("rule", name)

    @staticmethod
    def define(name: str) -> "Owner":
        return Owner("define", name)


class TypeChecker(TextOperators, Visitor):
    """Infers the type of every expression node, resolving names; collects diagnostics."""

    def __init__(
        self,
        fields: Mapping[str, Field],
        defines: Mapping[str, n.DefineDecl],
        phrases: Mapping[str, PhraseList],
        other_names: Callable[[str], str | None],
        diags: list[Diagnostic],
    ) -> None:
        self.fields = fields
        self.define_decls = defines
        self.phrases = phrases
        self.other_names = other_names
        self.diags = diags
        self.labels: list[tuple[str, str | None, str]] = []  # (name, label, kind) of every declaration, for hints
        self.define_types: dict[str, Type] = {}
        self.define_exprs: dict[str, object] = {}  # define name → its resolved body
        self._frames: list[Frame] = []
        self._visiting: list[str] = []
        self._cycle_reported: set[str] = set()
        self.used_defines: dict[str, set[Owner]] = {}
        self.used_phrases: dict[str, set[Owner]] = {}
        self._owner: Owner | None = None

    # -- entry points -------------------------------------------------------------------

    def check_condition(self, node: object, what: str, owner: Owner) -> object:
        """Type a `when`/`unless` condition; return its resolved copy."""
        resolved = self.infer_owned(node, owner)
        t = cast(Type, getattr(resolved, "type"))
        if not t.is_error and t.kind != vt.BOOL:
            self.diags.append(error("E404", N_("{what} must be true or false, but `{text}` is {noun}", what=what, text=text_of(node), noun=t.noun()), cast(n.Spanned, node).span, _bool_hint(node, t)))
        return resolved

    def infer_owned(self, node: object, owner: Owner) -> object:
        """The resolved copy of a top-level expression (a condition or a define body)."""
        saved, saved_frames = self._owner, self._frames
        self._owner, self._frames = owner, [Frame()]
        try:
            self.infer(node, ())
            return self._frames[0].done[0][1]
        finally:
            self._owner, self._frames = saved, saved_frames

    def define_type(self, name: str) -> Type:
        if name in self.define_types:
            return self.define_types[name]
        decl = self.define_decls[name]
        if name in self._visiting:
            cycle = self._visiting[self._visiting.index(name):] + [name]
            if name not in self._cycle_reported:
                self._cycle_reported.update(cycle)
                self.diags.append(error("E307", N_("define `{name}` refers to itself: {join}", name=name, join=' → '.join(cycle)),
                                        decl.name.span, N_("a define may use other defines, but never in a cycle")))
            return vt.T_ERROR
        self._visiting.append(name)
        try:
            resolved = self.infer_owned(decl.expr, Owner.define(name))
        finally:
            self._visiting.pop()
        self.define_exprs[name] = resolved
        t = self.define_types[name] = cast(Type, getattr(resolved, "type"))
        return t

    # -- the walk ---------------------------------------------------------------------

    def infer(self, node: object, scope: tuple[Type, ...]) -> Type:
        """Type `node` (a `visit_<Node>` method); its resolved copy goes to the enclosing frame."""
        frame = Frame()
        self._frames.append(frame)
        try:
            t: Type = self.visit(node, scope)
        finally:
            self._frames.pop()
        changes: dict[str, object] = {"type": t}
        if frame.ref is not None:
            changes["ref"] = frame.ref
        self._frames[-1].done.append((node, rebuild(node, frame, changes)))
        return t

    def _resolve_to(self, ref: object) -> None:
        self._frames[-1].ref = ref

    def _typed(self, child: object) -> object:
        """The resolved copy of a child of the node being typed (typed already)."""
        return self._frames[-1].resolved(child)

    def visit_BoolLit(self, node: n.BoolLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_BOOL

    def visit_NumberLit(self, node: n.NumberLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_INT if isinstance(node.value, int) else vt.T_NUMBER

    def visit_StringLit(self, node: n.StringLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_TEXT

    def visit_DurationLit(self, node: n.DurationLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_DURATION

    def visit_DateLit(self, node: n.DateLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_DATE

    def visit_DateTimeLit(self, node: n.DateTimeLit, scope: tuple[Type, ...]) -> Type:
        return vt.T_DATETIME

    def visit_RecordLit(self, node: n.RecordLit, scope: tuple[Type, ...]) -> Type:
        for e in node.entries:
            self.infer(e.value, scope)
        self.diags.append(error("E409", N_("a record cannot be used in a condition"), node.span))
        return vt.T_ERROR

    def visit_ListLit(self, node: n.ListLit, scope: tuple[Type, ...]) -> Type:
        elem: Type | None = None
        for item in node.items:
            t = self.infer(item, scope)
            if isinstance(item, (n.ListLit, n.RecordLit)):
                self.diags.append(error("E409", N_("a list in a condition holds only plain values"), item.span))
                return vt.T_ERROR
            if t.is_error:
                continue
            if elem is None:
                elem = t
            elif not vt.comparable(elem, t):
                self.diags.append(error("E409", N_("this list mixes {noun} and {noun2}", noun=elem.noun(), noun2=t.noun()), item.span,
                                        N_("all entries of a list have one type")))
                return vt.T_ERROR
            elif elem.kind == vt.INT and t.kind == vt.NUMBER:
                elem = t
        return vt.list_of(elem or vt.T_ERROR)

    def visit_Name(self, node: n.Name, scope: tuple[Type, ...]) -> Type:
        name = node.id
        for depth in range(len(scope) - 1, -1, -1):
            f: Field | None = scope[depth].field(name)
            if f is not None:
                self._resolve_to(ElementRef(f, depth))
                if name in self.fields or name in self.define_decls or name in self.phrases:
                    self.diags.append(warning(
                        "W104", N_("`{name}` here is the field of the list element, not the top-level `{name}`", name=name),
                        node.span, N_("rename one of them if you meant the top-level value")))
                return f.type
        if name in self.fields:
            f = self.fields[name]
            self._resolve_to(FieldRef(f))
            return f.type
        if name in self.define_decls:
            self._resolve_to(DefineRef(name))
            self._use(self.used_defines, name)
            return self.define_type(name)
        if name in self.phrases:
            self._resolve_to(PhrasesRef(name))
            self._use(self.used_phrases, name)
            return vt.T_PHRASES
        candidates = set(self.fields) | set(self.define_decls) | set(self.phrases)
        for s in scope:
            candidates.update(f.name for f in s.fields)
        hint = label_hint(name, self.labels, ("field", "define", "phrases")) or did_you_mean(name, candidates)
        if hint is None:
            hint = label_hint(name, self.labels)
        if hint is None:
            kind = self.other_names(name)
            if kind:
                hint = N_("`{name}` is {kind}, which cannot be used in a condition", name=name, kind=kind)
        self.diags.append(error("E301", N_("unknown name `{name}`", name=name), node.span, hint))
        return vt.T_ERROR

    def _use(self, table: dict[str, set[Owner]], name: str) -> None:
        assert self._owner is not None  # every walk starts at infer_owned
        table.setdefault(name, set()).add(self._owner)

    def visit_Path(self, node: n.Path, scope: tuple[Type, ...]) -> Type:
        base = self.infer(node.base, scope)
        if base.is_error:
            return vt.T_ERROR
        record = base
        projected = False
        if base.kind == vt.LIST and base.elem().kind == vt.RECORD:
            record, projected = base.elem(), True
        if record.kind != vt.RECORD:
            self.diags.append(error("E405", N_("`.{attr}` needs a record, but `{text}` is {noun}", attr=node.attr, text=text_of(node.base), noun=base.noun()), node.span))
            return vt.T_ERROR
        f = record.field(node.attr)
        if f is None:
            self.diags.append(error("E309", N_("`{text}` has no field `{attr}`", text=text_of(node.base), attr=node.attr), node.span,
                                    did_you_mean(node.attr, [g.name for g in record.fields])))
            return vt.T_ERROR
        self._resolve_to(f)
        return vt.list_of(f.type) if projected else f.type

    def visit_Call(self, node: n.Call, scope: tuple[Type, ...]) -> Type:
        func = node.func
        if func not in FUNCTIONS:
            self.infer(node.arg, scope)
            self.diags.append(error("E308", N_("unknown function `{func}`", func=func), node.span,
                                    did_you_mean(func, FUNCTIONS) or N_("the functions are {names}", names=", ".join(FUNCTIONS))))
            return vt.T_ERROR
        arg = self.infer(node.arg, scope)
        if node.where is not None:
            if func not in vocabulary.FILTERING:
                self.infer(node.where, scope)
                self.diags.append(error("E407", N_("`{func}` does not take `where`", func=func), node.where.span,
                                        N_("only count, any and all filter with `where`")))
                return vt.T_ERROR
            if not arg.is_error:
                if arg.kind != vt.LIST or arg.elem().kind != vt.RECORD:
                    self.diags.append(error("E407", N_("`where` needs a list of records, but `{text}` is {noun}", text=text_of(node.arg), noun=arg.noun()), node.arg.span,
                                            N_("for a list of texts use `contains` or `contains any`")))
                    self.infer(node.where, scope)
                    return vt.T_ERROR
                cond = self.infer(node.where, scope + (arg.elem(),))
                if not cond.is_error and cond.kind != vt.BOOL:
                    self.diags.append(error("E404", N_("the `where` condition must be true or false, but is {noun}", noun=cond.noun()), node.where.span))
            else:
                self.infer(node.where, scope)
        if arg.is_error:
            return vt.T_ERROR
        if func == "len":
            if arg.is_textual:
                return vt.T_INT
            hint = N_("use count(...) for the length of a list") if arg.is_list else None
            self.diags.append(error("E407", N_("`len` needs a text, but `{text}` is {noun}", text=text_of(node.arg), noun=arg.noun()),
                                    node.arg.span, hint))
            return vt.T_ERROR
        if arg.kind != vt.LIST:
            self.diags.append(error("E407", N_("`{func}` needs a list, but `{text}` is {noun}", func=func, text=text_of(node.arg), noun=arg.noun()),
                                    node.arg.span))
            return vt.T_ERROR
        elem = arg.elem()
        if func == "count":
            return vt.T_INT
        if func in ("any", "all"):
            return vt.T_BOOL
        if func == "sum":
            if elem.is_numeric or elem.kind == vt.DURATION or elem.is_error:
                return elem if elem.kind != vt.DURATION else vt.T_DURATION
            self.diags.append(error("E407", N_("`sum` needs a list of numbers or durations, not {noun}", noun=arg.noun()),
                                    node.arg.span))
            return vt.T_ERROR
        if elem.is_orderable or elem.is_error:
            return elem
        self.diags.append(error("E407", N_("`{func}` needs a list of numbers, durations or dates, not {noun}", func=func, noun=arg.noun()), node.arg.span))
        return vt.T_ERROR

    def visit_Negate(self, node: n.Negate, scope: tuple[Type, ...]) -> Type:
        t = self.infer(node.operand, scope)
        if t.is_error or t.is_numeric or t.kind == vt.DURATION:
            return vt.T_DURATION if t.kind == vt.DURATION else t
        self.diags.append(error("E408", N_("`-` needs a number or a duration, not {noun}", noun=t.noun()), node.span))
        return vt.T_ERROR

    def visit_Binary(self, node: n.Binary, scope: tuple[Type, ...]) -> Type:
        a = self.infer(node.left, scope)
        b = self.infer(node.right, scope)
        if a.is_error or b.is_error:
            return vt.T_ERROR
        op = node.op
        result = _arithmetic(op, a, b)
        if result is not None:
            return result
        if {a.kind, b.kind} & {vt.DURATION} and (a.is_numeric or b.is_numeric) and op in "+-":
            self._duration_number(node, a, b, node.left, node.right)
            return vt.T_ERROR
        self.diags.append(error("E408", N_("`{op}` cannot combine {noun} and {noun2}", op=op, noun=a.noun(), noun2=b.noun()), node.span,
                                _arith_hint(op, a, b)))
        return vt.T_ERROR

    def _logic(self, node: n.Spanned, operands: Sequence[n.Spanned], scope: tuple[Type, ...], word: str) -> Type:
        for o in operands:
            t = self.infer(o, scope)
            if not t.is_error and t.kind != vt.BOOL:
                self.diags.append(error("E404", N_("`{word}` needs conditions, but `{text}` is {noun}", word=word, text=text_of(o), noun=t.noun()),
                                        o.span, _bool_hint(o, t)))
        return vt.T_BOOL

    def visit_And(self, node: n.And, scope: tuple[Type, ...]) -> Type:
        return self._logic(node, node.operands, scope, "and")

    def visit_Or(self, node: n.Or, scope: tuple[Type, ...]) -> Type:
        return self._logic(node, node.operands, scope, "or")

    def visit_Not(self, node: n.Not, scope: tuple[Type, ...]) -> Type:
        return self._logic(node, (node.operand,), scope, "not")

    def visit_Compare(self, node: n.Compare, scope: tuple[Type, ...]) -> Type:
        a = self.infer(node.left, scope)
        b = self.infer(node.right, scope)
        if a.is_error or b.is_error:
            return vt.T_BOOL
        if (a.kind == vt.DURATION and b.is_numeric) or (b.kind == vt.DURATION and a.is_numeric):
            self._duration_number(node, a, b, node.left, node.right)
            return vt.T_BOOL
        if node.op in ("==", "!="):
            self._enum_literal(a, node.right, node.left)
            self._enum_literal(b, node.left, node.right)
            if not vt.comparable(a, b):
                self._mismatch(node, a, b)
            return vt.T_BOOL
        if a.kind in (vt.TEXT, vt.ENUM, vt.BOOL) or b.kind in (vt.TEXT, vt.ENUM, vt.BOOL):
            bad = a if a.kind in (vt.TEXT, vt.ENUM, vt.BOOL) else b
            self.diags.append(error("E405", N_("`{op}` cannot order {describe} values", op=node.op, describe=bad.describe()), node.span,
                                    N_("only numbers, durations, dates and date-times have an order; use == or != here")))
            return vt.T_BOOL
        if not vt.same_order(a, b):
            self._mismatch(node, a, b)
        return vt.T_BOOL

    def _mismatch(self, node: n.Compare, a: Type, b: Type) -> None:
        left, right = text_of(node.left), text_of(node.right)
        hint = None
        if {a.kind, b.kind} == {vt.BOOL, vt.TEXT} or (a.kind == vt.BOOL and b.kind == vt.ENUM) or (
                b.kind == vt.BOOL and a.kind == vt.ENUM):
            message = N_("`{left}` is {noun} but `{right}` is {noun2}: a true/false value never equals a text", left=left, noun=a.noun(), right=right, noun2=b.noun())
            lit = node.right if b.is_textual else node.left
            if isinstance(lit, n.StringLit) and lit.value.lower() in ("true", "false"):
                hint = N_("write {lower} without quotes", lower=lit.value.lower())
            else:
                hint = N_("compare with true or false, or use the field alone as a condition")
        else:
            message = N_("`{left}` is {noun} but `{right}` is {noun2}", left=left, noun=a.noun(), right=right, noun2=b.noun())
            if {a.kind, b.kind} == {vt.DATE, vt.DATETIME}:
                hint = N_("compare a date-time with a date-time, e.g. 2026-04-01T00:00:00+09:00")
            elif a.is_list or b.is_list:
                hint = N_("to test membership use `in` or `contains`")
        self.diags.append(error("E401", message, node.span, hint))

    def _duration_number(self, node: n.Spanned, a: Type, b: Type, left: object, right: object) -> None:
        dur_side, num_node = (a, right) if a.kind == vt.DURATION else (b, left)
        suffix = _UNIT_SUFFIX.get(dur_side.unit, "s")
        hint = N_("durations are a number glued to a unit: 45s, 30min, 1.5h, 7d")
        if isinstance(num_node, n.NumberLit):
            hint = N_("write `{value}{suffix}`", value=num_node.text or num_node.value, suffix=suffix)
        dur_node = left if num_node is right else right
        self.diags.append(error("E402", N_("`{text}` is a duration but `{text2}` is a bare number", text=text_of(dur_node), text2=text_of(num_node)), node.span, hint))

    def _enum_literal(self, t: Type, lit: object, subject: object) -> None:
        if t.kind == vt.ENUM and isinstance(lit, n.StringLit) and lit.value not in t.values:
            self._bad_enum_value(t, lit, subject)

    def _bad_enum_value(self, t: Type, lit: n.StringLit, subject: object) -> None:
        labelled = next((v for v, lab in zip(t.values, t.labels) if lab == lit.value), None)
        guess = labelled or closest(lit.value, t.values)
        hint = N_("did you mean \"{guess}\"?", guess=guess) if guess else N_("the values are {values}", values=", ".join(f'"{v}"' for v in t.values))
        if labelled is not None:  # conditions name values; labels are what people see
            hint = N_("\"{label}\" is the label of \"{value}\": conditions use the value; did you mean \"{value}\"?",
                      label=lit.value, value=labelled)
        self.diags.append(error("E403", N_("\"{value}\" is not one of the values of `{text}`", value=lit.value, text=text_of(subject)),
                                lit.span, hint))

    def visit_In(self, node: n.In, scope: tuple[Type, ...]) -> Type:
        a = self.infer(node.value, scope)
        c = self.infer(node.container, scope)
        if a.is_error or c.is_error:
            return vt.T_BOOL
        word = "not in" if node.negated else "in"
        if not c.is_list:
            self.diags.append(error("E405", N_("`{word}` needs a list or a phrase list on its right, but `{text}` is {noun}", word=word, text=text_of(node.container), noun=c.noun()), node.container.span,
                                    N_("to look for a word inside a text, use `contains`") if c.is_textual else None))
            return vt.T_BOOL
        elem = c.elem()
        if a.kind == vt.ENUM and isinstance(node.container, n.ListLit):
            for item in node.container.items:
                if isinstance(item, n.StringLit) and item.value not in a.values:
                    self._bad_enum_value(a, item, node.value)
            return vt.T_BOOL
        if not elem.is_error and not vt.comparable(a, elem):
            self.diags.append(error("E401", N_("`{text}` is {noun} but `{text2}` holds {noun2}", text=text_of(node.value), noun=a.noun(), text2=text_of(node.container), noun2=elem.noun()), node.span))
        elif not a.is_scalar:
            self.diags.append(error("E405", N_("`{word}` tests a single value, but `{text}` is {noun}", word=word, text=text_of(node.value), noun=a.noun()), node.value.span, N_("to compare lists use `contains any`")))
        return vt.T_BOOL

    def visit_Between(self, node: n.Between, scope: tuple[Type, ...]) -> Type:
        v = self.infer(node.value, scope)
        lo = self.infer(node.low, scope)
        hi = self.infer(node.high, scope)
        for bound, t, other in ((node.low, lo, node.value), (node.high, hi, node.value)):
            if v.is_error or t.is_error:
                continue
            if (v.kind == vt.DURATION and t.is_numeric) or (t.kind == vt.DURATION and v.is_numeric):
                self._duration_number(node, v, t, other, bound)
            elif not v.is_orderable:
                self.diags.append(error("E405", N_("`between` needs numbers, durations or dates, but `{text}` is {noun}", text=text_of(node.value), noun=v.noun()), node.value.span))
                break
            elif not vt.same_order(v, t):
                self.diags.append(error("E401", N_("`{text}` is {noun} but `{text2}` is {noun2}", text=text_of(node.value), noun=v.noun(), text2=text_of(bound), noun2=t.noun()), bound.span))
        return vt.T_BOOL

    def visit_IsMissing(self, node: n.IsMissing, scope: tuple[Type, ...]) -> Type:
        self.infer(node.value, scope)
        return vt.T_BOOL


def _arithmetic(op: str, a: Type, b: Type) -> Type | None:
    """The result type of `a op b`, or None when the combination is an error."""
    if a.is_numeric and b.is_numeric:
        if op == "/":
            return vt.T_NUMBER
        return vt.T_INT if a.kind == b.kind == vt.INT else vt.T_NUMBER
    kinds = (a.kind, b.kind)
    if op in "+-":
        if kinds == (vt.DURATION, vt.DURATION):
            return vt.T_DURATION
        if kinds in ((vt.DATETIME, vt.DURATION), (vt.DATE, vt.DURATION)):
            return Type(a.kind)
        if op == "+" and kinds in ((vt.DURATION, vt.DATETIME), (vt.DURATION, vt.DATE)):
            return Type(b.kind)
        if op == "-" and kinds in ((vt.DATETIME, vt.DATETIME), (vt.DATE, vt.DATE)):
            return vt.T_DURATION
        return None
    if op == "*":
        if a.kind == vt.DURATION and b.is_numeric or b.kind == vt.DURATION and a.is_numeric:
            return vt.T_DURATION
        return None
    if op == "/":
        if a.kind == vt.DURATION and b.is_numeric:
            return vt.T_DURATION
        if kinds == (vt.DURATION, vt.DURATION):
            return vt.T_NUMBER
    return None


def _arith_hint(op: str, a: Type, b: Type) -> str | None:
    if vt.DATE in (a.kind, b.kind) and vt.DATETIME in (a.kind, b.kind):
        return N_("dates and date-times do not mix; use date-times on both sides")
    if a.is_textual or b.is_textual:
        return N_("texts cannot be added or multiplied")
    return None


def _bool_hint(node: object, t: Type) -> str | None:
    if t.kind == vt.PHRASES:
        return N_("use the phrase list with `contains any` or `in`, e.g. remarks contains any {name}", name=text_of(node))
    if t.is_numeric or t.kind == vt.DURATION:
        return N_("compare it with something, e.g. `{text} >= …`", text=text_of(node))
    if t.is_textual:
        return N_("compare it with a value, e.g. `{text} == \"…\"`, or test it with `contains`", text=text_of(node))
    if t.kind == vt.LIST:
        return N_("test it with count(...), any(...) or contains")
    return None

