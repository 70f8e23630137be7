// The kasu extension: highlighting comes from the TextMate grammar; everything else from
// `kasu lsp`, the language server of kasuhara-rules, started from the configured command.
//
// The client below speaks the Language Server Protocol itself, with Node's child_process and
// the VS Code API only: the extension has no npm dependency, so the .vsix that
// tools/build_vsix.py writes (without Node) installs and runs as it is.
'use strict';

const vscode = require('vscode');
const { spawn } = require('child_process');

// ---- JSON-RPC over standard input and output (Content-Length framing) ----------------------

class Connection {
  constructor(child, onNotification, onRequest) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.onNotification = onNotification;
    this.onRequest = onRequest;
    child.stdout.on('data', (chunk) => this.receive(chunk));
    child.on('exit', () => {
      for (const { reject } of this.pending.values()) reject(new Error('the language server stopped'));
      this.pending.clear();
    });
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(Object.assign({ jsonrpc: '2.0' }, message)), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ id, method, params });
    });
  }

  notify(method, params) {
    this.send({ method, params });
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const match = /Content-Length: *(\d+)/i.exec(this.buffer.slice(0, end).toString('ascii'));
      const length = match ? Number(match[1]) : 0;
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.slice(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.slice(end + 4 + length);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(message) {
    if (message.method === undefined) {  // a response
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    } else if (message.id !== undefined) {  // a request from the server
      Promise.resolve(this.onRequest(message.method, message.params))
        .then((result) => this.send({ id: message.id, result: result === undefined ? null : result }));
    } else {
      this.onNotification(message.method, message.params);
    }
  }
}

// ---- LSP values <-> VS Code values ------------------------------------------------------------

const position = (p) => new vscode.Position(p.line, p.character);
const range = (r) => new vscode.Range(position(r.start), position(r.end));
const location = (l) => new vscode.Location(vscode.Uri.parse(l.uri), range(l.range));
const textEdit = (e) => new vscode.TextEdit(range(e.range), e.newText);
const lspPosition = (p) => ({ line: p.line, character: p.character });
const documentAt = (document, at) => ({ textDocument: { uri: document.uri.toString() }, position: lspPosition(at) });

function markdown(contents) {
  const parts = Array.isArray(contents) ? contents : [contents];
  return parts.map((c) => new vscode.MarkdownString(typeof c === 'string' ? c : c.value));
}

function diagnostic(d) {
  const out = new vscode.Diagnostic(range(d.range), d.message, (d.severity || 1) - 1);  // LSP counts from 1
  out.source = 'kasu';
  if (d.code !== undefined) out.code = d.code;
  if (d.relatedInformation) {
    out.relatedInformation = d.relatedInformation.map(
      (r) => new vscode.DiagnosticRelatedInformation(location(r.location), r.message));
  }
  return out;
}

function workspaceEdit(edit) {
  const out = new vscode.WorkspaceEdit();
  for (const [uri, edits] of Object.entries((edit && edit.changes) || {})) {
    out.set(vscode.Uri.parse(uri), edits.map(textEdit));
  }
  return out;
}

function symbol(s) {
  const kind = (s.kind || 1) - 1;
  if (s.location) return new vscode.SymbolInformation(s.name, kind, s.containerName || '', location(s.location));
  const out = new vscode.DocumentSymbol(s.name, s.detail || '', kind, range(s.range), range(s.selectionRange));
  out.children = (s.children || []).map(symbol);
  return out;
}

function completionItem(c) {
  const out = new vscode.CompletionItem(c.label, c.kind ? c.kind - 1 : undefined);
  if (c.detail) out.detail = c.detail;
  if (c.documentation) out.documentation = markdown(c.documentation)[0];
  if (c.insertText !== undefined) out.insertText = c.insertText;
  if (c.sortText) out.sortText = c.sortText;
  if (c.filterText) out.filterText = c.filterText;
  if (c.textEdit) {
    out.range = range(c.textEdit.range || c.textEdit.insert);
    out.insertText = c.textEdit.newText;
  }
  return out;
}

// ---- the client ------------------------------------------------------------------------------------

// The command that starts the server: kasu.server.command, else kasu.server.pythonPath, else `kasu lsp`.
function serverCommand(config) {
  const command = config.get('server.command');
  if (Array.isArray(command) && command.length > 0) {
    return { command: command[0], args: command.slice(1) };
  }
  const python = config.get('server.pythonPath');
  if (python) {
    return { command: python, args: ['-m', 'kasuhara_rules', 'lsp'] };
  }
  return { command: 'kasu', args: ['lsp'] };
}

class KasuClient {
  constructor(server, initializationOptions) {
    this.server = server;
    this.initializationOptions = initializationOptions;
    this.disposables = [];
    this.diagnostics = vscode.languages.createDiagnosticCollection('kasu');
    this.disposables.push(this.diagnostics);
    this.output = vscode.window.createOutputChannel('kasu');
    this.disposables.push(this.output);
  }

  start() {
    this.child = spawn(this.server.command, this.server.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk) => this.output.append(chunk.toString()));
    const failed = new Promise((_, reject) => this.child.on('error', reject));
    this.connection = new Connection(this.child, (m, p) => this.notification(m, p), () => null);
    const folder = (vscode.workspace.workspaceFolders || [])[0];
    const initialized = this.connection.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'kasu-vscode' },
      locale: vscode.env.language,
      rootUri: folder ? folder.uri.toString() : null,
      initializationOptions: this.initializationOptions,
      capabilities: {
        textDocument: {
          synchronization: { didSave: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown'] } },
          definition: {}, references: {}, formatting: {}, documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          publishDiagnostics: { relatedInformation: true },
          semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: false } },
      },
    }).then((result) => {
      this.connection.notify('initialized', {});
      this.register((result && result.capabilities) || {});
      vscode.workspace.textDocuments.forEach((d) => this.opened(d));
    });
    return Promise.race([initialized, failed]);
  }

  notification(method, params) {
    if (method === 'textDocument/publishDiagnostics') {
      this.diagnostics.set(vscode.Uri.parse(params.uri), params.diagnostics.map(diagnostic));
    } else if (method === 'window/logMessage') {
      this.output.appendLine(params.message);
    } else if (method === 'window/showMessage') {
      vscode.window.showInformationMessage(params.message);
    }
  }

  opened(document) {
    if (document.languageId !== 'kasu') return;
    this.connection.notify('textDocument/didOpen', { textDocument: {
      uri: document.uri.toString(), languageId: 'kasu', version: document.version, text: document.getText() } });
  }

  register(capabilities) {
    const selector = [{ language: 'kasu' }];
    const ask = (method, params) => this.connection.request(method, params);
    const d = this.disposables;
    const ws = vscode.workspace;
    d.push(ws.onDidOpenTextDocument((doc) => this.opened(doc)));
    d.push(ws.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== 'kasu') return;
      this.connection.notify('textDocument/didChange', {
        textDocument: { uri: e.document.uri.toString(), version: e.document.version },
        contentChanges: [{ text: e.document.getText() }] });
    }));
    d.push(ws.onDidSaveTextDocument((doc) => {
      if (doc.languageId === 'kasu') this.connection.notify('textDocument/didSave', { textDocument: { uri: doc.uri.toString() } });
    }));
    d.push(ws.onDidCloseTextDocument((doc) => {
      if (doc.languageId === 'kasu') this.connection.notify('textDocument/didClose', { textDocument: { uri: doc.uri.toString() } });
    }));
    const watcher = ws.createFileSystemWatcher('**/*.{kasu,txt}');
    const changed = (type) => (uri) => this.connection.notify('workspace/didChangeWatchedFiles',
      { changes: [{ uri: uri.toString(), type }] });
    d.push(watcher, watcher.onDidCreate(changed(1)), watcher.onDidChange(changed(2)), watcher.onDidDelete(changed(3)));
    const lang = vscode.languages;
    d.push(lang.registerHoverProvider(selector, {
      provideHover: (doc, at) => ask('textDocument/hover', documentAt(doc, at)).then((h) =>
        (h ? new vscode.Hover(markdown(h.contents), h.range ? range(h.range) : undefined) : null)),
    }));
    const triggers = (capabilities.completionProvider && capabilities.completionProvider.triggerCharacters) || [];
    d.push(lang.registerCompletionItemProvider(selector, {
      provideCompletionItems: (doc, at) => ask('textDocument/completion', documentAt(doc, at)).then((r) =>
        (r ? (Array.isArray(r) ? r : r.items).map(completionItem) : [])),
    }, ...triggers));
    d.push(lang.registerDefinitionProvider(selector, {
      provideDefinition: (doc, at) => ask('textDocument/definition', documentAt(doc, at)).then((r) =>
        (r ? (Array.isArray(r) ? r : [r]).map(location) : [])),
    }));
    d.push(lang.registerReferenceProvider(selector, {
      provideReferences: (doc, at, context) => ask('textDocument/references', Object.assign(documentAt(doc, at),
        { context: { includeDeclaration: context.includeDeclaration } })).then((r) => (r || []).map(location)),
    }));
    d.push(lang.registerDocumentFormattingEditProvider(selector, {
      provideDocumentFormattingEdits: (doc, options) => ask('textDocument/formatting', {
        textDocument: { uri: doc.uri.toString() }, options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
      }).then((r) => (r || []).map(textEdit)),
    }));
    d.push(lang.registerCodeActionsProvider(selector, {
      provideCodeActions: (doc, r, context) => ask('textDocument/codeAction', {
        textDocument: { uri: doc.uri.toString() },
        range: { start: lspPosition(r.start), end: lspPosition(r.end) },
        context: { diagnostics: context.diagnostics.map((x) => ({
          range: { start: lspPosition(x.range.start), end: lspPosition(x.range.end) },
          message: x.message, severity: x.severity + 1, code: x.code, source: x.source })) },
      }).then((actions) => (actions || []).map((a) => {
        const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
        if (a.edit) action.edit = workspaceEdit(a.edit);
        action.isPreferred = a.isPreferred;
        return action;
      })),
    }));
    d.push(lang.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols: (doc) => ask('textDocument/documentSymbol', { textDocument: { uri: doc.uri.toString() } })
        .then((r) => (r || []).map(symbol)),
    }));
    const tokens = capabilities.semanticTokensProvider;
    if (tokens && tokens.legend && vscode.SemanticTokensLegend) {
      const legend = new vscode.SemanticTokensLegend(tokens.legend.tokenTypes, tokens.legend.tokenModifiers);
      d.push(lang.registerDocumentSemanticTokensProvider(selector, {
        provideDocumentSemanticTokens: (doc) => ask('textDocument/semanticTokens/full',
          { textDocument: { uri: doc.uri.toString() } }).then((r) => new vscode.SemanticTokens(new Uint32Array((r && r.data) || []))),
      }, legend));
    }
  }

  stop() {
    const done = this.connection && this.child.exitCode === null
      ? this.connection.request('shutdown', null).then(() => this.connection.notify('exit', null), () => undefined)
      : Promise.resolve();
    return done.then(() => {
      this.disposables.forEach((x) => x.dispose());
      this.disposables = [];
      if (this.child && this.child.exitCode === null) setTimeout(() => this.child.kill(), 2000).unref();
    });
  }
}

let client;

function start() {
  const config = vscode.workspace.getConfiguration('kasu');
  const setting = config.get('lang');
  const lang = setting && setting !== 'auto' ? setting : vscode.env.language;
  const server = serverCommand(config);
  client = new KasuClient(server, { lang, debounceMs: config.get('debounceMs') });
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `kasu: the language server did not start (${server.command} ${server.args.join(' ')}): ${error.message}. ` +
      "Install it from a clone of kasuhara-rules with `pip install '.[lsp]'` and set kasu.server.command or " +
      'kasu.server.pythonPath.');
  });
}

function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (event.affectsConfiguration('kasu')) {
      if (client) {
        await client.stop();
      }
      await start();
    }
  }));
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverCommand, KasuClient };
