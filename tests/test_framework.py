"""The indicator frameworks are data files."""

import pytest

from pbgen.errors import PbgenError
from pbgen.framework import available, load_framework


def test_both_frameworks_ship():
    assert available() == ["2021", "standard"]


def test_standard_framework():
    framework = load_framework("standard")
    assert list(framework.levels) == ["产出指标", "效益指标", "满意度指标"]
    assert "成本指标" in framework.levels["产出指标"]
    assert framework.canonical("效果指标") == "效益指标"
    assert framework.home_of("时效指标") == "产出指标"
    assert framework.kinds_of("会议接待及时率", is_money=False) == ["时效指标"]
    assert framework.kinds_of("工作支出", is_money=True) == ["成本指标"]


def test_2021_framework_has_cost_as_level1():
    framework = load_framework("2021")
    assert "成本指标" in framework.levels and "成本指标" not in framework.levels["产出指标"]
    assert framework.money_kind == "经济成本指标"


def test_unknown_framework():
    with pytest.raises(PbgenError, match="2021、standard"):
        load_framework("2030")
