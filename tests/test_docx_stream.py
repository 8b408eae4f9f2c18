"""A long filing's DOCX: the body rendered as a stream (``pbgen.docx_body``), the 目录's page
numbers from LibreOffice laid out in parts (``pbgen.docx_pages``), said when they are missing."""

from __future__ import annotations

import copy
import datetime
import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from typer.testing import CliRunner

from pbgen import docx_body, docx_pages, office_pool
from pbgen import render_docx as render_docx_module
from pbgen.cli import app
from pbgen.context import build_context
from pbgen.docx_pages import NoPageNumbers, cut_docx, docx_toc_pages
from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.pipeline import TEMPLATES, render_file
from pbgen.render_docx import render_docx, with_toc_pages

from conftest import clean_data, dump, project, running

TEMPLATE = TEMPLATES / "wenben" / "template.docx"
STAMP = datetime.datetime(2024, 3, 1, 8, 30, tzinfo=datetime.UTC)
PROJECTS = 40
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")


def many_projects(count: int) -> dict:
    """The clean filing with ``count`` projects whose indicator tables differ: every third lacks
    its 质量指标 (the 产出指标 cell merges over fewer rows), every fourth has two 数量指标 rows
    (the 数量指标 cell merges), every fifth a long 指标值 (its cell is narrowed to break evenly);
    every other has goals of two lines (docxtpl makes the line break: ``resolve_listing``)."""
    data = clean_data()
    first = project(data)
    projects = []
    for n in range(count):
        item = copy.deepcopy(first)
        item["code"], item["name"] = f"P{n:04}", f"第{n}号专项经费"
        output = item["indicators"]["产出指标"]
        if n % 3 == 0:
            del output["质量指标"]
        if n % 4 == 0:
            output["数量指标"].append({"name": f"活动{n}次数", "value": "≥2次", "basis": "计划"})
        if n % 5 == 0:
            output["数量指标"][0]["value"] = "完成视察任务并形成报告" * 3 + "年"
        if n % 2 == 0:
            item["goals"] = ["开展专题视察3次。\n形成视察报告。", "提出建议。\n推动落实。"]
        projects.append(item)
    data["units"][0]["projects"] = projects
    data["units"][0].pop("total", None)
    data.pop("department_budget", None)
    return data


def context_of(data: dict, path) -> dict:
    path.write_text(dump(data), encoding="utf-8")
    return build_context(load(path).filing, find_layout("wenben"))


@pytest.fixture(scope="module")
def long_filing(tmp_path_factory) -> tuple[dict, bytes]:
    """The context of a filing of ``PROJECTS`` projects, and its DOCX without page numbers."""
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    context = context_of(many_projects(PROJECTS), path)
    return context, render_docx(context, TEMPLATE, timestamp=STAMP)


def tables(docx: bytes) -> list[bytes]:
    body = Document(io.BytesIO(docx)).element.body
    return [etree.tostring(tbl) for tbl in body.iterchildren(qn("w:tbl"))]


def test_every_project_table_is_as_that_project_renders_alone(long_filing, tmp_path):
    """Each project's two tables, merges and narrowed cells included, are the XML the project
    gives in a filing of its own: the stream cuts nothing and carries nothing from one table
    to the next."""
    _, docx = long_filing
    found = tables(docx)
    assert len(found) == 2 * PROJECTS
    data = many_projects(PROJECTS)
    for n in (0, 1, 4, 5, 12, PROJECTS - 1):
        alone = copy.deepcopy(data)
        alone["units"][0]["projects"] = [data["units"][0]["projects"][n]]
        own = tables(
            render_docx(context_of(alone, tmp_path / "alone.yaml"), TEMPLATE, timestamp=STAMP)
        )
        assert found[2 * n : 2 * n + 2] == own, f"project {n}"
    merged = [table for table in found if b'w:val="continue"' in table or b"<w:vMerge/>" in table]
    assert len(merged) == 2 * PROJECTS  # 预算/支出计划 and every indicator table merge


@pytest.mark.parametrize("piece", [1, 333, 4096])
def test_the_body_rendered_in_any_pieces_is_the_same(long_filing, monkeypatch, piece):
    """docxtpl's fixes run on pieces of Jinja's output cut after a </w:p>; cut however
    often, the DOCX is byte for byte the one rendered in large pieces."""
    context, docx = long_filing
    monkeypatch.setattr(docx_body, "PIECE", piece)
    assert render_docx(context, TEMPLATE, timestamp=STAMP) == docx


@pytest.mark.parametrize("chunk", [1000, 1 << 20])
def test_page_numbers_added_later_are_the_document_rendered_with_them(
    long_filing, monkeypatch, chunk
):
    """Only the 目录 changes: its entries found in document.xml read ``chunk`` bytes at a time
    (smaller than the 目录, or than all of it)."""
    context, docx = long_filing
    monkeypatch.setattr(render_docx_module, "CHUNK", chunk)
    pages = {entry["anchor"]: number for number, entry in enumerate(context["toc"], 3)}
    numbered = render_docx(context, TEMPLATE, pages, timestamp=STAMP)
    assert with_toc_pages(docx, context["toc"], pages, STAMP) == numbered
    assert numbered != docx


def body_children(document_xml: bytes) -> list[bytes]:
    body = etree.fromstring(document_xml).find(qn("w:body"))
    return [etree.tostring(child) for child in body]


