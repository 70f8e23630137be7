"""The case file (`kasu journal export`) as one printable A4 HTML page, in Japanese or English.

It renders the data `Journal.case_file` builds — nothing is read or decided again — so the page
shows exactly what the journal holds: the facts as recorded, each decision with the conditions of
its rules, people's verdicts, the steps taken, attachments' hashes, the policy versions, and every
entry's hash with the one before it, which lets the reader check each link with `sha256sum`.
"""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping

from ..coerce import REDACTED

WORDS: dict[str, dict[str, Any]] = {
    "ja": {
        "title": "事案記録（ケースファイル）", "incident": "事案", "site": "拠点", "occurred": "発生日時",
        "current": "現在の判断", "verdict": "人の判断", "none": "なし", "exported": "出力日時", "by": "出力者",
        "sensitive": "個人情報", "shown": "表示している（この出力は開示として記録済み: 記録 {seq}）",
        "hidden": "伏せている（‹redacted›）", "summary": "概要", "timeline": "経過", "seq": "番号", "at": "日時 (UTC)",
        "who": "記録者", "kind": "種類", "what": "内容", "facts": "事実（記録された内容）", "revision": "第 {n} 版",
        "field": "項目", "value": "値", "decisions": "判断と理由", "outcome": "区分", "severity": "重さ",
        "escalation": "報告・引き継ぎ先", "rule": "判断したルール", "matched": "該当したルール",
        "pending": "情報が足りず保留したルール", "responses": "対応", "conditions": "条件",
        "verdicts": "人の判断（確認・変更）", "confirm": "確認", "override": "変更", "reason": "理由",
        "concluded": "結論", "actions": "取った対応", "action": "対応", "taken": "実施日時", "note": "メモ",
        "attachments": "添付（ファイル本体は別に保管）", "name": "名前", "media": "種類", "size": "大きさ",
        "policies": "使われた方針", "policy": "方針", "version": "版", "effective": "施行日", "digest": "ダイジェスト", "files": "ファイル",
        "purges": "削除した個人情報", "disclosures": "個人情報の開示", "to": "開示先", "purpose": "目的",
        "chain": "改ざん検知（ハッシュの鎖）", "hash": "ハッシュ", "previous": "直前の記録のハッシュ",
        "head": "出力時の鎖の先頭", "holds": "各記録のハッシュは直前のハッシュと内容から計算し直して一致しました。",
        "fails": "一致しない記録があります。kasu journal verify で確かめてください。",
        "how": "各記録のハッシュ = SHA-256（直前のハッシュ、改行、記録の正規化 JSON）。",
        "kinds": {"policy": "方針", "record": "事実", "decision": "判断", "verdict": "人の判断", "action": "対応",
                  "attachment": "添付", "purge": "削除", "disclosure": "開示"},
        "marks": {"matched": "該当", "not_matched": "非該当", "undetermined": "不明"},
        "purged": "保存期間の終了により削除", "request": "本人等の求めにより削除", "values": "件",
    },
    "en": {
        "title": "Case file", "incident": "Incident", "site": "Site", "occurred": "Occurred",
        "current": "Current decision", "verdict": "People's verdict", "none": "none", "exported": "Exported",
        "by": "Exported by", "sensitive": "Personal data", "shown": "shown (this export is journaled as a "
        "disclosure: entry {seq})", "hidden": "withheld (‹redacted›)", "summary": "Summary", "timeline": "Timeline",
        "seq": "entry", "at": "time (UTC)", "who": "by", "kind": "kind", "what": "what", "facts": "Facts as recorded",
        "revision": "revision {n}", "field": "field", "value": "value", "decisions": "Decisions and their reasons",
        "outcome": "outcome", "severity": "severity", "escalation": "escalation", "rule": "deciding rule",
        "matched": "matched rules", "pending": "rules pending for missing data", "responses": "responses",
        "conditions": "conditions", "verdicts": "People's verdicts", "confirm": "confirmed", "override": "overridden",
        "reason": "reason", "concluded": "concluded", "actions": "Steps taken", "action": "action",
        "taken": "taken at", "note": "note", "attachments": "Attachments (the files are kept elsewhere)",
        "name": "name", "media": "type", "size": "size", "policies": "Policy versions used", "policy": "policy", "version": "version",
        "effective": "effective", "digest": "digest", "files": "files", "purges": "Personal data removed",
        "disclosures": "Personal data disclosed", "to": "to", "purpose": "purpose",
        "chain": "Tamper evidence (the hash chain)", "hash": "hash", "previous": "previous entry's hash",
        "head": "head of the chain when exported",
        "holds": "Every entry's hash was recomputed from the previous hash and its contents, and matches.",
        "fails": "Some entry does not match: run kasu journal verify.",
        "how": "Each entry's hash = SHA-256 of the previous hash, a newline, and the entry's canonical JSON.",
        "kinds": {"policy": "policy", "record": "facts", "decision": "decision", "verdict": "verdict",
                  "action": "action", "attachment": "attachment", "purge": "purge", "disclosure": "disclosure"},
        "marks": {"matched": "matched", "not_matched": "not matched", "undetermined": "unknown"},
        "purged": "removed: retention ended", "request": "removed on request", "values": "values",
    },
}

