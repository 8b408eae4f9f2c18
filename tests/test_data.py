"""The filings in data/ — the five seeds and the 申报表 example: they load, and check finds the
seeds' real defects."""

from pathlib import Path

import pytest

from pbgen.load import load

from conftest import DATA, findings

FILINGS = sorted(DATA.glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../schema/filing.schema.json"


def test_all_five_seeds_and_the_shenbao_example_are_there():
    assert [path.name for path in FILINGS] == [
        "leting-2024.yaml",
        "menyuan-2024.yaml",
        "shanhaiguan-2020.yaml",
        "shifeng-2023.yaml",
        "zhuxi-2024-shenbao.yaml",  # an example of the 申报表, not a seed: checks clean
        "zunhua-2024.yaml",
    ]


@pytest.mark.parametrize("path", FILINGS, ids=lambda p: p.stem)
def test_every_filing_loads_and_names_its_schema(path: Path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert load(path).filing.projects


def by_rule(name: str, rule: str) -> list:
    return findings(DATA / name, rule)


def test_seed_004_spending_plan_is_not_cumulative():
    [found] = by_rule("zunhua-2024.yaml", "plan-incomplete")
    assert "慰问老干部" in found.field and "120%" in found.message


def test_seed_001_at_most_on_completion_rates():
    found = by_rule("shanhaiguan-2020.yaml", "value-direction")
    names = [f.field.split("三级指标")[-1] for f in found]
    assert names == [
        "「两辆车」的 指标值",
        "「完成率」的 指标值",
        "「机关活动完成率」的 指标值",
        "「机关基本公务对外事务完成率」的 指标值",
        "「长期使用性」的 指标值",
    ]
    assert {f.message.split("却是")[1][:6] for f in found} == {"「≤90%」", "「≤80%」"}


def test_seed_002_project_4_indicators_under_wrong_headings():
    found = [
        f for f in by_rule("menyuan-2024.yaml", "indicator-misfiled") if "专委会工作经费" in f.field
    ]
    headings = {f.field.split(" › ")[2] for f in found}
    assert headings == {"成本指标", "社会效益指标", "可持续影响指标", "服务对象满意度指标"}
    assert len(found) == 7


def test_seed_002_project_10_empty_values():
    found = by_rule("menyuan-2024.yaml", "value-empty")
    assert len(found) == 2 and all("政协协商议政服务中心" in f.field for f in found)


def test_seed_003_empty_values():
    found = by_rule("shifeng-2023.yaml", "value-empty")
    assert len(found) == 5
    assert sum(f.field.startswith("部门年度绩效指标") for f in found) == 2


def test_seed_000_value_repeats_name():
    found = by_rule("leting-2024.yaml", "value-repeats-name")
    assert any("委员联络站数量" in f.message for f in found)


def test_seed_003_money_adds_up():
    """附表1: 528.244101 = 443.644101 + 84.6, and 84.6 = 31.5 + 53.1; the formulas are right."""
    for rule in ("department-budget", "table-total", "arithmetic", "unit-total"):
        assert by_rule("shifeng-2023.yaml", rule) == []


def test_seed_002_subtotal_matches():
    filing = load(DATA / "menyuan-2024.yaml").filing
    assert str(filing.project_total) == "92.79"
    assert by_rule("menyuan-2024.yaml", "unit-total") == []
