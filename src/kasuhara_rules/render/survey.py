"""The anonymous staff risk assessment: a questionnaire from a policy, and its aggregate with suppression.

`build_template` turns a policy into questions (one per kind of conduct, plus grouping questions
and one free-text question). `aggregate` turns answer rows into published figures: prevalence
per kind of conduct per round, and per group (department, role…) × kind per round. Anonymity (docs/reports.md):
no published figure rests on fewer than `k` respondents; over every figure of one report, no
linear combination singles out fewer than `k` people (`disclosure.joint_cells`); a withheld
group is never named (one "other" cell, no number); a grouping question whose answers are
mostly unique is refused; free text and respondent identifiers are never read.
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, Iterable, Mapping, Sequence

import attrs

from ..check.checked import REVIEW, CheckedPolicy
from ..i18n import N_

MIN_K = 3
DEFAULT_K = 5
ANSWERS = {"ja": ("なかった", "1〜2回", "3〜5回", "6回以上"),
           "en": ("never", "1-2 times", "3-5 times", "6 or more times")}
NOT_ANSWERED = {"ja": "（未回答）", "en": "(not answered)"}
GROUPS = {  # the grouping questions an organisation can choose, with the headers that name them
    "department": {"ja": "所属部署", "en": "Department",
                   "aliases": ("department", "dept", "部署", "所属", "所属部署", "部門")},
    "role": {"ja": "職種", "en": "Role", "aliases": ("role", "職種", "役職", "雇用形態")},
    "channel": {"ja": "主に対応する窓口", "en": "Main channel you work on",
                "aliases": ("channel", "窓口", "主に対応する窓口", "受付チャネル")},
}
ROUND_HEADERS = ("round", "実施回", "回", "調査回", "wave")
IDENTIFIER = re.compile(r"(^id$|\bid\b|respondent|回答者|氏名|名前|^name$|\bname\b|e-?mail|メール|mail|社員番号|従業員番号|"
                        r"employee|タイムスタンプ|timestamp|時刻|start time|completion time|ip address)", re.I)


class SurveyError(ValueError):
    """An option or an answers file the survey cannot use (a usage error)."""


@attrs.frozen
class Question:
    """One column of the questionnaire: a grouping question, a kind of conduct, or free text."""

    key: str
    kind: str  # "group", "conduct" or "free"
    title: str
    label: str
    choices: tuple[str, ...] = ()


@attrs.frozen
class Template:
    title: str
    intro: str
    questions: tuple[Question, ...]

    @property
    def conduct(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == "conduct")


def conduct_kinds(policy: CheckedPolicy, by: str = "rule") -> list[tuple[str, str]]:
    """(key, label) of each kind of conduct: the rules that decide something other than the default
    outcome or review, or (by="tag") their tags, each grouping the rules that carry it."""
    rules = [r for r in policy.rules if r.outcome not in (policy.header.otherwise, REVIEW)]
    if by == "rule":
        return [(r.name, r.title or r.name) for r in rules]
    if by != "tag":
        raise SurveyError(N_("--by {by}: use rule or tag", by=by))
    tags: dict[str, list[str]] = {}
    for r in rules:
        for t in r.tags or (r.name,):
            tags.setdefault(t, []).append(r.title or r.name)
    return [(t, t if len(titles) > 1 or t not in {r.name for r in rules} else titles[0]) for t, titles in tags.items()]


def build_template(policy: CheckedPolicy, lang: str = "ja", months: int = 6,
                   groups: Sequence[str] = ("department", "role"), by: str = "rule",
                   departments: Sequence[str] = ()) -> Template:
    """The questionnaire of a policy. The department question offers `departments` as its choices
    (asked even when `groups` leaves it out), else the values of a `one of` field `department` of the
    schema, as the channel question offers those of `channel`; without choices it is free text
    (which splits groups by spelling, and so suppresses more of them).

    >>> from kasuhara_rules import parse_policy
    >>> p = parse_policy('''policy "店" { id shop version "1" otherwise claim }
    ... outcomes { claim, kasuhara } schema { loud "大声": bool }
    ... rule shouting "大声で怒鳴る" { when loud then kasuhara }''')
    >>> [q.title for q in build_template(p.checked).conduct]
    ['過去6か月に、お客様から「大声で怒鳴る」を受けたことは何回ありますか。']
    """
    if lang not in ANSWERS:
        raise SurveyError(N_("unknown language {lang}", lang=repr(lang)))
    questions = []
    named = tuple(dict.fromkeys(d.strip() for d in departments if d.strip()))
    if named and "department" not in groups:
        groups = ("department", *groups)
    for g in groups:
        if g not in GROUPS:
            raise SurveyError(N_("--group {group}: use one of {choices}", group=g, choices=", ".join(GROUPS)))
        choices: tuple[str, ...] = ()
        field = policy.field(g) if g in ("channel", "department") else None
        if field is not None and field.type.values:  # the channels as staff know them: their labels
            choices = tuple(field.type.label_of(v) for v in field.type.values)
        if g == "department" and named:
            choices = named
        title = str(GROUPS[g][lang])
        questions.append(Question(g, "group", title, title, choices))
    for key, label in conduct_kinds(policy, by):
        title = (f"過去{months}か月に、お客様から「{label}」を受けたことは何回ありますか。" if lang == "ja" else
                 f"In the last {months} months, how often did a customer subject you to \"{label}\"?")
        questions.append(Question(key, "conduct", title, label, ANSWERS[lang]))
    free = ("ほかに伝えたいことがあれば書いてください（任意・自由記述は集計にも公表にも使いません）。" if lang == "ja" else
            "Anything else you want to tell us (optional; free text is never aggregated or published).")
    questions.append(Question("comments", "free", free, free))
    h = policy.header
    if lang == "ja":
        intro = (f"この調査は「{h.title}」に沿って、お客様からの迷惑行為の実態を把握するための匿名調査です。"
                 f"回答者を特定する情報は集計に使わず、{DEFAULT_K}人未満の集団の結果は公表しません。")
        title = "カスタマーハラスメントに関する職場アンケート（匿名）"
    else:
        intro = (f"This anonymous survey measures how often staff meet the conduct described in \"{h.title}\". "
                 f"Nothing that identifies you is used, and no result of a group of fewer than {DEFAULT_K} people "
                 "is published.")
        title = "Staff survey on customer harassment (anonymous)"
    return Template(title, intro, tuple(questions))


# ---- the columns of an answers file ---------------------------------------------------------


@attrs.frozen
class Columns:
    """Which column of an answers file is what; every other column is never read."""

    round: int | None
    groups: tuple[tuple[int, str, str], ...]   # (index, group key, label)
    conduct: tuple[tuple[int, str, str], ...]  # (index, kind key, label)
    ignored: tuple[str, ...]                   # headers left unread (identifiers, free text, unknown)


def _norm(text: str) -> str:
    """A header or answer as compared: NFKC, no spaces, lower case, every wave dash or tilde alike
    (Shift_JIS turns 〜 into ～)."""
    text = unicodedata.normalize("NFKC", text).replace("〜", "~")
    return re.sub(r"\s+", "", text).lower()


def classify(header: Sequence[str], templates: Sequence[Template] = (), extra_groups: Sequence[str] = (),
             sample: Sequence[Sequence[str]] = ()) -> Columns:
    """Map header cells to questions. With templates (from --policy) conduct columns are those whose
    header is a conduct question's title or key; without, those whose sampled answers are all answer
    choices. Identifier-like columns are never used, whatever their header says."""
    titles: dict[str, tuple[str, str, str]] = {}
    for t in templates:
        for q in t.questions:
            if q.kind != "free":
                titles[_norm(q.title)] = (q.kind, q.key, q.label)
                titles[_norm(q.key)] = (q.kind, q.key, q.label)
    aliases = {_norm(a): g for g, spec in GROUPS.items() for a in spec["aliases"]}
    aliases.update({_norm(a): a for a in extra_groups})
    answers = {_norm(a) for choices in ANSWERS.values() for a in choices}
    rnd = None
    groups: list[tuple[int, str, str]] = []
    conduct: list[tuple[int, str, str]] = []
    ignored: list[str] = []
    for i, cell in enumerate(header):
        name = _norm(cell)
        if IDENTIFIER.search(cell) and name not in titles and name not in aliases:
            ignored.append(cell)
        elif name in {_norm(r) for r in ROUND_HEADERS} and rnd is None:
            rnd = i
        elif name in titles:
            kind, key, label = titles[name]
            (groups if kind == "group" else conduct).append((i, key, label))
        elif name in aliases:
            groups.append((i, aliases[name], cell.strip()))
        elif not templates and sample and all(_norm(r[i]) in answers for r in sample if i < len(r) and r[i].strip()) \
                and any(i < len(r) and r[i].strip() for r in sample):
            quoted = re.search(r"[「\"“](.+?)[」\"”]", cell)
            key = quoted.group(1) if quoted else cell.strip()
            conduct.append((i, key, key))
        else:
            ignored.append(cell)
    if not conduct:
        raise SurveyError(N_("no column of the answers holds the questionnaire's conduct questions "
                             "(give --policy POLICY, or use the headers `kasu survey template` writes)"))
    return Columns(rnd, tuple(groups), tuple(conduct), tuple(ignored))


@attrs.frozen
class Answer:
    """One respondent's usable cells: round, group values, and for each kind whether they experienced it."""

    round: str
    groups: Mapping[str, str]
    experienced: Mapping[str, bool]


