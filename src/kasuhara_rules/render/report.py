"""Decisions → the trend report (`kasu report`): counts per period, review backlog, changes, invalid records.

`aggregate` is a pure function from a policy and its decisions to plain data (the JSON report);
`to_markdown` and `to_html` render that data. No sensitive field value is ever read into the data:
only outcomes, severities, rules, escalations, the values of non-sensitive `one of` fields, the
date of each record (reduced to its period) and the messages of invalid records (which never carry
a sensitive value) are.
"""
from __future__ import annotations

import datetime as _dt
import html
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from .. import values as vt
from ..i18n import N_, translate
from ..coerce import enum_value
from ..check.checked import REVIEW, CheckedPolicy, Field
from . import periods
from .guide_output import md_escape

PERIODS = periods.BY  # --by: month, quarter, fiscal-quarter, fiscal-year (periods.py)
DIMENSIONS = ("outcomes", "severities", "rules", "escalations")
NONE = "-"  # the key of decisions without a severity, rule or escalation


class ReportError(ValueError):
    """A report option that does not fit the policy (for example a --date-field that is no date)."""


def date_fields(policy: CheckedPolicy) -> list[Field]:
    """The top-level date and datetime fields of the schema, in schema order."""
    return [f for f in policy.fields if f.type.kind in (vt.DATETIME, vt.DATE)]


def choice_fields(policy: CheckedPolicy) -> list[Field]:
    """The top-level `one of` fields whose values a report may show (never a sensitive one)."""
    return [f for f in policy.fields if f.type.kind == vt.ENUM and not f.sensitive]


def pick_date_field(policy: CheckedPolicy, name: str | None) -> Field | None:
    """The field the periods come from: `name`, or the first datetime (then date) field that is not
    sensitive (a customer's birth date never gives periods unless named); None when the schema has
    none (the report then has totals but no periods)."""
    fields = date_fields(policy)
    if name is not None:
        for f in fields:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in fields) or N_("none")
        raise ReportError(N_("--date-field {name}: not a date or datetime field of the schema (those are: {known})",
                             name=name, known=known))
    for kind in (vt.DATETIME, vt.DATE):
        for f in fields:
            if f.type.kind == kind and not f.sensitive:
                return f
    return None


FIRST_DAY, LAST_DAY = _dt.date(1970, 1, 1), _dt.date(2199, 12, 31)  # dates a report counts; others are invalid


def local_date(value: Any, timezone: str | None = None) -> _dt.date | None:
    """The calendar date of a record's date or date-time value: in the policy's time zone when it
    names one, else as written (in the value's own offset); datetimes.local_date.

    >>> local_date("2026-10-31T23:30:00+09:00"), local_date("2026-10-31T15:30:00Z", "Asia/Tokyo")
    (datetime.date(2026, 10, 31), datetime.date(2026, 11, 1))
    >>> local_date("2026-10-31") , local_date(None)
    (datetime.date(2026, 10, 31), None)
    """
    from ..datetimes import local_date as local

    return local(value, timezone)


