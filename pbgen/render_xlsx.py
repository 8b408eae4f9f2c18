"""The 公开表 as a spreadsheet: bureaus collect it as XLSX and add the amounts up.

One sheet: the title merged across the columns, the header row frozen and repeated in print,
amounts as numbers shown with the decimals the filing wrote; 合计 and the subtotals are SUM
formulas over the cells they add up, with their results stored, so a reader that never
recalculates shows them too. Every text is a string cell, never a formula: a name or goal
starting with ``=`` prints as typed. Excel caps a row at 409 pt, less than the indicator outline
of a big project, so a project takes one row per 一级指标 with its code, name, amount and goals
merged down those rows. Row heights are estimated here because Excel does not grow rows to fit
wrapped text on opening. The columns fill the printable width of A4 landscape at 100%.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree
from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from pbgen.context import printable
from pbgen.layouts.gongkai import CONTINUED, GongkaiContext, Line, TableRow, decimals
from pbgen.render_docx import normalized_zip, wrapped_lines

FANGSONG, HEITI, SONGTI, XBS = "仿宋_GB2312", "黑体", "宋体", "方正小标宋简体"
# Excel units (a digit of the workbook font, 7 px; a 5号 CJK character takes 2), in the PDF's
# proportions. Printed, a column is (7 × width + 5) px at 96 dpi: these five take 223 mm of the
# 225 mm between the margins of A4 landscape, so the sheet prints at 100%.
COLUMN_WIDTHS = (9, 19.5, 13.5, 31.5, 40)
FONT_PT, LINE_PT, PADDING_PT = 10.5, 15.5, 4.0  # LINE_PT: LibreOffice needs 15.2
TITLE_PT = 22  # 2号, as the PDF
MARGINS_MM = (28, 26, 35, 37)  # top, bottom, left, right: the PDF's (GB/T 9704 turned)
MAX_ROW_PT = 409  # Excel's limit
BODY_PT = (210 - MARGINS_MM[0] - MARGINS_MM[1]) * 72 / 25.4  # the 版心's height, A4 landscape
SLACK_PT = 0.5  # below a page's room: LibreOffice and Excel round row heights
MAX_SUM_ARGS = 255  # Excel's limit on a function's arguments
FIRST_ROW = 3  # after the title and the header
AMOUNT_COLUMN = "C"

_SIDE = Side(style="thin", color="000000")
BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
FONTS = {
    "font": Font(name=FANGSONG, size=FONT_PT),
    "bold": Font(name=FANGSONG, size=FONT_PT, bold=True),
    "head": Font(name=HEITI, size=FONT_PT),
    "title": Font(name=XBS, size=TITLE_PT),
}
ALIGN = {
    f"{vertical}{horizontal}": Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
    for vertical in ("center", "top")
    for horizontal in ("left", "center", "right")
}
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEET_XML = "xl/worksheets/sheet1.xml"


def render_xlsx(context: GongkaiContext, timestamp: datetime.datetime) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公开表"
    _title_and_header(sheet, context)
    pages = _Pages(sheet.row_dimensions[1].height, sheet.row_dimensions[2].height)
    placed = []
    at = FIRST_ROW
    for row in context.rows:
        placed.append((row, at))
        at += _write_row(sheet, at, row, pages)
    _subtotal_formulas(sheet, placed, last=at - 1)
    _print_setup(sheet, pages.breaks)

    if timestamp.tzinfo is not None:  # openpyxl writes naive datetimes as UTC
        timestamp = timestamp.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties = DocumentProperties(
        creator="pbgen", title=printable(context.title), created=timestamp, modified=timestamp
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not workbook.save(): it stamps the clock time
    amounts = {f"{AMOUNT_COLUMN}{at}": row.amount for row, at in placed}
    package = _fonts_in_schema_order(_exact_amounts(buffer.getvalue(), amounts))
    return normalized_zip(package, timestamp)


def _set(cell, value) -> None:
    """Text is always a string cell. openpyxl makes any text starting with ``=`` a formula (a
    DDE call, a hyperlink, Err:509 in place of a goal); a string cell with the quote prefix is
    shown, printed and, when edited, kept as typed."""
    if isinstance(value, str):
        cell.value = printable(value)  # openpyxl refuses the control characters XML forbids
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value


def _cell(sheet, row: int, column: int, value, align: str, font: str = "font"):
    """``align`` is vertical then horizontal: "centerleft", "topright"."""
    cell = sheet.cell(row=row, column=column)
    _set(cell, value)
    cell.font, cell.alignment, cell.border = FONTS[font], ALIGN[align], BORDER
    return cell


def _title_and_header(sheet, context: GongkaiContext) -> None:
    title = sheet.cell(row=1, column=1)
    _set(title, context.title)
    title.font, title.alignment = FONTS["title"], ALIGN["centercenter"]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(context.columns))
    width_pt = sum(7 * width + 5 for width in COLUMN_WIDTHS) * 0.75
    lines = wrapped_lines(context.title, width_pt / TITLE_PT - 1)
    sheet.row_dimensions[1].height = lines * TITLE_PT * 1.3 + 10
    for column, name in enumerate(context.columns, 1):
        _cell(sheet, 2, column, name, "centercenter", "head")
    sheet.row_dimensions[2].height = LINE_PT + PADDING_PT * 2
    for column, width in enumerate(COLUMN_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)


def _amount(sheet, row: int, value: str, align: str, font: str) -> None:
    cell = _cell(sheet, row, 3, Decimal(value), align, font)
    places = decimals(value)
    cell.number_format = "0." + "0" * places if places else "0"


def _write_row(sheet, at: int, row: TableRow, pages: _Pages) -> int:
    """Write one table row from sheet row ``at``; return how many sheet rows it took."""
    if row.kind != "project":
        height = _height([row.name], 2)
        pages.place(at, height)
        if row.kind == "total":
            _cell(sheet, at, 1, row.name, "centercenter", "bold")
            sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=2)
        else:
            _cell(sheet, at, 1, row.code, "centercenter", "bold")
            _cell(sheet, at, 2, row.name, "centerleft", "bold")
        _amount(sheet, at, row.amount, "centerright", "bold")
        for column in (4, 5):
            _cell(sheet, at, column, None, "centerleft")
        sheet.row_dimensions[at].height = height
        return 1

    start = at
    for part in _parts(row, at, pages):
        last = at + len(part.groups) - 1
        _cell(sheet, at, 1, row.code or None, "topcenter")
        _cell(sheet, at, 2, row.name + CONTINUED if part.continued else row.name, "topleft")
        if part.continued:  # the amount once: the subtotals add the column up
            _cell(sheet, at, 3, None, "topright")
        else:
            _amount(sheet, at, row.amount, "topright", "font")
        _cell(sheet, at, 4, "\n".join(part.goals) or None, "topleft")
        for offset, (group, height) in enumerate(zip(part.groups, part.heights, strict=True)):
            text = "\n".join(line.text for line in group)
            _cell(sheet, at + offset, 5, text or None, "topleft")
            sheet.row_dimensions[at + offset].height = height
        if last > at:  # merging gives the covered cells the borders of the first
            for column in range(1, 5):
                sheet.merge_cells(
                    start_row=at, start_column=column, end_row=last, end_column=column
                )
        at = last + 1
    return at - start


@dataclass
class _Part:
    """A project's rows on one page: code, name, amount and goals are merged down them."""

    groups: list[list[Line]]  # one sheet row per 一级指标
    heights: list[float]
    goals: list[str]  # the goals printed in this part
    continued: bool


