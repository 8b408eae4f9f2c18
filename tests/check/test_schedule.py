"""实施进度计划 within 项目起止时间."""

import pytest

from pbgen.check.schedule import month_of

from conftest import DATA, findings


@pytest.mark.parametrize(
    "text, month",
    [
        ("2024年3月", (2024, 3)),
        ("2024-03-15", (2024, 3)),
        ("2024.3", (2024, 3)),
        ("2024/3/1", (2024, 3)),
        ("2024年12月31日前", (2024, 12)),
        ("2024年", (2024, 1)),
        ("2024年1季度", (2024, 1)),
        ("年底", None),
    ],
)
def test_dates_as_clerks_write_them(text, month):
    assert month_of(text) == month


def test_a_bare_year_ends_in_december():
    assert month_of("2026年", end=True) == (2026, 12)


def test_the_seed_schedules_are_inside_their_periods():
    assert findings(DATA / "zhuxi-2024-shenbao.yaml", "schedule-period") == []


def test_a_step_outside_the_period_is_an_error(tmp_path):
    text = (DATA / "zhuxi-2024-shenbao.yaml").read_text(encoding="utf-8")
    path = tmp_path / "f.yaml"
    text = text.replace("start: 2024年1月, end: 2024年3月}", "start: 2022年11月, end: 2024年3月}")
    text = text.replace("start: 2024年1月, end: 2024年12月}", "start: 2024年1月, end: 2027年6月}")
    path.write_text(text, encoding="utf-8")
    early, late = findings(path, "schedule-period")
    assert (
        "「项目区勘察设计与评审」2022年11月开始，早于项目起止时间 2023年1月至2025年12月"
        in early.message
    )
    assert (
        "「村庄清洁行动与长效管护考核」2027年6月完成，晚于项目起止时间 2024年1月至2026年12月"
        in late.message
    )
    assert early.line == 50 and late.line == 131
