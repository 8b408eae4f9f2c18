"""`pbgen render FOLDER --book FILE.pdf`: the rendered PDFs behind a cover and a 目录, one
bookmark per department and project, every filing's pages as submitted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.findings import visible
from pbgen.load import load
from pbgen.report.text import shown

from conftest import DATA, hostile, pbgen

FILINGS = ("leting-2024", "menyuan-2024", "zhuxi-2024-shenbao")  # 绩效文本, 公开表, 申报表


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    folder = root / "各部门"
    folder.mkdir()
    for name in FILINGS:
        shutil.copy(DATA / f"{name}.yaml", folder)
    (folder / "坏的.yaml").write_text("year: 2024\nunits: [\n", encoding="utf-8")
    book = root / "合订本.pdf"
    result = CliRunner().invoke(
        app, ["render", str(folder), "-o", str(root / "out"), "-f", "pdf", "--book", str(book)]
    )
    assert result.exit_code == 2, result.output  # the broken filing fails; the book is made
    return folder, root / "out", book, result.output


def _texts(pdf: Path, *options: str) -> list[str]:
    done = subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, check=True)
    return done.stdout.decode().split("\f")[:-1]


def test_every_filing_keeps_its_pages_and_numbers_after_the_cover_and_the_toc(made):
    folder, out, book, output = made
    pages = _texts(book, "-layout")
    contents = pages[1]
    assert "目" in contents and "录" in contents
    start = 3
    for name in sorted(FILINGS):
        own = _texts(out / f"{name}.pdf", "-layout")
        filing = load(folder / f"{name}.yaml").filing
        assert pages[start - 1 : start - 1 + len(own)] == own  # the same text, 「— N —」 included
        line = next(line for line in contents.splitlines() if filing.department.name in line)
        assert line.split()[-1] == str(start)  # the 目录 gives its first page in the book
        start += len(own)
    assert len(pages) == start - 1
    assert "未收入" in contents and "坏的.yaml" in contents
    assert "未收入合订本：" in output and "坏的.yaml（无法读取）" in output
    assert subprocess.run(["qpdf", "--check", str(book)], capture_output=True).returncode == 0


def test_one_bookmark_per_department_and_project_and_the_links_go_where_they_went(made):
    folder, out, book, _ = made
    pdf = pikepdf.open(book)
    index = {page.objgen: n for n, page in enumerate(pdf.pages)}
    texts = ["".join(text.split()) for text in _texts(book)]
    with pdf.open_outline() as outline:
        items = list(outline.root)
        assert items[0].title == "目录" and index[items[0].destination[0].objgen] == 1
        departments = items[1:]
        assert len(departments) == len(FILINGS)
        for item, name in zip(departments, sorted(FILINGS), strict=True):
            filing = load(folder / f"{name}.yaml").filing
            assert item.title.startswith(filing.department.name)
            assert [child.title for child in item.children] == [p.name for p in filing.projects]
            for child in item.children:
                page = index[child.destination[0].objgen]
                assert "".join(child.title.split()) in texts[page], (child.title, page)

    names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())

    def target(annotation) -> int:
        return index[names[str(annotation.Dest)][0].objgen]

    contents_links = [a for a in pdf.pages[1].Annots if a.get("/Subtype") == "/Link"]
    first_pages = sorted({target(link) for link in contents_links})
    assert first_pages == [2, 2 + 11, 2 + 11 + 12]  # 0-based: after the cover and the 目录
    # 乐亭's own 目录 still leads to its own 第二部分's tables, now further on in the book
    own = pikepdf.open(out / "leting-2024.pdf")
    own_names = dict(pikepdf.NameTree(own.Root.Names.Dests).items())
    own_index = {page.objgen: n for n, page in enumerate(own.pages)}
    own_links = [a for page in own.pages for a in page.get("/Annots", []) if "/Dest" in a]
    book_links = [a for page in pdf.pages[2:13] for a in page.get("/Annots", []) if "/Dest" in a]
    assert len(book_links) == len(own_links) > 0
    for mine, theirs in zip(book_links, own_links, strict=True):
        assert target(mine) == 2 + own_index[own_names[str(theirs.Dest)][0].objgen]


def test_a_departments_name_is_shown_in_the_bookmarks_and_the_toc_never_obeyed(tmp_path):
    """Departments and files named with bidi overrides, control characters and 3,000
    characters (bench/hostile.py), rendered into a book by `pbgen render` in a process of its
    own: each bookmark and each 目录 entry shows the name written out, the long one cut; the
    terminal is shown the file names, never their escape sequences."""
    names = {**hostile().HOSTILE_NAMES, "long": "长" * 3000}
    folder = hostile().hostile_departments(tmp_path / "filings", names)
    book = tmp_path / "book.pdf"
    done = pbgen("render", folder.name, "-o", "out", "-f", "pdf", "--book", book, cwd=tmp_path,
                 seconds=600)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert hostile().raw_text(done.stdout + done.stderr) == []
    with pikepdf.open(book) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        projects = [child.title for item in outline.root for child in item.children]
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        front = pages[outline.root[1].destination[0].objgen] - 1  # the cover and the 目录
    toc = "".join(_texts(book, "-f", "2", "-l", str(front)))
    assert hostile().raw_text("".join(titles + projects) + toc) == []

    def squeezed(text: str) -> str:  # a 目录 line's page number may fall inside a long name
        return re.sub(r"[\s\d]", "", text)

    for name in names.values():
        expected = shown(name)
        assert any(title.startswith(expected + " 2024年") for title in titles), expected
        assert shown(name + "项目") in projects
        assert squeezed(expected) in squeezed(toc)
    for stem in hostile().HOSTILE_FILES:
        assert squeezed(f"filings/{visible(stem)}.yaml") in squeezed(toc)
