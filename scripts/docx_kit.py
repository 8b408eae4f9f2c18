"""Primitives the DOCX template builders share (build_docx_template.py, build_gongkai_template.py).

A template is data a finance bureau restyles in Word: every font, size and spacing lives in a
named style, the body holds only docxtpl tags. These helpers write that WordprocessingML as
strings in schema order, and assemble a package whose bytes are stable from run to run.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import io
import re
from collections.abc import Callable, Iterable
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from pbgen.render_docx import normalized_zip

W = nsdecls("w")
STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)  # fixed: templates are committed

# -- page (twips: 1 mm = 1440 / 25.4) ------------------------------------------------------------


def mm(value: float) -> int:
    return round(value * 1440 / 25.4)


# GB/T 9704-2012 7.5: the 一字线 of the page number — N — stands 7 mm under the 版心. Word and
# LibreOffice measure the footer distance from the page edge to the foot of the footer line, and
# the dashes of the 14 pt Footer style stand 2.9 mm above that foot (LibreOffice with the free
# fallback of 宋体; SimSun in Word sits within 0.5 mm of it).
PAGE_NUMBER_GAP = mm(7)
DASH_ABOVE_FOOT = mm(2.9)
# GB/T 9704-2012 7.5: odd pages' numbers at the right, even pages' at the left, 一字 (one 4号
# character, 14 pt) in from the 版心's edge: the "Footer" and "Footer Even" styles.
PAGE_NUMBER_INSET = 280  # twips


class Page(NamedTuple):
    """Paper and margins in twips; ``landscape`` only marks the orientation for Word.
    ``footer`` (from the page edge) defaults to the GB/T 9704 place of the page number."""

    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int = mm(15)
    footer: int | None = None
    landscape: bool = False

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def footer_distance(self) -> int:
        if self.footer is not None:
            return self.footer
        return self.bottom - PAGE_NUMBER_GAP - DASH_ABOVE_FOOT


def sect_pr(page: Page, *, first_page: int | None = None, grid: str = "") -> str:
    """Section properties; the footer reference is added by python-docx (``assemble``)."""
    orient = ' w:orient="landscape"' if page.landscape else ""
    numbering = f'<w:pgNumType w:start="{first_page}"/>' if first_page else ""
    return (
        f"<w:sectPr {W}>"
        f'<w:pgSz w:w="{page.width}" w:h="{page.height}"{orient}/>'
        f'<w:pgMar w:top="{page.top}" w:right="{page.right}" w:bottom="{page.bottom}" '
        f'w:left="{page.left}" w:header="{page.header}" w:footer="{page.footer_distance}" w:gutter="0"/>'
        f'{numbering}<w:cols w:space="425"/>{grid}'
        "</w:sectPr>"
    )


# -- fonts ----------------------------------------------------------------------------------------

FANGSONG, KAITI, HEITI, SONGTI, XBS = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"
# fontTable entries: on a PC without the GB2312 fonts Word substitutes the altName.
FONT_TABLE = {FANGSONG: "仿宋", KAITI: "楷体", HEITI: "SimHei", SONGTI: "SimSun", XBS: "宋体"}

# -- styles ---------------------------------------------------------------------------------------


def css_widths(css: Path, table: str = "") -> list[float]:
    """The widths (%) the layout's style.css gives the ``col`` elements of the PDF's table
    ``table`` (a class, ".info"; "" for rules on a bare ``col.name``), in the order written."""
    rule = re.compile(rf"^{re.escape(table)}\s*col\.[\w-]+\s*\{{\s*width:\s*([\d.]+)%", re.M)
    found = [float(percent) for percent in rule.findall(css.read_text(encoding="utf-8"))]
    if not found:
        raise ValueError(f"{css}: no col widths for {table or 'col'}")
    return found


NUMBERS = re.compile(r'\{\s*"\w+"\s*:\s*[\d.]+(?:\s*,\s*"\w+"\s*:\s*[\d.]+)*\s*\}')


def html_widths(template: Path) -> list[list[float]]:
    """The column widths (%) of the PDF's tables, in the order the layout's document.html.j2
    writes them: each dict of numbers there ({"level1": 14, "level2": 19, …}) is one table's
    columns. The DOCX tables take their grids from them, so both formats wrap cells alike."""
    found = NUMBERS.findall(template.read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"{template}: no column widths")
    return [list(ast.literal_eval(literal).values()) for literal in found]


def columns(width: int, percents: Iterable[float]) -> list[int]:
    """Column widths in twips from percentages of ``width``; the last takes the rest."""
    *first, _ = percents
    widths = [round(width * percent / 100) for percent in first]
    return [*widths, width - sum(widths)]


def rpr(
    font: str | None = None,
    pt: float | None = None,
    bold: bool = False,
    condense: int | None = None,
) -> str:
    """Run properties in schema order (rFonts, b, spacing, sz); ``condense`` in 1/20 pt."""
    xml = ""
    if font:
        xml += f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:cs="{font}"/>'
    if bold:
        xml += "<w:b/><w:bCs/>"
    if condense is not None:
        xml += f'<w:spacing w:val="{-condense}"/>'
    if pt:
        xml += f'<w:sz w:val="{round(pt * 2)}"/><w:szCs w:val="{round(pt * 2)}"/>'
    return f"<w:rPr>{xml}</w:rPr>" if xml else ""


def ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    page_break: bool | None = None,
    tabs: str = "",
    off_grid: bool = False,
    line: str = "",
    before: int = 0,
    after: int = 0,
    first_chars: int | None = None,
    left_chars: int | None = None,
    left: int | None = None,
    right: int | None = None,
    jc: str = "",
    outline: int | None = None,
) -> str:
    """Paragraph properties in schema order; ``line`` is "exact:579" or "auto:240"; indents in
    3号 characters (``*_chars``) or twips (``left``, ``right``). Widow and orphan control is on
    for every paragraph (``build_styles``' defaults)."""
    xml = ""
    if keep_next:
        xml += "<w:keepNext/>"
    if keep_lines:
        xml += "<w:keepLines/>"
    if page_break is not None:  # False: off where the base style has it on
        xml += "<w:pageBreakBefore/>" if page_break else '<w:pageBreakBefore w:val="0"/>'
    if tabs:
        xml += f"<w:tabs>{tabs}</w:tabs>"
    if off_grid:
        xml += '<w:snapToGrid w:val="0"/>'
    spacing = f'w:before="{before}" w:after="{after}"'
    if line:
        rule, value = line.split(":")
        spacing += f' w:line="{value}" w:lineRule="{rule}"'
    xml += f"<w:spacing {spacing}/>"
    if any(value is not None for value in (first_chars, left_chars, left, right)):
        ind = ""
        if left_chars is not None:
            ind += f' w:leftChars="{left_chars * 100}" w:left="{left_chars * 320}"'
        elif left is not None:
            ind += f' w:leftChars="0" w:left="{left}"'
        if right is not None:
            ind += f' w:rightChars="0" w:right="{right}"'
        if first_chars is not None:
            ind += f' w:firstLineChars="{first_chars * 100}" w:firstLine="{first_chars * 320}"'
        xml += f"<w:ind{ind}/>"
    if jc:
        xml += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        xml += f'<w:outlineLvl w:val="{outline}"/>'
    return f"<w:pPr>{xml}</w:pPr>"


def style(
    kind: str,
    style_id: str,
    name: str,
    *,
    alias: str = "",
    based_on: str = "",
    next_style: str = "",
    p: str = "",
    r: str = "",
    extra: str = "",
    default: bool = False,
) -> str:
    xml = f"<w:name w:val={quoteattr(name)}/>"
    if alias:
        xml += f"<w:aliases w:val={quoteattr(alias)}/>"
    if based_on:
        xml += f'<w:basedOn w:val="{based_on}"/>'
    if next_style:
        xml += f'<w:next w:val="{next_style}"/>'
    xml += "<w:qFormat/>" + p + r + extra
    flag = ' w:default="1"' if default else ""
    return f'<w:style {W} w:type="{kind}"{flag} w:styleId="{style_id}">{xml}</w:style>'


BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
CELL_MARGIN = 85  # 1.5 mm: room for Chinese text in narrow columns
# Table text as the PDF's (templates/common/form.css): 5号 on lines of 1.35 (14.2 pt), 3 pt
# above and below a cell's text. Exact, not single: LibreOffice's single line of 仿宋 is 12.6 pt.
TABLE_LINE = "exact:284"
CELL_PADDING = 60  # twips


def table_grid(padding: int = CELL_PADDING) -> str:
    """The bordered table style: every border, ``padding`` twips above and below a cell's text,
    CELL_MARGIN left and right."""
    borders = "".join(
        f"<w:{side} {BORDER}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = "".join(
        f'<w:{side} w:w="{width}" w:type="dxa"/>'
        for side, width in (
            ("top", padding),
            ("left", CELL_MARGIN),
            ("bottom", padding),
            ("right", CELL_MARGIN),
        )
    )
    return style(
        "table",
        "TableGrid",
        "Table Grid",
        based_on="TableNormal",
        extra=f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders>"
        f"<w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>",
    )


TABLE_GRID = table_grid()
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>pbgen</Application></Properties>"
)
KEPT_STYLES = {"DefaultParagraphFont", "TableNormal", "NoList"}  # Word's required defaults


