"""The page each heading of a DOCX's 目录 stands on, as LibreOffice lays the DOCX out.

A DOCX is never laid out by pbgen itself, so LibreOffice is the only honest source of its page
numbers (the PDF's layout differs: tables move to the next page in one and not the other).
LibreOffice, kept running by ``pbgen.office_pool``, exports the bookmarks as named PDF
destinations; pikepdf reads their pages (no poppler: Windows has none).

LibreOffice's time and memory grow faster than the document (1000 projects: 40 s and 430 MB;
5000: past 1.6 GB and any sensible timeout), so a long DOCX is laid out in parts: its body is
cut before paragraphs that start a new page (a 绩效目标表's title: ``pageBreakBefore``, its
own or its style's) in its last section, so that each part begins at the top of a page as it
does in the whole. The parts are laid out one after another; a heading's page is its page in
its part plus the pages of the parts before.
"""

from __future__ import annotations

import io
import itertools
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from pbgen import office_pool
from pbgen.docx_body import complete_children, declarations, serialized
from pbgen.errors import PbgenError
from pbgen.office_pool import NoUno, OfficeTimeout, OfficeUnavailable, libreoffice

DOCUMENT_XML = "word/document.xml"
PART_BYTES = 2_000_000  # of body XML per part: ~120 绩效目标表, LibreOffice stays under 250 MB
SECONDS = 60  # LibreOffice's time for each part (each takes a few seconds)
ADVICE = "；Word 打开时会提示更新目录"


class NoPageNumbers(PbgenError):
    """Why the DOCX 目录 has no page numbers (the DOCX is made all the same)."""


def docx_toc_pages(
    docx: bytes, anchors: list[str], first_numbered: str | None, part_bytes: int = PART_BYTES
) -> dict[str, int]:
    """The printed page each bookmarked heading stands on, as LibreOffice lays out this DOCX
    (numbering from the page of the bookmark ``first_numbered``, else from the first page), the
    body laid out in parts of about ``part_bytes`` of XML. Raises ``NoPageNumbers`` saying why
    they cannot be had."""
    if libreoffice() is None:
        raise NoPageNumbers(
            f"DOCX 的目录没有页码：本机没有 LibreOffice，无法得知 DOCX 的分页{ADVICE}"
            "（pbgen doctor 说明如何安装）。"
        )
    with tempfile.TemporaryDirectory(prefix="pbgen-toc-") as folder:
        try:
            parts = cut_docx(docx, Path(folder), part_bytes)
            found, before = {}, 0
            for pdf in _laid_out(parts, Path(folder)):
                destinations, pages = pdf_destinations(pdf)
                for page, name in destinations:
                    found.setdefault(name, before + page)
                before += pages
        except OfficeTimeout as why:
            raise NoPageNumbers(f"DOCX 的目录没有页码：{why}这份 DOCX{ADVICE}。") from None
        except (OSError, OfficeUnavailable, ValueError) as error:
            raise NoPageNumbers(
                f"DOCX 的目录没有页码：LibreOffice 排版这份 DOCX 失败（{error}）{ADVICE}。"
            ) from None
    # LibreOffice writes each non-alphanumeric character of a name as its hex code: _ → 5F
    named = [*anchors, *([first_numbered] if first_numbered else [])]
    exported = {"".join(c if c.isalnum() else f"{ord(c):02X}" for c in a): a for a in named}
    pages = {exported[name]: page for name, page in found.items() if name in exported}
    lost = [anchor for anchor in named if anchor not in pages]
    if lost:
        raise NoPageNumbers(
            f"DOCX 的目录没有页码：LibreOffice 排出的 DOCX 里没有 {len(lost)} 个目录项的书签"
            f"（{lost[0]} 等）{ADVICE}。"
        )
    first = pages[first_numbered] if first_numbered else 1
    return {anchor: pages[anchor] - first + 1 for anchor in anchors}


def _laid_out(parts: list[Path], folder: Path) -> Iterator[bytes]:
    """The PDF of each part, in order: by the kept office, else (no LibreOffice Python to
    keep one with) by a LibreOffice started for these parts."""
    offices = office_pool.current()
    try:
        first = offices.convert(parts[0].read_bytes(), SECONDS)
    except NoUno:
        office_pool.convert_once(parts, folder, SECONDS * (1 + len(parts)))
        yield from (part.with_suffix(".pdf").read_bytes() for part in parts)
        return
    yield first
    for part in parts[1:]:
        yield offices.convert(part.read_bytes(), SECONDS)


