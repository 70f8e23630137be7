"""Name resolution and type checking of expressions (section 4 of the contract)."""
from __future__ import annotations

import unicodedata
from typing import Callable, Mapping

from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import Diagnostic, closest, did_you_mean, error, label_hint, warning
from .checked import Define, DefineRef, ElementRef, Field, FieldRef, PhraseList, PhrasesRef
from .regex import pattern_problem
from ..syntax.printer import expr as text_of
from ..values import Type

FUNCTIONS = ("count", "any", "all", "sum", "min", "max", "len")
_UNIT_SUFFIX = vt.UNIT_SUFFIX


class TypeChecker:
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
        self.labels: list = []  # (name, label, kind) of every declaration, for hints
        self.types: dict[int, Type] = {}
        self.refs: dict[int, object] = {}
        self.define_types: dict[str, Type] = {}
        self._visiting: list[str] = []
        self._cycle_reported: set[str] = set()
        self.used_defines: dict[str, set[str]] = {}
        self.used_phrases: dict[str, set[str]] = {}
        self._owner: str | None = None

    # -- entry points -------------------------------------------------------------------

    def check_condition(self, node: object, what: str, owner: str) -> Type:
        """Type a `when`/`unless`/define body that must be a condition."""
        t = self.infer_owned(node, owner)
        if not t.is_error and t.kind != vt.BOOL:
            self.diags.append(error("E404", f"{what} must be true or false, but `{text_of(node)}` is "
                                    f"{t.noun()}", node.span, _bool_hint(node, t)))
        return t

    def infer_owned(self, node: object, owner: str) -> Type:
        saved = self._owner
        self._owner = owner
        try:
            return self.infer(node, ())
        finally:
            self._owner = saved

    def define_type(self, name: str) -> Type:
        if name in self.define_types:
            return self.define_types[name]
        decl = self.define_decls[name]
        if name in self._visiting:
            cycle = self._visiting[self._visiting.index(name):] + [name]
            if name not in self._cycle_reported:
                self._cycle_reported.update(cycle)
                self.diags.append(error("E307", f"define `{name}` refers to itself: {' → '.join(cycle)}",
                                        decl.name.span, "a define may use other defines, but never in a cycle"))
            return vt.T_ERROR
        self._visiting.append(name)
        try:
            t = self.infer_owned(decl.expr, "define:" + name)
        finally:
            self._visiting.pop()
        self.define_types[name] = t
        return t

    # -- the walk ---------------------------------------------------------------------

    def infer(self, node: object, scope: tuple[Type, ...]) -> Type:
        method = getattr(self, "t_" + type(node).__name__)
        t = method(node, scope)
        self.types[id(node)] = t
        return t

    def t_BoolLit(self, node: n.BoolLit, scope) -> Type:
        return vt.T_BOOL

    def t_NumberLit(self, node: n.NumberLit, scope) -> Type:
        return vt.T_INT if isinstance(node.value, int) else vt.T_NUMBER

    def t_StringLit(self, node: n.StringLit, scope) -> Type:
        return vt.T_TEXT

    def t_DurationLit(self, node: n.DurationLit, scope) -> Type:
        return vt.T_DURATION

    def t_DateLit(self, node: n.DateLit, scope) -> Type:
        return vt.T_DATE

    def t_DateTimeLit(self, node: n.DateTimeLit, scope) -> Type:
        return vt.T_DATETIME

    def t_RecordLit(self, node: n.RecordLit, scope) -> Type:
        for e in node.entries:
            self.infer(e.value, scope)
        self.diags.append(error("E409", "a record cannot be used in a condition", node.span))
        return vt.T_ERROR

    def t_ListLit(self, node: n.ListLit, scope) -> Type:
        elem: Type | None = None
        for item in node.items:
            t = self.infer(item, scope)
            if isinstance(item, (n.ListLit, n.RecordLit)):
                self.diags.append(error("E409", "a list in a condition holds only plain values", item.span))
                return vt.T_ERROR
            if t.is_error:
                continue
            if elem is None:
                elem = t
            elif not vt.comparable(elem, t):
                self.diags.append(error("E409", f"this list mixes {elem.noun()} and {t.noun()}", item.span,
                                        "all entries of a list have one type"))
                return vt.T_ERROR
            elif elem.kind == vt.INT and t.kind == vt.NUMBER:
                elem = t
        return vt.list_of(elem or vt.T_ERROR)

    def t_Name(self, node: n.Name, scope) -> Type:
        name = node.id
        for depth in range(len(scope) - 1, -1, -1):
            f = scope[depth].field(name)
            if f is not None:
                self.refs[id(node)] = ElementRef(f, depth)
                if name in self.fields or name in self.define_decls or name in self.phrases:
                    self.diags.append(warning(
                        "W104", f"`{name}` here is the field of the list element, not the top-level `{name}`",
                        node.span, "rename one of them if you meant the top-level value"))
                return f.type
        if name in self.fields:
            f = self.fields[name]
            self.refs[id(node)] = FieldRef(f)
            return f.type
        if name in self.define_decls:
            self.refs[id(node)] = DefineRef(name)
            self._use(self.used_defines, name)
            return self.define_type(name)
        if name in self.phrases:
            self.refs[id(node)] = PhrasesRef(name)
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
                hint = f"`{name}` is {kind}, which cannot be used in a condition"
        self.diags.append(error("E301", f"unknown name `{name}`", node.span, hint))
        return vt.T_ERROR

    def _use(self, table: dict[str, set[str]], name: str) -> None:
        table.setdefault(name, set()).add(self._owner or "")

    def t_Path(self, node: n.Path, scope) -> Type:
        base = self.infer(node.base, scope)
        if base.is_error:
            return vt.T_ERROR
        record = base
        projected = False
        if base.kind == vt.LIST and base.elem().kind == vt.RECORD:
            record, projected = base.elem(), True
        if record.kind != vt.RECORD:
            self.diags.append(error("E405", f"`.{node.attr}` needs a record, but `{text_of(node.base)}` is "
                                    f"{base.noun()}", node.span))
            return vt.T_ERROR
        f = record.field(node.attr)
        if f is None:
            self.diags.append(error("E309", f"`{text_of(node.base)}` has no field `{node.attr}`", node.span,
                                    did_you_mean(node.attr, [g.name for g in record.fields])))
            return vt.T_ERROR
        self.refs[id(node)] = f
        return vt.list_of(f.type) if projected else f.type

    def t_Call(self, node: n.Call, scope) -> Type:
        func = node.func
        if func not in FUNCTIONS:
            self.infer(node.arg, scope)
            self.diags.append(error("E308", f"unknown function `{func}`", node.span,
                                    did_you_mean(func, FUNCTIONS) or "the functions are " + ", ".join(FUNCTIONS)))
            return vt.T_ERROR
        arg = self.infer(node.arg, scope)
        if node.where is not None:
            if func not in ("count", "any", "all"):
                self.infer(node.where, scope)
                self.diags.append(error("E407", f"`{func}` does not take `where`", node.where.span,
                                        "only count, any and all filter with `where`"))
                return vt.T_ERROR
            if not arg.is_error:
                if arg.kind != vt.LIST or arg.elem().kind != vt.RECORD:
                    self.diags.append(error("E407", f"`where` needs a list of records, but `{text_of(node.arg)}` "
                                            f"is {arg.noun()}", node.arg.span,
                                            "for a list of texts use `contains` or `contains any`"))
                    self.infer(node.where, scope)
                    return vt.T_ERROR
                cond = self.infer(node.where, scope + (arg.elem(),))
                if not cond.is_error and cond.kind != vt.BOOL:
                    self.diags.append(error("E404", f"the `where` condition must be true or false, but is "
                                            f"{cond.noun()}", node.where.span))
            else:
                self.infer(node.where, scope)
        if arg.is_error:
            return vt.T_ERROR
        if func == "len":
            if arg.is_textual:
                return vt.T_INT
            hint = "use count(...) for the length of a list" if arg.is_list else None
            self.diags.append(error("E407", f"`len` needs a text, but `{text_of(node.arg)}` is {arg.noun()}",
                                    node.arg.span, hint))
            return vt.T_ERROR
        if arg.kind != vt.LIST:
            self.diags.append(error("E407", f"`{func}` needs a list, but `{text_of(node.arg)}` is {arg.noun()}",
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
            self.diags.append(error("E407", f"`sum` needs a list of numbers or durations, not {arg.noun()}",
                                    node.arg.span))
            return vt.T_ERROR
        if elem.is_orderable or elem.is_error:
            return elem
        self.diags.append(error("E407", f"`{func}` needs a list of numbers, durations or dates, not "
                                f"{arg.noun()}", node.arg.span))
        return vt.T_ERROR

    def t_Negate(self, node: n.Negate, scope) -> Type:
        t = self.infer(node.operand, scope)
        if t.is_error or t.is_numeric or t.kind == vt.DURATION:
            return vt.T_DURATION if t.kind == vt.DURATION else t
        self.diags.append(error("E408", f"`-` needs a number or a duration, not {t.noun()}", node.span))
        return vt.T_ERROR

    def t_Binary(self, node: n.Binary, scope) -> Type:
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
        self.diags.append(error("E408", f"`{op}` cannot combine {a.noun()} and {b.noun()}", node.span,
                                _arith_hint(op, a, b)))
        return vt.T_ERROR

    def _logic(self, node: object, operands, scope, word: str) -> Type:
        for o in operands:
            t = self.infer(o, scope)
            if not t.is_error and t.kind != vt.BOOL:
                self.diags.append(error("E404", f"`{word}` needs conditions, but `{text_of(o)}` is {t.noun()}",
                                        o.span, _bool_hint(o, t)))
        return vt.T_BOOL

    def t_And(self, node: n.And, scope) -> Type:
        return self._logic(node, node.operands, scope, "and")

    def t_Or(self, node: n.Or, scope) -> Type:
        return self._logic(node, node.operands, scope, "or")

    def t_Not(self, node: n.Not, scope) -> Type:
        return self._logic(node, (node.operand,), scope, "not")

    def t_Compare(self, node: n.Compare, scope) -> Type:
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
            self.diags.append(error("E405", f"`{node.op}` cannot order {bad.describe()} values", node.span,
                                    "only numbers, durations, dates and date-times have an order; "
                                    "use == or != here"))
            return vt.T_BOOL
        if not vt.same_order(a, b):
            self._mismatch(node, a, b)
        return vt.T_BOOL

    def _mismatch(self, node: n.Compare, a: Type, b: Type) -> None:
        left, right = text_of(node.left), text_of(node.right)
        hint = None
        if {a.kind, b.kind} == {vt.BOOL, vt.TEXT} or (a.kind == vt.BOOL and b.kind == vt.ENUM) or (
                b.kind == vt.BOOL and a.kind == vt.ENUM):
            message = f"`{left}` is {a.noun()} but `{right}` is {b.noun()}: a true/false value never equals a text"
            lit = node.right if b.is_textual else node.left
            if isinstance(lit, n.StringLit) and lit.value.lower() in ("true", "false"):
                hint = f"write {lit.value.lower()} without quotes"
            else:
                hint = "compare with true or false, or use the field alone as a condition"
        else:
            message = f"`{left}` is {a.noun()} but `{right}` is {b.noun()}"
            if {a.kind, b.kind} == {vt.DATE, vt.DATETIME}:
                hint = "compare a date-time with a date-time, e.g. 2026-04-01T00:00:00+09:00"
            elif a.is_list or b.is_list:
                hint = "to test membership use `in` or `contains`"
        self.diags.append(error("E401", message, node.span, hint))

    def _duration_number(self, node: object, a: Type, b: Type, left: object, right: object) -> None:
        dur_side, num_node = (a, right) if a.kind == vt.DURATION else (b, left)
        suffix = _UNIT_SUFFIX.get(dur_side.unit, "s")
        hint = "durations are a number glued to a unit: 45s, 30min, 1.5h, 7d"
        if isinstance(num_node, n.NumberLit):
            hint = f"write `{num_node.text or num_node.value}{suffix}`"
        dur_node = left if num_node is right else right
        self.diags.append(error("E402", f"`{text_of(dur_node)}` is a duration but `{text_of(num_node)}` is a bare "
                                f"number", node.span, hint))

    def _enum_literal(self, t: Type, lit: object, subject: object) -> None:
        if t.kind == vt.ENUM and isinstance(lit, n.StringLit) and lit.value not in t.values:
            self._bad_enum_value(t, lit, subject)

    def _bad_enum_value(self, t: Type, lit: n.StringLit, subject: object) -> None:
        guess = closest(lit.value, t.values)
        hint = f'did you mean "{guess}"?' if guess else "the values are " + ", ".join(f'"{v}"' for v in t.values)
        self.diags.append(error("E403", f'"{lit.value}" is not one of the values of `{text_of(subject)}`',
                                lit.span, hint))

    def t_In(self, node: n.In, scope) -> Type:
        a = self.infer(node.value, scope)
        c = self.infer(node.container, scope)
        if a.is_error or c.is_error:
            return vt.T_BOOL
        word = "not in" if node.negated else "in"
        if not c.is_list:
            self.diags.append(error("E405", f"`{word}` needs a list or a phrase list on its right, but "
                                    f"`{text_of(node.container)}` is {c.noun()}", node.container.span,
                                    "to look for a word inside a text, use `contains`" if c.is_textual else None))
            return vt.T_BOOL
        elem = c.elem()
        if a.kind == vt.ENUM and isinstance(node.container, n.ListLit):
            for item in node.container.items:
                if isinstance(item, n.StringLit) and item.value not in a.values:
                    self._bad_enum_value(a, item, node.value)
            return vt.T_BOOL
        if not elem.is_error and not vt.comparable(a, elem):
            self.diags.append(error("E401", f"`{text_of(node.value)}` is {a.noun()} but `{text_of(node.container)}`"
                                    f" holds {elem.noun()}", node.span))
        elif not a.is_scalar:
            self.diags.append(error("E405", f"`{word}` tests a single value, but `{text_of(node.value)}` is "
                                    f"{a.noun()}", node.value.span, "to compare lists use `contains any`"))
        return vt.T_BOOL

    def t_Contains(self, node: n.Contains, scope) -> Type:
        s = self.infer(node.subject, scope)
        i = self.infer(node.item, scope)
        if s.is_error or i.is_error:
            return vt.T_BOOL
        word = {"one": "contains", "any": "contains any", "all": "contains all"}[node.mode]
        if node.mode == "one":
            if s.is_textual:
                if not i.is_textual:
                    hint = f"to test a list use `{word.replace('contains', 'contains any')}`" if i.is_list else None
                    self.diags.append(error("E405", f"`{text_of(node.subject)} contains` needs a text to look for, "
                                            f"but `{text_of(node.item)}` is {i.noun()}", node.item.span, hint))
                return vt.T_BOOL
            if s.kind == vt.LIST:
                if not vt.comparable(s.elem(), i) or not i.is_scalar:
                    self.diags.append(error("E401", f"`{text_of(node.subject)}` holds {s.elem().noun()} but "
                                            f"`{text_of(node.item)}` is {i.noun()}", node.span))
                return vt.T_BOOL
            self.diags.append(error("E405", f"`contains` needs a text or a list, but `{text_of(node.subject)}` is "
                                    f"{s.noun()}", node.subject.span))
            return vt.T_BOOL
        if not (s.is_textual or (s.kind == vt.LIST and s.elem().is_textual)):
            self.diags.append(error("E405", f"`{word}` needs a text or a list of texts, but `{text_of(node.subject)}` "
                                    f"is {s.noun()}", node.subject.span))
        if not (i.kind == vt.PHRASES or (i.kind == vt.LIST and i.elem().is_textual) or
                (i.kind == vt.LIST and i.elem().is_error)):
            self.diags.append(error("E405", f"`{word}` needs a phrase list or a list of texts, but "
                                    f"`{text_of(node.item)}` is {i.noun()}", node.item.span))
        return vt.T_BOOL

    def t_Matches(self, node: n.Matches, scope) -> Type:
        s = self.infer(node.subject, scope)
        self.types[id(node.pattern)] = vt.T_TEXT
        if not s.is_error and not s.is_textual:
            self.diags.append(error("E405", f"`matches` needs a text, but `{text_of(node.subject)}` is {s.noun()}",
                                    node.subject.span))
        problem = pattern_problem(node.pattern.value)
        if problem is not None:
            self.diags.append(error("E406", problem[0], node.pattern.span, problem[1]))
        elif unicodedata.normalize("NFKC", node.pattern.value) != node.pattern.value:
            self.diags.append(warning("W107", "this pattern is not in NFKC form, so parts of it can never match",
                                      node.pattern.span,
                                      "texts are NFKC-normalised before matching: write half-width letters "
                                      "and digits and full-width kana"))
        return vt.T_BOOL

    def t_Between(self, node: n.Between, scope) -> Type:
        v = self.infer(node.value, scope)
        lo = self.infer(node.low, scope)
        hi = self.infer(node.high, scope)
        for bound, t, other in ((node.low, lo, node.value), (node.high, hi, node.value)):
            if v.is_error or t.is_error:
                continue
            if (v.kind == vt.DURATION and t.is_numeric) or (t.kind == vt.DURATION and v.is_numeric):
                self._duration_number(node, v, t, other, bound)
            elif not v.is_orderable:
                self.diags.append(error("E405", f"`between` needs numbers, durations or dates, but "
                                        f"`{text_of(node.value)}` is {v.noun()}", node.value.span))
                break
            elif not vt.same_order(v, t):
                self.diags.append(error("E401", f"`{text_of(node.value)}` is {v.noun()} but `{text_of(bound)}` is "
                                        f"{t.noun()}", bound.span))
        return vt.T_BOOL

    def t_IsMissing(self, node: n.IsMissing, scope) -> Type:
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
        return "dates and date-times do not mix; use date-times on both sides"
    if a.is_textual or b.is_textual:
        return "texts cannot be added or multiplied"
    return None


def _bool_hint(node: object, t: Type) -> str | None:
    if t.kind == vt.PHRASES:
        return "use the phrase list with `contains any` or `in`, e.g. remarks contains any " + text_of(node)
    if t.is_numeric or t.kind == vt.DURATION:
        return "compare it with something, e.g. `" + text_of(node) + " >= …`"
    if t.is_textual:
        return "compare it with a value, e.g. `" + text_of(node) + ' == "…"`, or test it with `contains`'
    if t.kind == vt.LIST:
        return "test it with count(...), any(...) or contains"
    return None