def build_styles(document, styles: Iterable[str]) -> None:
    """Replace python-docx's 160 stock styles (theme fonts, blue headings) with ``styles``."""
    root = document.styles.element
    for element in root.findall(qn("w:style")):
        if element.get(qn("w:styleId")) not in KEPT_STYLES:
            root.remove(element)
    defaults = root.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {W}><w:rPrDefault>"
            f'<w:rPr><w:rFonts w:ascii="{FANGSONG}" w:eastAsia="{FANGSONG}" w:hAnsi="{FANGSONG}" w:cs="{FANGSONG}"/>'
            '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
            "</w:rPrDefault>"
            "<w:pPrDefault><w:pPr><w:widowControl/>"
            # as the PDF (the reference): no punctuation hanging past a line's end (a mark that
            # may not start a line takes the character before it along), no extra space between
            # Chinese and Latin letters or digits (「2024年」, not 「2024 年」). LibreOffice's DOCX
            # import ignores autoSpaceDE/DN and reads overflowPunct inverted: it still spaces
            # and hangs (tests/test_render_docx.py shows it); Word, which clerks use, does not.
            '<w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    for xml in styles:
        root.append(parse_xml(xml))


def clean_package(document) -> None:
    """Drop the stock thumbnail, Word 2010 style copy and sample customXml of python-docx."""
    for rels in (document.part.package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("thumbnail", "stylesWithEffects", "customXml"):
                del rels[rid]
    settings = document.settings.element
    for tag_name in ("w:savePreviewPicture", "w:rsids"):
        for element in settings.findall(qn(tag_name)):
            settings.remove(element)
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    mode = settings.xpath('w:compat/w:compatSetting[@w:name="compatibilityMode"]')[0]
    mode.set(qn("w:val"), "15")  # Word 2013+ layout: table borders align with the margin
    parts = {str(part.partname): part for part in document.part.package.parts}
    parts["/docProps/app.xml"]._blob = APP_XML.encode()  # not "Microsoft Macintosh Word, 1 page"
    font_table = parts["/word/fontTable.xml"]
    fonts = parse_xml(font_table.blob)
    for name, alt in FONT_TABLE.items():
        fonts.append(
            parse_xml(
                f'<w:font {W} w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    font_table._blob = etree.tostring(
        fonts, xml_declaration=True, encoding="UTF-8", standalone=True
    )


# -- body -----------------------------------------------------------------------------------------

TAB, BREAK = object(), object()


def run(item) -> str:
    if item is TAB:
        return "<w:r><w:tab/></w:r>"
    if item is BREAK:
        return "<w:r><w:br/></w:r>"
    rstyle, text = item if isinstance(item, tuple) else ("", item)
    props = f'<w:rPr><w:rStyle w:val="{rstyle}"/></w:rPr>' if rstyle else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(style_id: str, *runs, sect: str = "", keep_next: bool = False) -> str:
    """One paragraph; ``runs`` are text, (character style, text), TAB or BREAK; ``keep_next``
    keeps it on the page of the next (pagination, said on the paragraph: see ``kept``)."""
    props = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    props += "<w:keepNext/>" if keep_next else ""
    return f"<w:p {W}><w:pPr>{props}{sect}</w:pPr>{''.join(run(r) for r in runs)}</w:p>"


def tag(text: str) -> str:
    """A docxtpl paragraph tag ({%p … %}): the whole paragraph is replaced by the tag."""
    return para("", text)


class Cell(NamedTuple):
    width: int  # twips; the table grid is derived from the widths of all rows
    paragraphs: str  # paragraph XML
    merge: str = ""  # vMerge: "restart" or "continue"
    valign: str = "center"


def cell(width: int, content, *, merge: str = "", valign: str = "center") -> Cell:
    """``content`` is one (style, text) or a list of paragraph XML strings."""
    paragraphs = [para(*content)] if isinstance(content, tuple) else content
    return Cell(width, "".join(paragraphs), merge, valign)


class Row(NamedTuple):
    header: bool
    cells: tuple[Cell, ...]
    cant_split: bool = True


def row(*cells: Cell, header: bool = False, cant_split: bool = True) -> Row:
    """A table row; ``header`` repeats it on every page, ``cant_split`` keeps it on one page."""
    return Row(header, cells, cant_split)


def kept(r: Row) -> Row:
    """The row kept on the page of the row (or paragraph) after it: Word and LibreOffice keep a
    row with the next when each of its paragraphs says keepNext. Pagination, not a look: said
    on the paragraphs, not in their styles."""
    keep = re.compile(r'(<w:pStyle w:val="[^"]*"/>)')
    cells = tuple(
        c._replace(paragraphs=keep.sub(r"\1<w:keepNext/>", c.paragraphs)) for c in r.cells
    )
    return r._replace(cells=cells)


def tag_row(widths: list[int], text: str) -> Row:
    """A {%tr %} row: docxtpl replaces the whole row by the tag in its first cell."""
    return row(*(cell(width, ("", text if i == 0 else "")) for i, width in enumerate(widths)))


def table(width: int, caption: str, *rows: Row) -> str:
    """A bordered table ``width`` wide; each cell spans the grid columns its width covers."""
    edges = sorted({edge for r in rows for edge in accumulate(c.width for c in r.cells)})
    assert edges[-1] == width and all(sum(c.width for c in r.cells) == width for r in rows)
    columns = [right - left for left, right in zip([0, *edges], edges, strict=False)]
    xml = ""
    for header, cells, cant_split in rows:
        props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
        xml += "<w:tr>" + (f"<w:trPr>{props}</w:trPr>" if props else "")
        left = 0
        for c in cells:
            span = sum(1 for edge in edges if left < edge <= left + c.width)
            left += c.width
            props = f'<w:tcW w:w="{c.width}" w:type="dxa"/>'
            props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            props += f'<w:vMerge w:val="{c.merge}"/>' if c.merge else ""
            props += f'<w:vAlign w:val="{c.valign}"/>'
            xml += f"<w:tc><w:tcPr>{props}</w:tcPr>{c.paragraphs}</w:tc>"
        xml += "</w:tr>"
    grid = "".join(f'<w:gridCol w:w="{column}"/>' for column in columns)
    return (
        f"<w:tbl {W}><w:tblPr>"
        f'<w:tblStyle w:val="TableGrid"/><w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblInd w:w="0" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"<w:tblCaption w:val={quoteattr(caption)}/>"
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{xml}</w:tbl>"
    )


def footer_xml(style_id: str = "Footer") -> str:
    """— PAGE — in the style ``style_id``."""
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{field}'
        f'<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )


def draft_header_xml() -> str:
    """「草稿」 at the right of the page header when the context's ``draft`` is true (the filing
    has check errors); an empty header line otherwise. The header stands in the top margin
    (``Page.header`` from the edge), clear of the body."""
    return (
        f'<w:p {W}><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="right"/></w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:ascii="{HEITI}" w:eastAsia="{HEITI}" w:hAnsi="{HEITI}" w:cs="{HEITI}"/>'
        '<w:color w:val="B91C1C"/><w:spacing w:val="84"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        "<w:t>{% if draft | default(false) %}草稿{% endif %}</w:t></w:r></w:p>"
    )


# -- package --------------------------------------------------------------------------------------


def assemble(
    styles: Iterable[str],
    body: Iterable[str],
    last_sect: str,
    *,
    title: str,
    comments: str,
    odd_and_even: bool = True,
) -> bytes:
    """The template package: our styles, ``body`` paragraphs and tables before the last
    section (``last_sect``, which gets the — PAGE — footer), the 「草稿」 header on every section,
    fixed metadata and zip dates. ``odd_and_even``: odd pages' numbers in the Footer style, even
    pages' in Footer Even (GB/T 9704 7.5, portrait documents); else every number in the Footer
    style."""
    document = Document()
    build_styles(document, styles)
    clean_package(document)

    root = document.element.body
    for child in list(root):
        root.remove(child)
    root.append(parse_xml(last_sect))
    section = document.sections[-1]
    section.footer.is_linked_to_previous = False  # creates the footer part and its reference
    footers = [(section.footer, "Footer")]
    if odd_and_even:
        document.settings.odd_and_even_pages_header_footer = True
        section.even_page_footer.is_linked_to_previous = False
        footers.append((section.even_page_footer, "FooterEven"))
    for footer, style_id in footers:
        element = footer._element
        for child in list(element):
            element.remove(child)
        element.append(parse_xml(footer_xml(style_id)))

    sect = root.sectPr
    for xml in body:
        sect.addprevious(parse_xml(xml))
    for each in document.sections:  # every section's pages: cover, 目录 and body alike
        each.header.is_linked_to_previous = False
        header = each.header._element
        for child in list(header):
            header.remove(child)
        header.append(parse_xml(draft_header_xml()))

    properties = document.core_properties
    for child in list(properties._element):
        properties._element.remove(child)
    properties.title = title
    properties.comments = comments
    properties.created = properties.modified = STAMP.replace(tzinfo=None)

    buffer = io.BytesIO()
    document.save(buffer)
    return normalized_zip(buffer.getvalue(), STAMP)


def main(build: Callable[[], bytes], output: Path, description: str) -> None:
    """The builders' command line: ``-o PATH``, default the committed template."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-o", "--output", type=Path, default=output)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(build())
    print(f"wrote {args.output}")
