"""The 绩效文本 as DOCX: docxtpl fills the Word template, python-docx finishes what Jinja cannot.

The template (``templates/wenben/template.docx``, made by ``scripts/build_docx_template.py``)
holds the styles and the docxtpl tags. After rendering, this module adds what tags cannot make:
bookmarks on the headings, the 目录 as a real TOC field (pre-filled, so viewers that never update
fields still show it), the vertical merges of the indicator tables, and fixed metadata and zip
dates so the same filing always gives the same bytes.

``fill_template``, ``merge_vertically`` and ``finish`` are the generic steps every layout's DOCX
uses; the rest is the 绩效文本's own.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import zipfile
from pathlib import Path

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate

from pbgen.context import printable
from pbgen.errors import PbgenError
from pbgen.layouts.wenben import WenbenContext

TOC_PLACEHOLDER = "[[TOC]]"
TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
INDICATOR_TABLE = "绩效指标"  # w:tblCaption of the indicator tables in the template
HEADING_STYLES = {"Heading1", "Heading2", "TableTitle"}  # paragraphs a 目录 entry can point to
PLAN_COLUMNS = 4  # 3月底 6月底 10月底 12月底

# Characters XML 1.0 forbids: docxtpl would silently drop the text around them.
_W = nsdecls("w")


def render_docx(
    context: WenbenContext,
    template: Path,
    toc_pages: dict[str, int] | None = None,
    *,
    timestamp: datetime.datetime,
) -> bytes:
    """The DOCX bytes of one 绩效文本.

    ``toc_pages`` maps TocEntry.anchor to a page number for the pre-filled 目录 (Word recomputes
    them on opening anyway); without it the page numbers are left blank. ``timestamp`` is written
    as the creation date and as every zip entry's date.
    """
    data = _clean(dataclasses.asdict(context))
    for table in data["projects"]:
        table["plan"] += [["", ""]] * (PLAN_COLUMNS - len(table["plan"]))

    document = fill_template(template, data)
    body = document.element.body

    _add_bookmarks(body, data["toc"])
    _insert_toc(body, data["toc"], toc_pages or {})
    _merge_indicator_cells(body, data["projects"])
    fill_empty_cells(body)
    _request_field_update(document.settings.element)
    return finish(document, data["title"], timestamp)


# -- generic helpers, shared by every layout's DOCX --------------------------------------------


def fill_template(template: Path, fields: dict) -> Document:
    """The docxtpl template filled with ``fields``: strings cleaned of XML-illegal characters
    (docxtpl would drop the text around them) and escaped (``<`` and ``&`` would vanish)."""
    if not Path(template).is_file():
        raise PbgenError(f"找不到 DOCX 模板 {template}。")
    template_doc = DocxTemplate(str(template))
    template_doc.render(_clean(fields), autoescape=True)
    return template_doc.docx


def merge_vertically(table, column: int, spans: list[int], *, first_row: int = 0) -> None:
    """Merge the cells of ``column`` down the rows from ``first_row`` on: ``spans[i]`` > 0
    starts a merged cell at that row, 0 continues the one above (``IndicatorRow`` spans).

    ``table`` is a python-docx ``Table`` or a ``w:tbl`` element. Print the text only in the row
    that starts a merge: Word shows the first cell's text only. Nested ``{% vm %}`` merges
    wrongly, which is why templates print flat rows and merge here.
    """
    tbl = getattr(table, "_tbl", table)
    rows = tbl.tr_lst[first_row:]
    if len(spans) > len(rows):
        raise PbgenError(f"DOCX 表格只有 {len(rows)} 行，不能按 {len(spans)} 行合并单元格。")
    for tr, span in zip(rows, spans, strict=False):
        tr.tc_lst[column].vMerge = "restart" if span > 0 else "continue"


def finish(document: Document, title: str, timestamp: datetime.datetime) -> bytes:
    """The document's bytes, the same for the same input: only title and dates as core
    properties, every zip entry dated ``timestamp``, entries in a stable order."""
    _set_core_properties(document, title, timestamp)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalized_zip(buffer.getvalue(), timestamp)


def _clean(value):
    """Every string without XML-illegal characters; tuples become lists (Jinja reads both)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _text(paragraph) -> str:
    return "".join(paragraph.xpath(".//w:t/text()"))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- 目录 -------------------------------------------------------------------------------------------


