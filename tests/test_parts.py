"""A long PDF laid out in parts and joined reads as the PDF laid out at once: the same pages,
page numbers, 目录, outline, named destinations and links (``pbgen.parts``); a PDF/A keeps its
metadata, output intent and one structure tree.

The seeds have fewer 绩效目标表 than a part holds, so the tests cut at every marked element
(``PART_MARKS`` = 1) and compare with the same document laid out whole.
"""

from __future__ import annotations

import copy
import io
import subprocess

import pikepdf
import pymupdf
import pytest
from pdfa import pdfa_problems

from pbgen import paging, parts
from pbgen.context import build_context
from pbgen.load import load
from pbgen.pdf_engine import load_weasyprint
from pbgen.pipeline import choose_layout
from pbgen.render_pdf import _lay_out, _source, pdf_options, render_html, render_pdf

from conftest import DATA, clean_data, dump, project


def rendered(path, every: int):
    loaded = load(path)
    layout = choose_layout(loaded)
    context = build_context(loaded.filing, layout)
    parts.PART_MARKS = every
    try:
        return render_pdf(context, layout.folder)
    finally:
        parts.PART_MARKS = PART_MARKS


PART_MARKS = parts.PART_MARKS


# a 绩效文本 (目录), a 附表 (附表3 laid out again where a table crosses a page), a 申报表
ANCHORS = {"leting-2024": 10, "shifeng-2023": 20, "zhuxi-2024-shenbao": 0}


@pytest.fixture(scope="module", params=ANCHORS)
def whole_and_cut(request):
    path = DATA / f"{request.param}.yaml"
    return rendered(path, 10_000), rendered(path, 1), ANCHORS[request.param]


def page_texts(data: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def test_the_cut_document_is_laid_out_in_several_parts():
    loaded = load(DATA / "leting-2024.yaml")
    layout = choose_layout(loaded)
    html = render_html(build_context(loaded.filing, layout), layout.folder)
    projects = sum(len(unit.projects) for unit in loaded.filing.units)
    assert len(parts.split(html, 1)) == projects  # front matter with the first table, then one each
    assert len(parts.split(html, projects)) == 1


def test_same_pages_and_page_numbers(whole_and_cut):
    whole, cut, _ = whole_and_cut
    assert cut.pages == whole.pages > 5
    assert page_texts(cut.data) == page_texts(whole.data)  # footers — N — included


def test_same_toc_pages(whole_and_cut):
    whole, cut, anchors = whole_and_cut
    assert cut.toc_pages == whole.toc_pages
    assert len(cut.toc_pages) >= anchors


def test_same_outline_destinations_and_links(whole_and_cut):
    whole, cut, _ = whole_and_cut
    one, joined = pymupdf.open(stream=whole.data), pymupdf.open(stream=cut.data)
    assert joined.get_toc() == one.get_toc()
    assert [entry[3]["to"] for entry in joined.get_toc(simple=False)] == [
        entry[3]["to"] for entry in one.get_toc(simple=False)
    ]
    assert joined.resolve_names() == one.resolve_names()

    def links(document):
        return [
            (page.number, tuple(link["from"]), link["page"], link.get("nameddest"))
            for page in document
            for link in page.get_links()
        ]

    assert links(joined) == links(one)


def test_the_toc_links_lead_to_later_parts():
    cut = pymupdf.open(stream=rendered(DATA / "leting-2024.yaml", 1).data)
    targets = {link["page"] for page in cut for link in page.get_links()}
    last_table = max(page.number for page in cut if "绩效目标表" in page.get_text()[:200])
    assert last_table in targets


def test_every_font_is_embedded(whole_and_cut):
    _, cut, _ = whole_and_cut
    fonts = subprocess.run(
        ["pdffonts", "-"], input=cut.data, capture_output=True, check=True
    ).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)


def test_the_same_parts_give_the_same_bytes():
    path = DATA / "leting-2024.yaml"
    assert rendered(path, 2).data == rendered(path, 2).data


# -- split: where a document is cut --------------------------------------------------------


PAGE = """<!DOCTYPE html><html><head><style>section[data-pbgen-part] {{ x: "<b>" }}</style>
<title>a <section data-pbgen-part> b</title></head>
<body class="b"><nav><a href="#s1">1</a><a href="#s3">3</a></nav>
<main id="m" class="numbered"><section class="part"><h1 id="two">二</h1><p>intro
{sections}</section></main><p id="end">end</p></body></html>"""


def page(count: int) -> str:
    return PAGE.format(
        sections="".join(
            f'<section id="s{n}"{" data-pbgen-part" if n else ""}><!-- <section data-pbgen-part> -->'
            f"<p>文&lt;section data-pbgen-part&gt;{n}</section>"
            for n in range(count)
        )
    )