CSS = """
:root { color-scheme: light; }
@page { size: A4; margin: 14mm 13mm 16mm; }
html { font-size: 10pt; }
body { margin: 0 auto; max-width: 60em; padding: 1.5em; color: #1a1a1a; background: #fff;
  font-family: "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Noto Sans CJK JP", "Noto Sans JP",
    "Yu Gothic", "YuGothic", "Meiryo", "Source Han Sans JP", "IPAexGothic", sans-serif;
  line-height: 1.55; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; border-bottom: 3px solid #7a1f1f; padding-bottom: .3em; }
h2 { font-size: 1.2em; color: #7a1f1f; border-left: 6px solid #7a1f1f; padding-left: .5em; margin: 1.5em 0 .5em;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.05em; margin: 1em 0 .3em; break-after: avoid; page-break-after: avoid; }
section { break-inside: auto; }
table { border-collapse: collapse; margin: .4em 0; font-size: .9em; width: 100%; }
th, td { border: 1px solid #c9b8b8; padding: .15em .45em; text-align: left; vertical-align: top; }
th { background: #f6efef; width: 11em; }
thead th { width: auto; white-space: nowrap; }
td:first-child, td.nowrap { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.hash { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: .78em; word-break: break-all; }
.mark-matched { color: #7a1f1f; font-weight: bold; } .mark-undetermined { color: #8a6d00; }
.note { color: #4a4a4a; font-size: .9em; }
ul.conditions { margin: .2em 0 .4em 1.2em; padding: 0; }
@media print { body { max-width: none; padding: 0; } }
"""


