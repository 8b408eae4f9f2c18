"""A long PDF laid out in parts, one after another, and joined.

WeasyPrint keeps every page of a document laid out in memory until it writes the PDF: about
1 MB a page, so a 绩效文本 of 5000 projects needed 7.7 GB, and its time per page grew with the
document. A template says where its document may be cut: ``data-pbgen-part`` on an element
that begins a page of its own (each 绩效目标表 after the first, each row that begins a page of
the 公开表). pbgen then lays the document out in parts of ``PART_MARKS`` such elements, each
part a document of its own — the same ``<head>``, the elements around the cut opened again
(without their ids), and in them what is marked ``data-pbgen-repeat`` (a table's ``<colgroup>``
and ``<thead>``: a table cut between its rows goes on with its columns and header) — writes
each part's PDF and lets its pages go, and joins the PDFs into one, with one outline and one set
of named destinations. Memory stays that of one part; time grows with the pages.

What crosses a cut, so the joined PDF reads as one document:

- page numbers: a part's first page gets the number it has in the whole document;
- ``target-counter(…, page)`` and links to an anchor in another part (the 目录): the part gets a
  stand-in for the anchor, an empty element whose own ``page`` counter is the anchor's page
  number, which ``target-counter`` prefers to the page's; a part laid out before those numbers
  were known is laid out again once they are;
- the PDF outline (bookmarks), nested across parts as in one document.

Nothing else does: a CSS counter, a ``+`` or ``:nth-child`` selector or a running ``string()``
sees only its own part. Each part embeds the glyphs it uses, so a joined PDF carries several
subsets of a font.
"""

from __future__ import annotations

import html as html_text
import io
import itertools
import re
import warnings
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import unquote

MARK = "data-pbgen-part"
REPEAT = "data-pbgen-repeat"  # copied, without ids, into the elements a later part opens again
PART_MARKS = 40  # marked elements (绩效目标表) a part holds: ~45 pages, ~60 MB laid out

TAG = re.compile(
    r"<!--.*?-->|<(?P<end>/?)(?P<name>[A-Za-z][\w:-]*)(?P<attributes>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)
ATTRIBUTE = re.compile(
    r"""\s(?P<name>[\w:-]+)(?:\s*=\s*(?:"(?P<q>[^"]*)"|'(?P<a>[^']*)'|(?P<u>[^\s>]+)))?"""
)
RAW_TEXT = {"script", "style", "title", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}  # fmt: skip
# Start tags that end an open <p> (HTML's implied end tag), so a cut never reopens one.
CLOSES_P = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul",
}  # fmt: skip


@dataclass(frozen=True)
class Part:
    """One part's HTML, split at ``body`` (where stand-ins go), its anchors and links."""

    head: str  # up to and including <body …>
    body: str
    ids: frozenset[str]
    links: frozenset[str]  # anchors its internal links (href="#…") name


def split(html: str, every: int | None = None) -> list[Part]:
    """The document in parts: the first up to the first marked element (front matter and
    everything before it), then ``every`` marked elements a part. One part when the document
    has no more than ``every`` marked elements, or no ``<body>`` start tag."""
    every = every or PART_MARKS
    body_at, cuts, ids, links = _scan(html)
    if body_at is None or len(cuts) <= every:
        return [_part(html, body_at or 0, len(html), "", "", body_at or 0, ids, links)]
    chosen = cuts[::every]
    parts = []
    bounds = [None, *chosen, None]
    for before, after in itertools.pairwise(bounds):
        start = before.at if before else body_at
        end = after.at if after else len(html)
        opened = "".join(reopen for _, reopen in before.open) if before else ""
        closed = "".join(f"</{name}>" for name, _ in reversed(after.open)) if after else ""
        parts.append(_part(html, start, end, opened, closed, body_at, ids, links))
    return parts


