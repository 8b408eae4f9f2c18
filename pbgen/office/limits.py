"""How much of a document pbgen reads before it stops and says so.

Each bound is far above what a real 绩效文本, 公开表 or 申报表 needs (a 1000-project 公开表 is a
few MB of XML and a few hundred thousand cells) and far below what hurts a county office PC.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pbgen.errors import PbgenError


class UnreadableDocument(PbgenError):
    """A document pbgen will not read: the file, and why, in Chinese."""

    def __init__(self, path: Path | str, why: str):
        self.path = Path(path)
        super().__init__(f"{self.path}：{why}")


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 256 << 20  # the file on disk (images included, which are never read)
    parts: int = 10_000  # entries in the archive
    part_bytes: int = 64 << 20  # one XML part, uncompressed
    total_bytes: int = 160 << 20  # every part read, uncompressed
    columns: int = 1_000  # grid columns of a table (Word allows 63); of a sheet: 16,384
    sheet_columns: int = 16_384
    rows: int = 100_000  # table rows of the whole document (rows holding text, in a sheet)
    slots: int = 2_000_000  # grid slots of all tables together (a merged cell fills several)
    merges: int = 100_000  # merged ranges of a workbook
    nesting: int = 32  # tables inside tables
    seconds: float = 60.0  # reading, conversion included
    convert_seconds: float = 60.0  # LibreOffice converting a .doc/.xls
    converted_bytes: int = 64 << 20  # the .docx/.xlsx LibreOffice writes


LIMITS = Limits()


class Deadline:
    """The time a reading may take; ``check()`` is called in every loop that grows with the
    document."""

    def __init__(self, seconds: float, path: Path):
        self.seconds, self.path = seconds, path
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise UnreadableDocument(
                self.path, f"读取超过 {self.seconds:g} 秒仍未完成：文件过大或结构异常，已停止。"
            )
