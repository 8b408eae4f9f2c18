"""Hostile documents for ``pbgen import``: each made on demand (the large ones streamed, none kept
in the repository), each a DOCX or XLSX that a well-formed Office package could be made into.

``CASES`` names every case and what a correct import does with it: refuse it with a message
(exit 2), or — for a legitimate document such as pbgen's own 公开表 with one stray formatted
cell far below — import it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from docx import Document

from conftest import hostile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SECRET = "PBGEN-SECRET-7f3a"  # what a file read through an entity would bring into the YAML


def _base(kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "docx":
        Document().save(buffer)
    else:
        openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def package(path: Path, kind: str, part: str, content: bytes | Iterable[bytes]) -> Path:
    """A valid empty DOCX/XLSX with ``part`` replaced by ``content`` (bytes, or chunks streamed
    into the archive so that a gigabyte never sits in memory)."""
    with (
        zipfile.ZipFile(io.BytesIO(_base(kind))) as base,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in base.infolist():
            if info.filename != part:
                out.writestr(info, base.read(info))
        if isinstance(content, bytes):
            out.writestr(part, content)
        else:
            with out.open(part, "w", force_zip64=True) as stream:
                for chunk in content:
                    stream.write(chunk)
    return path


def body(xml: str) -> bytes:
    return f'<w:document xmlns:w="{W}"><w:body>{xml}</w:body></w:document>'.encode()


def docx(path: Path, content: bytes | Iterable[bytes]) -> Path:
    return package(path, "docx", "word/document.xml", content)


def sheet(path: Path, content: bytes | Iterable[bytes]) -> Path:
    return package(path, "xlsx", "xl/worksheets/sheet1.xml", content)


def worksheet(rows: str, after: str = "") -> bytes:
    return f'<worksheet xmlns="{SHEET}"><sheetData>{rows}</sheetData>{after}</worksheet>'.encode()


def para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para(text)}</w:tc>"


# -- the cases --------------------------------------------------------------------------------


def xxe_file(path: Path, secret: Path, port: int) -> Path:
    """An external entity naming a local file."""
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        f'<w:document xmlns:w="{W}"><w:body>{para("项目名称&x;")}</w:body></w:document>'
    )
    return docx(path, xml.encode())


def xxe_http(path: Path, secret: Path, port: int) -> Path:
    """An external entity and an external DTD on a server on this machine."""
    url = f"http://127.0.0.1:{port}"
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d SYSTEM "{url}/dtd" '
        f'[<!ENTITY x SYSTEM "{url}/entity">]>'
        f'<w:document xmlns:w="{W}"><w:body>{para("项目名称&x;")}</w:body></w:document>'
    )
    return docx(path, xml.encode())


def entity_expansion(path: Path, secret: Path, port: int) -> Path:
    """Billion laughs: ten levels of ten references each."""
    entities = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>'
        f'<w:document xmlns:w="{W}"><w:body>{para("&a9;")}</w:body></w:document>'
    )
    return docx(path, xml.encode())


def corrupt_deflate(path: Path, secret: Path, port: int) -> Path:
    """document.xml's compressed bytes overwritten in the middle."""
    docx(path, body(para("项目名称") * 2000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    return path


def malformed_xml(path: Path, secret: Path, port: int) -> Path:
    return docx(path, body(para("项目名称"))[:-30])


def empty_xml(path: Path, secret: Path, port: int) -> Path:
    return docx(path, b"")


def no_body(path: Path, secret: Path, port: int) -> Path:
    return docx(path, f'<w:document xmlns:w="{W}"/>'.encode())


def grid_span_text(path: Path, secret: Path, port: int) -> Path:
    row = cell("项目名称", '<w:gridSpan w:val="两列"/>') + cell("甲")
    return docx(path, body(f"<w:tbl><w:tr>{row}</w:tr></w:tbl>"))


def deep_nesting(path: Path, secret: Path, port: int) -> Path:
    """Tables nested 1200 deep."""
    depth = 1200
    inner = para("项目名称")
    xml = "<w:tbl><w:tr><w:tc>" * depth + inner + "</w:tc></w:tr></w:tbl>" * depth
    return docx(path, body(xml))


def huge_text(path: Path, secret: Path, port: int) -> Path:
    """One text node of 1 GB (streamed into the archive: about 1 MB on disk)."""

    def chunks():
        yield f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
        block = b"A" * (1 << 20)
        for _ in range(1024):
            yield block
        yield b"</w:t></w:r></w:p></w:body></w:document>"

    return docx(path, chunks())


def grid_span_huge(path: Path, secret: Path, port: int) -> Path:
    row = cell("项目名称", '<w:gridSpan w:val="100000000"/>') + cell("甲")
    return docx(path, body(f"<w:tbl><w:tr>{row}</w:tr><w:tr>{row}</w:tr></w:tbl>"))


def grid_before(path: Path, secret: Path, port: int) -> Path:
    row = '<w:trPr><w:gridBefore w:val="100000000"/></w:trPr>' + cell("项目名称") + cell("甲")
    return docx(path, body(f"<w:tbl><w:tr>{row}</w:tr><w:tr>{row}</w:tr></w:tbl>"))


def zip_bomb(path: Path, secret: Path, port: int) -> Path:
    """About 1 GB of paragraphs, a few MB compressed."""

    def chunks():
        yield f'<w:document xmlns:w="{W}"><w:body>'.encode()
        block = para("项目名称：某某项目" * 4).encode() * 4096
        for _ in range((1 << 30) // len(block)):
            yield block
        yield b"</w:body></w:document>"

    return docx(path, chunks())


def smuggling(path: Path, secret: Path, port: int) -> Path:
    """Unplaced text carrying line ends YAML knows and a comment does not: each would start a
    key of its own after the ``#`` of a comment."""
    texts = [
        "附注\u2028check: {disable: [plan-incomplete, plan-cumulative]}",
        "附注\u2029year: 1999",
        "附注\u0085money_unit: 元",
        "附注&#13;layout: gongkai",
    ]
    return docx(path, body("".join(para(text) for text in texts)))


def merged_sheet(path: Path, secret: Path, port: int) -> Path:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    return sheet(
        path, worksheet(rows, '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    )


def far_cell(path: Path, secret: Path, port: int) -> Path:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>甲</t></is></c></row>'
    )
    return sheet(path, worksheet(rows))


def many_merges(path: Path, secret: Path, port: int) -> Path:
    merges = "".join(f'<mergeCell ref="A{2 * i + 1}:B{2 * i + 2}"/>' for i in range(200_000))
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    return sheet(path, worksheet(rows, f'<mergeCells count="200000">{merges}</mergeCells>'))


def row_bomb(path: Path, secret: Path, port: int) -> Path:
    """Every row of the sheet, each with a cell: about 40 MB of XML."""

    def chunks():
        yield f'<worksheet xmlns="{SHEET}"><sheetData>'.encode()
        for start in range(1, 1_048_577, 4096):
            yield "".join(
                f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                for r in range(start, min(start + 4096, 1_048_577))
            ).encode()
        yield b"</sheetData></worksheet>"

    return sheet(path, chunks())


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, Path, int], Path]
    suffix: str = ".docx"
    legitimate: bool = False  # a correct import, not a refusal


CASES = [
    Case("xxe-file", xxe_file),
    Case("xxe-http", xxe_http),
    Case("entity-expansion", entity_expansion),
    Case("corrupt-deflate", corrupt_deflate),
    Case("malformed-xml", malformed_xml),
    Case("empty-xml", empty_xml),
    Case("no-body", no_body),
    Case("gridspan-text", grid_span_text),
    Case("nesting-1200", deep_nesting),
    Case("text-node-1gb", huge_text),
    Case("merged-whole-sheet", merged_sheet, ".xlsx", legitimate=True),
    Case("gridspan-1e8", grid_span_huge),
    Case("cell-XFD1048576", far_cell, ".xlsx", legitimate=True),
    Case("merges-200000", many_merges, ".xlsx"),
    Case("row-bomb", row_bomb, ".xlsx"),
    Case("gridbefore-1e8", grid_before),
    Case("zip-bomb", zip_bomb),
    Case("u2028-smuggling", smuggling, legitimate=True),
]


def stray_cell(gongkai_xlsx: Path, path: Path) -> Path:
    """pbgen's own 公开表 XLSX with one formatted (empty) cell at row 65,536, as a clerk's stray
    click leaves it: the sheet's XML gains that one cell, nothing else changes."""
    import re

    with zipfile.ZipFile(gongkai_xlsx) as source:
        part = "xl/worksheets/sheet1.xml"
        xml = source.read(part).decode("utf-8")
        xml = xml.replace("</sheetData>", '<row r="65536"><c r="C65536" s="1"/></row></sheetData>')
        xml = re.sub(r'<dimension ref="([A-Z]+1):[A-Z]+\d+"', r'<dimension ref="\1:E65536"', xml)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                out.writestr(info, xml if info.filename == part else source.read(info))
    return path


# -- running pbgen import on one, as a clerk would, bounded ---------------------------------


@dataclass
class Run:
    exit: int | None  # None: killed at the time limit
    seconds: float
    peak_mb: float
    output: str


def run_import(
    command: list[str], *, timeout: float, memory_mb: int | None = None, cwd: Path | None = None
) -> Run:
    """``command`` (``pbgen import …``) in a fresh process with a time limit (and an address-
    space limit when ``memory_mb``): exit status, wall time, peak resident memory and what it
    printed (bench/hostile.py's ``run``: a process still running at ``timeout`` is killed, so
    CI never hangs)."""
    import os

    if memory_mb:  # prlimit execs the command: no fork of this process is measured
        command = ["prlimit", f"--as={memory_mb * 2**20}", "--", *command]
    environment = {**os.environ, "COLUMNS": "200"}
    done = hostile().run(command, cwd or Path.cwd(), environment, timeout)
    return Run(done.exit, done.seconds, done.peak_mb, done.out + done.err)


class Listener:
    """A web server on 127.0.0.1 that records every request made to it (an XXE must make
    none); serves for as long as the ``with`` block lasts."""

    def __enter__(self) -> Listener:
        import http.server
        import threading

        requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(f'<!ENTITY x "{SECRET}">'.encode())

            def log_message(self, *args) -> None:
                pass

        self.requests = requests
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