def from_first_mark(html: str) -> str:
    """The document from its first marked element on, as the part that begins there is laid
    out (the whole document when nothing is marked)."""
    body_at, cuts, ids, links = _scan(html)
    if body_at is None or not cuts:
        return html
    opened = "".join(reopen for _, reopen in cuts[0].open)
    part = _part(html, cuts[0].at, len(html), opened, "", body_at, ids, links)
    return part.head + part.body


@dataclass(frozen=True)
class _Cut:
    at: int  # where the marked element's start tag begins
    open: tuple[tuple[str, str], ...]  # (name, what opens it again) of the elements around it


@dataclass
class _Open:
    """An element open at this point of <body>, and what a part cut inside it opens it with:
    its start tag without id, then the children marked ``data-pbgen-repeat`` seen so far."""

    name: str
    at: int  # where its start tag begins
    reopen: str
    repeat: bool  # it is marked data-pbgen-repeat itself


def _scan(html: str):
    """Where <body …> ends, the cuts, and each id and internal link with its offset."""
    body_at, stack, cuts, ids, links = None, [], [], [], []
    position = 0
    while (tag := TAG.search(html, position)) is not None:
        position = tag.end()
        name = (tag["name"] or "").lower()
        if not name:
            continue  # a comment
        if tag["end"]:
            names = [element.name for element in stack]
            if name in names:
                index = len(names) - 1 - names[::-1].index(name)
                if stack[index].repeat and index:
                    stack[index - 1].reopen += _without_ids(html[stack[index].at : tag.end()])
                del stack[index:]
            continue
        found = attributes(tag["attributes"])
        if "id" in found:
            ids.append((tag.start(), found["id"]))
        if found.get("href", "").startswith("#"):
            links.append((tag.start(), unquote(found["href"][1:])))
        if name == "body":
            body_at, stack = tag.end(), []
        elif body_at is not None:
            if name in CLOSES_P and stack and stack[-1].name == "p":
                stack.pop()
            if MARK in found:
                cuts.append(_Cut(tag.start(), tuple((e.name, e.reopen) for e in stack)))
            if name not in VOID and not tag.group().endswith("/>"):
                reopen = _without_id(tag.group())
                stack.append(_Open(name, tag.start(), reopen, REPEAT in found))
        if name in RAW_TEXT:  # its text is not markup: go on after its end tag
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, position)
            position = end.end() if end else len(html)
            if stack and stack[-1].name == name:
                stack.pop()
    return body_at, cuts, ids, links


def attributes(text: str) -> dict[str, str]:
    """A start tag's attributes (the text after its name): name → value, unescaped."""
    return {
        match["name"].lower(): html_text.unescape(match["q"] or match["a"] or match["u"] or "")
        for match in ATTRIBUTE.finditer(text)
    }


