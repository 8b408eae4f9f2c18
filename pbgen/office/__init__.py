"""Reading other people's Office files, bounded: the one way pbgen opens a DOCX or XLSX it did
not write (and an old .doc or .xls, converted by LibreOffice first).

Import is the one place pbgen reads files from anywhere, so everything here assumes the file
may be broken or built to hurt: the archive, each part, the XML, the tables and the time are
all bounded (``Limits``), the XML is parsed with no entities, no DTD and no network, and every
failure is an ``UnreadableDocument`` naming the file in Chinese — never a traceback, never a
hang. The result is one shape for every format: a ``Document`` of paragraphs and table rows.
"""

from __future__ import annotations

from pathlib import Path

from pbgen.office.document import Cell, Document, Item, Para, Row, squeeze
from pbgen.office.docx import read_docx
from pbgen.office.legacy import LEGACY_SUFFIXES, converted
from pbgen.office.limits import LIMITS, Deadline, Limits, UnreadableDocument
from pbgen.office.xlsx import read_xlsx

__all__ = [
    "LIMITS",
    "Cell",
    "Deadline",
    "Document",
    "Item",
    "Limits",
    "Para",
    "Row",
    "UnreadableDocument",
    "read_office",
    "squeeze",
]

DOCX_SUFFIXES = (".docx", ".docm", ".dotx")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP = b"PK\x03\x04"
# what an old file begins with: an OLE2 compound file (Word 97, Excel 97, WPS), RTF, or the
# HTML/XML some systems save under .doc/.xls
OLD_FORMATS = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"<", b"\xef\xbb\xbf<")


def read_office(path: Path | str, limits: Limits = LIMITS) -> Document:
    """The paragraphs and table rows of a .docx/.xlsx (or .doc/.xls/.wps/.et, converted by
    LibreOffice first), read within ``limits``; ``UnreadableDocument`` saying why otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableDocument(path, "找不到文件。")
    if suffix not in (*DOCX_SUFFIXES, *XLSX_SUFFIXES, *LEGACY_SUFFIXES):
        raise UnreadableDocument(
            path, "只能导入 Word（.docx、.doc、.wps）或 Excel（.xlsx、.xls、.et）文件。"
        )
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise UnreadableDocument(
            path, f"文件有 {size / 2**20:.0f} MB，超过导入的上限 {limits.file_bytes >> 20} MB。"
        )
    deadline = Deadline(limits.seconds, path)
    with path.open("rb") as file:
        head = file.read(8)
    spreadsheet = suffix in XLSX_SUFFIXES or suffix in (".xls", ".et", ".xlt")
    if head.startswith(ZIP):  # a .docx/.xlsx, whatever its name says
        return (read_xlsx if spreadsheet else read_docx)(path, path, limits, deadline)
    if suffix in LEGACY_SUFFIXES and head.startswith(OLD_FORMATS):
        with converted(path, limits, deadline) as modern:
            return (read_xlsx if spreadsheet else read_docx)(modern, path, limits, deadline)
    kind = "Excel" if spreadsheet else "Word"
    raise UnreadableDocument(
        path, f"不是 {kind} 文件（可能已损坏、设了打开密码，或只是改了扩展名）。"
    )
