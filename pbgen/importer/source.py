"""A DOCX or XLSX as a flat stream of paragraphs and table rows, whoever saved it.

Word, WPS and LibreOffice write the same table in different XML: merged cells as ``gridSpan``
and ``vMerge`` (or the old ``hMerge``), skipped grid columns (``gridBefore``), tables nested
in cells, text boxes (twice: the drawing and its VML fallback), content controls, tracked
insertions. This module reads all of them into one shape, so the layout readers only see
``Para`` (a paragraph) and ``Row`` (a table row whose cells know their grid column and the
cell they are merged into). Nested tables follow the row that holds them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pbgen.errors import PbgenError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
SPACES = re.compile(r"[ \u3000\u00a0\t\r\n]+")


@dataclass(eq=False)
class Cell:
    """One cell as the reader sees it: merged cells are one object in every grid slot."""

    lines: list[str]
    column: int  # grid column where the cell starts
    used: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass(eq=False)
class Row:
    """A table row: ``slots[c]`` is the cell covering grid column ``c``."""

    slots: list[Cell | None]
    table: int  # which table (nested ones count), so readers know where a table ends
    first: bool = False  # first row of its table

    @property
    def cells(self) -> list[Cell]:
        """The distinct cells of the row, left to right."""
        seen: list[Cell] = []
        for cell in self.slots:
            if cell is not None and all(cell is not other for other in seen):
                seen.append(cell)
        return seen

    def at(self, column: int) -> Cell | None:
        return self.slots[column] if 0 <= column < len(self.slots) else None


@dataclass(eq=False)
class Para:
    text: str
    style: str = ""
    used: bool = False


Item = Para | Row


@dataclass
class Document:
    items: list[Item] = field(default_factory=list)
    kind: str = "docx"
    title: str = ""  # the file's own title property (Word: 文件 › 信息 › 标题)

    def texts(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, Para)]


def read_document(path: Path) -> Document:
    """The paragraphs and table rows of a .docx or .xlsx file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise PbgenError(f"{path}：找不到文件。")
    if suffix in (".docx", ".docm", ".dotx"):
        return _read_docx(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".doc", ".wps", ".xls", ".et"):
        raise PbgenError(
            f"{path}：这是旧版 Office/WPS 格式。请在 Word 或 WPS 中「另存为」.docx（表格另存为 "
            ".xlsx），或运行 soffice --headless --convert-to docx 文件名，再导入。"
        )
    raise PbgenError(f"{path}：只能导入 .docx 或 .xlsx 文件。")


# -- DOCX ------------------------------------------------------------------------------------


def _read_docx(path: Path) -> Document:
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml")
            styles = _style_names(archive)
            title = _core_title(archive)
    except (zipfile.BadZipFile, KeyError):
        raise PbgenError(
            f"{path}：不是有效的 .docx 文件（可能已损坏，或只是改了扩展名）。"
        ) from None
    body = etree.fromstring(xml, etree.XMLParser(huge_tree=True)).find(f"{W}body")
    document = Document(title=title)
    _walk(body, document, styles, [0])
    return document


def _core_title(archive: zipfile.ZipFile) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(archive.read("docProps/core.xml"))
    except KeyError:
        return ""
    node = root.find("{http://purl.org/dc/elements/1.1/}title")
    return (node.text or "").strip() if node is not None else ""