def to_html(data: Mapping[str, Any], lang: str = "ja") -> str:
    """The case file as one self-contained HTML page (A4 when printed)."""
    w = WORDS[lang if lang in WORDS else "ja"]
    e = html.escape
    labels = data.get("labels", {})
    state = data["state"]
    out = [f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(w['title'])} — {e(str(data['incident']))}</title>\n<style>{CSS}</style>\n</head>\n<body>",
           f"<h1>{e(w['title'])}: {e(str(data['incident']))}</h1>"]
    verdict = state.get("verdict")
    rows = [(w["incident"], data["incident"]), (w["site"], state.get("site") or w["none"]),
            (w["occurred"], _time(state.get("occurred_at") or "") or w["none"]),
            (w["current"], _decision_text(state, labels, lang)),
            (w["verdict"], w[verdict] + " → " + _final_text(state, labels) if verdict else w["none"]),
            (w["exported"], data["exported_at"]), (w["by"], data.get("exported_by") or w["none"]),
            (w["sensitive"], w["shown"].format(seq=data.get("disclosure_entry")) if data["sensitive_shown"]
             else w["hidden"])]
    out.append(_section(w["summary"], _pairs(rows)))
    out.append(_section(w["timeline"], _table([w["seq"], w["at"], w["who"], w["kind"], w["what"]],
                                              [[t["seq"], _time(t["at"]), t["by"], w["kinds"].get(t["kind"], t["kind"]),
                                                _what(t, data, w, labels)] for t in data["timeline"]])))
    facts = []
    for fact in data["facts"]:
        facts.append(f"<h3>{e(w['revision'].format(n=fact.get('revision')))} — {e(_time(fact['at']))} "
                     f"({e(fact['by'])})</h3>")
        order = list(labels.get("fields", {}))
        keys = sorted(fact["record"], key=lambda k: (order.index(k) if k in order else len(order), k))
        facts.append(_pairs([(labels.get("fields", {}).get(k, k), _choice(labels, k, fact["record"][k])) for k in keys]))
    out.append(_section(w["facts"], "\n".join(facts)))
    parts = [_decision_block(d, labels, w, lang) for d in data["decisions"]]
    out.append(_section(w["decisions"], "\n".join(parts)))
    if data["verdicts"]:
        out.append(_section(w["verdicts"], _table(
            [w["seq"], w["at"], w["who"], w["verdict"], w["concluded"], w["reason"]],
            [[v["entry"], _time(v["at"]), v["by"], w.get(v["verdict"], v["verdict"]), _final_text(v, labels),
              v.get("reason") or ""] for v in data["verdicts"]])))
    if data["actions"]:
        out.append(_section(w["actions"], _table(
            [w["seq"], w["taken"], w["who"], w["action"], w["note"]],
            [[a["entry"], _time(a["taken_at"]), a["by"], labels.get("escalations", {}).get(a["action"], a["action"]),
              a.get("note") or ""] for a in data["actions"]])))
    if data["attachments"]:
        out.append(_section(w["attachments"], _table(
            [w["seq"], w["name"], w["media"], w["size"], "SHA-256"],
            [[a["entry"], a["name"], a.get("media_type") or "", "" if a.get("size") is None else a["size"],
              _Hash(a["sha256"])] for a in data["attachments"]])))
    policies = []
    for p in data["policies"]:
        policies.append(_pairs([("id", p["id"]), (w["version"], p["version"]),
                                (w["effective"], p.get("effective") or w["none"]), (w["digest"], _Hash(p["digest"]))]))
        policies.append(_table([w["files"], w["digest"]], [[f["path"], _Hash(f["digest"])] for f in p["files"]]))
    out.append(_section(w["policies"], "\n".join(policies)))
    if data["purges"] or data["disclosures"]:
        rows2 = [[p["entry"], _time(p["at"]), p["by"], w["purged"] if p["reason"] == "retention" else w["request"],
                  f"{len(p['values'])} {w['values']}" + (f" — {p['note']}" if p.get("note") else "")]
                 for p in data["purges"]]
        rows2 += [[d["entry"], _time(d["at"]), d["by"], w["kinds"]["disclosure"],
                   f"{w['to']}: {d['to']} — {w['purpose']}: {d.get('purpose') or ''}"] for d in data["disclosures"]]
        out.append(_section(w["purges"] + " / " + w["disclosures"],
                            _table([w["seq"], w["at"], w["who"], w["kind"], w["what"]], sorted(rows2, key=lambda r: r[0]))))
    chain = data["chain"]
    notes = f'<p>{e(w["holds"] if chain["links_hold"] else w["fails"])}</p><p class="note">{e(w["how"])}</p>'
    head = _pairs([(w["head"], f"{chain['head']['seq']}"), (w["hash"], _Hash(chain["head"]["hash"]))])
    links = _table([w["seq"], w["hash"], w["previous"]],
                   [[t["seq"], _Hash(t["hash"]), _Hash(t["previous"] or "")] for t in data["timeline"]])
    out.append(_section(w["chain"], notes + head + links))
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _time(stamp: str) -> str:
    """An entry's UTC time as people read it: `2026-05-01 01:00:00 UTC`."""
    if len(stamp) >= 19 and stamp[10] == "T":
        return stamp[:10] + " " + stamp[11:19] + (" UTC" if stamp.endswith("Z") else stamp[19:])
    return stamp


class _Hash(str):
    """A hash: shown in a small monospace font that may break anywhere."""


def _cell(value: Any) -> str:
    if isinstance(value, _Hash):
        return f'<span class="hash">{html.escape(value)}</span>'
    return html.escape("" if value is None else str(value))


def _section(title: str, body: str) -> str:
    return f"<section>\n<h2>{html.escape(title)}</h2>\n{body}\n</section>"


def _pairs(rows: Iterable[tuple[str, Any]]) -> str:
    return "<table><tbody>" + "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_cell(v)}</td></tr>"
                                      for k, v in rows) + "</tbody></table>"


def _table(head: list[str], rows: Iterable[list[Any]]) -> str:
    thead = "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _choice(labels: dict[str, Any], field: str, value: Any) -> str:
    """A record value as text; a `one of` value (or its label, as the record may give it) as
    `label (value)`."""
    choices: dict[str, str] = labels.get("values", {}).get(field) or {}
    if isinstance(value, str) and choices:
        code = value if value in choices else next((v for v, lab in choices.items() if lab == value), None)
        if code is not None and choices[code] != code:
            return f"{choices[code]} ({code})"
    return _value(value)


def _value(value: Any) -> str:
    """A record value as text: a sensitive one as its value (when shown) or ‹redacted›."""
    import json

    if isinstance(value, dict) and set(value) == {"value", "salted_hash"}:
        inner = value["value"]
        return inner if isinstance(inner, str) else json.dumps(inner, ensure_ascii=False)
    if isinstance(value, str):
        return value
    if value is True or value is False or value is None:
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _label(labels: Mapping[str, Any], kind: str, name: Any) -> str:
    if name is None:
        return "-"
    title = labels.get(kind, {}).get(name)
    return f"{title} ({name})" if title and title != name else str(name)


