"""Generate templates/wenben/template.docx, the Word template of the 绩效文本.

The .docx is data a finance bureau restyles in Word, so every font, size and spacing lives in a
named style (GB/T 9704-2012), never on a paragraph; the body holds only docxtpl tags. Run it
after changing this file and commit the output: the bytes are stable from run to run.

    .venv/bin/python scripts/build_docx_template.py [-o templates/wenben/template.docx]
"""

from __future__ import annotations

import argparse
import datetime
import io
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from pbgen.render_docx import INDICATOR_TABLE, TOC_PLACEHOLDER, normalized_zip

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "templates" / "wenben" / "template.docx"
STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)  # fixed: the file is committed
W = nsdecls("w")

# -- page (twips: 1 mm = 1440 / 25.4) ------------------------------------------------------------


def mm(value: float) -> int:
    return round(value * 1440 / 25.4)


PAGE_W, PAGE_H = mm(210), mm(297)
TOP, BOTTOM, LEFT, RIGHT = mm(37), mm(35), mm(28), mm(26)
TEXT_W = PAGE_W - LEFT - RIGHT  # 8845
LINE = (PAGE_H - TOP - BOTTOM) // 22  # 579: 22 lines of 28.95 pt
# Character pitch in 1/4096 pt relative to the 16 pt default size: 28 characters per line.
CHAR_SPACE = int((TEXT_W / 20 / 28 - 16) * 4096) - 1  # -842
# The grid is page setup only: Word squeezes 16 pt characters into that 15.79 pt pitch but
# LibreOffice gives each two cells. So text does not snap to it (Normal: snapToGrid 0) and the
# body font is condensed by 0.4 pt instead: 28 characters a line in Word, WPS and LibreOffice.
CONDENSE = 8  # 1/20 pt: 0.4 pt; 0.25 pt still left LibreOffice at 27

# -- fonts ----------------------------------------------------------------------------------------

FANGSONG, KAITI, HEITI, SONGTI, XBS = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"
# fontTable entries: on a PC without the GB2312 fonts Word substitutes the altName.
FONT_TABLE = {FANGSONG: "仿宋", KAITI: "楷体", HEITI: "SimHei", SONGTI: "SimSun", XBS: "宋体"}


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
    page_break: bool = False,
    tabs: str = "",
    off_grid: bool = False,
    line: str = "",
    before: int = 0,
    after: int = 0,
    first_chars: int | None = None,
    left_chars: int | None = None,
    jc: str = "",
    outline: int | None = None,
) -> str:
    """Paragraph properties in schema order; ``line`` is "exact:579" or "auto:240"."""
    xml = ""
    if keep_next:
        xml += "<w:keepNext/>"
    if page_break:
        xml += "<w:pageBreakBefore/>"
    xml += '<w:widowControl w:val="0"/>'
    if tabs:
        xml += f"<w:tabs>{tabs}</w:tabs>"
    if off_grid:
        xml += '<w:snapToGrid w:val="0"/>'
    spacing = f'w:before="{before}" w:after="{after}"'
    if line:
        rule, value = line.split(":")
        spacing += f' w:line="{value}" w:lineRule="{rule}"'
    xml += f"<w:spacing {spacing}/>"
    if first_chars is not None or left_chars is not None:
        ind = ""
        if left_chars is not None:
            ind += f' w:leftChars="{left_chars * 100}" w:left="{left_chars * 320}"'
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


RIGHT_TAB = f'<w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/>'
BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
CELL_MARGIN = 85  # 1.5 mm: room for Chinese text in narrow columns

