"""Policy → the staff guideline (`kasu doc`): plain-language criteria and responses, Markdown or HTML."""
from __future__ import annotations

import html
from typing import Any, Iterable, Union

from ..syntax import nodes as n
from ..check.checked import (
    FIRST_MATCH, REVIEW, CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, Item as Named, Rule,
)
from .verbalize import Verbalizer
from ..values import Type

Item = Union[str, tuple[str, list[Any]]]  # a list item: text, or (text, [sub-items])
FORMATS = ("md", "html")

WORDS = {
    "ja": {
        "policy_id": "方針ID", "version": "版", "effective": "施行日", "digest": "方針のダイジェスト",
        "howto": "このガイドの使い方", "contents": "目次", "ladder": "エスカレーションの段階",
        "outcomes": "判断の区分", "severities": "重さ（重いものから）", "rules": "判断基準と対応",
        "no_severity": "重さの指定なし", "decides": "判断", "when": "当たるとき", "unless": "ただし、次の場合は除く",
        "terms": "用語", "respond": "対応", "escalate": "報告・引き継ぎ先", "cite": "根拠", "tags": "分類",
        "source": "方針ファイルの位置", "phrases": "語句の一覧", "missing": "情報が足りないとき",
        "glossary": "用語の定義", "name": "名前", "label": "表示名", "none": "なし", "item": "項目", "value": "内容",
        "count": "{n}件", "phrase_list": "〈{label}〉（{name}）",
        "pin": "まず読むページ（電話・窓口のそばに）", "pin_lead": "お客様の言動が次のどれかに当たったら、「すること」を番号の順に行い、"
        "「連絡先」に連絡してください。一人で抱え込まず、迷ったら上長に連絡します。", "conduct": "お客様の言動", "first": "すること（順に）",
        "call": "連絡先", "ladder_pin": "連絡の段階（上ほど重い）", "whom": "連絡する相手",
        "fill": "氏名・電話番号：＿＿＿＿＿＿＿＿＿＿", "about": "この版について", "police_now": "命の危険があるときは、ためらわず110番。",
    },
    "en": {
        "policy_id": "policy id", "version": "version", "effective": "effective from", "digest": "policy digest",
        "howto": "How to use this guide", "contents": "Contents", "ladder": "Escalation ladder",
        "outcomes": "Outcomes", "severities": "Severities (most serious first)", "rules": "Criteria and responses",
        "no_severity": "Without severity", "decides": "decision", "when": "applies", "unless": "except when",
        "terms": "terms", "respond": "what to do", "escalate": "report to", "cite": "sources", "tags": "tags",
        "source": "in the policy file", "phrases": "Phrase lists", "missing": "When information is missing",
        "glossary": "Definitions", "name": "name", "label": "label", "none": "none", "item": "item", "value": "value",
        "count": "{n} phrases", "phrase_list": "\"{name}\" ({label})",
        "pin": "Read this first (keep it by the phone and the counter)", "pin_lead": "When a customer's conduct is one of "
        "these, carry out its steps in order and call the person in its row. Do not handle it alone: when in "
        "doubt, call your supervisor.",
        "conduct": "the customer's conduct", "first": "what to do, in order", "call": "call",
        "ladder_pin": "Who to call (most serious first)", "whom": "who",
        "fill": "name and phone: ____________________", "about": "About this edition",
        "police_now": "If anyone is in danger, call the police (110) at once.",
    },
}


AUDIENCES = ("staff", "auditor")

# `one of` codes shipped policies use, as words staff read (the staff edition never shows a code)
VALUE_WORDS = {
    "ja": {"counter": "窓口（対面）", "phone": "電話", "email": "メール", "sns": "SNS", "web_form": "Webフォーム",
           "visit": "訪問", "letter": "手紙", "refund": "返金", "exchange": "交換", "apology": "謝罪",
           "explanation": "説明", "compensation": "金銭的な補償", "service": "サービスの提供", "other": "その他",
           "patient": "患者", "family": "家族", "visitor": "面会者", "rail": "鉄道", "bus": "バス", "taxi": "タクシー",
           "ward": "病棟", "outpatient": "外来", "home_visit": "訪問診療・訪問介護", "facility": "施設"},
    "en": {"counter": "at the counter", "phone": "phone", "email": "e-mail", "sns": "social media",
           "web_form": "web form", "visit": "visit", "letter": "letter", "refund": "refund", "exchange": "exchange",
           "apology": "apology", "explanation": "explanation", "compensation": "compensation", "service": "service",
           "other": "other", "patient": "patient", "family": "family", "visitor": "visitor", "rail": "rail",
           "bus": "bus", "taxi": "taxi", "ward": "ward", "outpatient": "outpatient clinic", "home_visit": "home visit",
           "facility": "care facility"},
}


