"""The 公开表 XLSX: text never becomes a formula, 合计 and subtotals are SUM formulas that show
the right figures, and the sheet prints one page wide at 100%. Checked in the XML itself and in
what LibreOffice shows and prints."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from office import assert_page_numbers_7_mm_under_the_type_area, soffice_csv, soffice_pdf

from pbgen.errors import PbgenError
from pbgen.importer import import_file
from pbgen.pipeline import TEMPLATES, render_file
from pbgen.render_xlsx import render_xlsx

from conftest import DATA, clean_data, project, typography, write_layout

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
OWN_FORMULA = re.compile(r"SUM\(C\d+(:C\d+|(,C\d+)*)\)")
HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/","点此")',
    "=100%完成会议任务",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
]


def sheet_xml(path: Path):
    from lxml import etree

    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("xl/worksheets/sheet1.xml"))


def formulas(path: Path) -> list[str]:
    return [f.text for f in sheet_xml(path).iter(f"{MAIN}f")]


def stored(path: Path) -> dict[str, str]:
    """Each cell's stored value as written in the XML: {"C3": "92.79"}."""
    return {c.get("r"): c.findtext(f"{MAIN}v") for c in sheet_xml(path).iter(f"{MAIN}c")}


@pytest.fixture(scope="module")
def menyuan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    (path,) = render_file(DATA / "menyuan-2024.yaml", out, formats=["xlsx"]).outputs
    return path


@pytest.fixture
def hostile(write_filing, tmp_path) -> Path:
    """The clean filing with formula-like text wherever a cell starts with the filing's own
    text: the title (部门名称), 部门编码 and 简称, 单位编码 and 名称, a project's one goal."""

    def mutate(data):
        department = data["department"]
        department.update(name=HOSTILE[0], code=HOSTILE[5], short_name=HOSTILE[4])
        data["units"][0]["code"], data["units"][0]["name"] = HOSTILE[1], HOSTILE[6]
        project(data)["goals"] = [HOSTILE[2]]
        project(data, 1)["goals"] = [HOSTILE[3]]

    (path,) = render_file(
        write_filing(mutate), tmp_path / "out", layout="gongkai", formats=["xlsx"]
    ).outputs
    return path


# -- text is text -------------------------------------------------------------------------------


def test_text_starting_like_a_formula_is_a_string_cell(hostile):
    assert all(OWN_FORMULA.fullmatch(formula) for formula in formulas(hostile)), formulas(hostile)
    sheet = openpyxl.load_workbook(hostile).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert f"{HOSTILE[0]}2024年部门预算项目支出绩效目标公开表" in values
    assert set(HOSTILE[1:]) <= set(values)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.column_letter != "C":  # C: amounts
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert not sheet._hyperlinks


@needs_soffice
def test_libreoffice_shows_formula_like_text_literally(hostile, tmp_path):
    shown = "\n".join(",".join(row) for row in soffice_csv(hostile, tmp_path))
    for text in HOSTILE:
        assert text.strip() in shown
    assert "Err:" not in shown and "#NAME" not in shown


# -- totals are formulas ------------------------------------------------------------------------


def test_totals_are_sum_formulas_storing_the_exact_figures(menyuan):
    assert formulas(menyuan) == ["SUM(C5)", "SUM(C5)", "SUM(C6:C46)"]
    values = stored(menyuan)
    assert [values[f"C{row}"] for row in (3, 4, 5, 6, 9)] == ["92.79"] * 3 + ["10.85", "6.80"]
    sheet = openpyxl.load_workbook(menyuan, data_only=True).active  # a reader that never calculates
    assert sheet["C3"].value == 92.79 and sheet["C3"].number_format == "0.00"


def two_units() -> dict:
    data = clean_data()
    second = {**data["units"][0], "code": "131002", "name": "示例县政协机关"}
    second.pop("total", None)
    data["units"].append(second)
    data["units"][0].pop("total", None)
    return data


@needs_soffice
def test_libreoffice_computes_the_totals_of_several_units(write_filing, tmp_path):
    source = write_filing(lambda data: data.update(two_units()))
    (path,) = render_file(source, tmp_path / "out", layout="gongkai", formats=["xlsx"]).outputs
    rows = soffice_csv(path, tmp_path)
    amounts = {row[0] or row[1]: row[2] for row in rows[2:] if row[0] or row[1].startswith("合")}
    assert amounts["合计"] == "30.00" and amounts["131001"] == amounts["131002"] == "15.00"
    assert re.fullmatch(r"SUM\(C4,C\d+\)", formulas(path)[0])  # the two units' cells


