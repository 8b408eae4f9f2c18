"""The 公开表 as a spreadsheet: bureaus collect it as XLSX and add the amounts up.

One sheet: the title merged across the columns, the header row frozen and repeated in print,
amounts as numbers shown with the decimals the filing wrote. Excel caps a row at 409 pt, less
than the indicator outline of a big project, so a project takes one row per 一级指标 with its
code, name, amount and goals merged down those rows. Row heights are estimated here because
Excel does not grow rows to fit wrapped text on opening.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from pbgen.context import printable
from pbgen.layouts.gongkai import GongkaiContext, Line, TableRow, decimals
from pbgen.render_docx import normalized_zip, wrapped_lines

FANGSONG, HEITI, XBS = "仿宋_GB2312", "黑体", "方正小标宋简体"
COLUMN_WIDTHS = (10, 24, 13, 46, 50)  # Excel units: a 5号 CJK character takes about 2
FONT_PT, LINE_PT, PADDING_PT = 10.5, 15.5, 4.0  # LINE_PT: LibreOffice needs 15.2
MAX_ROW_PT = 409  # Excel's limit
FIRST_ROW = 3  # after the title and the header

_SIDE = Side(style="thin", color="000000")
BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
FONTS = {
    "font": Font(name=FANGSONG, size=FONT_PT),
    "bold": Font(name=FANGSONG, size=FONT_PT, bold=True),
    "head": Font(name=HEITI, size=FONT_PT),
    "title": Font(name=XBS, size=20),
}
ALIGN = {
    f"{vertical}{horizontal}": Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
    for vertical in ("center", "top")
    for horizontal in ("left", "center", "right")
}


def render_xlsx(context: GongkaiContext, timestamp: datetime.datetime) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公开表"
    _title_and_header(sheet, context)
    at = FIRST_ROW
    for row in context.rows:
        at += _write_row(sheet, at, row)
    _print_setup(sheet)

    if timestamp.tzinfo is not None:  # openpyxl writes naive datetimes as UTC
        timestamp = timestamp.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties = DocumentProperties(
        creator="pbgen", title=_text(context.title), created=timestamp, modified=timestamp
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not workbook.save(): it stamps the clock time
    return normalized_zip(buffer.getvalue(), timestamp)


def _text(value: str) -> str:
    """Without the control characters XML forbids (openpyxl refuses them)."""
    return printable(value)


def _cell(sheet, row: int, column: int, value, align: str, font: str = "font"):
    """``align`` is vertical then horizontal: "centerleft", "topright"."""
    cell = sheet.cell(row=row, column=column, value=value)
    cell.font, cell.alignment, cell.border = FONTS[font], ALIGN[align], BORDER
    return cell


def _title_and_header(sheet, context: GongkaiContext) -> None:
    title = sheet.cell(row=1, column=1, value=_text(context.title))
    title.font, title.alignment = FONTS["title"], ALIGN["centercenter"]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(context.columns))
    sheet.row_dimensions[1].height = 36
    for column, name in enumerate(context.columns, 1):
        _cell(sheet, 2, column, _text(name), "centercenter", "head")
    sheet.row_dimensions[2].height = LINE_PT + PADDING_PT * 2
    for column, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)


def _amount(sheet, row: int, value: str, align: str, font: str) -> None:
    cell = _cell(sheet, row, 3, Decimal(value), align, font)
    places = decimals(value)
    cell.number_format = "0." + "0" * places if places else "0"


def _write_row(sheet, at: int, row: TableRow) -> int:
    """Write one table row from sheet row ``at``; return how many sheet rows it took."""
    if row.kind != "project":
        if row.kind == "total":
            _cell(sheet, at, 1, _text(row.name), "centercenter", "bold")
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=2)
        else:
            _cell(sheet, at, 1, _text(row.code), "centercenter", "bold")
            _cell(sheet, at, 2, _text(row.name), "centerleft", "bold")
        _amount(sheet, at, row.amount, "centerright", "bold")
        for column in (4, 5):
            _cell(sheet, at, column, None, "centerleft")
        sheet.row_dimensions[at].height = _height([row.name], 2)
        return 1

    groups = _groups(row.indicators)
    last = at + len(groups) - 1
    _cell(sheet, at, 1, _text(row.code) or None, "topcenter")
    _cell(sheet, at, 2, _text(row.name), "topleft")
    _amount(sheet, at, row.amount, "topright", "font")
    _cell(sheet, at, 4, _text("\n".join(row.goals)) or None, "topleft")
    heights = []
    for offset, group in enumerate(groups):
        lines = [line.text for line in group]
        _cell(sheet, at + offset, 5, _text("\n".join(lines)) or None, "topleft")
        heights.append(_height(lines, 5))
    if last > at:  # merging gives the covered cells the borders of the first
        for column in range(1, 5):
            sheet.merge_cells(start_row=at, start_column=column, end_row=last, end_column=column)
    # the merged cells (name, goals) need their height spread over the rows they cover
    needed = max(_height([row.name], 2), _height(row.goals, 4))
    heights[-1] += max(0.0, needed - sum(heights))
    for offset, height in enumerate(heights):
        sheet.row_dimensions[at + offset].height = min(MAX_ROW_PT, height)
    return len(groups)


def _groups(lines: list[Line]) -> list[list[Line]]:
    """The outline cut before each 一级指标 line; one empty group when there is none."""
    groups: list[list[Line]] = []
    for line in lines:
        if line.level == 1 or not groups:
            groups.append([])
        groups[-1].append(line)
    return groups or [[]]


def _height(paragraphs: list[str], column: int) -> float:
    per_line = (COLUMN_WIDTHS[column - 1] - 1) / 2
    lines = sum(wrapped_lines(text, per_line) for text in paragraphs) if paragraphs else 1
    return round(lines * LINE_PT + PADDING_PT, 2)


def _print_setup(sheet) -> None:
    """A4 landscape, one page wide, the header row on every page, — N — at the foot; margins
    as the PDF's (inches)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.top, margins.bottom, margins.left, margins.right = 1.1, 1.02, 1.38, 1.46
    margins.footer = 0.55
    sheet.oddFooter.center.text = "— &P —"
