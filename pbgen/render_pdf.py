"""PDF from the layout's HTML template and CSS, with WeasyPrint.

WeasyPrint is imported here only, so `pbgen check` never pays for it. The renderer fetches
nothing outside the template folder: a filing's text can never pull in a file or a URL.
"""

from __future__ import annotations

import ctypes
from dataclasses import asdict, dataclass, is_dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
import markupsafe

from pbgen.context import printable
from pbgen.errors import PbgenError


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    toc_pages: dict[str, int]  # anchor → printed page number (numbering starts at 第一部分)


@cache
def harfbuzz_subset_available() -> bool:
    """Without libharfbuzz-subset WeasyPrint subsets fonts in Python, ~25× slower.
    Opened by soname: ctypes.util.find_library would spawn ldconfig and gcc (54 forks)."""
    try:
        ctypes.CDLL("libharfbuzz-subset.so.0")
    except OSError:
        return False
    return True


def _printable(value):
    """Every printed value without control characters; template markup stays markup."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(printable(value))
    return printable(value) if isinstance(value, str) else value


@cache
def _environment(template_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        # the layout's folder, then its parent for what layouts share (common/base.css)
        loader=jinja2.FileSystemLoader([template_dir, template_dir.parent]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        finalize=_printable,
    )


def render_html(context, template_dir: Path, name: str = "document.html.j2") -> str:
    """The layout's HTML, every string escaped."""
    fields = asdict(context) if is_dataclass(context) else dict(context)
    try:
        template = _environment(template_dir.resolve()).get_template(name)
        return template.render(**fields)
    except jinja2.TemplateNotFound as missing:
        raise PbgenError(
            f"模板文件夹 {template_dir}（或其上一级）里没有 {missing.name}。"
        ) from None


def _fetcher_inside(folder: Path):
    """A WeasyPrint URL fetcher that serves files under ``folder`` and refuses all else."""
    from weasyprint.urls import URLFetcher

    root = folder.resolve()

    class TemplateFolderFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file" and Path(unquote(parsed.path)).resolve().is_relative_to(
                root
            ):
                return super().fetch(url, headers)
            raise ValueError(f"pbgen fetches nothing outside the template folder: {url}")

    return TemplateFolderFetcher(allowed_protocols={"file"})


def render_pdf(context, template_dir: Path, first_numbered: str | None = None) -> RenderedPdf:
    """Lay out and write the PDF; report on which printed page each anchor landed, counting
    from the page of ``first_numbered`` (where page numbering starts)."""
    from weasyprint import HTML

    html = render_html(context, template_dir)
    base = template_dir.resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=_fetcher_inside(template_dir)).render()
    toc_pages = _anchor_pages(document.pages, first_numbered)
    return RenderedPdf(document.write_pdf(), len(document.pages), toc_pages)


def _anchor_pages(pages, first_numbered: str | None) -> dict[str, int]:
    where = {anchor: index for index, page in enumerate(pages) for anchor in page.anchors}
    offset = where.get(first_numbered, 0)
    return {anchor: index - offset + 1 for anchor, index in where.items()}
