"""The 公开表 layout (seed 002): its context, and the PDF, DOCX and XLSX it renders.

Rendered once per module through ``render_file``, checked with poppler, python-docx, openpyxl
and (when installed) LibreOffice. A long table's PDF is paged a window of rows at a time and laid
out in parts: checked against the same table laid out whole.
"""

from __future__ import annotations

import copy
import io
import itertools
import random
import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from office import (
    assert_page_numbers_7_mm_under_the_type_area,
    built_template,
    east_asian_fonts,
    soffice_pdf,
)

from pbgen import paging, parts, render_pdf
from pbgen.context import build_context as shared_context
from pbgen.context.indicators import indicator_outline
from pbgen.layouts import MissingDataError, find_layout
from pbgen.load import load
from pbgen.model import Department, Filing, Indicator, Project, Unit
from pbgen.pipeline import render_file

from conftest import (
    DATA,
    ROOT,
    attrs,
    clean_data,
    dump,
    filing_strings,
    project,
    squeeze,
    typography,
)

TEMPLATE = ROOT / "templates" / "gongkai" / "template.docx"
FORMATS = ["pdf", "docx", "xlsx"]
SEEDS = ["menyuan-2024", "leting-2024"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Each seed as a 公开表 in every format: {seed: {format: path}}."""
    out = tmp_path_factory.mktemp("gongkai")
    files = {}
    for name in SEEDS:
        result = render_file(DATA / f"{name}.yaml", out, layout="gongkai")
        files[name] = {path.suffix.lstrip("."): path for path in result.outputs}
    return files


def build_context(filing):
    return attrs(shared_context(filing, find_layout("gongkai")))


def context_of(name: str):
    return build_context(load(DATA / f"{name}.yaml").filing)


# -- what each format holds, as text ------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def docx_texts(path: Path) -> list[str]:
    """Every paragraph: the body (the title) and every table cell, merged cells once."""
    document = Document(str(path))
    found = [paragraph.text for paragraph in document.paragraphs]
    for tc in document.element.body.iter(qn("w:tc")):
        found += ["".join(p.xpath(".//w:t/text()")) for p in tc.xpath("w:p")]
    return found


def xlsx_sheet(path: Path):
    """The sheet as a reader shows it: formulas (合计, subtotals) by their stored results."""
    return openpyxl.load_workbook(path, data_only=True).active


def xlsx_texts(path: Path) -> list[str]:
    """Every cell as shown: numbers with the decimals of their number format (0.00)."""
    found = []
    for row in xlsx_sheet(path).iter_rows():
        for cell in row:
            if isinstance(cell.value, int | float):
                places = len(cell.number_format.partition(".")[2])
                found.append(f"{cell.value:.{places}f}")
            elif cell.value is not None:
                found.append(cell.value)
    return found


def document_text(path: Path) -> str:
    kind = path.suffix
    if kind == ".pdf":
        return squeeze(pdf_text(path))
    return squeeze("\n".join(docx_texts(path) if kind == ".docx" else xlsx_texts(path)))


def missing(strings: list[str], path: Path) -> list[str]:
    """The strings not in the document. In the PDF a row breaks where the page ends, so a
    paragraph may run from the foot of one page on to the next (under the repeated header)."""
    text = document_text(path)
    if path.suffix != ".pdf":
        return [s for s in strings if squeeze(s) not in text]
    pages = [squeeze(page) for page in pdf_text(path).split("\f")]

    def split(s: str) -> bool:
        return any(
            s[:cut] in before and s[cut:] in after
            for before, after in itertools.pairwise(pages)
            for cut in range(1, len(s))
        )

    return [s for s in strings if squeeze(s) not in text and not split(squeeze(s))]


def printed_strings(name: str) -> list[str]:
    """The filing's strings, less those of the fields the layout names as unprinted."""
    loaded = load(DATA / f"{name}.yaml")
    unprinted = set(find_layout("gongkai").unprinted(loaded.filing))

    def drop(data: dict, model) -> None:
        for key, info in model.model_fields.items():
            if info.title.removesuffix("（%）") in unprinted:
                data.pop(info.alias or key, None)

    data = copy.deepcopy(loaded.source.data)
    drop(data, Filing)
    drop(data.get("department", {}), Department)
    for unit in data["units"]:
        drop(unit, Unit)
        for item in unit.get("projects") or []:
            drop(item, Project)
            for groups in (item.get("indicators") or {}).values():
                for rows in groups.values():
                    for row in rows:
                        drop(row, Indicator)
    return filing_strings(data)


# -- the filing is all there ------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_every_string_of_the_seed_002_filing_is_in_every_format(rendered, kind):
    assert find_layout("gongkai").unprinted(load(DATA / "menyuan-2024.yaml").filing) == []
    strings = filing_strings(load(DATA / "menyuan-2024.yaml").source.data)
    assert len(strings) > 400
    assert missing(strings, rendered["menyuan-2024"][kind]) == []


@pytest.mark.parametrize("kind", FORMATS)
def test_seed_000_renders_as_gongkai_with_all_it_can_print(rendered, kind):
    assert find_layout("gongkai").unprinted(load(DATA / "leting-2024.yaml").filing) == [
        "总体绩效目标",
        "分项绩效目标",
        "工作保障措施",
        "项目编码",
        "财政资金",
        "资金用途",
        "资金支出计划",
        "绩效指标描述",
        "指标值确定依据",
    ]
    strings = printed_strings("leting-2024")
    assert len(strings) > 60
    assert missing(strings, rendered["leting-2024"][kind]) == []
    assert "乐亭县政协2024年部门预算项目支出绩效目标公开表" in document_text(
        rendered["leting-2024"][kind]
    )


def test_projects_follow_each_other_and_every_page_foot_is_closed(rendered):
    """A project does not start a page: a row taller than what remains breaks under the
    repeated header (seed 002: 15 pages before, 11.3 pages of content), and each page's table
    ends in a border."""
    result = typography().measure(rendered["menyuan-2024"]["pdf"])
    assert result.pages <= 12
    assert result.open_feet == []


def test_a_project_going_on_over_a_page_is_named_there(rendered):
    """Where a project's row goes on over a page, the first row there names it, 「（续）」
    after the name; its amount is printed once (seed 002: each page's first name cell, blank
    before, at the top of the first row)."""
    import pymupdf

    names = [row.name for row in context_of("menyuan-2024").rows]
    document = pymupdf.open(rendered["menyuan-2024"]["pdf"])
    continued = 0
    for page in list(document)[1:]:
        (head,) = page.search_for("单位及项目名称")
        column = [
            word
            for word in page.get_text("words")
            if head.x0 - 30 < word[0] < head.x1 + 30 and word[1] > head.y1 + 2
        ]
        first = min(column, key=lambda word: word[1])
        assert first[1] - head.y1 < 16, page.number  # the first row's name, at its top
        top = squeeze("".join(w[4] for w in column if w[1] < first[1] + 30))
        if "（续）" in top:
            continued += 1
            assert any(top.startswith(squeeze(name)) for name in names), top
    assert continued >= 5
    text = document_text(rendered["menyuan-2024"]["pdf"])
    assert text.count("（续）") == continued
    assert text.count("10.85") == 2  # once in its row, once as 成本 ≤10.85万元


def test_the_total_is_computed_and_92_79_in_every_format(rendered):
    files = rendered["menyuan-2024"]
    assert [row.amount for row in context_of("menyuan-2024").rows[:3]] == ["92.79"] * 3
    assert "合计92.79402门源县政协办92.79402001门源县政协办公92.79" in document_text(files["pdf"])
    rows = Document(str(files["docx"])).element.body.xpath("w:tbl")[0].tr_lst
    assert [squeeze(tc.xpath("string(.)")) for tc in rows[1].tc_lst] == ["合计", "92.79", "", ""]
    sheet = xlsx_sheet(files["xlsx"])
    assert (sheet["A3"].value, sheet["C3"].value) == ("合计", 92.79)
    assert sheet["C3"].number_format == "0.00"


# -- context ------------------------------------------------------------------------------------


def test_rows_follow_the_unit_hierarchy():
    context = context_of("menyuan-2024")
    assert context.title == "门源县政协办公室2024年部门预算项目支出绩效目标公开表"
    assert context.columns[2] == "金额（万元）"
    assert [(r.kind, r.code, r.name) for r in context.rows[:4]] == [
        ("total", "", "合计"),
        ("department", "402", "门源县政协办"),
        ("unit", "402001", "门源县政协办公"),
        ("project", "", "1. 政协十七届四次会议工作经费"),
    ]
    assert [r.amount for r in context.rows if r.kind == "project"][-2:] == ["3.6", "6.52"]
    assert context_of("leting-2024").rows[1].kind == "unit"  # no department code, no row


def test_the_total_is_an_exact_decimal_sum(write_filing):
    def mutate(data):
        project(data, 0)["budget"] = "0.1"
        project(data, 1)["budget"] = "0.2"
        data["units"][0]["total"] = "0.3"

    context = build_context(load(write_filing(mutate)).filing)
    assert [row.amount for row in context.rows[:2]] == ["0.3", "0.3"]


def test_goals_are_numbered_only_when_there_are_several():
    rows = {row.name: row.goals for row in context_of("menyuan-2024").rows}
    assert rows["8. 公务接待费"] == [
        "为进一步加强与上级政协、兄弟政协的联系与交流工作，学习交流借鉴协商、监督、议政政协工作，"
        "促进政协工作的交流与发展，不断提高政协工作履职能力。",
        "1、接待各级政协人员30次以上。",
        "2、接待兄弟县政协来我县考察、学习人员搞好后勤服务。",
    ]
    assert rows["13. 第三方代理"] == ["合同"]
    assert rows["14. 编外长期聘用人员"] == []


def test_indicators_are_the_nested_outline_of_seed_002():
    filing = load(DATA / "menyuan-2024.yaml").filing
    outline = [
        (line.level, line.text) for line in attrs(indicator_outline(filing.projects[0].indicators))
    ]
    assert outline[:4] == [
        (1, "一、产出指标"),
        (2, "（一）数量指标："),
        (3, "1. 举行政协全委会议 1次"),
        (3, "2. 接待参会委员 ≥162名"),
    ]
    assert (2, "（四）成本指标：") in outline and (1, "三、满意度指标") in outline
    empty = attrs(indicator_outline(filing.projects[9].indicators))
    assert (3, "1. 政协协商议政服务中心工作人员工作完成率") in [(x.level, x.text) for x in empty]


def test_a_unit_without_code_is_refused_naming_the_field(write_filing, tmp_path):
    def mutate(data):
        del data["units"][0]["code"]

    path = write_filing(mutate)
    with pytest.raises(MissingDataError, match="单位编码（1 个单位，如「示例县政协本级」）"):
        render_file(path, tmp_path / "out", layout="gongkai")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_fields_without_a_column_are_named(write_filing):
    unprinted = find_layout("gongkai").unprinted(load(write_filing()).filing)
    for title in ("填表人", "联系电话", "年度预算申请", "项目编码", "资金支出计划", "部门简称"):
        assert (title in unprinted) == (title != "部门简称"), title


# -- PDF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_every_font_is_embedded(rendered, name):
    lines = subprocess.run(
        ["pdffonts", str(rendered[name]["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines
    assert all(line.split()[-5] == "yes" for line in lines), lines


def test_pdf_pages_are_landscape_numbered_with_the_header_on_each(rendered):
    path = rendered["menyuan-2024"]["pdf"]
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts", info)  # A4 landscape
    pages = pdf_text(path).split("\f")[:-1]
    assert len(pages) > 10
    header = "单位编码单位及项目名称金额（万元）绩效目标绩效指标"
    assert squeeze(pages[0]).startswith(context_of("menyuan-2024").title + header)
    for number, page in enumerate(pages, 1):
        assert squeeze(page).startswith(header) or number == 1
        assert squeeze(page).endswith(f"—{number}—")


# -- a long table: paged a window of rows at a time, laid out in parts ---------------------------

WHOLE = 10**6  # rows or marks: more than any filing here has


def pdf_of(path: Path, first_window: int, window_pages: int, part_marks: int):
    """The 公开表 PDF of a filing paged in windows of ``first_window`` rows, then of
    ``window_pages`` pages, and laid out in parts of ``part_marks`` rows that begin a page; and
    how many times a window was laid out (``layouts``) and in how many parts the PDF was."""
    layout = find_layout("gongkai")
    context = shared_context(load(path).filing, layout)
    counted = Counter()
    lay_out_only, split = render_pdf.lay_out_only, parts.split

    def counting_lay_out_only(*arguments):
        counted["layouts"] += 1
        return lay_out_only(*arguments)

    def counting_split(html, every=None):
        found = split(html, every)
        counted["parts"] = max(counted["parts"], len(found))
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paging, "FIRST_WINDOW", first_window)
        patch.setattr(paging, "WINDOW_PAGES", window_pages)
        patch.setattr(parts, "PART_MARKS", part_marks)
        patch.setattr(render_pdf, "lay_out_only", counting_lay_out_only)
        patch.setattr(parts, "split", counting_split)
        pdf = layout.render(context, ["pdf"], None).files["pdf"]
    return pdf, counted


def page_texts(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


@pytest.mark.parametrize("name", SEEDS)
def test_a_seed_paged_in_windows_and_laid_out_in_parts_reads_as_laid_out_whole(name):
    """The seeds are short: a first window of 3 rows, then windows of 2 pages, parts of 2 rows
    that begin a page. The same pages as the table laid out whole: rows, 「（续）」, page numbers."""
    whole, once = pdf_of(DATA / f"{name}.yaml", WHOLE, WHOLE, WHOLE)
    cut, counted = pdf_of(DATA / f"{name}.yaml", 3, 2, 2)
    assert once == Counter(parts=1)
    assert counted["layouts"] >= 3 and counted["parts"] >= 2, counted
    assert page_texts(cut) == page_texts(whole)


def test_the_rows_on_each_page_are_read_from_the_laid_out_pages():
    """Which rows (``<tbody id>``) a page holds, a row going on over a page on both: a page it
    goes on to is no place to begin a window of rows, or a part."""
    layout = find_layout("gongkai")
    context = shared_context(load(DATA / "menyuan-2024.yaml").filing, layout)
    placed = render_pdf.lay_out_only(context, layout.folder)
    assert len(placed.row_groups) == 12  # pages, the rows not yet split over them (「（续）」)
    on_pages = [name for page in placed.row_groups for name in page]
    assert list(dict.fromkeys(on_pages)) == [f"r-{n}" for n in range(len(context["rows"]))]
    assert len(on_pages) > len(context["rows"])  # rows going on over a page, on both
    table = paging.Rows("r", "rows")
    pages = [["r-0", "r-1"], ["r-1", "r-2"], ["r-3"], [], ["r-4"]]
    assert paging.page_starts(table, pages) == {3, 4}


def test_a_layout_that_pages_no_rows_is_not_laid_out_to_page_them():
    """The 绩效文本 gives no table row an id: paging its rows would lay the whole document out
    for nothing (1.2 GB at 1000 projects), so the 公开表's rows are placed only where they are.
    (The 绩效文本's context has no table rows at all: its manifest does not ask for them.)"""
    for name, expected in (("wenben", 0), ("gongkai", 12)):
        layout = find_layout(name)
        context = shared_context(load(DATA / "menyuan-2024.yaml").filing, layout)
        assert ("rows" in context) == (name == "gongkai")
        placed = render_pdf.lay_out_only(context, layout.folder)
        assert (len(placed.row_groups), bool(placed.anchors)) == (expected, bool(expected))


def many_projects(count: int, seed: int = 2) -> dict:
    """The clean filing with ``count`` projects in three units: names, goals and indicator rows
    of every length (a few over a page), so rows go on over pages in every way."""
    rng = random.Random(seed)
    data = clean_data()
    data.pop("department_budget")
    template = project(data)
    units = []
    for u in range(3):
        projects = []
        for n in range(count // 3):
            item = copy.deepcopy(template)
            item.pop("other")
            item["code"] = f"P{u}{n:03d}"
            item["name"] = f"项目{u}-{n}" + "视察调研经费" * rng.randint(0, 5)
            item["budget"] = item["fiscal"] = item["tables"]["expense_details"][0]["amount"] = (
                f"{n + 1}.00"
            )
            item["goals"] = [
                f"目标{u}-{n}-{g}" + "组织委员开展专题视察。" * rng.randint(0, 8)
                for g in range(rng.randint(0, 4))
            ]
            rows = rng.choice([1, 1, 2, 3, 4, 8, 25])
            for level1, groups in item["indicators"].items():
                for level2 in groups:
                    groups[level2] = [
                        {"name": f"{level1[:2]}{level2[:2]}{u}-{n}-{k}", "value": "≥1次"}
                        for k in range(rng.randint(1, rows))
                    ]
            projects.append(item)
        units.append({"code": f"13100{u}", "name": f"示例单位{u}", "projects": projects})
    data["units"] = units
    return data


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> tuple[Path, bytes, bytes, Counter]:
    """45 projects (~50 pages): the filing, its PDF paged in windows (the first of 40 rows, then
    of 40 pages) and laid out in parts of 8 rows that begin a page, that PDF laid out whole."""
    path = tmp_path_factory.mktemp("many") / "many.yaml"
    path.write_text(dump(many_projects(45)), encoding="utf-8")
    cut, counted = pdf_of(path, paging.FIRST_WINDOW, paging.WINDOW_PAGES, 8)
    whole, _ = pdf_of(path, WHOLE, WHOLE, WHOLE)
    (path.parent / "many.pdf").write_bytes(cut)
    return path, cut, whole, counted


def test_a_long_table_paged_in_windows_and_laid_out_in_parts_reads_as_laid_out_whole(many):
    _, cut, whole, counted = many
    assert counted["layouts"] >= 2 and counted["parts"] >= 4, counted
    assert page_texts(cut) == page_texts(whole)


def test_a_long_table_prints_every_project_and_line_on_numbered_pages_with_closed_feet(many):
    path, cut, _, _ = many
    rows = build_context(load(path).filing).rows
    strings = [row.name for row in rows] + [line.text for row in rows for line in row.indicators]
    strings += [goal for row in rows for goal in row.goals]
    assert len(strings) > 1000
    assert missing(strings, path.parent / "many.pdf") == []
    pages = page_texts(cut)
    assert len(pages) > 40
    header = "单位编码单位及项目名称金额（万元）绩效目标绩效指标"
    for number, page in enumerate(pages, 1):
        assert squeeze(page).startswith(header) or number == 1
        assert squeeze(page).endswith(f"—{number}—")
    assert squeeze("".join(pages)).count("（续）") > 10
    assert typography().measure(path.parent / "many.pdf").open_feet == []


# -- DOCX ---------------------------------------------------------------------------------------


def test_docx_is_one_landscape_table_with_real_merges_and_a_repeated_header(rendered):
    document = Document(str(rendered["menyuan-2024"]["docx"]))
    section = document.sections[-1]
    assert section.orientation == 1 and section.page_width > section.page_height  # landscape
    (table,) = document.element.body.xpath("w:tbl")
    header, total, *rows = table.tr_lst
    assert header.trPr.xpath("w:tblHeader")
    assert total.tc_lst[0].tcPr.xpath("w:gridSpan/@w:val") == ["2"]
    context = context_of("menyuan-2024")
    assert len(rows) == len(context.rows) - 1
    names = [squeeze("".join(tr.tc_lst[1].xpath(".//w:t/text()"))) for tr in rows]
    assert names == [squeeze(row.name) for row in context.rows[1:]]
    whole = [bool(tr.trPr is not None and tr.trPr.xpath("w:cantSplit")) for tr in table.tr_lst]
    kinds = ["header", *(row.kind for row in context.rows)]
    # as in the PDF: a project breaks where the page ends; the header, 合计 and unit rows do not
    assert whole == [kind != "project" for kind in kinds]
    outline = rows[2].tc_lst[4].xpath("w:p")
    assert [p.pPr.pStyle.val for p in outline[:3]] == ["Outline1", "Outline2", "Outline3"]


def test_a_docx_project_row_may_split_the_total_rows_not(write_filing, tmp_path):
    def mutate(data):
        rows = [{"name": f"指标{n}", "value": "≥1次"} for n in range(60)]
        project(data)["indicators"]["产出指标"]["数量指标"] = rows

    docx = render_file(write_filing(mutate), tmp_path, ["docx"], layout="gongkai").outputs[0]
    (table,) = Document(str(docx)).element.body.xpath("w:tbl")
    whole = [bool(tr.trPr is not None and tr.trPr.xpath("w:cantSplit")) for tr in table.tr_lst]
    assert whole == [True, True, True, False, False]  # header, 合计, unit, long, short project


def test_template_styles_carry_the_east_asian_fonts():
    fonts = {
        "Normal": "仿宋_GB2312",
        "Title": "方正小标宋简体",
        "Table Head": "黑体",
        "Outline 1": "黑体",
        "Outline 2": "楷体_GB2312",
        "Outline 3": "仿宋_GB2312",
        "Footer": "宋体",
    }
    assert east_asian_fonts(TEMPLATE, fonts) == fonts


def test_the_committed_template_is_what_the_script_builds():
    assert built_template("build_gongkai_template") == TEMPLATE.read_bytes(), (
        "run scripts/build_gongkai_template.py"
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_docx(rendered, tmp_path):
    printed = soffice_pdf(rendered["menyuan-2024"]["docx"], tmp_path)
    text = squeeze(pdf_text(printed))
    assert "合计92.79" in text
    assert "1.举行政协全委会议1次" in text
    assert_page_numbers_7_mm_under_the_type_area(printed)


def test_the_pdf_page_number_stands_7_mm_under_the_type_area(rendered):
    assert_page_numbers_7_mm_under_the_type_area(rendered["menyuan-2024"]["pdf"])


# -- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_holds_the_table_with_merges_numbers_and_print_setup(rendered):
    sheet = xlsx_sheet(rendered["menyuan-2024"]["xlsx"])
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A1:E1", "A3:B3"} <= merged
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert [cell.value for cell in sheet[2]] == context_of("menyuan-2024").columns
    assert sheet["A3"].font.b and sheet["B5"].font.b and not sheet["B6"].font.b

    # each project: one sheet row per 一级指标, code/name/amount/goals merged down them on each
    # page; where a page breaks, the rows go on under the name with 「（续）」
    starts = {brk.id + 1 for brk in sheet.row_breaks.brk}
    at = 6
    for row in context_of("menyuan-2024").rows[3:]:
        groups = sum(line.level == 1 for line in row.indicators)
        rows = range(at, at + groups)
        parts = [at] + [r for r in rows if r in starts and r != at]
        assert sheet.cell(at, 2).value == row.name
        amount = sheet.cell(at, 3)
        assert isinstance(amount.value, int | float) and Decimal(str(amount.value)) == Decimal(
            row.amount
        )
        assert amount.number_format == ("0.0" if row.amount == "3.6" else "0.00")
        goals = [sheet.cell(part, 4).value for part in parts]
        assert "\n".join(filter(None, goals)) == "\n".join(row.goals)
        for part, end in zip(parts, [*parts[1:], at + groups], strict=True):
            if part != at:
                assert sheet.cell(part, 2).value == row.name + "（续）"
                assert sheet.cell(part, 3).value is None
            if end - part > 1:
                assert {f"{c}{part}:{c}{end - 1}" for c in "ABCD"} <= merged
        outline = [sheet.cell(r, 5).value for r in rows]
        assert "\n".join(outline) == "\n".join(line.text for line in row.indicators)
        assert all(sheet.row_dimensions[r].height <= 409 for r in rows)
        at += groups
    assert sheet.max_row == at - 1


def test_markup_and_control_characters_in_the_filing_are_printed_literally(write_filing, tmp_path):
    hostile = ["{{ 7*7 }}", '<img src="file:///etc/passwd">', "收入<支出 & 结余"]

    def mutate(data):
        project(data)["name"] = hostile[0]
        project(data)["goals"] = [hostile[1], "用于\x01视察。"]  # XML forbids \x01
        project(data)["indicators"]["产出指标"]["数量指标"][0]["value"] = hostile[2]

    outputs = render_file(write_filing(mutate), tmp_path, layout="gongkai").outputs
    for path in outputs:
        text = document_text(path)
        assert all(squeeze(item) in text for item in hostile), path.suffix
        assert "49" not in text.replace("2024", ""), path.suffix
        if path.suffix != ".pdf":  # dropped, not the whole text around it
            assert "2、用于视察。" in text, path.suffix


# -- determinism --------------------------------------------------------------------------------


def test_two_renders_are_byte_identical_in_every_format(rendered, tmp_path):
    outputs = render_file(DATA / "menyuan-2024.yaml", tmp_path, layout="gongkai").outputs
    again = {path.suffix.lstrip("."): path.read_bytes() for path in outputs}
    assert sorted(again) == sorted(FORMATS)
    for kind, data in again.items():
        assert data == rendered["menyuan-2024"][kind].read_bytes(), kind
    workbook = openpyxl.load_workbook(io.BytesIO(again["xlsx"]))
    assert workbook.properties.created.year == 2024  # the budget year, not the clock