class _Pages:
    """Where LibreOffice and Excel break the printed pages: after the last row that fits under
    the 版心's height (rows never split). pbgen breaks there itself (manual breaks, kept under
    fit-to-width when the height is left open), so it knows each page foot and can close a
    project's merged cells there."""

    def __init__(self, title_pt: float, header_pt: float):
        self.header_pt = header_pt
        self.room = BODY_PT - title_pt - header_pt
        self.empty = True  # no table row on the page yet
        self.breaks: list[int] = []  # the sheet rows that start a page

    def fits(self, height: float) -> bool:
        """Whether rows this tall fit under those on the page; a row taller than a page
        prints on its own page (cut by the printer, as without pbgen)."""
        return self.empty or height <= self.room - SLACK_PT

    def place(self, at: int, height: float) -> None:
        if not self.fits(height):
            self.new_page(at)
        self.room -= height
        self.empty = False

    def new_page(self, at: int) -> None:
        self.breaks.append(at)
        self.room = BODY_PT - self.header_pt
        self.empty = True


def _parts(row: TableRow, at: int, pages: _Pages) -> list[_Part]:
    """The project cut where pages break: each part's goals are the ones that fit beside its
    rows, the last row grows for what remains. A project starts on a new page rather than
    leaving its name or its first goal cut at the foot of a page."""
    groups = _groups(row.indicators)
    heights = [min(MAX_ROW_PT, _height([line.text for line in group], 5)) for group in groups]
    name_pt = _height([row.name], 2)
    parts: list[_Part] = []
    goals = list(row.goals)
    index, page_at_start = 0, pages.empty
    while index < len(groups):
        placed, used = [], 0.0
        while index + len(placed) < len(groups):
            height = heights[index + len(placed)]
            if index + len(placed) == len(groups) - 1:  # the last row holds what remains
                label = _height([row.name + CONTINUED], 2) if parts else name_pt
                need = max(label, _height(goals, 4))
                height = min(MAX_ROW_PT, max(height, round(need - used, 2)))
            if placed and used + height > pages.room - SLACK_PT:
                break
            if not placed and not pages.fits(height):
                pages.new_page(at)
                page_at_start = not parts
                continue
            placed.append(height)
            used += height
        done = index + len(placed) == len(groups)
        shown, rest = (goals, []) if done else _fitting(goals, used)
        if (
            not parts
            and not done
            and not page_at_start
            and (name_pt > used or (goals and not shown))
        ):
            pages.new_page(at)  # keep the name and a first goal on the page
            page_at_start = True
            continue
        parts.append(_Part(groups[index : index + len(placed)], placed, shown, bool(parts)))
        for height in placed:
            pages.room -= height
        pages.empty = False
        at += len(placed)
        index += len(placed)
        goals = rest
        if not done:
            pages.new_page(at)
    return parts


