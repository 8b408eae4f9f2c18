// Runs the packaged pbgen extension under Node with the `vscode` stand-in: activates it, opens
// a filing (a YAML document, as VS Code would open it) and waits for the diagnostics that
// vscode-languageclient receives from the real `pbgen lsp`. Prints them as JSON.
//   node drive_vscode.js EXTENSION_DIR FILING
"use strict";

const Module = require("module");
const path = require("path");
const fs = require("fs");

const stubPath = path.join(__dirname, "vscode_stub.js");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "vscode" ? stubPath : resolve.call(this, request, ...rest);
};

const [extensionDir, filing] = process.argv.slice(2);
const vscode = require("vscode");
const extension = require(path.join(extensionDir, require(path.join(extensionDir, "package.json")).main));

async function main() {
  const context = { subscriptions: [], extensionPath: extensionDir, globalState: { get() {}, update: async () => {} }, workspaceState: { get() {}, update: async () => {} } };
  const client = await extension.activate(context);
  vscode.open(filing, fs.readFileSync(filing, "utf8"));
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const found = [...vscode.recorded.diagnostics.entries()].filter(([, d]) => d.length > 0);
    if (found.length > 0) {
      const [uri, diagnostics] = found[0];
      console.log(JSON.stringify({
        uri,
        languages: vscode.recorded.languages,
        server: client.initializeResult && client.initializeResult.serverInfo,
        commands: [...vscode.commands.registered.keys()].sort(),
        diagnostics: diagnostics.map((d) => ({ message: d.message, code: d.code, source: d.source, severity: d.severity, range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character] })),
      }));
      await extension.deactivate();
      process.exit(0);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  console.error("no diagnostics; messages:", vscode.recorded.messages, [...vscode.recorded.unknown]);
  process.exit(1);
}

main().catch((error) => { console.error(error); console.error([...vscode.recorded.unknown]); process.exit(1); });
