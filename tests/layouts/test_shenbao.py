"""The 申报表 layout (项目支出绩效目标申报表): its context (项目资金 rows, both indicator trees) and
its renders — every string of the filing in the PDF and the DOCX, the 一级/二级 merges of both
indicator tables, repeated headers, LibreOffice opens the DOCX, both trees checked."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from office import built_template, soffice_pdf
from test_render_docx import texts
from test_render_pdf import FOOTER, page_texts, pdftotext

from pbgen.context import build_context as shared_context
from pbgen.layouts import MissingDataError, find_layout
from pbgen.load import load
from pbgen.pipeline import TEMPLATES, check_file, render_file

from conftest import DATA, dump, filing_strings, squeeze

ZHUXI = DATA / "zhuxi-2024-shenbao.yaml"


def build_context(filing) -> dict:
    return shared_context(filing, find_layout("shenbao"))


def zhuxi_data() -> dict:
    return yaml.load(ZHUXI.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def projects(data: dict) -> list[dict]:
    return data["units"][0]["projects"]


def richer(data: dict) -> None:
    """Every kind of source of 项目资金, and a field only this region's form has."""
    funds = projects(data)[1]["funds"]
    funds["other"] = "30.00"
    funds["own"] = {"total": "20.00", "year": "5.00"}
    funds["business"] = {"total": "4.00", "year": "1.00"}
    funds["operating"] = {"total": "3.00", "year": "1.00"}
    funds["named"] = {"社会捐赠": {"total": "3.00", "year": "1.00"}}
    funds["total"] = "930.00"
    project = projects(data)[1]
    project["budget"], project["other"] = "308.00", "8.00"
    project["extra"] = {"项目类别": "基础设施类", "绩效评价方式": "县财政局重点评价"}


