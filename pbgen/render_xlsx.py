"""XLSX from the layout's own Excel template (``template.xlsx``): openpyxl, with Jinja in cells.

A bureau draws its sheet in Excel — title, header, column widths, fonts, borders, A4 and its
margins, the header row repeated in print, the footer — and writes the context's variables in
the cells (``{{ title }}``, ``金额（{{ money_unit }}）``). Rows are repeated as in a Word
template (docxtpl's ``{%tr %}``): a row holding only ``{%tr for row in rows %}``, ``{%tr if … %}``,
``{%tr endfor %}`` … is a statement, the rows between are printed for each item. What Excel
cannot express and a form needs is declared in the template cell, as a Jinja comment:

- ``{# 合并 #}``: the cell merges with the one above it when both come from this template cell
  for the same item (a row of the outermost ``{%tr for %}``) — a project's name beside its
  rows, one per 一级指标;
- ``{# 续 #}``: on a page the item goes on to, the cell reads 「…（续）」;
- ``{# 仅首页 #}``: printed on the item's first page only (an amount, counted once);
- ``{# 分页续排 #}``: its paragraphs (lines) are shared out between the pages the item covers.

Values: a cell that is one ``{{ … }}`` gets the value itself; ``| number`` makes an amount a
number, shown with the decimals written (5.00 stays 5.00) and stored exactly; ``| sum_of("project")``
makes it the SUM of the same column over the items of kind ``project`` that follow, up to the
next item of its own kind, its result stored too (a reader that never recalculates shows it).
Every text is a string cell, never a formula: a goal starting with ``=`` prints as typed.

Excel does not grow a row to fit wrapped text when it opens a file, nor split one over a page:
pbgen estimates each row's height from the cells' text, widths and fonts, breaks the pages
itself (manual breaks, under the page height the template's paper and margins leave, less the
rows it repeats as print titles), and cuts an item that goes on over a page into a part per
page (``{# 续 #}`` and the others). The bytes are the same for the same input.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree
from openpyxl import load_workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.writer.excel import ExcelWriter

from pbgen.context.text import printable
from pbgen.errors import PbgenError
from pbgen.output import Output
from pbgen.paging import CONTINUED
from pbgen.render_docx import normalized_zip, wrapped_lines
from pbgen.templating import explained, sandboxed

TEMPLATE = "template.xlsx"
MERGE, GOES_ON, FIRST_ONLY, SHARED_OUT = "合并", "续", "仅首页", "分页续排"
MARKS = (MERGE, GOES_ON, FIRST_ONLY, SHARED_OUT)
MARK = re.compile(r"\{#\s*(\S+?)\s*#\}")
STATEMENT = re.compile(r"^\s*\{%-?\s*tr\s+(.*?)\s*-?%\}\s*$", re.DOTALL)
EXPRESSION = re.compile(r"^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$", re.DOTALL)
OUTER_FOR = re.compile(r"^for\s+(\w+)\s+in\s")

LINE_FACTOR = 15.5 / 10.5  # a line of CJK text in a cell, per point of font (LibreOffice: 15.2)
PADDING_PT = 4.0
MAX_ROW_PT = 409  # Excel's limit
SLACK_PT = 0.5  # below a page's room: LibreOffice and Excel round row heights
MAX_SUM_ARGS = 255  # Excel's limit on a function's arguments
PAPER_MM = {9: (210, 297), 8: (297, 420), 11: (148, 210)}  # A4, A3, A5: portrait width, height
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def render(context: dict, layout, timestamp: datetime.datetime) -> Output:
    """The layout's XLSX (the ``xlsx`` format): each sheet of its ``template.xlsx`` filled."""
    template = Path(layout.folder) / TEMPLATE
    return Output(render_xlsx(context, template, timestamp))