def test_beyond_255_units_the_total_sums_them_in_groups_of_255(tmp_path):
    """Excel takes at most 255 arguments to a function: 300 units' cells are summed as two
    SUMs of at most 255 cells inside one."""
    rows = [row("total", "", "合计", "300")]
    for n in range(300):
        rows.append(row("unit", f"{n:03}", f"单位{n}", "1"))
        line = {"level": 1, "text": "一、产出指标"}
        rows.append(row("project", "", "1. 项目", "1", ["目标"], [line]))
    context = {"title": "标题", "money_unit": "万元", "rows": rows}
    path = tmp_path / "many.xlsx"
    template = TEMPLATES / "gongkai" / "template.xlsx"
    path.write_bytes(render_xlsx(context, template, datetime.datetime(2024, 1, 1)))
    total, *subtotals = formulas(path)
    groups = re.fullmatch(r"SUM\(SUM\(([^()]*)\),SUM\(([^()]*)\)\)", total)
    assert groups and [len(group.split(",")) for group in groups.groups()] == [255, 45]
    assert len(subtotals) == 300
    if shutil.which("soffice"):
        assert soffice_csv(path, tmp_path)[2][2] == "300"


def row(kind, code, name, amount, goals=(), indicators=()) -> dict:
    return {"kind": kind, "code": code, "name": name, "amount": amount,
            "goals": list(goals), "indicators": list(indicators)}  # fmt: skip


# -- print --------------------------------------------------------------------------------------


def test_page_setup(menyuan):
    sheet = openpyxl.load_workbook(menyuan).active
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth) == ("landscape", 9, 1)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_options.horizontalCentered
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.oddFooter.center.text == "— &P —" and sheet.oddFooter.center.size == 14
    assert sheet["A1"].font.sz == 22  # 2号, as the PDF's title


def words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, width pt, height pt) on ``page``, from pdftotext's bounding boxes."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for x0, y0, x1, y1, word in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html
    ):
        found.append((word, float(x1) - float(x0), float(y1) - float(y0)))
    return found


@pytest.fixture(scope="module")
def printed(menyuan, tmp_path_factory) -> Path:
    """The 公开表 XLSX as LibreOffice prints it."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    return soffice_pdf(menyuan, tmp_path_factory.mktemp("printed"))


def test_libreoffice_prints_one_page_wide_at_100_percent(printed):
    pdf = printed
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        )[1]
    )
    for page in range(1, pages + 1):
        on_page = {word: width for word, width, _ in words(pdf, page)}
        # every page has the whole header row: no column pushed onto a page of its own
        assert {"单位编码", "金额（万元）", "绩效指标"} <= set(on_page), page
        assert 41 < on_page["单位编码"] < 43  # four 5号 characters: 42 pt at 100%
    assert_page_numbers_7_mm_under_the_type_area(pdf)


def test_fonts_are_written_in_the_schema_order(menyuan):
    """openpyxl wrote name before sz and b after name: openxml-audit found 5 errors, one a
    font, and Excel repairs such a file. b, sz, color, name, family, scheme: Excel's order."""
    order = ["b", "i", "sz", "color", "name", "family", "charset", "scheme"]
    styles = zipfile.ZipFile(menyuan).read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>(.*?)</font>", styles)
    assert len(fonts) > 1 and any("<b " in font for font in fonts)
    for font in fonts:
        children = re.findall(r"<(\w+)", font)
        assert children == sorted(children, key=order.index), font
    names = {font.name for font in openpyxl.load_workbook(menyuan)._fonts}
    assert {"方正小标宋简体", "黑体", "仿宋_GB2312"} <= names


def test_printed_pages_are_full_numbered_centred_and_bold_is_bold(printed):
    measured = typography().measure(printed)
    assert measured.short == [] and measured.misplaced_numbers == []
    runs = typography().bold_ink(printed)
    assert runs and all(ratio >= typography().BOLD_INK for *_, ratio in runs), runs


def test_every_page_foot_is_closed_and_a_continued_project_is_named(menyuan, printed):
    measured = typography().measure(printed)
    assert measured.open_feet == [] and measured.pages == 16
    sheet = openpyxl.load_workbook(menyuan).active
    setup = sheet.page_setup
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # open height: breaks are kept
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert len(breaks) == measured.pages - 1
    # where a page starts inside a project, its name goes on with 「（续）」
    continued = [brk + 1 for brk in breaks if sheet.cell(brk + 1, 2).value.endswith("（续）")]
    assert continued and all(sheet.cell(at, 3).value is None for at in continued)
    for at in continued:
        page = next(n for n, brk in enumerate(breaks, 2) if brk + 1 == at)
        assert sheet.cell(at, 2).value.replace(" ", "") in "".join(
            word for word, _, _ in words(printed, page)
        )


def long_project(data: dict) -> None:
    """A project whose goals and indicators run over three pages."""
    rows = [{"name": f"完成第{n}项重点工作任务", "value": f"≥{n}次"} for n in range(1, 9)]
    level2 = ("数量指标", "质量指标", "时效指标", "成本指标")
    project(data)["indicators"] = {
        "产出指标": {name: rows for name in level2},
        "效益指标": {"社会效益指标": rows, "可持续影响指标": rows},
        "满意度指标": {"服务对象满意度指标": rows},
    }
    project(data)["goals"] = [
        f"围绕第{n}项重点工作，组织开展调查研究和民主监督，形成高质量的调研报告和建议。"
        for n in range(1, 25)
    ]


