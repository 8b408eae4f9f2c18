"""Generate templates/shenbao/template.docx, the Word template of the 项目支出绩效目标申报表.

Same rules as the other templates (scripts/build_docx_template.py): fonts, sizes and spacing
live in named styles a finance bureau can restyle in Word, the body holds only docxtpl tags, and
the bytes are stable from run to run. One form per project, as in the 财预〔2020〕10号 model and
its provincial variants: the project table (基本情况, 项目资金, 项目概况, 实施进度计划, 绩效目标),
then the 长期 and 年度 indicator tables, whose 一级/二级 cells are declared merged
({# 合并 #}, see pbgen/render_docx.py), then the signatures.

    .venv/bin/python scripts/build_shenbao_template.py [-o templates/shenbao/template.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # docx_kit sits beside this script

import build_fubiao_template as fubiao
from build_fubiao_template import continued, label, lines, loop, span
from docx_kit import (
    FANGSONG,
    KAITI,
    TAB,
    assemble,
    cell,
    columns,
    html_widths,
    kept,
    main,
    para,
    ppr,
    row,
    rpr,
    sect_pr,
    style,
    table,
    tag,
)

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "templates" / "shenbao" / "template.docx"
PAGE = fubiao.PAGE  # A4 portrait, GB/T 9704-2012 margins
TEXT_W = PAGE.text_width
HEAD, TEXT, CENTER, SECTION = "TableHead", "TableText", "TableTextCenter", "SectionHead"
MERGED = "TableMerged"  # 一级, 二级: 黑体, as the PDF's td.merged

STYLES = [
    *(xml for xml in fubiao.STYLES if 'w:styleId="SheetLabel"' not in xml),
    style(
        "paragraph",
        "FormTitle",
        "Form Title",
        alias="申报表标题",
        based_on="Normal",
        next_style="FormYear",
        p=ppr(keep_next=True, page_break=True, line="exact:720", jc="center"),
        r=rpr(fubiao.XBS, 22),
    ),
    style(
        "paragraph",
        "FormYear",
        "Form Year",
        alias="申报表年度",
        based_on="Normal",
        next_style="UnitLine",
        p=ppr(keep_next=True, line="auto:240", after=160, jc="center"),
        r=rpr(KAITI, 16),
    ),
    style(
        "paragraph",
        "TableGap",
        "Table Gap",
        alias="表间空行",
        based_on="TableText",
        p=ppr(line="exact:160", first_chars=0),
        r=rpr(FANGSONG, 6),
    ),
]

# The project table: a label column, then four columns the sections divide as they need.
# The grids of the PDF's tables (templates/shenbao/document.html.j2: the indicator tables', then
# the project table's), so that both formats wrap cells alike.
INDICATOR_W, W = (
    columns(TEXT_W, percents)
    for percents in html_widths(ROOT / "templates" / "shenbao" / "document.html.j2")
)


def pair(title: str, value: str, title2: str, value2: str):
    """label | value | label | value."""
    return row(
        label(W, title),
        cell(span(W, 1, 2), (CENTER, value)),
        cell(W[3], (HEAD, title2)),
        cell(W[4], (CENTER, value2)),
    )


def project_table() -> str:
    """基本情况, 项目资金, 项目概况, 实施进度计划, 绩效目标 of one project ``p``."""
    rest = span(W, 1, 4)
    return table(
        TEXT_W,
        "项目支出绩效目标申报表",
        row(label(W, "项目名称"), cell(rest, (CENTER, "{{ p.name }}")), header=True),
        pair("项目编码", "{{ p.code }}", "项目属性", "{{ p.attribute }}"),
        pair("主管部门", "{{ department.name }}", "主管部门编码", "{{ department.code }}"),
        pair("实施单位", "{{ p.unit.name }}", "单位编码", "{{ p.unit.code }}"),
        pair("项目负责人", "{{ p.manager }}", "联系电话", "{{ p.phone }}"),
        row(label(W, "项目起止时间"), cell(rest, (CENTER, "{{ p.period }}"))),
        loop("{%tr for e in p.extra %}"),  # what a region adds: 标签 | 内容
        row(label(W, "{{ e.label }}"), cell(rest, (TEXT, "{{ e.text }}"))),
        loop("{%tr endfor %}"),
        row(
            label(W, "项目资金", "（{{ money_unit }}）", merge="restart", style_id=SECTION),
            cell(span(W, 1, 2), (SECTION, "资金来源")),
            cell(W[3], (SECTION, "实施期资金总额")),
            cell(W[4], (SECTION, "当年资金总额")),
        ),
        loop("{%tr for f in p.funds.rows %}"),
        row(
            continued(W),
            cell(span(W, 1, 2), [para(TEXT, "{{ f.label }}")]),
            cell(W[3], (CENTER, "{{ f.total }}")),
            cell(W[4], (CENTER, "{{ f.year }}")),
        ),
        loop("{%tr endfor %}"),
        row(
            label(W, "项目概况", merge="restart"),
            cell(W[1], (HEAD, "立项依据")),
            cell(span(W, 2, 4), lines("p.overview.basis")),
        ),
        row(
            continued(W),
            cell(W[1], (HEAD, "可行性")),
            cell(span(W, 2, 4), lines("p.overview.feasibility")),
        ),
        row(
            continued(W),
            cell(W[1], (HEAD, "必要性")),
            cell(span(W, 2, 4), lines("p.overview.necessity")),
        ),
        row(
            label(W, "实施进度", "计划", merge="restart", style_id=SECTION),
            cell(span(W, 1, 2), (SECTION, "实施内容")),
            cell(W[3], (SECTION, "开始时间")),
            cell(W[4], (SECTION, "完成时间")),
        ),
        loop("{%tr for s in p.schedule %}"),
        row(
            continued(W),
            cell(span(W, 1, 2), (TEXT, "{{ s.task }}")),
            cell(W[3], (CENTER, "{{ s.start }}")),
            cell(W[4], (CENTER, "{{ s.end }}")),
        ),
        loop("{%tr endfor %}"),
        row(
            label(W, "绩效目标", merge="restart"),
            cell(W[1], [para(HEAD, "长期（中期）"), para(HEAD, "目标")]),
            cell(span(W, 2, 4), lines("p.period_goals")),
        ),
        row(
            continued(W),
            cell(W[1], (HEAD, "年度目标")),
            cell(span(W, 2, 4), lines("p.goal_lines")),
        ),
    )


def indicator_table(title: str, source: str) -> str:
    """长期 or 年度 indicators: title and column heads repeated on each page, one row per 三级,
    the 一级 and 二级 cells declared merged; kept on one page, with what follows (the gap after
    it, the signatures), as the PDF's table.indicators."""
    heads = ["一级指标", "二级指标", "指标内容", "指标值", "备注"]
    values = [
        (MERGED, "{{ row.level1 }}{# 合并 #}"),
        (MERGED, "{{ row.level2 }}{# 合并2 #}"),
        (TEXT, "{{ row.name }}"),
        (CENTER, "{{ row.value }}"),
        (TEXT, "{{ row.remark }}"),
    ]
    return table(
        TEXT_W,
        title,
        kept(row(cell(TEXT_W, (SECTION, title)), header=True)),
        kept(
            row(*(cell(w, (HEAD, h)) for w, h in zip(INDICATOR_W, heads, strict=True)), header=True)
        ),
        loop(f"{{%tr for row in {source} %}}"),
        kept(row(*(cell(w, v) for w, v in zip(INDICATOR_W, values, strict=True)))),
        loop("{%tr endfor %}"),
    )