def parse_rows(rows: Iterable[tuple[int, Sequence[str]]], columns: Columns, round_name: str,
               lang: str = "ja") -> tuple[list[Answer], list[int]]:
    """Answers of (line, cells) rows; a row with a conduct cell that is empty or not an answer choice
    is invalid (its line is returned). Only the columns in `columns` are ever looked at."""
    none = {_norm(choices[0]) for choices in ANSWERS.values()}
    valid = {_norm(a) for choices in ANSWERS.values() for a in choices}
    answers, invalid = [], []
    for line, cells in rows:
        def cell(i: int) -> str:
            return cells[i].strip() if i < len(cells) else ""

        kinds = {}
        ok = True
        for i, key, _ in columns.conduct:
            value = _norm(cell(i))
            if value not in valid:
                ok = False
                break
            kinds[key] = value not in none
        if not ok:
            invalid.append(line)
            continue
        rnd = cell(columns.round) if columns.round is not None else ""
        groups = {key: (cell(i) or NOT_ANSWERED[lang]) for i, key, _ in columns.groups}
        answers.append(Answer(rnd or round_name, groups, kinds))
    return answers, invalid


# ---- aggregation with suppression ------------------------------------------------------------


def check_k(k: int) -> None:
    if k < MIN_K:
        raise SurveyError(N_("--min-group {k}: groups smaller than {min} can never be anonymous; use {min} or "
                             "more (the default is {default})", k=k, min=MIN_K, default=DEFAULT_K))


