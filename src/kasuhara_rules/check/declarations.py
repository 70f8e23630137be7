"""The checker's header, vocabularies (outcomes, severities, escalations) and schema."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Sequence, TypeVar, cast

from ..i18n import N_
from ..syntax import nodes as n
from .. import values as vt
from ..diagnostics import did_you_mean, fold_label
from .checked import (
    FIRST_MATCH, HIGHEST_SEVERITY, RETENTION_UNITS, REVIEW, REVIEW_LABEL, STRATEGIES, Field, Header, Item, Retention,
)
from ..source import Span

_T = TypeVar("_T")

HEADER_KEYS = ("id", "version", "effective", "timezone", "decide", "otherwise")
TYPE_SYNONYMS = {
    "string": "text", "str": "text", "integer": "int", "float": "number", "decimal": "number",
    "boolean": "bool", "time": "datetime", "timestamp": "datetime", "interval": "duration",
    "enum": "one of [...]", "array": "list of T", "object": "{ … }", "map": "{ … }",
}
UNIT_SYNONYMS = {"min": "minutes", "mins": "minutes", "minute": "minutes", "sec": "seconds", "secs": "seconds",
                 "second": "seconds", "s": "seconds", "h": "hours", "hour": "hours", "hr": "hours",
                 "d": "days", "day": "days"}
# `retain 1 year` reads as it should; the Japanese and short units get a did-you-mean through E225's hint
RETENTION_SYNONYMS = {"year": "years", "month": "months", "day": "days"}
RETENTION_HINTS = {"y": "years", "yr": "years", "yrs": "years", "年": "years", "年間": "years", "mo": "months",
                   "mon": "months", "月": "months", "か月": "months", "ヶ月": "months", "カ月": "months", "ヵ月": "months",
                   "d": "days", "日": "days", "日間": "days"}
MAX_RETENTION = {"years": 100, "months": 1200, "days": 36_525}


class Declarations:
    """Part of the checker (`checker._Checker`): the declarations other parts refer to."""

    if TYPE_CHECKING:  # provided by `checker._Checker`
        header_decl: n.PolicyHeader | None
        fallback_file: str
        timezone: str | None
        outcome_names: set[str]

        def err(self, code: str, message: str, span: Span, hint: str | None = None) -> None: ...
        def warn(self, code: str, message: str, span: Span, hint: str | None = None) -> None: ...
        def of(self, kind: type[_T]) -> list[_T]: ...

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
                         did_you_mean(key, HEADER_KEYS) or N_("the settings are {names}", names=", ".join(HEADER_KEYS)))
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
        values: dict[str, object] = {}
        for key, entry in seen.items():
            value = self.header_value(key, entry)
            if value is None:
                ok = False
            values[key] = value
        self.timezone = cast("str | None", values.get("timezone"))
        decide = values.get("decide", HIGHEST_SEVERITY)
        otherwise = values.get("otherwise")
        if isinstance(otherwise, str) and otherwise not in self.outcome_names:
            ok = False
            self.err("E302", N_("`otherwise` names the unknown outcome `{otherwise}`", otherwise=otherwise), seen["otherwise"].value.span,
                     did_you_mean(otherwise, self.outcome_names) or N_("declare it in `outcomes { … }`"))
        if not ok or decide is None:
            return None
        return Header(decl.title.value, str(values["id"]), str(values["version"]), cast("_dt.date | None", values.get("effective")),
                      str(decide), str(otherwise), self.timezone)

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
        if key == "timezone":
            return self.timezone_value(v)
        if isinstance(v, n.DateLit):
            return v.value
        self.err("E205", N_("`effective` takes a date"), v.span, N_("write the date as YYYY-MM-DD, e.g. effective 2026-04-01"))
        return None

    def timezone_value(self, v: object) -> str | None:
        """`timezone "Asia/Tokyo"`: an IANA name this machine has zone data for (E208 otherwise)."""
        from ..datetimes import closest_zone, is_zone, zone_names

        span: Span = getattr(v, "span")
        if not isinstance(v, n.StringLit):
            shown = v.name if isinstance(v, n.Ident) else getattr(v, "text", "")
            self.err("E205", N_("`timezone` takes a quoted IANA time zone name"), span,
                     N_("write timezone \"{shown}\", e.g. timezone \"Asia/Tokyo\"", shown=shown or "Asia/Tokyo"))
            return None
        if is_zone(v.value):
            return v.value
        names = zone_names()
        guess = closest_zone(v.value, names)
        if not names:
            hint = N_("this machine has no time zone data: install the tzdata package (pip install tzdata)")
        elif guess:
            hint = N_("did you mean \"{guess}\"?", guess=guess)
        else:
            hint = N_("write an IANA name such as \"Asia/Tokyo\" or \"UTC\"")
        self.err("E208", N_("unknown time zone \"{name}\"", name=v.value), span, hint)
        return None

    # -- vocabularies -------------------------------------------------------------------

    def vocabulary(self, kind: type[n.OutcomesDecl | n.SeveritiesDecl | n.EscalationsDecl], what: str,
                   builtin_review: bool = False) -> list[Item]:
        items: list[Item] = []
        seen: dict[str, Item] = {}
        decls: list[n.OutcomesDecl | n.SeveritiesDecl | n.EscalationsDecl] = self.of(kind)
        for decl in decls:
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
                             decl.key and top, decl.sensitive, len(out), prefix + name, decl.name.span,
                             self.retention(decl)))
        return out

    def retention(self, decl: n.FieldDecl) -> Retention | None:
        """`retain N years|months|days` of a sensitive field (E225 when malformed)."""
        r = decl.retain
        if r is None:
            return None
        if not decl.sensitive:
            self.err("E225", N_("`retain` says how long a sensitive value is kept, but `{name}` is not sensitive",
                                name=decl.name.name), r.span,
                     N_("write `sensitive retain …`, or remove `retain`"))
            return None
        unit = RETENTION_SYNONYMS.get(r.unit.name, r.unit.name)
        if unit not in RETENTION_UNITS:
            hint = (N_("did you mean `{value}`?", value=RETENTION_HINTS[r.unit.name]) if r.unit.name in RETENTION_HINTS
                    else did_you_mean(r.unit.name, RETENTION_UNITS) or N_("the units are years, months and days"))
            self.err("E225", N_("unknown retention unit `{unit}`", unit=r.unit.name), r.unit.span, hint)
            return None
        amount = r.amount.value
        if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_RETENTION[unit]:
            self.err("E225", N_("a retention is a whole number of {unit} from 1 to {most}", unit=unit,
                                most=MAX_RETENTION[unit]), r.amount.span,
                     N_("for example `retain 3 years` or `retain 90 days`"))
            return None
        return Retention(amount, unit)

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
                self.err("E217", N_("only `duration` takes a unit, not `{name}`", name=t.name.name), t.name.span,
                         did_you_mean(t.name.name, ("duration",)))
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
            return self.one_of(t)
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

    def one_of(self, t: n.OneOfType) -> vt.Type:
        """The values of `one of [...]` and their labels: each value a text listed once; a label
        neither empty, nor another value's label (after folding width, case and kana, as records
        are read), nor another value — else a record holding it would be ambiguous (E222)."""
        values: list[str] = []
        labels: list[str | None] = []
        for choice in t.choices.items:
            item = choice.value
            if not isinstance(item, n.StringLit):
                self.err("E219", N_("the values of `one of` are quoted texts"), item.span)
                return vt.T_ERROR
            if item.value in values:
                self.err("E219", N_("\"{value}\" is listed twice", value=item.value), item.span)
                continue
            values.append(item.value)
            labels.append(choice.label.value if choice.label is not None else None)
        if not values:
            self.err("E219", N_("`one of` needs at least one value"), t.choices.span)
            return vt.T_ERROR
        folded: dict[str, str] = {}
        for choice in t.choices.items:
            lab = choice.label
            if lab is None or not isinstance(choice.value, n.StringLit):
                continue
            value = choice.value.value
            key = fold_label(lab.value)
            if not key:
                self.err("E222", N_("the label of \"{value}\" is empty", value=value), lab.span,
                         N_("write the word people should see, or leave the label out"))
            elif lab.value != value and lab.value in values:
                self.err("E222", N_("the label \"{label}\" of \"{value}\" is another value of this list",
                                    label=lab.value, value=value), lab.span,
                         N_("a record holding \"{label}\" would be ambiguous: give \"{value}\" another label",
                            label=lab.value, value=value))
            elif key in folded and folded[key] != value:
                self.err("E222", N_("\"{value}\" has the label \"{label}\", like \"{other}\"",
                                    value=value, label=lab.value, other=folded[key]), lab.span,
                         N_("give each value its own label (labels are compared ignoring width, case and kana)"))
            else:
                folded.setdefault(key, value)
        unlabelled = [v for v, lab in zip(values, labels) if lab is None]
        if unlabelled and len(unlabelled) < len(values):
            first = next(c for c in t.choices.items if c.label is None and isinstance(c.value, n.StringLit))
            self.warn("W108", N_("\"{value}\" has no label, while other values of this list have one",
                                 value=unlabelled[0]), first.span,
                      N_("people see the value itself where it has no label: write one, e.g. \"{value}\" \"…\"",
                         value=unlabelled[0]))
        return vt.Type(vt.ENUM, values=tuple(values), labels=tuple(labels) if any(labels) else ())
