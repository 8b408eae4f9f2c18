"""DOCX: docxtpl fills the Word template, python-docx finishes what Jinja cannot.

Every layout's Word template holds the styles, the docxtpl tags and the declarations of what
tags cannot make. ``fill_template`` applies them to every table, wherever and however often it
occurs:

- ``{# 合并 #}`` in a cell: the cell merges with the one above it when both read the same.
  ``{# 合并2 #}`` merges only where the 合并 cells of its row merge too, ``{# 合并3 #}`` only
  where those of levels 1 and 2 do: 一级 → 二级 → 绩效标准 of an indicator table. A continued
  cell is emptied, as Word shows only the first cell's text, and the rows of a merged cell keep
  together on a page where they fit. (docxtpl's own ``{% vm %}`` cannot nest: it merges the
  二级 column wrongly.)
- Word's own row settings stay as the template has them: "repeat as header row" (tblHeader)
  and "do not break across pages" (cantSplit), except that a row estimated taller than a page
  may break (Word and LibreOffice would cut it off at the page foot).

``fill_template`` is what every layout's DOCX is made by; the 目录 (bookmarks on the
headings, a real TOC field pre-filled with the DOCX's own page numbers as LibreOffice lays it
out: ``pbgen.docx_pages``) comes with a template's ``[[TOC]]`` paragraph and lists the
context's ``toc``; its page numbers count from the page of the template's bookmark
``pbgen_page_one`` (Word: 插入 → 书签), from the first page when it has none.

The body is rendered and finished one top-level element at a time (``pbgen.docx_body``): a
filing of thousands of projects takes the memory of one table and time in proportion to its
length. What the passes need of the whole document (page size, styles, whether there is a
目录) is read from the template first; the 目录's page numbers, known only once the DOCX is
laid out, replace its unnumbered entries in the DOCX made (``with_toc_pages``).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import math
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import markupsafe
from docx import Document as DocxDocument
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree

from pbgen import office_pool
from pbgen.context.text import printable
from pbgen.docx_body import AllButTheBody, body_source, serialized, stream_body
from pbgen.docx_links import without_outside_links
from pbgen.docx_pages import DOCUMENT_XML, NoPageNumbers, docx_toc_pages
from pbgen.errors import PbgenError
from pbgen.linebreak import balanced_lines, capacity
from pbgen.linebreak import width as line_width
from pbgen.output import Output
from pbgen.templating import explained, sandboxed

TOC_PLACEHOLDER = "[[TOC]]"
PAGE_ONE = "pbgen_page_one"  # a template's bookmark where the printed page numbers start
TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
# paragraphs a 目录 entry can point to
HEADING_STYLES = {"Heading1", "Heading2", "TableTitle", "TableTitleFirst"}

_W = nsdecls("w")
CHUNK = 1 << 20  # bytes of document.xml read at a time


def render_docx(
    context: dict,
    template: Path,
    toc_pages: dict[str, int] | None = None,
    *,
    timestamp: datetime.datetime,
) -> bytes:
    """The DOCX bytes of any layout's Word template filled with the shared context.

    A template with the ``[[TOC]]`` paragraph gets the 目录: bookmarks on the headings its
    entries name and a TOC field listing them. ``toc_pages`` (anchor → the page its heading
    stands on in this DOCX, ``docx_toc_pages``) are shown as they are: LibreOffice and WPS do
    not recompute a TOC on opening. Without them the entries have no page numbers and the field
    is marked dirty, so that Word fills them in (``with_toc_pages`` adds them later).
    ``timestamp`` is written as the creation date and as every zip entry's date.
    """
    data = context if isinstance(context, dict) else dataclasses.asdict(context)
    return fill_template(template, data, data["title"], timestamp, toc_pages or {})


# -- generic helpers, shared by every layout's DOCX --------------------------------------------


def fill_template(
    template: Path,
    fields: dict,
    title: str,
    timestamp: datetime.datetime,
    toc_pages: dict[str, int] | None = None,
) -> bytes:
    """The DOCX bytes of the docxtpl template filled with ``fields``: strings printed without
    XML-illegal characters (docxtpl would drop the text around them) and escaped (``<`` and
    ``&`` would vanish), then the template's table declarations applied (``{# 合并 #}``, rows
    that must break) and, where the template has the ``[[TOC]]`` paragraph, the 目录 of
    ``fields["toc"]``. The body is rendered as a stream (``pbgen.docx_body``): memory does not
    grow with the filing. ``finish`` makes the bytes."""
    if not Path(template).is_file():
        raise PbgenError(f"找不到 DOCX 模板 {template}。")
    template_doc = AllButTheBody(str(template))
    template_doc.init_docx()
    document = template_doc.docx
    _read_merge_marks(document.element.body, Path(template))
    toc = _toc(document.element.body, fields, Path(template))
    passes = _Passes(document, toc, toc_pages or {})
    source = body_source(template_doc)
    # sandboxed, and without a loader: a Word template reads no file
    env = sandboxed(autoescape=True, finalize=_printable)
    with explained(template):
        template_doc.render(fields, jinja_env=env, autoescape=True)  # all but the body
        body = stream_body(template_doc, source, fields, env, passes.finish)
        docx = finish(document, title, timestamp, body)
    passes.done()
    return docx


def _toc(body, fields: dict, template: Path) -> list[dict] | None:
    """The 目录's entries (the context's ``toc``) when the template has the placeholder."""
    if _toc_placeholder(body) is None:
        return None
    if "toc" not in fields:
        raise PbgenError(
            f"DOCX 模板 {template} 有目录占位段落 {TOC_PLACEHOLDER}，但数据里没有目录 toc："
            "请在版式的 manifest.yaml 的 sections 里加上 outline。"
        )
    return fields["toc"]


class _Passes:
    """What pbgen does to each top-level element of the rendered body, in document order
    (``stream_body``): what it needs of the whole document is read from the template first."""

    def __init__(self, document: Document, toc: list[dict] | None, pages: dict[str, int]):
        self.page_lines = _page_lines(document)
        self.centred = _centred_styles(document)
        self.toc, self.pages = toc, pages
        self.bookmarked = 0  # 目录 entries whose heading has its bookmark
        self.toc_inserted = False
        # the template's own bookmarks (pbgen_page_one) keep their ids: ours come after them
        ids = document.element.body.xpath(".//w:bookmarkStart/@w:id")
        self.first_id = 1 + max((int(i) for i in ids if i.lstrip("-").isdigit()), default=-1)

    def finish(self, element) -> bytes | None:
        """Apply the table declarations, then the 目录's bookmark or the 目录 itself."""
        _merge_marked_cells(element)
        _let_tall_rows_break(element, self.page_lines)
        _balance_cells(element, self.centred)
        fill_empty_cells(element)
        if self.toc is None or element.tag != qn("w:p"):
            return None
        if self.bookmarked < len(self.toc) and _is_heading(element):
            entry = self.toc[self.bookmarked]
            if _squeeze(_text(element)) == _squeeze(printable(entry["text"])):
                _add_bookmark(element, self.first_id + self.bookmarked, entry["anchor"])
                self.bookmarked += 1
        if not self.toc_inserted and _text(element).strip() == TOC_PLACEHOLDER:
            self.toc_inserted = True
            return toc_xml(self.toc, self.pages)
        return None

    def done(self) -> None:
        """Refuse a template that lacks a heading of the 目录 (or the 目录 itself)."""
        if self.toc is None:
            return
        if self.bookmarked < len(self.toc):
            entry = self.toc[self.bookmarked]
            raise PbgenError(f"DOCX 模板里找不到目录项「{entry['text']}」的标题段落。")
        if not self.toc_inserted:
            raise PbgenError(f"DOCX 模板里没有目录占位段落 {TOC_PLACEHOLDER}。")


