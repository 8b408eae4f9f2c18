"""The page each heading of a DOCX's 目录 stands on, as LibreOffice lays the DOCX out.

A DOCX is never laid out by pbgen itself, so LibreOffice is the only honest source of its page
numbers (the PDF's layout differs: tables move to the next page in one and not the other).
LibreOffice exports the bookmarks as named PDF destinations; ``pdfinfo -dests`` lists their
pages.

LibreOffice's time and memory grow faster than the document (1000 projects: 40 s and 430 MB;
5000: past 1.6 GB and any sensible timeout), so a long DOCX is laid out in parts: its body is
cut before paragraphs that start a new page (a 绩效目标表's title: ``pageBreakBefore``, its
own or its style's) in its last section, so that each part begins at the top of a page as it
does in the whole. One LibreOffice converts the parts one after another; a heading's page is
its page in its part plus the pages of the parts before.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from pbgen.docx_body import complete_children, declarations, serialized
from pbgen.errors import PbgenError

PDF_WITH_BOOKMARKS = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
DESTINATION = re.compile(r'\s*(?P<page>\d+)\s+\[.*\]\s+"(?P<name>[^"]+)"\s*$')  # pdfinfo -dests
PAGES = re.compile(r"^Pages:\s+(\d+)\s*$", re.MULTILINE)  # pdfinfo
DOCUMENT_XML = "word/document.xml"
PART_BYTES = 2_000_000  # of body XML per part: ~120 绩效目标表, LibreOffice stays under 250 MB
SECONDS = 60  # LibreOffice's time to start, and for each part (each takes a few seconds)

# Where LibreOffice installs itself when it is not on PATH.
SOFFICE_PLACES = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)
ADVICE = "；Word 打开时会提示更新目录"


class NoPageNumbers(PbgenError):
    """Why the DOCX 目录 has no page numbers (the DOCX is made all the same)."""


def libreoffice() -> str | None:
    """LibreOffice's soffice: on PATH, else where its installer puts it (Windows, macOS)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((str(path) for path in SOFFICE_PLACES if path.is_file()), None)


def docx_toc_pages(
    docx: bytes, anchors: list[str], first_numbered: str | None, part_bytes: int = PART_BYTES
) -> dict[str, int]:
    """The printed page each bookmarked heading stands on, as LibreOffice lays out this DOCX
    (numbering from the page of the bookmark ``first_numbered``, else from the first page), the
    body laid out in parts of about ``part_bytes`` of XML. Raises ``NoPageNumbers`` saying why
    they cannot be had."""
    soffice, pdfinfo = libreoffice(), shutil.which("pdfinfo")
    if soffice is None or pdfinfo is None:
        missing = "LibreOffice" if soffice is None else "poppler 的 pdfinfo"
        raise NoPageNumbers(
            f"DOCX 的目录没有页码：本机没有 {missing}，无法得知 DOCX 的分页{ADVICE}"
            "（pbgen doctor 说明如何安装）。"
        )
    with tempfile.TemporaryDirectory(prefix="pbgen-toc-") as folder:
        profile = offline_profile(Path(folder) / "profile")
        convert = [*without_network(), soffice, profile, "--headless"]
        convert += ["--convert-to", PDF_WITH_BOOKMARKS]
        seconds = 0
        try:
            parts = cut_docx(docx, Path(folder), part_bytes)
            seconds = SECONDS * (1 + len(parts))
            _run([*convert, "--outdir", folder, *parts], seconds)
            found, before = {}, 0
            for part in parts:
                pdf = part.with_suffix(".pdf")
                for page, name in _destinations(pdfinfo, pdf):
                    found.setdefault(name, before + page)
                before += _pages(pdfinfo, pdf)
        except subprocess.TimeoutExpired:
            raise NoPageNumbers(
                f"DOCX 的目录没有页码：LibreOffice 在 {seconds} 秒内没有排完这份 DOCX{ADVICE}。"
            ) from None
        except (OSError, subprocess.CalledProcessError, ValueError) as error:
            why = error
            if isinstance(error, subprocess.CalledProcessError):
                why = f"{Path(error.cmd[0]).name} 退出码 {error.returncode}"
            raise NoPageNumbers(
                f"DOCX 的目录没有页码：LibreOffice 排版这份 DOCX 失败（{why}）{ADVICE}。"
            ) from None
    # LibreOffice writes each non-alphanumeric character of a name as its hex code: _ → 5F
    named = [*anchors, *([first_numbered] if first_numbered else [])]
    exported = {"".join(c if c.isalnum() else f"{ord(c):02X}" for c in a): a for a in named}
    pages = {exported[name]: page for name, page in found.items() if name in exported}
    lost = [anchor for anchor in named if anchor not in pages]
    if lost:
        raise NoPageNumbers(
            f"DOCX 的目录没有页码：LibreOffice 排出的 DOCX 里没有 {len(lost)} 个目录项的书签"
            f"（{lost[0]} 等）{ADVICE}。"
        )
    first = pages[first_numbered] if first_numbered else 1
    return {anchor: pages[anchor] - first + 1 for anchor in anchors}


