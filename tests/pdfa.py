"""What a PDF/A-2b validator (veraPDF) and a tagged-PDF checker would look at, read with pikepdf:
no full validator installs here. ``pdfa_problems`` names each rule a PDF breaks.

- the file: PDF 1.7 at most, not encrypted, an /ID in its trailer, no JavaScript;
- XMP metadata identifying PDF/A-2B (pdfaid:part 2, pdfaid:conformance B), agreeing with the
  document information dictionary on what both say (title, producer, …);
- an output intent GTS_PDFA1 carrying an ICC profile whose colour space has the profile's
  number of components;
- every font embedded (its program in its descriptor), in page, form and annotation resources;
- every annotation printed (flag 4), never hidden;
- tagged: /MarkInfo /Marked true, /Lang, a structure tree whose every element leads back to
  its root, and on every page each marked-content id found in the content stream belongs, in
  the parent tree under the page's /StructParents, to an element of that page; each link's
  /StructParent to an element.
"""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pikepdf

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
# document information key → its XMP property (ISO 19005-2, 6.6.2.3.2)
INFO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Producer": "pdf:Producer",
    "/Creator": "xmp:CreatorTool",
}
ICC_SPACES = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}


def pdfa_problems(data: bytes) -> list[str]:
    """Each PDF/A-2b or tagged-PDF rule the PDF breaks, in words; none for a good one."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        problems += _file(pdf, data)
        problems += _metadata(pdf)
        problems += _output_intent(pdf)
        problems += _fonts(pdf)
        problems += _annotations(pdf)
        problems += _structure(pdf)
    return problems


def _file(pdf, data: bytes) -> list[str]:
    found = []
    if pdf.pdf_version > "1.7":
        found.append(f"PDF {pdf.pdf_version}: PDF/A-2 is PDF 1.7 at most")
    if pdf.is_encrypted:
        found.append("encrypted")
    identifier = pdf.trailer.get("/ID")
    if not isinstance(identifier, pikepdf.Array) or len(identifier) != 2:
        found.append("no /ID in the trailer")
    if b"/JavaScript" in data or b"/JS " in data:
        found.append("JavaScript")
    return found


def _metadata(pdf) -> list[str]:
    if "/Metadata" not in pdf.Root:
        return ["no XMP metadata in the catalogue"]
    found = []
    with pdf.open_metadata() as xmp:
        if (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) != ("2", "B"):
            found.append(
                f"XMP pdfaid {xmp.get('pdfaid:part')}{xmp.get('pdfaid:conformance')}, not 2B"
            )
        for key, prop in INFO_XMP.items():
            if key in pdf.docinfo:
                said = str(pdf.docinfo[key])
                there = xmp.get(prop)
                there = ", ".join(there) if isinstance(there, list | set) else there
                if said != there:
                    found.append(f"info {key} {said!r} but XMP {prop} {there!r}")
    ElementTree.fromstring(pdf.Root.Metadata.read_bytes().split(b"?>", 1)[1].rsplit(b"<?", 1)[0])
    return found


def _output_intent(pdf) -> list[str]:
    intents = [
        intent
        for intent in pdf.Root.get("/OutputIntents", [])
        if intent.get("/S") == pikepdf.Name.GTS_PDFA1
    ]
    if not intents:
        return ["no output intent GTS_PDFA1"]
    profile = intents[0].get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        return ["the output intent has no ICC profile"]
    icc = profile.read_bytes()
    if icc[36:40] != b"acsp":
        return ["the output intent's profile is not an ICC profile"]
    if ICC_SPACES.get(icc[16:20]) != int(profile.get("/N", 0)):
        return [f"the ICC profile's colour space {icc[16:20]!r} and /N {profile.get('/N')}"]
    return []


def _resources(pdf):
    """Every resource dictionary: pages', their forms' (nested), annotations' appearances."""
    seen: set = set()

    def walk(resources):
        if not isinstance(resources, pikepdf.Dictionary):
            return
        key = resources.objgen if resources.is_indirect else id(resources)
        if key in seen:
            return
        seen.add(key)
        yield resources
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form:
                yield from walk(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", []):
            for appearance in annotation.get("/AP", {}).values():
                if isinstance(appearance, pikepdf.Stream):
                    yield from walk(appearance.get("/Resources"))


def _fonts(pdf) -> list[str]:
    found = []
    for resources in _resources(pdf):
        for font in resources.get("/Font", {}).values():
            if font.get("/Subtype") == pikepdf.Name.Type3:
                continue  # its glyphs are content streams
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                found.append(f"font {font.get('/BaseFont')} not embedded")
    return sorted(set(found))


def _annotations(pdf) -> list[str]:
    found = []
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.obj.get("/Annots", []):
            flags = int(annotation.get("/F", 0))
            if not flags & 4 or flags & 2:
                found.append(f"page {number}: an annotation not printed (flags {flags})")
    return found


def _structure(pdf) -> list[str]:
    root = pdf.Root
    if root.get("/MarkInfo", {}).get("/Marked") is not True:
        return ["not marked as tagged (/MarkInfo /Marked true)"]
    if "/StructTreeRoot" not in root:
        return ["no structure tree"]
    found = [] if "/Lang" in root else ["no /Lang"]
    tree = root.StructTreeRoot
    parents = dict(pikepdf.NumberTree(tree.ParentTree).items())
    for number, page in enumerate(pdf.pages, 1):
        ids = _marked_ids(page)
        if not ids:
            continue
        if "/StructParents" not in page.obj:
            found.append(f"page {number}: marked content, no /StructParents")
            continue
        elements = parents.get(int(page.obj.StructParents))
        if not isinstance(elements, pikepdf.Array):
            found.append(f"page {number}: no parent tree entry {page.obj.StructParents}")
            continue
        for mcid in ids:
            element = elements[mcid] if mcid < len(elements) else None
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                found.append(f"page {number}: marked content {mcid} has no element")
            elif _page_of(element) != page.obj.objgen:
                found.append(f"page {number}: marked content {mcid}'s element is of another page")
            elif not _leads_to(element, tree):
                found.append(f"page {number}: marked content {mcid}'s element is not in the tree")
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                element = parents.get(int(annotation.StructParent))
                if not isinstance(element, pikepdf.Dictionary) or not _leads_to(element, tree):
                    found.append(f"page {number}: a link's element is not in the tree")
    return found


def _marked_ids(page) -> list[int]:
    """The marked-content ids (``/MCID``) of a page's content stream, in order."""
    return [
        int(operands[1].MCID)
        for operands, operator in pikepdf.parse_content_stream(page)
        if str(operator) == "BDC"
        and isinstance(operands[1], pikepdf.Dictionary)
        and "/MCID" in operands[1]
    ]


def _page_of(element):
    while isinstance(element, pikepdf.Dictionary):
        if "/Pg" in element:
            return element.Pg.objgen
        element = element.get("/P")
    return None


def _leads_to(element, tree) -> bool:
    for _ in range(1000):
        parent = element.get("/P")
        if parent is None:
            return False
        if parent.objgen == tree.objgen:
            return True
        element = parent
    return False