def finish(
    document: Document, title: str, timestamp: datetime.datetime, body: Iterator[bytes]
) -> bytes:
    """The document's bytes, the same for the same input: only title and dates as core
    properties, every zip entry dated ``timestamp``, entries in a stable order. ``body`` is
    the XML of the body from ``<w:body>`` to ``</w:body>``, written as it comes."""
    _set_core_properties(document, title, timestamp)
    buffer = io.BytesIO()
    document.save(buffer)  # with the empty body docxtpl left (``AllButTheBody``)

    def document_xml(saved: IO[bytes], entry: IO[bytes]) -> None:
        head, _, tail = saved.read().partition(b"<w:body/>")
        entry.write(head)
        for xml in body:
            entry.write(xml)
        entry.write(tail)

    return normalized_zip(buffer.getvalue(), timestamp, {DOCUMENT_XML: document_xml})


def _printable(value):
    """What ``{{ }}`` prints, without XML-illegal characters (``printable``): cleaned as it is
    printed, not in a copy of the context, which for a long filing is large. Markup stays
    markup."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(printable(value))
    return printable(value) if isinstance(value, str) else value


def _text(paragraph) -> str:
    return "".join(paragraph.xpath(".//w:t/text()"))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- 目录 -------------------------------------------------------------------------------------------


def _is_heading(paragraph) -> bool:
    """A paragraph a 目录 entry can point to."""
    ppr = paragraph.pPr
    return ppr is not None and ppr.pStyle is not None and ppr.pStyle.val in HEADING_STYLES


def _add_bookmark(paragraph, number: int, anchor: str) -> None:
    """Wrap a heading the 目录 points to in a bookmark named by its anchor (numbered in
    document order)."""
    start = parse_xml(f'<w:bookmarkStart {_W} w:id="{number}" w:name="{anchor}"/>')
    paragraph.insert(1 if paragraph.pPr is not None else 0, start)
    paragraph.append(parse_xml(f'<w:bookmarkEnd {_W} w:id="{number}"/>'))


def _toc_placeholder(body):
    return next(
        (p for p in body.iterchildren(qn("w:p")) if _text(p).strip() == TOC_PLACEHOLDER), None
    )


def toc_xml(toc: list[dict], pages: dict[str, int]) -> bytes:
    """The paragraphs that stand for the placeholder: a TOC field whose result is already
    filled in, as they are written in ``word/document.xml``."""
    dirty = "" if pages else ' w:dirty="true"'  # no page numbers: Word fills them in
    begin = (
        f'<w:r><w:fldChar w:fldCharType="begin"{dirty}/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{TOC_INSTRUCTION}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    entries = toc or [{"level": 1, "text": "", "anchor": ""}]
    xml = []
    for index, entry in enumerate(entries):
        link = ""
        if entry["anchor"]:
            text, page = printable(entry["text"]), pages.get(entry["anchor"], "")
            link = (
                f'<w:hyperlink w:anchor="{entry["anchor"]}" w:history="1">'
                f"<w:r>{_t(text)}</w:r><w:r><w:tab/></w:r><w:r>{_t(str(page))}</w:r>"
                "</w:hyperlink>"
            )
        paragraph = parse_xml(
            f'<w:p {_W}><w:pPr><w:pStyle w:val="TOC{entry["level"]}"/></w:pPr>'
            f"{begin if index == 0 else ''}{link}{end if index == len(entries) - 1 else ''}</w:p>"
        )
        xml.append(serialized(paragraph, [f" {_W}".encode()]))
    return b"".join(xml)


def _t(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:t xml:space="preserve">{escaped}</w:t>'


def render(context: dict, layout, timestamp: datetime.datetime) -> Output:
    """The layout's DOCX (the ``docx`` format), from its ``template.docx``."""
    docx, notices = render_docx_paged(context, layout.folder / "template.docx", timestamp=timestamp)
    return Output(docx, notices=notices)


