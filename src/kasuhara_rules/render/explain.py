"""Decisions → explanations for people, in Japanese or English, built from the trace data."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Sequence, cast

from ..syntax import nodes as n
from .. import values as vt
from ..check.checked import REVIEW, REVIEW_LABEL, DefineRef, Field, Rule
from ..engine.trace_plan import trace_children
from ..engine.decide import would_raise
from ..engine.records import REDACTED, RecordError, coerce
from ..escape import visible
from ..i18n import translate
from ..source import display_width

if TYPE_CHECKING:  # pragma: no cover
    from ..check.checked import CheckedPolicy
    from ..coerce import RecordError as _RecordError
    from ..engine.decide import DecisionCore, Provisional, Would


class _CheckedOwner(Protocol):
    """What the explanation reads of a decision's policy (kasuhara_rules.Policy has it)."""

    @property
    def checked(self) -> "CheckedPolicy": ...


class _Pending(Protocol):
    """What the explanation reads of a pending rule."""

    @property
    def missing(self) -> tuple[str, ...]: ...
    @property
    def would(self) -> "Would": ...


class Explainable(Protocol):
    """What the explanation reads of a decision: kasuhara_rules.Decision has it (render lies below
    the public API, so it names the shape, not the class)."""

    @property
    def policy(self) -> _CheckedOwner: ...
    @property
    def core(self) -> "DecisionCore | None": ...
    @property
    def pending(self) -> Sequence[_Pending]: ...
    @property
    def error(self) -> "_RecordError | None": ...
    def trace(self, show_sensitive: bool = False) -> list[dict[str, Any]]: ...
    def _shared_trace(self, show_sensitive: bool = False) -> list[dict[str, Any]]: ...  # read, never handed out
    def to_dict(self, explain: bool = False, show_sensitive: bool = False) -> dict[str, Any]: ...

MARKS = {True: "✔", False: "✘", None: "?"}
TEXT_COLUMN = 44
WORDS = {
    "ja": {
        "decided": "判断したルール", "also": "ほかに該当", "matched": "該当したルール", "pending": "判断を保留したルール",
        "missing": "足りない情報", "provisional": "暫定の判断", "responses": "対応", "policy": "方針",
        "escalation": "エスカレーション", "none_matched": "該当するルールなし（既定の判断）",
        "unless_ok": "（例外に当たらない）", "unless_hit": "（例外に当たる）", "unless_unknown": "（例外か不明）",
        "absent": "(なし)", "found": "見つかった語", "invalid": "記録が不正なため判断できません",
        "line": "行", "sep": " ・ ", "would": "当てはまれば",
        "review_note": "人が判断してください: 記録のない次の情報しだいで、判断の区分が変わります。",
        "stands_note": "判断の区分は確定です: 次の情報は記録がありませんが、当てはまっても判断は変わりません。",
        "raise_note": "判断の区分は確定です: 次の情報は記録がありませんが、当てはまっても区分は変わりません"
                      "（重さや報告先は上がります。確かめてください）。",
        # when no pending rule lacks a field: the recorded values themselves leave it open
        "review_note_values": "人が判断してください: 次のルールは、記録された値からは当てはまるかどうかが決まりません"
                              "（空のリストの最大値、0 での割り算など）。その結果しだいで、判断の区分が変わります。",
        "stands_note_values": "判断の区分は確定です: 次のルールは記録された値からは決まりませんが、当てはまっても判断は"
                              "変わりません。",
        "raise_note_values": "判断の区分は確定です: 次のルールは記録された値からは決まりませんが、当てはまっても区分は"
                             "変わりません（重さや報告先は上がります。確かめてください）。",
        "no_missing": "なし（記録された値からは決まりません）",
    },
    "en": {
        "decided": "decided by", "also": "also matched", "matched": "matched", "pending": "pending (needs data)",
        "missing": "missing", "provisional": "provisional decision", "responses": "responses", "policy": "policy",
        "escalation": "escalate to", "none_matched": "no rule matched (the policy's default)",
        "unless_ok": " (exception does not apply)", "unless_hit": " (exception applies)",
        "unless_unknown": " (exception unknown)", "absent": "(missing)", "found": "found",
        "invalid": "the record is invalid and was not evaluated", "line": "line", "sep": " · ",
        "would": "if it applies",
        "review_note": "a person must decide: the outcome depends on this data, which is not recorded.",
        "stands_note": "outcome settled: this data is not recorded, but it could not change the decision.",
        "raise_note": "outcome settled: this data is not recorded, but it could not change the outcome "
                      "(it could raise the severity or the escalation: find out).",
        "review_note_values": "a person must decide: the recorded values do not settle the rules below (the largest "
                              "of an empty list, a division by zero …), and the outcome depends on them.",
        "stands_note_values": "outcome settled: the recorded values do not settle these rules, but they could not "
                              "change the decision.",
        "raise_note_values": "outcome settled: the recorded values do not settle these rules, but they could not "
                             "change the outcome (they could raise the severity or the escalation: find out).",
        "no_missing": "none (the recorded values do not settle it)",
    },
}
_UNITS = {
    "ja": tuple((ja, micros) for _, _, micros, ja, _, _ in vt.DURATION_UNITS),
    "en": tuple((en, micros) for _, _, micros, _, en, _ in vt.DURATION_UNITS),
}