def _percent(x: int, n: int) -> float:
    return round(100 * x / n, 1)


def aggregate(answers: Sequence[Answer], kinds: Sequence[tuple[str, str]], groups: Sequence[tuple[str, str]],
              k: int = DEFAULT_K, rounds: Sequence[str] | None = None) -> dict[str, Any]:
    """Published figures of the answers: per round, per kind, per group; withheld groups are one
    "other" cell per grouping question and round, with neither a name nor a number.

    Raises SurveyError when a grouping question's answers are mostly unique (names, free text)."""
    from .disclosure import joint_cells, mostly_unique

    check_k(k)
    for gkey, glabel in groups:
        lone = mostly_unique([v for a in answers if (v := a.groups.get(gkey, "")) and v not in NOT_ANSWERED.values()], k)
        if lone is not None:
            raise SurveyError(N_("the grouping question {label} has mostly unique answers ({lone} of {count} "
                                 "people gave an answer nobody else gave): names or free text group no one and "
                                 "would only single people out; leave it out, or group by something coarser",
                                 label=glabel, lone=lone[0], count=lone[1]))
    order = list(rounds) if rounds else list(dict.fromkeys(a.round for a in answers))
    by_round = {r: [a for a in answers if a.round == r] for r in order}
    data: dict[str, Any] = {"min_group": k, "kinds": [{"kind": key, "label": label} for key, label in kinds],
                            "rounds": [], "prevalence": [], "groups": [], "change": []}
    published_round = {}
    asked = {}
    cells = {}
    for r in order:
        people = by_round[r]
        ok = len(people) >= k
        published_round[r] = ok
        # the kinds the round asked everyone about (a file without the column did not ask it)
        asked[r] = {key for key, _ in kinds if people and all(key in a.experienced for a in people)}
        keys = [g for g, _ in groups]
        chosen = joint_cells([tuple(a.groups.get(g, "") for g in keys) for a in people], k) if ok else set()
        cells[r] = {(keys[i], v): [a for a in people if a.groups.get(keys[i], "") == v] for i, v in chosen}
        data["rounds"].append({"round": r, "respondents": len(people) if ok else None, "suppressed": not ok})
        for key, _ in kinds:
            cell: dict[str, Any] = {"round": r, "kind": key}
            if not ok:
                cell["suppressed"] = True
            elif key not in asked[r]:
                cell["not_asked"] = True
            else:
                x = sum(1 for a in people if a.experienced.get(key))
                cell.update(respondents=len(people), experienced=x, percent=_percent(x, len(people)))
            data["prevalence"].append(cell)
    for gkey, glabel in groups:
        entry: dict[str, Any] = {"group": gkey, "label": glabel, "cells": []}
        for r in order:
            values = sorted({a.groups.get(gkey, "") for a in by_round[r]})
            shown = sorted(v for g, v in cells[r] if g == gkey)
            for v in shown:
                members = cells[r][(gkey, v)]
                cell = {"round": r, "value": v, "respondents": len(members), "kinds": {}}
                for key, _ in kinds:
                    if key in asked[r]:
                        x = sum(1 for a in members if a.experienced.get(key))
                        cell["kinds"][key] = {"experienced": x, "percent": _percent(x, len(members))}
                    else:
                        cell["kinds"][key] = {"not_asked": True}
                entry["cells"].append(cell)
            if len(shown) < len(values):  # the withheld groups: one cell, no name, no number
                entry["cells"].append({"round": r, "value": None, "other": True, "suppressed": True})
        data["groups"].append(entry)
    for before, after in zip(order, order[1:]):
        if not (published_round[before] and published_round[after]):
            continue
        old = {c["kind"]: c for c in data["prevalence"] if c["round"] == before}
        new = {c["kind"]: c for c in data["prevalence"] if c["round"] == after}
        for key, _ in kinds:
            if key not in asked[before] or key not in asked[after]:
                continue  # a question one of the rounds never asked has no change
            data["change"].append({"kind": key, "from": before, "to": after, "percent_from": old[key]["percent"],
                                   "percent_to": new[key]["percent"],
                                   "change": round(new[key]["percent"] - old[key]["percent"], 1)})
    return data


