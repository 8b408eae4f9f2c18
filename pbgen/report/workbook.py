"""The report as workbooks: the bureau's summary (``--format xlsx``), and one 审核意见 sheet per
filing to send back to its department.

XlsxWriter writes them: a formula is stored with its result (openpyxl cannot), so a viewer that
never recalculates still shows each 合计, and the workbook is the same bytes for the same
report. Totals are SUMIF formulas over the amounts, per year; every text is a text cell, never
a formula (a name typed as ``=…`` stays a name, and Excel's quote prefix keeps it one when the
reviewer edits the cell), shown as ``report.text`` shows it (a control or bidi character as
``<U+202E>``, at most ``LIMIT`` characters, the length said: never cut silently at Excel's
32,767).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pbgen.findings import SEVERITY_NAMES
from pbgen.report.build import Report
from pbgen.report.digest import Digest, Item
from pbgen.report.rules import rule_text
from pbgen.report.text import ALSO, shown

FONT = "微软雅黑"
SUMMARY_HEAD = ("部门", "年度", "版式", "状态", "错误", "警告", "项目数", "预算数", "财政资金", "其他资金", "文件自行关闭的规则", "文件")  # fmt: skip
SUMMARY_WIDTHS = (22, 7, 20, 9, 7, 7, 8, 16, 16, 16, 28, 36)
MONEY_COLUMNS = (7, 8, 9)  # 预算数, 财政资金, 其他资金 (0-based)
COUNT_COLUMNS = (4, 5, 6)
FIRST = 4  # the first row of filings (0-based): title, about, blank, header
FINDING_HEAD = ("部门", "年度", "文件", "行", "列", "严重程度", "规则", "规则说明", "栏目", "问题与修改意见", "另见")  # fmt: skip
FINDING_WIDTHS = (20, 7, 30, 6, 5, 9, 20, 30, 30, 70, 30)
SHEET_HEAD = ("序号", "严重程度", "位置（文件:行:列）", "栏目", "问题类别", "审核意见", "部门整改说明")  # fmt: skip
SHEET_WIDTHS = (5, 7, 24, 26, 20, 50, 24)
LINE_PT = 13.5  # a line of 10 pt 微软雅黑 (LibreOffice and Excel do not grow rows on opening)
MAX_ROWS = 1_048_576  # of a sheet, in Excel and XlsxWriter (a row past it is not written)
MAX_HEIGHT = 409  # points: Excel's tallest row
FORMULA_START = ("=", "+", "-", "@")  # what Excel reads as a formula when a cell is edited


def summary_workbook(report: Report) -> bytes:
    """汇总 (one row per filing, totals per year as formulas), 问题 (every finding), 同比."""
    return _workbook(report, lambda book, formats: _summary(book, formats, report))


def feedback_workbook(report: Report, d: Digest) -> bytes:
    """The 审核意见 sent back to one filing's department: each finding with its place, and a
    column for the department's answer."""
    return _workbook(report, lambda book, formats: _feedback(book, formats, report, d))


def _workbook(report: Report, fill: Callable) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    made = datetime(report.made_on.year, report.made_on.month, report.made_on.day)
    book.set_properties({"title": "部门预算绩效文本审核", "author": "pbgen", "created": made})
    formats = _formats(book, _places(report))
    fill(book, formats)
    book.close()
    return buffer.getvalue()


def _places(report: Report) -> int:
    """Decimals that show every amount exactly."""
    return max(
        [2]
        + [
            -report.shown(getattr(d, name)).normalize().as_tuple().exponent
            for d in report.digests
            for name in ("budget", "fiscal", "other")
        ]
    )


def _formats(book, places: int) -> dict:
    """Each cell format by name; ``quoted`` holds each one's twin with Excel's quote prefix."""
    base = {"font_name": FONT, "font_size": 10, "valign": "top", "border": 1}
    money = "#,##0.00" + "#" * (places - 2)
    properties = {
        "title": {"font_name": FONT, "font_size": 16, "bold": True},
        "about": {"font_name": FONT, "font_size": 10, "font_color": "#555555"},
        "head": {
            **base, "bold": True, "bg_color": "#E8EEF4", "text_wrap": True, "valign": "vcenter"
        },
        "text": {**base, "text_wrap": True},
        "count": {**base, "num_format": "0"},
        "money": {**base, "num_format": money},
        "total": {**base, "bold": True, "bg_color": "#F3F6F9", "text_wrap": True},
        "total_count": {**base, "bold": True, "bg_color": "#F3F6F9", "num_format": "0"},
        "total_money": {**base, "bold": True, "bg_color": "#F3F6F9", "num_format": money},
        "error": {**base, "font_color": "#C62828", "bold": True},
        "warning": {**base, "font_color": "#B26A00"},
    }  # fmt: skip
    formats = {name: book.add_format(spec) for name, spec in properties.items()}
    formats["quoted"] = {
        formats[name]: book.add_format({**spec, "quote_prefix": True})
        for name, spec in properties.items()
    }
    return formats


