"""The protocol: pygls speaks LSP over stdio; this module keeps each open filing's latest
analysis, re-checks it as the clerk types (incremental sync, ``DEBOUNCE`` after the last
keystroke, in a worker thread so the server keeps answering), and hands requests to
``fixes``, ``complete`` and ``outline``. The preview (``pbgen.watch``'s page) is served by this
same process and re-rendered from the editor's text.

Bounded as ``pbgen watch`` is: a text past ``CHECKED_HERE_BYTES`` (the largest real filing is
30 KB; a quarter MB of one-character values takes 350 MB and 3.5 s to check) is checked in the
bounded worker, time and memory capped, stopped by the next change; past ``watch``'s
``LIVE_MAX_BYTES`` the preview only checks; the clerk is told once.

Why pygls: it is the kept Python LSP library (Apache-2.0, typed messages from lsprotocol), and
gives incremental document sync with UTF-16/UTF-8 position conversion, which a hand-written
JSON-RPC loop would have to repeat.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from pbgen import __version__, bounded
from pbgen.findings import visible
from pbgen.lsp import complete, fixes, outline
from pbgen.lsp.analysis import Analysis, analyze, analyze_bounded
from pbgen.lsp.preview import Previews
from pbgen.watch import LIVE_MAX_BYTES

CHECKED_HERE_BYTES = 2**18  # a larger text is checked in the bounded worker (analysis.py)
DEBOUNCE = 0.075  # seconds after the last change before the text is checked
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}
COMMAND_PREVIEW = "pbgen.preview"
COMMAND_NEXT_UNFILLED = "pbgen.nextUnfilled"


class PbgenServer(LanguageServer):
    """The open filings: each one's latest analysis, and the pending re-check."""

    def __init__(self) -> None:
        super().__init__("pbgen", __version__)
        self.analyses: dict[str, Analysis] = {}
        self.readable: dict[str, Analysis] = {}  # the last analysis whose YAML could be read
        self.pending: dict[str, asyncio.Task] = {}
        self.large: set[str] = set()  # documents past CHECKED_HERE_BYTES, the clerk told
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pbgen-check")
        self.previews = Previews(self)

    def path_of(self, uri: str) -> Path:
        return Path(to_fs_path(uri) or uri)

    async def refresh(self, uri: str, delay: float = 0.0) -> None:
        """Check the document's current text (after ``delay``) and publish the diagnostics,
        unless the text changed meanwhile (a newer check is then on its way)."""
        if delay:
            await asyncio.sleep(delay)
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        size = len(text.encode("utf-8"))
        self.tell_size(uri, size)
        loop = asyncio.get_running_loop()
        try:
            if size <= CHECKED_HERE_BYTES:
                job = partial(analyze, text, self.path_of(uri))
            else:
                newer = partial(self._newer, uri, version)
                job = partial(analyze_bounded, text, self.path_of(uri), newer)
            analysis = await loop.run_in_executor(self.worker, job)
        except bounded.Cancelled:  # the text changed meanwhile: its own check is on its way
            return
        except Exception:  # a bug of pbgen must not end the checking the clerk relies on
            logging.getLogger("pbgen.lsp").exception("checking %s failed", uri)
            self.window_show_message(
                lsp.ShowMessageParams(
                    type=lsp.MessageType.Error,
                    message="pbgen 内部错误：这份文件没能检查（详情见 pbgen 的输出日志），请报告。",
                )
            )
            return
        if self.workspace.get_text_document(uri).version != version:
            return
        self.analyses[uri] = analysis
        if analysis.source is not None:
            self.readable[uri] = analysis
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=diagnostics(analysis, document)
            )
        )
        self.previews.changed(uri, analysis)

    def _newer(self, uri: str, version: int) -> bool:
        """Whether the document changed (or closed) since ``version`` (from the check's thread)."""
        return self.workspace.get_text_document(uri).version != version  # closed: None

    def tell_size(self, uri: str, size: int) -> None:
        """Tell the clerk, once each time a text grows past ``CHECKED_HERE_BYTES``, that it is
        checked apart (and past ``LIVE_MAX_BYTES`` not previewed)."""
        large = size > CHECKED_HERE_BYTES
        if large == (uri in self.large):
            return
        if not large:
            self.large.discard(uri)
            return
        self.large.add(uri)
        preview = (
            f"；超过 {LIVE_MAX_BYTES // 2**20} MB，预览只检查、不生成 PDF（生成请运行 pbgen render）"
            if size > LIVE_MAX_BYTES
            else ""
        )
        self.window_show_message(
            lsp.ShowMessageParams(
                type=lsp.MessageType.Warning,
                message=f"这份文件有 {size / 2**20:.1f} MB，超过了编辑器里实时检查的上限 "
                f"{CHECKED_HERE_BYTES // 2**10} KB：改在限时、限内存的后台进程里检查，"
                f"问题只标到行，补全和悬停提示停在文件较小时{preview}。",
            )
        )

    def schedule(self, uri: str, delay: float) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.refresh(uri, delay))

    def current(self, uri: str) -> Analysis | None:
        """The latest analysis whose YAML could be read (for completion, hover, outline)."""
        return self.readable.get(uri)

    def show(self, uri: str, line: int, column: int = 0) -> None:
        """Ask the editor to show ``uri`` at ``line`` (0-based), as a finding clicked."""
        position = lsp.Position(line=line, character=column)
        self.window_show_document(
            lsp.ShowDocumentParams(
                uri=uri, take_focus=True, selection=lsp.Range(start=position, end=position)
            )
        )