def build_guide(policy: CheckedPolicy, lang: str = "ja", fmt: str = "md", audience: str = "staff") -> str:
    """The staff guideline of a checked policy, in Japanese or English, as Markdown or HTML.

    The staff edition (default) speaks labels only and opens with a page to pin by the phone; the
    auditor edition keeps the policy's codes and each rule's position in the policy file.

    >>> from kasuhara_rules import parse_policy
    >>> p = parse_policy(\'\'\'policy "店の方針" { id shop version "1" otherwise claim }
    ... outcomes { claim "正当なクレーム", kasuhara "カスハラ" }
    ... schema { call_length "通話時間": duration in minutes }
    ... rule long "長電話" { when call_length >= 30min then kasuhara respond "通話を終える。" }\'\'\')
    >>> "通話時間が30分以上のとき" in build_guide(p.checked)
    True
    """
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}: use 'ja' or 'en'")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use 'md' or 'html'")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}: use 'staff' or 'auditor'")
    blocks = _Builder(policy, lang, audience == "auditor").blocks()
    title = policy.header.title
    return to_markdown(blocks) if fmt == "md" else to_html(blocks, title, lang)


class _Builder:
    def __init__(self, policy: CheckedPolicy, lang: str, auditor: bool = False) -> None:
        self.p = policy
        self.lang = lang
        self.w = WORDS[lang]
        self.auditor = auditor
        codes = {v for f in policy.fields for v in _enum_values(f.type)}
        words = {} if auditor else {c: VALUE_WORDS[lang].get(c, c) for c in codes}
        self.v = Verbalizer(policy, lang, words)
        self.ja = lang == "ja"

    def blocks(self) -> list[tuple[Any, ...]]:
        p, w = self.p, self.w
        h = p.header
        out: list[tuple[Any, ...]] = [("h", 1, h.title, "top")]
        rows = [[w["policy_id"], h.id], [w["version"], h.version]]
        if h.effective is not None:
            rows.append([w["effective"], h.effective.isoformat()])
        rows.append([w["digest"], p.digest or "—"])
        about = [("table", [w["item"], w["value"]], rows)]
        if self.auditor:
            out += about
        else:
            out += self.pin_page()
        out.append(("contents",))
        out += [("h", 2, w["howto"], "howto")] + [("p", t) for t in self.howto()]
        out += [("h", 2, w["ladder"], "ladder"), ("list", True, [self.item_title(e) for e in p.escalations])]
        if self.auditor:
            out += [("h", 2, w["outcomes"], "outcomes"),
                    ("table", [w["name"], w["label"]], [[o.name, o.label or "—"] for o in p.outcomes])]
        else:
            out += [("h", 2, w["outcomes"], "outcomes"), ("list", False, [o.title for o in p.outcomes])]
        out += [("h", 2, w["severities"], "severities"),
                ("list", True, [self.item_title(s) for s in reversed(p.severities)])]
        out += [("h", 2, w["rules"], "rules")]
        for heading, anchor, rules in self.groups():
            out.append(("h", 3, heading, anchor))
            for rule in rules:
                out += self.rule(rule)
        if p.phrases:
            out += [("h", 2, w["phrases"], "phrases")]
            for pl in p.phrases.values():
                title = (w["phrase_list"].format(label=pl.label or pl.name, name=pl.name) if self.auditor else
                         f"〈{pl.label or pl.name}〉" if self.ja else f"\"{pl.label or pl.name}\"")
                out += [("h", 4, title, f"phrases-{pl.name}"), ("p", "、".join(pl.phrases) if self.ja else ", ".join(pl.phrases))]
        if p.defines:
            out += [("h", 2, w["glossary"], "glossary"), ("dl", [self.definition(d) for d in p.defines])]
        out += [("h", 2, w["missing"], "missing")] + self.missing()
        if not self.auditor:
            out += [("h", 2, w["about"], "about")] + about
        return out

    def pin_page(self) -> list[tuple[Any, ...]]:
        """The first page: per kind of conduct (most serious first) what to do in order and whom to
        call, then the escalation ladder with room for names and numbers."""
        w = self.w
        rows = []
        for _, _, rules in self.groups():
            for rule in rules:
                if rule.outcome == self.p.header.otherwise:
                    continue
                steps = " ".join(f"{i}. {r}" for i, r in enumerate(rule.responds, 1)) or "—"
                esc = self.p.escalation(rule.escalate)
                call = esc.title if esc is not None else "—"
                rows.append([rule.title or rule.name, steps, call])
        ladder = [[e.title, w["fill"]] for e in reversed(self.p.escalations)]
        return [("pin-open",), ("h", 2, w["pin"], "pin"), ("p", w["pin_lead"]),
                ("table", [w["conduct"], w["first"], w["call"]], rows),
                ("h", 3, w["ladder_pin"], "pin-ladder"), ("table", [w["whom"], w["call"]], ladder),
                ("p", w["police_now"]), ("pin-close",)]

    def item_title(self, item: Named) -> str:
        if not self.auditor:
            return item.title
        if not item.label or item.label == item.name:
            return item.name
        return f"{item.label}（{item.name}）" if self.ja else f"{item.label} ({item.name})"

    # -- texts for staff ------------------------------------------------------------------------

    def howto(self) -> list[str]:
        h = self.p.header
        first = h.decide == FIRST_MATCH
        review = self.p.outcome(REVIEW).title
        if self.ja:
            return [
                f"このガイドは「{h.title}」（版 {h.version}）の判断基準を、現場で使えるように書き表したものです。"
                "方針ファイルから自動で作られているため、方針と食い違うことはありません。",
                "お客様の言動が「判断基準と対応」のどれに当たるかを確かめ、当たる場合は「対応」の手順に沿って対応し、"
                "「報告・引き継ぎ先」に報告してください。一人で抱え込まず、迷ったときは上長に相談してください。",
                ("複数の基準に当たるときは、方針の中で先に書かれている基準の判断に従います。" if first else
                 "複数の基準に当たるときは、最も重い基準の判断に従います。")
                + "報告は当たった基準のうち最も上の段階に行い、対応は当たった基準のものをすべて行います。",
                f"判断に必要な情報が記録になく、その情報しだいで判断が変わるときは「{review}」になります。"
                "自分で決めず、「情報が足りないとき」を読んでください。",
            ]
        return [
            f"This guide restates the criteria of \"{h.title}\" (version {h.version}) for staff. It is generated "
            "from the policy file itself, so it never disagrees with the policy.",
            "Check which of the criteria below a customer's conduct meets. If one applies, follow its steps under "
            "\"what to do\" and report to the person under \"report to\". Do not handle it alone; when in doubt, "
            "ask your supervisor.",
            ("When several criteria apply, the one written first in the policy decides. " if first else
             "When several criteria apply, the most serious one decides. ")
            + "Report to the highest level among all that apply, and carry out the steps of all of them.",
            f"When information the decision depends on was not recorded, the decision is \"{review}\": do not "
            "decide yourself; read \"When information is missing\".",
        ]

    def groups(self) -> list[tuple[str, str, list[Rule]]]:
        out = []
        for sev in reversed(self.p.severities):
            rules = [r for r in self.p.rules if r.severity == sev.name]
            if rules:
                out.append((self.item_title(sev), f"severity-{sev.name}", rules))
        rest = [r for r in self.p.rules if r.severity is None]
        if rest:
            out.append((self.w["no_severity"], "severity-none", rest))
        return out

    def rule(self, rule: Rule) -> list[tuple[Any, ...]]:
        w = self.w
        title = rule.title or rule.name
        heading = f"{title}（{rule.name}）" if self.ja and rule.title else f"{title} ({rule.name})" if rule.title else title
        if not self.auditor:
            heading = title
        outcome = self.item_title(self.p.outcome(rule.outcome))
        decision = outcome
        if rule.severity:
            decision += (" ・ " if self.ja else " · ") + self.item_title(self.p.severity(rule.severity))  # type: ignore[arg-type, operator]  # a declared severity
        lead, items = self.v.criteria(rule.when)
        fields: list[tuple[str, object]] = [(w["decides"], decision), (w["when"], (lead, items))]
        if rule.unless is not None and rule.unless != n.BoolLit(False):
            fields.append((w["unless"], self.v.sentence(rule.unless)))
        terms = self.terms(rule)
        if terms:
            fields.append((w["terms"], [f"{t}：{d}" if self.ja else f"{t}: {d}" for t, d in terms]))
        if rule.responds:
            fields.append((w["respond"], ("ol", list(rule.responds))))
        if rule.escalate:
            fields.append((w["escalate"], self.item_title(self.p.escalation(rule.escalate))))  # type: ignore[arg-type]  # declared
        if rule.cites:
            fields.append((w["cite"], list(rule.cites)))
        if rule.tags and self.auditor:
            fields.append((w["tags"], ", ".join(rule.tags)))
        if self.auditor:
            fields.append((w["source"], str(rule.span)))
        return [("rule-open", f"rule-{rule.name}"), ("h", 4, heading, None), ("fields", fields), ("rule-close",)]

    def terms(self, rule: Rule) -> list[tuple[str, str]]:
        """The defines a rule uses (and those they use), each with its definition."""
        seen: list[str] = []
        stack = [rule.when] + ([rule.unless] if rule.unless is not None else [])
        while stack:
            for sub in n.walk(stack.pop()):
                ref = self.p.refs.get(id(sub))
                if isinstance(ref, DefineRef) and ref.name not in seen:
                    seen.append(ref.name)
                    stack.append(self.p.defines[ref.name].expr)
        return [self.definition(name) for name in seen]

    def definition(self, name: str) -> tuple[str, str]:
        d = self.p.defines[name]
        body = self.v.sentence(d.expr) if d.type.kind == "bool" else self.v.noun(d.expr)
        return self.v.define_title(name), body

    def missing(self) -> list[tuple[Any, ...]]:
        review = self.item_title(self.p.outcome(REVIEW))
        optional = []
        for f in self.pending_fields():
            label = f.label or f.name
            if not self.auditor:
                optional.append(label)
                continue
            optional.append(f"{label}（{f.name}）" if self.ja and f.label else f"{f.name} ({label})" if f.label else label)
        if self.ja:
            out: list[tuple[Any, ...]] = [("p", f"判断に必要な情報が記録になく、その情報しだいで判断が変わる場合、判断は「{review}」になります。"
                         "このときは、記録されている情報だけで決めず、足りない情報を確かめてから上長が判断します。"
                         "判断の説明には、保留になった基準と足りない情報、そして情報がそろわなかった場合の暫定の判断が示されます。")]
            if optional:
                out += [("p", "次の項目は、記録がないと判断が保留になることがあります。"), ("list", False, optional)]
            return out
        out = [("p", f"When information a decision depends on was not recorded, and the decision could change with "
                     f"it, the outcome is \"{review}\". Do not decide from what is recorded alone: find out what is "
                     "missing, then let your supervisor decide. The explanation of the decision names the criteria "
                     "left pending, the missing information, and the provisional decision.")]
        if optional:
            out += [("p", "These items can leave a decision pending when they are not recorded:"), ("list", False, optional)]
        return out

    def pending_fields(self) -> list[Field]:
        """The optional fields whose absence can leave a rule undetermined (and so a decision
        pending): those read by a rule's `when` or `unless`, or a define they use, where no
        `is present` guard in the same `and` (or `is missing` in the same `or`) settles the
        condition first. A field read only behind such a guard can never leave a decision pending."""
        found: list[Field] = []
        for rule in self.p.rules:
            for expr in (rule.when, rule.unless):
                if expr is None:
                    continue
                for f in self._optional_refs(expr, set()):
                    if f not in found and self._can_be_unknown(expr, f, set()):
                        found.append(f)
        nested = [f for f in found if f not in self.p.fields]
        return [f for f in self.p.fields if f in found] + nested

    def _field_of(self, e: object) -> Field | None:
        ref = self.p.refs.get(id(e))
        if isinstance(ref, (FieldRef, ElementRef)):
            return ref.field
        if isinstance(e, n.Path) and isinstance(ref, Field):
            return ref
        return None

    def _optional_refs(self, expr: object, seen: set[str]) -> list[Field]:
        out: list[Field] = []
        for sub in n.walk(expr):
            f = self._field_of(sub)
            if f is not None and f.optional and f not in out:
                out.append(f)
            ref = self.p.refs.get(id(sub))
            if isinstance(ref, DefineRef) and ref.name not in seen:
                seen.add(ref.name)
                out += [g for g in self._optional_refs(self.p.defines[ref.name].expr, seen) if g not in out]
        return out

    def _guards(self, e: object, f: Field, present: bool) -> bool:
        """`e` is `f is present` (present=True) or `f is missing` (present=False), maybe through a define."""
        ref = self.p.refs.get(id(e))
        if isinstance(ref, DefineRef):
            return self._guards(self.p.defines[ref.name].expr, f, present)
        if isinstance(e, n.IsMissing) and e.present == present:
            return self._field_of(e.value) == f
        if isinstance(e, n.And) and present:
            return any(self._guards(o, f, present) for o in e.operands)
        if isinstance(e, n.Or) and not present:
            return any(self._guards(o, f, present) for o in e.operands)
        return False

    def _can_be_unknown(self, e: object, f: Field, seen: set[str]) -> bool:
        """Whether `e` can be unknown because the optional field `f` is absent (Kleene logic)."""
        if isinstance(e, n.IsMissing):
            return False
        if self._field_of(e) == f:
            return True
        ref = self.p.refs.get(id(e))
        if isinstance(ref, DefineRef):
            if ref.name in seen:
                return False
            return self._can_be_unknown(self.p.defines[ref.name].expr, f, seen | {ref.name})
        if isinstance(e, n.And):
            return (any(self._can_be_unknown(o, f, seen) for o in e.operands)
                    and not any(self._guards(o, f, True) for o in e.operands))
        if isinstance(e, n.Or):
            return (any(self._can_be_unknown(o, f, seen) for o in e.operands)
                    and not any(self._guards(o, f, False) for o in e.operands))
        return any(self._can_be_unknown(c, f, seen) for c in n.children(e))


