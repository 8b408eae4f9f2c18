"""Year over year: last year's filing of the same unit code, in the folder or in git."""

from __future__ import annotations

import subprocess
from decimal import Decimal

from pbgen.report.build import build_report

from .filings import department, write


def _this_year() -> dict:
    """甲局 2024: 视察 up to 12.00, 文史 dropped, 培训 added, a 质量指标 dropped, a target lowered."""
    data = department("甲局", "501001", codes=("P001", "P003"), budgets=("12.00", "4.00"))
    projects = data["units"][0]["projects"]
    projects[1]["name"] = "委员培训经费"
    output = projects[0]["indicators"]["产出指标"]
    del output["质量指标"]
    output["数量指标"][0]["value"] = "≥2次"  # was ≥3次
    return data


def test_last_years_filing_in_the_folder(tmp_path):
    write(tmp_path, "甲局-2023", department("甲局", "501001", year=2023))
    this = write(tmp_path, "甲局-2024", _this_year())
    write(tmp_path, "乙局-2023", department("乙局", "502001", year=2023))  # another unit
    report = build_report([tmp_path])
    (found,) = report.yoy
    assert found.file == str(this) and found.previous == str(tmp_path / "甲局-2023.yaml")
    assert (found.before, found.budget) == (Decimal("150000.00"), Decimal("160000.00"))
    assert found.change == Decimal("10000.00")
    assert found.added == ["委员培训经费"] and found.dropped == ["文史资料编印费"]
    assert found.indicators_dropped == [
        "项目「委员视察经费」 › 产出指标 › 质量指标 › 三级指标「视察报告采纳率」"
    ]
    assert found.lowered == [  # fewer visits; a cost ceiling raised is a target loosened too
        ("项目「委员视察经费」 › 产出指标 › 数量指标 › 三级指标「视察次数」", "≥3次", "≥2次"),
        (
            "项目「委员视察经费」 › 产出指标 › 成本指标 › 三级指标「视察成本」",
            "≤10.00万元",
            "≤12.00万元",
        ),
    ]
    assert ("委员视察经费", "10.00", "12.00") in found.budgets


def test_last_years_filing_in_git(tmp_path):
    """A department that edits one file year after year: last year's is in its history."""
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    path = write(tmp_path / "甲局", "绩效文本", department("甲局", "501001", year=2023))
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "2023"], check=True)
    revision = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    write(tmp_path / "甲局", "绩效文本", _this_year())
    (found,) = build_report([tmp_path]).yoy
    assert found.previous == f"{revision[:10]}:{path}"
    assert found.before == Decimal("150000.00") and found.dropped == ["文史资料编印费"]
    assert len(found.lowered) == 2


def test_no_last_year_no_comparison(tmp_path):
    write(tmp_path, "甲局-2024", _this_year())
    write(tmp_path, "甲局-2022", department("甲局", "501001", year=2022))  # two years back
    assert build_report([tmp_path]).yoy == []
