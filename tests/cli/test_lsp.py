"""`kasu lsp` end to end: a real LSP client (pygls) talks to `python -m kasuhara_rules lsp` over a pipe."""
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest.importorskip("lsprotocol")

from lsprotocol import types as t  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from kasuhara_rules.cli.lsp.analysis import analyse, lang_from  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

GOOD = """policy "店の方針" {
  id        shop
  version   "1"
  otherwise claim
}

schema {
  channel "受付チャネル": one of ["phone", "counter"]
  call_length "通話時間": duration in minutes
}

outcomes { claim "正当なクレーム", kasuhara "カスハラ" }

define long_call "長時間の電話" = channel == "phone" and call_length >= 30min

rule long "長電話" {
  when     long_call
  then     kasuhara
  respond  "通話を終える。"
}
"""
BROKEN = GOOD.replace("when     long_call", "when     long_cal")


def _environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


async def _session(tmp_path: Path) -> dict:
    policy = tmp_path / "shop.kasu"
    policy.write_text(GOOD, encoding="utf-8")
    uri = from_fs_path(str(policy))
    client = LanguageClient("kasu-test", "1")
    published: asyncio.Queue = asyncio.Queue()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    async def next_diagnostics() -> list:
        return (await asyncio.wait_for(published.get(), 30)).diagnostics

    await client.start_io(sys.executable, "-m", "kasuhara_rules", "lsp", env=_environment())
    seen: dict = {}
    try:
        result = await asyncio.wait_for(client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(), initialization_options={"lang": "ja", "debounceMs": 0},
            root_uri=from_fs_path(str(tmp_path)))), 60)
        seen["capabilities"] = result.capabilities
        client.initialized(t.InitializedParams())
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="kasu", version=1, text=BROKEN)))
        seen["broken"] = await next_diagnostics()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=GOOD)]))
        seen["fixed"] = await next_diagnostics()
        doc = t.TextDocumentIdentifier(uri=uri)
        rule_line = GOOD.split("\n").index("rule long \"長電話\" {")
        seen["hover"] = await client.text_document_hover_async(t.HoverParams(
            text_document=doc, position=t.Position(line=rule_line, character=6)))
        when_line = rule_line + 1
        seen["definition"] = await client.text_document_definition_async(t.DefinitionParams(
            text_document=doc, position=t.Position(line=when_line, character=12)))
        then_line = rule_line + 2
        seen["complete"] = await client.text_document_completion_async(t.CompletionParams(
            text_document=doc, position=t.Position(line=then_line, character=len("  then     "))))
        messy = GOOD.replace("  id        shop", "id shop")
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=messy)]))
        await next_diagnostics()
        seen["format"] = await client.text_document_formatting_async(t.DocumentFormattingParams(
            text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True)))
        seen["symbols"] = await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=doc))
        await client.shutdown_async(None)
        client.exit(None)
        seen["exit"] = await asyncio.wait_for(client._server.wait(), 30)
    finally:
        await client.stop()
    return seen


def test_language_server_over_a_pipe(tmp_path):
    seen = asyncio.run(_session(tmp_path))
    caps = seen["capabilities"]
    assert caps.hover_provider and caps.definition_provider and caps.document_formatting_provider
    broken = [d for d in seen["broken"] if d.severity == t.DiagnosticSeverity.Error]
    assert [d.code for d in broken] == ["E301"]
    assert "long_cal" in broken[0].message and "long_call" in broken[0].message  # with the hint
    assert broken[0].range.start.line == GOOD.split("\n").index("  when     long_call")
    assert list(seen["fixed"]) == []
    hover = seen["hover"].contents.value
    assert "長電話" in hover and "〔長時間の電話〕に当たるとき" in hover  # the staff guide's criteria, in Japanese
    (location,) = seen["definition"]
    assert location.range.start.line == GOOD.split("\n").index(
        'define long_call "長時間の電話" = channel == "phone" and call_length >= 30min')
    labels = {item.label: item.detail for item in seen["complete"].items}
    assert labels["kasuhara"] == "カスハラ" and "claim" in labels and "long_call" not in labels
    (edit,) = seen["format"]
    assert edit.new_text == GOOD
    assert {s.name for s in seen["symbols"]} >= {"long", "long_call", "channel"}
    assert seen["exit"] == 0