UNITS = {  # a position encoding: the codec that counts its code units, and their width
    lsp.PositionEncodingKind.Utf8: ("utf-8", 1),
    lsp.PositionEncodingKind.Utf16: ("utf-16-le", 2),
    lsp.PositionEncodingKind.Utf32: ("utf-32-le", 4),
}


def client_position(lines: list[str], position: lsp.Position, encoding) -> lsp.Position:
    """pygls's ``position_to_client_units``, counted by a codec: pygls counts a character at a
    time in Python, and 1,000 diagnostics on a line of 1 MB took 90 s to place."""
    if position.line >= len(lines):
        return lsp.Position(line=len(lines), character=0)
    codec, width = UNITS.get(encoding, UNITS[lsp.PositionEncodingKind.Utf16])
    before = lines[position.line][: position.character]
    return lsp.Position(
        line=position.line, character=len(before.encode(codec, "surrogatepass")) // width
    )


def diagnostics(analysis: Analysis, document) -> list[lsp.Diagnostic]:
    """Each finding as ``pbgen check`` words it (its field, then what to do), at its range."""
    lines = analysis.lines
    found = []
    for located in analysis.located:
        finding = located.finding
        (start_line, start_column), (end_line, end_column) = located.span
        wanted = lsp.Range(
            start=lsp.Position(line=start_line, character=start_column),
            end=lsp.Position(line=end_line, character=end_column),
        )
        field = f"{visible(finding.field)}：" if finding.field else ""
        found.append(
            lsp.Diagnostic(
                range=lsp.Range(
                    start=client_position(lines, wanted.start, document.position_codec.encoding),
                    end=client_position(lines, wanted.end, document.position_codec.encoding),
                ),
                message=field + visible(finding.message),
                severity=SEVERITY[finding.severity],
                code=finding.rule,
                source="pbgen",
                data={"rule": finding.rule, "path": list(finding.path)},
            )
        )
    return found


def create_server() -> PbgenServer:
    server = PbgenServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: PbgenServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0.0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: PbgenServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: PbgenServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.analyses.pop(uri, None)
        ls.readable.pop(uri, None)
        ls.large.discard(uri)
        ls.previews.closed(uri)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: PbgenServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analyses.get(uri)
        if analysis is None:
            return []
        document = ls.workspace.get_text_document(uri)
        return fixes.code_actions(analysis, document, params, COMMAND_NEXT_UNFILLED)

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=[":", " ", "{", ",", "-"]),
    )
    def completion(ls: PbgenServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        items = complete.completions(document, params.position, ls.path_of(uri), ls.current(uri))
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: PbgenServer, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        analysis = ls.current(uri)
        if analysis is None:
            return None
        document = ls.workspace.get_text_document(uri)
        return complete.hover(analysis, document, params.position)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: PbgenServer, params: lsp.DocumentSymbolParams
    ) -> list[lsp.DocumentSymbol]:
        uri = params.text_document.uri
        analysis = ls.current(uri)
        if analysis is None:
            return []
        return outline.symbols(analysis, ls.workspace.get_text_document(uri))

    @server.command(COMMAND_NEXT_UNFILLED)
    def next_unfilled(ls: PbgenServer, uri: str, line: int, column: int) -> dict | None:
        """Show the next 「待填」 after a position (wrapping round), as a jump."""
        line, column = int(line), int(column)
        document = ls.workspace.get_text_document(uri)
        found = fixes.next_unfilled(document, lsp.Position(line=line, character=column))
        if found is None:
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Info, message="没有「待填」了。")
            )
            return None
        ls.window_show_document(lsp.ShowDocumentParams(uri=uri, take_focus=True, selection=found))
        return {"line": found.start.line, "character": found.start.character}

    @server.command(COMMAND_PREVIEW)
    async def preview(ls: PbgenServer, *arguments) -> dict:
        """Start (or find) the live preview of a filing (``[uri]``); its address. With
        ``[uri, true]`` the editor is asked to open it in the browser (editors without a
        preview pane of their own)."""
        uri, open_it = arguments[0], len(arguments) > 1 and bool(arguments[1])
        url = await ls.previews.start(uri)
        if open_it:
            ls.window_show_document(lsp.ShowDocumentParams(uri=url, external=True))
        return {"url": url}

    return server


def serve() -> None:
    """Speak LSP on stdin/stdout until the editor ends the session."""
    logging.basicConfig(level=logging.WARNING)
    create_server().start_io()
