"""Generate templates/gongkai/template.docx, the Word template of the 项目支出绩效目标公开表.

One landscape section, the title, and one table whose rows docxtpl repeats ({%tr for row in
rows %}): 合计, department and unit rows in bold, then each project with its goals and its
indicator outline (一、 黑体, （一） 楷体, 1. 仿宋) inside one cell. Fonts and sizes live in named
styles a finance bureau can restyle in Word. Run it after changing this file and commit the
output: the bytes are stable from run to run.

    .venv/bin/python scripts/build_gongkai_template.py [-o templates/gongkai/template.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # docx_kit sits beside this script

import docx_kit as kit

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "templates" / "gongkai" / "template.docx"
CAPTION = "项目支出绩效目标公开表"  # w:tblCaption

# A4 landscape; the GB/T 9704 margins turned with the page: the binding side (28 mm) on top.
PAGE = kit.Page(
    width=kit.mm(297),
    height=kit.mm(210),
    top=kit.mm(28),
    right=kit.mm(37),
    bottom=kit.mm(26),
    left=kit.mm(35),
    header=kit.mm(12),
    landscape=True,
)
TEXT_W = PAGE.text_width  # 12756: 225 mm
# 单位编码 | 单位及项目名称 | 金额 | 绩效目标 | 绩效指标, as the PDF's columns
(PERCENTS,) = kit.html_widths(ROOT / "templates" / "gongkai" / "document.html.j2")
WIDTHS = kit.columns(TEXT_W, PERCENTS)

TABLE_PT = 10.5  # 5号
LINE = "exact:273"  # 13.65 pt, the PDF's line-height 1.3: both formats break pages alike


def text_style(
    style_id: str, name: str, alias: str, jc: str, font: str = "", bold=False, keep_next=False
):
    return kit.style(
        "paragraph",
        style_id,
        name,
        alias=alias,
        based_on="TableText",
        p=kit.ppr(keep_next=keep_next, line=LINE, jc=jc),
        r=kit.rpr(font or None, bold=bold),
    )


STYLES = [
    kit.style(
        "paragraph",
        "Normal",
        "Normal",
        default=True,
        p=kit.ppr(line="auto:240", jc="left"),
        r=kit.rpr(kit.FANGSONG, TABLE_PT),
    ),
    kit.style(
        "paragraph",
        "Title",
        "Title",
        based_on="Normal",
        next_style="Normal",
        p=kit.ppr(keep_next=True, line="auto:240", after=200, jc="center"),
        r=kit.rpr(kit.XBS, 22),
    ),
    kit.style(
        "paragraph",
        "TableText",
        "Table Text",
        alias="表格文字",
        based_on="Normal",
        p=kit.ppr(line=LINE, jc="both"),
        r=kit.rpr(kit.FANGSONG, TABLE_PT),
    ),
    text_style("TableTextCenter", "Table Text Center", "表格文字居中", "center"),
    text_style("TableAmount", "Table Amount", "金额", "right"),
    text_style("TableHead", "Table Head", "表头", "center", kit.HEITI),
    text_style("SubtotalText", "Subtotal Text", "合计行文字", "left", bold=True),
    text_style("SubtotalCenter", "Subtotal Center", "合计行居中", "center", bold=True),
    text_style("SubtotalAmount", "Subtotal Amount", "合计行金额", "right", bold=True),
    # an indicator heading keeps its first line where a project row breaks (the PDF's
    # td p.level1, td p.level2 { break-after: avoid })
    text_style("Outline1", "Outline 1", "指标一级", "left", kit.HEITI, keep_next=True),
    text_style("Outline2", "Outline 2", "指标二级", "left", kit.KAITI, keep_next=True),
    text_style("Outline3", "Outline 3", "指标三级", "left", kit.FANGSONG),
    kit.style(
        "paragraph",
        "TableGap",
        "Table Gap",
        alias="表后空行",
        based_on="Normal",
        p=kit.ppr(line="exact:20"),
        r=kit.rpr(pt=1),
    ),
    kit.style(
        "paragraph",
        "Footer",
        "footer",
        based_on="Normal",
        p=kit.ppr(line="auto:240", jc="center"),
        r=kit.rpr(kit.SONGTI, 14),
    ),
    kit.table_grid(40),  # the PDF's 2 pt above and below (gongkai/style.css)
]


def gongkai_table() -> str:
    code, name, money, goals, indicators = WIDTHS
    heads = ["单位编码", "单位及项目名称", "金额（{{ money_unit }}）", "绩效目标", "绩效指标"]
    goal_lines = [
        kit.tag("{%p for goal in row.goals %}"),
        kit.para("TableText", "{{ goal }}"),
        kit.tag("{%p endfor %}"),
    ]
    outline = [
        kit.tag("{%p for line in row.indicators %}"),
        kit.tag("{%p if line.level == 1 %}"),
        kit.para("Outline1", "{{ line.text }}"),
        kit.tag("{%p elif line.level == 2 %}"),
        kit.para("Outline2", "{{ line.text }}"),
        kit.tag("{%p else %}"),
        kit.para("Outline3", "{{ line.text }}"),
        kit.tag("{%p endif %}"),
        kit.tag("{%p endfor %}"),
    ]
    empty = ("TableText", "")
    return kit.table(
        TEXT_W,
        CAPTION,
        kit.row(
            *(kit.cell(w, ("TableHead", h)) for w, h in zip(WIDTHS, heads, strict=True)),
            header=True,
        ),
        kit.tag_row(WIDTHS, "{%tr for row in rows %}"),
        kit.tag_row(WIDTHS, '{%tr if row.kind == "total" %}'),
        kit.row(
            kit.cell(code + name, ("SubtotalCenter", "{{ row.name }}")),
            kit.cell(money, ("SubtotalAmount", "{{ row.amount }}")),
            kit.cell(goals, empty),
            kit.cell(indicators, empty),
        ),
        kit.tag_row(WIDTHS, '{%tr elif row.kind != "project" %}'),
        kit.row(
            kit.cell(code, ("SubtotalCenter", "{{ row.code }}")),
            kit.cell(name, ("SubtotalText", "{{ row.name }}")),
            kit.cell(money, ("SubtotalAmount", "{{ row.amount }}")),
            kit.cell(goals, empty),
            kit.cell(indicators, empty),
        ),
        kit.tag_row(WIDTHS, "{%tr else %}"),
        # a project breaks where the page ends, below the repeated header, as in the PDF: the
        # 合计 and unit rows above stay whole
        kit.row(
            kit.cell(code, ("TableTextCenter", "{{ row.code }}"), valign="top"),
            kit.cell(name, ("TableText", "{{ row.name }}"), valign="top"),
            kit.cell(money, ("TableAmount", "{{ row.amount }}"), valign="top"),
            kit.cell(goals, goal_lines, valign="top"),
            kit.cell(indicators, outline, valign="top"),
            cant_split=False,
        ),
        kit.tag_row(WIDTHS, "{%tr endif %}"),
        kit.tag_row(WIDTHS, "{%tr endfor %}"),
    )


def build() -> bytes:
    return kit.assemble(
        STYLES,
        [kit.para("Title", "{{ title }}"), gongkai_table(), kit.para("TableGap")],
        kit.sect_pr(PAGE, first_page=1),
        title="项目支出绩效目标公开表（模板）",
        odd_and_even=False,  # a landscape table: its page numbers stay centred
        comments="pbgen 公开表模板：样式可在 Word 中修改，花括号标记（docxtpl）请勿改动。",
    )


if __name__ == "__main__":
    kit.main(build, OUTPUT, __doc__.splitlines()[0])
