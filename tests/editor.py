"""A YAML editor as the tests see one: yaml-language-server (the server inside VS Code's YAML
extension) spoken to over stdio, the way an editor does: open a document, read the diagnostics
it publishes, ask for completion and hover.

The server is installed by ``scripts/setup.sh test`` into ``tests/tools/node_modules`` at the
version pinned in ``tests/tools/package.json``.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from queue import Empty, Queue

TOOLS = Path(__file__).parent / "tools"
SERVER = TOOLS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class YamlEditor:
    """One yaml-language-server process with the Chinese interface (``locale: zh-cn``)."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.replies: dict[int, Queue] = {}
        self.diagnostics: Queue = Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "locale": "zh-cn",
                "rootUri": root.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {},
                    },
                    "workspace": {"configuration": True},
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": self.settings()}})

    @staticmethod
    def settings() -> dict:
        return {
            "validate": True,
            "completion": True,
            "hover": True,
            "schemaStore": {"enable": False},
        }

    # -- the protocol -----------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            message = json.loads(stream.read(int(headers["content-length"])))
            if "id" in message and "method" in message:  # a request from the server
                self._answer(message)
            elif "id" in message:
                self.replies.setdefault(message["id"], Queue()).put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put(message["params"])

    def _answer(self, request: dict) -> None:
        result = None
        if request["method"] == "workspace/configuration":
            result = [self.settings() for _ in request["params"]["items"]]
        self._send({"id": request["id"], "result": result})

    def request(self, method: str, params: dict, timeout: float = 60) -> dict:
        self.next_id += 1
        number = self.next_id
        queue = self.replies.setdefault(number, Queue())
        self._send({"id": number, "method": method, "params": params})
        reply = queue.get(timeout=timeout)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["result"]

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    # -- what an editor does ----------------------------------------------------------------------

    def open(self, path: Path, text: str) -> list[dict]:
        """Open ``text`` as the document ``path``; the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        while True:
            try:
                published = self.diagnostics.get(timeout=60)
            except Empty:
                raise TimeoutError(f"no diagnostics for {path}") from None
            if published["uri"] == uri:
                return published["diagnostics"]

    def completion(self, path: Path, line: int, character: int) -> list[dict]:
        result = self.request(
            "textDocument/completion",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        return result["items"] if isinstance(result, dict) else result or []

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )
        contents = (result or {}).get("contents", "")
        return contents.get("value", "") if isinstance(contents, dict) else str(contents)

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
        finally:
            self.process.kill()
            self.process.wait()
