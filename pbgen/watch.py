"""``pbgen watch``: the filing re-checked and re-rendered on every save, shown in a browser page.

The process watches the filing, and the template folder when one is given, by polling their
``stat``: no extra dependency, the same on Windows, macOS and Linux, whether an editor saves in
place or by renaming a new file over the old. Each save is checked and rendered in one warm
worker process (``pbgen.bounded``: WeasyPrint imported and fonts configured once; time and
memory limited), and a newer save stops the work for an older one; a filing past
``LIVE_MAX_BYTES`` is checked only. A small HTTP server on 127.0.0.1, at most
``MAX_CONNECTIONS`` at once, serves the page (``preview.html``), the latest PDF and the
findings; the page listens to a Server-Sent Events stream and refreshes itself when a new
version is ready. A failed load or render keeps the last good PDF on screen, with the reason.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pbgen import bounded
from pbgen.editors import pdfjs
from pbgen.errors import PbgenError
from pbgen.findings import as_dict
from pbgen.formats import FORMATS
from pbgen.pipeline import build_timestamp, check_file, choose_layout, render_in_memory, render_job

PAGE = Path(__file__).with_name("preview.html")
POLL_SECONDS = 0.05  # how often the files are looked at: a stat each, cheaper than any render
SETTLE_SECONDS = 0.05  # a save is complete once the files have not changed for this long
KEEPALIVE_SECONDS = 15.0
MAX_CONNECTIONS = 64  # the page holds two at a time; a few tabs, a few more
REQUEST_SECONDS = 10.0
LIVE_MAX_BYTES = 2**20  # past it, check only: ~700 projects, a minute a PDF; real filings < 1 MB


@dataclass(frozen=True)
class Snapshot:
    """What the page shows. ``error`` says why the PDF shown is not the file as last saved."""

    version: int = 0
    file: str = ""
    pdf: bytes | None = field(default=None, repr=False)
    pages: int = 0
    findings: list[dict] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    updated: float = 0.0  # wall-clock time of this version, for the page
    editor: bool = False  # a finding clicked on the page shows its line in the editor

    def state(self) -> dict:
        """The snapshot as the page reads it (the PDF is fetched on its own)."""
        state = asdict(self)
        state["has_pdf"] = state.pop("pdf") is not None
        return state


@dataclass(frozen=True)
class Checked:
    """What one refresh found (``preview_job``): findings, and the PDF when one was made."""

    findings: list[dict]
    pdf: bytes | None = field(default=None, repr=False)
    pages: int = 0
    error: str = ""


def preview_job(path: Path, layout: str | None, template_dir: Path | None, live: bool) -> Checked:
    """Check the filing and, when ``live``, render its PDF: in memory, with no DOCX and no
    second load, writing nothing into the user's folders. Runs in the bounded worker."""
    result = check_file(path)
    findings = [as_dict(finding) for finding in result.findings]
    if not result.readable:
        return Checked(findings, error="文件无法读取（见下方问题），显示的是上一次生成的版本。")
    if not live:
        return Checked(findings, error=too_large(path))
    try:
        chosen = choose_layout(result.loaded, layout, template_dir)
        filing = result.loaded.filing
        timestamp = build_timestamp(filing.year)
        pdf = [FORMATS["pdf"]]
        rendered = render_job(filing, chosen, pdf, str(path), timestamp, result.failed)
    except PbgenError as problem:
        return Checked(findings, error=f"{problem}\n显示的是上一次生成的版本。")
    return Checked(findings, rendered.files["pdf"], rendered.pages)


def too_large(path: Path) -> str:
    return (
        f"文件超过了预览实时生成的上限 {LIVE_MAX_BYTES // 2**20} MB：只检查，不生成 PDF"
        f"（显示的是上一次生成的版本）。生成请运行 pbgen render {path}。"
    )