def aggregate(policy: CheckedPolicy, decisions: Iterable[Any], by: str = "month", date_field: str | None = None,
              sources: Sequence[str] = (), fiscal_start: int = periods.FISCAL_START) -> dict[str, Any]:
    """The report data of decided records (engine `Decision`s, invalid ones included, or
    `(file, Decision)` pairs so that invalid records are listed with their file).

    Every count is over valid records; invalid records are counted and listed by line.
    `sources` names the input files, for the report's header; `fiscal_start` is the month fiscal
    years start in (April: 年度), for `by` fiscal-quarter and fiscal-year (periods.py).
    """
    if by not in PERIODS:
        raise ReportError(N_("--by {by}: use month, quarter, fiscal-quarter or fiscal-year", by=by))
    if not 1 <= fiscal_start <= 12:
        raise ReportError(N_("--fiscal-start {month}: give the month fiscal years start in, 1 to 12 (4 for April)",
                             month=fiscal_start))
    zone = policy.header.timezone
    when = pick_date_field(policy, date_field)
    choices = choice_fields(policy)
    totals: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    fields_total: dict[str, Counter[str]] = {f.name: Counter() for f in choices}
    per: dict[str, dict[str, Counter[str]]] = {}
    matched: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    review_count = 0
    undated = 0
    invalid: list[dict[str, Any]] = []
    records = 0
    for item in decisions:
        source, decision = item if isinstance(item, tuple) else (None, item)
        records += 1
        if decision.error is not None:
            error = decision.error
            bad = {"line": decision.line if decision.line is not None else error.line,
                   "field": error.field, "message": error.message}
            if source is not None:
                bad["file"] = source
            invalid.append(bad)
            continue
        keys = {"outcomes": decision.outcome, "severities": decision.severity or NONE,
                "rules": decision.rule or NONE, "escalations": decision.escalation or NONE}
        record = decision.record  # a read-only copy: read it once
        record = record if isinstance(record, Mapping) else {}
        day = local_date(record.get(when.name), zone) if when is not None else None
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:  # a typo in the year (0026) is no period
            bad = {"line": decision.line, "field": when.name if when is not None else None,
                   "message": N_("the date lies outside the years {first}–{last} a report counts (a typo in the "
                                 "year?)", first=FIRST_DAY.year, last=LAST_DAY.year)}
            if source is not None:
                bad["file"] = source
            invalid.append(bad)
            continue
        if day is None:
            undated += 1
            bucket = None
        else:
            period = periods.period_of(day, by, fiscal_start)
            bucket = per.get(period)
            if bucket is None:  # (not setdefault: its default would be built for every record)
                bucket = per[period] = {**{d: Counter() for d in DIMENSIONS},
                                        **{f"field:{f.name}": Counter() for f in choices}}
        for dim, key in keys.items():
            totals[dim][key] += 1
            if bucket is not None:
                bucket[dim][key] += 1
        for f in choices:
            value = record.get(f.name)  # the value, or its label (as records may give it)
            found = enum_value(value, f.type.values, f.type.labels) if isinstance(value, str) else None
            key = found if found is not None else NONE
            fields_total[f.name][key] += 1
            if bucket is not None:
                bucket[f"field:{f.name}"][key] += 1
        matched.update(decision.matched)
        if decision.outcome == REVIEW:
            review_count += 1
            missing.update({m for p in decision.pending for m in p.missing})
    names = _names(policy)
    spans = []
    if per:
        for period in periods.span(min(per), max(per), by, fiscal_start):
            bucket = per.get(period)
            first, last = periods.bounds(period, by, fiscal_start)
            entry: dict[str, Any] = {"period": period, "start": first.isoformat(), "end": last.isoformat(),
                                     "records": sum(bucket["outcomes"].values()) if bucket else 0}
            for dim in DIMENSIONS:
                entry[dim] = _ordered(bucket[dim] if bucket else Counter(), names[dim], dim == "outcomes")
            entry["fields"] = {f.name: _ordered(bucket[f"field:{f.name}"] if bucket else Counter(),
                                                list(f.type.values), False) for f in choices}
            spans.append(entry)
    data: dict[str, Any] = {
        "policy": {"id": policy.header.id, "version": policy.header.version, "title": policy.header.title,
                   "digest": policy.digest},
        "sources": list(sources),
        "by": by,
        **({"fiscal_start": fiscal_start} if by.startswith("fiscal") else {}),
        "date_field": when.name if when is not None else None,
        "date_field_sensitive": when is not None and when.sensitive,
        "records": records,
        "decided": records - len(invalid),
        "undated": undated,
        "outcomes": _ordered(totals["outcomes"], names["outcomes"], True),
        "severities": _ordered(totals["severities"], names["severities"], False),
        "rules": _ordered(totals["rules"], names["rules"], False),
        "escalations": _ordered(totals["escalations"], names["escalations"], False),
        "fields": {f.name: _ordered(fields_total[f.name], list(f.type.values), False) for f in choices},
        "periods": spans,
        "review": {"count": review_count,
                   "missing": [{"field": name, "count": count} for name, count in _top(missing)]},
        "top_rules": [{"rule": name, "matched": count, "decided": totals["rules"].get(name, 0)}
                      for name, count in _top(matched)[:10]],
        "change": _change(spans),
        "invalid": {"count": len(invalid), "records": invalid},
        "labels": _labels(policy, choices),
    }
    return data


