"""A DOCX pbgen makes fetches nothing: the links its Word template brings, that Word or
LibreOffice would follow on their own, are taken out before anyone opens it.

A Word template is data a bureau publishes, and a DOCX part may point outside the package
(``TargetMode="External"``): a linked picture, an attached template, a sub-document, a linked
OLE object, a frame's page, a mail-merge data source. LibreOffice fetched a linked picture
while laying out pbgen's DOCX (to number its 目录), and every recipient's Word would fetch it
again, or worse, an attached template with macros. So every external relationship is removed,
with what referred to it, and the clerk is told. Plain hyperlinks (http, https, mailto) stay:
they are followed only when a reader clicks them, and the form may mean them. A field that
fetches or runs something (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT) is
refused: no form needs one, and its code may span runs, paragraphs and Jinja's output.

The body, however long, is read one top-level element at a time (``pbgen.docx_body``).
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from docx.oxml.ns import qn
from lxml import etree

from pbgen.docx_body import complete_children, declarations, serialized
from pbgen.errors import PbgenError
from pbgen.findings import visible

PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCUMENT_XML = "word/document.xml"
KEPT_SCHEMES = ("http://", "https://", "mailto:")  # of hyperlinks, followed only when clicked
# What Word or LibreOffice fetch or run, named by the first word of a field's code.
FETCHING_FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT"}
# An element that only holds a reference goes with it, or the element that holds it does.
REFERENCE_ONLY = {
    "attachedTemplate": 0,
    "subDoc": 0,
    "altChunk": 0,
    "OLEObject": 0,
    "sourceFileName": 1,  # a frame of a frameset: the frame goes
    "dataSource": 1,  # mail merge: the whole w:mailMerge goes
    "headerSource": 1,
}
KINDS = {
    "image": "图片",
    "attachedTemplate": "附加模板",
    "subDocument": "子文档",
    "oleObject": "链接的对象",
    "frame": "框架页",
    "hyperlink": "超链接",
    "mailMergeSource": "邮件合并数据源",
    "mailMergeHeaderSource": "邮件合并数据源",
}


class FetchingField(PbgenError):
    """A Word template with a field that fetches or runs something."""


@dataclass
class _Removed:
    """The external relationships removed from one part's rels, and the part they belong to."""

    part: str
    ids: set[str] = field(default_factory=set)


def without_outside_links(
    docx: bytes, template: Path, rewrite: Callable[[bytes, dict], bytes]
) -> tuple[bytes, list[str]]:
    """``docx`` without the links Word or LibreOffice would follow by themselves, and the
    notice that says what was removed (none: the bytes as they were). ``rewrite(docx,
    {entry: function})`` writes the package anew (``render_docx.normalized_zip``, so its
    entries keep their fixed dates). Raises ``FetchingField`` naming ``template``."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = set(package.namelist())
        removed: list[tuple[str, str]] = []  # (kind, target) for the notice
        rewrites: dict[str, Callable[[IO[bytes], IO[bytes]], None]] = {}
        for rels in sorted(name for name in names if name.endswith(".rels")):
            kept, gone = _external_links(package.read(rels))
            if not gone:
                continue
            removed += [(kind, target) for _, kind, target in gone]
            rewrites[rels] = _writer(kept)
            part = _source_part(rels)
            if part in names:
                ids = {id_ for id_, _, _ in gone}
                rewrites[part] = _stream_fixed if part == DOCUMENT_XML else _tree_fixed
                rewrites[part] = _bind(rewrites[part], ids)
        _refuse_fetching_fields(package, names, template)
    if not removed:
        return docx, []
    return rewrite(docx, rewrites), [_notice(template, removed)]


def _external_links(rels_xml: bytes) -> tuple[bytes, list[tuple[str, str, str]]]:
    """The rels part without its external relationships (hyperlinks of a kept scheme stay),
    and (id, kind, target) of each one removed."""
    root = etree.fromstring(rels_xml)
    gone = []
    for relationship in list(root):
        if relationship.get("TargetMode") != "External":
            continue
        kind = relationship.get("Type", "").rsplit("/", 1)[-1]
        target = relationship.get("Target", "")
        if kind == "hyperlink" and target.lower().startswith(KEPT_SCHEMES):
            continue
        gone.append((relationship.get("Id", ""), kind, target))
        root.remove(relationship)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), gone


def _source_part(rels: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml; _rels/.rels → "" (the package)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _writer(data: bytes):
    def write(source: IO[bytes], entry: IO[bytes]) -> None:
        entry.write(data)

    return write


def _bind(function, ids: set[str]):
    return lambda source, entry: function(source, entry, ids)


def _unlink(tree, ids: set[str]) -> None:
    """Remove from ``tree`` every reference to the relationships ``ids``: the element when it
    is no more than a reference (or its holder, ``REFERENCE_ONLY``), else the attribute."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            continue
        for name, value in list(element.attrib.items()):
            if value not in ids or not name.startswith(f"{{{OFFICE_RELS}}}"):
                continue
            local = etree.QName(element).localname
            if local in REFERENCE_ONLY:
                doomed = element
                for _ in range(REFERENCE_ONLY[local]):
                    doomed = doomed.getparent() if doomed.getparent() is not None else doomed
                if doomed.getparent() is not None:
                    doomed.getparent().remove(doomed)
                break
            del element.attrib[name]


