"""What a PDF's tables need from its page breaks, as any layout's template declares it: the
declarations read from the HTML, rows cut where their lines change page, merged cells
restarted, the layout repeated only as often as something changes — and a layout of its own,
no Python, whose merged cells restart on the next page because its template says so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pbgen import paging
from pbgen.paging import CONTINUED, DeclarationError, Rows, declared

from conftest import project

HTML = """<html><body>
<h1 id="p1" data-pbgen-page-one>第一部分</h1>
<table id="r" data-pbgen-rows="rows" data-pbgen-lines="goals indicators"
  data-pbgen-continued="name" data-pbgen-once="amount"><tbody id="r-0"></tbody></table>
<table><tbody id="t3" data-pbgen-rows="directions.2.indicators"
  data-pbgen-spans="level1_span level2_span" data-pbgen-page-span="section_span"></tbody></table>
</body></html>"""


def test_a_template_declares_its_tables_and_its_first_numbered_page():
    found = declared(HTML)
    assert found.page_one == "p1"
    assert found.tables == (
        Rows("r", "rows", ("goals", "indicators"), ("name",), ("amount",)),
        Rows(
            "t3",
            "directions.2.indicators",
            spans=("level1_span", "level2_span"),
            page_span="section_span",
        ),
    )
    assert declared("<p>无声明</p>") == paging.Declared()
    with pytest.raises(DeclarationError, match="要有 id"):
        declared('<table data-pbgen-rows="rows">')


def test_rows_are_found_and_replaced_by_their_path():
    context = {"directions": [{"indicators": [1]}, {"indicators": [2, 3]}], "title": "t"}
    assert paging.rows_at(context, "directions.1.indicators") == [2, 3]
    changed = paging.with_rows(context, "directions.1.indicators", [4])
    assert changed["directions"][1]["indicators"] == [4] and changed["title"] == "t"
    assert context["directions"][1]["indicators"] == [2, 3]  # the given context stays as it was
    with pytest.raises(DeclarationError, match="不是一个列表"):
        paging.rows_at(context, "title")


def test_a_row_whose_lines_change_page_is_cut_and_named_again():
    table = Rows("r", "rows", ("goals",), ("name",), ("amount",))
    rows = [
        {"name": "合计", "amount": "9", "goals": []},
        {"name": "1. 项目", "amount": "9", "goals": ["甲", "乙", "丙"]},
    ]
    pages = {"r-1-goals-0": 1, "r-1-goals-1": 1, "r-1-goals-2": 2}
    assert paging.split_lines(table, rows, pages) == [
        rows[0],
        {"name": "1. 项目", "amount": "9", "goals": ["甲", "乙"]},
        {"name": "1. 项目" + CONTINUED, "amount": "", "goals": ["丙"], "page_start": True},
    ]
    assert paging.split_lines(table, rows, {}) == rows  # lines without ids: nothing to cut


def test_merged_cells_restart_on_the_page_a_row_begins():
    rows = [
        {"level1": "产出", "level1_span": 3, "section_span": 3},
        {"level1": "产出", "level1_span": 0, "section_span": 0},
        {"level1": "产出", "level1_span": 0, "section_span": 0},
    ]
    restarted = paging.restart_spans(rows, {2}, ("level1_span",), "section_span")
    assert [(r["level1_span"], r["section_span"], r["page_start"]) for r in restarted] == [
        (2, 2, False),
        (0, 0, False),
        (1, 1, True),
    ]


class Laid:
    def __init__(self, pages):
        self.toc_pages = pages


def test_a_template_that_declares_nothing_is_laid_out_once():
    calls = []
    paging.paged({"rows": []}, lambda c: "<p>正文</p>", lambda c, html: calls.append(c) or Laid({}))
    assert len(calls) == 1


def test_the_pdf_is_laid_out_again_until_its_rows_fit_their_pages():
    """Each layout moves the third goal to page 2 until it is a row of its own there."""
    html = '<table id="r" data-pbgen-rows="rows" data-pbgen-lines="goals"></table>'
    calls = []

    def render(context, _html):
        calls.append(context)
        goals = [row["goals"] for row in context["rows"]]
        pages = {
            f"r-{n}-goals-{i}": 1 + (n + i >= 2) for n, g in enumerate(goals) for i in range(len(g))
        }
        return Laid(pages)

    context = {"rows": [{"name": "a", "goals": ["甲", "乙", "丙"]}]}
    paging.paged(context, lambda c: html, render)
    assert len(calls) == 2  # laid out, cut, laid out again: nothing more to cut
    assert [row["goals"] for row in calls[-1]["rows"]] == [["甲", "乙"], ["丙"]]


# -- a layout of its own ------------------------------------------------------------------------

TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
{% include "common/base.css" %}
@page { size: A6; margin: 10mm; }
html { font-family: var(--fangsong); font-size: 10pt; }
td { border: 0.5pt solid #000; padding: 2pt; }
</style></head><body>
{%- set p = projects[0] %}
<table><tbody id="t"{% if declare %} data-pbgen-rows="projects.0.indicators" data-pbgen-spans="level1_span"{% endif %}>
{%- for row in p.indicators %}
<tr id="t-{{ loop.index0 }}">{% if row.level1_span %}<td rowspan="{{ row.level1_span }}">{{ row.level1 }}</td>{% endif %}<td>{{ row.name }}</td></tr>
{%- endfor %}
</tbody></table></body></html>
"""

MANIFEST = """id: {id}
name: 指标清单{id}
title: "{{{{ department.name }}}}指标清单"
formats: [pdf]
sections: []
"""


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    """Two layouts of a department's own, written as data: the same table, one declaring its
    rows (``data-pbgen-rows``, the spans to restart), one not."""
    for id_, declare in (("declared", "true"), ("plain", "false")):
        folder = tmp_path / "forms" / id_
        folder.mkdir(parents=True)
        (folder / "manifest.yaml").write_text(MANIFEST.format(id=id_), encoding="utf-8")
        text = "{%- set declare = " + declare + " %}" + TEMPLATE
        (folder / "document.html.j2").write_text(text, encoding="utf-8")
    return tmp_path / "forms"


def test_a_layout_of_its_own_restarts_its_merged_cells_because_its_template_says_so(
    forms, write_filing, tmp_path
):
    """40 rows under one 一级指标 on A6 pages: where the template declares its rows, the 一级
    cell starts again with its label on every page; where it does not, only the first has it."""

    def mutate(data):
        rows = [{"name": f"第{n}项指标", "value": "1次"} for n in range(40)]
        project(data)["indicators"] = {"产出指标": {"数量指标": rows}}

    filing = write_filing(mutate)
    pages = {}
    for id_ in ("declared", "plain"):
        result = subprocess.run(
            [".venv/bin/pbgen", "render", str(filing), "-l", id_, "--template-dir", str(forms),
             "-o", str(tmp_path / id_), "--force"],
            capture_output=True, text=True, cwd=Path(__file__).parents[1],
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stdout + result.stderr
        pdf = next((tmp_path / id_).glob("*.pdf"))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
        pages[id_] = text.stdout.split("\f")[:-1]
    assert len(pages["declared"]) >= 2 and len(pages["plain"]) >= 2
    assert all("产出指标" in page for page in pages["declared"])
    assert ["产出指标" in page for page in pages["plain"]][1:] == [False] * (
        len(pages["plain"]) - 1
    )