def _about(report: Report) -> str:
    kit = report.kit or "未使用（按各文件自己的检查设置）"
    return (
        f"文件夹：{'、'.join(report.folders)}　生成日期：{report.made_on.isoformat()}　"
        f"pbgen {report.version}　套件：{kit}　金额单位：{report.unit}"
    )


def _head(sheet, row: int, names, widths, formats) -> None:
    for column, (name, width) in enumerate(zip(names, widths, strict=True)):
        sheet.write_string(row, column, name, formats["head"])
        sheet.set_column(column, column, width)


def _summary(book, formats: dict, report: Report) -> None:
    sheet = book.add_worksheet("汇总")
    sheet.write_string(0, 0, "部门预算绩效文本审核汇总", formats["title"])
    _cell(sheet, 1, 0, _about(report), formats["about"], formats)
    head = [
        f"{name}（{report.unit}）" if n in MONEY_COLUMNS else name
        for n, name in enumerate(SUMMARY_HEAD)
    ]
    _head(sheet, FIRST - 1, head, SUMMARY_WIDTHS, formats)
    for offset, d in enumerate(report.digests):
        row = FIRST + offset
        cells = [d.name, d.year, d.layout, d.status, d.errors, d.warnings]
        cells += [len(d.projects)] if d.readable else [None]
        cells += [
            report.shown(getattr(d, name)) if d.readable else None
            for name in ("budget", "fiscal", "other")
        ]
        cells += ["、".join(d.disabled), d.file]
        for column, value in enumerate(cells):
            style = formats["money" if column in MONEY_COLUMNS else "text"]
            _cell(sheet, row, column, value, style, formats)
    last = FIRST + len(report.digests) - 1
    _year_totals(sheet, formats, report, last)
    sheet.freeze_panes(FIRST, 1)
    sheet.autofilter(FIRST - 1, 0, last, len(SUMMARY_HEAD) - 1)
    _findings_sheet(book, formats, report)
    if report.yoy:
        _yoy_sheet(book, formats, report)


def _year_totals(sheet, formats: dict, report: Report, last: int) -> None:
    """Per year: SUMIF of the amounts and counts over the rows of that year, stored with the
    exact result."""
    years = f"$B${FIRST + 1}:$B${last + 1}"
    for offset, year in enumerate(reversed(report.years)):
        row = last + 2 + offset
        sheet.write_string(row, 0, f"{year} 年合计", formats["total"])
        sheet.write_number(row, 1, year, formats["total_count"])
        of_year = [d for d in report.digests if d.year == year]
        counts = {
            4: sum(d.errors for d in of_year),
            5: sum(d.warnings for d in of_year),
            6: sum(len(d.projects) for d in of_year if d.readable),
        }
        totals = report.totals(year)
        for column in (*COUNT_COLUMNS, *MONEY_COLUMNS):
            letter = chr(ord("A") + column)
            formula = f"=SUMIF({years},{year},{letter}${FIRST + 1}:{letter}${last + 1})"
            if column in MONEY_COLUMNS:
                value = totals[("budget", "fiscal", "other")[column - MONEY_COLUMNS[0]]]
                sheet.write_formula(row, column, formula, formats["total_money"], value)
            else:
                sheet.write_formula(row, column, formula, formats["total_count"], counts[column])


def _cell(sheet, row: int, column: int, value, style, formats: dict) -> None:
    """A blank, a number, or a text as the report shows it (``shown``): a text Excel would take
    for a formula once edited (=, +, -, @ first) gets the quote prefix."""
    if value is None:
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, str):
        text = shown(value)
        quoted = formats["quoted"][style] if text.startswith(FORMULA_START) else style
        sheet.write_string(row, column, text, quoted)
    else:
        sheet.write_number(row, column, value, style)


def _findings_sheet(book, formats: dict, report: Report) -> None:
    sheet = book.add_worksheet("问题")
    _head(sheet, 0, FINDING_HEAD, FINDING_WIDTHS, formats)
    row, left = 1, sum(len(d.items) for d in report.digests)
    for d in report.digests:
        for item in d.items:
            if row == MAX_ROWS - 1:
                note = f"另有 {left} 条问题未列出：一张表最多 {MAX_ROWS:,} 行。请分几次生成报告。"
                sheet.write_string(row, 0, note, formats["error"])
                break
            left -= 1
            f = item.finding
            cells = [
                d.name,
                d.year,
                f.file,
                f.line,
                f.column,
                SEVERITY_NAMES[f.severity],
                f.rule,
                rule_text(f.rule),
                f.field,
                f.message,
                _also(item),
            ]
            styles = [formats[f.severity] if n == 5 else formats["text"] for n in range(len(cells))]
            _row(sheet, row, cells, styles, FINDING_WIDTHS, formats)
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row - 1, 1), len(FINDING_HEAD) - 1)