# ---- rendering -------------------------------------------------------------------------------

WORDS = {
    "ja": {"report": "カスタマーハラスメント 職場アンケート集計（匿名）", "rounds": "調査回", "round": "回",
           "respondents": "回答者数", "kind": "言動の種類", "prevalence": "経験した人の割合（%）",
           "by_kind": "言動の種類別の経験率", "heat": "{group}別の経験率（%）— {round}", "change": "前回からの変化",
           "from": "前回", "to": "今回", "diff": "増減（ポイント）", "suppressed": "—",
           "note": "{k}人未満の集団の結果は公表しません（「—」）。公表したどの数字を組み合わせても{k}人未満の人の"
                   "回答が分からないよう、必要に応じてほかの集団も合わせて非公表にし、非公表の集団は名前を出さず"
                   "「その他」にまとめています。自由記述と回答者を特定する項目は読み込んでいません。",
           "invalid": "使えなかった回答", "invalid_lead": "{n} 件の回答は使えませんでした（ファイルと行）。",
           "line": "行", "group": "集団", "none": "使えなかった回答はありません。",
           "other": "その他（{k} 人未満など）", "not_asked": "（質問なし）"},
    "en": {"report": "Staff survey on customer harassment: results (anonymous)", "rounds": "Rounds", "round": "round",
           "respondents": "respondents", "kind": "conduct", "prevalence": "experienced it (%)",
           "by_kind": "Share who experienced each kind of conduct", "heat": "By {group} (%) — {round}",
           "change": "Change since the previous round", "from": "before", "to": "now", "diff": "change (points)",
           "suppressed": "—",
           "note": "No result of a group of fewer than {k} people is published (\"—\"); where needed other groups are "
                   "withheld too, so that no combination of the published figures reveals the answers of fewer than "
                   "{k} people, and withheld groups are not named but shown together as \"Others\". Free-text answers "
                   "and respondent identifiers are never read.",
           "invalid": "Unusable answers", "invalid_lead": "{n} answers could not be used (file and line).",
           "line": "line", "group": "group", "none": "Every answer was usable.",
           "other": "Others (fewer than {k}, or withheld with them)", "not_asked": "(not asked)"},
}