def test_a_project_over_pages_splits_its_goals_and_imports_back(write_filing, tmp_path):
    source = write_filing(long_project)
    (path,) = render_file(source, tmp_path / "out", layout="gongkai", formats=["xlsx"]).outputs
    sheet = openpyxl.load_workbook(path).active
    names = [sheet.cell(brk.id + 1, 2).value for brk in sheet.row_breaks.brk]
    name = "1. " + project(clean_data())["name"]
    assert names.count(name + "（续）") >= 2  # over three pages at least
    rows = [
        r for r in range(1, sheet.max_row + 1) if (sheet.cell(r, 2).value or "").startswith(name)
    ]
    assert len([r for r in rows if sheet.cell(r, 4).value]) >= 2  # goals beside each part
    imported = import_file(path, tmp_path / "back.yaml").output
    back = project(yaml.safe_load(imported.read_text(encoding="utf-8")))
    wanted = clean_data()
    long_project(wanted)
    assert back["goals"] == project(wanted)["goals"]
    assert back["indicators"] == {
        level1: {
            level2: [{"name": row["name"], "value": row["value"]} for row in group]
            for level2, group in tree.items()
        }
        for level1, tree in project(wanted)["indicators"].items()
    }
    if shutil.which("soffice"):
        assert typography().measure(soffice_pdf(path, tmp_path)).open_feet == []


# -- a layout's own Excel template ----------------------------------------------------------------


def own_layout(folder: Path, template: bool = True) -> Path:
    """A department's layout with a sheet of its own: each project's name and amount merged
    beside its indicator rows, a total at the foot — data only, no Python."""
    layout = write_layout(folder / "forms", "indicators", "项目指标清单", ["xlsx"])
    if not template:
        return folder / "forms"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "指标清单"
    sheet["A1"] = "{{ title }}"
    sheet.append(["项目", "金额（{{ money_unit }}）", "三级指标", "指标值"])
    sheet["A3"] = "{%tr for p in projects %}"
    sheet["A4"] = "{%tr for row in p.indicators %}"
    sheet.append([])
    for column, text in enumerate(
        ["{{ p.name }}{# 合并 #}", "{{ p.budget | number }}{# 合并 #}", "{{ row.name }}",
         "{{ row.value }}"], 1
    ):  # fmt: skip
        sheet.cell(row=5, column=column, value=text)
    sheet["A6"] = "{%tr endfor %}"
    sheet["A7"] = "{%tr endfor %}"
    sheet["A8"], sheet["B8"] = "合计", "{{ total | number }}"
    workbook.save(layout / "template.xlsx")
    return folder / "forms"


def test_a_layout_gets_its_own_sheet_never_the_public_tables(write_filing, tmp_path):
    forms = own_layout(tmp_path)
    source = write_filing(lambda data: project(data).update(name="=SUM(A1:A9)"))
    (path,) = render_file(
        source, tmp_path / "out", layout="indicators", template_dir=forms, formats=["xlsx"]
    ).outputs
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["指标清单"]
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert rows[0][0] == "示例县政协项目指标清单" and rows[1][1] == "金额（万元）"
    assert "单位编码" not in str(rows)  # the 公开表's header is nowhere
    first = [row for row in rows[2:] if row[0] == "=SUM(A1:A9)"]
    assert len(first) == 1 and first[0][1] == 10  # the name once, its rows merged under it
    merged = {str(r) for r in workbook.active.merged_cells.ranges}
    count = sum(
        len(rows)
        for groups in clean_data()["units"][0]["projects"][0]["indicators"].values()
        for rows in groups.values()
    )
    assert {f"A3:A{2 + count}", f"B3:B{2 + count}"} <= merged
    assert rows[-1][:2] == ["合计", 15]
    assert "<f>" not in str(etree_text(path))  # the name that reads as a formula is text


def etree_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def test_a_layout_declaring_xlsx_without_a_template_is_told_what_to_add(write_filing, tmp_path):
    forms = own_layout(tmp_path, template=False)
    with pytest.raises(PbgenError, match=r"找不到 XLSX 模板 .*template\.xlsx"):
        render_file(write_filing(), tmp_path / "out", layout="indicators", template_dir=forms)


def test_a_template_cell_with_a_mistake_is_named_by_its_cell(write_filing, tmp_path):
    forms = own_layout(tmp_path)
    template = forms / "indicators" / "template.xlsx"
    workbook = openpyxl.load_workbook(template)
    workbook.active["D5"] = "{{ row.value "
    workbook.save(template)
    with pytest.raises(PbgenError, match="工作表「指标清单」的 D5 单元格有语法错误"):
        render_file(write_filing(), tmp_path / "out", layout="indicators", template_dir=forms)