def body_xml() -> list[str]:
    return [
        tag("{%p for p in projects %}"),
        para("FormTitle", "项目支出绩效目标申报表"),
        para("FormYear", "（{{ year }}年度）"),
        para(
            "UnitLine", "填报单位（盖章）：{{ department.name }}", TAB, "金额单位：{{ money_unit }}"
        ),
        project_table(),
        para("TableGap"),
        indicator_table("长期（中期）绩效指标", "p.period_indicators"),
        para("TableGap"),
        indicator_table("年度绩效指标", "p.indicators"),
        para(
            "SignLine",
            "填报人：{{ department.filled_by }}",
            TAB,
            "联系电话：{{ department.phone }}",
            keep_next=True,
        ),
        para(
            "SignLine",
            "单位负责人：{{ department.signed_by }}",
            TAB,
            "填报日期：{{ department.filled_on }}",
        ),
        tag("{%p endfor %}"),
        para("SheetEnd"),  # Word wants a paragraph after the last table
    ]


def build() -> bytes:
    return assemble(
        STYLES,
        body_xml(),
        sect_pr(PAGE, first_page=1),
        title="项目支出绩效目标申报表（模板）",
        comments="pbgen 申报表模板：样式可在 Word 中修改，花括号标记（docxtpl）请勿改动。",
    )


if __name__ == "__main__":
    main(build, OUTPUT, __doc__.splitlines()[0])