def _sections(data: dict[str, Any], lang: str) -> list[tuple[Any, ...]]:
    w = WORDS[lang]
    labels = {k["kind"]: k["label"] for k in data["kinds"]}
    out: list[tuple[Any, ...]] = [("h", 1, w["report"]), ("p", w["note"].format(k=data["min_group"]))]
    out += [("h", 2, w["rounds"]),
            ("table", [w["round"], w["respondents"]],
             [[r["round"], w["suppressed"] if r["suppressed"] else str(r["respondents"])] for r in data["rounds"]])]
    rounds = [r["round"] for r in data["rounds"]]
    rows = []
    for key, label in labels.items():
        row = [label]
        for r in rounds:
            cell = next(c for c in data["prevalence"] if c["round"] == r and c["kind"] == key)
            row.append(_figure(cell, w))
        rows.append(row)
    out += [("h", 2, w["by_kind"]), ("chart", "prevalence"), ("table", [w["kind"]] + rounds, rows)]
    for g in data["groups"]:
        for r in rounds:
            cells = [c for c in g["cells"] if c["round"] == r]
            if not cells:
                continue
            # kinds as rows, groups as columns: fits A4 however many kinds the policy has
            head = [w["kind"]] + [_group_name(c, w, data["min_group"]) for c in cells]
            body = [[w["respondents"]] + [w["suppressed"] if c.get("suppressed") else str(c["respondents"])
                                          for c in cells]]
            for key, label in labels.items():
                body.append([label] + [w["suppressed"] if c.get("suppressed") else _figure(c["kinds"][key], w)
                                       for c in cells])
            out += [("h", 2, w["heat"].format(group=g["label"], round=r)), ("chart", f"heat:{g['group']}:{r}"),
                    ("table", head, body)]
    if data["change"]:
        out += [("h", 2, w["change"]),
                ("table", [w["kind"], w["from"], w["to"], w["diff"]],
                 [[f"{labels[c['kind']]} ({c['from']} → {c['to']})", f"{c['percent_from']:.1f}",
                   f"{c['percent_to']:.1f}", f"{c['change']:+.1f}"] for c in data["change"]])]
    inv = data.get("invalid", {"count": 0, "rows": []})
    out.append(("h", 2, w["invalid"]))
    if inv["count"]:
        out += [("p", w["invalid_lead"].format(n=inv["count"])),
                ("table", [w["line"]], [[f"{r['file']}:{r['line']}"] for r in inv["rows"]])]
    else:
        out.append(("p", w["none"]))
    return out


def _figure(cell: Mapping[str, Any], w: Mapping[str, str]) -> str:
    """A percentage as shown: "—" when withheld, "not asked" for a question the round did not ask."""
    if cell.get("suppressed"):
        return w["suppressed"]
    if cell.get("not_asked"):
        return w["not_asked"]
    return f"{cell['percent']:.1f}"


def _group_name(cell: Mapping[str, Any], w: Mapping[str, str], k: int) -> str:
    """A group's name, or for the withheld groups "Others (fewer than k…)", never their names."""
    return w["other"].format(k=k) if cell.get("other") else str(cell["value"])


def chart_specs(data: dict[str, Any], lang: str = "ja") -> dict[str, dict[str, Any]]:
    """Vega-Lite specifications: prevalence per kind and round, and one heat map per group and round."""
    from .charts import grouped_rounds, heat_map

    w = WORDS[lang]
    labels = {k["kind"]: k["label"] for k in data["kinds"]}
    specs = {}
    rows = [{"kind": labels[c["kind"]], "round": c["round"], "value": c["percent"]}
            for c in data["prevalence"] if "percent" in c]
    if rows:
        specs["prevalence"] = grouped_rounds(rows, w["kind"], w["prevalence"], w["round"])
    for g in data["groups"]:
        for r in data["rounds"]:
            cells = [c for c in g["cells"] if c["round"] == r["round"]]
            heat = []
            for c in cells:
                name = _group_name(c, w, data["min_group"])
                for key, label in labels.items():
                    figure = c["kinds"].get(key, {}) if not c.get("suppressed") else {}
                    if "percent" not in figure:
                        heat.append({"group": name, "kind": label, "value": None,
                                     "label": w["not_asked" if figure.get("not_asked") else "suppressed"]})
                    else:
                        p = figure["percent"]
                        heat.append({"group": name, "kind": label, "value": p, "label": f"{p:.0f}"})
            if heat:
                specs[f"heat:{g['group']}:{r['round']}"] = heat_map(heat, w["kind"], g["label"], "%")
    return specs