class Preview:
    """The latest snapshot of one filing, refreshed on demand, and a way to wait for the next."""

    def __init__(
        self,
        path: Path | str,
        layout: str | None = None,
        template_dir: Path | None = None,
        on_show: Callable[[int, int], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.layout = layout
        self.template_dir = template_dir
        self.on_show = on_show  # (line, column) of a finding clicked: the editor shows it
        self.snapshot = Snapshot(file=str(path), editor=on_show is not None)
        self.shown: tuple = ()  # the signature of the save the snapshot shows
        self._changed = threading.Condition()
        self.stopped = threading.Event()

    def refresh(self, result=None, size: int = 0) -> Snapshot:
        """Check and render once; the new snapshot replaces the old and wakes every waiter.
        ``result`` is a check already made (``pbgen lsp`` checks the editor's text, of ``size``
        bytes: past ``LIVE_MAX_BYTES``, not rendered), else the
        filing as last saved is checked (``preview_job``). Either way the templates run in the
        bounded worker: their time and memory are limited, and the preview's own stay small."""
        start = time.perf_counter()
        if result is not None:
            saved, checked = self.shown, self._from_editor(result, size)
        else:
            found = self._from_disk()
            if found is None:  # stopped while it worked
                return self.snapshot
            saved, checked = found
        with self._changed:
            self.shown = saved
            self.snapshot = replace(
                self.snapshot,
                version=self.snapshot.version + 1,
                pdf=checked.pdf if checked.pdf is not None else self.snapshot.pdf,
                pages=checked.pages if checked.pdf is not None else self.snapshot.pages,
                findings=checked.findings,
                error=checked.error,
                seconds=round(time.perf_counter() - start, 3),
                updated=time.time(),
            )
            self._changed.notify_all()
        return self.snapshot

    def _from_disk(self) -> tuple[tuple, Checked] | None:
        """The filing as last saved, checked and rendered (``preview_job``); a save that comes
        meanwhile stops the work, and the newer save is checked instead. None once stopped."""
        while True:
            saved = self.signature()
            try:
                size = self.path.stat().st_size
            except OSError:
                size = 0
            try:
                return saved, bounded.run(
                    preview_job,
                    self.path,
                    self.layout,
                    self.template_dir,
                    size <= LIVE_MAX_BYTES,
                    limits=bounded.limits_for(size),
                    what=f"预览 {self.path}：版式的模板",
                    cancelled=lambda saved=saved: (
                        self.stopped.is_set() or self.signature() != saved
                    ),
                )
            except bounded.Cancelled:
                if self.stopped.is_set():
                    return None
            except PbgenError as problem:  # the templates ran out of time or memory
                return saved, Checked([], error=f"{problem}\n显示的是上一次生成的版本。")
            except Exception as bug:  # a bug must not end the preview the clerk is working in
                traceback.print_exception(bug)
                error = f"pbgen 内部错误（{type(bug).__name__}），请报告。"
                return saved, Checked([], error=error)

    def _from_editor(self, result, size: int) -> Checked:
        """A check the editor made of its text, and the PDF of it (in the bounded worker, its
        limits those of the text's ``size``)."""
        findings = [as_dict(finding) for finding in result.findings]
        if not result.readable:
            return Checked(findings, error="文件无法读取（见下方问题），显示的是上一次生成的版本。")
        if size > LIVE_MAX_BYTES:
            return Checked(findings, error=too_large(self.path))
        try:
            chosen = choose_layout(result.loaded, self.layout, self.template_dir)
            rendered = render_in_memory(
                result.loaded.filing, chosen, ["pdf"], str(self.path), result.failed, size=size
            )
        except PbgenError as problem:
            return Checked(findings, error=f"{problem}\n显示的是上一次生成的版本。")
        except Exception as bug:  # a bug must not end the preview the clerk is working in
            traceback.print_exception(bug)
            return Checked(findings, error=f"pbgen 内部错误（{type(bug).__name__}），请报告。")
        return Checked(findings, rendered.files["pdf"], rendered.pages)

    def wait_for_newer(self, version: int, timeout: float) -> Snapshot:
        """The first snapshot after ``version``, or the current one after ``timeout`` seconds
        or once the preview stops."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.snapshot.version > version or self.stopped.is_set(), timeout
            )
            return self.snapshot

    def stop(self) -> None:
        self.stopped.set()
        with self._changed:
            self._changed.notify_all()

    # -- watching -------------------------------------------------------------------------------

    def watched_files(self) -> list[Path]:
        """The filing, and every file of the template folder a template author is editing."""
        files = [self.path]
        if self.template_dir is not None and self.template_dir.is_dir():
            files += sorted(p for p in self.template_dir.rglob("*") if p.is_file())
        return files

    def signature(self) -> tuple:
        """What changes when any watched file is saved: its time, size and identity."""
        marks = []
        for path in self.watched_files():
            try:
                stat = path.stat()
            except OSError:
                marks.append((str(path), None))
            else:
                marks.append((str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino))
        return tuple(marks)

    def watch(self, on_refresh: Callable[[Snapshot], None] = lambda snapshot: None) -> None:
        """Refresh after every save until ``stop()``. A save is taken once the files have been
        still for ``SETTLE_SECONDS``, so an editor writing in several steps renders once."""
        last = self.shown or self.signature()
        while not self.stopped.wait(POLL_SECONDS):
            current = self.signature()
            if current == last:
                continue
            while not self.stopped.wait(SETTLE_SECONDS):
                settled = self.signature()
                if settled == current:
                    break
                current = settled
            if not self.stopped.is_set():
                on_refresh(self.refresh())
            last = self.shown


# -- the page -------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """GET / (the page), /state (JSON), /document.pdf, /events (Server-Sent Events), /pdfjs/…
    (pdf.js, for a browser without a PDF viewer); POST /show?line=…&column=… (a finding
    clicked: the editor shows its line)."""

    preview: Preview  # set on the subclass made by ``serve``
    server_version = "pbgen-watch"
    timeout = REQUEST_SECONDS  # a client that sends nothing is let go

    def do_GET(self) -> None:
        if not self._local_host():
            self.send_error(HTTPStatus.FORBIDDEN, "pbgen watch only answers on localhost")
            return
        route = self.path.split("?", 1)[0]
        if route == "/":
            self._send(PAGE.read_bytes(), "text/html; charset=utf-8")
        elif route == "/state":
            state = self.preview.snapshot.state()
            self._send(json.dumps(state, ensure_ascii=False).encode(), "application/json")
        elif route == "/document.pdf":
            pdf = self.preview.snapshot.pdf
            if pdf is None:
                self.send_error(HTTPStatus.NOT_FOUND, "no PDF yet")
            else:
                self._send(pdf, "application/pdf")
        elif route == "/events":
            self._events()
        elif route.startswith("/pdfjs/") and pdfjs(route.removeprefix("/pdfjs/")) is not None:
            self._send(pdfjs(route.removeprefix("/pdfjs/")), "text/javascript; charset=utf-8")
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        route, _, query = self.path.partition("?")
        own = f"http://{self.headers.get('Host')}"
        if not self._local_host() or self.headers.get("Origin", own) != own:
            self.send_error(HTTPStatus.FORBIDDEN, "only the preview page may ask")
            return
        if route != "/show" or self.preview.on_show is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        asked = dict(part.partition("=")[::2] for part in query.split("&") if part)
        try:
            line, column = int(asked.get("line", "")), int(asked.get("column") or 1)
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "line and column are numbers")
            return
        self.preview.on_show(line, column)
        self._send(b"{}", "application/json")

    def _local_host(self) -> bool:
        """Refuse requests named for another host: a web page elsewhere cannot reach the preview
        through a DNS name that points at 127.0.0.1."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in {"127.0.0.1", "localhost", "[::1]"}

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """One ``data: <version>`` event per new snapshot, a comment line to keep idle
        connections open, until the page goes away or the preview stops."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        version = -1
        try:
            while not self.preview.stopped.is_set():
                snapshot = self.preview.wait_for_newer(version, KEEPALIVE_SECONDS)
                if snapshot.version > version:
                    version = snapshot.version
                    self.wfile.write(f"data: {version}\n\n".encode())
                else:
                    self.wfile.write(b": keepalive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args) -> None:  # the terminal shows renders, not requests
        pass


class _Server(ThreadingHTTPServer):
    """A thread per connection, at most ``MAX_CONNECTIONS`` at once: one past them is closed
    as it comes, so a flood of connections that never finish their request (each is let go
    after ``REQUEST_SECONDS``) never takes the file descriptors the preview needs."""

    daemon_threads = True
    request_queue_size = 128  # connections the system holds until accepted (else: refused)

    def __init__(self, address, handler) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client that went away or stalled is no fault of the preview: no traceback."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def serve(preview: Preview, port: int = 0) -> ThreadingHTTPServer:
    """The preview's HTTP server on 127.0.0.1 (``port`` 0: any free one), serving in a thread."""
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    try:
        server = _Server(("127.0.0.1", port), handler)
    except OSError as error:
        raise PbgenError(
            f"无法在 127.0.0.1:{port} 上启动预览（{error.strerror}）；换一个 --port。"
        ) from None
    threading.Thread(target=server.serve_forever, name="pbgen-watch-http", daemon=True).start()
    return server


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"
