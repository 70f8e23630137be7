"""`kasu lsp`: the Language Server Protocol server (pygls), over standard input and output.

The protocol side only: every answer comes from analysis.Analysis, which reads what the loader
(the same parser and checker as `kasu check`) produced. Positions are converted here between
the loader's 1-based character columns and the protocol's 0-based UTF-16 ones.
"""
from __future__ import annotations

import asyncio
import os
import sys
from typing import BinaryIO, Optional

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ... import __version__
from ...diagnostics import Diagnostic
from ...check.loader import ParsedBase
from ...source import Span
from .analysis import Analysis, analyse, lang_from, localized
from .names import DEFINE, ESCALATION, FIELD, OUTCOME, PHRASES, RULE, SEVERITY

DEBOUNCE_SECONDS = 0.02  # coalesce a burst of keystrokes; initializationOptions.debounceMs changes it

TOKEN_TYPES = ["property", "function", "variable", "class", "enumMember", "enum", "event"]
TOKEN_OF_KIND = {FIELD: 0, DEFINE: 1, PHRASES: 2, RULE: 3, OUTCOME: 4, SEVERITY: 5, ESCALATION: 6}
TOKEN_MODIFIERS = ["declaration"]
SYMBOL_OF_KIND = {FIELD: t.SymbolKind.Field, DEFINE: t.SymbolKind.Function, PHRASES: t.SymbolKind.Array,
                  RULE: t.SymbolKind.Class, OUTCOME: t.SymbolKind.EnumMember, SEVERITY: t.SymbolKind.EnumMember,
                  ESCALATION: t.SymbolKind.EnumMember}
COMPLETION_OF_KIND = {FIELD: t.CompletionItemKind.Field, DEFINE: t.CompletionItemKind.Function,
                      PHRASES: t.CompletionItemKind.Variable, RULE: t.CompletionItemKind.Class,
                      OUTCOME: t.CompletionItemKind.EnumMember, SEVERITY: t.CompletionItemKind.EnumMember,
                      ESCALATION: t.CompletionItemKind.EnumMember, "keyword": t.CompletionItemKind.Keyword,
                      "value": t.CompletionItemKind.Value, "function": t.CompletionItemKind.Function,
                      "type": t.CompletionItemKind.TypeParameter}


