"""The summary workbook (totals as formulas) and each filing's 审核意见, opened as the bureau
opens them: LibreOffice computing the formulas, openpyxl reading the cells."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import html
from office import soffice_csv
from openpyxl import load_workbook

from pbgen.check import check
from pbgen.findings import visible
from pbgen.load import load
from pbgen.report import report_files
from pbgen.report.build import build_report
from pbgen.report.text import LIMIT
from pbgen.report.workbook import SHEET_HEAD
from pbgen.write import write_all

from .filings import department, write
from conftest import DATA, hostile, pbgen

FORMULA_CELL = re.compile(rb"(<c [^>]*>)(<f>[^<]*</f>)<v>[^<]*</v>(</c>)")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict[Path, bytes]]:
    root = tmp_path_factory.mktemp("workbook")
    generated = root / "生成"
    write(generated, "乙局-2024", department("乙局", "702001", codes=("D1", "E2"), money_unit="元", budgets=("123456.78", "1000.50")))  # fmt: skip
    write(generated, "公式局-2024", department("=SUM(1,1)", "703001", codes=("D1", "F2")))
    report = build_report([DATA, generated])
    files = report_files(report, root / "out", ["html", "xlsx"], feedback=True)
    write_all(files)
    return root, files


def _html_totals(page: Path) -> dict[str, list[Decimal]]:
    tree = html.fromstring(page.read_bytes())
    return {
        row.get("data-year-total"): [_number(cell.text_content()) for cell in row.xpath("td")[:3]]
        for row in tree.xpath("//tr[@data-year-total]")
    }


def test_the_summarys_formulas_computed_by_libreoffice_equal_the_pages_totals(written, tmp_path):
    root, _ = written
    summary = root / "out" / "审核报告.xlsx"
    # the totals' stored results taken out: what LibreOffice shows, it computed
    with zipfile.ZipFile(summary) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
        assert sheet.count(b"SUMIF(") == 3 * 6  # 3 years, 3 amounts and 3 counts each
        stripped = io.BytesIO()
        with zipfile.ZipFile(stripped, "w") as target:
            for name in source.namelist():
                data = source.read(name)
                target.writestr(
                    name,
                    FORMULA_CELL.sub(rb"\1\2\3", data)
                    if name == "xl/worksheets/sheet1.xml"
                    else data,
                )
    bare = tmp_path / "bare.xlsx"
    bare.write_bytes(stripped.getvalue())
    with zipfile.ZipFile(bare) as opened:
        assert not FORMULA_CELL.search(opened.read("xl/worksheets/sheet1.xml"))
    rows = soffice_csv(bare, tmp_path)
    computed = {
        row[1]: [_number(cell) for cell in row[7:10]] for row in rows if row[0].endswith("年合计")
    }
    expected = _html_totals(root / "out" / "审核报告.html")
    assert computed == expected and set(expected) == {"2020", "2023", "2024"}
    # and the results stored with the formulas, for a viewer that does not compute
    stored = load_workbook(summary, data_only=True)["汇总"]
    cached = {
        str(row[1].value): [Decimal(str(cell.value)) for cell in row[7:10]]
        for row in stored.iter_rows()
        if isinstance(row[0].value, str) and row[0].value.endswith("年合计")
    }
    assert cached == expected


def test_text_is_text_never_a_formula(written):
    root, _ = written
    sheet = load_workbook(root / "out" / "审核报告.xlsx")["汇总"]
    (cell,) = [row[0] for row in sheet.iter_rows() if row[0].value == "=SUM(1,1)"]
    assert cell.data_type == "s"


def test_each_filing_gets_its_findings_sheet_with_every_place(written):
    root, files = written
    sheets = sorted(path for path in files if "审核意见" in path.parts)
    assert len(sheets) == len(list(DATA.glob("*.yaml"))) + 2
    sheet = load_workbook(root / "out" / "审核意见" / "乙局-2024.xlsx")["审核意见"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "乙局 2024 年部门预算绩效文本审核意见"
    assert rows[4] == list(SHEET_HEAD)
    (duplicate,) = [row for row in rows[5:] if "cross-project-code" in (row[4] or "")]
    place, also = duplicate[2].split("\n")
    assert re.fullmatch(r".*乙局-2024\.yaml:\d+:\d+", place)
    assert also.startswith("另见 ") and "公式局-2024.yaml:" in also
    assert "「D1」" in duplicate[5]

    zunhua = DATA / "zunhua-2024.yaml"
    sheet = load_workbook(root / "out" / "审核意见" / "zunhua-2024.xlsx")["审核意见"]
    places = [row[2].value for row in sheet.iter_rows(min_row=6)]
    expected = [f"{f.file}:{f.line}:{f.column}" for f in check(load(zunhua))]
    assert expected and set(expected) <= set(places)
    assert any(place.startswith(f"{zunhua}:") and "\n另见 " in place for place in places)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_a_departments_text_is_text_in_every_sheet(tmp_path):
    """bench/hostile.py's departments, reported by `pbgen report` in a process of its own: in
    the summary and each 审核意见, a name typed as =…, +…, -… or @… is a text cell with Excel's
    quote prefix (it stays text when the reviewer edits it), control and bidi characters are
    written out, and a 200,000-character name is cut where it says so, never at Excel's 32,767."""
    folder = hostile().hostile_departments(tmp_path / "filings")
    done = pbgen("report", folder.name, "-o", "out", "-f", "xlsx", "--feedback", cwd=tmp_path,
                 seconds=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    books = sorted((tmp_path / "out").rglob("*.xlsx"))
    assert len(books) == 1 + len(list(folder.glob("*.yaml")))
    texts = []
    for book in books:
        for sheet in load_workbook(book).worksheets:
            for cell in (cell for row in sheet.iter_rows() for cell in row):
                if cell.data_type == "f":
                    assert cell.value.startswith(("=SUMIF(", "=E")), cell.value  # pbgen's own
                if isinstance(cell.value, str) and cell.data_type == "s":
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (book.name, cell.coordinate, cell.value)
                    assert not re.search(r"_x00[01][0-9A-F]_", cell.value), cell.value
    assert hostile().raw_text("".join(texts)) == []
    assert max(map(len, texts)) < LIMIT + 40
    summary = load_workbook(tmp_path / "out" / "审核报告.xlsx")["汇总"]
    names = [row[0].value for row in summary.iter_rows(min_row=5) if row[0].value]
    for name in hostile().HOSTILE_NAMES.values():
        cut = f"{name[:LIMIT]}…（共 {len(name):,} 字，余下的见文件）"
        assert (visible(name) if len(name) <= LIMIT else cut) in names
    (quoted,) = [row[0] for row in summary.iter_rows() if row[0].value == "@SUM(1,1)"]
    assert quoted.data_type == "s" and quoted.quotePrefix