# LibreOffice's own settings for the documents it opens here: no linked content fetched (a
# picture's URL), no link updated, no macro run. The DOCX holds no such link (docx_links):
# these hold should one get through, and ``without_network`` holds should these not.
OFFLINE_SETTINGS = {
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): "3",
    ("org.openoffice.Office.Writer/Content/Update", "Link"): "2",  # never
    ("org.openoffice.Office.Writer/Content/Update", "Field"): "false",
}


def offline_profile(folder: Path) -> str:
    """A fresh LibreOffice profile in ``folder`` with ``OFFLINE_SETTINGS``; the argument that
    names it."""
    items = "".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for (path, name), value in OFFLINE_SETTINGS.items()
    )
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{items}</oor:items>\n',
        encoding="utf-8",
    )
    return f"-env:UserInstallation={folder.as_uri()}"


@cache
def without_network() -> list[str]:
    """The command that runs LibreOffice with no network at all, where the system allows it:
    Linux ``unshare`` into a network namespace of its own (as an unprivileged user through a
    user namespace). Elsewhere, or where namespaces are not allowed: nothing (the profile's
    settings and the DOCX without links still hold)."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return []
    for command in ([unshare, "-n"], [unshare, "-rn"]):
        try:
            probe = subprocess.run([*command, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return command
    return []


def _run(command: list, seconds: float) -> None:
    """Run LibreOffice; if it fails to finish in time, or pbgen is stopped meanwhile, end it
    with every process it started: ``soffice`` is a launcher, and the ``soffice.bin`` it starts
    would otherwise lay out on, for minutes, after pbgen has gone."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        code = process.wait(seconds)
    finally:
        if process.returncode is None:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait()
    if code:
        raise subprocess.CalledProcessError(code, command)


def _destinations(pdfinfo: str, pdf: Path) -> list[tuple[int, str]]:
    """(page, name) of each named destination of the PDF."""
    listing = _pdfinfo(pdfinfo, "-dests", pdf)
    matches = (DESTINATION.match(line) for line in listing.splitlines())
    return [(int(match["page"]), match["name"]) for match in matches if match]


def _pages(pdfinfo: str, pdf: Path) -> int:
    match = PAGES.search(_pdfinfo(pdfinfo, pdf))
    if match is None:
        raise ValueError(f"pdfinfo 读不出 {pdf.name} 的页数")
    return int(match.group(1))


