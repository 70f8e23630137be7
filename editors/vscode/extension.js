// The kasu extension: highlighting comes from the TextMate grammar; everything else from
// `kasu lsp`, the language server of kasuhara-rules, started from the configured command.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

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

function start() {
  const config = vscode.workspace.getConfiguration('kasu');
  const setting = config.get('lang');
  const lang = setting && setting !== 'auto' ? setting : vscode.env.language;
  const server = serverCommand(config);
  client = new LanguageClient(
    'kasu',
    'kasu language server',
    { run: server, debug: server },
    {
      documentSelector: [{ language: 'kasu' }],
      initializationOptions: { lang, debounceMs: config.get('debounceMs') },
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{kasu,txt}') },
    },
  );
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `kasu: the language server did not start (${server.command} ${server.args.join(' ')}): ${error.message}. ` +
      "Install it with `pip install 'kasuhara-rules[lsp]'` and set kasu.server.command or kasu.server.pythonPath.");
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

module.exports = { activate, deactivate, serverCommand };
