"""PDF from the layout's HTML template and CSS, with WeasyPrint.

WeasyPrint is loaded only when a PDF is made (``pbgen.pdf_engine``), so `pbgen check` never
pays for it. The renderer fetches nothing outside the template folder: a filing's text can
never pull in a file or a URL. What a document needs from its page breaks (rows continued
「（续）」, merged cells restarted) its template declares (``pbgen.paging``); a long document is
laid out in parts where its template allows (``pbgen.parts``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
import markupsafe

from pbgen import paging, parts
from pbgen.context.text import printable
from pbgen.errors import PbgenError
from pbgen.linebreak import balanced_lines, capacity
from pbgen.output import Output
from pbgen.pdf_engine import font_configuration, load_weasyprint
from pbgen.templating import FolderLoader, explain, in_template, sandboxed

USER_AGENT_CSS = "common/ua.css"
PORTRAIT_TABLE_PT = 442.2  # a table across the 156 mm 版心 of A4 portrait


class RenderedPdf:
    """A PDF laid out: its page count, the printed page number of each anchor (numbering
    starts at 第一部分), and its bytes, written when first asked for — a layout that paging
    replaces (``pbgen.paging``) is never written (writing is a third of the time)."""

    def __init__(self, pages: int, toc_pages: dict[str, int], write: Callable[[], bytes]):
        self.pages, self.toc_pages, self._write = pages, toc_pages, write

    @cached_property
    def data(self) -> bytes:
        data, self._write = self._write(), None
        return data


def _printable(value):
    """Every printed value without control characters; template markup stays markup; a very
    long text in pieces (``_in_pieces``)."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(printable(value))
    if isinstance(value, str):
        value = printable(value)
        return _in_pieces(value) if len(value) > LONG else value
    return value


LONG, PIECE = 4000, 500  # characters: no real paragraph is that long; a hostile one may be
BREAKABLE = re.compile(r"[\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef。，；：、]")


def _in_pieces(text: str) -> markupsafe.Markup:
    """A text of over 4000 characters as adjacent spans of ~500, each cut after a
    character a line may break after (CJK, a space). WeasyPrint breaks lines by re-encoding
    the rest of a text box for every line: one 200,000-character box cost 90 s (quadratic),
    the spans keep it linear and print the same."""
    pieces, start = [], 0
    while len(text) - start > PIECE:
        cut = next(
            (i + 1 for i in range(start + PIECE, min(start + 2 * PIECE, len(text)))
             if BREAKABLE.match(text, i)),
            start + 2 * PIECE,
        )  # fmt: skip
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return markupsafe.Markup("").join(
        markupsafe.Markup("<span>{}</span>").format(piece) for piece in pieces
    )


def _balanced(text, percent: float, table_pt: float = PORTRAIT_TABLE_PT):
    """Jinja filter ``text | balanced(column percent[, table width in pt])``: the cell's text,
    with line breaks where it would otherwise end in one hanzi (``pbgen.linebreak``)."""
    lines = balanced_lines(str(text), capacity(percent, table_pt))
    return markupsafe.Markup("<br>").join(
        _in_pieces(line) if len(line) > LONG else line for line in lines
    )


@cache
def _environment(template_dir: Path):
    environment = sandboxed(template_dir, autoescape=True, trim_blocks=False, finalize=_printable)
    environment.filters["balanced"] = _balanced
    return environment


def render_html(context, template_dir: Path, name: str = "document.html.j2") -> str:
    """The layout's HTML, every string escaped, the template sandboxed (``pbgen.templating``)."""
    fields = asdict(context) if is_dataclass(context) else dict(context)
    try:
        template = _environment(template_dir.resolve()).get_template(name)
        return template.render(**fields)
    except jinja2.TemplateNotFound as missing:
        raise PbgenError(
            f"模板文件夹 {template_dir}（或旁边的 common/）里没有 {missing.name}。"
        ) from None
    except jinja2.TemplateError as error:
        raise explain(error, template_dir / name) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as error:
        if not in_template(error):
            raise  # a fault of pbgen itself
        raise explain(error, template_dir / name) from None