class KasuServer(LanguageServer):
    """The server's state: the latest analysis of each open document, its last error-free
    checked policy (hover keeps working while the text is broken), and pending checks."""

    def __init__(self) -> None:
        super().__init__("kasu-lsp", __version__)
        self.analyses: dict[str, Analysis] = {}
        self.good: dict[str, object] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.lang = "en"
        self.debounce = DEBOUNCE_SECONDS
        self.parsed_bases: dict[tuple[str, bytes], ParsedBase] = {}  # base policies, parsed once per content

    def _start_io_async(self, stdin: Optional[BinaryIO] = None, stdout: Optional[BinaryIO] = None) -> None:
        """pygls's loop over standard input, with framing.read_messages reading the messages: a message
        whose Content-Length is missing or not a number is skipped (said on standard error), never the
        end of every later answer."""
        from threading import Event

        from pygls.exceptions import JsonRpcException
        from pygls.io_ import StdinAsyncReader, StdoutWriter

        from .framing import handler, read_messages

        self._stop_event = stop = Event()
        reader = StdinAsyncReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        def log(text: str) -> None:
            try:
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
            except (OSError, ValueError, AttributeError):  # standard error closed: nothing to say it on
                pass

        handle = handler(self.protocol, lambda exc: self.report_server_error(exc, JsonRpcException))
        try:
            asyncio.run(read_messages(reader, handle, stop.is_set, log))
        except BrokenPipeError:
            log("kasu lsp: the connection to the editor is lost")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]  # pygls leaves it unannotated

    # -- documents -------------------------------------------------------------------------------

    def path_of(self, uri: str) -> str:
        path = to_fs_path(uri)
        return os.path.abspath(path) if path else uri

    def open_texts(self) -> dict[str, str]:
        out = {}
        for uri, doc in self.workspace.text_documents.items():
            out[self.path_of(uri)] = doc.source
        return out

    def refresh(self, uri: str) -> Analysis:
        doc = self.workspace.get_text_document(uri)
        path = self.path_of(uri)
        if len(self.parsed_bases) > 64:  # edited base policies leave old versions behind
            self.parsed_bases.clear()
        analysis = analyse(path, doc.source, self.open_texts(), self.good.get(uri),  # type: ignore[arg-type]
                           self.analyses.get(uri), self.parsed_bases)
        if analysis.current:
            self.good[uri] = analysis.policy
        self.analyses[uri] = analysis
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, version=doc.version, diagnostics=self.diagnostics(analysis)))
        return analysis

    def analysis(self, uri: str) -> Analysis:
        found = self.analyses.get(uri)
        doc = self.workspace.get_text_document(uri)
        if found is None or found.text != doc.source:
            task = self.pending.pop(uri, None)
            if task is not None:
                task.cancel()
            found = self.refresh(uri)
        return found

    def schedule(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self._later(uri))

    async def _later(self, uri: str) -> None:
        try:
            await asyncio.sleep(self.debounce)
        except asyncio.CancelledError:
            return
        self.pending.pop(uri, None)
        if uri in self.workspace.text_documents:
            self.refresh(uri)

    # -- conversions -------------------------------------------------------------------------------

    def lines_of(self, analysis: Analysis, file: str) -> list[str]:
        if file == analysis.path:
            return analysis.text.split("\n")
        source = analysis.sources.get(file)
        return source.text.split("\n") if source is not None else []

    def position(self, lines: list[str], line: int, column: int) -> t.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return t.Position(line=max(line - 1, 0), character=_utf16(text[: max(column - 1, 0)]))

    def range(self, analysis: Analysis, span: Span) -> t.Range:
        lines = self.lines_of(analysis, span.file)
        end_line = span.end_line or span.line
        end_column = span.end_column or span.column + 1
        return t.Range(start=self.position(lines, span.line, span.column),
                       end=self.position(lines, end_line, end_column))

    def location(self, analysis: Analysis, span: Span) -> t.Location:
        return t.Location(uri=self.uri_of(span.file), range=self.range(analysis, span))

    def uri_of(self, path: str) -> str:
        return from_fs_path(path) or path if os.path.isabs(path) else path

    def point(self, analysis: Analysis, position: t.Position) -> tuple[int, int]:
        """The protocol's position as the loader's (line, column)."""
        lines = analysis.text.split("\n")
        text = lines[position.line] if position.line < len(lines) else ""
        return position.line + 1, _from_utf16(text, position.character) + 1

    def diagnostics(self, analysis: Analysis) -> list[t.Diagnostic]:
        out = []
        extends_span = _extends_span(analysis)
        for d in analysis.diagnostics:
            message, hint = localized(d, self.lang)
            text = message + (f"\n{'ヒント' if self.lang == 'ja' else 'hint'}: {hint}" if hint else "")
            related = [t.DiagnosticRelatedInformation(location=self.location(analysis, span), message=why)
                       for span, why in analysis.related(d, self.lang)]
            span = d.span
            if span.file != analysis.path:  # a problem in a base policy: shown on `extends`
                related.insert(0, t.DiagnosticRelatedInformation(location=self.location(analysis, span),
                                                                 message=message))
                span = extends_span or Span(analysis.path, 1, 1, 1, 2)
            out.append(t.Diagnostic(
                range=self.range(analysis, span), message=text, code=d.code, source="kasu",
                severity=t.DiagnosticSeverity.Error if d.is_error else t.DiagnosticSeverity.Warning,
                related_information=related or None, data={"hint": hint} if hint else None))
        return out


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2  # a lone surrogate is one unit, as editors count it


def _from_utf16(text: str, units: int) -> int:
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _extends_span(analysis: Analysis) -> Optional[Span]:
    for link in analysis.links.get(analysis.path, ()):
        return link.span
    return None


