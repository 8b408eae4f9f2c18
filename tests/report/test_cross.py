"""Checks across filings: one project code in two departments' filings of a year, one unit code
under two names — each a finding at every place, naming the others."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pbgen.report.build import build_report

from .filings import department, write


def _items(report, file: Path, rule: str):
    (filing,) = [d for d in report.digests if d.file == str(file)]
    return [item for item in filing.items if item.finding.rule == rule]


def test_a_project_code_in_two_departments_of_one_year(tmp_path):
    a = write(tmp_path, "甲局-2024", department("甲局", "201001", codes=("X9", "A2")))
    b = write(tmp_path, "乙局-2024", department("乙局", "202001", codes=("B1", "X9")))
    # not mismatches: 甲局's own 公开表 of the same projects, and 丙局's X9 of last year
    same = department("甲局", "201001", codes=("X9", "A2"))
    same["layout"] = "gongkai"
    a_again = write(tmp_path, "甲局-2024-公开表", same)
    c = write(tmp_path, "丙局-2023", department("丙局", "203001", codes=("X9", "C2"), year=2023))
    report = build_report([tmp_path])

    (at_b,) = _items(report, b, "cross-project-code")
    assert at_b.finding.severity == "error"
    assert at_b.finding.line == _line_of(b, "code: X9")
    assert {str(p) for p in at_b.also} == {
        f"{a}:{_line_of(a, 'code: X9')}",
        f"{a_again}:{_line_of(a_again, 'code: X9')}",
    }
    assert "甲局" in at_b.finding.message and "X9" in at_b.finding.message
    (at_a,) = _items(report, a, "cross-project-code")
    assert [str(p) for p in at_a.also] == [f"{b}:{_line_of(b, 'code: X9')}"]
    assert _items(report, c, "cross-project-code") == []
    assert len(_items(report, a_again, "cross-project-code")) == 1


def test_a_unit_code_with_two_names(tmp_path):
    a = write(tmp_path, "甲局", department("甲局", "301001", unit_name="甲局机关"))
    b = write(
        tmp_path, "乙局", department("乙局", "301001", unit_name="乙局机关", codes=("Q1", "Q2"))
    )
    c = write(tmp_path, "甲局-2023", department("甲局", "301001", unit_name="甲局本部", year=2023))
    report = build_report([tmp_path])
    (at_a,) = _items(report, a, "cross-unit-name")
    assert "「301001」" in at_a.finding.message and "乙局机关" in at_a.finding.message
    assert [str(p) for p in at_a.also] == [f"{b}:{_line_of(b, 'name: 乙局机关')}"]
    assert at_a.finding.line == _line_of(a, "name: 甲局机关")
    (at_b,) = _items(report, b, "cross-unit-name")
    assert "甲局机关" in at_b.finding.message
    assert _items(report, c, "cross-unit-name") == []  # another year: a renamed unit is no mismatch
    assert {item.finding.rule for item in report.across} == {"cross-unit-name"}


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_departments_two_filings_of_a_year_are_named_under_the_total(tmp_path):
    write(tmp_path, "甲局-2024", department("甲局", "401001"))
    public = department("甲局", "401001")
    public["layout"] = "gongkai"
    write(tmp_path, "甲局-2024-公开表", public)
    write(tmp_path, "乙局-2024", department("乙局", "402001", codes=("Q1", "Q2")))
    report = build_report([tmp_path])
    assert report.repeated(2024) == {"甲局": 2}
    assert report.totals(2024)["budget"] == Decimal("45.00")  # each filing counted, and said so