def _style_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Style id → name (Word localises ids: 标题 1 may have the id ``1``)."""
    from lxml import etree

    try:
        root = etree.fromstring(archive.read("word/styles.xml"))
    except KeyError:
        return {}
    names = {}
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        names[style.get(f"{W}styleId")] = name.get(f"{W}val") if name is not None else ""
    return names


def _walk(parent, document: Document, styles: dict, tables: list[int]) -> None:
    for child in parent:
        tag = child.tag
        if tag == f"{W}p":
            _paragraph(child, document, styles, tables)
        elif tag == f"{W}tbl":
            _table(child, document, styles, tables)
        elif tag in (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
            content = child.find(f"{W}sdtContent")
            _walk(content if content is not None else child, document, styles, tables)


def _paragraph(p, document: Document, styles: dict, tables: list[int]) -> None:
    style_id = p.find(f"{W}pPr/{W}pStyle")
    style = styles.get(style_id.get(f"{W}val"), "") if style_id is not None else ""
    style = style or (style_id.get(f"{W}val") if style_id is not None else "")
    document.items.append(Para(_text_of(p), style))
    for box in _text_boxes(p):  # text boxes anchored here: their paragraphs follow
        _walk(box, document, styles, tables)


def _text_boxes(p):
    """Each text box once: the DrawingML one, not its VML fallback."""
    for box in p.iter(f"{W}txbxContent"):
        outer = {ancestor.tag for ancestor in box.iterancestors()}
        if f"{MC}Fallback" not in outer and f"{W}txbxContent" not in outer:
            yield box


def _text_of(p) -> str:
    """The visible text of a paragraph: tabs and line breaks kept, deleted text and text
    boxes (read separately) left out."""
    parts = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym"):
        if _inside(node, p, (f"{W}txbxContent", f"{W}del")):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            if node.get(f"{W}type") in (None, "textWrapping"):
                parts.append("\n")
        elif node.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _inside(node, top, tags: tuple[str, ...]) -> bool:
    """Whether ``node`` sits in one of ``tags`` between itself and ``top``."""
    for ancestor in node.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _table(tbl, document: Document, styles: dict, tables: list[int]) -> None:
    tables[0] += 1
    number = tables[0]
    rows: list[Row] = []
    nested: list[list] = []
    for tr in _table_rows(tbl):
        slots: list[Cell | None] = []
        before = tr.find(f"{W}trPr/{W}gridBefore")
        column = int(before.get(f"{W}val", "0")) if before is not None else 0
        slots += [None] * column
        inner = []
        for tc in _row_cells(tr):
            props = tc.find(f"{W}tcPr")
            span = 1
            vmerge = hmerge = None
            if props is not None:
                grid_span = props.find(f"{W}gridSpan")
                span = int(grid_span.get(f"{W}val", "1")) if grid_span is not None else 1
                v = props.find(f"{W}vMerge")
                vmerge = (v.get(f"{W}val") or "continue") if v is not None else None
                h = props.find(f"{W}hMerge")
                hmerge = (h.get(f"{W}val") or "continue") if h is not None else None
            if hmerge == "continue" and slots and slots[-1] is not None:
                cell = slots[-1]  # old-style horizontal merge: the cell to the left goes on
            elif vmerge == "continue" and rows and rows[-1].at(column) is not None:
                cell = rows[-1].at(column)  # merged with the cell above
            else:
                cell = Cell(_cell_lines(tc), column)
            slots += [cell] * span
            column += span
            inner += [t for t in tc if t.tag == f"{W}tbl"]
        row = Row(slots, number, first=not rows)
        rows.append(row)
        nested.append(inner)
    for row, inner in zip(rows, nested, strict=True):
        document.items.append(row)
        for table in inner:
            _table(table, document, styles, tables)


def _table_rows(tbl):
    for child in tbl:
        if child.tag == f"{W}tr":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}ins"):
            content = child.find(f"{W}sdtContent")
            yield from _table_rows(content if content is not None else child)


def _row_cells(tr):
    for child in tr:
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent")
            yield from _row_cells(content if content is not None else child)


def _cell_lines(tc) -> list[str]:
    """The cell's paragraphs (not those of a nested table, which is read as its own table);
    text boxes inside the cell count as its text."""
    lines = []
    for child in tc:
        if child.tag == f"{W}p":
            lines += _text_of(child).split("\n")
            for box in _text_boxes(child):
                lines += [_text_of(p) for p in box.iter(f"{W}p")]
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                lines += [_text_of(p) for p in content.iter(f"{W}p")]
    return lines


# -- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> Document:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise PbgenError(
            f"{path}：不是有效的 .xlsx 文件（可能已损坏，或只是改了扩展名）。"
        ) from None
    document = Document(kind="xlsx", title=book.properties.title or "")
    for number, sheet in enumerate(book.worksheets, 1):
        merged = {}
        for cells in sheet.merged_cells.ranges:
            for r in range(cells.min_row, cells.max_row + 1):
                for c in range(cells.min_col, cells.max_col + 1):
                    merged[(r, c)] = (cells.min_row, cells.min_col)
        made: dict[tuple[int, int], Cell] = {}
        first = True
        for r in range(1, sheet.max_row + 1):
            slots = []
            for c in range(1, sheet.max_column + 1):
                origin = merged.get((r, c), (r, c))
                if origin not in made:
                    source = sheet.cell(*origin)
                    made[origin] = Cell(_xlsx_text(source).split("\n"), origin[1] - 1)
                slots.append(made[origin])
            row = Row(slots, number, first=first)
            if any(cell.text for cell in row.cells):
                # a lone text across the whole sheet is a title, as in a document
                if len(row.cells) == 1:
                    document.items.append(Para(row.cells[0].text))
                else:
                    document.items.append(row)
                    first = False
    return document


def _xlsx_text(cell) -> str:
    """A cell's text as it is shown: a number with the decimals of its format (5.00)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        fmt = cell.number_format or ""
        match = re.search(r"\.(0+)", fmt)
        places = len(match.group(1)) if match else None
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in fmt:
            number *= 100
        if places is not None:
            number = number.quantize(Decimal(1).scaleb(-places))
        elif number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        return f"{number:f}" + ("%" if "%" in fmt else "")
    return str(value)


def squeeze(text: str) -> str:
    """Text without any kind of space: how a label is compared (「项 目 名 称」= 项目名称)."""
    return SPACES.sub("", text)
