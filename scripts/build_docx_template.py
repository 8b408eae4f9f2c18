"""Generate templates/wenben/template.docx, the Word template of the 绩效文本.

The .docx is data a finance bureau restyles in Word, so every font, size and spacing lives in a
named style (GB/T 9704-2012), never on a paragraph; the body holds only docxtpl tags. Run it
after changing this file and commit the output: the bytes are stable from run to run.

    .venv/bin/python scripts/build_docx_template.py [-o templates/wenben/template.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # docx_kit sits beside this script

from docx_kit import (
    BREAK,
    FANGSONG,
    HEITI,
    KAITI,
    PAGE_NUMBER_INSET,
    SONGTI,
    TAB,
    TABLE_GRID,
    TABLE_LINE,
    XBS,
    Page,
    assemble,
    cell,
    columns,
    css_widths,
    html_widths,
    main,
    mm,
    para,
    ppr,
    row,
    rpr,
    sect_pr,
    style,
    table,
    tag,
    tag_row,
)

from pbgen.render_docx import PAGE_ONE, TOC_PLACEHOLDER

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "templates" / "wenben" / "template.docx"
# The PDF's column widths, which the DOCX tables take: the info table's label column in the
# CSS, the indicator table's columns in the HTML template.
CSS = ROOT / "templates" / "wenben" / "style.css"
HTML = ROOT / "templates" / "wenben" / "document.html.j2"

# -- page (twips) --------------------------------------------------------------------------------

PAGE = Page(width=mm(210), height=mm(297), top=mm(37), right=mm(26), bottom=mm(35), left=mm(28))
TEXT_W = PAGE.text_width  # 8845
LINE = (PAGE.height - PAGE.top - PAGE.bottom) // 22  # 579: 22 lines of 28.95 pt
# The page setup's grid: 22 lines (Word's 文档网格, what a clerk checks). Lines only: a grid of
# characters too ("linesAndChars", 28 a line) made LibreOffice drop every punctuation mark it
# hangs past a line's end from its PDF (「联络站、」 printed 「联络站」). Text does not snap to the
# grid (Normal: snapToGrid 0; Word squeezes 16 pt characters into a 15.79 pt pitch, LibreOffice
# gives each two cells): the body font is condensed by 0.4 pt instead, 28 characters a line in
# Word, WPS and LibreOffice.
GRID = f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/>'
CONDENSE = 8  # 1/20 pt: 0.4 pt; 0.25 pt still left LibreOffice at 27

RIGHT_TAB = f'<w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/>'

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
        "TableTitleFirst",
        "Table Title First",
        alias="首张表题",
        based_on="TableTitle",
        next_style="UnitLine",
        p=ppr(keep_next=True, page_break=False, line=f"exact:{LINE}", after=120, first_chars=0),
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
        "paragraph",
        "Label",
        "Label",
        alias="引导语",
        based_on="Normal",
        next_style="Normal",
        p=ppr(keep_next=True, line=f"exact:{LINE}"),
    ),
    # 第一部分's last page at least a third full: Word has no "widows: 8" (the PDF's), so its
    # last two paragraphs are kept whole and together, each if it has at most 14 lines (moved
    # whole, it leaves the page before at least 8); ``body_xml`` chooses
    *(
        style(
            "paragraph",
            style_id,
            name,
            alias=alias,
            based_on=base,
            next_style=following,
            p=ppr(keep_next=keep, keep_lines=True, line=f"exact:{LINE}"),
        )
        for style_id, name, alias, base, following, keep in (
            ("PartLast", "Part Last", "部分末段", "Normal", "", False),
            ("PartEnd", "Part End", "部分末段之前", "PartLast", "PartLast", True),
        )
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
        p=ppr(line=TABLE_LINE, first_chars=0, jc="left"),
        r=rpr(FANGSONG, 10.5, condense=0),
    ),
    style(
        "paragraph",
        "TableTextCenter",
        "Table Text Center",
        alias="表格文字居中",
        based_on="TableText",
        p=ppr(line=TABLE_LINE, first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "TableHead",
        "Table Head",
        alias="表头",
        based_on="TableTextCenter",
        p=ppr(line=TABLE_LINE, first_chars=0, jc="center"),
        r=rpr(HEITI),
    ),
    # the merged 一级 and 二级 cells: 黑体 as the PDF's td.merged (common/form.css), a style of
    # their own for a bureau to restyle apart from the header
    style("paragraph", "TableMerged", "Table Merged", alias="合并指标", based_on="TableHead"),
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
    # GB/T 9704 7.5: odd pages' numbers right, even pages' left, one 4号 character in
    style(
        "paragraph",
        "Footer",
        "footer",
        based_on="Normal",
        p=ppr(line="auto:240", first_chars=0, right=PAGE_NUMBER_INSET, jc="right"),
        r=rpr(SONGTI, 14, condense=0),
    ),
    style(
        "paragraph",
        "FooterEven",
        "Footer Even",
        alias="双页页脚",
        based_on="Footer",
        p=ppr(line="auto:240", first_chars=0, left=PAGE_NUMBER_INSET, right=0, jc="left"),
    ),
    TABLE_GRID,
]


HEAD, TEXT, CENTER, MERGED = "TableHead", "TableText", "TableTextCenter", "TableMerged"


def info_table() -> str:
    """项目编码 … 绩效目标, as the PDF's: a label column, then twelve equal columns that each row
    divides its own way (code 5 + 项目名称 2 + name 5; three amounts of 2 + 2; four months of 3)."""
    (label_percent,) = css_widths(CSS, ".info")
    label = round(TEXT_W * label_percent / 100)
    rest = TEXT_W - label

    def span(*units: int) -> list[int]:
        """Widths of cells covering ``units`` twelfths of the rest each."""
        return columns(rest, [100 * n / 12 for n in units])

    code, name_head, name = span(5, 2, 5)
    pairs = span(2, 2, 2, 2, 2, 2)  # 预算数 | amount | 其中：财政资金 | amount | 其他资金 | amount
    budget = []
    for i, (title, field) in enumerate(
        (("预算数", "budget"), ("其中：财政资金", "fiscal"), ("其他资金", "other"))
    ):
        budget += [
            cell(pairs[2 * i], (HEAD, title)),
            cell(pairs[2 * i + 1], (CENTER, f"{{{{ t.{field} }}}}")),
        ]
    quarter = span(3, 3, 3, 3)
    months = [cell(w, (HEAD, f"{{{{ t.plan[{i}][0] }}}}")) for i, w in enumerate(quarter)]
    shares = [cell(w, (CENTER, f"{{{{ t.plan[{i}][1] }}}}")) for i, w in enumerate(quarter)]
    goals = [
        tag("{%p if t.goal_intro %}"),
        para(TEXT, "{{ t.goal_intro }}"),
        tag("{%p endif %}"),
        tag("{%p for goal in t.numbered_goals %}"),
        para(TEXT, "{{ goal }}"),
        tag("{%p endfor %}"),
    ]
    return table(
        TEXT_W,
        "项目信息",
        row(
            cell(label, (HEAD, "项目编码")),
            cell(code, (CENTER, "{{ t.code }}")),
            cell(name_head, (HEAD, "项目名称")),
            cell(name, (CENTER, "{{ t.name }}")),
        ),
        row(cell(label, (HEAD, "预算规模及资金用途"), merge="restart"), *budget),
        row(cell(label, (HEAD, ""), merge="continue"), cell(rest, (TEXT, "{{ t.purpose }}"))),
        row(cell(label, (HEAD, "资金支出计划（%）"), merge="restart"), *months),
        row(cell(label, (HEAD, ""), merge="continue"), *shares),
        row(cell(label, (HEAD, "绩效目标")), cell(rest, goals)),
    )


def indicator_table() -> str:
    """一级 … 指标值确定依据, the PDF's widths; one row per 三级, the 一级/二级 cells declared
    merged; every cell centred but the header's, as in the PDF."""
    (percents,) = html_widths(HTML)
    widths = columns(TEXT_W, percents)
    titles = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    values = [
        (MERGED, "{{ row.level1 }}{# 合并 #}"),
        (MERGED, "{{ row.level2 }}{# 合并2 #}"),
        (CENTER, "{{ row.name }}"),
        (CENTER, "{{ row.description }}"),
        (CENTER, "{{ row.value }}"),
        (CENTER, "{{ row.basis }}"),
    ]

    return table(
        TEXT_W,
        "绩效指标",
        row(
            *(cell(w, (HEAD, title)) for w, title in zip(widths, titles, strict=True)), header=True
        ),
        tag_row(widths, "{%tr for row in t.indicators %}"),
        row(*(cell(w, value) for w, value in zip(widths, values, strict=True))),
        tag_row(widths, "{%tr endfor %}"),
    )