def _fitting(paragraphs: list[str], height: float) -> tuple[list[str], list[str]]:
    """The leading paragraphs that fit in ``height``, and the rest."""
    count = 0
    while count < len(paragraphs) and _height(paragraphs[: count + 1], 4) <= height:
        count += 1
    return paragraphs[:count], paragraphs[count:]


def _subtotal_formulas(sheet, placed: list[tuple[TableRow, int]], last: int) -> None:
    """A unit's amount is the SUM of its projects' amounts (the cells below it, down to the next
    unit); the department's and 合计 are the SUM of the units'. A clerk who corrects a project's
    amount in the sheet sees the totals follow."""
    column = AMOUNT_COLUMN
    units = [at for row, at in placed if row.kind == "unit"]
    for unit, end in zip(units, [*units[1:], last + 1], strict=True):  # rows of its projects
        if end - 1 > unit:
            sheet[f"{column}{unit}"].value = f"=SUM({column}{unit + 1}:{column}{end - 1})"
    if not units:
        return
    for row, at in placed:
        if row.kind in ("total", "department"):
            sheet[f"{column}{at}"].value = "=" + _sum_of_units(units, last)


def _sum_of_units(units: list[int], last: int) -> str:
    """SUM(C5,C20,…) while Excel takes that many arguments; beyond, the amounts of the rows
    with a 单位编码 (unit rows have one, project rows none)."""
    if len(units) <= MAX_SUM_ARGS:
        return "SUM(" + ",".join(f"{AMOUNT_COLUMN}{at}" for at in units) + ")"
    first = units[0]
    return f'SUMIF(A{first}:A{last},"<>",{AMOUNT_COLUMN}{first}:{AMOUNT_COLUMN}{last})'


def _exact_amounts(package: bytes, amounts: dict[str, str]) -> bytes:
    """Each amount cell's stored value set to the filing's decimal. openpyxl stores a formula
    without its result and a Decimal through a float ("92.79000000000001"); with the exact
    figure, a viewer that does not recalculate shows the right 合计 and sums stay exact."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(package)).read(SHEET_XML))
    for cell in root.iter(f"{_MAIN}c"):
        value = amounts.get(cell.get("r"))
        if value is not None:
            stored = cell.find(f"{_MAIN}v")
            if stored is None:
                stored = etree.SubElement(cell, f"{_MAIN}v")
            stored.text = value
    return _with_part(package, SHEET_XML, root)


def _with_part(package: bytes, part: str, root) -> bytes:
    """The package with ``part`` replaced by the XML ``root``."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == part:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(name, data)
    return output.getvalue()


STYLES_XML = "xl/styles.xml"
# CT_Font's children in the order of the schema Excel validates with (and writes itself).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color", "name", "family", "charset", "scheme")  # fmt: skip


def _fonts_in_schema_order(package: bytes) -> bytes:
    """openpyxl writes a font's children in an order of its own (name before sz, b after
    family): Excel repairs such a file, openxml-audit finds an error in each font. Put in the
    schema's order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(package)).read(STYLES_XML))
    rank = {f"{_MAIN}{name}": index for index, name in enumerate(FONT_ORDER)}
    for font in root.iter(f"{_MAIN}font"):
        font[:] = sorted(font, key=lambda child: rank.get(child.tag, len(rank)))
    return _with_part(package, STYLES_XML, root)


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


def _print_setup(sheet, breaks: list[int]) -> None:
    """A4 landscape at the PDF's margins (openpyxl takes inches), the
    columns one page wide at 100%, centred; the header row on every page; pages broken before
    the rows in ``breaks``; — N — at the foot, 4号宋体 as in the PDF."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    # One page wide: it only shrinks if a user widens a column. Pages tall left open (0), so
    # LibreOffice and Excel keep the manual page breaks (a number of pages would drop them).
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for at in breaks:
        sheet.row_breaks.append(Break(id=at - 1))  # a break after the row above
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
