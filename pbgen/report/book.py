"""The combined book: the rendered PDFs of a folder's filings joined into one, behind a cover
and a 目录 giving the book page of each department's first page, with one bookmark per
department and per project. Names in the 目录 and the bookmarks are shown as the report shows
them (``report.text``): a bidi override or a control character written out, never obeyed.

It works from the PDFs as rendered (``pipeline.render_file`` writes them), never from the
renderers: each filing's pages go in as submitted, with their own 「— N —」 numbers, their own
links (renamed, so two filings' 目录 never meet) — the book's page numbers are the PDF's own.
A project's page is found in the filing's outline (the 绩效目标表 bookmarked by the layout),
else in its text (pdftotext), else it is the filing's first page. Joined with pikepdf, as
``pbgen.parts`` joins a long PDF's parts.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pbgen.errors import InputError
from pbgen.load import load
from pbgen.pipeline import RenderFailure
from pbgen.report.charts import FONT_STACK
from pbgen.report.text import shown
from pbgen.resources import templates_dir

HERE = Path(__file__).parent
ANCHOR = "book-{}"  # the 目录's link to a filing's first page


@dataclass
class Chapter:
    """One filing in the book: its PDF as rendered (None: it has none, and is only listed)."""

    file: str
    department: str
    year: int | None
    layout: str
    pdf: Path | None
    projects: list[str] = field(default_factory=list)
    why_not: str = ""  # why it has no PDF
    first_page: int = 0  # in the book, from 1; set by make_book
    pages: int = 0

    @property
    def title(self) -> str:
        """How the 目录 and the bookmarks name it: its department (else its file), year and
        layout, each as the report shows a text (``shown``)."""
        parts = (
            shown(self.department or Path(self.file).name),
            self.year and f"{self.year}年",
            shown(self.layout),
        )
        return " ".join(str(part) for part in parts if part)


def chapters(results) -> list[Chapter]:
    """A chapter per filing rendered by ``pipeline.render_many`` (in the batch's order): its
    PDF, or why it has none."""
    found = []
    for result in results:
        pdf = next((p for p in getattr(result, "outputs", []) if p.suffix == ".pdf"), None)
        try:
            filing = load(result.file).filing
        except InputError:
            found.append(Chapter(result.file, "", None, "", None, why_not="无法读取"))
            continue
        why = (
            ""
            if pdf is not None
            else "未能生成 PDF"
            if isinstance(result, RenderFailure)
            else "版式没有 PDF"
        )
        found.append(
            Chapter(
                result.file,
                filing.department.name,
                filing.year,
                getattr(result, "layout", "") or filing.layout,
                pdf if pdf is not None and pdf.is_file() else None,
                [project.name for project in filing.projects],
                why_not=why,
            )
        )
    return found


def make_book(chapters: list[Chapter], made_on: date, title: str | None = None) -> bytes:
    """The book's PDF."""
    import pikepdf

    sources = [pikepdf.open(chapter.pdf) if chapter.pdf else None for chapter in chapters]
    for chapter, source in zip(chapters, sources, strict=True):
        chapter.pages = len(source.pages) if source else 0
    title = title or _title(chapters)
    front, front_pages = None, 1
    for _ in range(3):  # the 目录's own length moves every page after it
        _number(chapters, front_pages)
        front = _front_matter(chapters, title, made_on)
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    return _join(front, chapters, sources, title)


def _title(chapters: list[Chapter]) -> str:
    years = sorted({c.year for c in chapters if c.year})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}—{years[-1]}" if years else ""
    return f"{span}年部门预算绩效文本汇编" if span else "部门预算绩效文本汇编"


def _number(chapters: list[Chapter], front_pages: int) -> None:
    page = front_pages + 1
    for chapter in chapters:
        chapter.first_page = page if chapter.pages else 0
        page += chapter.pages


def _front_matter(chapters: list[Chapter], title: str, made_on: date):
    """The cover and the 目录, laid out by WeasyPrint (a pikepdf.Pdf of its pages)."""
    import jinja2
    import pikepdf
    import weasyprint

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True)
    environment.filters["shown"] = shown
    html = environment.get_template("book.html.j2").render(
        title=title,
        chapters=chapters,
        anchor=ANCHOR,
        made_on=made_on,
        filings=len(chapters),
        departments=len({c.department for c in chapters if c.department}),
        pages=sum(c.pages for c in chapters),
        sans=FONT_STACK,
    )
    base = weasyprint.CSS(filename=str(templates_dir() / "common" / "base.css"))
    document = weasyprint.HTML(string=html, url_fetcher=_nothing).render(stylesheets=[base])
    return pikepdf.open(io.BytesIO(document.write_pdf()))