def _names(policy: CheckedPolicy) -> dict[str, list[str]]:
    return {"outcomes": [o.name for o in policy.outcomes],
            "severities": [s.name for s in reversed(policy.severities)] + [NONE],
            "rules": [r.name for r in policy.rules] + [NONE],
            "escalations": [e.name for e in reversed(policy.escalations)] + [NONE]}


def _ordered(counter: Counter[str], order: list[str], keep_zero: bool) -> dict[str, int]:
    """Counts in the policy's order; zeros kept only when asked (outcomes always list all)."""
    out = {key: counter.get(key, 0) for key in order if keep_zero or counter.get(key)}
    out.update({k: v for k, v in counter.items() if k not in out and v})
    return out


def _top(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _change(periods: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last period against the one before it, for every dimension."""
    if len(periods) < 2:
        return None
    last, prev = periods[-1], periods[-2]
    out: dict[str, Any] = {"period": last["period"], "previous": prev["period"],
                           "records": {"count": last["records"], "previous": prev["records"],
                                       "change": last["records"] - prev["records"]}}
    for dim in DIMENSIONS:
        keys = list(dict.fromkeys(list(prev[dim]) + list(last[dim])))
        rows = {k: {"count": last[dim].get(k, 0), "previous": prev[dim].get(k, 0),
                    "change": last[dim].get(k, 0) - prev[dim].get(k, 0)} for k in keys}
        out[dim] = {k: v for k, v in rows.items() if v["count"] or v["previous"]}
    return out


def _labels(policy: CheckedPolicy, choices: list[Field]) -> dict[str, Any]:
    return {
        "outcomes": {o.name: o.title for o in policy.outcomes},
        "severities": {s.name: s.title for s in policy.severities},
        "escalations": {e.name: e.title for e in policy.escalations},
        "rules": {r.name: r.title or r.name for r in policy.rules},
        "fields": {f.name: f.title for f in policy.fields},
        "choices": [f.name for f in choices],
        "values": {f.name: {v: f.type.label_of(v) for v in f.type.values} for f in choices},
    }


# ---- rendering -----------------------------------------------------------------------------

WORDS = {
    "ja": {
        "title": "カスタマーハラスメント 傾向レポート", "policy": "方針", "sources": "入力", "period_by": "集計単位",
        "month": "月", "quarter": "四半期", "fiscal-quarter": "年度の四半期", "fiscal-year": "年度",
        "fiscal_start": "年度の始まり", "month_n": "{n}月", "date_field": "期間の基準", "records": "記録", "decided": "判断した記録",
        "invalid_n": "判断できなかった記録", "undated": "日付のない記録", "summary": "概要",
        "outcomes": "判断の区分", "severities": "重さ", "rules": "判断したルール", "escalations": "報告・引き継ぎ先",
        "by_period": "{what}（期間別）", "period": "期間", "total": "合計", "count": "件数", "none": "なし", "unrecorded": "（記録なし）",
        "review": "要確認の滞留", "review_n": "人の判断を待っている記録は {n} 件です。",
        "missing": "足りなかった情報（多い順）", "field": "項目", "top_rules": "よく当たるルール",
        "rule": "ルール", "matched": "当たった件数", "decided_by": "判断した件数",
        "change": "前の期間からの変化", "change_lead": "{period} と {previous} の比較",
        "previous": "前期間", "this": "今期間", "diff": "増減",
        "invalid": "判断できなかった記録", "invalid_lead": "{n} 件の記録は判断できませんでした（行番号と理由）。",
        "line": "行", "reason": "理由", "no_invalid": "判断できなかった記録はありません。",
        "no_change": "比較できる期間が二つ以上ありません。", "no_review": "要確認の記録はありません。",
        "note": "この報告には、機微な項目（発言内容など）の値は含まれません。",
        "note_dates": "期間は、指定により機微な項目「{field}」の日付から求めています。そのほかの機微な項目の値は含まれません。",
        "chart": "グラフ",
        "people": "人の判断（確認と変更）", "people_lead": "確認 {confirmed} 件、変更 {overridden} 件。人の判断を待つ判断 {waiting} 件（うち要確認 {reviews} 件）。",
        "confirmed": "確認", "overridden": "変更", "override_rate": "変更の割合", "overridden_to": "変更後",
    },
    "en": {
        "title": "Customer harassment: trend report", "policy": "policy", "sources": "input", "period_by": "periods",
        "month": "month", "quarter": "quarter", "fiscal-quarter": "fiscal quarter", "fiscal-year": "fiscal year",
        "fiscal_start": "fiscal years start in", "month_n": "{name}", "date_field": "dated by", "records": "records",
        "decided": "records decided", "invalid_n": "records not decided", "undated": "records without a date",
        "summary": "Summary", "outcomes": "Outcomes", "severities": "Severities", "rules": "Deciding rules",
        "escalations": "Escalations", "by_period": "{what} by period", "period": "period", "total": "total",
        "count": "count", "none": "none", "unrecorded": "(not recorded)", "review": "Review backlog",
        "review_n": "{n} records are waiting for a person to decide.",
        "missing": "Missing information (most frequent first)", "field": "field", "top_rules": "Rules that fire most",
        "rule": "rule", "matched": "matched", "decided_by": "decided",
        "change": "Change since the previous period", "change_lead": "{period} compared with {previous}",
        "previous": "previous", "this": "this period", "diff": "change",
        "invalid": "Records not decided", "invalid_lead": "{n} records could not be decided (line and reason).",
        "line": "line", "reason": "reason", "no_invalid": "Every record was decided.",
        "no_change": "There are fewer than two periods to compare.", "no_review": "No record is waiting for review.",
        "note": "This report never contains the values of sensitive fields (such as remarks).",
        "note_dates": "Periods come from the dates of the sensitive field {field}, as asked (--date-field); "
                      "no other sensitive value appears.",
        "chart": "chart",
        "people": "People's verdicts (confirmed and overridden)",
        "people_lead": "{confirmed} confirmed, {overridden} overridden; {waiting} decisions wait for a verdict "
                       "({reviews} of them reviews).",
        "confirmed": "confirmed", "overridden": "overridden", "override_rate": "override rate",
        "overridden_to": "overridden to",
    },
}


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _label(data: dict[str, Any], dim: str, key: str, lang: str) -> str:
    if dim.startswith("field:"):  # a value by its label; absent is "not recorded", never a value's word
        if key == NONE:
            return WORDS[lang]["unrecorded"]
        value_label: str = data["labels"].get("values", {}).get(dim[6:], {}).get(key, key)
        return value_label
    if key == NONE:
        return WORDS[lang]["none"]
    label: str = data["labels"].get(dim, {}).get(key, key)
    return label


def _sections(data: dict[str, Any], lang: str) -> list[tuple[Any, ...]]:
    """The report as blocks shared by Markdown and HTML: (kind, …)."""
    w = WORDS[lang]
    p = data["policy"]
    out: list[tuple[Any, ...]] = [("h", 1, w["title"])]
    meta = [[w["policy"], f"{p['title']} ({p['id']} {p['version']})"]]
    if data["sources"]:
        meta.append([w["sources"], ", ".join(data["sources"])])
    if data["date_field"] is not None:
        meta += [[w["period_by"], w[data["by"]]],
                 [w["date_field"], data["labels"]["fields"].get(data["date_field"], data["date_field"])]]
        if "fiscal_start" in data:
            month = data["fiscal_start"]
            meta.append([w["fiscal_start"], w["month_n"].format(n=month, name=MONTHS[month - 1])])
    meta += [[w["records"], str(data["records"])], [w["decided"], str(data["decided"])],
             [w["invalid_n"], str(data["invalid"]["count"])]]
    if data["undated"]:
        meta.append([w["undated"], str(data["undated"])])
    note = w["note"]
    if data.get("date_field_sensitive"):  # named explicitly: the report says where its periods come from
        note = w["note_dates"].format(field=data["labels"]["fields"].get(data["date_field"], data["date_field"]))
    out += [("table", None, meta), ("p", note, "note")]
    out += [("h", 2, w["summary"]),
            ("table", [w["outcomes"], w["count"]],
             [[_label(data, "outcomes", k, lang), str(v)] for k, v in data["outcomes"].items()])]
    dims = [("outcomes", data["labels"]["outcomes"]), ("severities", None), ("escalations", None), ("rules", None)]
    if not data["periods"]:  # no date to count periods by: totals only
        for dim, _ in dims[1:]:
            out += [("h", 2, w[dim]), ("table", [w[dim], w["count"]],
                                       [[_label(data, dim, k, lang), str(v)] for k, v in data[dim].items() if v])]
        for name in data["labels"]["choices"]:
            out += [("h", 2, data["labels"]["fields"].get(name, name)),
                    ("table", [data["labels"]["fields"].get(name, name), w["count"]],
                     [[_label(data, f"field:{name}", k, lang), str(v)] for k, v in data["fields"][name].items() if v])]
        dims = []
    for dim, _ in dims:
        keys = [k for k in data[dim] if data[dim][k]] if dim != "outcomes" else list(data[dim])
        title = w["by_period"].format(what=w[dim])
        out.append(("h", 2, title))
        if dim == "rules":
            out.append(("rule_table", keys))
        else:
            out += [("chart", dim), ("period_table", dim, keys)]
    for name in data["labels"]["choices"] if data["periods"] else ():
        label = data["labels"]["fields"].get(name, name)
        keys = [k for k, v in data["fields"][name].items() if v]
        out += [("h", 2, w["by_period"].format(what=label)), ("chart", f"field:{name}"),
                ("period_table", f"field:{name}", keys)]
    out.append(("h", 2, w["review"]))
    review = data["review"]
    if review["count"]:
        out.append(("p", w["review_n"].format(n=review["count"])))
        if review["missing"]:
            out.append(("table", [w["missing"], w["count"]],
                        [[data["labels"]["fields"].get(m["field"], m["field"]), str(m["count"])]
                         for m in review["missing"]]))
    else:
        out.append(("p", w["no_review"]))
    out += [("h", 2, w["top_rules"]), ("chart", "top_rules"),
            ("table", [w["rule"], w["matched"], w["decided_by"]],
             [[_label(data, "rules", r["rule"], lang), str(r["matched"]), str(r["decided"])]
              for r in data["top_rules"]])]
    out.append(("h", 2, w["change"]))
    change = data["change"]
    if change is None:
        out.append(("p", w["no_change"]))
    else:
        out.append(("p", w["change_lead"].format(period=periods.name(change["period"], lang),
                                                 previous=periods.name(change["previous"], lang))))
        rows = [[w["records"], str(change["records"]["previous"]), str(change["records"]["count"]),
                 _signed(change["records"]["change"])]]
        for dim in DIMENSIONS:
            for key, row in change[dim].items():
                rows.append([f"{w[dim]}: {_label(data, dim, key, lang)}", str(row["previous"]), str(row["count"]),
                             _signed(row["change"])])
        out.append(("table", ["", w["previous"], w["this"], w["diff"]], rows))
    if "people" in data:  # the report from the journal (`kasu report --db`)
        out += _people(data, lang)
    out.append(("h", 2, w["invalid"]))
    inv = data["invalid"]
    if inv["count"]:
        out += [("p", w["invalid_lead"].format(n=inv["count"])),
                ("table", [w["line"], w["field"], w["reason"]],
                 [[(f"{r['file']}:" if r.get("file") else "") + str(r["line"] or ""), r["field"] or "", str(translate(r["message"], lang))]
                  for r in inv["records"]])]
    else:
        out.append(("p", w["no_invalid"]))
    return out


def _people(data: dict[str, Any], lang: str) -> list[tuple[Any, ...]]:
    """How often people confirmed and overrode each rule's decisions, and to what."""
    w = WORDS[lang]
    p = data["people"]
    rows = [[_label(data, "rules", r["rule"], lang), str(r["decided"]), str(r["confirmed"]), str(r["overridden"]),
             "—" if r["override_rate"] is None else f"{r['override_rate'] * 100:.0f}%",
             ", ".join(f"{k} {v}" for k, v in r["to"].items())] for r in p["rules"]]
    return [("h", 2, w["people"]),
            ("p", w["people_lead"].format(confirmed=p["confirmed"], overridden=p["overridden"],
                                          waiting=p["without_verdict"], reviews=p["reviews_without_verdict"])),
            ("table", [w["rule"], w["decided_by"], w["confirmed"], w["overridden"], w["override_rate"],
                       w["overridden_to"]], rows)]


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _period_rows(data: dict[str, Any], dim: str, keys: list[str], lang: str) -> tuple[list[str], list[list[str]]]:
    w = WORDS[lang]
    head = [w["period"]] + [_label(data, dim, k, lang) for k in keys] + [w["total"]]
    rows = []
    for period in data["periods"]:
        counts = period["fields"][dim[6:]] if dim.startswith("field:") else period[dim]
        rows.append([periods.name(period["period"], lang)] + [str(counts.get(k, 0)) for k in keys]
                    + [str(period["records"])])
    return head, rows


RECENT = 6  # periods shown in the table of rules (the JSON has them all)


def _rule_rows(data: dict[str, Any], keys: list[str], lang: str) -> tuple[list[str], list[list[str]]]:
    """Rules as rows, the most recent periods as columns, then the total of all periods."""
    w = WORDS[lang]
    recent = data["periods"][-RECENT:]
    head = [w["rule"]] + [periods.name(p["period"], lang) for p in recent] + [w["total"]]
    rows = [[_label(data, "rules", k, lang)] + [str(p["rules"].get(k, 0)) for p in recent] + [str(data["rules"][k])]
            for k in keys]
    return head, rows


def _table(data: dict[str, Any], block: tuple[Any, ...], lang: str) -> tuple[list[str] | None, list[list[str]]]:
    if block[0] == "table":
        return block[1], block[2]
    if block[0] == "rule_table":
        return _rule_rows(data, block[1], lang)
    return _period_rows(data, block[1], block[2], lang)


def to_markdown(data: dict[str, Any], lang: str = "ja") -> str:
    """The report as Markdown (tables, no charts)."""
    out: list[str] = []
    for block in _sections(data, lang):
        kind = block[0]
        if kind == "h":
            out += ["#" * block[1] + " " + _md(block[2]), ""]
        elif kind == "p":
            out += [_md(block[1]), ""]
        elif kind in ("table", "period_table", "rule_table"):
            head, rows = _table(data, block, lang)
            head = head or ["", ""]
            out.append("| " + " | ".join(_md(h) for h in head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Markdown-escaped text on one line (a table cell or a heading)."""
    return md_escape(text).replace("\n", " ")


CSS = """
:root { color-scheme: light; }
@page { size: A4; margin: 14mm 13mm 16mm; }
html { font-size: 10pt; }
body { margin: 0 auto; max-width: 60em; padding: 1.5em; color: #1a1a1a; background: #fff;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Noto Sans CJK JP", "Noto Sans JP",
    "Yu Gothic", "YuGothic", "Meiryo", "Source Han Sans JP", "IPAexGothic", sans-serif;
  line-height: 1.6; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; border-bottom: 3px solid #1f4e79; padding-bottom: .3em; }
h2 { font-size: 1.2em; color: #1f4e79; border-left: 6px solid #1f4e79; padding-left: .5em; margin: 1.6em 0 .5em;
  break-after: avoid; page-break-after: avoid; }
section { break-inside: avoid; page-break-inside: avoid; }
section.long { break-inside: auto; page-break-inside: auto; }
table { border-collapse: collapse; margin: .5em 0; font-size: .9em; }
th, td { border: 1px solid #b8c4d0; padding: .15em .5em; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
figure.chart { margin: .5em 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
.note { color: #4a5866; font-size: .9em; }
@media print { body { max-width: none; padding: 0; } }
"""


def to_html(data: dict[str, Any], lang: str = "ja", charts: Mapping[str, str] | None = None) -> str:
    """The report as one self-contained HTML page; `charts` maps a chart key to its inline SVG."""
    e = html.escape
    charts = charts or {}
    w = WORDS[lang]
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(w['title'])} — {e(data['policy']['title'])}</title>\n<style>{CSS}</style>\n</head>\n<body>"]
    groups: list[list[tuple[Any, ...]]] = []
    for block in _sections(data, lang):
        if not groups or (block[0] == "h" and block[1] == 2):
            groups.append([])
        groups[-1].append(block)
    for group in groups:
        long = any(len(_table(data, b, lang)[1]) > 30 for b in group
                   if b[0] in ("table", "period_table", "rule_table"))
        out.append('<section class="long">' if long else "<section>")
        for block in group:
            kind = block[0]
            if kind == "h":
                out.append(f"<h{block[1]}>{e(block[2])}</h{block[1]}>")
            elif kind == "p":
                cls = ' class="note"' if block[2:] == ("note",) else ""
                out.append(f"<p{cls}>{e(block[1])}</p>")
            elif kind == "chart":
                svg = charts.get(block[1])
                if svg:
                    out.append(f'<figure class="chart" data-chart="{e(block[1])}">{svg}</figure>')
            elif kind in ("table", "period_table", "rule_table"):
                out.append(_html_table(*_table(data, block, lang)))
        out.append("</section>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _html_table(head: list[str] | None, rows: list[list[str]]) -> str:
    e = html.escape

    def cell(tag: str, text: str) -> str:
        numeric = text.lstrip("+-").replace(".", "", 1).isdigit() or text == "—"
        return f'<{tag} class="n">{e(text)}</{tag}>' if numeric else f"<{tag}>{e(text)}</{tag}>"

    thead = "" if head is None else "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead>"
    body = "".join("<tr>" + "".join(cell("td", c) for c in row) + "</tr>" for row in rows)
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _scale(data: dict[str, Any], dim: str, lang: str) -> dict[str, str]:
    """The colours of an ordered dimension (severities, escalations), highest first as the legend lists
    them: darkest for the highest (重大), lightest for the lowest, grey for none."""
    from .charts import NONE_COLOUR, ordered_colours

    names = [item for item in data["labels"][dim]]  # the policy's order: lowest first
    colours = dict(zip(reversed(names), reversed(ordered_colours(len(names)))))
    out = {_label(data, dim, k, lang): colour for k, colour in colours.items()}
    out[_label(data, dim, NONE, lang)] = NONE_COLOUR
    return out


def chart_specs(data: dict[str, Any], lang: str = "ja") -> dict[str, dict[str, Any]]:
    """Vega-Lite specifications of the report's charts (rendered to SVG by render.charts)."""
    from .charts import bar_chart, stacked_periods

    w = WORDS[lang]
    specs: dict[str, dict[str, Any]] = {}
    shown = [periods.name(p["period"], lang) for p in data["periods"]]
    for dim in ("outcomes", "severities", "escalations"):
        rows = [{"period": periods.name(p["period"], lang), "key": _label(data, dim, k, lang), "count": c, "order": i}
                for p in data["periods"] for i, (k, c) in enumerate(p[dim].items()) if c]
        if rows:
            specs[dim] = stacked_periods(rows, w["period"], w["count"], w[dim], shown,
                                         _scale(data, dim, lang) if dim != "outcomes" else None)
    for name in data["labels"]["choices"]:
        rows = [{"period": periods.name(p["period"], lang), "key": _label(data, f"field:{name}", k, lang), "count": c, "order": i}
                for p in data["periods"] for i, (k, c) in enumerate(p["fields"][name].items()) if c]
        if rows:
            specs[f"field:{name}"] = stacked_periods(rows, w["period"], w["count"],
                                                     data["labels"]["fields"].get(name, name), shown)
    if data["top_rules"]:
        specs["top_rules"] = bar_chart([{"key": _label(data, "rules", r["rule"], lang), "count": r["matched"]}
                                        for r in data["top_rules"]], w["matched"])
    return specs