def test_no_cut_when_the_marks_fit_one_part():
    html = page(4)
    (only,) = parts.split(html, 3)  # 3 marks: sections 1, 2, 3
    assert only.head + only.body == html
    assert only.ids == {"m", "two", "end", "s0", "s1", "s2", "s3"}


def test_each_part_reopens_the_elements_around_its_cut():
    html = page(5)
    split = parts.split(html, 2)  # marks at sections 1–4: cuts before 1 and 3
    assert len(split) == 3
    first, middle, last = split
    assert all(part.head == first.head and part.head.endswith('<body class="b">') for part in split)
    assert first.body.endswith("<p>文&lt;section data-pbgen-part&gt;0</section></section></main>")
    assert middle.body.startswith('<main class="numbered"><section class="part"><section id="s1"')
    assert middle.body.endswith("</section></section></main>")
    assert last.body.startswith('<main class="numbered"><section class="part"><section id="s3"')
    assert last.body.endswith("</body></html>")
    assert (first.ids, middle.ids, last.ids) == (
        {"m", "two", "s0"},
        {"s1", "s2"},
        {"s3", "s4", "end"},
    )
    assert first.links == {"s1", "s3"} and not middle.links


def test_stand_ins_give_an_anchor_of_another_part_its_page_number():
    first = parts.split(page(5), 2)[0]
    html = parts._with_stand_ins(first, (("s1", 7), ("s3", 12)))
    assert '<span id="s1" style="counter-reset: page 7"></span>' in html
    assert html.index("s3") < html.index("<nav>")


def test_no_body_no_cut():
    html = "<section>a</section>" + "<section data-pbgen-part>b</section>" * 5
    assert len(parts.split(html, 1)) == 1


def sections(css: str, count: int, before: str = "") -> str:
    """A hand-made document: ``count`` sections, each starting a page, each but the first
    marked as a place to cut."""
    marked = "".join(
        f'<section id="s{n}"{" data-pbgen-part" if n else ""}>第{n}节</section>'
        for n in range(count)
    )
    return (
        f"<html><head><style>{css} section + section {{ break-before: page }}</style></head>"
        f"<body>{before}<main>{marked}</main></body></html>"
    )


def test_a_hand_made_document_reads_the_same_cut_and_whole(tmp_path):
    """Any template, not only pbgen's: pages numbered on, a target-counter into a later part,
    a link to an anchor no part has (printed without a number, as whole)."""

    html = sections(
        "@page { size: A6; margin: 15mm; @bottom-center { content: '— ' counter(page) ' —' } }"
        " nav a::after { content: ' p' target-counter(attr(href), page) }",
        7,
        '<nav><a href="#s5">五</a> <a href="#nowhere">无</a></nav>',
    )

    def lay_out(text, css=""):
        return _lay_out(_source(text, tmp_path), tmp_path, css)

    whole = lay_out(html).write_pdf()
    laid, numbers = parts.lay_out_parts(parts.split(html, 2), lay_out, None)
    cut = parts.join(laid, load_weasyprint().Document.make_bookmark_tree)
    assert len(laid) == 4 and numbers["s5"] == 6
    assert page_texts(cut) == page_texts(whole)
    assert "五 p6" in page_texts(cut)[0] and "无" in page_texts(cut)[0]


TABLE = (
    "<html><head><style>@page { size: A6; margin: 15mm;"
    " @bottom-center { content: '— ' counter(page) ' —' } }"
    " tbody.start { break-before: page }</style></head><body><h1>表</h1>"
    '<table class="t"><colgroup data-pbgen-repeat><col style="width: 30%"><col></colgroup>'
    '<thead data-pbgen-repeat><tr><th id="head">甲</th><th>乙</th></tr></thead>{rows}</table>'
    "</body></html>"
)


def table(count: int) -> str:
    """A table whose every other row begins a page (marked), the others following it."""
    return TABLE.replace(
        "{rows}",
        "".join(
            f'<tbody id="r{n}"{" class=start data-pbgen-part" if n % 2 == 0 and n else ""}>'
            f"<tr><td>{n}</td><td>第{n}行</td></tr></tbody>"
            for n in range(count)
        ),
    )


