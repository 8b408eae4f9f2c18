"""The 绩效文本 layout's context (the sections it uses and the helpers they share): numbering,
derived sections, merge spans, refusals."""

import pytest

from pbgen.context.indicators import indicator_rows
from pbgen.context.numbering import bracket_number, chinese_number
from pbgen.context.text import sentence
from pbgen.layouts import MissingDataError, find_layout
from pbgen.load import load

from conftest import DATA, attrs, project
from conftest import context_of as wenben_context


def context_of(name: str):
    return wenben_context(load(DATA / name).filing)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (99, "九十九"),
        (100, "一百"), (101, "一百零一"), (110, "一百一十"), (119, "一百一十九"),
        (1001, "一千零一"), (1010, "一千零一十"), (10000, "一万"), (10001, "一万零一"),
        (100000, "十万"), (100100, "十万零一百"), (110000, "十一万"),
        (100010000, "一亿零一万"), (123456789, "一亿二千三百四十五万六千七百八十九"),
    ],
)  # fmt: skip
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_bracket_number_and_sentence():
    assert bracket_number(3) + sentence("优化协商体系") == "（三）优化协商体系。"
    assert sentence("已有句号。") == "已有句号。"


def test_toc_lists_parts_sections_and_every_table():
    context = context_of("leting-2024.yaml")
    assert [entry.text for entry in context.toc] == [
        "第一部分 部门整体绩效目标",
        "一、总体绩效目标",
        "二、分项绩效目标",
        "三、工作保障措施",
        "第二部分 预算项目绩效目标",
        "1.乐亭文史宣传研究专项经费绩效目标表",
        "2.委员联络站招商经费绩效目标表",
        "3.委员视察经费绩效目标表",
        "4.政协会议经费绩效目标表",
        "5.综合业务管理经费绩效目标表",
    ]
    assert len({entry.anchor for entry in context.toc}) == len(context.toc)


def test_sub_goals_numbered_with_lead_in():
    blocks = context_of("leting-2024.yaml").part1_blocks
    leads = [block.lead for block in blocks if block.lead]
    assert leads[0] == "（一）加强党建引领，进一步夯实思想政治基础。"
    assert len(leads) == 5


def test_seed_004_sub_goals_derived_from_projects():
    blocks = context_of("zunhua-2024.yaml").part1_blocks
    first = next(b for b in blocks if b.kind == "h3")
    assert first.text == "1.慰问老干部"
    index = blocks.index(first)
    assert blocks[index + 1].lead == "绩效目标："
    assert blocks[index + 2].text.startswith("老干部人数29人；走访慰问率≥95%；")
    assert blocks[index + 2].text.endswith("老干部满意度≥95%。")


def test_cover_only_when_given():
    assert context_of("leting-2024.yaml").cover is None
    cover = context_of("shanhaiguan-2020.yaml").cover
    assert cover.title == "政协部门2020年部门预算绩效文本"
    assert cover.lines == ["政协部门编制", "山海关区财政局审核"]


def test_table_fields_kept_as_written():
    table = context_of("shanhaiguan-2020.yaml").projects[1]
    assert (table.budget, table.fiscal, table.other) == ("8000.00", "8000.00", "")
    assert table.plan == [
        ["3月底", ""],
        ["6月底", "62.00%"],
        ["10月底", "92.00%"],
        ["12月底", "100.00%"],
    ]
    assert table.unit_label == "131002中国人民政治协商会议河北省秦皇岛市山海关区委员会"
    assert table.goals == ["车辆正常运转率", "机关活动完成率"]  # plain, as written
    assert table.numbered_goals == ["1.车辆正常运转率", "2.机关活动完成率"]


def test_indicator_spans():
    filing = load(DATA / "zunhua-2024.yaml").filing
    rows = attrs(indicator_rows(filing.projects[5].indicators))
    assert [(r.level1_span, r.level2_span) for r in rows] == [
        (4, 1),
        (0, 1),
        (0, 1),
        (0, 1),
        (2, 1),
        (0, 1),
        (1, 1),
    ]
    assert rows[4].level2 == "社会效益指标" and rows[5].level2 == "可持续影响指标"


def test_gongkai_filing_refused_as_wenben_with_what_it_lacks():
    with pytest.raises(MissingDataError) as refused:
        find_layout("wenben").refuse_missing(load(DATA / "menyuan-2024.yaml").filing)
    message = str(refused.value)
    for lacking in ("总体绩效目标", "分项绩效目标", "工作保障措施", "项目编码", "资金支出计划"):
        assert lacking in message
    assert "14 个项目" in message


def test_project_without_plan_refused(write_filing):
    path = write_filing(lambda d: project(d, 1).pop("spending_plan"))
    with pytest.raises(MissingDataError, match="资金支出计划（1 个项目，如「文史资料编印费」）"):
        find_layout("wenben").refuse_missing(load(path).filing)


def test_fields_the_layout_cannot_print_are_named(write_filing):
    assert find_layout("wenben").unprinted(load(DATA / "leting-2024.yaml").filing) == []

    def mutate(data):
        data["department"]["phone"] = "0000-1"
        project(data)["indicators"]["产出指标"]["数量指标"][0]["standard"] = "行业标准"

    names = find_layout("wenben").unprinted(load(write_filing(mutate)).filing)
    # 填表人, 年度预算申请 and 支出明细 are in the clean filing already (it serves every layout)
    assert names == ["填表人", "联系电话", "年度预算申请", "绩效标准", "支出明细及测算说明"]


def test_a_paragraph_ending_in_a_colon_is_a_label(write_filing):
    """Kept on the page of what it introduces, in both formats (职责分类目标： in seed 001)."""

    def mutate(data):
        data["overall_goal"] = "围绕县委中心工作。\n主要措施如下：\n加强学习。"

    blocks = wenben_context(load(write_filing(mutate)).filing).part1_blocks
    assert [(b.kind, b.text) for b in blocks[1:4]] == [
        ("p", "围绕县委中心工作。"),
        ("label", "主要措施如下："),
        ("p", "加强学习。"),
    ]
    seed = wenben_context(load(DATA / "shanhaiguan-2020.yaml").filing).part1_blocks
    labels = [b.text for b in seed if b.kind == "label"]
    assert {"总体目标：", "职责分类目标："} <= set(labels) and all(t.endswith("：") for t in labels)
