"""Generate templates/fubiao/template.docx, the Word template of the 附表1–3.

Same rules as the 绩效文本 template (scripts/build_docx_template.py): fonts, sizes and spacing
live in named styles a finance bureau can restyle in Word, the body holds only docxtpl tags, and
the bytes are stable from run to run. The table styles and the footer are the 绩效文本's own.
The tables follow seed 003's grid: a label column, then the columns of each section; merges
that depend on the data (一级, 二级, 绩效标准) are declared in the cells ({# 合并 #}, see
pbgen/render_docx.py) and made after rendering.

    .venv/bin/python scripts/build_fubiao_template.py [-o templates/fubiao/template.docx]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # docx_kit sits beside this script

import build_docx_template as wenben
from docx_kit import (
    BREAK,
    FANGSONG,
    HEITI,
    TAB,
    TABLE_GRID,
    TABLE_LINE,
    XBS,
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
OUTPUT = ROOT / "templates" / "fubiao" / "template.docx"
PAGE = wenben.PAGE  # A4 portrait, GB/T 9704-2012 margins
TEXT_W = PAGE.text_width
SHARED = {
    "TableText",
    "TableTextCenter",
    "TableMerged",
    "TableHead",
    "UnitLine",
    "Footer",
    "FooterEven",
}

STYLES = [
    style(
        "paragraph",
        "Normal",
        "Normal",
        default=True,
        p=ppr(off_grid=True, line="auto:240", jc="both"),
        r=rpr(FANGSONG, 16),
    ),
    style(
        "paragraph",
        "SheetLabel",
        "Sheet Label",
        alias="附表号",
        based_on="Normal",
        next_style="SheetTitle",
        p=ppr(keep_next=True, page_break=True, line="auto:240", jc="left"),
        r=rpr(HEITI, 16),
    ),
    style(
        "paragraph",
        "SheetTitle",
        "Sheet Title",
        alias="附表标题",
        based_on="Normal",
        next_style="UnitLine",
        p=ppr(keep_next=True, line="exact:720", before=60, after=160, jc="center"),
        r=rpr(XBS, 22),
    ),
    style(
        "paragraph",
        "TableTextIndent",
        "Table Text Indent",
        alias="表格文字缩进",
        based_on="TableText",
        # under 其中：, three 5号 characters (ppr's left_chars counts 3号 ones)
        p=ppr(line=TABLE_LINE).replace("</w:pPr>", '<w:ind w:left="630"/></w:pPr>'),
    ),
    style(
        "paragraph",
        "SectionHead",
        "Section Head",
        alias="栏目表头",
        based_on="TableHead",
        p=ppr(keep_next=True, line=TABLE_LINE, first_chars=0, jc="center"),
    ),
    style(
        "paragraph",
        "SignLine",
        "Sign Line",
        alias="签字栏",
        based_on="TableText",
        p=ppr(
            tabs=f'<w:tab w:val="left" w:pos="{TEXT_W // 2}"/>',
            line="auto:360",
            before=60,
            after=60,
        ),
        r=rpr(pt=12),
    ),
    style(
        "paragraph",
        "SheetEnd",
        "Sheet End",
        alias="表后空行",
        based_on="TableText",
        p=ppr(line="exact:20"),
        r=rpr(pt=1),
    ),
    *(xml for xml in wenben.STYLES if re.search(r'w:styleId="(\w+)"', xml)[1] in SHARED),
    TABLE_GRID,
]

HEAD, TEXT, CENTER, INDENT = "TableHead", "TableText", "TableTextCenter", "TableTextIndent"
MERGED = "TableMerged"  # 一级, 二级: 黑体, as the PDF's td.merged
SECTION = "SectionHead"  # the head row of a section: kept with the row below it


# The PDF's column widths (附表1, 附表2, 附表3, in the order document.html.j2 sets them), in twips.
DEPARTMENT, SUMMARY, DIRECTION = (
    columns(TEXT_W, percents)
    for percents in html_widths(ROOT / "templates" / "fubiao" / "document.html.j2")
)


def span(widths: list[int], first: int, last: int) -> int:
    return sum(widths[first : last + 1])


def lines(name: str, style_id: str = TEXT) -> list[str]:
    """One paragraph per line of a list in the context."""
    return [tag(f"{{%p for line in {name} %}}"), para(style_id, "{{ line }}"), tag("{%p endfor %}")]


def loop(text: str):
    """A {%tr %} row: docxtpl replaces the whole row by the tag."""
    return row(cell(TEXT_W, ("", text)))


def label(widths: list[int], *words: str, merge: str = "", style_id: str = HEAD):
    """The label column; ``words`` are its lines (5 characters fit a line)."""
    runs = [part for word in words for part in (BREAK, word)][1:]
    return cell(widths[0], [para(style_id, *runs)], merge=merge)


def continued(widths: list[int]):
    return cell(widths[0], (HEAD, ""), merge="continue")


def sign_row():
    return row(
        cell(
            TEXT_W,
            [
                para("SignLine", "单位负责人签字：{{ signature.head }}"),
                para("SignLine"),
                para(
                    "SignLine",
                    "填表人：{{ signature.filled_by }}",
                    TAB,
                    "联系电话：{{ signature.phone }}",
                ),
            ],
        )
    )


def indicator_rows(widths: list[int], source: str, standard: bool) -> list:
    """年度绩效指标: header, then one row per 三级; 一级, 二级 and 绩效标准 declared merged."""
    heads = [("一级指标",), ("二级指标",), ("三级指标",), ("指标值及单位",)]
    if standard:  # a narrower 指标值 column: two lines, as in seed 003
        heads[3:] = [("指标值", BREAK, "及单位"), ("绩效标准",)]
    spans = [(1, 1), (2, 2), (3, 4), (5, 5), (6, 6)][: len(heads)]
    values = [
        (MERGED, "{{ row.level1 }}{# 合并 #}"),
        (MERGED, "{{ row.level2 }}{# 合并2 #}"),
        (TEXT, "{{ row.name }}"),
        (CENTER, "{{ row.value }}"),
        (CENTER, "{{ row.standard }}{# 合并3 #}"),
    ]
    return [
        row(
            label(widths, "年度绩效", "指标", merge="restart", style_id=SECTION),
            *(
                cell(span(widths, *s), [para(SECTION, *h)])
                for s, h in zip(spans, heads, strict=True)
            ),
        ),
        loop(f"{{%tr for row in {source}.indicators %}}"),
        row(
            continued(widths),
            *(cell(span(widths, *s), v) for s, v in zip(spans, values, strict=False)),
        ),
        loop("{%tr endfor %}"),
    ]


def head(sheet: str) -> list[str]:
    return [
        para("SheetLabel", f"{{{{ {sheet}.label }}}}"),
        para("SheetTitle", f"{{{{ {sheet}.title }}}}"),
        para("UnitLine", "填报单位：（盖章）", TAB, "金额单位：{{ money_unit }}"),
    ]


def department_table() -> str:
    """附表1 部门整体支出绩效目标表."""
    w = DEPARTMENT
    rest = span(w, 1, 5)
    money = [
        ("其中：一般公共预算拨款", "general", "其中：基本支出", "basic"),
        ("政府性基金拨款", "fund", "项目支出", "project"),
        ("其他资金", "other", "", ""),
    ]
    budget = [
        row(
            continued(w),
            cell(span(w, 1, 2), (TEXT if n == 0 else INDENT, income)),
            cell(w[3], (CENTER, f"{{{{ d.{a} }}}}")),
            cell(w[4], (TEXT if n == 0 else INDENT, spending)),
            cell(w[5], (CENTER, f"{{{{ d.{b} }}}}" if b else "")),
        )
        for n, (income, a, spending, b) in enumerate(money)
    ]
    return table(
        TEXT_W,
        "附表1",
        row(label(w, "部门名称"), cell(rest, (CENTER, "{{ d.department }}")), header=True),
        row(
            label(w, "年度预算", "申请", "（{{ money_unit }}）", merge="restart"),
            cell(rest, (TEXT, "资金总额：{{ d.total }}")),
        ),
        row(
            continued(w),
            cell(span(w, 1, 3), (HEAD, "按收入性质分")),
            cell(span(w, 4, 5), (HEAD, "按支出性质分")),
        ),
        *budget,
        row(label(w, "部门职责", "概述"), cell(rest, lines("d.duties"))),
        row(
            label(w, "年度重点", "工作计划", merge="restart", style_id=SECTION),
            cell(w[1], (SECTION, "事项")),
            cell(w[2], (SECTION, "责任单位/科室")),
            cell(span(w, 3, 5), (SECTION, "工作目标")),
        ),
        loop("{%tr for item in d.tables.work_plan.rows %}"),
        row(
            continued(w),
            cell(w[1], (CENTER, "{{ item.task }}")),
            cell(w[2], (CENTER, "{{ item.owner }}")),
            cell(span(w, 3, 5), (TEXT, "{{ item.goal }}")),
        ),
        loop("{%tr endfor %}"),
        *indicator_rows(w, "d", standard=False),
        sign_row(),
    )


def summary_table() -> str:
    """附表2 专项资金绩效目标汇总表."""
    w = SUMMARY
    return table(
        TEXT_W,
        "附表2",
        row(
            *(
                cell(width, (HEAD, title))
                for width, title in zip(
                    w, ["序号", "名　称", "金　额", "实施期绩效目标", "年度绩效目标"], strict=True
                )
            ),
            header=True,
        ),
        row(
            cell(w[0], (CENTER, "")),
            cell(w[1], (HEAD, "合计")),
            cell(w[2], (HEAD, "{{ s.total }}")),
            cell(w[3], (TEXT, "")),
            cell(w[4], (TEXT, "")),
        ),
        loop("{%tr for fund in s.funds %}"),
        row(
            cell(w[0], (CENTER, "{{ fund.number }}")),
            cell(w[1], (CENTER, "{{ fund.name }}")),
            cell(w[2], (CENTER, "{{ fund.amount }}")),
            cell(w[3], lines("fund.period_goals")),
            cell(w[4], lines("fund.goals")),
        ),
        loop("{%tr endfor %}"),
        sign_row(),
    )


def direction_table() -> str:
    """附表3 支出方向绩效目标表 of one project ``t``."""
    w = DIRECTION
    rest = span(w, 1, 6)
    return table(
        TEXT_W,
        "附表3",
        row(
            label(w, "支出方向", "（子项）"),
            cell(span(w, 1, 2), (CENTER, "{{ t.name }}")),
            cell(w[3], (HEAD, "所属专项"), merge="restart"),
            cell(w[4], (HEAD, "名称")),
            cell(span(w, 5, 6), (CENTER, "{{ t.fund_name }}")),
            header=True,
        ),
        row(
            label(w, "项目金额"),
            cell(span(w, 1, 2), (CENTER, "{{ t.budget }}")),
            cell(w[3], (HEAD, ""), merge="continue"),
            cell(w[4], (HEAD, "金额")),
            cell(span(w, 5, 6), (CENTER, "{{ t.fund_amount }}")),
            header=True,
        ),
        row(label(w, "项目实施期"), cell(rest, (TEXT, "{{ t.period }}"))),
        row(label(w, "实施期", "绩效目标"), cell(rest, lines("t.period_goals"))),
        row(label(w, "年度绩效", "目标"), cell(rest, lines("t.goals"))),
        *indicator_rows(w, "t", standard=True),
        row(
            label(w, "支出明细", "及测算说明", merge="restart", style_id=SECTION),
            cell(span(w, 1, 2), (SECTION, "支出内容简介")),
            cell(w[3], (SECTION, "支出明细")),
            cell(w[4], (SECTION, "金额")),
            cell(span(w, 5, 6), (SECTION, "支出测算依据及过程说明")),
        ),
        # the 支出明细 section stays together and with the signature, as the PDF's tbody.keep
        loop("{%tr for e in t.tables.expense_details.lines %}"),
        kept(
            row(
                continued(w),
                cell(span(w, 1, 2), lines("e.content")),
                cell(w[3], lines("e.detail")),
                cell(w[4], (CENTER, "{{ e.amount | join }}")),
                cell(span(w, 5, 6), lines("e.basis")),
            )
        ),
        loop("{%tr endfor %}"),
        kept(
            row(
                continued(w),
                cell(span(w, 1, 3), (HEAD, "合　计")),
                cell(w[4], (HEAD, "{{ t.tables.expense_details.total.amount }}")),
                cell(span(w, 5, 6), (TEXT, "")),
            )
        ),
        sign_row(),
    )


def body_xml() -> list[str]:
    return [
        tag("{%p set d = department_sheet %}"),
        *head("d"),
        department_table(),
        tag("{%p set s = summary %}"),
        *head("s"),
        summary_table(),
        tag("{%p for t in directions %}"),
        *head("t"),
        direction_table(),
        tag("{%p endfor %}"),
        para("SheetEnd"),  # Word wants a paragraph after the last table
    ]


def build() -> bytes:
    return assemble(
        STYLES,
        body_xml(),
        sect_pr(PAGE, first_page=1),
        title="预算绩效目标附表1–3（模板）",
        comments="pbgen 附表模板：样式可在 Word 中修改，花括号标记（docxtpl）请勿改动。",
    )


if __name__ == "__main__":
    main(build, OUTPUT, __doc__.splitlines()[0])