def prepare(layout) -> None:
    """LibreOffice starts now when the layout's DOCX has a 目录: it will lay the DOCX out."""
    if _toc_of(layout.folder / "template.docx").has_toc:
        office_pool.want()


@dataclasses.dataclass(frozen=True)
class _TocOf:
    has_toc: bool  # the template has the [[TOC]] paragraph
    page_one: str | None  # its bookmark where page numbers start, if it has one


def _toc_of(template: Path) -> _TocOf:
    """What a Word template says of its 目录 (read once per version of the file)."""
    try:
        stat = template.stat()
    except OSError:
        return _TocOf(False, None)
    return _read_toc_of(template, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _read_toc_of(template: Path, mtime_ns: int, size: int) -> _TocOf:
    body = DocxDocument(str(template)).element.body
    has_page_one = body.xpath(f'.//w:bookmarkStart[@w:name="{PAGE_ONE}"]')
    return _TocOf(_toc_placeholder(body) is not None, PAGE_ONE if has_page_one else None)


def render_docx_paged(
    context: dict, template: Path, *, timestamp: datetime.datetime
) -> tuple[bytes, list[str]]:
    """The DOCX, and what the clerk should know about it. When its template has a 目录, the
    entries carry the page numbers of the DOCX's own layout as LibreOffice tells them
    (``docx_toc_pages``), counted from the template's ``pbgen_page_one`` bookmark; where it
    cannot, they have none, and the notice says why."""
    toc = _toc_of(template)
    if toc.has_toc:
        office_pool.want()  # LibreOffice starts while the DOCX is made
    docx = render_docx(context, template, timestamp=timestamp)
    # before LibreOffice or anyone opens it: no link it would follow by itself (pbgen.docx_links)
    docx, notices = without_outside_links(
        docx, template, lambda data, parts: normalized_zip(data, timestamp, parts)
    )
    if not toc.has_toc:
        return docx, notices
    anchors = [entry["anchor"] for entry in context["toc"]]
    page_one = toc.page_one
    try:
        pages = docx_toc_pages(docx, anchors, page_one)
    except NoPageNumbers as why:
        return docx, [*notices, str(why)]
    return with_toc_pages(docx, context["toc"], pages, timestamp), notices


def with_toc_pages(
    docx: bytes, toc: list[dict], pages: dict[str, int], timestamp: datetime.datetime
) -> bytes:
    """The DOCX ``render_docx`` made without page numbers, now with them: only its 目录's
    paragraphs change, so the body is copied, not rendered again."""
    unnumbered, numbered = toc_xml(toc, {}), toc_xml(toc, pages)

    def document_xml(source: IO[bytes], entry: IO[bytes]) -> None:
        kept = b""  # what was read and not written: it may hold the 目录's beginning
        while chunk := source.read(CHUNK):
            kept += chunk
            at = kept.find(unnumbered)
            if at >= 0:
                entry.write(kept[:at] + numbered + kept[at + len(unnumbered) :])
                shutil.copyfileobj(source, entry, CHUNK)
                return
            done = max(len(kept) - len(unnumbered) + 1, 0)
            entry.write(kept[:done])
            kept = kept[done:]
        raise PbgenError("DOCX 里找不到要填页码的目录。")  # not made by render_docx

    return normalized_zip(docx, timestamp, {DOCUMENT_XML: document_xml})


# -- tables ---------------------------------------------------------------------------------------


# Where the post-pass finds a cell's declaration: an attribute no template or filing can write
# (filing text is escaped), set on the template's cell before rendering, copied with its row by
# every {%tr for %} loop, removed after merging.
MERGE_LEVEL = "{urn:pbgen:docx}merge"
COMMENT = re.compile(r"\{#(.*?)#\}", re.DOTALL)
MERGE_MARK = re.compile(r"\s*合并\s*(\d?)\s*")


def _read_merge_marks(body, template: Path) -> None:
    """Move each ``{# 合并N #}`` of the template's cells onto its cell, as ``MERGE_LEVEL``."""
    for tc in body.iter(qn("w:tc")):
        levels = []
        for paragraph in tc.iterchildren(qn("w:p")):
            nodes = paragraph.findall(f".//{qn('w:t')}")
            text = "".join(node.text or "" for node in nodes)
            for match in reversed(list(COMMENT.finditer(text))):
                words = match.group(1)
                if "合并" not in words:
                    continue
                mark = MERGE_MARK.fullmatch(words)
                if mark is None or mark.group(1) == "0":
                    raise PbgenError(
                        f"DOCX 模板 {template} 的表格里有看不懂的合并标记「{match.group(0)}」："
                        "请写作 {# 合并 #}（内容相同的上下单元格合并），或 {# 合并2 #}、"
                        "{# 合并3 #}（只在左侧 合并、合并2 的单元格也合并时合并）。"
                    )
                levels.append(int(mark.group(1) or 1))
                _cut(nodes, *match.span())
        if len(set(levels)) > 1:
            raise PbgenError(f"DOCX 模板 {template} 的一个表格单元格里有不同层级的合并标记。")
        if levels:
            tc.set(MERGE_LEVEL, str(levels[0]))


def _cut(nodes, start: int, end: int) -> None:
    """Delete characters ``start:end`` of the text the w:t ``nodes`` hold together (Word splits
    a typed tag over several runs)."""
    offset = 0
    for node in nodes:
        text = node.text or ""
        low, high = max(start - offset, 0), min(end - offset, len(text))
        if low < high:
            node.text = text[:low] + text[high:]
        offset += len(text)


def _cell_text(tc) -> str:
    return "\n".join("".join(p.xpath(".//w:t/text()")) for p in tc.iterchildren(qn("w:p")))


def _merge_marked_cells(tree) -> None:
    """Apply the ``{# 合并N #}`` declarations to every table of ``tree`` (a part of the
    rendered body: each table is merged on its own).

    A marked cell continues the marked cell right above it (same grid column and width) when
    both read the same and every marked cell of a lower level in its row continues too; it
    starts a merged cell otherwise. The rows of a merged cell keep together on one page where
    they fit, as in the PDF: a merged cell cut by a page break would leave the next page's
    part blank.
    """
    for tbl in tree.iter(qn("w:tbl")):
        above: dict[tuple[int, int], str] = {}  # (grid column, span) → text of the marked cell
        previous = None
        for tr in tbl.tr_lst:
            marked = {}
            column = tr.grid_before
            for tc in tr.tc_lst:
                if tc.get(MERGE_LEVEL):
                    marked[column, tc.grid_span] = tc
                column += tc.grid_span
            continues = {}
            for key, tc in sorted(marked.items(), key=lambda item: int(item[1].get(MERGE_LEVEL))):
                level = int(tc.get(MERGE_LEVEL))
                continues[key] = above.get(key) == _cell_text(tc) and all(
                    continues[other]
                    for other, cell in marked.items()
                    if int(cell.get(MERGE_LEVEL)) < level
                )
            above = {key: _cell_text(tc) for key, tc in marked.items()}
            for key, tc in marked.items():
                del tc.attrib[MERGE_LEVEL]
                tc.vMerge = "continue" if continues[key] else "restart"
                if continues[key]:
                    _empty(tc)
            if previous is not None and any(continues.values()):
                _keep_with_next(previous)
            previous = tr
    etree.cleanup_namespaces(tree)


def _keep_with_next(tr) -> None:
    """Word keeps a row on the page of the next when every paragraph of it says keepNext."""
    for paragraph in tr.iter(qn("w:p")):
        paragraph.get_or_add_pPr().keepNext_val = True


def _empty(tc) -> None:
    """Only one paragraph, without text, in the style of the cell's first paragraph."""
    paragraphs = list(tc.iterchildren(qn("w:p")))
    for child in list(tc):
        if child.tag != qn("w:tcPr"):
            tc.remove(child)
    paragraph = parse_xml(f"<w:p {_W}/>")
    if paragraphs and paragraphs[0].pPr is not None:
        paragraph.append(paragraphs[0].pPr)
    tc.append(paragraph)


# Word does not break a row that says cantSplit, even one taller than the page: it cuts it off at
# the page foot. So the rows estimated taller than a page may break, as the PDF's
# break-inside: avoid does. Estimated at 5号 (10.5 pt) on lines of 14.2 pt, as table text.
TABLE_PT, LINE_PT = 10.5, 14.2
CELL_MARGINS = 170  # twips, left and right


def _page_lines(document: Document) -> int:
    """Lines of table text on the shortest page of the template's sections: those the
    rendered document can have (a section break repeated by a loop is the same section)."""
    page_pt = min(
        (s.page_height - s.top_margin - s.bottom_margin) / 12700 for s in document.sections
    )
    return int(page_pt / LINE_PT)


def _let_tall_rows_break(tree, page_lines: int) -> None:
    """Drop cantSplit from the rows taller than a page (less the table's repeated header)."""
    for tbl in tree.iter(qn("w:tbl")):
        header = [
            tr
            for tr in tbl.tr_lst
            if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        ]
        room = page_lines - max(2, sum(_row_lines(tr) for tr in header))
        for tr in tbl.tr_lst:
            keep = tr.trPr.find(qn("w:cantSplit")) if tr.trPr is not None else None
            if keep is not None and _row_lines(tr) > room:
                tr.trPr.remove(keep)


def _row_lines(tr) -> int:
    """The estimated number of lines of a row's tallest cell, from the cell widths."""
    tallest = 0
    for tc in tr.tc_lst:
        width = tc.width.twips if tc.width is not None else 0
        per_line = max((width - CELL_MARGINS) / 20 / TABLE_PT, 1)
        texts = ["".join(p.xpath(".//w:t/text()")) for p in tc.iterchildren(qn("w:p"))]
        tallest = max(tallest, sum(wrapped_lines(text, per_line) for text in texts))
    return tallest


def _balance_cells(tree, centred: set[str]) -> None:
    """No table cell ends in one hanzi: where a cell's paragraph would wrap with a single
    character on its last line (「年初工作安/排」), the paragraph is narrowed by indents to the
    widest of even lines (``pbgen.linebreak``, as in the PDF), so Word wraps it evenly
    (「年初工/作安排」). Indents, not line breaks: the text stays as written, for whoever edits
    or imports it. Paragraphs of one plain run of table text (5号) only. ``centred``: the
    styles that centre their text (``_centred_styles``)."""
    for tc in tree.iter(qn("w:tc")):
        width = tc.width.twips if tc.width is not None else 0
        room = capacity(100, width / 20, TABLE_PT, CELL_MARGINS / 20)
        for paragraph in tc.iterchildren(qn("w:p")):
            runs = paragraph.findall(qn("w:r"))
            if len(runs) != 1 or {child.tag for child in runs[0]} - {qn("w:rPr"), qn("w:t")}:
                continue
            lines = balanced_lines("".join(runs[0].xpath("w:t/text()")), room)
            if len(lines) < 2:
                continue
            widest = max(sum(line_width(c) for c in line) for line in lines)
            spare = round((room - widest) * TABLE_PT * 20) - 60  # twips; 3 pt of slack
            if spare <= 0:
                continue
            style = paragraph.xpath("string(w:pPr/w:pStyle/@w:val)")
            ind = paragraph.get_or_add_pPr().get_or_add_ind()
            if paragraph.xpath("string(w:pPr/w:jc/@w:val)") == "center" or style in centred:
                ind.left = ind.right = Twips(spare // 2)
            else:
                ind.right = Twips(spare)


def _centred_styles(document: Document) -> set[str]:
    """The paragraph styles that centre their text, themselves or by the style they are
    based on."""
    styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}

    def alignment(style_id: str, depth: int = 0) -> str:
        style = styles.get(style_id)
        if style is None or depth > 20:
            return ""
        own = style.xpath("string(w:pPr/w:jc/@w:val)")
        return own or alignment(style.xpath("string(w:basedOn/@w:val)"), depth + 1)

    return {style_id for style_id in styles if alignment(style_id) == "center"}


def wrapped_lines(text: str, per_line: float) -> int:
    """How many lines ``text`` takes where ``per_line`` CJK characters fit (Latin: half)."""
    width = sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)
    return max(1, math.ceil(width / per_line))