def pdf_destinations(pdf: bytes) -> tuple[list[tuple[int, str]], int]:
    """(page, name) of each named destination of the PDF, pages counted from 1, and its page
    count. Destinations are looked for where PDF puts them: the catalogue's ``/Dests``
    (LibreOffice's) and the ``/Names`` tree."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        numbers = {page.objgen: number for number, page in enumerate(document.pages, 1)}
        named = [(str(key)[1:], value) for key, value in document.Root.get("/Dests", {}).items()]
        tree = document.Root.get("/Names", {}).get("/Dests")
        if tree is not None:
            named += [(str(key), value) for key, value in pikepdf.NameTree(tree).items()]
        found = []
        for name, destination in named:
            if isinstance(destination, pikepdf.Dictionary):
                destination = destination.get("/D")
            if isinstance(destination, pikepdf.Array) and len(destination):
                page = numbers.get(destination[0].objgen)
                if page is not None:
                    found.append((page, name))
        return found, len(document.pages)


def cut_docx(docx: bytes, folder: Path, part_bytes: int = PART_BYTES) -> list[Path]:
    """The DOCX as parts of about ``part_bytes`` of body XML written into ``folder``
    (part-001.docx, …): cut before a paragraph that starts a new page, after the last
    section break (so that every cut lies in the section the body's own ``w:sectPr`` closes),
    and never right after it. Each part is the whole package but for its share of the body."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        starts_page = _page_breaking_styles(package.read("word/styles.xml"))
        with tempfile.TemporaryFile(dir=folder) as body:
            head, cuts, closing = _body_and_cuts(package, body, starts_page, part_bytes)
            end = body.tell()
            bounds = [0, *cuts, end]
            parts = []
            for number, (start, stop) in enumerate(itertools.pairwise(bounds), 1):
                body.seek(start)
                xml = [head, b"<w:body>", body.read(stop - start)]
                if stop != end:
                    xml.append(closing)
                xml.append(b"</w:body></w:document>")
                parts.append(_write_part(package, folder / f"part-{number:03}.docx", xml))
    return parts


def _body_and_cuts(package: zipfile.ZipFile, body, starts_page, part_bytes: int):
    """Write the body's children into ``body``; return what precedes ``<w:body>``, the
    offsets where parts begin, and the body's closing ``w:sectPr``."""
    with package.open(DOCUMENT_XML) as source:
        first = source.read(1 << 16)
        head, found, _ = first.partition(b"<w:body>")
        if not found:
            raise ValueError("word/document.xml 的格式出乎意料")
        pieces = itertools.chain([first], iter(lambda: source.read(1 << 16), b""))
        # where paragraphs that start a page begin; where the last section break ends
        candidates, last_break, closing, inherited = [], 0, b"", None
        for parent, node in complete_children(pieces, qn("w:body")):
            inherited = inherited if inherited is not None else declarations(parent)
            xml = serialized(node, inherited)
            if node.tag == qn("w:p") and _starts_page(node, starts_page):
                candidates.append(body.tell())
            body.write(xml)
            if node.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                last_break = body.tell()
            if node.tag == qn("w:sectPr"):
                closing = xml
    cuts = []
    for offset in candidates:
        if offset > last_break and offset - (cuts[-1] if cuts else 0) >= part_bytes:
            cuts.append(offset)
    return head, cuts, closing


def _write_part(package: zipfile.ZipFile, path: Path, document_xml: list[bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as part:
        for item in package.infolist():
            if item.filename == DOCUMENT_XML:
                with part.open(item.filename, "w") as entry:
                    for xml in document_xml:
                        entry.write(xml)
            else:
                part.writestr(item.filename, package.read(item.filename))
    return path


def _page_breaking_styles(styles_xml: bytes) -> dict[str, bool]:
    """Paragraph style → whether it starts a new page (``pageBreakBefore``, its own or that
    of the style it is based on); "" is the default paragraph style's."""
    styles = {
        style.get(qn("w:styleId")): style
        for style in etree.fromstring(styles_xml).iter(qn("w:style"))
        if style.get(qn("w:type")) == "paragraph"
    }

    def breaks(style_id: str, depth: int = 0) -> bool:
        style = styles.get(style_id)
        if style is None or depth > 20:
            return False
        own = style.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
        if own is not None:
            return _on(own)
        based = style.find(qn("w:basedOn"))
        return based is not None and breaks(based.get(qn("w:val")), depth + 1)

    found = {style_id: breaks(style_id) for style_id in styles}
    defaults = [s for s, style in styles.items() if style.get(qn("w:default")) in ("1", "true")]
    found[""] = bool(defaults) and found[defaults[0]]
    return found


def _starts_page(paragraph, starts_page: dict[str, bool]) -> bool:
    own = paragraph.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
    if own is not None:
        return _on(own)
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return starts_page.get(style.get(qn("w:val")) if style is not None else "", False)


def _on(element) -> bool:
    """A Word on/off property: on unless its w:val says 0, false or off."""
    return element.get(qn("w:val"), "1") not in ("0", "false", "off")
