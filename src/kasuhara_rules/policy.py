"""The public objects: a loaded `Policy`, and the `Decision` it makes for one incident record."""
from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, cast

import attrs

from . import values as vt
from .check.checker import CheckResult
from .engine.decide import Decider, DecisionCore, Provisional
from .diagnostics import Diagnostic, localized
from .i18n import N_, choose_language, translate
from .check.checked import CheckedPolicy, Field
from .engine.compile_policy import Program, compile_policy
from .engine.records import MAX_NUMBER, REDACTED, RecordError, validate_record
from .engine.runtime import ATOMS, deep_copy
from .engine.tracedata import thaw
from .engine.traces import missing_fields
from .source import SourceText


class PolicyError(Exception):
    """A policy that cannot be used; `diagnostics` lists every problem (errors and warnings).

    `lang` ("ja" or "en") is the language of `str(error)` and of the diagnostics' message and hint;
    by default it is chosen as `kasu` chooses it: KASU_LANG, then the locale, else English. Codes
    never change; `render(lang)` shows the diagnostics in either language.
    """

    __module__ = "kasuhara_rules"  # its public name: kasuhara_rules.PolicyError

    def __init__(self, diagnostics: tuple[Diagnostic, ...], sources: Mapping[str, SourceText] | None = None,
                 lang: str | None = None) -> None:
        self.lang = choose_language(lang, os.environ)
        self.diagnostics = localized(diagnostics, self.lang)
        self.sources = dict(sources or {})
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else None
        if self.lang == "en":
            summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            text = f"{summary}; first: {first.span}: {first.message}" if first else summary
        elif first is not None:
            text = translate(N_("{count} errors; first: {where}: {message}", count=len(errors), where=first.span,
                                message=first.message), self.lang)
        else:
            text = translate(N_("{count} errors", count=len(errors)), self.lang)
        super().__init__(text)

    def render(self, lang: str = "en") -> str:
        """All diagnostics as `kasu check` prints them, messages and hints in `lang` ("en" or "ja")."""
        from .diagnostics import render_text

        return render_text(self.diagnostics, self.sources, lang)


@attrs.frozen
class PendingRule:
    """A rule that could outrank the decision but lacks data: its name and the missing fields."""

    rule: str
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "missing": list(self.missing)}


def _digest_of(policy: "Policy") -> str:
    """What a decision's equality reads of its policy: the digest (two versions are two policies)."""
    return policy.checked.digest


def _error_key(error: RecordError | None) -> tuple[str, str | None, int | None] | None:
    """What a decision's equality reads of its error (a pickled copy is an equal error)."""
    return None if error is None else (str(error.message), error.field, error.line)


