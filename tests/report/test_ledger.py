"""The bureau's ledger against the departments' filings: CSV (UTF-8 or GBK), XLS or XLSX with
the bureau's column names; amounts compared at the coarser precision of the two units."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from pbgen.errors import PbgenError
from pbgen.report.build import build_report
from pbgen.report.ledger import LedgerColumns, agree, read_ledger

from .filings import department, write

LEDGER_ROWS = [
    ["2024年项目预算台账（单位：元）"],  # a title above the header, as budget systems export
    ["预算单位编码", "项目编码", "项目名称", "预算金额（元）"],
    ["401001", "G1", "委员视察经费", "100000.00"],  # 10.00 万元: agrees
    ["401001", "G2", "文史资料编印费", "50,100.00"],  # the filing says 5.00 万元: mismatch
    ["402001", "H1", "委员视察经费", "200049.99"],  # 20.00 万元: agrees at 0.01 万元
    ["402001", "H2", "文史资料编印费", "30000"],
    ["409001", "Z9", "没有报的项目", "1000"],  # no filing has it
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    filings = tmp_path / "filings"
    write(
        filings, "甲局", department("甲局", "401001", codes=("G1", "G2"), budgets=("10.00", "5.00"))
    )
    write(
        filings, "乙局", department("乙局", "402001", codes=("H1", "H3"), budgets=("20.00", "3.00"))
    )
    return filings


def _csv(path: Path, rows, encoding: str) -> Path:
    path.write_bytes("\r\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode(encoding))
    return path


def _by_rule(report) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in report.across:
        found.setdefault(item.finding.rule, []).append(item)
    return found


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_ledger_in_yuan_against_filings_in_wanyuan(folder, tmp_path, encoding):
    ledger = _csv(tmp_path / "台账.csv", LEDGER_ROWS, encoding)
    report = build_report([folder], ledgers=[ledger])
    found = _by_rule(report)

    (mismatch,) = found["ledger-mismatch"]
    assert mismatch.finding.file == str(folder / "甲局.yaml")
    assert "5.00 万元（50,000.00 元）" in mismatch.finding.message
    assert f"{ledger} 第 4 行的 50,100.00 元（5.01 万元）" in mismatch.finding.message
    assert "0.01 万元，即 100 元" in mismatch.finding.message
    assert [(p.file, p.line) for p in mismatch.also] == [(str(ledger), 4)]
    missing = found["ledger-missing"]  # H2 and Z9: in the ledger, in no filing
    assert [(m.finding.file, m.finding.line) for m in missing] == [
        (str(ledger), 6),
        (str(ledger), 7),
    ]
    assert "H2" in missing[0].finding.message and "Z9" in missing[1].finding.message
    (absent,) = found["ledger-absent"]  # 乙局's H3 is in no row of the ledger
    assert absent.finding.file == str(folder / "乙局.yaml") and "H3" in absent.finding.message
    (jia,) = [d for d in report.digests if d.department == "甲局"]
    assert [item.finding.rule for item in jia.items] == ["ledger-mismatch"]


def test_a_ledger_in_xlsx_and_xls_with_the_bureaus_column_names(folder, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["XMBM", "DWBM", "JE"])
    sheet.append(["G1", 401001, 10.0])  # numbers, as a budget system writes them
    sheet.append(["G2", 401001, 5.01])
    book.save(tmp_path / "台账.xlsx")
    columns = LedgerColumns.named("项目编码=XMBM，单位编码=DWBM,预算数=JE")
    xlsx = tmp_path / "台账.xlsx"
    report = build_report([folder], ledgers=[xlsx], columns=columns, ledger_unit="万元")
    (mismatch,) = _by_rule(report)["ledger-mismatch"]
    assert (
        "5.00 万元与预算台账" in mismatch.finding.message
        and "5.01 万元不符" in mismatch.finding.message
    )

    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ledger = read_ledger(tmp_path / "台账.xls", columns, "万元")
    assert [(row.project_code, row.unit_code, row.amount) for row in ledger.rows] == [
        ("G1", "401001", Decimal("10")),
        ("G2", "401001", Decimal("5.01")),
    ]


def test_amounts_agree_at_the_coarser_precision():
    assert agree(Decimal("5.00"), "万元", Decimal("50049.99"), "元") == (True, Decimal(100))
    assert agree(Decimal("5.00"), "万元", Decimal("50050.00"), "元")[0] is False
    assert agree(Decimal("50000.01"), "元", Decimal("50000.02"), "元") == (False, Decimal("0.01"))
    assert agree(Decimal("5.000001"), "万元", Decimal("5.000002"), "万元")[0] is True


def test_a_ledger_without_a_header_or_a_unit_is_told(folder, tmp_path):
    no_unit = _csv(tmp_path / "a.csv", [["项目编码", "预算数"], ["G1", "10"]], "utf-8")
    with pytest.raises(PbgenError, match="--ledger-unit"):
        build_report([folder], ledgers=[no_unit])
    no_header = _csv(tmp_path / "b.csv", [["编码", "钱"], ["G1", "10"]], "utf-8")
    with pytest.raises(PbgenError, match=r"找不到表头.*--ledger-columns"):
        build_report([folder], ledgers=[no_header])
    with pytest.raises(PbgenError, match="看不懂"):
        LedgerColumns.named("金额")


def test_a_ledger_of_unit_totals_and_a_row_that_is_not_a_number(folder, tmp_path):
    rows = [
        ["年度", "单位编码", "预算数（万元）"],
        ["2024", "401001", "15.00"],  # 甲局: 10.00 + 5.00
        ["2024", "402001", "23.50"],  # 乙局: 20.00 + 3.00
        ["2024", "409001", "待定"],
        ["2023", "402001", "99.00"],  # another year: no filing of it here
    ]
    ledger = _csv(tmp_path / "单位台账.csv", rows, "utf-8")
    found = _by_rule(build_report([folder], ledgers=[ledger]))
    (mismatch,) = found["ledger-mismatch"]
    assert mismatch.finding.file == str(folder / "乙局.yaml")
    assert mismatch.finding.field == "单位「乙局本级」的 预算数合计"
    assert "各项目预算数之和 23.00 万元与预算台账" in mismatch.finding.message
    assert "第 3 行的 23.50 万元不符" in mismatch.finding.message
    (row,) = found["ledger-row"]
    assert (row.finding.line, row.finding.severity) == (
        4,
        "warning",
    ) and "「待定」" in row.finding.message
    assert "ledger-absent" not in found  # a ledger of units lists no project to miss
