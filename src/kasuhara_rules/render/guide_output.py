"""The staff guide's blocks written out: Markdown, or one printable HTML page with its stylesheet."""
from __future__ import annotations

import html
from typing import Iterable


def _headings(blocks: Iterable[tuple]) -> list[tuple[int, str, str]]:
    return [(b[1], b[2], b[3]) for b in blocks if b[0] == "h" and b[1] in (2, 3) and b[3]
            and not b[3].startswith("pin")]


def to_markdown(blocks: list[tuple]) -> str:
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


def _md_list(items: list, ordered: bool, indent: str) -> list[str]:
    out = []
    for i, item in enumerate(items, 1):
        marker = f"{i}." if ordered else "-"
        if isinstance(item, tuple):
            out.append(f"{indent}{marker} {md_escape(item[0])}")
            out += _md_list(item[1], False, indent + "   ")
        else:
            out.append(f"{indent}{marker} {md_escape(item)}")
    return out


def _md_field(label: str, value: object) -> list[str]:
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


def to_html(blocks: list[tuple], title: str, lang: str, contents: str) -> str:
    """The blocks as one HTML page; `contents` titles the table of contents."""
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
            out.append(_html_contents(_headings(blocks), contents))
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


def _html_list(items: list, ordered: bool) -> str:
    tag = "ol" if ordered else "ul"
    parts = []
    for item in items:
        if isinstance(item, tuple):
            parts.append(f"<li>{html.escape(item[0])}{_html_list(item[1], False)}</li>")
        else:
            parts.append(f"<li>{html.escape(item)}</li>")
    return f"<{tag}>" + "".join(parts) + f"</{tag}>"


def _html_field(label: str, value: object) -> str:
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