def test_a_table_cut_between_rows_goes_on_with_its_columns_and_header():
    first, second, third = parts.split(table(6), 1)  # marks at rows 2 and 4
    again = '<table class="t"><colgroup data-pbgen-repeat><col style="width: 30%"><col></colgroup>'
    again += "<thead data-pbgen-repeat><tr><th>甲</th><th>乙</th></tr></thead>"  # no id copied
    assert first.body.endswith("第1行</td></tr></tbody></table>")
    assert second.body.startswith(again + '<tbody id="r2" class=start data-pbgen-part>')
    assert second.body.endswith("第3行</td></tr></tbody></table>")
    assert third.body.startswith(again + '<tbody id="r4" class=start data-pbgen-part>')
    assert "head" in first.ids and "head" not in second.ids | third.ids
    rest = table(6).partition('<tbody id="r2"')[2]
    assert parts.from_first_mark(table(6)) == first.head + again + '<tbody id="r2"' + rest


def test_a_table_reads_the_same_cut_and_whole(tmp_path):

    def lay_out(text, css=""):
        return _lay_out(_source(text, tmp_path), tmp_path, css)

    html = table(9)
    whole = lay_out(html).write_pdf()
    laid, _ = parts.lay_out_parts(parts.split(html, 1), lay_out, None)
    cut = parts.join(laid, load_weasyprint().Document.make_bookmark_tree)
    assert len(laid) == 5
    assert page_texts(cut) == page_texts(whole)
    assert all("甲" in text and "乙" in text for text in page_texts(cut))


def test_a_part_starts_on_the_side_its_first_number_gives_it(tmp_path):
    """Odd pages' numbers right, even pages' left (GB/T 9704 7.5) by ``@page :right`` and
    ``:left``: a part whose first page is numbered 2 starts as a left page, as in the whole."""
    import pymupdf

    html = sections(
        "@page { size: A6; margin: 15mm }"
        " @page :right { @bottom-right { content: 'R' counter(page) } }"
        " @page :left { @bottom-left { content: 'L' counter(page) } }",
        5,
    )

    def lay_out(text, css=""):
        return _lay_out(_source(text, tmp_path), tmp_path, css)

    laid, _ = parts.lay_out_parts(parts.split(html, 1), lay_out, None)
    cut = parts.join(laid, load_weasyprint().Document.make_bookmark_tree)
    assert len(laid) == 5  # parts start at pages 1, 2, 3, 4, 5
    for number, page in enumerate(pymupdf.open(stream=cut), start=1):
        side = "R" if number % 2 else "L"
        (mark,) = [w for w in page.get_text("words") if w[4].startswith(("R", "L"))]
        assert mark[4] == f"{side}{number}"
        assert (mark[0] > page.rect.width / 2) == (side == "R")


# -- PDF/A and tags across parts ------------------------------------------------------------


@pytest.fixture(scope="module")
def archived_in_parts(tmp_path_factory):
    """A 绩效文本 of 45 projects (45 绩效目标表: more than a part holds), laid out in parts as
    PDF/A-2b, tagged, and joined: the parts' page counts and the joined PDF."""
    data = clean_data()
    first = project(data)
    data["units"][0]["projects"] = [
        {**copy.deepcopy(first), "code": f"P{n:03}", "name": f"第{n}号专项经费"} for n in range(45)
    ]
    data["units"][0].pop("total", None)
    data.pop("department_budget", None)
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    path.write_text(dump(data), encoding="utf-8")
    loaded = load(path)
    layout = choose_layout(loaded, pdfa=True)
    html = render_html(build_context(loaded.filing, layout), layout.folder)
    laid, _ = parts.lay_out_parts(
        parts.split(html),
        lambda text, css: _lay_out(_source(text, layout.folder), layout.folder, css),
        paging.declared(html).page_one,
        options=pdf_options(layout.manifest),
    )
    return [part.pages for part in laid], parts.join(
        laid, load_weasyprint().Document.make_bookmark_tree
    )


def test_a_document_joined_from_parts_is_pdfa_and_tagged(archived_in_parts):
    """The parts' metadata, output intent and tags survive the join: one structure tree
    whose every marked piece of every page finds its element (``tests/pdfa.py``)."""
    counts, pdf = archived_in_parts
    assert len(counts) > 1 and sum(counts) > 45
    assert pdfa_problems(pdf) == []


def test_the_joined_structure_is_one_document_part_after_part(archived_in_parts):
    """One /Document holds every part's elements, the first part's first, then the second's:
    the part each begins in never goes back."""
    counts, pdf = archived_in_parts
    part_of = [n for n, count in enumerate(counts) for _ in range(count)]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        [top] = document.Root.StructTreeRoot.K
        assert str(top.S) == "/Document"
        numbers = {page.objgen: n for n, page in enumerate(document.pages)}
        order = [part_of[numbers[next(_element_pages(kid))]] for kid in top.K]
    assert order == sorted(order) and set(order) == set(range(len(counts)))


def _element_pages(element):
    """The page of each element with one, in document order (depth first)."""
    if "/Pg" in element:
        yield element.Pg.objgen
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _element_pages(kid)