# A paragraph of at most 14 lines (26 + 13 × 28 characters) may move whole to the next page.
KEPT_WHOLE = "(block.lead ~ block.text) | length <= 390"


def part_heading(name: str, page_one: bool = False) -> str:
    """第一部分 / 部门整体绩效目标 on two lines; ``page_one``: the 目录's page numbers count
    from its page (the bookmark ``PAGE_ONE``, as Word's 插入 → 书签 makes it)."""
    heading = para("Heading1", f"{{{{ {name}.number }}}}", BREAK, f"{{{{ {name}.title }}}}")
    if not page_one:
        return heading
    start = f'<w:bookmarkStart w:id="0" w:name="{PAGE_ONE}"/>'
    at = heading.index("</w:pPr>") + len("</w:pPr>")
    return heading[:at] + start + heading[at : -len("</w:p>")] + '<w:bookmarkEnd w:id="0"/></w:p>'


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
        # 第一部分: footer — 1 —, where the 目录's page numbers count from
        part_heading("part1", page_one=True),
        tag("{%p for block in part1_blocks %}"),
        tag('{%p if block.kind == "h1" %}'),
        para("Heading2", "{{ block.text }}"),
        tag('{%p elif block.kind == "h2" %}'),
        para("Heading3", "{{ block.text }}"),
        tag('{%p elif block.kind == "h3" %}'),
        para("Heading4", "{{ block.text }}"),
        tag('{%p elif block.kind == "label" %}'),
        para("Label", "{{ block.text }}"),
        tag(f"{{%p elif loop.revindex == 2 and {KEPT_WHOLE} %}}"),
        para("PartEnd", ("Lead", "{{ block.lead }}"), "{{ block.text }}"),
        tag(f"{{%p elif loop.last and {KEPT_WHOLE} %}}"),
        para("PartLast", ("Lead", "{{ block.lead }}"), "{{ block.text }}"),
        tag("{%p else %}"),
        para("Normal", ("Lead", "{{ block.lead }}"), "{{ block.text }}"),
        tag("{%p endif %}"),
        tag("{%p endfor %}"),
        # 第二部分: one 绩效目标表 per page, the first on the page of the part's heading
        part_heading("part2"),
        tag("{%p for t in projects %}"),
        tag("{%p if loop.first %}"),
        para("TableTitleFirst", "{{ t.title }}"),
        tag("{%p else %}"),
        para("TableTitle", "{{ t.title }}"),
        tag("{%p endif %}"),
        para("UnitLine", "{{ t.unit_label }}", TAB, "单位：{{ t.money_unit }}"),
        info_table(),
        para("TableGap"),
        indicator_table(),
        tag("{%p endfor %}"),
        para("TableGap"),  # Word wants a paragraph after the last table
    ]


def build() -> bytes:
    return assemble(
        STYLES,
        body_xml(sect_pr(PAGE, grid=GRID)),
        sect_pr(PAGE, first_page=1, grid=GRID),
        title="部门预算绩效文本（模板）",
        comments="pbgen 绩效文本模板：样式可在 Word 中修改，花括号标记（docxtpl）请勿改动。",
    )


if __name__ == "__main__":
    main(build, OUTPUT, __doc__.splitlines()[0])