def _enum_values(t: Type) -> list[str]:
    """Every `one of` value of a type, nested records and lists included."""
    out = list(t.values) if t.kind == "enum" else []
    if t.element is not None:
        out += _enum_values(t.element)
    for sub in t.fields:
        out += _enum_values(sub.type)
    return out


# ---- rendering -----------------------------------------------------------------------------


def _headings(blocks: Iterable[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    return [(b[1], b[2], b[3]) for b in blocks if b[0] == "h" and b[1] in (2, 3) and b[3]
            and not b[3].startswith("pin")]


def to_markdown(blocks: list[tuple[Any, ...]]) -> str:
    out: list[str] = []
    for b in blocks:
        kind = b[0]
        if kind == "h":
            out += ["#" * b[1] + " " + md_escape(b[2]), ""]
        elif kind == "p":
            out += [md_escape(b[1]), ""]
        elif kind == "table":
            headers, rows = b[1], b[2]
            if headers is None:
                headers, rows = ["", ""], rows
            out.append("| " + " | ".join(md_escape(h) for h in headers) + " |")
            out.append("|" + "---|" * len(headers))
            out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "list":
            out += _md_list(b[2], b[1], "") + [""]
        elif kind == "contents":
            heads = _headings(blocks)
            out += [f"{'  ' * (level - 2)}- [{md_escape(text)}](#{anchor})" for level, text, anchor in heads] + [""]
        elif kind == "dl":
            out += [f"- **{md_escape(t)}**: {md_escape(d)}" for t, d in b[1]] + [""]
        elif kind == "fields":
            for label, value in b[1]:
                out += _md_field(label, value)
            out.append("")
        elif kind in ("rule-open", "rule-close"):
            if kind == "rule-open":
                out.append(f'<a id="{b[1]}"></a>')
                out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def md_escape(text: str) -> str:
    """Text with Markdown's special characters escaped (shared by the guide and the reports).

    >>> md_escape("a_b|c")
    'a\\\\_b\\\\|c'
    """
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_list(items: list[Item], ordered: bool, indent: str) -> list[str]:
    out = []
    for i, item in enumerate(items, 1):
        marker = f"{i}." if ordered else "-"
        if isinstance(item, tuple):
            out.append(f"{indent}{marker} {md_escape(item[0])}")
            out += _md_list(item[1], False, indent + "   ")
        else:
            out.append(f"{indent}{marker} {md_escape(item)}")
    return out


def _md_field(label: str, value: str | tuple[Any, ...] | Iterable[Item]) -> list[str]:
    if isinstance(value, str):
        return [f"- **{md_escape(label)}**: {md_escape(value)}"]
    if isinstance(value, tuple) and value and value[0] == "ol":
        return [f"- **{md_escape(label)}**:"] + _md_list(value[1], True, "   ")
    if isinstance(value, tuple):
        lead, items = value
        return [f"- **{md_escape(label)}**: {md_escape(lead)}"] + _md_list(items, False, "   ")
    return [f"- **{md_escape(label)}**:"] + _md_list(list(value), False, "   ")


CSS = """
:root { color-scheme: light; }
@page { size: A4; margin: 16mm 15mm 18mm; }
html { font-size: 10.5pt; }
body { margin: 0 auto; max-width: 46em; padding: 1.5em; color: #1a1a1a; background: #fff;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Noto Sans CJK JP", "Noto Sans JP",
    "Yu Gothic", "YuGothic", "Meiryo", "Source Han Sans JP", "IPAexGothic", sans-serif;
  line-height: 1.75; line-break: strict; word-break: normal; overflow-wrap: anywhere;
  text-rendering: optimizeLegibility; }
h1 { font-size: 1.7em; line-height: 1.35; border-bottom: 3px solid #1f4e79; padding-bottom: .3em; }
h2 { font-size: 1.3em; color: #1f4e79; border-left: 6px solid #1f4e79; padding-left: .5em; margin-top: 1.8em;
  break-after: avoid; }
h3 { font-size: 1.12em; margin-top: 1.4em; break-after: avoid; }
h4 { font-size: 1.02em; margin: 0 0 .4em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #b8c4d0; padding: .25em .7em; text-align: left; vertical-align: top; }
td code, .digest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em;
  word-break: break-all; }
nav { background: #f3f6f9; border: 1px solid #d5dee7; padding: .4em 1.2em; margin: 1em 0; }
nav ol { margin: .3em 0; padding-left: 1.4em; }
.rule { border: 1px solid #c9d3dd; border-radius: 6px; padding: .8em 1em; margin: .8em 0;
  break-inside: avoid; page-break-inside: avoid; }
.rule dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0; }
.rule dt { font-weight: bold; color: #35516b; }
.rule dd { margin: 0; }
.rule ul, .rule ol { margin: 0; padding-left: 1.4em; }
.source { color: #6b7785; font-size: .85em; }
dl.glossary dt { font-weight: bold; margin-top: .4em; }
.pin { border: 3px solid #1f4e79; border-radius: 8px; padding: .2em 1em .6em; margin: 1em 0; }
.pin h2 { margin-top: .6em; } .pin table { width: 100%; font-size: .95em; } .pin td:first-child { font-weight: bold;
  white-space: nowrap; }
@media print { body { max-width: none; padding: 0; } h1 { margin: 0 0 .3em; } .pin { break-after: page; border: none;
  padding: 0; margin: 0; font-size: .8em; line-height: 1.35; } .pin h2 { margin: .3em 0; } .pin h3 { margin: .5em 0 .2em; }
  .pin p { margin: .3em 0; } .pin td, .pin th { padding: .1em .4em; } nav { break-after: page; } a { color: inherit;
  text-decoration: none; } }
"""


def to_html(blocks: list[tuple[Any, ...]], title: str, lang: str) -> str:
    e = html.escape
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>"]
    for b in blocks:
        kind = b[0]
        if kind == "h":
            anchor = f' id="{e(b[3])}"' if b[3] else ""
            out.append(f"<h{b[1]}{anchor}>{e(b[2])}</h{b[1]}>")
        elif kind == "p":
            out.append(f"<p>{e(b[1])}</p>")
        elif kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b[2])
            head = "" if b[1] is None else "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in b[1]) + "</tr></thead>"
            out.append(f"<table>{head}<tbody>{rows}</tbody></table>")
        elif kind == "list":
            out.append(_html_list(b[2], b[1]))
        elif kind == "contents":
            out.append(_html_contents(_headings(blocks), WORDS[lang]["contents"]))
        elif kind == "dl":
            out.append('<dl class="glossary">' + "".join(f"<dt>{e(t)}</dt><dd>{e(d)}</dd>" for t, d in b[1]) + "</dl>")
        elif kind == "pin-open":
            out.append('<section class="pin">')
        elif kind == "pin-close":
            out.append("</section>")
        elif kind == "rule-open":
            out.append(f'<section class="rule" id="{e(b[1])}">')
        elif kind == "rule-close":
            out.append("</section>")
        elif kind == "fields":
            out.append("<dl>" + "".join(_html_field(label, value) for label, value in b[1]) + "</dl>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _html_list(items: list[Item], ordered: bool) -> str:
    tag = "ol" if ordered else "ul"
    parts = []
    for item in items:
        if isinstance(item, tuple):
            parts.append(f"<li>{html.escape(item[0])}{_html_list(item[1], False)}</li>")
        else:
            parts.append(f"<li>{html.escape(item)}</li>")
    return f"<{tag}>" + "".join(parts) + f"</{tag}>"


def _html_field(label: str, value: str | tuple[Any, ...] | Iterable[Item]) -> str:
    e = html.escape
    if isinstance(value, str):
        cls = ' class="source"' if value.count(":") >= 2 and value.rsplit(":", 2)[-1].isdigit() else ""
        body = f"<span{cls}>{e(value)}</span>" if cls else e(value)
    elif isinstance(value, tuple) and value and value[0] == "ol":
        body = _html_list(value[1], True)
    elif isinstance(value, tuple):
        lead, items = value
        body = e(lead) + (_html_list(items, False) if items else "")
    else:
        body = _html_list(list(value), False)
    return f"<dt>{e(label)}</dt><dd>{body}</dd>"


def _html_contents(heads: list[tuple[int, str, str]], title: str) -> str:
    """A nested table of contents: level-2 headings, each with its level-3 headings inside."""
    e = html.escape
    tree: list[tuple[str, str, list[tuple[str, str]]]] = []
    for level, text, anchor in heads:
        if level == 2 or not tree:
            tree.append((text, anchor, []))
        else:
            tree[-1][2].append((text, anchor))
    items = []
    for text, anchor, children in tree:
        sub = "".join(f'<li><a href="#{e(a)}">{e(t)}</a></li>' for t, a in children)
        items.append(f'<li><a href="#{e(anchor)}">{e(text)}</a>' + (f"<ol>{sub}</ol>" if sub else "") + "</li>")
    return f'<nav aria-label="{e(title)}"><strong>{e(title)}</strong><ol>{"".join(items)}</ol></nav>'


def rule_markdown(policy: CheckedPolicy, name: str, lang: str = "ja") -> str:
    """One rule's section of the staff guideline as Markdown (the editor's hover shows it).

    >>> from kasuhara_rules import parse_policy
    >>> p = parse_policy(\'\'\'policy "店の方針" { id shop version "1" otherwise claim }
    ... outcomes { claim "正当なクレーム", kasuhara "カスハラ" }
    ... schema { call_length "通話時間": duration in minutes }
    ... rule long "長電話" { when call_length >= 30min then kasuhara respond "通話を終える。" }\'\'\')
    >>> "通話時間が30分以上のとき" in rule_markdown(p.checked, "long")
    True
    """
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}: use 'ja' or 'en'")
    rule = policy.rule(name)
    if rule is None:
        raise KeyError(name)
    source = WORDS[lang]["source"]  # the editor shows where the rule is itself
    blocks = [("fields", [f for f in b[1] if f[0] != source]) if b[0] == "fields" else b
              for b in _Builder(policy, lang).rule(rule) if b[0] not in ("rule-open", "rule-close")]
    return to_markdown(blocks)
