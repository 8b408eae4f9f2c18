"""资金支出计划 rules."""

from conftest import findings, project


def plan(data: dict, **months: str) -> None:
    project(data)["spending_plan"] = {f"{month}月底": share for month, share in months.items()}


def test_seed_004_pattern_not_cumulative(write_filing):
    found = findings(
        write_filing(lambda d: plan(d, **{"3": "30%", "6": "30%", "10": "30%", "12": "30%"})),
        "plan-incomplete",
    )
    assert len(found) == 1
    assert "30%" in found[0].message and "120%" in found[0].message and "累计" in found[0].message
    assert found[0].field == "项目「委员视察经费」 › 资金支出计划（%）的 12月底"


def test_plan_may_reach_hundred_before_december(write_filing):
    path = write_filing(lambda d: plan(d, **{"3": "50", "6": "100"}))
    assert findings(path, "plan-incomplete") == []


def test_plan_missing_december_below_hundred(write_filing):
    found = findings(
        write_filing(lambda d: plan(d, **{"3": "20", "6": "65", "10": "92"})), "plan-incomplete"
    )
    assert len(found) == 1 and "12月底" in found[0].message


def test_empty_plan(write_filing):
    found = findings(write_filing(lambda d: plan(d)), "plan-incomplete")
    assert len(found) == 1 and "空" in found[0].message


def test_plan_decreasing(write_filing):
    found = findings(
        write_filing(lambda d: plan(d, **{"3": "50", "6": "40", "10": "90", "12": "100"})),
        "plan-decreasing",
    )
    assert len(found) == 1 and "6月底" in found[0].field


def test_plan_flat_is_not_decreasing(write_filing):
    path = write_filing(lambda d: plan(d, **{"3": "50", "6": "50", "10": "90", "12": "100"}))
    assert findings(path, "plan-decreasing") == []


def test_plan_out_of_range(write_filing):
    found = findings(
        write_filing(lambda d: plan(d, **{"3": "-5", "6": "50", "10": "90", "12": "120"})),
        "plan-range",
    )
    assert [f.field.rsplit(" ", 1)[-1] for f in found] == ["3月底", "12月底"]


def test_plan_bounds_are_inclusive(write_filing):
    path = write_filing(lambda d: plan(d, **{"3": "0", "6": "50", "10": "90", "12": "100"}))
    assert findings(path) == []
