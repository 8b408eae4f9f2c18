"""A bureau's kit built as its author would, with no Python: a department-level form for a
filing with no projects, a project form with a cost-composition table in PDF, DOCX and XLSX,
the older framework, a rule turned into a warning (tests/fixtures/kit-czj/; its Word and Excel
templates drawn by tests/fixtures/kit_czj_templates.py as the author would draw them). The kit
proves itself, a department uses it, and every field its filings give is printed next to its
label in every format."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import docx
import fitz
import openpyxl
import pytest
import yaml

from pbgen.check import check
from pbgen.kitstore import kit_for
from pbgen.load import load

from conftest import FIXTURES, dump

sys.path.insert(0, str(FIXTURES))
import kit_czj_templates

DEPT = [
    ("填报单位", "示例县文化馆"),
    ("部门名称", "示例县文化馆"),
    ("部门编码", "305"),
    ("资金总额", "120.00"),
    ("一般公共预算拨款", "100.00", "83.33%"),
    ("政府性基金拨款", "0", "0.00%"),
    ("其他资金", "20.00", "16.67%"),
    ("基本支出", "80.00", "66.67%"),
    ("项目支出", "40.00", "33.33%"),
    ("部门职能概述", "组织开展群众文化活动。"),
    ("部门职能概述", "指导基层文化站业务工作。"),
    ("送戏下乡", "活动部", "全年演出不少于20场"),
    ("文艺培训", "培训部", "培训业余文艺骨干300人次"),
    ("年度绩效目标", "全年开展公益文化活动，提升群众文化生活水平。"),
    ("年度绩效目标", "完成基层文化骨干培训任务。"),
    ("产出指标", "数量指标", "演出场次", "≥20场"),
    ("质量指标", "培训合格率", "≥95%"),
    ("效益指标", "社会效益指标", "群众参与人次", "≥5000人次"),
    ("服务对象满意度指标", "群众满意度", "≥90%"),
    ("填报人", "王五"),
    ("联系电话", "0315-1234567"),
    ("填报日期", "2025年1月10日"),
]
COST = [
    ("填报单位", "示例县文化馆"),
    ("项目名称", "送戏下乡专项经费"),
    ("项目编码", "13022525P00J8FP10001D"),
    ("实施单位", "示例县文化馆本级"),
    ("项目金额", "10.00"),
    ("演出劳务", "6.00", "3000元*20=60000元", "5.20", "5.80"),
    ("舞台车辆", "4.00", "2000元*20=40000元", "3.60", "3.90"),
    ("合计", "10.00", "8.80", "9.70"),
    ("年度绩效目标", "全年送戏下乡演出20场，覆盖全县12个乡镇。"),
    ("年度绩效目标", "丰富农村群众文化生活。"),
    ("产出指标", "数量指标", "演出场次", "≥20场"),
    ("成本指标", "单场演出成本", "≤0.5万元"),
    ("效益指标", "社会效益指标", "覆盖乡镇数", "12个"),
    ("服务对象满意度指标", "观众满意度", "≥90%"),
    ("保障措施", "成立送戏下乡工作专班，明确责任分工。"),
    ("保障措施", "严格执行经费管理办法，专款专用。"),
]


def pbgen(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pbgen", *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The kit folder as the bureau publishes it: data and templates, no Python."""
    folder = tmp_path_factory.mktemp("bureau") / "czj-kit"
    shutil.copytree(FIXTURES / "kit-czj", folder)
    kit_czj_templates.build(folder)
    assert not list(folder.rglob("*.py"))
    return folder


@pytest.fixture(scope="module")
def department(kit, tmp_path_factory) -> Path:
    """A department that uses the kit (pbgen kit use) and files both forms."""
    folder = tmp_path_factory.mktemp("department")
    done = pbgen("kit", "use", kit, cwd=folder)
    assert done.returncode == 0, done.stderr
    for layout in ("dept", "cost"):
        shutil.copy(kit / layout / "example.yaml", folder / f"{layout}.yaml")
    return folder


@pytest.fixture(scope="module")
def outputs(department) -> Path:
    done = pbgen("render", ".", "-o", "out", cwd=department)
    assert done.returncode == 0, done.stdout + done.stderr
    return department / "out"


def test_the_kit_proves_itself(kit, tmp_path):
    done = pbgen("kit", "check", kit, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "版式 dept（部门整体支出绩效目标申报表）：示例 example.yaml 0 个错误、0 个警告"
        in done.stdout
    )
    made = re.search(r"版式 cost.*生成 (.*)", done.stdout)[1]
    assert "DOCX" in made and "PDF 1 页" in made and "XLSX" in made


def test_the_department_level_filing_has_no_projects_and_no_false_finding(department):
    loaded = load(department / "dept.yaml")
    assert loaded.filing.units == [] and loaded.filing.projects == []
    assert check(loaded) == []  # no department-budget error for a 项目支出 without projects