def build_server() -> KasuServer:
    server = KasuServer()

    @server.feature(t.INITIALIZE)
    def initialize(ls: KasuServer, params: t.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        ls.lang = lang_from(options.get("lang"), params.locale)
        debounce = options.get("debounceMs")
        if isinstance(debounce, (int, float)) and 0 <= debounce <= 5000:
            ls.debounce = debounce / 1000

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KasuServer, params: t.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KasuServer, params: t.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KasuServer, params: t.DidSaveTextDocumentParams) -> None:
        for uri in list(ls.workspace.text_documents):  # a saved base policy changes its children
            if uri != params.text_document.uri:
                ls.schedule(uri)

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(ls: KasuServer, params: t.DidChangeWatchedFilesParams) -> None:
        ls.parsed_bases.clear()  # a base policy or phrase file changed on disk
        for uri in list(ls.workspace.text_documents):
            ls.schedule(uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KasuServer, params: t.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.analyses.pop(uri, None)
        ls.good.pop(uri, None)
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: KasuServer, params: t.HoverParams) -> Optional[t.Hover]:
        a = ls.analysis(params.text_document.uri)
        found = a.hover(*ls.point(a, params.position), lang=ls.lang)
        if found is None:
            return None
        span, text = found
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text), range=ls.range(a, span))

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", '"', "["]))
    def completion(ls: KasuServer, params: t.CompletionParams) -> t.CompletionList:
        uri = params.text_document.uri
        a = ls.analyses.get(uri) or ls.analysis(uri)
        text = ls.workspace.get_text_document(uri).source
        if a.text != text:  # answer at once from the last index, against the current text
            a = a.with_text(text)
        items = []
        for c in a.complete(*ls.point(a, params.position), lang=ls.lang):
            items.append(t.CompletionItem(
                label=c.label, kind=COMPLETION_OF_KIND.get(c.kind), detail=c.detail or None,
                insert_text=c.insert,
                documentation=t.MarkupContent(kind=t.MarkupKind.Markdown, value=c.documentation)
                if c.documentation else None))
        return t.CompletionList(is_incomplete=False, items=items)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: KasuServer, params: t.DefinitionParams) -> Optional[list[t.Location]]:
        a = ls.analysis(params.text_document.uri)
        line, column = ls.point(a, params.position)
        occ = a.at(line, column)
        if occ is None:
            link = a.link_at(line, column)
            if link is None:
                return None
            return [t.Location(uri=ls.uri_of(link.target), range=t.Range(start=t.Position(line=0, character=0),
                                                                        end=t.Position(line=0, character=0)))]
        return [ls.location(a, d.span) for d in a.definitions(occ.kind, occ.name)] or None

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    def references(ls: KasuServer, params: t.ReferenceParams) -> Optional[list[t.Location]]:
        a = ls.analysis(params.text_document.uri)
        occ = a.at(*ls.point(a, params.position))
        if occ is None:
            return None
        include = params.context.include_declaration
        out, seen = [], set()
        others = [x for uri, x in ls.analyses.items() if uri != params.text_document.uri
                  and any(tree.file == a.path for tree in x.trees)]  # open policies extending this one
        for source in [a] + others:
            for o in source.references(occ.kind, occ.name, include):
                key = (o.span.file, o.span.line, o.span.column)
                if key not in seen:
                    seen.add(key)
                    out.append(ls.location(source, o.span))
        return out

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: KasuServer, params: t.DocumentFormattingParams) -> Optional[list[t.TextEdit]]:
        from ...render.formatter import FormatError, format_text

        doc = ls.workspace.get_text_document(params.text_document.uri)
        try:
            formatted = format_text(doc.source, ls.path_of(params.text_document.uri))
        except FormatError:
            return None  # the diagnostics already say why it does not parse
        if formatted == doc.source:
            return []
        lines = doc.source.split("\n")
        end = t.Position(line=len(lines) - 1, character=_utf16(lines[-1]))
        return [t.TextEdit(range=t.Range(start=t.Position(line=0, character=0), end=end), new_text=formatted)]

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls: KasuServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        uri = params.text_document.uri
        a = ls.analysis(uri)
        wanted = params.range
        out = []
        for d in a.diagnostics:
            if d.span.file != a.path:
                continue
            r = ls.range(a, d.span)
            if (r.end.line, r.end.character) < (wanted.start.line, wanted.start.character) or \
                    (r.start.line, r.start.character) > (wanted.end.line, wanted.end.character):
                continue
            for fix in a.fixes(d):
                edit = t.TextEdit(range=ls.range(a, fix.span), new_text=fix.text)
                out.append(t.CodeAction(
                    title=fix.title, kind=t.CodeActionKind.QuickFix, is_preferred=True,
                    diagnostics=[_protocol_diagnostic(ls, a, d)],
                    edit=t.WorkspaceEdit(changes={uri: [edit]})))
        return out

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: KasuServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        a = ls.analysis(params.text_document.uri)
        out = []
        for d in a.symbols():
            if d.kind == FIELD and "." in d.name:
                continue
            whole = getattr(d.node, "span", d.span)
            out.append(t.DocumentSymbol(
                name=d.name, detail=d.label or "", kind=SYMBOL_OF_KIND[d.kind],
                range=ls.range(a, whole if whole.file == d.span.file else d.span),
                selection_range=ls.range(a, d.span)))
        return out

    @server.feature(t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                    t.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS))
    def semantic_tokens(ls: KasuServer, params: t.SemanticTokensParams) -> t.SemanticTokens:
        a = ls.analysis(params.text_document.uri)
        lines = a.text.split("\n")
        data: list[int] = []
        previous_line, previous_start = 0, 0
        for line, column, length, kind, declaration in a.tokens():
            text = lines[line - 1] if line - 1 < len(lines) else ""
            start = _utf16(text[: column - 1])
            size = _utf16(text[column - 1: column - 1 + length])
            delta_line = line - 1 - previous_line
            delta_start = start - previous_start if delta_line == 0 else start
            data += [delta_line, delta_start, size, TOKEN_OF_KIND[kind], 1 if declaration else 0]
            previous_line, previous_start = line - 1, start
        return t.SemanticTokens(data=data)

    return server


def _protocol_diagnostic(ls: KasuServer, a: Analysis, d: Diagnostic) -> t.Diagnostic:
    message, hint = localized(d, ls.lang)
    return t.Diagnostic(range=ls.range(a, d.span), message=message, code=d.code, source="kasu")


def serve() -> None:
    """Run the server on standard input and output until the client says exit."""
    build_server().start_io()
