"""The live preview inside ``pbgen lsp``: ``pbgen watch``'s page and renderer, fed the
editor's text instead of the saved file. A render takes about half a second, so it runs in
its own thread after the diagnostics, and only the newest text is rendered; a finding
clicked on the page asks the editor to show its line (``window/showDocument``)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from pbgen.watch import Preview, serve, url

if TYPE_CHECKING:
    from pbgen.lsp.analysis import Analysis
    from pbgen.lsp.server import PbgenServer


class Previews:
    """One preview per filing asked for, each on its own 127.0.0.1 port."""

    def __init__(self, server: PbgenServer) -> None:
        self.server = server
        self.open: dict[str, tuple[Preview, object]] = {}
        self.latest: dict[str, Analysis] = {}
        self.lock = threading.Lock()
        self.renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pbgen-preview")

    async def start(self, uri: str) -> str:
        if uri not in self.open:
            loop = asyncio.get_running_loop()

            def show(line: int, column: int) -> None:  # from the page's HTTP thread
                loop.call_soon_threadsafe(self.server.show, uri, line - 1, max(column - 1, 0))

            preview = Preview(self.server.path_of(uri), on_show=show)
            self.open[uri] = (preview, serve(preview))
            analysis = self.server.analyses.get(uri)
            if analysis is not None:
                self.changed(uri, analysis)
        return url(self.open[uri][1])

    def changed(self, uri: str, analysis: Analysis) -> None:
        """Render the newest text of an open preview (renders queued meanwhile are skipped)."""
        if uri not in self.open:
            return
        with self.lock:
            self.latest[uri] = analysis
        self.renderer.submit(self._render, uri)

    def _render(self, uri: str) -> None:
        with self.lock:
            analysis = self.latest.pop(uri, None)
        opened = self.open.get(uri)
        if analysis is None or opened is None:
            return  # a newer render already took it, or the preview was closed
        opened[0].refresh(analysis.result, len(analysis.text.encode("utf-8")))

    def closed(self, uri: str) -> None:
        opened = self.open.pop(uri, None)
        if opened is not None:
            preview, http = opened
            preview.stop()
            http.shutdown()