def variant(tmp_path: Path, mutate, name: str = "variant.yaml") -> Path:
    data = zhuxi_data()
    mutate(data)
    path = tmp_path / name
    path.write_text(dump(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """The example filing, with every source of money and an extra field, as DOCX and PDF."""
    out = tmp_path_factory.mktemp("shenbao")
    path = variant(out, richer, "zhuxi-rich.yaml")
    outputs = render_file(path, out).outputs
    return {"yaml": path} | {output.suffix[1:]: output for output in outputs}


# -- the example and its check ------------------------------------------------------------------


def test_the_example_filing_checks_clean():
    result = check_file(ZHUXI)
    assert [f.message for f in result.findings] == []


def test_check_reads_both_indicator_trees(tmp_path):
    def mutate(data):
        period = projects(data)[0]["period_indicators"]["效益指标"]["社会效益指标"]
        period[0]["value"] = ""  # an empty 指标值 in the 长期 tree
        year = projects(data)[1]["indicators"]["满意度指标"]["服务对象满意度指标"]
        year[0]["value"] = "≥190%"  # a rate over 100 in the 年度 tree

    findings = check_file(variant(tmp_path, mutate)).findings
    rules = {(f.rule, f.line) for f in findings}
    assert len(rules) == 2, findings
    fields = " ".join(f.field for f in findings)
    assert "受益农户数" in fields and "农户满意度" in fields


# -- context ------------------------------------------------------------------------------------


def test_fund_rows_nest_every_source_under_its_whole(tmp_path):
    context = build_context(load(variant(tmp_path, richer)).filing)
    rows = [
        (row["label"], row["total"], row["year"]) for row in context["projects"][1]["funds"]["rows"]
    ]
    assert rows == [
        ("资金总额", "930.00", "308.00"),
        ("其中：财政拨款", "900.00", "300.00"),
        ("　　　其中：上级财政拨款", "300.00", "100.00"),
        ("　　　　　　本级财政拨款", "600.00", "200.00"),
        ("　　　其他资金", "30.00", "8.00"),
        ("　　　其中：自有资金", "20.00", "5.00"),
        ("　　　　　　事业收入", "4.00", "1.00"),
        ("　　　　　　经营收入", "3.00", "1.00"),
        ("　　　　　　社会捐赠", "3.00", "1.00"),
    ]


def test_without_funds_the_year_column_still_prints_the_budget(tmp_path):
    def mutate(data):
        for project in projects(data):
            del project["funds"]

    context = build_context(load(variant(tmp_path, mutate)).filing)
    rows = [
        (row["label"], row["total"], row["year"]) for row in context["projects"][0]["funds"]["rows"]
    ]
    assert rows == [
        ("资金总额", "", "600.00"),
        ("其中：财政拨款", "", "550.00"),
        ("　　　其他资金", "", "50.00"),
    ]


def test_both_trees_are_flat_rows_with_spans_and_remarks():
    project = build_context(load(ZHUXI).filing)["projects"][0]
    period = project["period_indicators"]
    assert [row["level1_span"] for row in period][:6] == [5, 0, 0, 0, 0, 4]
    assert [row["level2_span"] for row in period][:3] == [2, 0, 1]
    assert period[3]["remark"] == "分三年实施"
    assert project["indicators"][2]["remark"] == "含机耕桥涵"
    assert project["period"] == "2023年1月至2025年12月"
    assert project["goals"][0].startswith("2024年建成")  # as written; numbered beside it
    assert project["numbered_goals"][0].startswith("1.2024年建成")


def test_a_filing_without_the_long_term_tree_is_refused(tmp_path):
    def mutate(data):
        del projects(data)[1]["period_indicators"]

    with pytest.raises(
        MissingDataError, match="实施期绩效指标（1 个项目，如「农村人居环境整治提升项目」）"
    ):
        render_file(variant(tmp_path, mutate), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- the PDF ------------------------------------------------------------------------------------


def strings(rendered) -> list[str]:
    found = filing_strings(load(rendered["yaml"]).source.data)
    assert len(found) > 150
    return found


def test_every_string_of_the_filing_is_in_the_pdf(rendered):
    text = squeeze(FOOTER.sub("", pdftotext(rendered["pdf"], "-raw")))
    assert [s for s in strings(rendered) if squeeze(s) not in text] == []


def test_each_project_starts_a_form_on_a_new_page(rendered):
    pages = page_texts(rendered["pdf"])
    starts = [n for n, page in enumerate(pages) if "项目支出绩效目标申报表" in page]
    assert len(starts) == 2 and starts[0] == 0
    assert "农村人居环境整治提升项目" in pages[starts[1]]
    assert all("单位负责人：王建国" in squeeze(pages[n - 1]) for n in [starts[1], len(pages)])


def test_every_font_in_the_pdf_is_embedded(rendered):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    fonts = subprocess.run(
        ["pdffonts", str(rendered["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)


# -- the DOCX -----------------------------------------------------------------------------------


def test_every_string_of_the_filing_is_in_the_docx(rendered):
    text = squeeze("".join(texts(rendered["docx"].read_bytes())))
    assert [s for s in strings(rendered) if squeeze(s) not in text] == []


def cell_text(tc) -> str:
    return "".join(tc.xpath(".//w:t/text()"))


def indicator_tables(path: Path) -> list:
    tables = Document(str(path)).element.body.findall(qn("w:tbl"))
    return [t for t in tables if cell_text(t.tr_lst[0].tc_lst[0]).endswith("绩效指标")]


def test_both_indicator_tables_of_each_project_merge_level1_and_level2(rendered):
    context = build_context(load(rendered["yaml"]).filing)
    tables = indicator_tables(rendered["docx"])
    trees = [
        rows for p in context["projects"] for rows in (p["period_indicators"], p["indicators"])
    ]
    assert len(tables) == len(trees) == 4
    for tbl, rows in zip(tables, trees, strict=True):
        head, columns, *body = tbl.tr_lst
        assert [cell_text(tc) for tc in columns.tc_lst] == [
            "一级指标",
            "二级指标",
            "指标内容",
            "指标值",
            "备注",
        ]
        assert all(tr.trPr.find(qn("w:tblHeader")) is not None for tr in (head, columns))
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in tbl.tr_lst)
        assert len(body) == len(rows)
        for column, span in ((0, "level1_span"), (1, "level2_span")):
            expected = ["restart" if row[span] else "continue" for row in rows]
            assert [tr.tc_lst[column].vMerge for tr in body] == expected
        shown = [cell_text(tr.tc_lst[0]) for tr in body]
        assert shown == [row["level1"] if row["level1_span"] else "" for row in rows]
        assert [cell_text(tr.tc_lst[4]) for tr in body] == [row["remark"] for row in rows]


def test_the_committed_template_is_what_the_script_builds():
    built = built_template("build_shenbao_template")
    assert built == (TEMPLATES / "shenbao" / "template.docx").read_bytes()


def test_libreoffice_opens_the_docx(rendered, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    pdf = soffice_pdf(rendered["docx"], tmp_path)
    text = squeeze(pdftotext(pdf))
    for needle in (
        "高标准农田建设项目",
        "长期（中期）绩效指标",
        "村集体自筹",
        "填报日期：2024年1月15日",
    ):
        assert needle in text
