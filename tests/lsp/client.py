"""A language client as an editor is one: ``pbgen lsp`` started as a process, JSON-RPC over
its pipes (Content-Length framing), requests answered in order, notifications kept, and the
server's own requests (window/showDocument, workspace/applyEdit…) recorded and answered."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

PBGEN = Path(sys.executable).with_name("pbgen")


class Client:
    def __init__(self, root: Path, encodings: tuple[str, ...] = ("utf-16",)):
        self.process = subprocess.Popen(
            [str(PBGEN), "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.server_requests: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        threading.Thread(target=self._read, daemon=True).start()
        self.capabilities = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {
                    "general": {"positionEncodings": list(encodings)},
                    "window": {"showDocument": {"support": True}},
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": True},
                        "codeAction": {
                            "codeActionLiteralSupport": {
                                "codeActionKind": {"valueSet": ["quickfix"]}
                            }
                        },
                    },
                },
            },
        )["capabilities"]
        self.notify("initialized", {})

    # -- the wire ------------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        with self.lock:
            self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # the server asks
                self.server_requests.put(message)
                self._send({"id": message["id"], "result": self._answer(message)})
            elif "id" in message:
                self.responses.setdefault(message["id"], queue.Queue()).put(message)
            else:
                self.notifications.put((time.perf_counter(), message))

    def _answer(self, message: dict):
        if message["method"] == "window/showDocument":
            return {"success": True}
        if message["method"] == "workspace/applyEdit":
            return {"applied": False}
        return None

    def request(self, method: str, params: dict, timeout: float = 60):
        with self.lock:
            self.next_id += 1
            number = self.next_id
            self.responses.setdefault(number, queue.Queue())
        self._send({"id": number, "method": method, "params": params})
        message = self.responses[number].get(timeout=timeout)
        if "error" in message:
            raise RuntimeError(message["error"])
        return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    # -- documents -----------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        text = path.read_text("utf-8") if text is None else text
        self.versions[uri], self.texts[uri] = 1, text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """An incremental change (positions in UTF-16 units, as the client said)."""
        self.versions[uri] += 1
        self.texts[uri] = apply(self.texts[uri], [{"range": _range(start, end), "newText": text}])
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": self.versions[uri]},
                "contentChanges": [{"range": _range(start, end), "text": text}],
            },
        )
        return self.versions[uri]

    def replace(self, uri: str, old: str, new: str, occurrence: int = 0) -> int:
        """Type ``new`` over the ``occurrence``-th ``old`` in the text, as one change."""
        text = self.texts[uri]
        index = -1
        for _ in range(occurrence + 1):
            index = text.index(old, index + 1)
        return self.change(uri, position(text, index), position(text, index + len(old)), new)

    def apply_edit(self, uri: str, edit: dict) -> int:
        """Apply a quick fix's WorkspaceEdit as the editor does: one change per text edit,
        last first (so earlier positions stay valid)."""
        edits = edit["changes"][uri]
        for each in sorted(edits, key=lambda e: _key(e["range"]["start"]), reverse=True):
            start = _key(each["range"]["start"])
            end = _key(each["range"]["end"])
            version = self.change(uri, start, end, each["newText"])
        return version

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 30) -> list[dict]:
        """The diagnostics published for ``uri`` (at ``version``, when given)."""
        return self.wait_diagnostics(uri, version, timeout)[1]

    def wait_diagnostics(self, uri, version=None, timeout=30) -> tuple[float, list[dict]]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for {uri} at version {version}")
            at, message = self.notifications.get(timeout=left)
            params = message.get("params", {})
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            if params["uri"] == uri and (version is None or params.get("version") == version):
                return at, params["diagnostics"]

    def server_request(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = self.server_requests.get(timeout=max(0.01, deadline - time.monotonic()))
            if message["method"] == method:
                return message["params"]

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()


def _range(start, end) -> dict:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def _key(position: dict) -> tuple[int, int]:
    return position["line"], position["character"]


def position(text: str, index: int) -> tuple[int, int]:
    """(line, UTF-16 column) of a character offset."""
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return line, len(text[start:index].encode("utf-16-le")) // 2


def offset(text: str, line: int, character: int) -> int:
    """The character offset of (line, UTF-16 column)."""
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    units = 0
    index = start
    while units < character:
        units += len(text[index].encode("utf-16-le")) // 2
        index += 1
    return index


def apply(text: str, changes: list[dict]) -> str:
    for change in changes:
        rng = change["range"]
        begin = offset(text, rng["start"]["line"], rng["start"]["character"])
        finish = offset(text, rng["end"]["line"], rng["end"]["character"])
        text = text[:begin] + change["newText"] + text[finish:]
    return text


def text_at(text: str, rng: dict) -> str:
    begin = offset(text, rng["start"]["line"], rng["start"]["character"])
    finish = offset(text, rng["end"]["line"], rng["end"]["character"])
    return text[begin:finish]