def _fetcher_inside(folder: Path):
    """A WeasyPrint URL fetcher that serves files under ``folder`` and refuses all else."""
    root = folder.resolve()

    class TemplateFolderFetcher(load_weasyprint().urls.URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file" and Path(unquote(parsed.path)).resolve().is_relative_to(
                root
            ):
                return super().fetch(url, headers)
            raise ValueError(f"pbgen fetches nothing outside the template folder: {url}")

    return TemplateFolderFetcher(allowed_protocols={"file"})


def user_agent_stylesheet(template_dir: Path) -> Path | None:
    """The templates' own user-agent stylesheet, found like every other template file."""
    return FolderLoader(template_dir).find(USER_AGENT_CSS)


@cache
def _document_class(user_agent_css: Path | None):
    """WeasyPrint's HTML, styled by ``user_agent_css`` instead of WeasyPrint's html5_ua.css.

    The override is of a private method: should WeasyPrint rename it, documents simply get
    WeasyPrint's own stylesheet again, whose rules ours are a subset of."""
    html = load_weasyprint().HTML
    if user_agent_css is None:
        return html
    stylesheet = load_weasyprint().CSS(filename=user_agent_css)

    class TemplateDocument(html):
        def _ua_stylesheets(self, forms=False):
            return [stylesheet]

    return TemplateDocument


def render(context: dict, layout, timestamp) -> Output:
    """The layout's PDF (the ``pdf`` format): laid out again where its template declares that
    its tables follow their page breaks (``pbgen.paging``); PDF/A-2b and tagged where its
    manifest says ``pdfa`` (``pdf_options``). The bytes do not depend on ``timestamp``:
    WeasyPrint writes none."""
    folder, options = layout.folder, pdf_options(layout.manifest)
    pdf = paging.paged(
        context,
        lambda context: render_html(context, folder),
        lambda context, html: render_pdf(context, folder, html, options),
        lambda context, from_first_mark: lay_out_only(context, folder, from_first_mark),
    )
    return Output(pdf.data, pdf.pages)


PDF_A = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}


def pdf_options(manifest) -> dict:
    """How WeasyPrint writes the layout's PDF: as PDF/A-2b (the archival standard: XMP
    identification, an sRGB output intent, every font embedded) and tagged (a structure tree
    a screen reader follows) when the manifest says ``pdfa``; as WeasyPrint's plain PDF else."""
    return dict(PDF_A) if manifest.pdfa else {}


def render_pdf(
    context, template_dir: Path, html: str | None = None, options: dict | None = None
) -> RenderedPdf:
    """Lay out and write the PDF — a long one in parts (``pbgen.parts``) — with WeasyPrint's
    ``options`` (``pdf_options``); report on which printed page each anchor landed, counting
    from the page the template marks ``data-pbgen-page-one`` (from the first page when it
    marks none). ``html``: the template already rendered with ``context``."""
    options = options or {}
    html = html if html is not None else render_html(context, template_dir)
    first_numbered = paging.declared(html).page_one
    split = parts.split(html)
    if len(split) == 1:
        document = _lay_out(_source(html, template_dir), template_dir)
        toc_pages = _anchor_pages(document.pages, first_numbered)
        write = functools.partial(document.write_pdf, **options)
        return RenderedPdf(len(document.pages), toc_pages, write)
    del html
    laid, toc_pages = parts.lay_out_parts(
        split,
        lambda text, css: _lay_out(_source(text, template_dir), template_dir, css),
        first_numbered,
        options=options,
    )
    del split
    data = parts.join(laid, load_weasyprint().Document.make_bookmark_tree)
    return RenderedPdf(sum(part.pages for part in laid), toc_pages, lambda: data)