def render_xlsx(context: dict, template: Path, timestamp: datetime.datetime) -> bytes:
    if not template.is_file():
        raise PbgenError(
            f"找不到 XLSX 模板 {template}：在版式文件夹里放一个 {TEMPLATE}"
            "（用 Excel 画好表，单元格里写 {{ 变量 }}），或从 manifest.yaml 的 formats 中去掉 xlsx。"
        )
    try:
        workbook = load_workbook(template)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise PbgenError(
            f"XLSX 模板 {template} 无法打开（{error}）：请用 Excel 另存为 .xlsx。"
        ) from None
    exact = {}
    for index, sheet in enumerate(workbook.worksheets, 1):
        exact[f"xl/worksheets/sheet{index}.xml"] = SheetTemplate(sheet, template).fill(context)
    return workbook_bytes(workbook, context.get("title", ""), timestamp, exact)


def workbook_bytes(
    workbook,
    title: str,
    timestamp: datetime.datetime,
    exact: dict[str, dict[str, str]] | None = None,
) -> bytes:
    """The workbook's bytes, the same for the same input: only creator, title and dates as
    document properties, every zip entry dated ``timestamp``; each cell of ``exact`` (sheet
    file → cell → value) storing that exact decimal, not openpyxl's float."""
    if timestamp.tzinfo is not None:  # openpyxl writes naive datetimes as UTC
        timestamp = timestamp.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties = DocumentProperties(
        creator="pbgen", title=printable(title), created=timestamp, modified=timestamp
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not workbook.save(): it stamps the clock time
    return normalized_zip(_rewritten(buffer.getvalue(), exact or {}), timestamp)


# -- the template ------------------------------------------------------------------------------


@dataclass
class TemplateCell:
    column: int
    value: object  # as the template has it: text (with its Jinja), a number, None
    style: object  # openpyxl's StyleArray
    marks: frozenset[str] = frozenset()
    font_pt: float = 11.0
    width_units: float = 8.43  # of the cell, merged columns added


@dataclass
class TemplateRow:
    number: int
    cells: dict[int, TemplateCell]
    height: float | None
    merges: list[tuple[int, int]]  # (first, last) column merged across, in this row
    statement: str | None = None  # {%tr … %}


@dataclass
class Emitted:
    """A row printed from a template row, for one item."""

    template: TemplateRow
    values: dict[int, object]
    item: int  # which item (a row of the outermost {%tr for %}, or a row outside any) it is of
    kind: object = None  # the item's ``kind``, for sum_of
    looped: bool = False  # printed by a {%tr for %}: a row of the table, not of its frame


@dataclass(frozen=True)
class Sum:
    """``| sum_of(kind)``: the SUM over the items of ``kind`` that follow, with its result."""

    value: Decimal | None
    over: str


@dataclass
class Placed:
    """A row as written: its values, height, the merges it starts (column → rows)."""

    emitted: Emitted
    values: dict[int, object]
    height: float
    merged_down: dict[int, int] = field(default_factory=dict)


class SheetTemplate:
    """One sheet of ``template.xlsx``: its rows read, Jinja compiled, filled into the sheet."""

    def __init__(self, sheet, file: Path):
        self.sheet, self.file = sheet, file
        self.rows = self._read()
        self.environment = sandboxed(autoescape=False, finalize=_printable)
        self.environment.filters.update(number=number, sum_of=sum_of, cut_before=cut_before)

    def _read(self) -> list[TemplateRow]:
        sheet = self.sheet
        widths = {
            column: sheet.column_dimensions[get_column_letter(column)].width or 8.43
            for column in range(1, sheet.max_column + 1)
        }
        across = {}
        for merged in sheet.merged_cells.ranges:
            if merged.min_row == merged.max_row:
                across.setdefault(merged.min_row, []).append((merged.min_col, merged.max_col))
        rows = []
        for number in range(1, sheet.max_row + 1):
            merges = sorted(across.get(number, []))
            spans = {first: last for first, last in merges}
            cells = {}
            for column in range(1, sheet.max_column + 1):
                cell = sheet.cell(row=number, column=column)
                text = cell.value
                marks = frozenset(MARK.findall(text)) & set(MARKS) if isinstance(text, str) else ()
                if isinstance(text, str):
                    text = MARK.sub(lambda m: "" if m[1] in MARKS else m[0], text)
                last = spans.get(column, column)
                cells[column] = TemplateCell(
                    column,
                    text,
                    copy.copy(cell._style),
                    frozenset(marks),
                    float(cell.font.sz or 11) if cell.font else 11.0,
                    sum(widths[c] for c in range(column, last + 1)),
                )
            height = sheet.row_dimensions[number].height
            row = TemplateRow(number, cells, height, merges)
            texts = [c.value for c in cells.values() if c.value not in (None, "")]
            if len(texts) == 1 and isinstance(texts[0], str):
                found = STATEMENT.match(texts[0])
                if found:
                    row.statement = found[1]
            rows.append(row)
        return rows

    # -- filling -------------------------------------------------------------------------------

    def fill(self, context: dict) -> dict[str, str]:
        """Fill the sheet; return each cell whose stored value must be an exact decimal."""
        emitted = self._emit(context)
        placed, breaks = _Pages(self.sheet, self.rows).place(_items(emitted))
        exact = self._write(placed, breaks)
        return exact

    def _emit(self, context: dict) -> list[Emitted]:
        """The rows the template prints, in order: its Jinja run once over the sheet, each
        content row a call that records its cells' values."""
        depths = self._depths()
        source = []
        for index, row in enumerate(self.rows):
            if row.statement is not None:
                found = OUTER_FOR.match(row.statement) if depths[index] == 0 else None
                mark = f"{{{{ _xl_item({found[1]}) }}}}" if found else ""
                source.append(f"{{% {row.statement} %}}{mark}")
                continue
            cells = []
            for column, cell in row.cells.items():
                if not isinstance(cell.value, str) or "{" not in cell.value:
                    continue
                self._check_cell(row, cell)
                expression = EXPRESSION.match(cell.value)
                if expression and "{{" not in expression[1] and "{%" not in cell.value:
                    cells.append(f"{column}: ({expression[1]})")
                else:
                    source.append(f"{{% set _xl_{column} %}}{cell.value}{{% endset %}}")
                    cells.append(f"{column}: _xl_{column}")
            source.append(f"{{{{ _xl_emit({index}, {{{', '.join(cells)}}}) }}}}")
        emitted: list[Emitted] = []
        current = {"item": 0, "kind": None}

        def item(value) -> str:
            current["item"] += 1
            current["kind"] = value.get("kind") if isinstance(value, dict) else None
            return ""

        def emit(index: int, values: dict) -> str:
            row = self.rows[index]
            if depths[index] == 0:
                current["item"] += 1  # a row outside every loop is an item of its own
                current["kind"] = None
            own = {column: cell.value for column, cell in row.cells.items()}
            emitted.append(
                Emitted(row, {**own, **values}, current["item"], current["kind"], depths[index] > 0)
            )
            return ""

        with explained(f"{self.file}（工作表「{self.sheet.title}」）"):
            template = self.environment.from_string("".join(source))
            template.render({**context, "_xl_emit": emit, "_xl_item": item})
        return emitted

    def _depths(self) -> list[int]:
        """How many {%tr for %} loops each row is inside (a loop's own rows: the outer's)."""
        depths, depth = [], 0
        for row in self.rows:
            keyword = row.statement.split(None, 1)[0] if row.statement else ""
            if keyword == "endfor":
                depth -= 1
            depths.append(depth)
            if keyword == "for":
                depth += 1
        return depths

    def _check_cell(self, row: TemplateRow, cell: TemplateCell) -> None:
        """A cell's Jinja on its own, so that a mistake is named by its cell (C5)."""
        import jinja2

        try:
            self.environment.parse(cell.value)
        except jinja2.TemplateSyntaxError as error:
            where = f"{get_column_letter(cell.column)}{row.number}"
            raise PbgenError(
                f"XLSX 模板 {self.file} 工作表「{self.sheet.title}」的 {where} 单元格有语法错误："
                f"{error.message}。请对照原模板改正这个单元格。"
            ) from None

    def _write(self, placed: list[Placed], breaks: list[int]) -> dict[str, str]:
        sheet = self.sheet
        for merged in list(sheet.merged_cells.ranges):
            sheet.merged_cells.remove(merged)
        sheet._cells.clear()
        sheet.row_dimensions.clear()
        sheet.row_breaks = RowBreak()
        exact: dict[str, str] = {}
        sums = _sums(placed)
        for number, row in enumerate(placed, 1):
            template = row.emitted.template
            for column, cell in template.cells.items():
                target = sheet.cell(row=number, column=column)
                target._style = copy.copy(cell.style)
                value = row.values.get(column)
                if isinstance(value, Sum):
                    formula = sums.get((number, column))
                    value = value.value
                    if formula is not None:
                        target.value = formula
                        exact[target.coordinate] = "" if value is None else f"{value:f}"
                        _number_format(target, value)
                        continue
                _set(target, value)
                if isinstance(value, Decimal):
                    exact[target.coordinate] = f"{value:f}"
                    _number_format(target, value)
            sheet.row_dimensions[number].height = row.height
        for number, row in enumerate(placed, 1):  # merging gives covered cells the first's borders
            for first, last in row.emitted.template.merges:
                _merge(sheet, number, first, number, last)
            for column, rows in row.merged_down.items():
                if rows > 1:
                    _merge(sheet, number, column, number + rows - 1, column)
        for at in breaks:
            sheet.row_breaks.append(Break(id=at - 1))  # a break after the row above
        return exact


def _merge(sheet, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
    """``sheet.merge_cells``, without its search of every merge made so far for an overlap
    (quadratic: 5000 projects took minutes): the merges pbgen makes never overlap."""
    merged = MergedCellRange(
        sheet,
        CellRange(
            min_col=first_column, min_row=first_row, max_col=last_column, max_row=last_row
        ).coord,
    )
    sheet.merged_cells.ranges.add(merged)
    sheet._clean_merge_range(merged)  # openpyxl's own: covered cells, their borders


def _printable(value):
    return printable(value) if isinstance(value, str) else value


# -- filters ------------------------------------------------------------------------------------


def number(value):
    """An amount as written ("92.79") as a number; blank stays blank."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal | int) else Decimal(str(value))


def sum_of(value, kind: str) -> Sum:
    return Sum(number(value), str(kind))


def cut_before(items: list, key: str, value) -> list[list]:
    """The list cut before each item whose ``key`` is ``value`` (an outline before each 一级
    line); one empty piece when the list is empty."""
    pieces: list[list] = []
    for item in items:
        if not pieces or (isinstance(item, dict) and item.get(key) == value):
            pieces.append([])
        pieces[-1].append(item)
    return pieces or [[]]


# -- cells ---------------------------------------------------------------------------------------


def _set(cell, value) -> None:
    """Text is always a string cell. openpyxl makes any text starting with ``=`` a formula (a
    DDE call, a hyperlink, Err:509 in place of a goal); a string cell with the quote prefix is
    shown, printed and, when edited, kept as typed."""
    if isinstance(value, str):
        if value == "":
            cell.value = None
            return
        cell.value = printable(value)  # openpyxl refuses the control characters XML forbids
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, bool) or value is None:
        cell.value = None if value is None else str(value)
    elif isinstance(value, Decimal | int | float):
        cell.value = value
    else:
        _set(cell, str(value))


def _number_format(cell, value: Decimal | None) -> None:
    """The decimals as written, unless the template gives the cell a format of its own."""
    if value is None or cell.number_format not in ("General", "@"):
        return
    places = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else 0
    cell.number_format = "0." + "0" * places if places else "0"


def _text_of(value) -> str:
    if isinstance(value, Sum):
        value = value.value
    if value is None:
        return ""
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _height(cell: TemplateCell, text: str) -> float:
    """The height ``text`` takes in the template cell: its lines at its font, wrapped where the
    cell's width ends (CJK: one character per two width units at 5号)."""
    per_line = max((cell.width_units - 1) / 2 * 10.5 / cell.font_pt, 1)
    paragraphs = text.split("\n") if text else [""]
    lines = sum(wrapped_lines(paragraph, per_line) for paragraph in paragraphs)
    return round(lines * cell.font_pt * LINE_FACTOR + PADDING_PT, 2)


# -- items and pages ----------------------------------------------------------------------------


@dataclass
class _Item:
    rows: list[Emitted]


def _items(emitted: list[Emitted]) -> list[_Item]:
    items: list[_Item] = []
    for row in emitted:
        if not items or items[-1].rows[0].item != row.item:
            items.append(_Item([]))
        items[-1].rows.append(row)
    return items


class _Pages:
    """Where LibreOffice and Excel break the printed pages: after the last row that fits under
    the page's printable height (rows never split). pbgen breaks there itself (manual breaks,
    kept under fit-to-width when the height is left open), so it knows each page foot and can
    close an item's merged cells there."""

    def __init__(self, sheet, rows: list[TemplateRow]):
        setup, margins = sheet.page_setup, sheet.page_margins
        width, height = PAPER_MM.get(int(setup.paperSize or 9), PAPER_MM[9])
        if setup.orientation == "landscape":
            width, height = height, width
        self.body = height * 72 / 25.4 - (margins.top + margins.bottom) * 72
        titles = _title_rows(sheet.print_title_rows)
        self.titles = titles
        self.repeated = 0.0  # the height of the print-title rows, once written
        self.room = self.body
        self.empty = True  # no row on the page but print titles
        self.breaks: list[int] = []  # the sheet rows that start a page
        self.at = 1  # the next sheet row

    def fits(self, height: float) -> bool:
        return self.empty or height <= self.room - SLACK_PT

    def new_page(self) -> None:
        self.breaks.append(self.at)
        self.room = self.body - self.repeated
        self.empty = True

    def put(self, row: Emitted, height: float) -> None:
        """Write a row of ``height`` at the foot of the page: the title rows (``print_title_rows``)
        print on every page; a page holds a row of the table once a looped row is on it."""
        if self.at in self.titles:
            self.repeated += height
        self.empty = self.empty and not row.looped
        self.room -= height
        self.at += 1

    def place(self, items: list[_Item]) -> tuple[list[Placed], list[int]]:
        placed: list[Placed] = []
        for item in items:
            placed += self._place(item)
        return placed, self.breaks

    def _place(self, item: _Item) -> list[Placed]:
        """The item's rows on the pages, cut into a part per page where it goes on over one: a
        part's merged cells close at the page foot, its shared-out paragraphs are the ones that
        fit beside its rows, the last row of a part grows for what its merged cells hold. An
        item starts on a new page rather than leaving a merged cell's first paragraph cut."""
        rows = item.rows
        merged = _merged_columns(rows)
        heights = [_own_height(row, merged) for row in rows]
        if not merged:  # rows on their own: each goes where it fits
            out = []
            for row, height in zip(rows, heights, strict=True):
                height = min(MAX_ROW_PT, height)
                if not self.fits(height):
                    self.new_page()
                out.append(Placed(row, dict(row.values), height))
                self.put(row, height)
            return out
        first = rows[0]
        texts = {column: _text_of(first.values.get(column)) for column in merged}
        shared = {
            column: texts[column].split("\n") if texts[column] else []
            for column in merged
            if SHARED_OUT in first.template.cells[column].marks
        }
        out: list[Placed] = []
        index, parts, page_at_start = 0, 0, self.empty
        while index < len(rows):
            taken, used = [], 0.0
            while index + len(taken) < len(rows):
                height = min(MAX_ROW_PT, heights[index + len(taken)])
                if index + len(taken) == len(rows) - 1:  # the last row holds what remains
                    need = self._need(first, merged, texts, shared, parts)
                    height = min(MAX_ROW_PT, max(height, round(need - used, 2)))
                if taken and used + height > self.room - SLACK_PT:
                    break
                if not taken and not self.fits(height):
                    self.new_page()
                    page_at_start = not parts
                    continue
                taken.append(height)
                used += height
            done = index + len(taken) == len(rows)
            shown = {
                column: (lines, []) if done else _fitting(first, column, lines, used)
                for column, lines in shared.items()
            }
            if (
                not parts
                and not done
                and not page_at_start
                and not self._first_fits(first, merged, texts, shown, used)
            ):
                self.new_page()  # keep each merged cell's first paragraph on the page
                page_at_start = True
                continue
            part = rows[index : index + len(taken)]
            for offset, (row, height) in enumerate(zip(part, taken, strict=True)):
                values = dict(row.values)
                for column in merged:
                    if offset:
                        values[column] = None  # covered by the merge
                        continue
                    values[column] = self._part_value(first, column, shown, parts)
                placed = Placed(row, values, height)
                if offset == 0:
                    placed.merged_down = {column: len(part) for column in merged}
                out.append(placed)
                self.put(row, height)
            index += len(taken)
            shared = {column: rest for column, (_, rest) in shown.items()}
            parts += 1
            if not done:
                self.new_page()
        return out

    def _need(self, first: Emitted, merged, texts, shared, parts: int) -> float:
        """The height the item's merged cells need in the part that ends it."""
        need = 0.0
        for column in merged:
            cell = first.template.cells[column]
            if column in shared:
                text = "\n".join(shared[column])
            elif parts and FIRST_ONLY in cell.marks:
                text = ""
            elif parts and GOES_ON in cell.marks:
                text = texts[column] + CONTINUED
            else:
                text = texts[column]
            need = max(need, _height(cell, text) if text else 0)
        return need

    def _first_fits(self, first: Emitted, merged, texts, shown, used: float) -> bool:
        for column in merged:
            cell = first.template.cells[column]
            if column in shown:
                lines, rest = shown[column]
                if rest and not lines:
                    return False
            elif texts[column] and _height(cell, texts[column].split("\n")[0]) > used:
                return False
        return True

    def _part_value(self, first: Emitted, column: int, shown, parts: int):
        cell = first.template.cells[column]
        value = first.values.get(column)
        if column in shown:
            return "\n".join(shown[column][0]) or None
        if parts and FIRST_ONLY in cell.marks:
            return None
        if parts and GOES_ON in cell.marks:
            return _text_of(value) + CONTINUED
        return value


def _merged_columns(rows: list[Emitted]) -> list[int]:
    """The columns whose ``{# 合并 #}`` cells merge down the item's rows: those of a template
    row printed more than once for the item, reading the same in each."""
    if len(rows) < 2:
        return []
    template = rows[0].template
    if any(row.template is not template for row in rows):
        return []
    return [
        column
        for column, cell in template.cells.items()
        if MERGE in cell.marks
        and all(_text_of(row.values.get(column)) == _text_of(rows[0].values.get(column))
                for row in rows)
    ]  # fmt: skip


def _own_height(row: Emitted, merged: list[int]) -> float:
    """A row's height from its own cells (merged ones are counted for the whole item), at
    least the template row's."""
    heights = [
        _height(cell, _text_of(row.values.get(column, cell.value)))
        for column, cell in row.template.cells.items()
        if column not in merged and not _covered(row.template, column)
    ]
    return max([*heights, row.template.height or 0.0, PADDING_PT])


def _covered(row: TemplateRow, column: int) -> bool:
    """Whether the column is inside a merge across the row, not its first cell."""
    return any(first < column <= last for first, last in row.merges)


def _fitting(first: Emitted, column: int, lines: list[str], height: float):
    """The leading paragraphs of a shared-out cell that fit in ``height``, and the rest."""
    cell = first.template.cells[column]
    count = 0
    while count < len(lines) and _height(cell, "\n".join(lines[: count + 1])) <= height:
        count += 1
    return lines[:count], lines[count:]


def _title_rows(spec: str | None) -> set[int]:
    """The sheet rows printed at the top of every page (``print_title_rows``: "2:2")."""
    found = re.fullmatch(r"\$?(\d+):\$?(\d+)", spec or "")
    return set(range(int(found[1]), int(found[2]) + 1)) if found else set()


# -- sums ----------------------------------------------------------------------------------------


def _sums(placed: list[Placed]) -> dict[tuple[int, int], str]:
    """(row, column) → the SUM formula of each ``sum_of`` cell: over the first rows of the
    items of its kind that follow, up to the next item of its own kind — one range when those
    are all the rows between, else the cells one by one (in groups of 255, Excel's limit)."""
    formulas = {}
    starts = []  # (sheet row, item number, kind) of each item's first row
    for number, row in enumerate(placed, 1):
        if not starts or starts[-1][1] != row.emitted.item:
            starts.append((number, row.emitted.item, row.emitted.kind))
    for number, row in enumerate(placed, 1):
        for column, value in row.values.items():
            if not isinstance(value, Sum):
                continue
            own = row.emitted.kind
            after = [start for start in starts if start[0] > number]
            stop = next((s[0] for s in after if s[2] == own), len(placed) + 1)
            counted = [s[0] for s in after if s[0] < stop and s[2] == value.over]
            if not counted:
                continue
            letter = get_column_letter(column)
            between = [s for s in after if s[0] < stop]
            if all(s[2] == value.over for s in between):
                last = stop - 1
                formulas[number, column] = f"=SUM({letter}{counted[0]}:{letter}{last})"
            else:
                formulas[number, column] = "=" + _sum_of_cells([f"{letter}{n}" for n in counted])
    return formulas


def _sum_of_cells(cells: list[str]) -> str:
    if len(cells) <= MAX_SUM_ARGS:
        return f"SUM({','.join(cells)})"
    groups = [cells[i : i + MAX_SUM_ARGS] for i in range(0, len(cells), MAX_SUM_ARGS)]
    return _sum_of_cells([_sum_of_cells(group) for group in groups])


def _rewritten(package: bytes, exact: dict[str, dict[str, str]]) -> bytes:
    """The package as openpyxl wrote it, set right in two ways. Each listed cell stores the
    exact decimal: openpyxl stores a formula without its result and a Decimal through a float
    ("92.79000000000001"); with the exact figure, a viewer that does not recalculate shows the
    right 合计 and sums stay exact. And each font's children come in the schema's order:
    openpyxl writes name before sz and b after family, which Excel repairs and openxml-audit
    reports."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if exact.get(name) or name == STYLES_XML:
                root = etree.fromstring(data)
                _stored(root, exact.get(name) or {})
                _fonts_in_schema_order(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(name, data)
    return output.getvalue()


def _stored(root, values: dict[str, str]) -> None:
    for cell in root.iter(f"{_MAIN}c"):
        value = values.get(cell.get("r"))
        if value is None or value == "":
            continue
        stored = cell.find(f"{_MAIN}v")
        if stored is None:
            stored = etree.SubElement(cell, f"{_MAIN}v")
        stored.text = value


STYLES_XML = "xl/styles.xml"
# CT_Font's children in the order of the schema Excel validates with (and writes itself).
FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color", "name", "family", "charset", "scheme")  # fmt: skip


def _fonts_in_schema_order(root) -> None:
    rank = {f"{_MAIN}{name}": index for index, name in enumerate(FONT_ORDER)}
    for font in root.iter(f"{_MAIN}font"):
        font[:] = sorted(font, key=lambda child: rank.get(child.tag, len(rank)))
