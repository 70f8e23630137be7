// A check of extension.js without VS Code: `vscode` and `vscode-languageclient/node` are stubbed,
// and activation must start the server from the configured command. Run: node test/extension.test.js
'use strict';

const assert = require('assert');
const Module = require('module');

const started = [];
let settings = {};
const stubs = {
  vscode: {
    workspace: {
      getConfiguration: () => ({ get: (key) => settings[key] }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      createFileSystemWatcher: (glob) => ({ glob }),
    },
    window: { showErrorMessage: (message) => { throw new Error(message); } },
    env: { language: 'ja' },
  },
  'vscode-languageclient/node': {
    LanguageClient: class {
      constructor(id, name, server, options) { started.push({ id, server, options }); }
      start() { return Promise.resolve(); }
      stop() { return Promise.resolve(); }
    },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(stubs, request) ? stubs[request] : load.call(this, request, ...rest);
};

const extension = require('../extension.js');

(async () => {
  const context = { subscriptions: [] };
  settings = { 'server.command': [], 'server.pythonPath': '', lang: 'auto', debounceMs: 20 };
  await extension.activate(context);
  assert.deepStrictEqual(started[0].server.run, { command: 'kasu', args: ['lsp'] });
  assert.deepStrictEqual(started[0].options.documentSelector, [{ language: 'kasu' }]);
  assert.deepStrictEqual(started[0].options.initializationOptions, { lang: 'ja', debounceMs: 20 });

  settings = { 'server.command': [], 'server.pythonPath': '/venv/bin/python', lang: 'en' };
  await extension.activate(context);
  assert.deepStrictEqual(started[1].server.run, { command: '/venv/bin/python', args: ['-m', 'kasuhara_rules', 'lsp'] });
  assert.strictEqual(started[1].options.initializationOptions.lang, 'en');

  settings = { 'server.command': ['/opt/kasu', 'lsp'], 'server.pythonPath': '/ignored' };
  await extension.activate(context);
  assert.deepStrictEqual(started[2].server.run, { command: '/opt/kasu', args: ['lsp'] });
  await extension.deactivate();
  console.log('extension.js: the server starts from kasu.server.command, kasu.server.pythonPath or the PATH');
})().catch((error) => { console.error(error); process.exit(1); });
