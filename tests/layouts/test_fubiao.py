"""The 附表1–3 layout (seed 003): context (totals, grouping, spans, refusals) and its renders
(every string of the filing in the PDF and the DOCX, real merges, fonts, determinism)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from office import soffice_pdf
from test_render_docx import texts
from test_render_pdf import FOOTER, page_texts, pdftotext

from pbgen.context import build_context as shared_context
from pbgen.context.indicators import indicator_rows
from pbgen.layouts import MissingDataError, find_layout
from pbgen.load import load
from pbgen.model import Indicator
from pbgen.paging import restart_spans
from pbgen.pipeline import TEMPLATES, render_file
from pbgen.render_pdf import render_html

from conftest import DATA, ROOT, attrs, dump, filing_strings, squeeze, typography

SHIFENG = DATA / "shifeng-2023.yaml"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """shifeng-2023 as DOCX and PDF, rendered once for the module."""
    out = tmp_path_factory.mktemp("fubiao")
    outputs = render_file(SHIFENG, out).outputs
    return {path.suffix[1:]: path for path in outputs}


def shifeng_data() -> dict:
    return yaml.load(SHIFENG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def variant(tmp_path: Path, mutate) -> Path:
    """shifeng-2023 changed by ``mutate(data)``, written to a file."""
    data = shifeng_data()
    mutate(data)
    path = tmp_path / "variant.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def context_of(path: Path = SHIFENG):
    return attrs(shared_context(load(path).filing, find_layout("fubiao")))


def split_at(rows, starts):
    """The rows as the PDF pass restarts their merged cells where pages start (the 附表's
    template declares these spans, data-pbgen-spans, data-pbgen-page-span)."""
    spans = ("level1_span", "level2_span", "standard_span")
    return attrs(restart_spans(rows, starts, spans, "section_span"))


def projects(data: dict) -> list[dict]:
    return data["units"][0]["projects"]


# -- context ------------------------------------------------------------------------------------


def test_titles_and_signature():
    context = context_of()
    assert context.department_sheet.title == "2023年部门整体支出绩效目标表"
    assert context.summary.title == "2023年区级专项资金绩效目标汇总表"
    assert [t.title for t in context.directions] == ["2023年区级专项资金支出方向绩效目标表"] * 2
    assert [context.department_sheet.label, context.summary.label] == ["附表1", "附表2"]
    assert (context.signature.head, context.signature.filled_by) == ("", "赵萍")
    assert context.signature.phone == "0731-22629970"


def test_summary_total_is_computed_exactly():
    summary = context_of().summary
    assert summary.total == "84.6"
    assert [(f.number, f.name, f.amount) for f in summary.funds] == [
        ("一", "业务性专项经费", "31.5"),
        ("二", "政协委员界别活动经费", "53.1"),
    ]
    assert summary.funds[0].goals[0].startswith("1.利用年会平台")


def test_project_spending_and_total_are_computed_when_not_given(tmp_path):
    def mutate(data):
        for key in ("project", "total"):
            del data["department_budget"][key]

    sheet = context_of(variant(tmp_path, mutate)).department_sheet
    assert sheet.project == "84.6"
    assert sheet.total == "528.244101"  # 一般公共预算拨款 + 政府性基金拨款 + 其他资金


def test_projects_of_one_special_fund_share_a_summary_row(tmp_path):
    def mutate(data):
        first, second = projects(data)
        second["special_fund"] = first["special_fund"]
        first["budget"], second["budget"] = "5.00", "3.1"
        data["department"].pop("fund_level")

    context = context_of(variant(tmp_path, mutate))
    (fund,) = context.summary.funds
    assert (fund.number, fund.amount, context.summary.total) == ("一", "8.10", "8.10")
    assert len(fund.goals) == 5 and len(fund.period_goals) == 2
    assert [(t.fund_name, t.fund_amount) for t in context.directions] == [
        ("业务性专项经费", "8.10"),
        ("业务性专项经费", "8.10"),
    ]
    assert context.summary.title == "2023年专项资金绩效目标汇总表"  # no 级次 given


def test_expense_lines_and_their_total():
    sheet = context_of().directions[1]
    table = sheet.tables.expense_details
    (line,) = table.lines
    assert line.amount == ["53.1"] and table.total.amount == "53.1"
    assert line.detail[1] == "委员培训20万元；界别调研活动经费25万元；为委员征订报刊杂志8.1万元。"


def test_standard_cells_merge_within_a_level2_group():
    rows = context_of().directions[0].indicators
    assert [row.standard_span for row in rows] == [6, 0, 0, 0, 0, 0] + [1] * 8
    tree = {
        "产出指标": {
            "数量指标": [
                Indicator(name=n, standard=s) for n, s in (("a", "甲"), ("b", "甲"), ("c", ""))
            ],
            "质量指标": [Indicator(name="d", standard="甲")],
        }
    }
    assert [row.standard_span for row in attrs(indicator_rows(tree))] == [2, 0, 1, 1]


def test_merged_cells_restart_where_a_page_starts():
    rows = context_of().directions[0].indicators  # 产出 9 rows (数量 6), 效益 5 rows
    assert [row.section_span for row in rows] == [14] + [0] * 13
    split = split_at(rows, {4, 11})
    assert [row.section_span for row in split] == [4, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 3, 0, 0]
    assert [row.page_start for row in split] == [i in (4, 11) for i in range(14)]
    assert [row.level1_span for row in split][:12] == [4, 0, 0, 0, 5, 0, 0, 0, 0, 2, 0, 3]
    assert [row.level2_span for row in split][:7] == [4, 0, 0, 0, 2, 0, 1]
    assert [row.standard_span for row in split][:6] == [4, 0, 0, 0, 2, 0]
    assert [(row.level1, row.level2) for row in split][4] == ("产出指标", "数量指标")
    assert split_at(rows, set()) == rows


def test_a_sheet_over_two_pages_repeats_its_labels_and_closes_every_page_foot(rendered):
    """WeasyPrint leaves a merged cell cut by a page break blank and open at the page foot:
    the PDF is laid out again with the merged cells restarting on the new page."""
    result = typography().measure(rendered["pdf"])
    assert result.open_feet == []
    assert result.pages == 7
    continued = [squeeze(text) for text in page_texts(rendered["pdf"])][4]  # 附表3, page 2
    assert "年度绩效" in continued and "效益指标" in continued  # blank before


def test_a_long_department_sheet_restarts_its_merged_cells_on_the_next_page(tmp_path):
    def more_indicators(data):
        quantity = data["department_indicators"]["产出指标"]["数量指标"]
        quantity += [{"name": f"专题协商会议第{n}次", "value": "1次"} for n in range(1, 19)]

    pdf = render_file(variant(tmp_path, more_indicators), tmp_path, ["pdf"]).outputs[0]
    assert typography().measure(pdf).open_feet == []
    second = squeeze(page_texts(pdf)[1])  # 附表1 continues
    assert "年度绩效" in second and "产出指标" in second and "数量指标" in second


def test_wenben_filing_is_refused_naming_every_missing_field():
    with pytest.raises(MissingDataError) as refused:
        find_layout("fubiao").refuse_missing(
            load(DATA / "leting-2024.yaml").filing, "leting-2024.yaml"
        )
    message = str(refused.value)
    assert message.startswith("leting-2024.yaml：不能排成「附表1–3」版式，缺少：")
    for lacking in ("年度预算申请", "部门职责概述", "年度重点工作计划", "部门年度绩效指标"):
        assert lacking in message
    assert "实施期绩效目标（5 个项目，如「乐亭文史宣传研究专项经费」" in message


def test_a_project_without_goals_or_indicators_is_refused(tmp_path):
    def mutate(data):
        second = projects(data)[1]
        for key in ("goals", "indicators", "period_goal"):
            del second[key]

    with pytest.raises(MissingDataError) as refused:
        find_layout("fubiao").refuse_missing(load(variant(tmp_path, mutate)).filing)
    for title in ("实施期绩效目标", "绩效目标", "绩效指标"):
        assert f"{title}（1 个项目，如「政协委员界别活动经费」）" in str(refused.value)


def test_render_refuses_leting_as_fubiao_and_writes_nothing(tmp_path):
    with pytest.raises(MissingDataError, match="年度预算申请"):
        render_file(DATA / "leting-2024.yaml", tmp_path / "out", layout="fubiao")
    assert not (tmp_path / "out").exists()


def test_fields_the_layout_cannot_print_are_named(tmp_path):
    assert find_layout("fubiao").unprinted(load(SHIFENG).filing) == []

    def mutate(data):
        data["safeguards"] = ["完善制度。"]
        projects(data)[0]["code"] = "P001"
        projects(data)[0]["indicators"]["产出指标"]["数量指标"][0]["basis"] = "年初计划"

    names = find_layout("fubiao").unprinted(load(variant(tmp_path, mutate)).filing)
    assert names == ["工作保障措施", "项目编码", "指标值确定依据"]


# -- PDF ---------------------------------------------------------------------------------------


def test_every_string_of_the_filing_is_in_the_pdf(rendered):
    text = squeeze(FOOTER.sub("", pdftotext(rendered["pdf"], "-raw")))
    strings = filing_strings(load(SHIFENG).source.data)
    assert len(strings) > 100
    assert [s for s in strings if squeeze(s) not in text] == []
    characters = set("".join(strings))
    assert characters - set(pdftotext(rendered["pdf"], "-raw")) - {" "} == set()


def test_pdf_pages_hold_each_sheet_with_its_totals(rendered):
    pages = [squeeze(FOOTER.sub("", text)) for text in page_texts(rendered["pdf"])]
    starts = [text[:3] for text in pages if re.match(r"附表\d", text)]
    assert starts == ["附表1", "附表2", "附表3", "附表3"]  # each sheet begins a page
    sheet1 = "".join(pages[: next(i for i, t in enumerate(pages) if t.startswith("附表2"))])
    assert "项目支出84.6" in sheet1
    (sheet2,) = [text for text in pages if text.startswith("附表2")]
    assert "序号名称金额实施期绩效目标年度绩效目标合计84.6" in sheet2
    assert "填表人：赵萍联系电话：0731-22629970" in sheet2
    numbers = [int(FOOTER.search(text)[1]) for text in page_texts(rendered["pdf"])]
    assert numbers == list(range(1, len(pages) + 1))


def test_every_font_in_the_pdf_is_embedded(rendered):
    lines = subprocess.run(
        ["pdffonts", str(rendered["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines, "no fonts listed"
    assert all(line.split()[-5] == "yes" for line in lines), lines


def test_html_merges_are_rowspans():
    context = shared_context(load(SHIFENG).filing, find_layout("fubiao"))
    html = render_html(context, TEMPLATES / "fubiao")
    first_direction = html.split('class="direction"')[1]
    merged = re.findall(r'<td rowspan="(\d+)"[^>]*>([^<]+)<', first_direction)
    assert merged[:4] == [
        ("9", "产出指标"),
        ("6", "数量指标"),
        ("6", "行业标准"),
        ("1", "质量指标"),
    ]
    assert '<th rowspan="15">年度绩效<br>指标</th>' in first_direction  # header + 14 rows
    assert '<th rowspan="5">年度预算<br>申请<br>（万元）</th>' in html


def test_two_renders_are_byte_identical(rendered, tmp_path):
    again = render_file(SHIFENG, tmp_path).outputs
    assert [path.read_bytes() for path in again] == [
        rendered["docx"].read_bytes(),
        rendered["pdf"].read_bytes(),
    ]


def test_markup_in_the_filing_is_printed_literally(tmp_path):
    hostile = '{{ 7*7 }} <img src="file:///etc/passwd"> 收入<支出 & 结余'

    def mutate(data):
        projects(data)[0]["special_fund"] = hostile

    docx, pdf = render_file(variant(tmp_path, mutate), tmp_path / "out").outputs
    words = Document(docx).element.body.xpath(".//w:t/text()")
    # 附表2 名称 and 附表3 所属专项; the PDF repeats 附表3's header rows on its second page
    assert squeeze("".join(words)).count(squeeze(hostile)) == 2
    assert squeeze(pdftotext(pdf, "-raw")).count(squeeze(hostile)) == 3


# -- DOCX --------------------------------------------------------------------------------------


def docx_tables(path: Path):
    return Document(path).element.body.findall(qn("w:tbl"))


def cell_text(tc) -> str:
    return "\n".join("".join(p.xpath(".//w:t/text()")) for p in tc.xpath("w:p"))


def test_every_string_of_the_filing_is_in_the_docx(rendered):
    document_text = squeeze("\n".join(texts(rendered["docx"].read_bytes())))
    strings = filing_strings(load(SHIFENG).source.data)
    assert [s for s in strings if squeeze(s) not in document_text] == []


def test_docx_totals(rendered):
    sheet1, sheet2, *directions = docx_tables(rendered["docx"])
    assert len(directions) == 2
    rows = [[cell_text(tc) for tc in tr.tc_lst] for tr in sheet2.tr_lst]
    assert rows[1] == ["", "合计", "84.6", "", ""]
    spending = next(
        r for r in ([cell_text(tc) for tc in tr.tc_lst] for tr in sheet1.tr_lst) if "项目支出" in r
    )
    assert spending[-2:] == ["项目支出", "84.6"]
    total = [cell_text(tc) for tc in directions[0].tr_lst[-2].tc_lst]
    assert total[1:3] == ["合　计", "31.5"]


def test_docx_merges_are_vmerge_and_gridspan(rendered):
    context = context_of()
    tables = docx_tables(rendered["docx"])
    sheets = [
        (tables[0], context.department_sheet.indicators, {1: "level1_span", 2: "level2_span"})
    ]
    sheets += [
        (tbl, t.indicators, {1: "level1_span", 2: "level2_span", 5: "standard_span"})
        for tbl, t in zip(tables[2:], context.directions, strict=True)
    ]
    for tbl, indicators, columns in sheets:
        header = next(i for i, tr in enumerate(tbl.tr_lst) if cell_text(tr.tc_lst[1]) == "一级指标")
        rows = tbl.tr_lst[header + 1 : header + 1 + len(indicators)]
        for column, key in columns.items():
            expected = ["restart" if getattr(r, key) else "continue" for r in indicators]
            assert [tr.tc_lst[column].vMerge or "continue" for tr in rows] == expected
        assert all(tr.tc_lst[0].vMerge == "continue" for tr in rows)  # the 年度绩效指标 label
        assert tbl.tr_lst[header].tc_lst[0].vMerge == "restart"
        assert all(tr.tc_lst[3].grid_span == 2 for tr in rows)  # 三级指标 spans two columns
        assert tbl.tr_lst[0].trPr.xpath("w:tblHeader")
        assert all(tr.trPr.xpath("w:cantSplit") for tr in tbl.tr_lst)
    quantity = [cell_text(tr.tc_lst[5]) for tr in tables[2].tr_lst[6:12]]  # 数量指标 rows
    assert quantity == ["行业标准", "", "", "", "", ""]  # text only where the merge starts


def test_docx_core_properties(rendered):
    properties = Document(rendered["docx"]).core_properties
    assert properties.title == "石峰区政协2023年预算绩效目标附表"
    assert properties.created.year == 2023


def test_the_committed_template_is_what_the_script_builds():
    path = ROOT / "scripts" / "build_fubiao_template.py"
    spec = importlib.util.spec_from_file_location("build_fubiao_template", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == (TEMPLATES / "fubiao" / "template.docx").read_bytes(), (
        "run scripts/build_fubiao_template.py"
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_docx(rendered, tmp_path):
    converted = soffice_pdf(rendered["docx"], tmp_path)
    pages = page_texts(converted)
    assert [squeeze(text)[:3] for text in pages if squeeze(text).startswith("附表")] == [
        "附表1",
        "附表2",
        "附表3",
        "附表3",
    ]
    text = squeeze(pdftotext(converted, "-raw"))
    assert "合计84.6" in text and "政协委员界别活动经费" in text
