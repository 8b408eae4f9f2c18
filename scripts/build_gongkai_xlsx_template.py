"""Generate templates/gongkai/template.xlsx, the Excel template of the 项目支出绩效目标公开表.

One sheet as a bureau would draw it in Excel: the title merged across the five columns, the
header row (repeated on every printed page, frozen on screen), then the rows of the context's
``rows`` ({%tr for row in rows %}): 合计, the department and each unit in bold, their amounts
the SUM of the rows below them (``| sum_of``); each project one row per 一级指标 with its code,
name, amount and goals merged down them ({# 合并 #}), 「（续）」 where it goes on over a page
({# 续 #}), its amount printed once ({# 仅首页 #}) and its goals shared out between the pages
({# 分页续排 #}). A4 landscape at the PDF's margins (GB/T 9704 turned), the columns one page
wide at 100%, — N — at the foot. What each mark means: pbgen/render_xlsx.py and
templates/CONTEXT.md. Run it after changing this file and commit the output: the bytes are
stable from run to run.

    .venv/bin/python scripts/build_gongkai_xlsx_template.py [-o templates/gongkai/template.xlsx]
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from pbgen.render_xlsx import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "templates" / "gongkai" / "template.xlsx"

FANGSONG, HEITI, SONGTI, XBS = "仿宋_GB2312", "黑体", "宋体", "方正小标宋简体"
# Excel units (a digit of the workbook font, 7 px; a 5号 CJK character takes 2), in the PDF's
# proportions. Printed, a column is (7 × width + 5) px at 96 dpi: these five take 223 mm of the
# 225 mm between the margins of A4 landscape, so the sheet prints at 100%.
COLUMN_WIDTHS = (9, 19.5, 13.5, 31.5, 40)
FONT_PT, TITLE_PT = 10.5, 22  # 5号, 2号 as the PDF
MARGINS_MM = (28, 26, 35, 37)  # top, bottom, left, right: the PDF's (GB/T 9704 turned)
TITLE_ROW_PT = TITLE_PT * 1.3 + 10  # one line of title
HEADER_ROW_PT = 15.5 + 4 * 2
STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

_SIDE = Side(style="thin", color="000000")
BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)


def _font(name: str = FANGSONG, size: float = FONT_PT, bold: bool = False) -> Font:
    return Font(name=name, size=size, bold=bold)


def _align(vertical: str, horizontal: str) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)


def _row(sheet, number: int, cells: list[tuple], bold: bool = False, vertical: str = "center"):
    """One row of the table: (text, horizontal alignment) per column, bordered."""
    for column, (text, horizontal) in enumerate(cells, 1):
        cell = sheet.cell(row=number, column=column, value=text or None)
        cell.font = _font(bold=bold)
        cell.alignment = _align(vertical, horizontal)
        cell.border = BORDER


def _statement(sheet, number: int, text: str) -> None:
    """A {%tr %} row: the statement alone in column A, grey, as a note to the author."""
    cell = sheet.cell(row=number, column=1, value=text)
    cell.font = Font(name=FANGSONG, size=FONT_PT, color="808080")


def build() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公开表"
    for column, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    title = sheet.cell(row=1, column=1, value="{{ title }}")
    title.font, title.alignment = _font(XBS, TITLE_PT), _align("center", "center")
    sheet.merge_cells("A1:E1")
    sheet.row_dimensions[1].height = TITLE_ROW_PT
    for column, text in enumerate(
        ["单位编码", "单位及项目名称", "金额（{{ money_unit }}）", "绩效目标", "绩效指标"], 1
    ):
        cell = sheet.cell(row=2, column=column, value=text)
        cell.font, cell.alignment, cell.border = _font(HEITI), _align("center", "center"), BORDER
    sheet.row_dimensions[2].height = HEADER_ROW_PT

    _statement(sheet, 3, "{%tr for row in rows %}")
    _statement(sheet, 4, '{%tr if row.kind == "total" %}')
    amount_of_units = '{{ row.amount | number | sum_of("unit") }}'
    _row(
        sheet,
        5,
        [("{{ row.name }}", "center"), ("", "center"), (amount_of_units, "right"),
         ("", "left"), ("", "left")],
        bold=True,
    )  # fmt: skip
    sheet.merge_cells("A5:B5")
    _statement(sheet, 6, '{%tr elif row.kind == "project" %}')
    _statement(sheet, 7, '{%tr for lines in row.indicators | cut_before("level", 1) %}')
    _row(
        sheet,
        8,
        [
            ("{{ row.code }}{# 合并 #}", "center"),
            ("{{ row.name }}{# 合并 #}{# 续 #}", "left"),
            ("{{ row.amount | number }}{# 合并 #}{# 仅首页 #}", "right"),
            ('{{ row.goals | join("\\n") }}{# 合并 #}{# 分页续排 #}', "left"),
            ('{{ lines | map(attribute="text") | join("\\n") }}', "left"),
        ],
        vertical="top",
    )
    _statement(sheet, 9, "{%tr endfor %}")
    _statement(sheet, 10, "{%tr else %}")
    subtotal = (
        '{{ row.amount | number | sum_of("unit" if row.kind == "department" else "project") }}'
    )
    _row(
        sheet,
        11,
        [("{{ row.code }}", "center"), ("{{ row.name }}", "left"), (subtotal, "right"),
         ("", "left"), ("", "left")],
        bold=True,
    )  # fmt: skip
    _statement(sheet, 12, "{%tr endif %}")
    _statement(sheet, 13, "{%tr endfor %}")
    sheet.freeze_panes = "A3"
    _print_setup(sheet)
    return workbook_bytes(workbook, "项目支出绩效目标公开表（模板）", STAMP)


def _print_setup(sheet) -> None:
    """A4 landscape at the PDF's margins (openpyxl takes inches), the columns one page wide at
    100%, centred; the header row on every page; — N — at the foot, 4号宋体 as in the PDF."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    # One page wide: it only shrinks if a user widens a column. Pages tall left open (0), so
    # LibreOffice and Excel keep pbgen's manual page breaks (a number of pages would drop them).
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    top, bottom, left, right = (mm / 25.4 for mm in MARGINS_MM)
    margins.top, margins.bottom, margins.left, margins.right = top, bottom, left, right
    # the footer margin is measured to the foot of the footer line: its dashes stand 2.8 mm
    # above it, and GB/T 9704 puts them 7 mm under the 版心
    margins.header, margins.footer = 0.5, (MARGINS_MM[1] - 7 - 2.8) / 25.4
    for footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        footer.center.text = "— &P —"
        footer.center.font, footer.center.size = f"{SONGTI},Regular", 14


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.write_bytes(build())
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