# No weak-reference slot: it would keep _decision_maker's twin from sharing the layout.
@attrs.frozen(slots=True, repr=False, weakref_slot=False)
class Decision:
    """What a policy decided for one record (or why the record could not be evaluated).

    `outcome`, `severity`, `rule`, `escalation`, `matched`, `responses`, `pending` and
    `provisional` follow section 6 of the contract. When the record is invalid, `error` is set
    and `outcome` is None. A decision cannot be changed: its `record` is a read-only copy of what
    was decided on, its `error` is read-only, and its trace is handed out as a fresh copy. Two
    decisions are equal when they decide alike under the same policy (digest included).
    """

    policy: "Policy" = attrs.field(repr=False, eq=_digest_of)
    incident: Any
    core: DecisionCore | None = attrs.field(repr=False)
    pending: tuple[PendingRule, ...] = ()
    error: RecordError | None = attrs.field(default=None, eq=_error_key)
    line: int | None = None
    _record: Any = attrs.field(default=None, repr=False, eq=False)  # the engine's own copy: `record` reads it
    # the trace, when already built: entries shared with other decisions (the trace cache), never handed out
    _entries: list[Any] | None = attrs.field(default=None, repr=False, eq=False)
    # The three answers read most, copied from `core` (plain slots: reading one costs a sixth of
    # a property); not compared, as `core` is.
    outcome: str | None = attrs.field(init=False, repr=False, eq=False)
    severity: str | None = attrs.field(init=False, repr=False, eq=False)
    rule: str | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        core = self.core
        object.__setattr__(self, "outcome", core.outcome if core is not None else None)
        object.__setattr__(self, "severity", core.severity if core is not None else None)
        object.__setattr__(self, "rule", core.rule if core is not None else None)

    def __repr__(self) -> str:
        incident = self.to_dict()["incident"]  # redacted when the key is sensitive
        if self.error is not None:
            return f"<Decision {incident!r} invalid at line {self.line}: {self.error.described}>"
        return f"<Decision {incident!r} {self.outcome} {self.severity} by {self.rule}>"

    @property
    def outcome_label(self) -> str | None:
        return self.core.outcome_label if self.core else None

    @property
    def escalation(self) -> str | None:
        return self.core.escalation if self.core else None

    @property
    def matched(self) -> tuple[str, ...]:
        return self.core.matched if self.core else ()

    @property
    def responses(self) -> tuple[str, ...]:
        return self.core.responses if self.core else ()

    @property
    def provisional(self) -> Provisional | None:
        return self.core.provisional if self.core else None

    @property
    def record(self) -> Any:
        """The record as it was decided on, read-only: a fresh copy behind a read-only mapping, so
        nothing done to it (nor to the lists inside it) changes this decision or its explanation."""
        record = self._record
        if isinstance(record, Mapping):
            return MappingProxyType(snapshot(record, self.policy._nested))
        return thaw(record) if isinstance(record, (list, tuple)) else record

    def trace(self, show_sensitive: bool = False) -> list[dict[str, Any]]:
        """One entry per rule, in policy order, with every condition's value and reads: a fresh,
        ordinary copy (entries are shared between decisions inside the engine; changing the copy
        changes nothing else)."""
        copy: list[dict[str, Any]] = thaw(self._shared_trace(show_sensitive))
        return copy

    def _shared_trace(self, show_sensitive: bool = False) -> list[dict[str, Any]]:
        """The trace as the engine keeps it: read-only entries shared with other decisions. For the
        renderers and writers of this package, which read it and never hand it out."""
        if self.core is None:
            return []
        if self._entries is not None and not show_sensitive:
            return self._entries
        entries: list[dict[str, Any]] = self.policy.program.explain(self._record, show_sensitive)[3]
        return entries

    def to_dict(self, explain: bool = False, show_sensitive: bool = False) -> dict[str, Any]:
        """The decision as the JSON of section 7 (`trace` only when `explain`): fresh, ordinary data."""
        data = self._data(explain, show_sensitive)
        if explain and "trace" in data:
            data["trace"] = thaw(data["trace"])
        return data

    def to_json(self, explain: bool = False, show_sensitive: bool = False) -> str:
        """`to_dict(...)` as compact JSON text (UTF-8 characters as they are), without copying the
        trace first: the fast way to store or send an explained decision."""
        import json

        data = self._data(explain, show_sensitive)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in a value: \u escapes, still valid JSON
            text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        return text

    def _data(self, explain: bool = False, show_sensitive: bool = False) -> dict[str, Any]:
        """The JSON of section 7 with the shared, read-only trace entries (to serialise, never to hand out)."""
        policy = self.policy
        incident = self.incident
        if incident is not None and policy._redact_key and not show_sensitive:
            incident = REDACTED
        core = self.core
        if core is None:  # the record was invalid: `error` is set
            return {"incident": incident, "outcome": None, "error": cast(RecordError, self.error).to_dict(),
                    "policy": policy.policy_block()}
        pending = self.pending
        out: dict[str, Any] = {
            "incident": incident,
            "outcome": core.outcome,
            "outcome_label": core.outcome_label,
            "severity": core.severity,
            "escalation": core.escalation,
            "rule": core.rule,
            "matched": list(core.matched),
            "pending": [p.to_dict() for p in pending] if pending else [],
            "provisional": core.provisional.to_dict() if core.provisional else None,
            "responses": list(core.responses),
            "policy": policy.policy_block(),
        }
        if explain:
            out["trace"] = self._shared_trace(show_sensitive)
        return out

    def explain(self, lang: str = "ja", show_sensitive: bool = False) -> str:
        """The explanation for people (Japanese by default, or lang="en")."""
        from .render.explain import render_decision

        return render_decision(self, lang=lang, show_sensitive=show_sensitive)


