"""The staff guide's blocks, and how they are written out: Markdown, or one printable HTML page."""
from __future__ import annotations

import html
from typing import Iterable, Sequence, Union, cast

import attrs

from ..escape import visible

from ..syntax.visitor import Visitor

Item = Union[str, "tuple[str, list[Item]]"]  # a list item: text, or (text, [sub-items])


# ---- blocks: what the guide says, before it is written out ------------------------------------


@attrs.frozen
class Heading:
    level: int
    text: str
    anchor: str | None  # the id links point to (None: not linked)


@attrs.frozen
class Para:
    text: str


@attrs.frozen
class Table:
    headers: list[str] | None  # None: a two-column table of labels and values without a header row
    rows: list[list[str]]


@attrs.frozen
class Bullets:
    ordered: bool
    items: list[Item]


@attrs.frozen
class Contents:
    """The table of contents (of the level-2 and level-3 headings with an anchor)."""


@attrs.frozen
class Glossary:
    entries: list[tuple[str, str]]  # (term, definition)


@attrs.frozen
class Fields:
    """A rule's labelled parts; a value is a text, `Steps`, `Lead` or a list of texts."""

    entries: list[tuple[str, object]]


@attrs.frozen
class Steps:
    """Numbered steps (a field's value)."""

    items: list[str]


@attrs.frozen
class Lead:
    """A sentence with a checklist under it (a field's value)."""

    text: str
    items: list[Item]


@attrs.frozen
class RuleOpen:
    anchor: str


@attrs.frozen
class RuleClose:
    pass


@attrs.frozen
class PinOpen:
    """The page to pin by the phone starts (printed on a page of its own)."""


@attrs.frozen
class PinClose:
    pass


Block = Union[Heading, Para, Table, Bullets, Contents, Glossary, Fields, RuleOpen, RuleClose, PinOpen, PinClose]


def _headings(blocks: Iterable[Block]) -> list[tuple[int, str, str]]:
    return [(b.level, b.text, b.anchor) for b in blocks if isinstance(b, Heading) and b.level in (2, 3) and b.anchor
            and not b.anchor.startswith("pin")]


def to_markdown(blocks: list[Block]) -> str:
    writer = _Markdown(blocks)
    out: list[str] = []
    for b in blocks:
        out += writer.visit(b)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


class _Markdown(Visitor):
    """Each block as Markdown lines."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks

    def visit_Heading(self, b: Heading) -> list[str]:
        return ["#" * b.level + " " + md_escape(b.text), ""]

    def visit_Para(self, b: Para) -> list[str]:
        return [md_escape(b.text), ""]

    def visit_Table(self, b: Table) -> list[str]:
        headers, rows = b.headers, b.rows
        if headers is None:
            headers, rows = ["", ""], rows
        out = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
        out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
        return out + [""]

    def visit_Bullets(self, b: Bullets) -> list[str]:
        return _md_list(b.items, b.ordered, "") + [""]

    def visit_Contents(self, b: Contents) -> list[str]:
        heads = _headings(self.blocks)
        return [f"{'  ' * (level - 2)}- [{md_escape(text)}](#{anchor})" for level, text, anchor in heads] + [""]

    def visit_Glossary(self, b: Glossary) -> list[str]:
        return [f"- **{md_escape(t)}**: {md_escape(d)}" for t, d in b.entries] + [""]

    def visit_Fields(self, b: Fields) -> list[str]:
        out: list[str] = []
        for label, value in b.entries:
            out += _md_field(label, value)
        return out + [""]

    def visit_RuleOpen(self, b: RuleOpen) -> list[str]:
        return [f'<a id="{b.anchor}"></a>', ""]

    def visit_RuleClose(self, b: RuleClose) -> list[str]:
        return []

    visit_PinOpen = visit_PinClose = visit_RuleClose  # the pinned page is a print layout only


def md_escape(text: str) -> str:
    """Text with Markdown's special characters escaped (shared by the guide and the reports).

    >>> md_escape("a_b|c")
    'a\\\\_b\\\\|c'
    """
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return visible(text)  # a CR or LF inside a value would start a line (a forged heading): shown as escapes


def _md_list(items: Sequence[Item], ordered: bool, indent: str) -> list[str]:
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
    if isinstance(value, Steps):
        return [f"- **{md_escape(label)}**:"] + _md_list(value.items, True, "   ")
    if isinstance(value, Lead):
        return [f"- **{md_escape(label)}**: {md_escape(value.text)}"] + _md_list(value.items, False, "   ")
    return [f"- **{md_escape(label)}**:"] + _md_list(list(cast("Iterable[Item]", value)), False, "   ")


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


def to_html(blocks: list[Block], title: str, lang: str, contents: str) -> str:
    """The blocks as one HTML page; `contents` titles the table of contents."""
    e = html.escape
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>"]
    writer = _Html(blocks, contents)
    out += [writer.visit(b) for b in blocks]
    out.append("</body>\n</html>\n")
    return "\n".join(out)


class _Html(Visitor):
    """Each block as HTML."""

    def __init__(self, blocks: list[Block], contents: str) -> None:
        self.blocks = blocks
        self.contents = contents

    def visit_Heading(self, b: Heading) -> str:
        anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{html.escape(b.text)}</h{b.level}>"

    def visit_Para(self, b: Para) -> str:
        return f"<p>{html.escape(b.text)}</p>"

    def visit_Table(self, b: Table) -> str:
        e = html.escape
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows)
        head = "" if b.headers is None else "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in b.headers) + "</tr></thead>"
        return f"<table>{head}<tbody>{rows}</tbody></table>"

    def visit_Bullets(self, b: Bullets) -> str:
        return _html_list(b.items, b.ordered)

    def visit_Contents(self, b: Contents) -> str:
        return _html_contents(_headings(self.blocks), self.contents)

    def visit_Glossary(self, b: Glossary) -> str:
        e = html.escape
        return '<dl class="glossary">' + "".join(f"<dt>{e(t)}</dt><dd>{e(d)}</dd>" for t, d in b.entries) + "</dl>"

    def visit_PinOpen(self, b: PinOpen) -> str:
        return '<section class="pin">'

    def visit_RuleOpen(self, b: RuleOpen) -> str:
        return f'<section class="rule" id="{html.escape(b.anchor)}">'

    def visit_RuleClose(self, b: RuleClose) -> str:
        return "</section>"

    visit_PinClose = visit_RuleClose

    def visit_Fields(self, b: Fields) -> str:
        return "<dl>" + "".join(_html_field(label, value) for label, value in b.entries) + "</dl>"


def _html_list(items: Sequence[Item], ordered: bool) -> str:
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
    elif isinstance(value, Steps):
        body = _html_list(value.items, True)
    elif isinstance(value, Lead):
        body = e(value.text) + (_html_list(value.items, False) if value.items else "")
    else:
        body = _html_list(list(cast("Iterable[Item]", value)), False)
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
