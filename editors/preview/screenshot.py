"""A browser preview of what `kasu lsp` tells an editor, rendered to HTML and screenshotted.

    python editors/preview/screenshot.py                       # writes docs/images/editor-diagnostic.png
    python editors/preview/screenshot.py --html preview.html   # the page only

It starts the real server (`python -m kasuhara_rules lsp`, the `lsp` extra), opens the shipped
quickstart policy with a misspelt name, and draws the text as an editor would: the published
diagnostic underlined with its message, code, hint and quick fix, and the hover of a rule (its
criteria from the staff guide, in Japanese). Needs a headless Chromium for the PNG.
"""
from __future__ import annotations

import argparse
import asyncio
import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "examples" / "quickstart.kasu"
TYPO = ("  when     demanded_dogeza\n", "  when     demanded_dogza\n")


async def ask_server(text: str, path: Path) -> dict:
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    uri = from_fs_path(str(path))
    client = LanguageClient("kasu-preview", "1")
    got: asyncio.Future = asyncio.get_running_loop().create_future()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        if not got.done():
            got.set_result(params.diagnostics)

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    await client.start_io(sys.executable, "-m", "kasuhara_rules", "lsp", env=env)
    try:
        await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(),
                                                         initialization_options={"lang": "ja"}))
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="kasu", version=1, text=text)))
        diagnostics = await asyncio.wait_for(got, 60)
        doc = t.TextDocumentIdentifier(uri=uri)
        lines = text.split("\n")
        rule_line = next(i for i, line in enumerate(lines) if line.startswith("rule manager"))
        hover = await client.text_document_hover_async(t.HoverParams(
            text_document=doc, position=t.Position(line=rule_line, character=6)))
        first = diagnostics[0]
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=doc, range=first.range, context=t.CodeActionContext(diagnostics=[first])))
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return {"diagnostics": diagnostics, "hover": hover, "hover_line": rule_line, "actions": actions or []}


def _markdown(text: str) -> str:
    """Just enough Markdown for a hover: headings, bullets, bold, code."""
    import re

    out = []
    for line in text.split("\n"):
        if line.startswith("```"):
            continue
        escaped = html.escape(line)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
        escaped = re.sub(r"`(.+?)`", r"<code>\1</code>", escaped).replace("\\_", "_")
        if line.startswith("#"):
            out.append(f"<div class=h>{escaped.lstrip('#').strip()}</div>")
        elif line.lstrip().startswith("- "):
            depth = (len(line) - len(line.lstrip())) // 2
            out.append(f"<div class=li style='margin-left:{depth * 14}px'>• {escaped.lstrip()[2:]}</div>")
        elif line.strip():
            out.append(f"<div>{escaped}</div>")
    return "\n".join(out)


def page(text: str, answers: dict) -> str:
    lines = text.split("\n")
    diag = answers["diagnostics"][0]
    r = diag.range
    rows = []
    for number, line in enumerate(lines):
        body = html.escape(line)
        if number == r.start.line:
            a, b = r.start.character, r.end.character
            body = (html.escape(line[:a]) + f"<span class=squiggle>{html.escape(line[a:b])}</span>"
                    + html.escape(line[b:]))
        rows.append(f"<div class=row><span class=num>{number + 1}</span><span class=code>{body or ' '}</span></div>")
        if number == r.start.line:
            message = html.escape(diag.message).replace("\n", "<br>")
            fixes = "".join(f"<div class=fix>クイックフィックス: {html.escape(a.title)}</div>" for a in answers["actions"])
            rows.append(f"<div class=popup style='margin-left:{60 + r.start.character * 9}px'>"
                        f"<div class=msg>{message}</div><div class=src>kasu({html.escape(str(diag.code))})</div>"
                        f"{fixes}</div>")
    hover = _markdown(answers["hover"].contents.value) if answers["hover"] else ""
    return f"""<!doctype html><html lang=ja><meta charset=utf-8><style>
body {{ margin:0; background:#1e1e1e; color:#d4d4d4; font: 15px/1.55 'DejaVu Sans Mono', 'IPAexGothic', monospace; }}
.bar {{ background:#2d2d2d; color:#ccc; padding:6px 14px; font-family:'IPAexGothic', sans-serif; font-size:13px; }}
.wrap {{ display:flex; }} .editor {{ flex: 1 1 auto; min-width:0; overflow:hidden; padding:8px 0; }}
.row {{ white-space:pre; }} .num {{ display:inline-block; width:44px; text-align:right; color:#858585; margin-right:16px; }}
.squiggle {{ text-decoration: underline wavy #f14c4c; text-underline-offset:3px; }}
.popup {{ display:inline-block; background:#252526; border:1px solid #454545; padding:8px 12px; margin:4px 0 6px;
  font-family:'IPAexGothic', sans-serif; font-size:14px; max-width:640px; white-space:normal; }}
.msg {{ color:#f48771; }} .src {{ color:#858585; font-size:12px; margin-top:2px; }}
.fix {{ color:#75beff; margin-top:6px; }}
.hover {{ flex: 0 0 430px; background:#252526; border-left:1px solid #454545; padding:12px 16px;
  font-family:'IPAexGothic', sans-serif; font-size:13.5px; overflow-wrap:anywhere; }}
.hover .title {{ color:#858585; font-size:12px; margin-bottom:6px; }}
.hover .h {{ font-weight:bold; margin:8px 0 4px; color:#fff; }} code {{ color:#ce9178; }}
</style><body><div class=bar>quickstart.kasu — kasu lsp（診断・クイックフィックス・ホバー, lang=ja）</div>
<div class=wrap><div class=editor>{''.join(rows)}</div>
<div class=hover><div class=title>ホバー: {html.escape(lines[answers['hover_line']])}</div>{hover}</div></div>
</body></html>"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--html", help="write the page here (and take no screenshot unless --png is given)")
    ap.add_argument("--png", default=None, help="default: docs/images/editor-diagnostic.png")
    args = ap.parse_args(argv)
    text = POLICY.read_text(encoding="utf-8").replace(*TYPO)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / POLICY.name
        path.write_text(text, encoding="utf-8")
        answers = asyncio.run(ask_server(text, path))
        document = page(text, answers)
        if args.html:
            Path(args.html).write_text(document, encoding="utf-8")
            if args.png is None:
                return 0
        png = Path(args.png or ROOT / "docs" / "images" / "editor-diagnostic.png")
        browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if browser is None:
            raise SystemExit("no headless Chromium found; use --html to write the page only")
        source = Path(tmp) / "preview.html"
        source.write_text(document, encoding="utf-8")
        png.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--screenshot={png}", "--window-size=1280,860", source.as_uri()],
                       check=True, capture_output=True, timeout=120)
        print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
