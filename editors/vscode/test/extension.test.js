// A check of extension.js without VS Code: `vscode` is stubbed. It checks which command starts the
// server for each setting, that a server that cannot start is reported, and — when KASU_LSP names a
// `kasu` executable (`.ci/run` sets it) — talks to the real `kasu lsp` through the extension's own
// client: diagnostics with their codes, hover, completion with labels, formatting, a quick fix, the
// outline, semantic tokens and a clean shutdown. Run: KASU_LSP=.venv/bin/kasu node test/extension.test.js
'use strict';

const assert = require('assert');
const Module = require('module');

const providers = {};
const published = new Map();
const errors = [];
let settings = {};
let documents = [];

class Position { constructor(line, character) { this.line = line; this.character = character; } }
class Range { constructor(start, end) { this.start = start; this.end = end; } }
const disposable = () => ({ dispose() {} });
const event = () => disposable;
const vscode = {
  Position, Range,
  Location: class { constructor(uri, range) { this.uri = uri; this.range = range; } },
  Uri: { parse: (text) => ({ toString: () => text }) },
  TextEdit: class { constructor(range, newText) { this.range = range; this.newText = newText; } },
  MarkdownString: class { constructor(value) { this.value = value; } },
  Diagnostic: class { constructor(range, message, severity) { Object.assign(this, { range, message, severity }); } },
  DiagnosticRelatedInformation: class { constructor(location, message) { Object.assign(this, { location, message }); } },
  WorkspaceEdit: class { constructor() { this.entries = []; } set(uri, edits) { this.entries.push([uri, edits]); } },
  SymbolInformation: class { constructor(name, kind) { Object.assign(this, { name, kind }); } },
  DocumentSymbol: class { constructor(name, detail, kind) { Object.assign(this, { name, detail, kind, children: [] }); } },
  CompletionItem: class { constructor(label, kind) { Object.assign(this, { label, kind }); } },
  Hover: class { constructor(contents, range) { Object.assign(this, { contents, range }); } },
  CodeAction: class { constructor(title, kind) { Object.assign(this, { title, kind }); } },
  CodeActionKind: { QuickFix: 'quickfix' },
  SemanticTokensLegend: class { constructor(types, modifiers) { Object.assign(this, { types, modifiers }); } },
  SemanticTokens: class { constructor(data) { this.data = data; } },
  workspace: {
    getConfiguration: () => ({ get: (key) => settings[key] }),
    onDidChangeConfiguration: event(), onDidOpenTextDocument: event(), onDidChangeTextDocument: event(),
    onDidSaveTextDocument: event(), onDidCloseTextDocument: event(),
    createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
    get textDocuments() { return documents; },
    workspaceFolders: [],
  },
  languages: {
    createDiagnosticCollection: () => ({ set: (uri, list) => published.set(uri.toString(), list), dispose() {} }),
  },
  window: {
    showErrorMessage: (message) => errors.push(message),
    showInformationMessage: () => undefined,
    createOutputChannel: () => ({ append() {}, appendLine() {}, dispose() {} }),
  },
  env: { language: 'ja' },
};
for (const name of ['Hover', 'CompletionItem', 'Definition', 'Reference', 'DocumentFormattingEdit', 'CodeActions',
  'DocumentSymbol', 'DocumentSemanticTokens']) {
  vscode.languages[`register${name}Provider`] = (selector, provider, ...rest) => {
    providers[name] = { provider, rest };
    return disposable();
  };
}
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const extension = require('../extension.js');

const POLICY = `policy "店" {
  id        shop
  version   "1"
  otherwise claim
}

outcomes { claim "正当なクレーム", kasuhara "カスハラ" }

schema {
  channel "受付チャネル": one of ["phone" "電話", "counter" "窓口"]
  call_length "通話時間": duration in minutes
}

rule long "長電話" {
  when     channel == "phone" and call_lenght >= 30min
  then     kasuhara
  respond  "通話を終える。"
}
`;

async function waitFor(check, what) {
  for (let i = 0; i < 300; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

(async () => {
  const get = (s) => ({ get: (key) => s[key] });
  assert.deepStrictEqual(extension.serverCommand(get({ 'server.command': [], 'server.pythonPath': '' })),
    { command: 'kasu', args: ['lsp'] });
  assert.deepStrictEqual(extension.serverCommand(get({ 'server.command': [], 'server.pythonPath': '/venv/bin/python' })),
    { command: '/venv/bin/python', args: ['-m', 'kasuhara_rules', 'lsp'] });
  assert.deepStrictEqual(extension.serverCommand(get({ 'server.command': ['/opt/kasu', 'lsp'], 'server.pythonPath': '/x' })),
    { command: '/opt/kasu', args: ['lsp'] });

  settings = { 'server.command': ['/nonexistent/kasu', 'lsp'], lang: 'auto', debounceMs: 20 };
  await extension.activate({ subscriptions: [] });
  assert.ok(errors.length === 1 && errors[0].includes('/nonexistent/kasu lsp'), errors);
  console.log('ok: the command for each setting; a server that cannot start is reported');

  if (!process.env.KASU_LSP) {
    console.log('skipped: the real server (set KASU_LSP to a kasu executable)');
    return;
  }
  const uri = 'file:///tmp/kasu-extension-test/shop.kasu';
  const doc = { uri: vscode.Uri.parse(uri), languageId: 'kasu', version: 1, getText: () => POLICY };
  documents = [doc];
  settings = { 'server.command': [process.env.KASU_LSP, 'lsp'], lang: 'en', debounceMs: 0 };
  await extension.activate({ subscriptions: [] });
  const diagnostics = await waitFor(() => published.get(uri), 'diagnostics');
  const unknown = diagnostics.find((d) => d.code === 'E301');
  assert.ok(unknown && unknown.message.includes('call_lenght') && unknown.severity === 0, diagnostics);

  const lines = POLICY.split('\n');
  const at = (text, offset = 0) => {
    const line = lines.findIndex((l) => l.includes(text));
    return new Position(line, lines[line].indexOf(text) + offset);
  };
  const hover = await providers.Hover.provider.provideHover(doc, at('rule long', 6));
  assert.ok(hover && hover.contents[0].value.includes('長電話'), hover);

  const completion = await providers.CompletionItem.provider.provideCompletionItems(doc, at('"phone" and', 1));
  const phone = completion.find((c) => c.label === '"phone"');
  assert.ok(phone && phone.detail === '電話', completion.map((c) => [c.label, c.detail]));

  const fixes = await providers.CodeActions.provider.provideCodeActions(doc, unknown.range, { diagnostics: [unknown] });
  assert.ok(fixes.some((f) => f.title.includes('call_length') && f.edit.entries.length === 1), fixes);

  const symbols = await providers.DocumentSymbol.provider.provideDocumentSymbols(doc);
  assert.ok(JSON.stringify(symbols.map((s) => s.name)).includes('long'), symbols);

  const edits = await providers.DocumentFormattingEdit.provider.provideDocumentFormattingEdits(doc, { tabSize: 2, insertSpaces: true });
  assert.ok(Array.isArray(edits));

  if (providers.DocumentSemanticTokens) {
    const tokens = await providers.DocumentSemanticTokens.provider.provideDocumentSemanticTokens(doc);
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
  }
  await extension.deactivate();
  console.log('ok: the real kasu lsp through the extension: diagnostics, hover, completion, quick fix, outline, formatting');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