def _tree_fixed(source: IO[bytes], entry: IO[bytes], ids: set[str]) -> None:
    """A small part (settings, a header, a footnote): read whole."""
    tree = etree.fromstring(source.read())
    _unlink(tree, ids)
    entry.write(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True))


def _stream_fixed(source: IO[bytes], entry: IO[bytes], ids: set[str]) -> None:
    """The body, one top-level element at a time: memory stays that of one table."""
    first = source.read(1 << 16)
    head, found, _ = first.partition(b"<w:body>")
    if not found:
        raise PbgenError("word/document.xml 的格式出乎意料")
    entry.write(head + b"<w:body>")
    inherited = None
    pieces = itertools.chain([first], iter(lambda: source.read(1 << 16), b""))
    for parent, node in complete_children(pieces, qn("w:body")):
        inherited = inherited if inherited is not None else declarations(parent)
        if isinstance(node.tag, str):
            _unlink(node, ids)
        entry.write(serialized(node, inherited))
    entry.write(b"</w:body></w:document>")


FIELD_WORD = re.compile(r"\s*(\w+)")
FIELD_TAGS = [qn("w:fldChar"), qn("w:instrText"), qn("w:fldSimple"), qn("w:p")]


def _refuse_fetching_fields(package: zipfile.ZipFile, names: set[str], template: Path) -> None:
    """Refuse a field whose code fetches or runs something. A field's code is the text of
    its ``w:instrText`` elements from its ``begin`` to its ``separate`` (or ``end``), in
    document order however they are split, or a ``w:fldSimple``'s ``w:instr``."""
    for name in sorted(names):
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        codes: list[str] = []  # the codes of the fields open at this point, innermost last
        with package.open(name) as stream:
            for _, element in etree.iterparse(stream, events=("end",), tag=FIELD_TAGS):
                if element.tag == qn("w:fldChar"):
                    kind = element.get(qn("w:fldCharType"))
                    if kind == "begin":
                        codes.append("")
                    elif codes and kind in ("separate", "end"):
                        _check_field(codes.pop() if kind == "end" else codes[-1], template)
                        if kind == "separate":
                            codes[-1] = ""  # what follows is the field's result, not its code
                elif element.tag == qn("w:instrText"):
                    if codes:
                        codes[-1] += element.text or ""
                elif element.tag == qn("w:fldSimple"):
                    _check_field(element.get(qn("w:instr"), ""), template)
                else:  # a paragraph, done with: memory stays that of one paragraph
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]


def _check_field(code: str, template: Path) -> None:
    word = FIELD_WORD.match(code)
    if word and word.group(1).upper() in FETCHING_FIELDS:
        raise FetchingField(
            f"DOCX 模板 {template} 里有一个 {word.group(1).upper()} 域（「{visible(code.strip(), 80)}」）："
            "Word 打开时会读取外部文件或运行命令，pbgen 不用这样的模板。请在 Word 里选中它，"
            "按 Ctrl+Shift+F9 把它变成普通内容，再保存模板；模板来自别处时，请检查它的来源。"
        )


def _notice(template: Path, removed: list[tuple[str, str]]) -> str:
    shown = "；".join(
        f"{KINDS.get(kind, kind)} {visible(target, 80)}" for kind, target in removed[:5]
    )
    more = f"等 {len(removed)} 处" if len(removed) > 5 else ""
    return (
        f"DOCX 模板 {template} 里有指向外部的链接（{shown}{more}），Word 或 LibreOffice "
        "打开时会自己去读取，已从生成的 DOCX 中删去。请在 Word 里把链接的图片改为嵌入、"
        "去掉附加模板（开发工具 → 文档模板），再保存模板。"
    )