# -- every field next to its label ------------------------------------------------------------


def squeezed(text) -> str:
    return "".join(str(text).split())


def same(cell: str, wanted: str) -> bool:
    """A cell holds ``wanted``: as text, or as the same amount (Excel stores 10.00 as 10)."""
    if squeezed(wanted) in squeezed(cell):
        return True
    try:
        return Decimal(str(cell)) == Decimal(wanted)
    except (InvalidOperation, ValueError):
        return False


def in_one_row(rows: list[list[str]], texts: tuple[str, ...]) -> bool:
    """Some row holds every text, each in a cell of its own (a label beside its value)."""
    for row in rows:
        cells = [cell for cell in row if cell]
        places = [{i for i, cell in enumerate(cells) if same(cell, text)} for text in texts]
        if all(places) and len(set().union(*places)) >= len(texts):
            return True
    return False


def lines_as_rows(lines) -> list[list[str]]:
    """Lines of text outside tables (填报单位：…, 填报人：…) as rows of label and value."""
    return [[part for part in re.split(r"[：:]|\s{2,}|\t", line) if part.strip()] for line in lines]


def docx_rows(path: Path) -> list[list[str]]:
    document = docx.Document(str(path))
    rows = []
    for table in document.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(row.cells))  # a cell merged across is one cell
            rows.append([cell.text for cell in cells])
    return rows + lines_as_rows(p.text for p in document.paragraphs)


def pdf_rows(path: Path) -> list[list[str]]:
    rows = []
    with fitz.open(path) as document:
        for page in document:
            for table in page.find_tables().tables:
                rows += [[cell or "" for cell in row] for row in table.extract()]
            rows += lines_as_rows(page.get_text().splitlines())
    return rows


def xlsx_rows(path: Path) -> list[list[str]]:
    sheet = openpyxl.load_workbook(path).active
    rows = [[str(v) for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    return rows + lines_as_rows(cell for row in rows for cell in row if "：" in cell)


READERS = {"docx": docx_rows, "pdf": pdf_rows, "xlsx": xlsx_rows}


@pytest.mark.parametrize(
    ("filing", "fields", "formats"),
    [("dept", DEPT, ("docx", "pdf")), ("cost", COST, ("docx", "pdf", "xlsx"))],
)
def test_every_field_is_printed_next_to_its_label(outputs, filing, fields, formats):
    for name in formats:
        rows = READERS[name](outputs / f"{filing}.{name}")
        missing = [texts for texts in fields if not in_one_row(rows, texts)]
        assert missing == [], f"{filing}.{name}"


def test_a_kit_field_the_layout_does_not_print_is_named(department, tmp_path):
    data = yaml.load((department / "cost.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)
    data["units"][0]["projects"][0]["extra"]["审核意见"] = "同意"
    (department / "more.yaml").write_text(dump(data), encoding="utf-8")
    try:
        done = pbgen("render", "more.yaml", "-o", tmp_path, "-f", "docx", cwd=department)
    finally:
        (department / "more.yaml").unlink()
    assert done.returncode == 0 and "审核意见" in done.stdout + done.stderr


# -- the kit's rules and framework judge ------------------------------------------------------


def variant(department: Path, mutate) -> Path:
    data = yaml.load((department / "cost.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)
    mutate(data, data["units"][0]["projects"][0])
    path = department / "variant.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def findings_of(path: Path, kit=None):
    return [(f.rule, f.severity) for f in check(load(path), kit)]


def test_a_wrong_total_is_an_error(department):
    path = variant(department, lambda d, p: p["tables"]["cost"]["total"].update(amount="11.00"))
    found = check(load(path))
    assert [(f.rule, f.severity, f.field) for f in found] == [
        ("table-total", "error", "项目「送戏下乡专项经费」 › 成本构成 › 合计 › 金额")
    ]
    assert "各行相加是 10.00" in found[0].message


def test_the_older_framework_is_the_kit_s_and_standard_finds_its_two_errors(department):
    assert findings_of(department / "cost.yaml") == []
    path = variant(department, lambda d, p: d.update(check={"framework": "standard"}))
    assert sorted(findings_of(path)) == [
        ("indicator-level2", "error"),
        ("indicator-required", "error"),
    ]


def test_the_kit_turns_a_rule_into_a_warning(department):
    def over(data, project):
        project["indicators"]["效益指标"]["服务对象满意度指标"][0]["value"] = "120%"

    path = variant(department, over)
    assert findings_of(path) == [("value-percent", "warning")]  # the kit's
    builtin = kit_for(None)
    assert ("value-percent", "error") in findings_of(path, builtin)  # pbgen's own


def test_a_filing_cannot_unlock_what_the_kit_locks(department):
    path = variant(department, lambda d, p: d.update(check={"disable": ["indicator-required"]}))
    [(rule, severity)] = findings_of(path)
    assert (rule, severity) == ("check-settings", "error")
