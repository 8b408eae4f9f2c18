"""Rules as data: a kit sets severities and parameters and may lock a rule; a filing tightens
any rule and loosens only those no kit locks."""

import pytest

from pbgen.check import check, rules_for
from pbgen.check.settings import kit_rules
from pbgen.kit import KitError, over_builtin
from pbgen.load import load

from conftest import project, write_kit

KIT = """\
id: czj
name: 示例县财政局
version: 1
rules:
  value-unit: error                     # a warning of pbgen's made an error
  goals-empty: warning                  # an error made a warning
  basis-empty: off
  text-length: {locked: true, max_length: {三级指标: 8}}
  indicator-required: {locked: true}
  plan-pace: {minimum: {6月底: 50}}
"""


@pytest.fixture
def kit(tmp_path):
    return over_builtin(write_kit(tmp_path / "kit", KIT), "test")


def found(path, kit, rule=None):
    return [f for f in check(load(path), kit) if rule is None or f.rule == rule]


def test_the_kit_sets_severity_and_parameters(kit, write_filing):
    rules = kit_rules(kit)
    assert rules["value-unit"].severity == "error" and rules["goals-empty"].severity == "warning"
    assert rules["basis-empty"].severity is None
    assert rules["text-length"].params == {"max_length": {"三级指标": 8}}
    assert rules["text-length"].locked_by is kit and rules["value-unit"].locked_by is None

    def mutate(data):
        project(data)["goals"] = []
        project(data)["spending_plan"]["6月底"] = "40%"
        project(data)["indicators"]["产出指标"]["数量指标"][0]["name"] = "开展视察的次数合计"

    path = write_filing(mutate)
    assert {f.severity for f in found(path, kit, "goals-empty")} == {"warning"}
    paces = found(path, kit, "plan-pace")  # the second project plans 40% too
    assert [f.severity for f in paces] == ["warning", "warning"]
    assert all("6月底 累计支出进度 40% 低于要求的 50%" in f.message for f in paces)
    [length] = found(path, kit, "text-length")
    assert "超过了上限 8 字" in length.message


def test_a_filing_may_tighten_a_locked_rule(kit, write_filing):
    def mutate(data):
        data["check"] = {
            "rules": {
                "text-length": {"severity": "error", "max_length": {"三级指标": 4, "指标值": 10}}
            }
        }

    assert not [f for f in found(write_filing(mutate), kit) if f.rule == "check-settings"]
    rules = rules_for(write_filing(mutate), kit.folder)[1]
    assert rules["text-length"].params["max_length"] == {"三级指标": 4, "指标值": 10}


@pytest.mark.parametrize(
    "setting, said",
    [
        ({"disable": ["indicator-required"]}, "不能关闭它"),
        ({"rules": {"indicator-required": "off"}}, "不能关闭它"),
        ({"rules": {"indicator-required": "warning"}}, "从错误降为警告"),
        (
            {"rules": {"text-length": {"max_length": {"三级指标": 20}}}},
            "放宽它的参数「max_length」",
        ),
        ({"max_length": {"三级指标": 20}}, "放宽它的参数「max_length」"),
    ],
)
def test_a_filing_cannot_loosen_a_locked_rule(kit, write_filing, setting, said):
    def mutate(data):
        data["check"] = setting
        project(data)["indicators"].pop("满意度指标")

    path = write_filing(mutate)
    [refused] = found(path, kit, "check-settings")
    assert said in refused.message and "示例县财政局（czj 1）" in refused.message
    assert refused.line > 1 and refused.severity == "error"
    assert len(found(path, kit, "indicator-required")) == 1  # the kit's setting stands


def test_a_filing_loosens_what_no_kit_locks(kit, write_filing):
    def mutate(data):
        data["check"] = {"rules": {"value-unit": "warning"}, "disable": ["plan-pace"]}
        project(data)["spending_plan"]["6月底"] = "40%"

    path = write_filing(mutate)
    assert not found(path, kit, "check-settings") and not found(path, kit, "plan-pace")


@pytest.mark.parametrize(
    "setting, said",
    [
        ({"rules": {"no-such-rule": "off"}}, "没有编号为「no-such-rule」的规则"),
        ({"disable": ["no-such-rule"]}, "没有编号为「no-such-rule」的规则"),
        ({"rules": {"value-unit": {"locked": "true"}}}, "只有财政局的 kit 能锁定"),
        ({"rules": {"value-unit": {"level": 3}}}, "没有参数「level」"),
        ({"rules": {"plan-pace": {"minimum": {"7月底": 10}}}}, "参数「minimum」"),
        ({"framework": "2030"}, "没有名为「2030」的指标体系"),
    ],
)
def test_a_wrong_setting_is_a_finding_at_its_line(write_filing, setting, said):
    path = write_filing(lambda data: data.update(check=setting))
    [problem] = [f for f in check(load(path)) if f.rule == "check-settings"]
    assert said in problem.message and problem.line > 1


def test_a_kit_that_names_an_unknown_rule_is_refused(tmp_path):
    kit = over_builtin(
        write_kit(tmp_path / "kit", "id: k\nname: k\nversion: 1\nrules: {nope: off}\n"), "t"
    )
    with pytest.raises(KitError, match=r"rules\.nope：没有这条规则"):
        kit_rules(kit)
    bad = write_kit(
        tmp_path / "kit2", "id: k\nname: k\nversion: 1\nrules: {text-length: {max_length: 5}}\n"
    )
    with pytest.raises(KitError, match="参数「max_length」"):
        kit_rules(over_builtin(bad, "t"))


def test_a_kit_says_what_counts_as_not_yet_written(tmp_path, write_filing):
    kit = over_builtin(
        write_kit(
            tmp_path / "kit",
            "id: k\nname: k\nversion: 1\nrules: {to-fill: {words: [待填, 待定]}}\n",
        ),
        "t",
    )
    path = write_filing(lambda d: project(d).update(purpose="待定"))
    [found] = [f for f in check(load(path), kit) if f.rule == "to-fill"]
    assert found.severity == "error" and "请把「待定」换成实际内容" in found.message
    assert [f for f in check(load(path)) if f.rule == "to-fill"] == []  # pbgen's own: a warning