def render_decision(decision: Explainable, lang: str = "ja", show_sensitive: bool = False) -> str:
    """The explanation of one decision as lines of text (see section 7 of the contract)."""
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}: use 'ja' or 'en'")
    return _Renderer(decision, lang, show_sensitive).render()



# The categories of the cues of speech acts (text/speech.py), in Japanese for the explanation; the
# evidence keeps the English ones.
_CUES_JA = {"announced": "予告", "claimed": "後ろ盾の主張", "implied": "暗黙の脅し", "rhetorical": "反語",
            "warning": "警告", "past": "過去", "negation": "否定", "passive": "受け身", "quoted": "引用",
            "open": "未定", "question": "質問", "request": "依頼", "wish": "願望", "naming": "名指しのみ",
            "hypothetical": "仮定", "conditional": "条件", "done": "済み", "other agent": "他人の行為",
            "plan": "予定"}

class _Renderer:
    def __init__(self, decision: Explainable, lang: str, show_sensitive: bool) -> None:
        self.d = decision
        self.lang = lang
        self.w = WORDS[lang]
        self.show = show_sensitive
        self.policy = decision.policy.checked
        self.lines: list[str] = []

    def render(self) -> str:
        d = self.d
        incident = d.to_dict(show_sensitive=self.show)["incident"]
        head = str(incident) if incident is not None else "—"
        if d.error is not None:
            where = f"{self.w['line']} {d.error.line}: " if d.error.line is not None else ""
            return f"{visible(head)} → {self.w['invalid']}\n  {where}{visible(translate(d.error.described, self.lang))}"
        trace = d._shared_trace(self.show)  # read only: no copy needed
        self.lines.append(f"{head} → {self.headline()}")
        core = cast("DecisionCore", d.core)  # a valid record has one
        if core.rule is not None:
            self.rule_block(self.w["decided"], core.deciding_index, trace, with_location=True)  # type: ignore[arg-type]  # set with the rule
        if core.pending_indices:
            review = core.provisional is not None
            raises = any(would_raise(self.policy, p.would, core.severity, core.escalation) for p in d.pending)
            note = "review_note" if review else "raise_note" if raises else "stands_note"
            if not any(p.missing for p in d.pending):
                note += "_values"
            self.lines.append(f"  {self.w[note]}")
            for pending, index in zip(d.pending, core.pending_indices):
                self.rule_block(self.w["pending"], index, trace, with_location=True)
                missing = ", ".join(self.field_title(name) for name in pending.missing) or self.w["no_missing"]
                self.lines.append(f"      {self.w['missing']}: {missing}")
                self.lines.append(f"      {self.w['would']}: {self.would(pending.would)}")
            if review:
                self.lines.append(f"  {self.w['provisional']}: {self.provisional()}")
        if core.rule is None and core.provisional is None:
            self.lines.append(f"  {self.w['none_matched']}: {self.outcome(core.outcome)}")
        for index in core.matched_indices:
            if core.rule is None or index != core.deciding_index:
                heading = self.w["also"] if core.rule is not None else self.w["matched"]
                self.rule_block(heading, index, trace, with_location=False)
        if core.responses:
            self.lines.append(f"  {self.w['responses']}:")
            for i, text in enumerate(core.responses, 1):
                self.lines.append(f"    {i}. {text}")
        digest = self.policy.digest
        short = digest[: len("sha256:") + 4] + "…" if digest.startswith("sha256:") else digest
        h = self.policy.header
        self.lines.append(f"  {self.w['policy']}: {h.id} {h.version} ({short})")
        # a value may hold ESC, CR or LF (a record's text, a key): shown as escapes, never as a forged line
        return "\n".join(visible(line) for line in self.lines)

    # -- headline and names ----------------------------------------------------------------

    def label(self, name: str | None, label: str | None) -> str:
        if name is None:
            return ""
        if not label or label == name:
            return name
        return f"{label} ({name})"

    def outcome(self, name: str) -> str:
        item = self.policy.outcome(name)
        label = item.label
        if self.lang == "en" and name == REVIEW and label == REVIEW_LABEL:
            label = "needs review"
        return self.label(name, label)

    def headline(self) -> str:
        core = cast("DecisionCore", self.d.core)
        parts = [self.outcome(core.outcome)]
        sev = self.policy.severity(core.severity)
        if sev is not None:
            parts.append(self.label(sev.name, sev.label))
        esc = self.policy.escalation(core.escalation)
        if esc is not None:
            parts.append(f"{self.w['escalation']}: {self.label(esc.name, esc.label)}")
        return self.w["sep"].join(parts)

    def would(self, would: "Would") -> str:
        """What a pending rule would give: outcome · severity · escalation, with labels."""
        parts = [self.outcome(would.outcome)]
        sev = self.policy.severity(would.severity)
        if sev is not None:
            parts.append(self.label(sev.name, sev.label))
        esc = self.policy.escalation(would.escalation)
        if esc is not None:
            parts.append(f"{self.w['escalation']}: {self.label(esc.name, esc.label)}")
        return self.w["sep"].join(parts)

    def provisional(self) -> str:
        prov = cast("Provisional", cast("DecisionCore", self.d.core).provisional)  # asked only when there is one
        parts = [self.outcome(prov.outcome)]
        sev = self.policy.severity(prov.severity)
        if sev is not None:
            parts.append(self.label(sev.name, sev.label))
        if prov.rule is not None:
            parts.append(self.rule_title(self.policy.rule(prov.rule)))  # type: ignore[arg-type]  # a rule of the policy
        return self.w["sep"].join(parts)

    def rule_title(self, rule: Rule) -> str:
        if rule.title:
            return f"{rule.name}「{rule.title}」" if self.lang == "ja" else f'{rule.name} "{rule.title}"'
        return rule.name

    def field_title(self, path: str) -> str:
        titles = []
        fields = self.policy.fields
        for part in path.split("."):
            f = next((x for x in fields if x.name == part), None)
            if f is None:
                return path
            titles.append(f.label or f.name)
            fields = f.type.fields if f.type.kind == vt.RECORD else f.type.elem().fields if f.type.kind == vt.LIST else ()
        title = "・".join(titles) if self.lang == "ja" else ".".join(titles)
        return title if title == path else f"{title} ({path})"

    # -- rules and conditions ----------------------------------------------------------------

    def rule_block(self, heading: str, index: int, trace: list[dict[str, Any]], with_location: bool) -> None:
        rule = self.policy.rules[index]
        entry = trace[index]
        title = self.rule_title(rule)
        if with_location:
            title += f" {entry['at']}"
        else:
            sev = self.policy.severity(rule.severity)
            if sev is not None:
                title += f"({sev.label or sev.name})" if self.lang == "ja" else f" ({sev.name})"
        self.lines.append(f"  {heading}: {title}")
        cond = entry["condition"]
        if rule.unless is not None:
            when, unless = cond["children"]
            self.conjuncts(when, rule.when, 4)
            note = {False: self.w["unless_ok"], True: self.w["unless_hit"], None: self.w["unless_unknown"]}
            mark = {False: True, True: False, None: None}[unless["value"]]
            self.line(mark, f"unless {unless['text']}{note[unless['value']]}", unless, 4, rule.unless)
        else:
            self.conjuncts(cond, rule.when, 4)

    def conjuncts(self, node: dict[str, Any], expr: object, indent: int, depth: int = 0) -> None:
        """An `and` shows one line per part; anything else one line. The trace's children
        follow the AST's operands in order, so the two are walked together."""
        if isinstance(expr, n.And):
            for child, operand in zip(node["children"], expr.operands):
                self.node(child, operand, indent, depth)
        else:
            self.node(node, expr, indent, depth)

    def node(self, node: dict[str, Any], expr: object, indent: int, depth: int) -> None:
        value = node["value"]
        mark = value if isinstance(value, bool) or value is None else None
        self.line(mark, node["text"], node, indent, expr)
        if depth >= 2:
            return
        ref = n.ref_of(expr)
        if isinstance(ref, DefineRef) and node["children"]:
            body = self.policy.defines[ref.name].expr
            self.conjuncts(node["children"][0], body, indent + 2, depth + 1)
        elif isinstance(expr, (n.And, n.Or)):
            for child, operand in zip(node["children"], expr.operands):
                self.node(child, operand, indent + 2, depth + 1)
        elif isinstance(expr, n.Not):
            self.node(node["children"][0], expr.operand, indent + 2, depth + 1)

    def line(self, mark: bool | None, text: str, node: dict[str, Any], indent: int, expr: object) -> None:
        symbol = MARKS[mark] if isinstance(mark, bool) or mark is None else " "
        head = f"{' ' * indent}{symbol} {self.shown_text(text, node)}"
        details = self.details(node, expr)
        if details:
            pad = max(TEXT_COLUMN - display_width(head), 2)
            head += " " * pad + details
        self.lines.append(head)

    def shown_text(self, text: str, node: dict[str, Any]) -> str:
        define = self.policy.defines.get(text)
        if define is not None and define.label:
            return f"{text}「{define.label}」" if self.lang == "ja" else f'{text} "{define.label}"'
        return text

    def details(self, node: dict[str, Any], expr: object) -> str:
        parts = []
        for name, raw in node["reads"].items():
            parts.append(f"{self.field_title(name)} = {self.value(name, raw)}")
        value = node["value"]
        if not isinstance(value, bool) and value is not None and not node["reads"]:
            parts.append(f"= {self.plain(value)}")
        elif not isinstance(value, bool) and value is not None:
            parts.append(f"→ {self.plain(value)}")
        # the trace's children paired with the tree's nodes they stand for (trace_children)
        for child, sub in zip(node["children"], trace_children(expr, self.policy)):
            shown = self.plain(child["value"]) if child["value"] is not None else "?"
            ref = n.ref_of(sub)
            if isinstance(ref, DefineRef):
                define = self.policy.defines[ref.name]
                if define.type.kind != vt.BOOL:
                    parts.append(f"{define.label or define.name} = {shown}")
            elif isinstance(sub, n.Call):
                parts.append(f"{sub.func}(…) = {shown}")
        evidence = node.get("evidence")
        if evidence:
            parts.append(f"[{self.w['found']}: {', '.join(self.evidence(e) for e in evidence)}]")
        return ", ".join(parts)

    def evidence(self, item: Any) -> str:
        """A phrase found (`contains`), or a phrase with the words that matched it (`mentions`):
        殺す ←「殺さ」@0–2."""
        if not isinstance(item, dict):
            return str(item)
        words = item.get("words")
        shown = REDACTED if words == REDACTED else "".join(str(w) for w in words or ())
        quoted = f"「{shown}」" if self.lang == "ja" else f'"{shown}"'
        at: Sequence[int] = item.get("at") or ()
        where = f"@{at[0]}–{at[1]}" if len(at) == 2 else ""
        said = ""
        if "cue" in item:  # a list with a kind: how the phrase was said, and whether it counted
            category, _, cue_words = str(item["cue"]).partition(": ")
            if self.lang == "ja":
                category = _CUES_JA.get(category, category)
            said = f" ({category}: {cue_words})" if cue_words else f" ({category})"
        mark = "✘ " if item.get("counted") is False else ""
        return f"{mark}{item.get('phrase')} ← {quoted}{where}{said}"

    def value(self, path: str, raw: Any) -> str:
        if raw is None:
            return self.w["absent"]
        if raw == REDACTED:
            return REDACTED
        f = self._field(path)
        if f is not None and f.type.kind == vt.DURATION:
            try:
                return self.duration(coerce(f.type, raw, path, False))
            except RecordError:
                return self.plain(raw)
        if f is not None:
            enum = f.type if f.type.kind == vt.ENUM else f.type.elem() if f.type.kind == vt.LIST else None
            if enum is not None and enum.kind == vt.ENUM and enum.labels:
                if isinstance(raw, str):
                    return self.label(raw, enum.label_of(raw))
                if isinstance(raw, list) and len(raw) <= 3:
                    return "[" + ", ".join(self.label(v, enum.label_of(v)) if isinstance(v, str) else self.plain(v)
                                           for v in raw) + "]"
        return self.plain(raw)

    def _field(self, path: str) -> Field | None:
        fields = self.policy.fields
        found: Field | None = None
        for part in path.split("."):
            found = next((x for x in fields if x.name == part), None)
            if found is None:
                return None
            fields = found.type.fields if found.type.kind == vt.RECORD else found.type.elem().fields
        return found

    def duration(self, micros: int) -> str:
        for suffix, size in _UNITS[self.lang]:
            if micros % size == 0 and micros != 0:
                return f"{micros // size}{suffix}"
        return f"{micros / 1_000_000:g}{_UNITS[self.lang][-1][0]}"

    def plain(self, value: Any) -> str:
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, str):
            return value if len(value) <= 60 else value[:57] + "…"
        if isinstance(value, list):
            if len(value) > 3:
                return f"[{len(value)} 件]" if self.lang == "ja" else f"[{len(value)} items]"
            return "[" + ", ".join(self.plain(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {self.plain(v)}" for k, v in list(value.items())[:4]) + "}"
        return str(value)