def test_a_document_is_cut_into_parts_only_before_a_new_page(long_filing, tmp_path):
    """Every part but the first begins with a heading whose style starts a page (第二部分, a
    绩效目标表's title), after the 目录's section break; each ends with the body's own section properties; together
    they hold the whole body, in order."""
    _, docx = long_filing
    parts = cut_docx(docx, tmp_path, part_bytes=1)  # cut wherever it may
    whole = body_children(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    closing = whole[-1]
    bodies = [body_children(zipfile.ZipFile(part).read("word/document.xml")) for part in parts]
    # before 第二部分 and each table but the first, which shares its page; not before 第一部分,
    # which follows the 目录's section break
    assert len(parts) == 1 + PROJECTS
    assert all(body[-1] == closing for body in bodies)
    assert [child for body in bodies for child in body[:-1]] + [closing] == whole
    assert b'<w:pStyle w:val="Heading1"/>' in bodies[1][0]
    for body in bodies[2:]:
        assert b'<w:pStyle w:val="TableTitle"/>' in body[0]
    assert not any(b"<w:sectPr" in child for body in bodies[1:] for child in body[:-1])
    (tmp_path / "whole").mkdir()
    [alone] = cut_docx(docx, tmp_path / "whole", part_bytes=10**12)
    assert body_children(zipfile.ZipFile(alone).read("word/document.xml")) == whole


@needs_soffice
def test_a_document_laid_out_in_parts_has_the_page_numbers_of_the_whole(long_filing):
    context, docx = long_filing
    anchors = [entry["anchor"] for entry in context["toc"]]
    first = context["part1"]["anchor"]
    whole = docx_toc_pages(docx, anchors, first, part_bytes=10**12)
    assert docx_toc_pages(docx, anchors, first, part_bytes=1) == whole
    assert len(set(whole.values())) > PROJECTS // 2  # the tables stand on many pages


def test_without_libreoffice_the_toc_has_no_numbers_and_the_clerk_is_told(
    write_filing, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(office_pool, "SOFFICE_PLACES", ())
    path = write_filing()
    result = render_file(path, tmp_path / "out", ["docx"])
    assert len(result.notices) == 1 and "没有 LibreOffice" in result.notices[0]
    xml = zipfile.ZipFile(result.outputs[0]).read("word/document.xml")
    assert b'w:dirty="true"' in xml  # Word fills the numbers in
    again = render_file(path, tmp_path / "out", ["docx"], force=False)
    assert not again.skipped  # tried again next time, when LibreOffice may be there
    output = CliRunner().invoke(
        app, ["render", str(path), "-o", str(tmp_path / "cli"), "-f", "docx"]
    )
    assert "目录没有页码" in output.output and "没有 LibreOffice" in output.output


@needs_soffice
def test_libreoffice_out_of_time_is_said_and_ended(long_filing, monkeypatch, tmp_path):
    """Out of time while laying out, the kept LibreOffice is ended (and started again for
    the next document), tried once more, and the clerk told."""
    context, docx = long_filing
    monkeypatch.setattr(docx_pages, "SECONDS", 0.05)  # soffice.bin has started, far from done
    anchors = [entry["anchor"] for entry in context["toc"]]
    offices = office_pool.current()
    slot = offices.shared.slots[0]
    offices.convert(cut_docx(docx, tmp_path)[0].read_bytes(), 60)
    offices._port(slot)  # it serves (started afresh if that was its tenth document)
    first, starts = slot.pids[1], slot.starts.value
    with pytest.raises(NoPageNumbers, match="秒内没有排完"):
        docx_toc_pages(docx, anchors, context["part1"]["anchor"], part_bytes=1)
    assert not running(first)
    offices._port(slot)  # started again
    assert slot.starts.value == starts + 2  # ended on the first try and on the second
    assert running(slot.pids[1])


@needs_soffice
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="no /proc to look in")
def test_a_libreoffice_of_its_own_out_of_time_is_ended(long_filing, monkeypatch, tmp_path):
    """Without LibreOffice's Python, each document has a LibreOffice of its own: out of time,
    it is ended with every process it started, none left running with its profile."""
    context, docx = long_filing
    monkeypatch.setenv("PBGEN_OFFICE_PYTHON", str(tmp_path / "no-python"))
    monkeypatch.setenv("PBGEN_OFFICE_PROFILES", str(tmp_path / "profiles"))
    monkeypatch.setattr(office_pool, "_offices", None)
    monkeypatch.setattr(docx_pages, "SECONDS", 0.05)  # 41 parts, 2.1 s: far from done
    anchors = [entry["anchor"] for entry in context["toc"]]
    with pytest.raises(NoPageNumbers, match="秒内没有排完"):
        docx_toc_pages(docx, anchors, context["part1"]["anchor"], part_bytes=1)
    office_pool.current().close()
    for _ in range(20):
        running = [
            path for path in Path("/proc").glob("[0-9]*/cmdline") if str(tmp_path) in _read(path)
        ]
        if not running:
            break
        time.sleep(0.1)
    assert not running


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode(errors="replace")
    except OSError:  # the process has just ended
        return ""


def test_a_bidi_control_in_a_project_name_is_not_printed(write_filing, tmp_path):
    """Cleaned as it is printed: the heading and its 目录 entry alike (the bookmark is found)."""
    path = write_filing(lambda data: project(data).update(name="委员\u202e01≤视察经费"))
    result = render_file(path, tmp_path, ["docx"])
    xml = zipfile.ZipFile(result.outputs[0]).read("word/document.xml").decode()
    assert "\u202e" not in xml
    assert xml.count("委员01≤视察经费") >= 3  # 目录, heading, table