class Policy:
    """A checked, compiled policy. Immutable, thread-safe and picklable.

    Build one with `load_policy(path)` or `parse_policy(text)`.
    """

    __slots__ = ("checked", "program", "decider", "files", "name", "diagnostics", "ref", "_key", "_nested",
                 "_redact_key", "_files", "_make", "_frozen")

    def __init__(self, checked: CheckedPolicy, files: tuple[tuple[str, bytes], ...], name: str,
                 diagnostics: tuple[Diagnostic, ...]) -> None:
        self.checked = checked
        self.program: Program = compile_policy(checked)
        self.decider = Decider(checked)
        self.files = files
        self.name = name
        self.diagnostics = diagnostics
        h = checked.header
        # read-only all the way down: the version and digest every decision names come from here
        self.ref: Mapping[str, Any] = MappingProxyType({
            "id": h.id, "version": h.version, "digest": checked.digest,
            "files": tuple(MappingProxyType({"path": path, "digest": digest}) for path, digest in checked.files)})
        key = checked.key_field
        self._key = key.name if key is not None else None
        self._redact_key = key is not None and key.sensitive  # the incident is shown as ‹redacted›
        self._files = tuple((path, digest) for path, digest in checked.files)
        self._make = _decision_maker(self)  # ordinary decisions, cheaply (see _Unfrozen)
        self._nested = tuple(f.name for f in checked.fields if f.type.kind in (vt.LIST, vt.RECORD))
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"a Policy is immutable (cannot set {name!r})")
        object.__setattr__(self, name, value)

    # -- facts about the policy --------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.checked.header.id

    @property
    def version(self) -> str:
        return self.checked.header.version

    @property
    def title(self) -> str:
        return self.checked.header.title

    @property
    def digest(self) -> str:
        return self.checked.digest

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.checked.rules)

    def __repr__(self) -> str:
        return f"<Policy {self.id} {self.version} {self.digest[:15]}… {len(self.checked.rules)} rules>"

    def policy_block(self) -> dict[str, Any]:
        """The JSON of `policy` in a decision: a fresh copy each time (editing one output changes
        nothing else)."""
        ref = self.ref
        return {"id": ref["id"], "version": ref["version"], "digest": ref["digest"],
                "files": [{"path": path, "digest": digest} for path, digest in self._files]}

    def __reduce__(self) -> tuple[Callable[..., Policy], tuple[tuple[tuple[str, bytes], ...], str, str | None]]:
        return (_rebuild, (self.files, self.name, self.checked.root))

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema (2020-12) of the incident record, as `kasu schema` prints it."""
        from .render.json_schema import record_schema

        return record_schema(self.checked)

    def guide(self, lang: str = "ja", format: str = "md", audience: str = "staff") -> str:  # noqa: A002
        """The staff guideline: every rule in plain language, with responses and escalation.

        `lang` is "ja" or "en"; `format` is "md" (Markdown) or "html" (one self-contained file);
        `audience` is "staff" (labels only, a first page to pin by the phone) or "auditor" (with the
        policy's codes and source positions).
        """
        from .render.guide import build_guide

        return build_guide(self.checked, lang, format, audience)

    # -- evaluation ------------------------------------------------------------------------------

    def evaluate(self, record: Mapping[str, Any], explain: bool = False) -> Decision:
        """Decide one record; raises RecordError when it does not fit the schema.

        With `explain=True` the trace is built while deciding (one pass instead of two when
        the caller will ask for `to_dict(explain=True)` or `explain()` anyway).
        """
        return self._evaluate(record, None, explain)

    def _evaluate(self, record: Any, line: int | None, explain: bool = False) -> Decision:
        if type(record) is not dict and not isinstance(record, Mapping):
            validate_record(self.checked.fields, record)  # raises the right RecordError
        entries = None
        try:
            if explain:
                record = snapshot(record, self._nested)  # the decision keeps what it decided on
                key, m, u, entries = self.program.explain(record, False)
            else:  # evaluate copies the record into its snapshot while it reads it
                key, m, u, record = self.program.evaluate(record)
        except RecordError as exc:
            raise exc.at_line(line) if line is not None else exc
        core = self.decider.decide(m, u)
        if core.pending_indices:
            if entries is None:
                entries = self.program.explain(record, False)[3]
            pending = tuple(PendingRule(self.checked.rules[i].name, tuple(missing_fields(entries[i]["condition"])))
                            for i in core.pending_indices)
            return Decision(self, key, core, pending, None, line, record, entries)
        return self._make(key, core, line, record, entries)

    def evaluate_many(self, records: Iterable[Any], explain: bool = False) -> Iterator[Decision]:
        """Decide each record in order; an invalid one yields a Decision with `error` set.

        With `explain=True` each decision carries its trace (built while deciding).
        A pandas DataFrame is decided row by row; a single record (a mapping) is refused with
        a TypeError (iterating it would give its keys)."""
        records = _records_of(records, self.checked.fields)
        # The common case in a tight loop: a dict record, nothing undetermined. Anything
        # else (invalid records, undetermined rules, other mappings) takes the general path.
        # The two loops below differ only in the function called and what it returns; they
        # are written out twice on purpose, since this loop is where decisions' time goes.
        decide = self.decider.decide
        by_mask = self.decider.settled
        make = self._make
        nested = self._nested
        if explain:
            traced = self.program.explain
            for line, record in enumerate(records, 1):
                if type(record) is dict:
                    record = snapshot(record, nested)
                    try:
                        key, m, u, entries = traced(record, False)
                    except Exception:  # noqa: BLE001 - an invalid record, or a failure: the general path says which
                        yield self.evaluate_numbered(record, line, True)
                        continue
                    if not u:  # nothing undetermined, so nothing pending
                        yield make(key, by_mask.get(m) or decide(m, 0), line, record, entries)
                        continue
                yield self.evaluate_numbered(record, line, True)
            return
        evaluate = self.program.evaluate
        for line, record in enumerate(records, 1):
            if type(record) is dict:
                try:
                    key, m, u, snap = evaluate(record)  # snap: the copy of the record it read
                except Exception:  # noqa: BLE001 - an invalid record, or a failure: the general path says which
                    yield self.evaluate_numbered(record, line)
                    continue
                record = snap
                if not u:  # nothing undetermined, so nothing pending
                    yield make(key, by_mask.get(m) or decide(m, 0), line, record, None)
                    continue
            yield self.evaluate_numbered(record, line)

    def evaluate_numbered(self, record: Any, line: int | None, explain: bool = False) -> Decision:
        """Decide one record that came from input line (or position) `line`; never raises (an invalid
        record gives a Decision with `error`; so does, as a last resort, any failure while deciding it,
        naming the record by its line and key)."""
        if isinstance(record, RecordError):
            return Decision(self, None, None, (), record.at_line(line) if record.line is None else record, line)
        try:
            return self._evaluate(record, line, explain)
        except RecordError as exc:
            problem = exc.at_line(line)
        except Exception as exc:  # noqa: BLE001 - a bug must cost this record alone, never the batch
            problem = undecidable(exc, line)
        try:
            if isinstance(record, Mapping):
                record = snapshot(record, self._nested)
            incident = self._incident_of(record)
        except Exception:  # noqa: BLE001 - a record that cannot even be copied or read
            record, incident = None, None
        return Decision(self, incident, None, (), problem, line, record)

    def _incident_of(self, record: Any) -> Any:
        """The key of an invalid record when it can be read, for the error line of a batch."""
        if self._key is None or not isinstance(record, Mapping):
            return None
        value = record.get(self._key)
        if isinstance(value, str):
            return value
        if type(value) is int and -MAX_NUMBER <= value <= MAX_NUMBER:  # bounded as record numbers are
            return value
        return None


def undecidable(exc: BaseException, line: int | None) -> RecordError:
    """The error of a record whose deciding failed unexpectedly (a bug): that record alone."""
    return RecordError(N_("the record could not be decided ({kind}); please report this with the record",
                          kind=type(exc).__name__), None, line)


def _records_of(records: Any, fields: tuple[Field, ...]) -> Iterable[Any]:
    """What evaluate_many iterates: the rows of a DataFrame, read as `kasu eval` reads a CSV file
    (reading/frames.py: labels as headers, 1.0/0.0 for yes/no, NaN and NA absent); a lone record is refused."""
    if isinstance(records, (Mapping, str, bytes)):
        raise TypeError("evaluate_many takes an iterable of records (a list of dicts, say); "
                        "for one record call evaluate(record)")
    from .reading.frames import frame_records, is_frame

    if is_frame(records):  # iterating a DataFrame would give its column names
        return (item for _, item in frame_records(records, fields))
    return cast(Iterable[Any], records)


def snapshot(record: Mapping[str, Any], nested: tuple[str, ...]) -> dict[str, Any]:
    """A copy of a record that the caller cannot change: a decision keeps this, so that its trace,
    built now or later, shows what was decided on. Top-level values are copied by reference
    (texts, numbers and the like cannot change); lists and records are copied all the way down,
    only for the schema's list and record fields (what the trace can read)."""
    snap = record.copy() if record.__class__ is dict else dict(record)
    for name in nested:
        value = snap.get(name)
        if value.__class__ is list and not value:  # the commonest list: empty (no call needed)
            snap[name] = []
        elif value.__class__ not in ATOMS:
            snap[name] = deep_copy(value)
    return snap


class _Unfrozen:
    """The layout of a Decision without its frozen `__setattr__`: an ordinary decision is filled
    in as one of these (plain attribute stores, which CPython specialises) and then becomes a
    Decision (`__class__` assignment, allowed between classes of the same slots). Filling the
    eight slots of a frozen Decision through their descriptors costs four times as much — more
    than the 21 rules of the peer benchmark themselves (callgrind: about 6,200 against 1,600
    instructions per decision) — and this is the hottest line of a batch. Nothing but
    `_decision_maker` ever holds one."""

    __slots__ = ("policy", "incident", "core", "pending", "error", "line", "_record", "_entries", "outcome", "severity",
                 "rule")
    policy: Policy
    incident: Any
    core: DecisionCore
    pending: tuple[PendingRule, ...]
    error: RecordError | None
    line: int | None
    _record: Any
    _entries: Any
    outcome: str | None
    severity: str | None
    rule: str | None


def _decision_maker(policy: Policy) -> Callable[[Any, DecisionCore, int | None, Any, Any], Decision]:
    """A constructor for ordinary decisions (nothing pending, no error): the result is the same
    frozen Decision attrs' __init__ makes (see _Unfrozen). Where the interpreter refuses the
    class change (not CPython), attrs' __init__ is used."""

    def make(incident: Any, core: DecisionCore, line: int | None, record: Any, entries: Any) -> Decision:
        d = _Unfrozen()
        d.policy = policy
        d.incident = incident
        d.core = core
        d.pending = ()
        d.error = None
        d.line = line
        d._record = record
        d._entries = entries
        d.outcome = core.outcome
        d.severity = core.severity
        d.rule = core.rule
        d.__class__ = Decision  # type: ignore[assignment]
        return cast(Decision, d)

    def make_slowly(incident: Any, core: DecisionCore, line: int | None, record: Any, entries: Any) -> Decision:
        return Decision(policy, incident, core, (), None, line, record, entries)

    return make if _CLASS_CHANGE_WORKS else make_slowly


def _class_change_works() -> bool:
    """Whether this Python lets an _Unfrozen become a Decision (CPython does)."""
    d = _Unfrozen()
    for name in _Unfrozen.__slots__:
        setattr(d, name, None)
    try:
        d.__class__ = Decision  # type: ignore[assignment]
    except TypeError:  # pragma: no cover - CPython allows it
        return False
    return True


_CLASS_CHANGE_WORKS = _class_change_works()


def _rebuild(files: tuple[tuple[str, bytes], ...], name: str, root: str | None = None) -> Policy:
    """The policy again from the bytes of every file it read (nothing is read from disk): `root`,
    the directory its files were named from, finds them among `files` under the same names."""
    from .check.loader import load_text

    top = dict(files)  # checked when first loaded (allow_outside, if it was, included): nothing to refuse now
    loaded = load_text(top[name], name, base_dir=root, preloaded=top, allow_outside=True)
    return policy_from(loaded.result, loaded.files, name, loaded.sources)


def policy_from(result: CheckResult, files: tuple[tuple[str, bytes], ...], name: str, sources: Mapping[str, SourceText],
                lang: str | None = None) -> Policy:
    """The compiled policy of a check result; PolicyError (in `lang`, see PolicyError) when it has errors."""
    if result.policy is None:
        raise PolicyError(result.diagnostics, sources, lang)
    diagnostics = result.diagnostics if lang is None else localized(result.diagnostics, choose_language(lang, {}))
    return Policy(result.policy, files, name, diagnostics)