def _nothing(url: str, *args, **kwargs):
    raise ValueError(f"合订本的封面和目录不读取任何外部文件：{url}")


def _join(front, chapters: list[Chapter], sources: list, title: str) -> bytes:
    import pikepdf

    book = pikepdf.new()
    with warnings.catch_warnings():  # named destinations are carried over below, renamed
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        book.pages.extend(front.pages)
        for source in sources:
            if source is not None:
                book.pages.extend(source.pages)
    pages = list(book.pages)
    destinations: dict[str, pikepdf.Array] = {}
    for index, chapter in enumerate(chapters):
        if chapter.pages:
            destinations[ANCHOR.format(index)] = _top(pages[chapter.first_page - 1])
    for index, (chapter, source) in enumerate(zip(chapters, sources, strict=True)):
        if source is not None:
            prefix = f"c{index}-"
            own = _named(source)
            start = chapter.first_page - 1
            for name, (page, rest) in own.items():
                destinations[prefix + name] = pikepdf.Array([pages[start + page].obj, *rest])
            for page in pages[start : start + chapter.pages]:
                _rename_links(page, prefix)
    names = pikepdf.Array(
        [
            item
            for name in sorted(destinations)
            for item in (pikepdf.String(name), destinations[name])
        ]
    )
    book.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))
    _outline(book, pages, chapters, sources)
    book.docinfo["/Title"] = pikepdf.String(title)
    book.docinfo["/Creator"] = pikepdf.String("pbgen")
    output = io.BytesIO()
    book.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return output.getvalue()


def _top(page):
    import pikepdf

    height = float(page.mediabox[3])
    return pikepdf.Array([page.obj, pikepdf.Name.XYZ, 0, height, 0])


def _named(source) -> dict[str, tuple[int, list]]:
    """A filing's named destinations: name → (its page's index, the rest of the destination)."""
    import pikepdf

    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return {}
    index = {page.objgen: n for n, page in enumerate(source.pages)}
    found = {}
    for name, target in pikepdf.NameTree(source.Root.Names.Dests).items():
        target = target.get("/D", target) if isinstance(target, pikepdf.Dictionary) else target
        if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
            found[str(name)] = (index[target[0].objgen], list(target[1:]))
    return found


def _rename_links(page, prefix: str) -> None:
    """A filing's own links (its 目录) name its destinations under its prefix."""
    import pikepdf

    for annotation in page.obj.get("/Annots", []):
        if annotation.get("/Subtype") != "/Link":
            continue
        if isinstance(annotation.get("/Dest"), pikepdf.String):
            annotation.Dest = pikepdf.String(prefix + str(annotation.Dest))
        action = annotation.get("/A")
        if action is not None and isinstance(action.get("/D"), pikepdf.String):
            action.D = pikepdf.String(prefix + str(action.D))


def _outline(book, pages, chapters: list[Chapter], sources: list) -> None:
    """目录, then one bookmark per filing, each with one per project."""
    import pikepdf

    with book.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("目录", 1))
        for chapter, source in zip(chapters, sources, strict=True):
            if not chapter.pages:
                continue
            item = pikepdf.OutlineItem(chapter.title, chapter.first_page - 1)
            for name, page in zip(chapter.projects, _project_pages(chapter, source), strict=True):
                item.children.append(
                    pikepdf.OutlineItem(shown(name), chapter.first_page - 1 + page)
                )
            outline.root.append(item)


def _project_pages(chapter: Chapter, source) -> list[int]:
    """Each project's page in its filing: from the filing's outline (the last bookmark naming
    it: a 绩效目标表 comes after the 分项绩效目标 that may name it too), else the first page
    whose text holds its name, else the first page."""
    marks = _bookmarks(source)
    texts = None
    found = []
    for name in chapter.projects:
        key = _squeezed(name)
        pages = [page for title, page in marks if key and key in _squeezed(title)]
        if not pages:
            texts = texts if texts is not None else _page_texts(chapter.pdf)
            pages = [next((n for n, text in enumerate(texts) if key and key in text), 0)]
        found.append(pages[-1])
    return found


def _bookmarks(source) -> list[tuple[str, int]]:
    index = {page.objgen: n for n, page in enumerate(source.pages)}
    found = []
    with source.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            target = item.destination
            if target is not None and len(target) and target[0].objgen in index:
                found.append((item.title, index[target[0].objgen]))
            stack.extend(reversed(item.children))
    return found


def _page_texts(pdf: Path) -> list[str]:
    """Each page's text, white space removed (pdftotext, from poppler); none without it."""
    if shutil.which("pdftotext") is None:
        return []
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True)
    return [_squeezed(page) for page in done.stdout.decode("utf-8", "replace").split("\f")]


def _squeezed(text: str) -> str:
    return "".join(text.split())
