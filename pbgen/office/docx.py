"""A DOCX as paragraphs and table rows, whoever saved it, within bounds.

Word, WPS and LibreOffice write the same table in different XML: merged cells as ``gridSpan``
and ``vMerge`` (or the old ``hMerge``), skipped grid columns (``gridBefore``), tables nested
in cells, text boxes (twice: the drawing and its VML fallback), content controls, tracked
insertions. All of them come out as ``Para`` and ``Row``; nested tables follow the row that
holds them. A span, a skipped width, a nesting or a count past ``Limits`` stops the reading
with a message instead of a grid of a hundred million columns.
"""

from __future__ import annotations

from pathlib import Path

from pbgen.office.archive import Archive
from pbgen.office.document import Cell, Document, Para, Row
from pbgen.office.limits import Deadline, Limits, UnreadableDocument
from pbgen.office.xmlparse import parse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
DC = "{http://purl.org/dc/elements/1.1/}"
BODY = "word/document.xml"
WRAPPERS = (f"{W}sdt", f"{W}customXml", f"{W}ins", f"{W}smartTag")


def read_docx(path: Path, shown: Path, limits: Limits, deadline: Deadline) -> Document:
    with Archive(path, shown, limits, ".docx") as archive:
        root = parse(archive.read(BODY), shown, BODY)
        styles = _style_names(archive, shown)
        title = core_title(archive, shown)
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableDocument(shown, f"部件 {BODY} 没有正文（w:body）：文件已损坏。")
    reader = _Reader(shown, limits, deadline, styles, Document(title=title))
    reader.walk(body, 0)
    return reader.document


def core_title(archive: Archive, shown: Path) -> str:
    """The file's title property (docProps/core.xml), when it has one."""
    if not archive.has("docProps/core.xml"):
        return ""
    node = parse(archive.read("docProps/core.xml"), shown, "docProps/core.xml").find(f"{DC}title")
    return (node.text or "").strip() if node is not None else ""


def _style_names(archive: Archive, shown: Path) -> dict[str, str]:
    """Style id → name (Word localises ids: 标题 1 may have the id ``1``)."""
    if not archive.has("word/styles.xml"):
        return {}
    names = {}
    for style in parse(archive.read("word/styles.xml"), shown, "word/styles.xml").iter(f"{W}style"):
        name = style.find(f"{W}name")
        names[style.get(f"{W}styleId")] = name.get(f"{W}val") if name is not None else ""
    return names


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
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if _inside(node, p, (f"{W}txbxContent", f"{W}del", f"{MC}Fallback")):
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


def _unwrapped(parent, tag: str):
    """The ``tag`` children of ``parent``, through content controls and tracked insertions."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in WRAPPERS:
            content = child.find(f"{W}sdtContent")
            yield from _unwrapped(content if content is not None else child, tag)


class _Reader:
    def __init__(self, shown, limits: Limits, deadline: Deadline, styles, document: Document):
        self.shown, self.limits, self.deadline = shown, limits, deadline
        self.styles, self.document = styles, document
        self.tables = self.rows = self.slots = 0

    def walk(self, parent, depth: int) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child, depth)
            elif tag == f"{W}tbl":
                self.table(child, depth + 1)
            elif tag in WRAPPERS:
                content = child.find(f"{W}sdtContent")
                self.walk(content if content is not None else child, depth)

    def paragraph(self, p, depth: int) -> None:
        style_id = p.find(f"{W}pPr/{W}pStyle")
        style = ""
        if style_id is not None:
            style = self.styles.get(style_id.get(f"{W}val"), "") or style_id.get(f"{W}val") or ""
        self.document.items.append(Para(_text_of(p), style))
        for box in _text_boxes(p):  # text boxes anchored here: their paragraphs follow
            self.walk(box, depth)

    def refuse(self, why: str) -> UnreadableDocument:
        return UnreadableDocument(self.shown, why)

    def number(self, element, attribute: str, where: str) -> int:
        """A count Word writes as a whole number (gridSpan, gridBefore): anything else is a
        damaged document, said so."""
        value = element.get(attribute)
        if value is None:
            return 1 if element.tag == f"{W}gridSpan" else 0
        if not value.strip().isascii() or not value.strip().isdigit():
            name = element.tag.removeprefix(W)
            raise self.refuse(f"{where}的 {name} 写的是「{value[:20]}」，不是整数：文件已损坏。")
        return int(value)

    def table(self, tbl, depth: int) -> None:
        if depth > self.limits.nesting:
            raise self.refuse(
                f"表格嵌套超过 {self.limits.nesting} 层：不像是正常的文档，已停止读取。"
            )
        self.tables += 1
        number = self.tables
        rows: list[Row] = []
        nested: list[list] = []
        for index, tr in enumerate(_unwrapped(tbl, f"{W}tr"), 1):
            self.deadline.check()
            where = f"第 {number} 个表格第 {index} 行"
            self.rows += 1
            if self.rows > self.limits.rows:
                raise self.refuse(f"表格共超过 {self.limits.rows} 行：超出导入的上限，已停止读取。")
            slots: list[Cell | None] = []
            before = tr.find(f"{W}trPr/{W}gridBefore")
            column = self.number(before, f"{W}val", where) if before is not None else 0
            self.grid(column, where)
            slots += [None] * column
            inner = []
            for tc in _unwrapped(tr, f"{W}tc"):
                props = tc.find(f"{W}tcPr")
                span, vmerge, hmerge = 1, None, None
                if props is not None:
                    grid_span = props.find(f"{W}gridSpan")
                    if grid_span is not None:
                        span = max(1, self.number(grid_span, f"{W}val", where))
                    v = props.find(f"{W}vMerge")
                    vmerge = (v.get(f"{W}val") or "continue") if v is not None else None
                    h = props.find(f"{W}hMerge")
                    hmerge = (h.get(f"{W}val") or "continue") if h is not None else None
                self.grid(column + span, where)
                if hmerge == "continue" and slots and slots[-1] is not None:
                    cell = slots[-1]  # old-style horizontal merge: the cell to the left goes on
                elif vmerge == "continue" and rows and rows[-1].at(column) is not None:
                    cell = rows[-1].at(column)  # merged with the cell above
                else:
                    cell = Cell(self.cell_lines(tc), column)
                slots += [cell] * span
                column += span
                inner += [t for t in tc if t.tag == f"{W}tbl"]
            self.slots += len(slots)
            if self.slots > self.limits.slots:
                raise self.refuse(
                    f"表格共超过 {self.limits.slots} 个单元格：超出导入的上限，已停止读取。"
                )
            rows.append(Row(slots, number, first=not rows))
            nested.append(inner)
        for row, inner in zip(rows, nested, strict=True):
            self.document.items.append(row)
            for table in inner:
                self.table(table, depth + 1)

    def grid(self, columns: int, where: str) -> None:
        if columns > self.limits.columns:
            raise self.refuse(
                f"{where}宽 {columns} 列（gridSpan/gridBefore），超过上限 {self.limits.columns} 列"
                "（Word 的表格最多 63 列）：文件已损坏或被改动过。"
            )

    def cell_lines(self, tc) -> list[str]:
        """The cell's paragraphs (not those of a nested table, which is read as its own
        table); text boxes inside the cell count as its text."""
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
