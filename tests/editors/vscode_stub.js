// A stand-in for the `vscode` module, enough for the pbgen extension and its
// vscode-languageclient to start a real `pbgen lsp`, open a document and receive diagnostics
// (VS Code itself cannot be downloaded here). What the tests read is kept in `stub.recorded`;
// any API not written out below is a harmless no-op that returns a disposable.
"use strict";

const recorded = { diagnostics: new Map(), languages: [], messages: [], unknown: new Set() };

class Disposable {
  constructor(callback) { this.callback = callback; }
  static from(...items) { return new Disposable(() => items.forEach((item) => item && item.dispose && item.dispose())); }
  dispose() { if (this.callback) this.callback(); }
}

class EventEmitter {
  constructor() { this.listeners = []; this.event = (listener, thisArg) => { const bound = listener.bind(thisArg); this.listeners.push(bound); return new Disposable(() => { this.listeners = this.listeners.filter((l) => l !== bound); }); }; }
  fire(value) { for (const listener of [...this.listeners]) listener(value); }
  dispose() { this.listeners = []; }
}

class Uri {
  constructor(scheme, path) { this.scheme = scheme; this.path = path; this.fsPath = path; this.authority = ""; this.query = ""; this.fragment = ""; }
  static file(path) { return new Uri("file", path); }
  static parse(text) {
    const match = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(text);
    return match ? new Uri(match[1], decodeURIComponent(match[2])) : new Uri("file", text);
  }
  toString() { return this.scheme === "file" ? "file://" + encodeURI(this.path).replace(/[?#]/g, encodeURIComponent) : `${this.scheme}:${this.path}`; }
  toJSON() { return this.toString(); }
  with() { return this; }
}

class CancellationTokenSource {
  constructor() {
    const cancelled = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
    this.cancelled = cancelled;
  }
  cancel() { this.token.isCancellationRequested = true; this.cancelled.fire(); }
  dispose() {}
}

class Position { constructor(line, character) { this.line = line; this.character = character; } }
class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") { this.start = new Position(a, b); this.end = new Position(c, d); }
    else { this.start = a; this.end = b; }
  }
}
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };

function permissive(name) {
  // Any API not written out: callable, constructible, its properties permissive too.
  const target = function () {};
  return new Proxy(target, {
    get(_, property) {
      if (property === "then") return undefined;  // not a promise
      if (property === "dispose") return () => {};
      if (property === Symbol.toPrimitive) return () => `[${name}]`;
      recorded.unknown.add(`${name}.${String(property)}`);
      return permissive(`${name}.${String(property)}`);
    },
    apply() { return new Disposable(); },
    construct() { return permissive(`new ${name}`); },
  });
}

function withFallback(name, object) {
  return new Proxy(object, {
    get(target, property) {
      if (property in target || typeof property === "symbol") return target[property];
      return permissive(`${name}.${String(property)}`);
    },
  });
}

const opened = new EventEmitter();
const closed = new EventEmitter();
const documents = [];

function document(path, text, languageId = "yaml") {
  const uri = Uri.file(path);
  return { uri, fileName: path, languageId, version: 1, isClosed: false, isDirty: false, isUntitled: false, eol: 1, lineCount: text.split("\n").length, getText: () => text, save: async () => true };
}

function collection(name) {
  const entries = new Map();
  return withFallback("DiagnosticCollection", {
    name,
    set(uri, diagnostics) {
      if (Array.isArray(uri)) { for (const [u, d] of uri) this.set(u, d); return; }
      entries.set(uri.toString(), diagnostics || []);
      recorded.diagnostics.set(uri.toString(), diagnostics || []);
    },
    delete(uri) { entries.delete(uri.toString()); },
    clear() { entries.clear(); },
    get(uri) { return entries.get(uri.toString()); },
    has(uri) { return entries.has(uri.toString()); },
    forEach(callback) { entries.forEach((d, u) => callback(Uri.parse(u), d, this)); },
    dispose() {},
  });
}

const configuration = { get: (key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} };

module.exports = withFallback("vscode", {
  recorded,
  open(path, text) { const made = document(path, text); documents.push(made); opened.fire(made); return made; },
  version: "1.90.0",
  Disposable, EventEmitter, CancellationTokenSource, Uri, Position, Range, Diagnostic, DiagnosticSeverity,
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  UIKind: { Desktop: 1, Web: 2 },
  TextDocumentSaveReason: { Manual: 1 },
  env: withFallback("env", { appName: "stub", language: "zh-cn", machineId: "stub", sessionId: "stub", uiKind: 1, asExternalUri: async (uri) => uri }),
  workspace: withFallback("workspace", {
    get textDocuments() { return documents.filter((d) => !d.isClosed); },
    workspaceFolders: undefined,
    notebookDocuments: [],
    getConfiguration: () => configuration,
    onDidOpenTextDocument: opened.event,
    onDidCloseTextDocument: closed.event,
    onDidChangeTextDocument: new EventEmitter().event,
    onDidSaveTextDocument: new EventEmitter().event,
    onWillSaveTextDocument: new EventEmitter().event,
    onDidChangeConfiguration: new EventEmitter().event,
    onDidChangeWorkspaceFolders: new EventEmitter().event,
    getWorkspaceFolder: () => undefined,
  }),
  window: withFallback("window", {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: new EventEmitter().event,
    onDidChangeVisibleTextEditors: new EventEmitter().event,
    createOutputChannel: (name) => withFallback("OutputChannel", { name, append() {}, appendLine(line) { recorded.messages.push(line); }, show() {}, clear() {}, dispose() {}, replace() {} }),
    showErrorMessage: async (message) => { recorded.messages.push(message); },
    showWarningMessage: async (message) => { recorded.messages.push(message); },
    showInformationMessage: async (message) => { recorded.messages.push(message); },
  }),
  languages: withFallback("languages", {
    createDiagnosticCollection: collection,
    match: (selector, doc) => ([].concat(selector).some((s) => (typeof s === "string" ? s : s.language) === doc.languageId) ? 10 : 0),
    async setTextDocumentLanguage(doc, languageId) {
      recorded.languages.push([doc.fileName, languageId]);
      doc.isClosed = true;
      closed.fire(doc);
      const again = document(doc.fileName, doc.getText(), languageId);
      documents.push(again);
      opened.fire(again);
      return again;
    },
  }),
  commands: withFallback("commands", {
    registered: new Map(),
    registerCommand(name, callback) {
      // as VS Code: a command id is registered once (the client registers the server's own)
      if (this.registered.has(name)) throw new Error(`command '${name}' already exists`);
      this.registered.set(name, callback);
      return new Disposable(() => this.registered.delete(name));
    },
    executeCommand: async () => undefined,
  }),
});
