// pbgen for VS Code: starts `pbgen lsp` (the checks, quick fixes, completion, hover and outline
// are the language server's), marks filings as their own language so the YAML extension
// leaves them alone (no English or duplicate messages), and shows the server's live preview
// beside the editor. Plain JavaScript: nothing to compile.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const LANGUAGE = "pbgen-yaml";
// A filing by its content, as pbgen decides (pbgen/pipeline.py, looks_like_filing): the
// schema modeline, a `pbgen:` format key, or two of the top-level keys every filing has.
const MODELINE = /^#\s*yaml-language-server:.*filing\.schema\.json/m;
const FILING_KEYS = /^(pbgen|year|money_unit|department|units):/gm;

function looksLikeFiling(text) {
  if (MODELINE.test(text)) return true;
  const keys = new Set([...text.matchAll(FILING_KEYS)].map((match) => match[1]));
  return keys.has("pbgen") || keys.size >= 2;
}

/** A YAML document that is a filing becomes a 绩效文本 YAML document. */
async function claim(document) {
  if (document.languageId === "yaml" && looksLikeFiling(document.getText())) {
    await vscode.languages.setTextDocumentLanguage(document, LANGUAGE);
  }
}

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration("pbgen").get("command") || "pbgen";
  const server = { command, args: ["lsp"] };  // stdio
  client = new LanguageClient(
    "pbgen",
    "pbgen 绩效文本",
    server,
    { documentSelector: [{ language: LANGUAGE }] },
  );
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(claim),
    vscode.workspace.onDidChangeTextDocument((change) => claim(change.document)),  // a new filing
    vscode.commands.registerCommand("pbgen.showPreview", () => showPreview(context)),
    vscode.commands.registerCommand("pbgen.jumpToUnfilled", jumpToUnfilled),
  );
  for (const document of vscode.workspace.textDocuments) await claim(document);
  await client.start();
  return client;
}

/** From the command palette: the next 「待填」 after the cursor. The server's own command
 *  (pbgen.nextUnfilled, which vscode-languageclient registers for it) does the jump. */
async function jumpToUnfilled() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE) return;
  const at = editor.selection.active;
  await vscode.commands.executeCommand(
    "pbgen.nextUnfilled", editor.document.uri.toString(), at.line, at.character);
}

const panels = new Map();

/** The server's preview page beside the editor, in a webview holding it in a frame. */
async function showPreview(context) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE) {
    vscode.window.showInformationMessage("请先打开一份绩效文本（pbgen 的 YAML 文件）。");
    return;
  }
  const uri = editor.document.uri.toString();
  const answer = await client.sendRequest("workspace/executeCommand", {
    command: "pbgen.preview",
    arguments: [uri],
  });
  const address = await vscode.env.asExternalUri(vscode.Uri.parse(answer.url));
  let panel = panels.get(uri);
  if (panel === undefined) {
    panel = vscode.window.createWebviewPanel(
      "pbgen.preview",
      `预览 · ${editor.document.fileName.split(/[\\/]/).pop()}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    panels.set(uri, panel);
    panel.onDidDispose(() => panels.delete(uri), null, context.subscriptions);
  }
  const viewer = vscode.Uri.parse(address.toString(true)).with({ query: "pdfjs" });  // no PDF plugin here
  panel.webview.html = page(viewer.toString(true));
  panel.reveal(vscode.ViewColumn.Beside, true);
}

function page(address) {
  const quoted = address.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const origin = new URL(address).origin;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; frame-src ${origin}; style-src 'unsafe-inline';">
<style>html,body,iframe{margin:0;padding:0;border:0;width:100%;height:100%;overflow:hidden}</style>
</head><body><iframe src="${quoted}" title="pbgen 预览"></iframe></body></html>`;
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, looksLikeFiling };