def to_markdown(data: dict[str, Any], lang: str = "ja") -> str:
    """The aggregate as Markdown tables."""
    from .report import _md

    out: list[str] = []
    for b in _sections(data, lang):
        if b[0] == "h":
            out += ["#" * b[1] + " " + _md(b[2]), ""]
        elif b[0] == "p":
            out += [_md(b[1]), ""]
        elif b[0] == "table":
            out.append("| " + " | ".join(_md(h) for h in b[1]) + " |")
            out.append("|" + "---|" * len(b[1]))
            out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in b[2]]
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def to_html(data: dict[str, Any], lang: str = "ja", charts: Mapping[str, str] | None = None) -> str:
    """The aggregate as one self-contained HTML page with inline SVG charts."""
    from .report import CSS, _html_table

    e = html.escape
    charts = charts or {}
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(WORDS[lang]['report'])}</title>\n<style>{CSS}</style>\n</head>\n<body>"]
    groups: list[list[tuple[Any, ...]]] = []
    for b in _sections(data, lang):
        if not groups or (b[0] == "h" and b[1] == 2):
            groups.append([])
        groups[-1].append(b)
    for group in groups:
        out.append("<section>")
        for b in group:
            if b[0] == "h":
                out.append(f"<h{b[1]}>{e(b[2])}</h{b[1]}>")
            elif b[0] == "p":
                out.append(f"<p>{e(b[1])}</p>")
            elif b[0] == "chart" and charts.get(b[1]):
                out.append(f'<figure class="chart" data-chart="{e(b[1])}">{charts[b[1]]}</figure>')
            elif b[0] == "table":
                out.append(_html_table(b[1], b[2]))
        out.append("</section>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def template_csv_rows(template: Template, lang: str = "ja") -> list[list[str]]:
    """The questionnaire as rows for a form builder: question, type, then one choice a cell."""
    head = ["質問", "種類", "必須"] if lang == "ja" else ["Question", "Type", "Required"]
    kinds = {"ja": {"group": "選択式（1つ）", "conduct": "選択式（1つ）", "free": "記述式"},
             "en": {"group": "Multiple choice", "conduct": "Multiple choice", "free": "Paragraph"}}[lang]
    width = max(len(q.choices) for q in template.questions)
    rows = [head + [("選択肢" if lang == "ja" else "Choice") + f" {i + 1}" for i in range(width)]]
    for q in template.questions:
        required = ("はい" if lang == "ja" else "yes") if q.kind != "free" else ("いいえ" if lang == "ja" else "no")
        rows.append([q.title, kinds[q.kind], required] + list(q.choices) + [""] * (width - len(q.choices)))
    return rows


def template_html(template: Template, lang: str = "ja") -> str:
    """A printable questionnaire (A4): every question with boxes to tick."""
    from .report import CSS

    e = html.escape
    other = "その他（記入）：＿＿＿＿＿＿＿＿" if lang == "ja" else "Other: ________________"
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           f"<title>{e(template.title)}</title>\n<style>{CSS}"
           ".q { break-inside: avoid; page-break-inside: avoid; margin: .9em 0; }"
           ".q p { margin: .2em 0; font-weight: bold; } .choices { list-style: none; padding-left: 1em; margin: .2em 0; }"
           ".choices li { display: inline-block; margin-right: 1.6em; } .box { display: inline-block; width: .9em; "
           "height: .9em; border: 1px solid #333; margin-right: .3em; vertical-align: -0.1em; }"
           ".free { border: 1px solid #888; height: 6em; }</style>\n</head>\n<body>",
           f"<h1>{e(template.title)}</h1>", f"<p>{e(template.intro)}</p>"]
    for i, q in enumerate(template.questions, 1):
        out.append(f'<div class="q"><p>Q{i}. {e(q.title)}</p>')
        if q.kind == "free":
            out.append('<div class="free"></div>')
        else:
            choices = list(q.choices) or [other]
            out.append('<ul class="choices">' + "".join(f'<li><span class="box"></span>{e(c)}</li>' for c in choices)
                       + "</ul>")
        out.append("</div>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)
