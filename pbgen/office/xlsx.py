"""An XLSX as paragraphs and table rows, streamed and within bounds.

openpyxl is not used here: it makes an object for every cell a merged range covers (a merged
whole sheet is 17 billion of them), its ``max_row`` grows with a stray formatted cell far below
the table and is recomputed on each ``cell()``, and its read-only mode, which streams, does
not know merged cells. So the sheet XML is streamed with lxml (``xmlparse.iterate``) and only
the cells that hold text are kept: a sheet is its rows with text, as wide as its rightmost
text, a merged range the cell at its top left wherever it covers one of those. Each cell reads
as Excel shows it: 5.00 with the decimals of its format, 25% for 0.25 formatted as a percentage,
TRUE for a true, a date as a date.
"""

from __future__ import annotations

import bisect
import datetime
import posixpath
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pbgen.office.archive import Archive
from pbgen.office.document import Cell, Document, Para, Row
from pbgen.office.docx import core_title
from pbgen.office.limits import Deadline, Limits, UnreadableDocument
from pbgen.office.xmlparse import iterate, local, parse, release

MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # strict
)
REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
# Excel's built-in number formats that the cells of a form use (the rest read as General)
BUILT_IN = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}
BUILT_IN_DATES = {14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58}
EPOCH = datetime.date(1899, 12, 30)


def read_xlsx(path: Path, shown: Path, limits: Limits, deadline: Deadline) -> Document:
    with Archive(path, shown, limits, ".xlsx") as archive:
        sheets = _sheets(archive, shown)
        strings = _shared_strings(archive, shown, deadline)
        formats = _formats(archive, shown)
        document = Document(kind="xlsx", title=core_title(archive, shown))
        budget = _Budget(shown, limits)
        for number, (_name, part) in enumerate(sheets, 1):
            if not archive.has(part):
                continue
            texts, merges = _cells(
                archive.read(part), shown, part, strings, formats, budget, deadline
            )
            _rows(document, texts, merges, number, budget)
    return document


class _Budget:
    """The rows, cells and merges read so far, against ``Limits``."""

    def __init__(self, shown: Path, limits: Limits):
        self.shown, self.limits = shown, limits
        self.rows = self.cells = self.merges = 0

    def refuse(self, what: str, limit: int) -> UnreadableDocument:
        return UnreadableDocument(
            self.shown, f"工作簿中{what}超过 {limit} 个：超出导入的上限，已停止读取。"
        )


def _attribute(element, name: str) -> str | None:
    for namespace in REL:
        value = element.get(f"{{{namespace}}}{name}")
        if value is not None:
            return value
    return None


def _sheets(archive: Archive, shown: Path) -> list[tuple[str, str]]:
    """(name, part) of each sheet, in the workbook's order."""
    workbook = parse(archive.read("xl/workbook.xml"), shown, "xl/workbook.xml")
    targets = {}
    rels = "xl/_rels/workbook.xml.rels"
    if archive.has(rels):
        for rel in parse(archive.read(rels), shown, rels).iter(f"{PACKAGE_REL}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id")] = posixpath.normpath(part)
    found = []
    for sheet in workbook.iter():
        if local(sheet.tag) == "sheet":
            part = targets.get(_attribute(sheet, "id"))
            if part:
                found.append((sheet.get("name", ""), part))
    return found


def _text(element) -> str:
    """The text of a string item (``<si>``, ``<is>``): its runs, without phonetic guides."""
    parts = []
    for node in element.iter():
        if local(node.tag) == "t" and not any(local(a.tag) == "rPh" for a in node.iterancestors()):
            parts.append(node.text or "")
    return "".join(parts)


def _shared_strings(archive: Archive, shown: Path, deadline: Deadline) -> list[str]:
    part = "xl/sharedStrings.xml"
    if not archive.has(part):
        return []
    strings = []
    for element in iterate(archive.read(part), shown, part, tuple(f"{{{ns}}}si" for ns in MAIN)):
        strings.append(_text(element))
        release(element)
        if len(strings) % 4096 == 0:
            deadline.check()
    return strings


def _formats(archive: Archive, shown: Path) -> list[str]:
    """The number format code of each cell style (``s`` of a cell), General where none."""
    part = "xl/styles.xml"
    if not archive.has(part):
        return []
    root = parse(archive.read(part), shown, part)
    custom = {}
    codes = []
    for element in root.iter():
        name = local(element.tag)
        if name == "numFmt":
            custom[int(element.get("numFmtId", "0") or 0)] = element.get("formatCode", "")
        elif name == "cellXfs":
            for xf in element:
                try:
                    number = int(xf.get("numFmtId", "0"))
                except ValueError:
                    number = 0
                code = custom.get(number) or BUILT_IN.get(number, "")
                codes.append("date" if number in BUILT_IN_DATES else code)
    return codes


def _position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    """(row, column), 1-based, of a cell reference; the next column when there is none."""
    if ref:
        match = REF.match(ref)
        if match:
            letters, digits = match.groups()
            number = 0
            for letter in letters:
                number = number * 26 + ord(letter) - 64
            return int(digits), number
    return row, column + 1


