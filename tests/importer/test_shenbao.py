"""A 项目支出绩效目标申报表 built in Word's way (python-docx), read into a filing: identity,
项目资金 for the 实施期 and the year, 项目概况, 实施进度计划, 长期 and 年度 goals and
indicators, the signatures. (pbgen's own 申报表 round-trips in test_roundtrip with the seeds.)"""

from __future__ import annotations

from docx import Document

from pbgen.importer import import_file
from pbgen.load import load
from pbgen.model import walk_indicators


def form(document, rows: list[list[str]], columns: int):
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    for texts in rows:
        cells = table.add_row().cells
        if len(texts) < columns:  # the last text spans the rest of the row
            cells[len(texts) - 1].merge(cells[columns - 1])
        for cell, text in zip(cells, texts, strict=False):
            cell.text = text
    return table


def declaration(path):
    document = Document()
    document.add_paragraph("项目支出绩效目标申报表")
    document.add_paragraph("（ 2025 年度）")
    document.add_paragraph("填报单位（盖章）：某县卫生健康局\t金额单位：万元")
    form(
        document,
        [
            ["项目名称：", "乡镇卫生院设备更新"],
            ["项目编码", "2025-WJ-01", "项目属性", "新增"],
            ["主管部门", "某县卫生健康局", "主管部门编码", "305"],
            ["实施单位", "某县卫生院", "单位编码", "305001"],
            ["项目负责人", "周敏", "联系电话", "13800000000"],
            ["项目起止时间", "2025年1月至2025年12月"],
            ["项目资金（万元）", "资金来源", "实施期资金总额", "当年资金总额"],
            ["", "资金总额", "80.00", "80.00"],
            ["", "其中：财政拨款", "70.00", "70.00"],
            ["", "其他资金", "10.00", "10.00"],
            ["", "　　其中：自有资金", "10.00", "10.00"],
            ["项目概况", "立项依据", "县卫生事业发展规划。"],
            ["", "必要性", "设备老化。"],
            ["实施进度计划", "实施内容", "开始时间", "完成时间"],
            ["", "设备采购", "2025年3月", "2025年6月"],
            ["绩效目标", "长期（中期）目标", "设备配置达标。"],
            ["", "年度目标", "1.完成采购\n2.投入使用"],
        ],
        4,
    )
    for title, value in (("长期（中期）绩效指标", "≥20台"), ("年度绩效指标", "≥10台")):
        form(
            document,
            [
                [title],
                ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
                ["产出指标", "数量指标", "更新设备数量", value, "含B超"],
                ["满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", ""],
            ],
            5,
        )
    document.add_paragraph("填报人：吴丽\t联系电话：0000-1234567")
    document.add_paragraph("单位负责人：郑强\t填报日期：2025年1月10日")
    document.save(path)
    return path


def test_a_declaration_form_from_word(tmp_path):
    result = import_file(declaration(tmp_path / "申报表.docx"), tmp_path / "out.yaml")
    assert result.imported.layout == "shenbao"
    assert result.imported.notes == []
    filing = load(result.output).filing
    assert (filing.year, filing.money_unit) == (2025, "万元")
    department = filing.department
    assert (department.name, department.code) == ("某县卫生健康局", "305")
    assert (department.filled_by, department.phone, department.filled_on) == (
        "吴丽",
        "0000-1234567",
        "2025年1月10日",
    )
    (unit,) = filing.units
    assert (unit.code, unit.name) == ("305001", "某县卫生院")
    (project,) = unit.projects
    assert (project.name, project.code, project.attribute) == (
        "乡镇卫生院设备更新",
        "2025-WJ-01",
        "新增",
    )
    assert (project.manager, project.phone) == ("周敏", "13800000000")
    assert (project.period.start, project.period.end) == ("2025年1月", "2025年12月")
    assert [str(v) for v in (project.budget, project.fiscal, project.other)] == [
        "80.00",
        "70.00",
        "10.00",
    ]
    assert str(project.funds.total) == "80.00" and str(project.funds.own.year) == "10.00"
    assert project.overview.basis == "县卫生事业发展规划。" and project.overview.feasibility is None
    assert [(s.task, s.start, s.end) for s in project.schedule] == [
        ("设备采购", "2025年3月", "2025年6月")
    ]
    assert project.period_goal == "设备配置达标。"
    assert project.goals == ["完成采购", "投入使用"]
    period = [
        (a, b, i.name, i.value, i.remark)
        for a, b, _, i in walk_indicators(project.period_indicators)
    ]
    assert period[0] == ("产出指标", "数量指标", "更新设备数量", "≥20台", "含B超")
    year = [(i.name, i.value) for *_, i in project.all_indicators()]
    assert year == [("更新设备数量", "≥10台"), ("患者满意度", "≥90%")]
