"""Loading: scalars as written, and every problem of a file reported with its place."""

from decimal import Decimal

import pytest

from pbgen.errors import InputError
from pbgen.load import load

HEAD = "year: 2024\nmoney_unit: 万元\ndepartment:\n  name: 示例\n"


def problems(path) -> list:
    with pytest.raises(InputError) as raised:
        load(path)
    return raised.value.findings


def places(found) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.rule) for f in found]


def test_scalars_are_kept_as_written(write_filing):
    text = HEAD.replace("示例", "NO") + (
        "units:\n  - code: 0131\n    name: yes\n    projects:\n"
        "      - {name: 'off', budget: 5.00}\n      - {name: b, budget: 528.244101}\n"
    )
    filing = load(write_filing(text=text)).filing
    assert filing.department.name == "NO"
    assert filing.units[0].code == "0131"
    assert filing.units[0].name == "yes"
    assert filing.projects[0].name == "off"
    assert str(filing.projects[0].budget) == "5.00"
    assert filing.projects[1].budget == Decimal("528.244101")
    assert str(filing.project_total) == "533.244101"


def test_bad_yaml_syntax(write_filing):
    text = HEAD + "overall_goal: 目标: 继续\n"
    [found] = problems(write_filing(text=text))
    assert places([found]) == [(5, 17, "yaml")]
    assert "引号" in found.message


def test_tabs_in_indentation_reported_all_at_once(write_filing):
    text = HEAD + "units:\n\t- name: a\n  - name: b\n\t\t- name: c\n"
    found = problems(write_filing(text=text))
    assert [(f.line, f.rule) for f in found] == [(6, "yaml"), (8, "yaml")]
    assert "Tab" in found[0].message


def test_duplicate_key(write_filing):
    text = HEAD + "year: 2025\nunits: []\n"
    found = problems(write_filing(text=text))
    duplicate = [f for f in found if "重复" in f.message]
    assert places(duplicate) == [(5, 1, "yaml")] and "第 1 行" in duplicate[0].message


def test_unknown_key_with_suggestion(write_filing):
    text = HEAD + "units:\n  - name: a\n    projects:\n      - name: p\n        budgt: 5\n"
    found = problems(write_filing(text=text))
    assert places(found) == [(8, 9, "schema"), (9, 9, "unknown-key")]  # missing: at the project
    unknown = found[1]
    assert "是不是 budget？" in unknown.message
    assert unknown.field == "项目「p」的 budgt"
    assert "缺少" in found[0].message and found[0].field == "项目「p」的 预算数"


def test_chinese_key_names_the_english_one(write_filing):
    text = HEAD + "units:\n  - name: a\n    项目: []\n"
    [found] = problems(write_filing(text=text))
    assert "「项目」" in found.message and "projects" in found.message


def test_chinese_field_title_as_key(write_filing):
    text = HEAD + "units:\n  - name: a\n    预算项目: []\n"
    [found] = problems(write_filing(text=text))
    assert found.message == "「预算项目」在这里写作 projects。"


def test_wrong_types_collected_together(write_filing):
    text = (
        "year: 二〇二四\nmoney_unit: 美元\ndepartment: 示例\n"
        "units:\n  - name: a\n    projects:\n      - name: p\n        budget: 五万\n"
        "        goals: {a: b}\n"
    )
    found = problems(write_filing(text=text))
    assert [(f.line, f.field) for f in found] == [
        (1, "预算年度"),
        (2, "金额单位"),
        (3, "部门"),
        (8, "项目「p」的 预算数"),
        (9, "项目「p」的 绩效目标"),
    ]
    assert "应为整数" in found[0].message
    assert "万元" in found[1].message and "美元" in found[1].message
    assert "字段组" in found[2].message
    assert "金额数字" in found[3].message and "五万" in found[3].message


def test_missing_required_fields(write_filing):
    found = problems(write_filing(text="year: 2024\n"))
    assert {f.field for f in found} == {
        "金额单位",
        "部门",
    }  # units: a department-level filing has none
    assert all(f.line == 1 for f in found)