def _without_id(tag: str) -> str:
    """A start tag opened again in a later part: its id stays where it was first."""
    return re.sub(r"""\sid\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", "", tag, count=1)


def _without_ids(html: str) -> str:
    """Markup copied into another part: every start tag without its id."""
    return TAG.sub(
        lambda tag: _without_id(tag.group()) if tag["name"] and not tag["end"] else tag.group(),
        html,
    )


def _part(html, start, end, opened, closed, body_at, ids, links) -> Part:
    return Part(
        head=html[:body_at],
        body=opened + html[start:end] + closed,
        ids=_between(ids, start, end),
        links=_between(links, start, end),
    )


def _between(found: list[tuple[int, str]], start: int, end: int) -> frozenset[str]:
    """The names found at offsets ``start`` ≤ offset < ``end`` (``found`` is in offset order):
    looked up, not scanned, so that cutting a document with many ids (a 公开表's lines) stays
    linear."""
    low, high = bisect_left(found, (start,)), bisect_left(found, (end,))
    return frozenset(name for _, name in found[low:high])


# -- laying the parts out ---------------------------------------------------------------------


@dataclass
class LaidOut:
    """A part as laid out and written: its PDF, and what the joined PDF needs of its pages."""

    data: bytes
    heights: list[float]  # each page's height, CSS px
    anchors: list[tuple[int, str, float, float]]  # (page, name, x, y) in CSS px
    bookmarks: list[list[tuple]]  # each page's WeasyPrint bookmarks
    inputs: tuple = field(default=())  # what it was laid out with: first page, stand-ins

    @property
    def pages(self) -> int:
        return len(self.heights)


def lay_out_parts(
    parts: list[Part],
    lay_out: Callable[[str, str], object],
    first_numbered: str | None,
    rounds: int = 3,
    options: dict | None = None,
) -> tuple[list[LaidOut], dict[str, int]]:
    """Lay out each part with ``lay_out(html, css)`` (a WeasyPrint document; ``css`` gives its
    first page the number it has in the whole), in order, and again where what it was laid out
    with has changed: its first page number, or the page numbers of the anchors in other parts
    it refers to; write each with WeasyPrint's ``options``. Returns the parts and each anchor's
    printed page number (numbering starts at 1 on the page of ``first_numbered``, or on the
    first page)."""
    laid: list[LaidOut | None] = [None] * len(parts)
    numbers: dict[str, int] = {}
    anchors = frozenset().union(*(part.ids for part in parts))
    guess = len(anchors)  # a page number of the right width, until the real one is known
    for _ in range(rounds):
        changed, start, offset = False, 0, 0
        for index, part in enumerate(parts):
            first = start - offset + 1 if index else 0  # 0: the template numbers the first part
            elsewhere = sorted((part.links - part.ids) & anchors)
            inputs = (first, tuple((name, numbers.get(name, guess)) for name in elsewhere))
            if laid[index] is None or laid[index].inputs != inputs:
                document = lay_out(_with_stand_ins(part, inputs[1]), _numbered(first))
                laid[index], changed = _write(document, inputs, options or {}), True
            if index == 0 and first_numbered is not None:
                offset = next((p for p, name, *_ in laid[0].anchors if name == first_numbered), 0)
            numbers.update(
                (name, start - offset + 1 + page) for page, name, *_ in laid[index].anchors
            )
            start += laid[index].pages
        if not changed:
            break
    return laid, numbers


def _numbered(first: int) -> str:
    """CSS for a part's first page: the number it has in the whole document, and the side that
    number gives it (odd right, even left), so that ``@page :left`` and ``:right`` rules follow
    the numbers across parts as in one document."""
    if not first:
        return ""
    side = "right" if first % 2 else "left"
    return (
        f"@page :first {{ counter-reset: page {first} !important; }}"
        f" :root {{ break-before: {side} !important; }}"
    )


STAND_INS = '<div style="position: absolute; width: 0; height: 0; overflow: hidden">{}</div>'


def _with_stand_ins(part: Part, stand_ins: tuple[tuple[str, int], ...]) -> str:
    """The part's HTML with an empty element for each anchor of another part it links to,
    whose own ``page`` counter is that anchor's page number."""
    if not stand_ins:
        return part.head + part.body
    spans = "".join(
        f'<span id="{html_text.escape(name)}" style="counter-reset: page {number}"></span>'
        for name, number in stand_ins
    )
    return part.head + STAND_INS.format(spans) + part.body


def _write(document, inputs: tuple, options: dict) -> LaidOut:
    """The part's PDF and what is kept of its pages; the laid-out pages are let go."""
    stand_ins = {name for name, _ in inputs[1]}
    return LaidOut(
        data=document.write_pdf(**options),
        heights=[page.height for page in document.pages],
        anchors=[
            (index, name, x, y)
            for index, page in enumerate(document.pages)
            for name, (x, y, *_) in page.anchors.items()
            if name not in stand_ins
        ],
        bookmarks=[list(page.bookmarks) for page in document.pages],
        inputs=inputs,
    )


# -- joining ----------------------------------------------------------------------------------

SCALE = 0.75  # PDF points per CSS px, as WeasyPrint writes
# What a part's catalogue says of the whole document: its language, its metadata (XMP: the
# PDF/A identification), the colour it is printed for (PDF/A's output intent), that it is
# tagged, how a reader opens it.
DOCUMENT_KEYS = ("/Lang", "/Metadata", "/OutputIntents", "/MarkInfo", "/ViewerPreferences")


def join(laid: list[LaidOut], make_bookmark_tree) -> bytes:
    """One PDF of the parts' pages, with the first part's document information and catalogue
    entries (``DOCUMENT_KEYS``: a PDF/A's metadata and output intent), every part's named
    destinations (the 目录's links find their page in any part), one outline nested as in a
    single document (``make_bookmark_tree``: WeasyPrint's ``Document.make_bookmark_tree``, fed
    every page) and, when the parts are tagged, one structure tree. The same parts give the
    same bytes."""
    import pikepdf

    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(part.data)) for part in laid]
    with warnings.catch_warnings():  # that its named destinations are not copied: made below
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        for source in sources:
            joined.pages.extend(source.pages)
    first = sources[0]
    joined.docinfo = joined.copy_foreign(first.docinfo)
    for key in DOCUMENT_KEYS:  # the same in every part: the first part's stand for all
        if key in first.Root:
            joined.Root[key] = _copied(joined, first.Root[key])
    pages = [page.obj for page in joined.pages]
    heights = [height for part in laid for height in part.heights]
    starts = itertools.accumulate((part.pages for part in laid[:-1]), initial=0)
    destinations = {}
    for part, start in zip(laid, starts, strict=True):
        for page, name, x, y in part.anchors:
            destinations.setdefault(name, _destination(pages, heights, start + page, x, y))
    if destinations:
        names = pikepdf.Array(  # made at once: extending a pikepdf.Array copies it each time
            [
                item
                for name in sorted(destinations)
                for item in (pikepdf.String(name), destinations[name])
            ]
        )
        joined.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))
    paged = [
        SimpleNamespace(bookmarks=bookmarks, height=height)
        for part in laid
        for bookmarks, height in zip(part.bookmarks, part.heights, strict=True)
    ]
    tree = make_bookmark_tree(SimpleNamespace(pages=paged), scale=SCALE, transform_pages=True)
    if tree:
        joined.Root.Outlines = _outline(joined, pages, tree)
    if any("/StructTreeRoot" in source.Root for source in sources):
        _join_structure(joined, sources, [part.pages for part in laid])
    output = io.BytesIO()
    joined.save(
        output,
        min_version=first.pdf_version,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,  # 12% smaller
        deterministic_id=True,
    )
    return output.getvalue()


