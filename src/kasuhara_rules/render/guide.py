"""Policy → the staff guideline (`kasu doc`): plain-language criteria and responses, Markdown or HTML."""
from __future__ import annotations

from typing import cast

from ..syntax import nodes as n
from .. import values as vt
from ..check.checked import (
    FIRST_MATCH, REVIEW, CheckedPolicy, DefineRef, ElementRef, Field, FieldRef, Item as Named, Rule,
)
from .verbalize import Verbalizer
from .guide_output import (  # noqa: F401 - md_escape is shared from here
    Block, Bullets, Contents, Fields, Glossary, Heading, Lead, Para, PinClose, PinOpen, RuleClose, RuleOpen, Steps,
    Item, Table, md_escape, to_html, to_markdown,
)

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
    return to_markdown(blocks) if fmt == "md" else to_html(blocks, title, lang, WORDS[lang]["contents"])


class _Builder:
    def __init__(self, policy: CheckedPolicy, lang: str, auditor: bool = False) -> None:
        self.p = policy
        self.lang = lang
        self.w = WORDS[lang]
        self.auditor = auditor
        self.v = Verbalizer(policy, lang, codes=auditor)  # `one of` values by their labels (and codes, for auditors)
        self.ja = lang == "ja"

    def blocks(self) -> list[Block]:
        p, w = self.p, self.w
        h = p.header
        out: list[Block] = [Heading(1, h.title, "top")]
        rows = [[w["policy_id"], h.id], [w["version"], h.version]]
        if h.effective is not None:
            rows.append([w["effective"], h.effective.isoformat()])
        rows.append([w["digest"], p.digest or "—"])
        about: list[Block] = [Table([w["item"], w["value"]], rows)]
        if self.auditor:
            out += about
        else:
            out += self.pin_page()
        out.append(Contents())
        out += [Heading(2, w["howto"], "howto")] + [Para(t) for t in self.howto()]
        out += [Heading(2, w["ladder"], "ladder"), Bullets(True, [self.item_title(e) for e in p.escalations])]
        if self.auditor:
            out += [Heading(2, w["outcomes"], "outcomes"),
                    Table([w["name"], w["label"]], [[o.name, o.label or "—"] for o in p.outcomes])]
        else:
            out += [Heading(2, w["outcomes"], "outcomes"), Bullets(False, [o.title for o in p.outcomes])]
        out += [Heading(2, w["severities"], "severities"),
                Bullets(True, [self.item_title(s) for s in reversed(p.severities)])]
        out += [Heading(2, w["rules"], "rules")]
        for heading, anchor, rules in self.groups():
            out.append(Heading(3, heading, anchor))
            for rule in rules:
                out += self.rule(rule)
        if p.phrases:
            out += [Heading(2, w["phrases"], "phrases")]
            for pl in p.phrases.values():
                title = (w["phrase_list"].format(label=pl.label or pl.name, name=pl.name) if self.auditor else
                         f"〈{pl.label or pl.name}〉" if self.ja else f"\"{pl.label or pl.name}\"")
                out += [Heading(4, title, f"phrases-{pl.name}"), Para("、".join(pl.phrases) if self.ja else ", ".join(pl.phrases))]
        if p.defines:
            out += [Heading(2, w["glossary"], "glossary"), Glossary([self.definition(d) for d in p.defines])]
        out += [Heading(2, w["missing"], "missing")] + self.missing()
        if not self.auditor:
            out += [Heading(2, w["about"], "about")] + about
        return out

    def pin_page(self) -> list[Block]:
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
        return [PinOpen(), Heading(2, w["pin"], "pin"), Para(w["pin_lead"]),
                Table([w["conduct"], w["first"], w["call"]], rows),
                Heading(3, w["ladder_pin"], "pin-ladder"), Table([w["whom"], w["call"]], ladder),
                Para(w["police_now"]), PinClose()]

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

    def rule(self, rule: Rule) -> list[Block]:
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
        fields: list[tuple[str, object]] = [(w["decides"], decision), (w["when"], Lead(lead, cast("list[Item]", items)))]
        if rule.unless is not None and rule.unless != n.BoolLit(False):
            fields.append((w["unless"], self.v.sentence(rule.unless)))
        terms = self.terms(rule)
        if terms:
            fields.append((w["terms"], [f"{t}：{d}" if self.ja else f"{t}: {d}" for t, d in terms]))
        if rule.responds:
            fields.append((w["respond"], Steps(list(rule.responds))))
        if rule.escalate:
            fields.append((w["escalate"], self.item_title(self.p.escalation(rule.escalate))))  # type: ignore[arg-type]  # declared
        if rule.cites:
            fields.append((w["cite"], list(rule.cites)))
        if rule.tags and self.auditor:
            fields.append((w["tags"], ", ".join(rule.tags)))
        if self.auditor:
            fields.append((w["source"], str(rule.span)))
        return [RuleOpen(f"rule-{rule.name}"), Heading(4, heading, None), Fields(fields), RuleClose()]

    def terms(self, rule: Rule) -> list[tuple[str, str]]:
        """The defines a rule uses (and those they use), each with its definition."""
        seen: list[str] = []
        stack = [rule.when] + ([rule.unless] if rule.unless is not None else [])
        while stack:
            for sub in n.walk(stack.pop()):
                ref = n.ref_of(sub)
                if isinstance(ref, DefineRef) and ref.name not in seen:
                    seen.append(ref.name)
                    stack.append(self.p.defines[ref.name].expr)
        return [self.definition(name) for name in seen]

    def definition(self, name: str) -> tuple[str, str]:
        d = self.p.defines[name]
        body = self.v.sentence(d.expr) if d.type.kind == vt.BOOL else self.v.noun(d.expr)
        return self.v.define_title(name), body

    def missing(self) -> list[Block]:
        review = self.item_title(self.p.outcome(REVIEW))
        optional: list[Item] = []
        for f in self.pending_fields():
            label = f.label or f.name
            if not self.auditor:
                optional.append(label)
                continue
            optional.append(f"{label}（{f.name}）" if self.ja and f.label else f"{f.name} ({label})" if f.label else label)
        if self.ja:
            out: list[Block] = [Para(f"判断に必要な情報が記録になく、その情報しだいで判断が変わる場合、判断は「{review}」になります。"
                         "このときは、記録されている情報だけで決めず、足りない情報を確かめてから上長が判断します。"
                         "判断の説明には、保留になった基準と足りない情報、そして情報がそろわなかった場合の暫定の判断が示されます。")]
            if optional:
                out += [Para("次の項目は、記録がないと判断が保留になることがあります。"), Bullets(False, optional)]
            return out
        out = [Para(f"When information a decision depends on was not recorded, and the decision could change with "
                     f"it, the outcome is \"{review}\". Do not decide from what is recorded alone: find out what is "
                     "missing, then let your supervisor decide. The explanation of the decision names the criteria "
                     "left pending, the missing information, and the provisional decision.")]
        if optional:
            out += [Para("These items can leave a decision pending when they are not recorded:"), Bullets(False, optional)]
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
        ref = n.ref_of(e)
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
            ref = n.ref_of(sub)
            if isinstance(ref, DefineRef) and ref.name not in seen:
                seen.add(ref.name)
                out += [g for g in self._optional_refs(self.p.defines[ref.name].expr, seen) if g not in out]
        return out

    def _guards(self, e: object, f: Field, present: bool) -> bool:
        """`e` is `f is present` (present=True) or `f is missing` (present=False), maybe through a define."""
        ref = n.ref_of(e)
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
        ref = n.ref_of(e)
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
    blocks: list[Block] = [Fields([f for f in b.entries if f[0] != source]) if isinstance(b, Fields) else b
              for b in _Builder(policy, lang).rule(rule) if not isinstance(b, (RuleOpen, RuleClose))]
    return to_markdown(blocks)