def _add_bookmarks(body, toc: list[dict]) -> None:
    """Wrap each heading the 目录 points to in a bookmark named by its anchor, in document order."""
    headings = iter(
        p
        for p in body.iterchildren(qn("w:p"))
        if p.pPr is not None and p.pPr.pStyle is not None and p.pPr.pStyle.val in HEADING_STYLES
    )
    for number, entry in enumerate(toc):
        wanted = _squeeze(entry["text"])
        paragraph = next((p for p in headings if _squeeze(_text(p)) == wanted), None)
        if paragraph is None:
            raise PbgenError(f"DOCX 模板里找不到目录项「{entry['text']}」的标题段落。")
        start = parse_xml(f'<w:bookmarkStart {_W} w:id="{number}" w:name="{entry["anchor"]}"/>')
        paragraph.insert(1 if paragraph.pPr is not None else 0, start)
        paragraph.append(parse_xml(f'<w:bookmarkEnd {_W} w:id="{number}"/>'))


def _insert_toc(body, toc: list[dict], pages: dict[str, int]) -> None:
    """Replace the placeholder paragraph by a TOC field whose result is already filled in."""
    placeholder = next(
        (p for p in body.iterchildren(qn("w:p")) if _text(p).strip() == TOC_PLACEHOLDER), None
    )
    if placeholder is None:
        raise PbgenError(f"DOCX 模板里没有目录占位段落 {TOC_PLACEHOLDER}。")
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{TOC_INSTRUCTION}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    entries = toc or [{"level": 1, "text": "", "anchor": ""}]
    for index, entry in enumerate(entries):
        link = ""
        if entry["anchor"]:
            page = pages.get(entry["anchor"], "")
            link = (
                f'<w:hyperlink w:anchor="{entry["anchor"]}" w:history="1">'
                f"<w:r>{_t(entry['text'])}</w:r><w:r><w:tab/></w:r><w:r>{_t(str(page))}</w:r>"
                "</w:hyperlink>"
            )
        paragraph = parse_xml(
            f'<w:p {_W}><w:pPr><w:pStyle w:val="TOC{entry["level"]}"/></w:pPr>'
            f"{begin if index == 0 else ''}{link}{end if index == len(entries) - 1 else ''}</w:p>"
        )
        placeholder.addprevious(paragraph)
    body.remove(placeholder)


def _t(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:t xml:space="preserve">{escaped}</w:t>'


def _request_field_update(settings) -> None:
    """<w:updateFields/>: Word regenerates the 目录 (with its page numbers) on opening."""
    if settings.find(qn("w:updateFields")) is not None:
        return
    element = parse_xml(f'<w:updateFields {_W} w:val="true"/>')
    # schema order: updateFields comes right before these
    later = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")
    successor = next((c for c in settings if c.tag in {qn(f"w:{t}") for t in later}), None)
    if successor is not None:
        successor.addprevious(element)
    else:
        settings.append(element)


# -- tables ---------------------------------------------------------------------------------------


def _merge_indicator_cells(body, projects: list[dict]) -> None:
    """Merge the 一级 and 二级 columns vertically from the spans of the context.

    docxtpl's nested ``{% vm %}`` merges the 二级 column wrongly, so the template prints flat
    rows (the text only where a span starts) and the merge is set here.
    """
    tables = [
        tbl
        for tbl in body.iterchildren(qn("w:tbl"))
        if tbl.xpath(f'w:tblPr/w:tblCaption[@w:val="{INDICATOR_TABLE}"]')
    ]
    if len(tables) != len(projects):
        raise PbgenError(f"DOCX 模板的指标表数（{len(tables)}）与项目数（{len(projects)}）不符。")
    for tbl, project in zip(tables, projects, strict=True):
        rows = project["indicators"]
        if len(tbl.tr_lst) - 1 != len(rows):
            raise PbgenError("DOCX 指标表的行数与指标数不符。")
        for column, key in ((0, "level1_span"), (1, "level2_span")):
            merge_vertically(tbl, column, [row[key] for row in rows], first_row=1)


def fill_empty_cells(body, style: str = "TableText") -> None:
    """A cell must hold a paragraph; a project without goals would leave one empty."""
    for tc in body.iter(qn("w:tc")):
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
    properties.title = title
    properties.created = properties.modified = _utc(timestamp)


def normalized_zip(data: bytes, timestamp: datetime.datetime) -> bytes:
    """The same package with fixed entry dates and a stable entry order ([Content_Types] first)."""
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
            target.writestr(info, source.read(name))
    return output.getvalue()