def test_not_utf8(write_filing, tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes((HEAD + "overall_goal: 总体目标\n").encode("gbk"))
    [found] = problems(path)
    assert (found.line, found.rule) == (2, "encoding")
    assert "GBK" in found.message and "UTF-8" in found.message


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(("\ufeff" + HEAD + "units:\n  - name: a\n").encode("utf-8"))
    assert load(path).filing.department.name == "示例"


def test_empty_file(write_filing):
    [found] = problems(write_filing(text="# 只有注释\n"))
    assert found.rule == "yaml" and "空" in found.message


def test_top_level_list(write_filing):
    [found] = problems(write_filing(text="- a\n- b\n"))
    assert found.line == 1 and "键: 值" in found.message


def test_missing_file(tmp_path):
    [found] = problems(tmp_path / "nope.yaml")
    assert found.rule == "file" and "找不到" in found.message


def test_sub_goals_take_exactly_one_form(write_filing):
    text = HEAD + "sub_goals:\n  from_projects: true\n  items: [{title: a}]\nunits:\n  - name: a\n"
    [found] = problems(write_filing(text=text))
    assert found.line == 5 and found.field == "分项绩效目标" and "只能用一种写法" in found.message


def test_layout_is_kept_as_written_and_resolved_when_used(write_filing):
    """Any layout pbgen finds may be named, so the loader keeps the name (see test_pipeline)."""
    text = HEAD + "layout: 公开表\nunits:\n  - name: a\n"
    assert load(write_filing(text=text)).filing.layout == "公开表"


def test_choice_and_percent_messages_are_chinese(write_filing):
    """「应为 万元、元 之一」, not 「万元 or 元」; a 资金支出计划 entry is a percentage, not money."""
    from conftest import project

    def mutate(data):
        data["money_unit"] = "美元"
        project(data)["spending_plan"]["3月底"] = "二十"

    found = problems(write_filing(mutate))
    messages = {f.field: f.message for f in found}
    assert messages["金额单位"] == "应为 万元、元 之一，写的是「美元」。"
    [plan] = [m for field, m in messages.items() if "资金支出计划" in field]
    assert plan == "应为百分数，如 25% 或 25，写的是「二十」。"


# -- limits and hostile files ----------------------------------------------------------------------


def test_deep_nesting_is_a_finding_not_a_crash(write_filing):
    for depth in (10_000, 200_000):  # 200,000 crashed the YAML library's composer (C recursion)
        path = write_filing(text="year: " + "[" * depth + "]" * depth + "\n")
        [found] = problems(path)
        assert found.line == 1 and "嵌套超过" in found.message


def test_alias_bomb_is_refused(write_filing):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    [found] = problems(write_filing(text="\n".join(lines) + "\n"))
    assert "引用" in found.message and "展开" in found.message


def test_aliases_within_reason_still_load(write_filing):
    text = HEAD + (
        "units:\n  - name: 甲\n    projects:\n"
        "      - {name: a, budget: 1, goals: &g [完成工作。]}\n"
        "      - {name: b, budget: 1, goals: *g}\n"
    )
    assert load(write_filing(text=text)).filing.units[0].projects[1].goals == ["完成工作。"]


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_only_regular_files_are_read(tmp_path, special):
    import os

    if special == "fifo":
        os.mkfifo(tmp_path / "pipe.yaml")  # opening it would wait for a writer forever
        path = tmp_path / "pipe.yaml"
    elif special == "folder":
        (tmp_path / "folder.yaml").mkdir()
        path = tmp_path / "folder.yaml"
    else:
        path = special
    [found] = problems(path)
    assert "不是普通文件" in found.message


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(60 * 1024 * 1024)  # sparse: nothing is written
    [found] = problems(path)
    assert "MB" in found.message and "上限" in found.message


def test_nul_and_escape_are_reported_at_their_line_and_column(write_filing):
    text = HEAD + "\n" * 60 + "overall_goal: 完成\x00任务\nsafeguards: [\x1b[31m红字]\n"
    found = problems(write_filing(text=text))
    assert places(found) == [(65, 17, "control-character"), (66, 14, "control-character")]
    assert "空字符 NUL（U+0000）" in found[0].message and "转义符 ESC" in found[1].message


@pytest.mark.parametrize("written", ["7_00", "3e1", "1,000", "5元", "５.００"])
def test_amounts_must_be_plain_decimals(write_filing, written):
    text = HEAD + f"units:\n  - name: 甲\n    projects:\n      - {{name: a, budget: '{written}'}}\n"
    [found] = [f for f in problems(write_filing(text=text)) if "预算数" in f.field]
    assert f"写的是「{written}」" in found.message and "只写数字和小数点" in found.message


def test_full_width_digits_are_named_with_the_fix(write_filing):
    """Decimal would read ５.００ as 5.00: refused, with the half-width text to write instead."""
    text = HEAD + "units:\n  - name: 甲\n    projects:\n      - {name: a, budget: '５.００'}\n"
    [found] = [f for f in problems(write_filing(text=text)) if "预算数" in f.field]
    assert "全角数字" in found.message and "5.00" in found.message
