"""XML from a document, parsed as data and nothing more: no DTD, no entities (internal or
external), no network, no file but the bytes given, and libxml2's own bounds (256 levels of
nesting, 10 MB per text node: ``huge_tree`` off). defusedxml would do the same for the standard
library's parsers; pbgen reads with lxml (fast, and it walks ancestors), set up the same way."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from pbgen.office.limits import UnreadableDocument

SAFE = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_pis=True,
)
PARSER = etree.XMLParser(remove_comments=True, **SAFE)


def _why(error: Exception) -> str:
    """libxml2's reason, told in Chinese where it says something a clerk can act on."""
    text = str(error)
    if "depth" in text.lower():
        return "层次嵌套过深（超过 256 层）"
    if "too long" in text or "Resource limit" in text or "huge" in text.lower():
        return "有一段文字超过 10 MB"
    if "empty" in text.lower():
        return "内容为空"
    if "Entity" in text or "entity" in text:
        return "引用了实体（Office 文件不会这样写）"
    return f"XML 格式错误：{text}"


def _refuse_dtd(root, path: Path, part: str) -> None:
    if root.getroottree().docinfo.doctype:
        raise UnreadableDocument(
            path, f"部件 {part} 含有 DTD 声明（<!DOCTYPE>）：Office 文件不会这样写，已拒绝读取。"
        )


def parse(data: bytes, path: Path, part: str):
    """The root element of ``data`` (the part ``part`` of ``path``)."""
    if not data.strip():
        raise UnreadableDocument(path, f"部件 {part} 是空的：文件已损坏。")
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        raise UnreadableDocument(path, f"部件 {part} 无法读取：{_why(error)}。") from None
    _refuse_dtd(root, path, part)
    return root


def iterate(data: bytes, path: Path, part: str, tags: tuple[str, ...]) -> Iterator:
    """Each element named in ``tags`` once it is complete, streamed: the caller clears what it
    has read (``release``), so a part of a million rows is never a tree in memory."""
    if not data.strip():
        raise UnreadableDocument(path, f"部件 {part} 是空的：文件已损坏。")
    events = etree.iterparse(io.BytesIO(data), events=("end",), tag=tags, **SAFE)
    checked = False
    try:
        for _, element in events:
            if not checked:
                _refuse_dtd(element, path, part)
                checked = True
            yield element
        if not checked and events.root is not None:
            _refuse_dtd(events.root, path, part)
    except etree.XMLSyntaxError as error:
        raise UnreadableDocument(path, f"部件 {part} 无法读取：{_why(error)}。") from None


def release(element) -> None:
    """Free an element read by ``iterate`` and the siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""
