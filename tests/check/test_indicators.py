"""Indicator framework and 指标值 rules."""

import pytest

from conftest import findings, project


def indicators(data: dict, index: int = 0) -> dict:
    return project(data, index)["indicators"]


def row(data: dict, level1: str, level2: str, index: int = 0) -> dict:
    return indicators(data)[level1][level2][index]


def test_unknown_level1(write_filing):
    found = findings(
        write_filing(
            lambda d: indicators(d).update(
                产出效益指标={"数量指标": [{"name": "x", "value": "1次"}]}
            )
        ),
        "indicator-level1",
    )
    assert len(found) == 1 and "产出指标、效益指标、满意度指标" in found[0].message


def test_level2_used_as_level1_says_where_it_belongs(write_filing):
    found = findings(
        write_filing(
            lambda d: indicators(d).update(数量指标={"数量指标": [{"name": "x", "value": "1次"}]})
        ),
        "indicator-level1",
    )
    assert len(found) == 1 and "产出指标下的二级指标" in found[0].message


def test_level2_under_wrong_level1(write_filing):
    def mutate(data):
        indicators(data)["效益指标"]["时效指标"] = [{"name": "完成时间", "value": "按期"}]

    found = findings(write_filing(mutate), "indicator-level2")
    assert len(found) == 1 and "它属于 产出指标" in found[0].message


def test_alias_level1_is_a_warning_not_an_error(write_filing):
    def mutate(data):
        tree = indicators(data)
        tree["效果指标"] = tree.pop("效益指标")

    path = write_filing(mutate)
    alias = findings(path, "indicator-alias")
    assert len(alias) == 1 and alias[0].severity == "warning" and "效益指标" in alias[0].message
    assert [f for f in findings(path) if f.severity == "error"] == []


def test_2021_framework_moves_cost_to_level1(write_filing):
    def under_2021(data):
        data["check"] = {"framework": "2021"}

    found = findings(write_filing(under_2021), "indicator-level2")
    assert len(found) == 1 and "一级指标" in found[0].message

    def cost_as_level1(data):
        under_2021(data)
        cost = indicators(data)["产出指标"].pop("成本指标")
        indicators(data)["成本指标"] = {"经济成本指标": cost}

    assert findings(write_filing(cost_as_level1)) == []


def test_required_categories(write_filing):
    found = findings(
        write_filing(lambda d: indicators(d, 1).pop("满意度指标")), "indicator-required"
    )
    assert len(found) == 1 and "缺少满意度指标" in found[0].message
    assert found[0].field == "项目「文史资料编印费」的 绩效指标"


def test_required_category_with_empty_heading_is_missing(write_filing):
    path = write_filing(lambda d: indicators(d, 1).update(效益指标={"社会效益指标": []}))
    assert len(findings(path, "indicator-required")) == 1


def test_misfiled_timeliness_under_cost(write_filing):
    def mutate(data):
        indicators(data)["产出指标"]["成本指标"].append({"name": "培训及时率", "value": "98%"})

    found = findings(write_filing(mutate), "indicator-misfiled")
    assert len(found) == 1 and "时效指标" in found[0].message


def test_misfiled_money_under_social_benefit(write_filing):
    def mutate(data):
        indicators(data)["效益指标"]["社会效益指标"].append(
            {"name": "工作支出", "value": "≤4.25万元"}
        )

    found = findings(write_filing(mutate), "indicator-misfiled")
    assert len(found) == 1 and "成本指标" in found[0].message


def test_misfiled_non_satisfaction_under_satisfaction(write_filing):
    def mutate(data):
        indicators(data)["满意度指标"]["服务对象满意度指标"].append(
            {"name": "人员配置合理性", "value": "合理"}
        )

    found = findings(write_filing(mutate), "indicator-misfiled")
    assert len(found) == 1 and "不是服务对象满意度类指标" in found[0].message


def test_value_empty(write_filing):
    found = findings(
        write_filing(lambda d: row(d, "产出指标", "数量指标").update(value=None)), "value-empty"
    )
    assert len(found) == 1 and found[0].field.endswith("三级指标「视察次数」的 指标值")


def test_value_repeats_name(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(value="视察次数"))
    found = findings(path, "value-repeats-name")
    assert len(found) == 1 and found[0].severity == "error"


def test_value_containing_name_is_fine(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(value="视察次数≥3次"))
    assert findings(path, "value-repeats-name") == []


def test_percent_over_hundred(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "质量指标").update(value="≥110%"))
    assert len(findings(path, "value-percent")) == 1


def test_percent_hundred_is_fine(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "质量指标").update(value="100%"))
    assert findings(path, "value-percent") == []


def test_rate_without_percent_sign(write_filing):
    found = findings(
        write_filing(lambda d: row(d, "产出指标", "质量指标").update(value="≥90")), "value-unit"
    )
    assert len(found) == 1 and "≥90%" in found[0].message


def test_count_without_unit_is_not_a_rate(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(value="≥3"))
    assert findings(path, "value-unit") == []