def _copied(pdf, value):
    """``value`` of another PDF, made part of ``pdf`` (a direct object through its parts)."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copied(pdf, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copied(pdf, item) for key, item in value.items()})
    return value


def _join_structure(joined, sources, counts: list[int]) -> None:
    """One structure tree (tagged PDF) of the parts' trees: each part's elements under one
    root and one /Document, in order; each part's keys of the parent tree (a page's
    ``/StructParents``, a link's ``/StructParent``) moved past the keys of the parts before,
    so that every marked piece of every page still finds its element, and every element its
    way up to the root."""
    import pikepdf

    root = joined.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    kids, numbers, offset, start = [], [], 0, 0
    instead = {}  # a part's root, or a part's /Document, → what stands for it in the whole
    for source, count in zip(sources, counts, strict=True):
        part_root = source.Root.get("/StructTreeRoot")
        if part_root is not None:
            copied = joined.copy_foreign(part_root)  # its /Pg are the pages already copied
            instead[copied.objgen] = root
            for page in joined.pages[start : start + count]:
                _move_keys(page.obj, offset)
            entries = dict(pikepdf.NumberTree(copied.ParentTree).items())
            numbers += [item for key in sorted(entries) for item in (key + offset, entries[key])]
            for kid in _as_list(copied.get("/K")):
                if kids and _same_kind(kids[-1], kid):  # a part's /Document goes on the first's
                    instead[kid.objgen] = kids[-1]
                    kids[-1].K = pikepdf.Array([*_as_list(kids[-1].K), *_as_list(kid.K)])
                else:
                    kids.append(kid)
            for key in ("/RoleMap", "/ClassMap"):
                if key in copied and key not in root:
                    root[key] = copied[key]
            offset += max(int(copied.get("/ParentTreeNextKey", 0)), max(entries, default=-1) + 1)
        start += count
    root.K = pikepdf.Array(kids)
    root.ParentTree = joined.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    root.ParentTreeNextKey = offset
    joined.Root.StructTreeRoot = root
    _hang_up(numbers[1::2], instead)


def _hang_up(entries, instead: dict) -> None:
    """Every element of the parent tree ``entries``, and its ancestors, under the whole's root:
    a child of what was replaced (``instead``: a part's root or /Document) becomes a child of
    what replaced it, listed among its kids where that part's kids begin. WeasyPrint leaves
    some out of their parent's kids (the empty elements that stand in, at a part's start, for
    another part's anchors)."""
    import pikepdf

    listed = {
        new.objgen: {kid.objgen for kid in _as_list(new.get("/K")) if _is_element(kid)}
        for new in {id(new): new for new in instead.values()}.values()
    }
    done: set = set()
    for entry in entries:
        for element in _as_list(entry):
            while _is_element(element) and element.objgen not in done:
                done.add(element.objgen)
                parent = element.get("/P")
                if parent is None or parent.objgen not in instead:
                    element = parent
                    continue
                new = instead[parent.objgen]
                element.P = new
                if element.objgen not in listed[new.objgen]:
                    kids = _as_list(new.get("/K"))
                    first = next(
                        (k.objgen for k in _as_list(parent.get("/K")) if _is_element(k)), None
                    )
                    at = next(
                        (i for i, k in enumerate(kids) if _is_element(k) and k.objgen == first),
                        len(kids),
                    )
                    new.K = pikepdf.Array([*kids[:at], element, *kids[at:]])
                    listed[new.objgen].add(element.objgen)
                break


def _is_element(value) -> bool:
    import pikepdf

    return isinstance(value, pikepdf.Dictionary)


def _same_kind(one, other) -> bool:
    """Two top-level structure elements the document has once (WeasyPrint's /Document)."""
    import pikepdf

    return (
        isinstance(one, pikepdf.Dictionary)
        and isinstance(other, pikepdf.Dictionary)
        and one.get("/S") == other.get("/S") == pikepdf.Name.Document
    )


def _move_keys(page, offset: int) -> None:
    """A page's keys of the parent tree, and its annotations', ``offset`` further on."""
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + offset
    for annotation in page.get("/Annots", ()):
        if "/StructParent" in annotation:
            annotation.StructParent = int(annotation.StructParent) + offset


def _as_list(value) -> list:
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _destination(pages, heights, index, x, y):
    import pikepdf

    point = (x * SCALE, (heights[index] - y) * SCALE)
    return pikepdf.Array([pages[index], pikepdf.Name.XYZ, *point, 0])


def _outline(pdf, pages, tree):
    """The outline dictionaries of a bookmark tree ``[(label, (page, x, y), children, state)]``
    (points already in PDF space), as WeasyPrint writes them."""
    import pikepdf

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))

    def add(subtrees, parent) -> int:
        items, shown = [], len(subtrees)
        for label, (page, x, y), children, state in subtrees:
            item = pdf.make_indirect(
                pikepdf.Dictionary(
                    Title=pikepdf.String(label),
                    Dest=pikepdf.Array([pages[page], pikepdf.Name.XYZ, x, y, 0]),
                    Parent=parent,
                )
            )
            count = add(children, item)
            item.Count = -count if state == "closed" else count
            shown += 0 if state == "closed" else count
            if items:
                item.Prev, items[-1].Next = items[-1], item
            items.append(item)
        if items:
            parent.First, parent.Last = items[0], items[-1]
        return shown

    root.Count = add(tree, root)
    return root