def _yoy_sheet(book, formats: dict, report: Report) -> None:
    sheet = book.add_worksheet("同比")
    head = ("部门", "年度", "上年的文件", f"上年预算（{report.unit}）", f"本年预算（{report.unit}）", "增减", "新增项目", "删去项目", "删去的指标", "调低的指标值")  # fmt: skip
    _head(sheet, 0, head, (20, 7, 34, 16, 16, 16, 30, 30, 40, 40), formats)
    for row, y in enumerate(report.yoy, start=1):
        _cell(sheet, row, 0, y.department, formats["text"], formats)
        sheet.write_number(row, 1, y.year, formats["count"])
        _cell(sheet, row, 2, y.previous, formats["text"], formats)
        before = report.shown(y.before) if y.before is not None else None
        _cell(sheet, row, 3, before, formats["money"], formats)
        sheet.write_number(row, 4, report.shown(y.budget), formats["money"])
        if y.before is not None:
            sheet.write_formula(
                row, 5, f"=E{row + 1}-D{row + 1}", formats["money"], report.shown(y.change)
            )
        lowered = [f"{what}：{was} → {now}" for what, was, now in y.lowered]
        for column, names in enumerate(
            (y.added, y.dropped, y.indicators_dropped, lowered), start=6
        ):
            _cell(sheet, row, column, "\n".join(names), formats["text"], formats)


def _row(sheet, row: int, cells: list, styles: list, widths, formats: dict) -> None:
    """A row of cells, as tall as its longest wrapped text (at most Excel's 409 points)."""
    for column, (value, style) in enumerate(zip(cells, styles, strict=True)):
        _cell(sheet, row, column, value, style, formats)
    lines = max(_lines(value, width) for value, width in zip(cells, widths, strict=True))
    sheet.set_row(row, min(LINE_PT * lines + 3, MAX_HEIGHT))


def _lines(value, width: float) -> int:
    """Lines a cell's text takes in a column ``width`` characters wide (a hanzi takes two)."""
    if not isinstance(value, str):
        return 1
    value = shown(value)
    return sum(
        max(1, math.ceil(sum(2 if ord(ch) > 0x2E80 else 1 for ch in paragraph) / (width - 1)))
        for paragraph in value.split("\n")
    )


def _also(item: Item) -> str:
    """The other places a finding concerns: the first ``ALSO``, and how many in all."""
    listed = "；".join(
        f"{place}" + (f" {place.label}" if place.label else "") for place in item.also[:ALSO]
    )
    return listed + (f"；等共 {len(item.also)} 处" if len(item.also) > ALSO else "")


def _feedback(book, formats: dict, report: Report, d: Digest) -> None:
    sheet = book.add_worksheet("审核意见")
    title = f"{d.name}{f' {d.year} 年' if d.year else ''}部门预算绩效文本审核意见"
    _cell(sheet, 0, 0, title, formats["title"], formats)
    verdict = (
        "无法读取，请按下列意见改正后重新报送" if not d.readable
        else f"有 {d.errors} 个错误，请改正后重新报送" if d.errors
        else "通过" + (f"（有 {d.warnings} 条提醒，请酌情修改）" if d.warnings else "")
    )  # fmt: skip
    about = f"文件：{d.file}　版式：{d.layout}　审核结论：{verdict}　审核日期：{report.made_on.isoformat()}"
    _cell(sheet, 1, 0, about, formats["about"], formats)
    if d.disabled:
        notes = []
        for rule in d.disabled:
            if rule in d.overruled:
                notes.append(f"{rule}（{rule_text(rule)}；财政局锁定，关闭无效）")
            else:
                notes.append(f"{rule}（{rule_text(rule)}；因此未报告 {d.hidden.get(rule, 0)} 条）")
        _cell(sheet, 2, 0, "文件自行关闭的规则：" + "；".join(notes), formats["about"], formats)
    _head(sheet, 4, SHEET_HEAD, SHEET_WIDTHS, formats)
    for number, item in enumerate(d.items, start=1):
        f = item.finding
        where = f"{f.file}:{f.line}:{f.column}" + (f"\n另见 {_also(item)}" if item.also else "")
        category = f"{rule_text(f.rule)}（{f.rule}）"
        cells = [number, SEVERITY_NAMES[f.severity], where, f.field, category, f.message, ""]
        styles = [formats["count"], formats[f.severity], *[formats["text"]] * 5]
        _row(sheet, 4 + number, cells, styles, SHEET_WIDTHS, formats)
    if not d.items:
        sheet.write_string(5, 0, "没有发现问题。", formats["text"])
    sheet.freeze_panes(5, 0)
    sheet.repeat_rows(4)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_footer("&C— &P —")


def feedback_name(d: Digest, names: dict[Path, Path]) -> Path:
    """Where a filing's 审核意见 goes inside the output folder: by the filing's path, as its
    rendered documents go (教育局/2025.yaml → 审核意见/教育局/2025.xlsx)."""
    name = names.get(Path(d.file), Path(Path(d.file).stem))
    return Path("审核意见") / name.with_name(f"{name.name}.xlsx")