def _decision_text(d: Mapping[str, Any], labels: Mapping[str, Any], lang: str) -> str:
    text = _label(labels, "outcomes", d.get("outcome"))
    if d.get("severity"):
        text += " ・ " + _label(labels, "severities", d["severity"])
    if d.get("escalation"):
        text += " ・ " + ("エスカレーション: " if lang == "ja" else "escalate: ") + _label(labels, "escalations",
                                                                                        d["escalation"])
    return text


def _final_text(v: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    outcome = v.get("outcome", v.get("final_outcome"))
    severity = v.get("severity", v.get("final_severity"))
    escalation = v.get("escalation", v.get("final_escalation"))
    parts = [_label(labels, "outcomes", outcome)]
    if severity:
        parts.append(_label(labels, "severities", severity))
    if escalation:
        parts.append(_label(labels, "escalations", escalation))
    return " ・ ".join(parts)


def _what(t: Mapping[str, Any], data: Mapping[str, Any], w: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    """One line saying what an entry of the timeline holds."""
    seq = t["seq"]
    for kind, key in (("facts", "record"), ("decisions", "decision"), ("verdicts", "verdict"), ("actions", "action"),
                      ("attachments", "attachment"), ("purges", "purge"), ("disclosures", "disclosure")):
        for item in data[kind]:
            if item["entry"] != seq:
                continue
            if key == "record":
                return str(w["revision"]).format(n=item.get("revision"))
            if key == "decision":
                return _decision_text(item["decision"], labels, "ja" if w is WORDS["ja"] else "en")
            if key == "verdict":
                return f"{w.get(item['verdict'], item['verdict'])} → {_final_text(item, labels)}"
            if key == "action":
                return str(labels.get("escalations", {}).get(item["action"], item["action"]))
            if key == "attachment":
                return f"{item['name']} (SHA-256 {item['sha256'][:12]}…)"
            if key == "purge":
                return f"{len(item['values'])} {w['values']}"
            return f"{w['to']}: {item['to']}"
    return ""


def _decision_block(d: Mapping[str, Any], labels: Mapping[str, Any], w: Mapping[str, Any], lang: str) -> str:
    e = html.escape
    body = d["decision"]
    rows = [(w["outcome"], _label(labels, "outcomes", body.get("outcome"))),
            (w["severity"], _label(labels, "severities", body.get("severity"))),
            (w["escalation"], _label(labels, "escalations", body.get("escalation"))),
            (w["rule"], _label(labels, "rules", body.get("rule"))),
            (w["matched"], ", ".join(_label(labels, "rules", r) for r in body.get("matched", [])) or w["none"])]
    if body.get("pending"):
        rows.append((w["pending"], "; ".join(f"{_label(labels, 'rules', p['rule'])}: {', '.join(p.get('missing', [])) or '—'}"
                                             for p in body["pending"])))
    policy = body.get("policy") or {}
    rows.append((w["policy"], f"{policy.get('id')} {policy.get('version')}"))
    out = [f"<h3>{e(_time(str(d['at'])))} ({e(str(d['by']))})</h3>", _pairs(rows)]
    if body.get("responses"):
        out.append(f"<p><b>{e(w['responses'])}</b></p><ol>" +
                   "".join(f"<li>{e(r)}</li>" for r in body["responses"]) + "</ol>")
    shown = [t for t in body.get("trace", []) if t.get("result") in ("matched", "undetermined")]
    for entry in shown:
        mark = w["marks"].get(entry["result"], entry["result"])
        out.append(f'<p><span class="mark-{e(entry["result"])}">{e(mark)}</span> '
                   f'{e(_label(labels, "rules", entry.get("rule")))} <span class="note">{e(str(entry.get("at", "")))}'
                   f"</span></p>")
        out.append('<ul class="conditions">' + "".join(_conditions(entry.get("condition"), w)) + "</ul>")
    return "\n".join(out)


def _conditions(node: Any, w: Mapping[str, Any], depth: int = 0) -> list[str]:
    """The leaves of a trace's condition: each tested text, its value and the values it read."""
    if not isinstance(node, Mapping):
        return []
    children = node.get("children") or []
    if children and depth < 8:
        return [line for child in children for line in _conditions(child, w, depth + 1)]
    value = node.get("value")
    mark = {True: "✔", False: "✘", None: "?"}.get(value, "•") if isinstance(value, (bool, type(None))) else "•"
    reads = node.get("reads") or {}
    read = ", ".join(f"{k} = {_read(v)}" for k, v in reads.items())
    return [f"<li>{mark} <code>{html.escape(str(node.get('text', '')))}</code>"
            + (f' <span class="note">({html.escape(read)})</span>' if read else "") + "</li>"]


def _read(value: Any) -> str:
    import json

    if value == REDACTED:
        return REDACTED
    return json.dumps(value, ensure_ascii=False)