def test_without_the_extra_the_command_names_the_install(tmp_path):
    """With pygls hidden, `kasu lsp` says which extra to install and exits 2."""
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('hidden for the test', name='pygls')\n")
    env = _environment()
    env["PYTHONPATH"] = str(tmp_path) + os.pathsep + env["PYTHONPATH"]
    done = subprocess.run([sys.executable, "-m", "kasuhara_rules", "lsp"], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "pip install 'kasuhara-rules[lsp]'" in done.stderr


# ---- the analysis behind the answers (no protocol: fast) -------------------------------------------

def _retail():
    path = str(EXAMPLES / "retail.kasu")
    return analyse(path, (EXAMPLES / "retail.kasu").read_text(encoding="utf-8")), path


def _position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def test_definition_and_hover_across_extends():
    a, path = _retail()
    line, column = _position(a.text, "demand_type in", 2)
    occ = a.at(line, column)
    (decl,) = a.definitions(occ.kind, occ.name)
    assert decl.span.file.endswith("mhlw-baseline.kasu")
    span, text = a.hover(line, column, "ja")
    assert "要求の種類" in text and "mhlw-baseline.kasu" in text and "one of" in text


def test_references_of_an_overridden_rule_reach_the_base():
    a, _ = _retail()
    line, column = _position(a.text, "override rule persistent_contacts", len("override rule "))
    occ = a.at(line, column)
    files = {os.path.basename(o.span.file) for o in a.references(occ.kind, occ.name)}
    assert files == {"retail.kasu", "mhlw-baseline.kasu"}
    assert len(a.definitions("rule", "persistent_contacts")) == 2  # the base rule and the override


def test_go_to_the_base_policy_file():
    a, _ = _retail()
    line, column = _position(a.text, '"mhlw-baseline.kasu"', 3)
    assert a.link_at(line, column).target == str(EXAMPLES / "mhlw-baseline.kasu")


def test_completion_of_one_of_values_inside_a_comparison():
    text = GOOD.replace("when     long_call", 'when     channel == "')
    a = analyse("/tmp/shop.kasu", text, previous=analyse("/tmp/shop.kasu", GOOD))
    line, column = _position(text, 'channel == "', len('channel == "'))
    items = a.complete(line, column)
    assert [c.label for c in items] == ['"phone"', '"counter"']
    assert items[0].insert == 'phone"'  # the opening quote is already typed


def test_completion_of_keywords_in_place():
    text = GOOD.replace("  respond  \"通話を終える。\"\n", "  respond  \"通話を終える。\"\n  esc\n")
    a = analyse("/tmp/shop.kasu", text)
    line, _ = _position(text, "  esc\n")
    labels = {c.label for c in a.complete(line, 6)}
    assert {"escalate", "cite", "unless"} <= labels
    top = {c.label for c in a.complete(text.count("\n") + 1, 1)}
    assert {"rule", "define", "phrases", "example"} <= top and "escalate" not in top


def test_quick_fixes_named_by_hints():
    cases = [
        (GOOD.replace("when     long_call", "when     long_cal"), "long_cal", "long_call"),
        (GOOD.replace("call_length >= 30min", "call_length >= 30"), "30", "30min"),
        (GOOD.replace('channel == "phone"', 'channel ＝= "phone"'), "＝", "="),
        (GOOD.replace('channel == "phone"', 'channel == "phon"'), '"phon"', '"phone"'),
    ]
    for text, written, fixed in cases:
        a = analyse("/tmp/shop.kasu", text)
        fixes = [f for d in a.diagnostics for f in a.fixes(d)]
        assert fixes, (written, a.diagnostics)
        fix = fixes[0]
        start = a.sources[fix.span.file].between(fix.span.line, fix.span.column, fix.span.end_line,
                                                 fix.span.end_column)
        assert (start, fix.text) == (written, fixed)


def test_the_unclosed_brace_is_where_the_diagnostic_points():
    """A `{` never closed is E128 at that `{` itself (not E121 at the end of the file), so the
    editor marks the brace without needing related information."""
    text = GOOD[: GOOD.rindex("}")]
    a = analyse("/tmp/shop.kasu", text)
    (d,) = [d for d in a.diagnostics if d.code == "E128"]
    assert (d.span.line, d.span.column) == _position(text, '"長電話" {', len('"長電話" '))
    assert not [d for d in a.diagnostics if d.code == "E121"]


def test_related_information_points_at_the_inherited_declaration(tmp_path):
    base = tmp_path / "base.kasu"
    base.write_text(GOOD, encoding="utf-8")
    child = ('policy "子" {\n  id child\n  version "1"\n  otherwise claim\n}\n\nextends "base.kasu"\n\n'
             'rule long "again" {\n  when     long_call\n  then     kasuhara\n  respond  "x"\n}\n')
    a = analyse(str(tmp_path / "child.kasu"), child)
    (d,) = [d for d in a.diagnostics if d.code == "E603"]
    spans = [span for span, _ in a.related(d)]
    assert any(s.file == str(base) and s.line == GOOD.split("\n").index('rule long "長電話" {') + 1 for s in spans)


def test_semantic_tokens_and_symbols_cover_the_names():
    a = analyse("/tmp/shop.kasu", GOOD)
    kinds = {(line, kind) for line, _, _, kind, _ in a.tokens()}
    when_line = GOOD.split("\n").index("  when     long_call") + 1
    assert (when_line, "define") in kinds
    assert [d.name for d in a.symbols() if d.kind in ("rule", "define")] == ["long_call", "long"]


def test_language_of_messages():
    assert lang_from("ja", "en-US", {}) == "ja"
    assert lang_from(None, "ja-JP", {}) == "ja"
    assert lang_from(None, None, {"LANG": "ja_JP.UTF-8"}) == "ja"
    assert lang_from(None, None, {}) == "en"


def test_the_whole_baseline_indexes_without_a_miss():
    """Every name used in the shipped policies resolves to a declaration."""
    for path in sorted(EXAMPLES.glob("*.kasu")):
        a = analyse(str(path), path.read_text(encoding="utf-8"))
        assert not [d for d in a.diagnostics if d.is_error], path
        for occs in a.occurrences.values():
            for o in occs:
                assert a.definitions(o.kind, o.name), (path, o)


def test_help_lists_the_command(capsys):
    from kasuhara_rules.cli.commands import main

    assert main(["--help"]) == 0
    assert "lsp" in capsys.readouterr().out


def test_hover_explains_rules_even_when_another_rule_is_broken():
    """A policy with an error still shows the staff guide's criteria of the rules that are fine."""
    text = GOOD.replace('rule long "長電話" {', 'rule other "別" {\n  when     nothing_here\n  then     kasuhara\n'
                        '  respond  "x"\n}\n\nrule long "長電話" {')
    a = analyse("/tmp/shop.kasu", text)
    assert [d.code for d in a.diagnostics if d.is_error] == ["E301"]
    line, column = _position(text, 'rule long', len("rule "))
    _, hover = a.hover(line, column, "ja")
    assert "〔長時間の電話〕に当たるとき" in hover
    line, column = _position(text, "define long_call", len("define "))
    assert "受付チャネル" in a.hover(line, column, "ja")[1]  # the define read aloud, with labels


def test_a_base_policy_is_parsed_once_between_changes():
    """The server keeps parsed base policies; a second load reuses the very same tree."""
    path = str(EXAMPLES / "retail.kasu")
    text = (EXAMPLES / "retail.kasu").read_text(encoding="utf-8")
    cache: dict = {}
    first = analyse(path, text, parsed_bases=cache)
    second = analyse(path, text.replace("days_since_purchase > 30", "days_since_purchase > 31"), parsed_bases=cache)
    assert len(cache) == 1
    assert first.trees[0] is second.trees[0] and first.trees[1] is not second.trees[1]
    assert not [d for d in second.diagnostics if d.is_error] and second.policy is not None
    assert set(second.sources) == {path, str(EXAMPLES / "mhlw-baseline.kasu")}


def test_diagnostics_in_the_authors_language():
    """The server's messages and hints come from the catalogue in the client's language; the code stays."""
    from kasuhara_rules import check_text
    from kasuhara_rules.cli.lsp.analysis import localized

    bad = check_text('policy "t" { id t version "1" otherwise claim }\noutcomes { claim }\n'
                     'schema { dogeza "土下座の要求": bool }\nrule r { when 土下座の要求 then claim respond "x" }\n')
    (d,) = [d for d in bad.diagnostics if d.is_error]
    ja_message, ja_hint = localized(d, "ja")
    en_message, en_hint = localized(d, "en")
    assert d.code == "E301" and ja_message != en_message and "dogeza" in ja_hint
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in ja_message + ja_hint)


def test_completion_of_retention():
    """In the schema, `retain` is offered after a type, and the units after `retain N`."""
    text = GOOD.replace("  call_length \"通話時間\": duration in minutes\n",
                        "  call_length \"通話時間\": duration in minutes\n  remarks: optional text sensitive retain 3 \n")
    assert text != GOOD
    a = analyse("/tmp/shop.kasu", text)
    line, column = _position(text, "sensitive retain 3 ", len("sensitive retain 3 "))
    assert {c.label for c in a.complete(line, column)} == {"years", "months", "days"}
    line, column = _position(text, "text sensitive", len("text "))
    assert "retain" in {c.label for c in a.complete(line, column)}
