"""The one shape every document is read into: paragraphs and table rows, in document order.

A ``Row`` knows the grid column of each of its cells and which cells are one merged cell (the
same ``Cell`` object in every slot it covers), so readers never see the XML of Word, WPS,
LibreOffice or Excel. Readers mark what they used; what is left is kept by the importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SPACES = re.compile(r"[ \u3000\u00a0\t\r\n]+")


def squeeze(text: str) -> str:
    """Text without any kind of space: how a label is compared (「项 目 名 称」= 项目名称)."""
    return SPACES.sub("", text)


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
        seen: dict[int, Cell] = {}
        for cell in self.slots:
            if cell is not None and id(cell) not in seen:
                seen[id(cell)] = cell
        return list(seen.values())

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