def _cells(data, shown, part, strings, formats, budget: _Budget, deadline: Deadline):
    """The texts of a sheet by (row, column), and its merged ranges (rows, columns 1-based)."""
    texts: dict[int, dict[int, str]] = {}
    merges: list[tuple[int, int, int, int]] = []
    tags = tuple(f"{{{ns}}}{tag}" for ns in MAIN for tag in ("row", "mergeCell"))
    last_row = 0
    for element in iterate(data, shown, part, tags):
        if local(element.tag) == "mergeCell":
            budget.merges += 1
            if budget.merges > budget.limits.merges:
                raise budget.refuse("的合并区域", budget.limits.merges)
            span = _range(element.get("ref", ""))
            if span:
                merges.append(span)
            release(element)
            continue
        deadline.check()
        row = int(element.get("r")) if (element.get("r") or "").isdigit() else last_row + 1
        last_row, column = row, 0
        for cell in element:
            if local(cell.tag) != "c":
                continue
            row_at, column = _position(cell.get("r"), row, column)
            text = _shown(cell, strings, formats)
            if text:
                if column > budget.limits.sheet_columns:
                    raise budget.refuse("有文字的列", budget.limits.sheet_columns)
                if row_at not in texts:
                    budget.rows += 1
                    if budget.rows > budget.limits.rows:
                        raise budget.refuse("有文字的行", budget.limits.rows)
                texts.setdefault(row_at, {})[column] = text
                budget.cells += 1
                if budget.cells > budget.limits.slots:
                    raise budget.refuse("有文字的单元格", budget.limits.slots)
        release(element)
    return texts, merges


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    if not last:
        return None
    top, left = _position(first, 0, 0)
    bottom, right = _position(last, 0, 0)
    if min(top, left, bottom, right) < 1:
        return None
    return min(top, bottom), min(left, right), max(top, bottom), max(left, right)


def _shown(cell, strings: list[str], formats: list[str]) -> str:
    """A cell's text as Excel shows it."""
    kind = cell.get("t", "n")
    value = inline = None
    for child in cell:
        name = local(child.tag)
        if name == "v":
            value = child.text or ""
        elif name == "is":
            inline = _text(child)
    if kind == "inlineStr":
        return inline or ""
    if value is None:
        return ""
    if kind == "s":
        try:
            return strings[int(value)]
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    if kind in ("str", "e", "d"):
        return value
    try:
        style = int(cell.get("s", "0"))
    except ValueError:
        style = 0
    return _number(value, formats[style] if 0 <= style < len(formats) else "")


def _is_date(code: str) -> bool:
    if code == "date":
        return True
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return bool(re.search(r"[dy]|m{1,4}(?![^;]*[hs])", bare)) and "0" not in bare


def _number(value: str, code: str) -> str:
    """A stored number shown with its format: decimals, percent, date."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    if _is_date(code):
        try:
            day = EPOCH + datetime.timedelta(days=int(number))
        except (OverflowError, ValueError):
            return value
        return f"{day.year}年{day.month}月{day.day}日" if "年" in code else day.isoformat()
    section = code.split(";")[0]
    match = re.search(r"\.(0+)", section)
    places = len(match.group(1)) if match else None
    percent = "%" in section
    if percent:
        number *= 100
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return f"{number:f}" + ("%" if percent else "")


def _rows(document: Document, texts: dict, merges: list, number: int, budget: _Budget) -> None:
    """The sheet's rows that hold text, as wide as its rightmost text; a merged range whose top
    left cell holds text is that cell in every empty slot it covers (clipped to those rows)."""
    if not texts:
        return
    rows = sorted(texts)
    width = max(column for row in texts.values() for column in row)
    if len(rows) * width > budget.limits.slots:
        raise budget.refuse("表格的单元格（有文字的行数×列数）", budget.limits.slots)
    covering: dict[tuple[int, int], tuple[int, int]] = {}
    for top, left, bottom, right in merges:
        if texts.get(top, {}).get(left) is None:
            continue  # a merge of empty cells shows nothing
        for row in rows[bisect.bisect_left(rows, top) : bisect.bisect_right(rows, bottom)]:
            for column in range(left, min(right, width) + 1):
                if (row, column) != (top, left) and column not in texts[row]:
                    covering[(row, column)] = (top, left)  # text under a merge stays its own
            if len(covering) > budget.limits.slots:
                raise budget.refuse("合并单元格覆盖的格子", budget.limits.slots)
    made: dict[tuple[int, int], Cell] = {}
    first = True
    for row in rows:
        slots = []
        for column in range(1, width + 1):
            origin = covering.get((row, column), (row, column))
            if origin not in made:
                text = texts.get(origin[0], {}).get(origin[1], "")
                made[origin] = Cell(text.split("\n"), origin[1] - 1)
            slots.append(made[origin])
        line = Row(slots, number, first=first)
        if len(line.cells) == 1:  # a lone text across the whole sheet is a title
            document.items.append(Para(line.cells[0].text))
        else:
            document.items.append(line)
            first = False