ROW_GROUP_WITH_ID = re.compile(r"<(?:thead|tbody|tfoot)\b[^>]*\sid\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Placed:
    """Where a document's content landed, laid out but not written (what finding page breaks
    needs, without the cost of a PDF)."""

    anchors: dict[str, int]  # id → index of the page it begins on
    row_groups: list[list[str]]  # each page's table row groups with an id (<tbody id>), in order


def lay_out_only(context, template_dir: Path, from_first_mark: bool = False) -> Placed:
    """The document laid out, or only from its first ``data-pbgen-part`` on (as the part that
    begins there is laid out, ``pbgen.parts``); its pages let go once read (``Placed``). A
    document with no table row group that has an id has nothing to place and is not laid out:
    its template pages no rows (the 绩效文本 laid out whole here took 1.2 GB at 1000 projects)."""
    html = render_html(context, template_dir)
    if not ROW_GROUP_WITH_ID.search(html):
        return Placed(anchors={}, row_groups=[])
    if from_first_mark:
        html = parts.from_first_mark(html)
    document = _lay_out(_source(html, template_dir), template_dir)
    return Placed(
        anchors={name: index for index, page in enumerate(document.pages) for name in page.anchors},
        row_groups=[_row_groups(page) for page in document.pages],
    )


def _row_groups(page) -> list[str]:
    """The ids of the table row groups with a part on the page, in order: the first is one
    that goes on from the page before when that page has it too, which a page's anchors (where
    each element begins) cannot tell. Read from the page's box tree, WeasyPrint's own and not
    public (pbgen keeps to WeasyPrint 70.x; tests/layouts/test_gongkai.py pages with it)."""
    boxes = load_weasyprint().formatting_structure.boxes
    return [
        box.element.get("id")
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TableRowGroupBox)
        and box.element is not None
        and box.element.get("id")
    ]


def _source(html: str, template_dir: Path):
    """The HTML as WeasyPrint reads it: the template folder's base URL, fetching nothing
    outside it, styled by the templates' own user-agent stylesheet."""
    base = template_dir.resolve().as_uri() + "/"
    document_class = _document_class(user_agent_stylesheet(template_dir))
    return document_class(string=html, base_url=base, url_fetcher=_fetcher_inside(template_dir))


# Break avoidance (a signature kept with the row before it, a row never split) is a wish:
# WeasyPrint treats it as a must, and when the boxes it must keep together are taller than a
# page it fails (``assert not page_is_empty``). Such a filing is laid out again without them.
RELAXED_BREAKS = """
* { break-before: auto !important; break-after: auto !important;
    break-inside: auto !important; }
"""


def _lay_out(source, template_dir: Path, css: str = ""):
    """The laid-out document, with ``css`` added to the template's."""
    extra = [load_weasyprint().CSS(string=css, font_config=font_configuration())] if css else []
    try:
        return _without_blank_pages(
            source.render(stylesheets=extra, font_config=font_configuration())
        )
    except AssertionError:
        pass
    relaxed = load_weasyprint().CSS(string=RELAXED_BREAKS, font_config=font_configuration())
    try:
        return _without_blank_pages(
            source.render(stylesheets=[*extra, relaxed], font_config=font_configuration())
        )
    except AssertionError:
        raise PbgenError(
            f"PDF 排版失败（模板 {template_dir}）：有一段内容无法排进一页，"
            "常见原因是一个单元格里的文字太长。请精简最长的那段文字，或分成几项。"
        ) from None


def _without_blank_pages(document):
    """The document without the blank pages WeasyPrint adds to start content on its side
    (``break-before: right``): a page's side follows its number (GB/T 9704 7.5, odd pages'
    numbers right), and a PDF has no sheets to keep in step. Read from the page's box tree,
    WeasyPrint's own (pbgen keeps to WeasyPrint 70.x)."""
    document.pages[:] = [page for page in document.pages if not page._page_box.page_type.blank]
    return document


def _anchor_pages(pages, first_numbered: str | None) -> dict[str, int]:
    where = {anchor: index for index, page in enumerate(pages) for anchor in page.anchors}
    offset = where.get(first_numbered, 0)
    return {anchor: index - offset + 1 for anchor, index in where.items()}