def _pdfinfo(pdfinfo: str, *arguments) -> str:
    return subprocess.run(
        [pdfinfo, *map(str, arguments)], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def cut_docx(docx: bytes, folder: Path, part_bytes: int = PART_BYTES) -> list[Path]:
    """The DOCX as parts of about ``part_bytes`` of body XML written into ``folder``
    (part-001.docx, …): cut before a paragraph that starts a new page, after the last
    section break (so that every cut lies in the section the body's own ``w:sectPr`` closes),
    and never right after it. Each part is the whole package but for its share of the body."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        starts_page = _page_breaking_styles(package.read("word/styles.xml"))
        with tempfile.TemporaryFile(dir=folder) as body:
            head, cuts, closing = _body_and_cuts(package, body, starts_page, part_bytes)
            end = body.tell()
            bounds = [0, *cuts, end]
            parts = []
            for number, (start, stop) in enumerate(itertools.pairwise(bounds), 1):
                body.seek(start)
                xml = [head, b"<w:body>", body.read(stop - start)]
                if stop != end:
                    xml.append(closing)
                xml.append(b"</w:body></w:document>")
                parts.append(_write_part(package, folder / f"part-{number:03}.docx", xml))
    return parts


def _body_and_cuts(package: zipfile.ZipFile, body, starts_page, part_bytes: int):
    """Write the body's children into ``body``; return what precedes ``<w:body>``, the
    offsets where parts begin, and the body's closing ``w:sectPr``."""
    with package.open(DOCUMENT_XML) as source:
        first = source.read(1 << 16)
        head, found, _ = first.partition(b"<w:body>")
        if not found:
            raise ValueError("word/document.xml 的格式出乎意料")
        pieces = itertools.chain([first], iter(lambda: source.read(1 << 16), b""))
        # where paragraphs that start a page begin; where the last section break ends
        candidates, last_break, closing, inherited = [], 0, b"", None
        for parent, node in complete_children(pieces, qn("w:body")):
            inherited = inherited if inherited is not None else declarations(parent)
            xml = serialized(node, inherited)
            if node.tag == qn("w:p") and _starts_page(node, starts_page):
                candidates.append(body.tell())
            body.write(xml)
            if node.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                last_break = body.tell()
            if node.tag == qn("w:sectPr"):
                closing = xml
    cuts = []
    for offset in candidates:
        if offset > last_break and offset - (cuts[-1] if cuts else 0) >= part_bytes:
            cuts.append(offset)
    return head, cuts, closing


def _write_part(package: zipfile.ZipFile, path: Path, document_xml: list[bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as part:
        for item in package.infolist():
            if item.filename == DOCUMENT_XML:
                with part.open(item.filename, "w") as entry:
                    for xml in document_xml:
                        entry.write(xml)
            else:
                part.writestr(item.filename, package.read(item.filename))
    return path


def _page_breaking_styles(styles_xml: bytes) -> dict[str, bool]:
    """Paragraph style → whether it starts a new page (``pageBreakBefore``, its own or that
    of the style it is based on); "" is the default paragraph style's."""
    styles = {
        style.get(qn("w:styleId")): style
        for style in etree.fromstring(styles_xml).iter(qn("w:style"))
        if style.get(qn("w:type")) == "paragraph"
    }

    def breaks(style_id: str, depth: int = 0) -> bool:
        style = styles.get(style_id)
        if style is None or depth > 20:
            return False
        own = style.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
        if own is not None:
            return _on(own)
        based = style.find(qn("w:basedOn"))
        return based is not None and breaks(based.get(qn("w:val")), depth + 1)

    found = {style_id: breaks(style_id) for style_id in styles}
    defaults = [s for s, style in styles.items() if style.get(qn("w:default")) in ("1", "true")]
    found[""] = bool(defaults) and found[defaults[0]]
    return found


def _starts_page(paragraph, starts_page: dict[str, bool]) -> bool:
    own = paragraph.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
    if own is not None:
        return _on(own)
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return starts_page.get(style.get(qn("w:val")) if style is not None else "", False)


def _on(element) -> bool:
    """A Word on/off property: on unless its w:val says 0, false or off."""
    return element.get(qn("w:val"), "1") not in ("0", "false", "off")
