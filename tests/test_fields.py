"""Naming a place in a filing as the document does."""

from pbgen.fields import describe

DATA = {
    "units": [
        {
            "name": "本级",
            "projects": [
                {
                    "name": "委员视察经费",
                    "goals": ["a", "b"],
                    "indicators": {"产出指标": {"数量指标": [{"name": "视察次数"}]}},
                },
            ],
        }
    ],
    "department_indicators": {"效益指标": {"社会效益指标": [{"name": "委员履职能力"}]}},
}
PROJECT = ("units", 0, "projects", 0)


def test_project_field():
    assert describe((*PROJECT, "fiscal"), DATA) == "项目「委员视察经费」的 财政资金"


def test_indicator_value():
    path = (*PROJECT, "indicators", "产出指标", "数量指标", 0, "value")
    assert (
        describe(path, DATA)
        == "项目「委员视察经费」 › 产出指标 › 数量指标 › 三级指标「视察次数」的 指标值"
    )


def test_list_item_of_texts():
    assert describe((*PROJECT, "goals", 1), DATA) == "项目「委员视察经费」 › 绩效目标第2项「b」"


def test_spending_plan_month_by_alias():
    assert (
        describe((*PROJECT, "spending_plan", "3月底"), DATA)
        == "项目「委员视察经费」 › 资金支出计划（%）的 3月底"
    )


def test_unit_shown_when_several():
    data = {"units": [DATA["units"][0], {"name": "二级单位", "projects": []}]}
    assert describe((*PROJECT, "name"), data) == "单位「本级」 › 项目「委员视察经费」的 项目名称"


def test_department_level():
    path = ("department_indicators", "效益指标", "社会效益指标", 0, "value")
    assert (
        describe(path, DATA)
        == "部门年度绩效指标 › 效益指标 › 社会效益指标 › 三级指标「委员履职能力」的 指标值"
    )


def test_long_names_are_shortened():
    data = {
        "units": [{"name": "u", "projects": [{"name": "一二三四五六七八九十一二三四五六七八"}]}]
    }
    assert (
        describe((*PROJECT, "budget"), data) == "项目「一二三四五六七八九十一二三四五…」的 预算数"
    )