def test_at_most_on_a_completion_rate(write_filing):
    found = findings(
        write_filing(lambda d: row(d, "产出指标", "质量指标").update(value="≤90%")),
        "value-direction",
    )
    assert len(found) == 1 and found[0].severity == "warning" and "≥90%" in found[0].message


def test_at_most_on_a_growth_rate_is_fine(write_filing):
    def mutate(data):
        row(data, "产出指标", "质量指标").update(name="差错发生率", value="≤1%")

    assert findings(write_filing(mutate), "value-direction") == []


def test_cost_above_budget_in_yuan(write_filing):
    found = findings(
        write_filing(lambda d: row(d, "产出指标", "成本指标").update(value="≤120000元")),
        "value-cost",
    )
    assert len(found) == 1 and "10.00万元" in found[0].message


def test_cost_equal_to_budget_in_other_unit_is_fine(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "成本指标").update(value="≤100000元"))
    assert findings(path, "value-cost") == []


def test_cost_per_person_is_not_compared(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "成本指标").update(value="≤150000元/人"))
    assert findings(path, "value-cost") == []


def test_department_cost_against_department_total(write_filing):
    def mutate(data):
        data["department_indicators"] = {
            "产出指标": {"成本指标": [{"name": "控制在预算数内", "value": "61万"}]}
        }

    found = findings(write_filing(mutate), "value-cost")
    assert len(found) == 1 and "资金总额" in found[0].message


def test_value_year(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "时效指标").update(value="2023年底"))
    found = findings(path, "value-year")
    assert len(found) == 1 and "2023" in found[0].message


def test_basis_empty_in_wenben(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").pop("basis"))
    found = findings(path, "basis-empty")
    assert len(found) == 1 and "1 条" in found[0].message and "视察次数" in found[0].message


def test_basis_empty_in_wenben_named_in_chinese(write_filing):
    def mutate(data):
        data["layout"] = "绩效文本"
        row(data, "产出指标", "数量指标").pop("basis")

    assert len(findings(write_filing(mutate), "basis-empty")) == 1


def test_basis_not_needed_in_gongkai(write_filing):
    def mutate(data):
        data["layout"] = "公开表"
        row(data, "产出指标", "数量指标").pop("basis")

    assert findings(write_filing(mutate), "basis-empty") == []


# -- the 实施期（中期/长期） tree, next to the 年度 one -------------------------------------------


def period_tree(data: dict) -> dict:
    tree = {
        "产出指标": {"数量指标": [{"name": "视察次数", "value": "≥30次"}]},
        "效益指标": {"社会效益指标": [{"name": "建议采纳", "value": "2026年底前≥20条"}]},
        "满意度指标": {"服务对象满意度指标": [{"name": "委员满意度", "value": "≥90%"}]},
    }
    project(data)["period_indicators"] = tree
    return tree


def test_rules_apply_to_the_period_tree_and_name_it(write_filing):
    def mutate(data):
        period_tree(data)["效益指标"]["时效指标"] = [{"name": "完成时间", "value": ""}]

    path = write_filing(mutate)
    [level2] = findings(path, "indicator-level2")
    assert level2.field.startswith("项目「委员视察经费」 › 实施期绩效指标 › 效益指标")
    [empty] = findings(path, "value-empty")
    assert "实施期绩效指标" in empty.field


def test_annual_tree_is_named_as_such_next_to_a_period_tree(write_filing):
    def mutate(data):
        period_tree(data)
        indicators(data)["产出指标"]["数量指标"][0]["value"] = ""

    [empty] = findings(write_filing(mutate), "value-empty")
    assert "年度绩效指标 › 产出指标" in empty.field


def test_period_tree_needs_every_required_category(write_filing):
    path = write_filing(lambda d: period_tree(d).pop("满意度指标"))
    [found] = findings(path, "indicator-required")
    assert found.field == "项目「委员视察经费」的 实施期绩效指标" and "满意度指标" in found.message


def test_period_tree_may_name_later_years(write_filing):
    assert findings(write_filing(period_tree), "value-year") == []


def test_a_bare_number_is_not_an_indicator_name(write_filing):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(name="88"))
    [found] = findings(path, "indicator-name-number")
    assert "「88」只是一个数字" in found.message and found.severity == "error"


@pytest.mark.parametrize(
    "name, value, hint",
    [
        ("视察次数", "3", "「3次」"),
        ("培训人数", "≥100", "「≥100人」"),
        ("服务对象满意", "≥90", "「≥90%」"),
        ("工作成效", "100", "「100次」「100%」"),
    ],
)
def test_a_value_with_no_unit(write_filing, name, value, hint):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(name=name, value=value))
    [found] = findings(path, "value-bare-number")
    assert f"「{value}」只有数字，没有单位" in found.message and hint in found.message


@pytest.mark.parametrize(
    "name, value", [("灌溉水有效利用系数", "≥0.56"), ("视察次数", "3次"), ("完成率", "95")]
)
def test_a_value_with_its_unit_or_none_needed(write_filing, name, value):
    path = write_filing(lambda d: row(d, "产出指标", "数量指标").update(name=name, value=value))
    assert findings(path, "value-bare-number") == []  # 完成率 95: value-unit says so
