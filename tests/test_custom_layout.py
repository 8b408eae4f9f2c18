"""Issue 9's test: a department builds its own form as a folder of templates — no Python.

The form is another province's 项目支出绩效目标表 (tests/fixtures/hubei/): 项目名称, 主管部门及编码,
实施单位, 项目属性, 项目起止时间, 项目资金 with the pairs 资金总额/当年资金总额, 财政拨款/当年财政拨款,
其他资金/当年其他资金, 中期目标 and 年度目标, and the grid 一级 | 二级 三级 指标值（长期）| 二级 三级
指标值（年度）with merged 一级 cells. It starts as a copy of a built-in layout
(``pbgen layouts new``); its files are data, found through a pbgen.toml next to the filing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_cli import run

from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.manifest import unprinted

from conftest import FIXTURES, filing_strings, squeeze

LAYOUT = FIXTURES / "hubei"
FILING = FIXTURES / "hubei-filing.yaml"


@pytest.fixture(scope="module")
def department(tmp_path_factory) -> Path:
    """A department's folder: its filing, pbgen.toml, and forms/hubei made from a copy."""
    folder = tmp_path_factory.mktemp("department")
    shutil.copy(FILING, folder / "filing.yaml")
    result = run("layouts", "new", "hubei", "--from", "wenben", "--to", str(folder / "forms"))
    assert result.exit_code == 0, result.output
    assert (folder / "forms" / "hubei" / "README.md").is_file()
    for file in LAYOUT.iterdir():  # the author's edits: the copy's files replaced
        shutil.copy(file, folder / "forms" / "hubei" / file.name)
    (folder / "pbgen.toml").write_text('template_dir = "forms"\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(department) -> dict[str, Path]:
    formats = "pdf,docx" if (LAYOUT / "template.docx").is_file() else "pdf"
    result = run(
        "render",
        str(department / "filing.yaml"),
        "-o",
        str(department / "out"),
        "-f",
        formats,
        "--force",
    )
    assert result.exit_code == 0, result.output
    assert "没有位置印出" not in result.output  # the form prints everything the filing gives
    return {
        path.suffix.lstrip("."): path
        for path in (department / "out").iterdir()
        if path.suffix in (".pdf", ".docx")
    }


def strings() -> list[str]:
    data = yaml.load(FILING.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return filing_strings(data)


def test_the_new_id_is_a_layout_found_next_to_the_filing(department):
    layout = find_layout("hubei", filing=department / "filing.yaml")
    assert layout.origin == str(department / "pbgen.toml")
    assert unprinted(load(department / "filing.yaml").filing, layout.manifest.prints) == []
    listed = run("layouts", "--for", str(department / "filing.yaml"))
    assert "hubei  项目支出绩效目标表（湖北式）" in listed.output


def test_every_field_of_the_filing_is_in_the_pdf(rendered):
    text = squeeze(
        subprocess.run(
            ["pdftotext", str(rendered["pdf"]), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert [s for s in strings() if squeeze(s) not in text] == []
    for label in (
        "主管部门及编码",
        "当年资金总额",
        "中期目标",
        "二级指标（长期）",
        "指标值（年度）",
    ):
        assert label in text
    assert "2024年1月至2026年12月" in text


def test_the_pdf_merges_each_level1_cell_over_both_columns_groups(department):
    from pbgen.context import build_context
    from pbgen.render_pdf import render_html

    layout = find_layout("hubei", filing=department / "filing.yaml")
    context = build_context(load(department / "filing.yaml").filing, layout)
    grid = context["projects"][0]["indicator_grid"]
    assert [(row["level1"], row["level1_span"]) for row in grid if row["level1_span"]] == [
        ("产出指标", 3),
        ("效益指标", 2),
        ("满意度指标", 1),
    ]
    html = render_html(context, layout.folder)
    assert '<td rowspan="3" class="merged">产出指标</td>' in html


@pytest.mark.skipif(not (LAYOUT / "template.docx").is_file(), reason="DOCX half: template.docx")
def test_every_field_of_the_filing_is_in_the_docx_and_libreoffice_opens_it(rendered, tmp_path):
    import docx
    from office import soffice_convert

    document = docx.Document(str(rendered["docx"]))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = squeeze("\n".join([p.text for p in document.paragraphs] + cells))
    assert [s for s in strings() if squeeze(s) not in text] == []
    [pdf] = soffice_convert([rendered["docx"]], "pdf", tmp_path)
    assert pdf.is_file() and pdf.stat().st_size > 0
