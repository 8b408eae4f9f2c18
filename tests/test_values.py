"""Parsing 指标值 into comparator, number and unit."""

from decimal import Decimal

import pytest

from pbgen.values import Quantity, parse_quantity, years_named


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥10", Quantity("≥", Decimal(10), "")),
        ("≥90%", Quantity("≥", Decimal(90), "%")),
        ("≤8万元", Quantity("≤", Decimal(8), "万元")),
        ("≥ 3次", Quantity("≥", Decimal(3), "次")),
        (">=95%", Quantity("≥", Decimal(95), "%")),
        ("> 90%", Quantity(">", Decimal(90), "%")),
        ("每季度≥ 2次", Quantity("≥", Decimal(2), "次")),
        ("98", Quantity(None, Decimal(98), "")),
        ("150元/天·人", Quantity(None, Decimal(150), "元/天·人")),
        ("528.244101万", Quantity(None, Decimal("528.244101"), "万")),
        ("90%以上", Quantity("≥", Decimal(90), "%")),
        ("不低于95%", Quantity("≥", Decimal(95), "%")),
    ],
)
def test_quantities(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["按年初计划完成", "健全", "", None, "2024年12月31日前完成"])
def test_not_quantities(text):
    assert parse_quantity(text) is None


def test_money_in_yuan():
    assert parse_quantity("≤8万元").in_yuan() == Decimal(80000)
    assert parse_quantity("≤4300元").in_yuan() == Decimal(4300)
    assert parse_quantity("≤140元/天·人").in_yuan() is None
    assert parse_quantity("≥95%").in_yuan() is None


def test_years():
    assert years_named("2024年12月31日前完成") == [2024]
    assert years_named("2023年底") == [2023]
    assert years_named("≥2000册") == []