STYLES = [
    style(
        "paragraph",
        "Normal",
        "Normal",
        default=True,
        p=ppr(off_grid=True, line=f"exact:{LINE}", first_chars=2, jc="both"),
        r=rpr(FANGSONG, 16, condense=CONDENSE),
    ),
    style(
        "paragraph",
        "Title",
        "Title",
        based_on="Normal",
        next_style="Normal",
        p=ppr(line="exact:720", first_chars=0, jc="center"),
        r=rpr(XBS, 22, condense=0),
    ),
    style(
        "paragraph",
        "CoverTitle",
        "Cover Title",
        alias="封面标题",
        based_on="Title",
        next_style="CoverLine",
        p=ppr(line="exact:720", before=mm(55), after=mm(90), first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "CoverLine",
        "Cover Line",
        alias="封面文字",
        based_on="Normal",
        p=ppr(first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "TOCHeading",
        "TOC Heading",
        based_on="Title",
        next_style="Normal",
        p=ppr(line="exact:720", after=LINE, first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "Heading1",
        "heading 1",
        based_on="Normal",
        next_style="Normal",
        p=ppr(
            keep_next=True,
            page_break=True,
            line="exact:720",
            after=LINE,
            first_chars=0,
            jc="center",
            outline=0,
        ),
        r=rpr(HEITI, 22, condense=0),
    ),
    style(
        "paragraph",
        "Heading2",
        "heading 2",
        based_on="Normal",
        next_style="Normal",
        p=ppr(keep_next=True, line=f"exact:{LINE}", outline=1),
        r=rpr(HEITI, 16),
    ),
    style(
        "paragraph",
        "TableTitle",
        "Table Title",
        alias="表题",
        based_on="Heading2",
        next_style="UnitLine",
        p=ppr(
            keep_next=True,
            page_break=True,
            line=f"exact:{LINE}",
            after=120,
            first_chars=0,
            jc="center",
            outline=1,
        ),
    ),
    style(
        "paragraph",
        "Heading3",
        "heading 3",
        based_on="Normal",
        next_style="Normal",
        p=ppr(keep_next=True, line=f"exact:{LINE}", outline=2),
        r=rpr(KAITI, 16),
    ),
    style(
        "paragraph",
        "Heading4",
        "heading 4",
        based_on="Normal",
        next_style="Normal",
        p=ppr(keep_next=True, line=f"exact:{LINE}", outline=3),
        r=rpr(FANGSONG, 16, bold=True),
    ),
    style(
        "character", "Lead", "Lead", alias="段首标题", based_on="DefaultParagraphFont", r=rpr(KAITI)
    ),
    style(
        "paragraph",
        "TableText",
        "Table Text",
        alias="表格文字",
        based_on="Normal",
        p=ppr(line="auto:240", first_chars=0, jc="left"),
        r=rpr(FANGSONG, 10.5, condense=0),
    ),
    style(
        "paragraph",
        "TableTextCenter",
        "Table Text Center",
        alias="表格文字居中",
        based_on="TableText",
        p=ppr(line="auto:240", first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "TableHead",
        "Table Head",
        alias="表头",
        based_on="TableTextCenter",
        p=ppr(line="auto:240", first_chars=0, jc="center"),
        r=rpr(HEITI),
    ),
    style(
        "paragraph",
        "UnitLine",
        "Unit Line",
        alias="单位行",
        based_on="TableText",
        p=ppr(
            keep_next=True,
            tabs=f'<w:tab w:val="right" w:pos="{TEXT_W}"/>',
            line="auto:240",
            after=60,
            first_chars=0,
        ),
        r=rpr(pt=12),
    ),
    style(
        "paragraph",
        "TableGap",
        "Table Gap",
        alias="表间空行",
        based_on="TableText",
        p=ppr(line="exact:160", first_chars=0),
        r=rpr(pt=6),
    ),
    style(
        "paragraph",
        "TOC1",
        "toc 1",
        based_on="Normal",
        next_style="Normal",
        p=ppr(tabs=RIGHT_TAB, line=f"exact:{LINE}", first_chars=0, jc="left"),
        r=rpr(HEITI),
    ),
    style(
        "paragraph",
        "TOC2",
        "toc 2",
        based_on="Normal",
        next_style="Normal",
        p=ppr(tabs=RIGHT_TAB, line=f"exact:{LINE}", left_chars=2, first_chars=0, jc="left"),
    ),
    style(
        "paragraph",
        "Footer",
        "footer",
        based_on="Normal",
        p=ppr(line="auto:240", first_chars=0, jc="center"),
        r=rpr(SONGTI, 14, condense=0),
    ),
    style(
        "table",
        "TableGrid",
        "Table Grid",
        based_on="TableNormal",
        extra=(
            "<w:tblPr><w:tblBorders>"
            + "".join(
                f"<w:{side} {BORDER}/>"
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders><w:tblCellMar>"
            + f'<w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/>'
            + "</w:tblCellMar></w:tblPr>"
        ),
    ),
]
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>pbgen</Application></Properties>"
)
KEPT_STYLES = {"DefaultParagraphFont", "TableNormal", "NoList"}  # Word's required defaults


def build_styles(document) -> None:
    """Replace python-docx's 160 stock styles (theme fonts, blue headings) with ours."""
    styles = document.styles.element
    for element in styles.findall(qn("w:style")):
        if element.get(qn("w:styleId")) not in KEPT_STYLES:
            styles.remove(element)
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {W}><w:rPrDefault>"
            f'<w:rPr><w:rFonts w:ascii="{FANGSONG}" w:eastAsia="{FANGSONG}" w:hAnsi="{FANGSONG}" w:cs="{FANGSONG}"/>'
            '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
            "</w:rPrDefault><w:pPrDefault/></w:docDefaults>"
        ),
    )
    for xml in STYLES:
        styles.append(parse_xml(xml))


def clean_package(document) -> None:
    """Drop the stock thumbnail, Word 2010 style copy and sample customXml of python-docx."""
    for rels in (document.part.package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("thumbnail", "stylesWithEffects", "customXml"):
                del rels[rid]
    settings = document.settings.element
    for tag in ("w:savePreviewPicture", "w:rsids"):
        for element in settings.findall(qn(tag)):
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


def para(style_id: str, *runs, sect: str = "") -> str:
    """One paragraph; ``runs`` are text, (character style, text), TAB or BREAK."""
    props = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    return f"<w:p {W}><w:pPr>{props}{sect}</w:pPr>{''.join(run(r) for r in runs)}</w:p>"


def tag(text: str) -> str:
    """A docxtpl paragraph tag ({%p … %}): the whole paragraph is replaced by the tag."""
    return para("", text)


def sect_pr(*, first_page: int | None = None) -> str:
    """A4, GB/T 9704 margins, 22 × 28 grid; the footer reference is added by python-docx."""
    numbering = f'<w:pgNumType w:start="{first_page}"/>' if first_page else ""
    return (
        f"<w:sectPr {W}>"
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" '
        f'w:header="{mm(15)}" w:footer="{mm(22)}" w:gutter="0"/>'
        f'{numbering}<w:cols w:space="425"/>'
        f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE}" w:charSpace="{CHAR_SPACE}"/>'
        "</w:sectPr>"
    )


class Cell(NamedTuple):
    width: int  # twips; the table grid is derived from the widths of all rows
    paragraphs: str  # paragraph XML
    merge: str = ""  # vMerge: "restart" or "continue"


def cell(width: int, content, *, merge: str = "") -> Cell:
    """``content`` is one (style, text) or a list of paragraph XML strings."""
    paragraphs = [para(*content)] if isinstance(content, tuple) else content
    return Cell(width, "".join(paragraphs), merge)


def row(*cells: Cell, header: bool = False) -> tuple[bool, tuple[Cell, ...]]:
    return header, cells


def table(caption: str, *rows: tuple[bool, tuple[Cell, ...]]) -> str:
    """A full-width bordered table; each cell spans the grid columns its width covers."""
    edges = sorted({edge for _, cells in rows for edge in accumulate(c.width for c in cells)})
    assert edges[-1] == TEXT_W and all(sum(c.width for c in cells) == TEXT_W for _, cells in rows)
    columns = [right - left for left, right in zip([0, *edges], edges, strict=False)]
    xml = ""
    for header, cells in rows:
        xml += "<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        left = 0
        for c in cells:
            span = sum(1 for edge in edges if left < edge <= left + c.width)
            left += c.width
            props = f'<w:tcW w:w="{c.width}" w:type="dxa"/>'
            props += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            props += f'<w:vMerge w:val="{c.merge}"/>' if c.merge else ""
            xml += f'<w:tc><w:tcPr>{props}<w:vAlign w:val="center"/></w:tcPr>{c.paragraphs}</w:tc>'
        xml += "</w:tr>"
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in columns)
    return (
        f"<w:tbl {W}><w:tblPr>"
        f'<w:tblStyle w:val="TableGrid"/><w:tblW w:w="{TEXT_W}" w:type="dxa"/>'
        '<w:tblInd w:w="0" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"<w:tblCaption w:val={quoteattr(caption)}/>"
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{xml}</w:tbl>"
    )


HEAD, TEXT, CENTER = "TableHead", "TableText", "TableTextCenter"


def info_table() -> str:
    """项目编码 … 绩效目标, as in the seeds: a label column, then the rows' own divisions."""
    label = 1300
    rest = TEXT_W - label  # 7545
    # 预算数 | amount | 其中：财政资金 | amount | 其他资金 | amount: amounts fit 10 digits
    budget = []
    for title, width, field in (
        ("预算数", 850, "budget"),
        ("其中：财政资金", 1300, "fiscal"),
        ("其他资金", 1045, "other"),
    ):
        budget += [cell(width, (HEAD, title)), cell(1450, (CENTER, f"{{{{ t.{field} }}}}"))]
    quarter = [rest // 4] * 3 + [rest - 3 * (rest // 4)]
    months = [cell(w, (HEAD, f"{{{{ t.plan[{i}][0] }}}}")) for i, w in enumerate(quarter)]
    shares = [cell(w, (CENTER, f"{{{{ t.plan[{i}][1] }}}}")) for i, w in enumerate(quarter)]
    goals = [
        tag("{%p if t.goal_intro %}"),
        para(TEXT, "{{ t.goal_intro }}"),
        tag("{%p endif %}"),
        tag("{%p for goal in t.goals %}"),
        para(TEXT, "{{ goal }}"),
        tag("{%p endfor %}"),
    ]
    return table(
        "项目信息",
        row(
            cell(label, (HEAD, "项目编码")),
            cell(3000, (CENTER, "{{ t.code }}")),
            cell(1100, (HEAD, "项目名称")),
            cell(rest - 3000 - 1100, (CENTER, "{{ t.name }}")),
        ),
        row(cell(label, (HEAD, "预算规模及资金用途"), merge="restart"), *budget),
        row(cell(label, (HEAD, ""), merge="continue"), cell(rest, (TEXT, "{{ t.purpose }}"))),
        row(cell(label, (HEAD, "资金支出计划（%）"), merge="restart"), *months),
        row(cell(label, (HEAD, ""), merge="continue"), *shares),
        row(cell(label, (HEAD, "绩效目标")), cell(rest, goals)),
    )


def indicator_table() -> str:
    """一级 … 指标值确定依据; flat rows, the 一级/二级 cells are merged after rendering."""
    widths = [1050, 1450, 1600, 1950, 1345, TEXT_W - 7395]
    titles = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    values = [
        (CENTER, '{{ row.level1 if row.level1_span else "" }}'),
        (CENTER, '{{ row.level2 if row.level2_span else "" }}'),
        (TEXT, "{{ row.name }}"),
        (TEXT, "{{ row.description }}"),
        (CENTER, "{{ row.value }}"),
        (CENTER, "{{ row.basis }}"),
    ]

    def loop(text: str):  # a {%tr %} row: docxtpl replaces the whole row by the tag
        return row(*(cell(width, ("", text if i == 0 else "")) for i, width in enumerate(widths)))

    return table(
        INDICATOR_TABLE,
        row(
            *(cell(w, (HEAD, title)) for w, title in zip(widths, titles, strict=True)), header=True
        ),
        loop("{%tr for row in t.indicators %}"),
        row(*(cell(w, value) for w, value in zip(widths, values, strict=True))),
        loop("{%tr endfor %}"),
    )


def part_heading(name: str) -> str:
    """第一部分 / 部门整体绩效目标 on two lines."""
    return para("Heading1", f"{{{{ {name}.number }}}}", BREAK, f"{{{{ {name}.title }}}}")


def body_xml(plain_sect: str) -> list[str]:
    return [
        # cover: its own section, without footer
        tag("{%p if cover %}"),
        para("CoverTitle", "{{ cover.title }}"),
        tag("{%p for line in cover.lines %}"),
        para("CoverLine", "{{ line }}"),
        tag("{%p endfor %}"),
        para("CoverLine", sect=plain_sect),
        tag("{%p endif %}"),
        # 目录: its own section, without footer; the placeholder becomes a TOC field
        para("TOCHeading", "目　录"),
        para("Normal", TOC_PLACEHOLDER),
        para("Normal", sect=plain_sect),
        # 第一部分: footer — 1 —
        part_heading("part1"),
        tag("{%p for block in part1_blocks %}"),
        tag('{%p if block.kind == "h1" %}'),
        para("Heading2", "{{ block.text }}"),
        tag('{%p elif block.kind == "h2" %}'),
        para("Heading3", "{{ block.text }}"),
        tag('{%p elif block.kind == "h3" %}'),
        para("Heading4", "{{ block.text }}"),
        tag("{%p else %}"),
        para("Normal", ("Lead", "{{ block.lead }}"), "{{ block.text }}"),
        tag("{%p endif %}"),
        tag("{%p endfor %}"),
        # 第二部分: one 绩效目标表 per page
        part_heading("part2"),
        tag("{%p for t in projects %}"),
        para("TableTitle", "{{ t.title }}"),
        para("UnitLine", "{{ t.unit_label }}", TAB, "单位：{{ t.money_unit }}"),
        info_table(),
        para("TableGap"),
        indicator_table(),
        tag("{%p endfor %}"),
        para("TableGap"),  # Word wants a paragraph after the last table
    ]


def footer_xml() -> str:
    """— PAGE — in the Footer style."""
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{field}'
        f'<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )


def build() -> bytes:
    document = Document()
    build_styles(document)
    clean_package(document)

    body = document.element.body
    for child in list(body):
        body.remove(child)
    body.append(parse_xml(sect_pr(first_page=1)))
    section = document.sections[-1]
    section.footer.is_linked_to_previous = False  # creates the footer part and its reference
    footer = section.footer._element
    for child in list(footer):
        footer.remove(child)
    footer.append(parse_xml(footer_xml()))

    sect = body.sectPr
    for xml in body_xml(sect_pr()):
        sect.addprevious(parse_xml(xml))

    properties = document.core_properties
    for child in list(properties._element):
        properties._element.remove(child)
    properties.title = "部门预算绩效文本（模板）"
    properties.comments = (
        "pbgen 绩效文本模板：样式可在 Word 中修改，花括号标记（docxtpl）请勿改动。"
    )
    properties.created = properties.modified = STAMP.replace(tzinfo=None)

    buffer = io.BytesIO()
    document.save(buffer)
    return normalized_zip(buffer.getvalue(), STAMP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(build())
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