def fill_empty_cells(tree, style: str = "TableText") -> None:
    """A cell must hold a paragraph; a project without goals would leave one empty."""
    for tc in tree.iter(qn("w:tc")):
        if tc.find(qn("w:p")) is None:
            tc.append(parse_xml(f'<w:p {_W}><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p>'))


# -- determinism ----------------------------------------------------------------------------------


def _utc(timestamp: datetime.datetime) -> datetime.datetime:
    if timestamp.tzinfo is not None:
        timestamp = timestamp.astimezone(datetime.UTC).replace(tzinfo=None)
    return timestamp


def _set_core_properties(document, title: str, timestamp: datetime.datetime) -> None:
    """Only title and dates: no author, last-modified-by or revision that change between runs."""
    properties = document.core_properties
    for child in list(properties._element):
        properties._element.remove(child)
    # Word's core properties hold at most 255 characters; the full title is in the document.
    properties.title = title if len(title) <= 255 else title[:254] + "…"
    properties.created = properties.modified = _utc(timestamp)


def normalized_zip(
    data: bytes,
    timestamp: datetime.datetime,
    rewrite: dict[str, Callable[[IO[bytes], IO[bytes]], None]] | None = None,
) -> bytes:
    """The same package with fixed entry dates and a stable entry order ([Content_Types] first).
    ``rewrite`` names entries written by a function (from the entry as it is, to the entry as
    it will be) instead of copied: the DOCX body, written as it is rendered."""
    rewrite = rewrite or {}
    date_time = max(_utc(timestamp).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
        for name in names:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            with source.open(name) as old, target.open(info, "w") as new:
                if name in rewrite:
                    rewrite[name](old, new)
                else:
                    shutil.copyfileobj(old, new)
    return output.getvalue()
