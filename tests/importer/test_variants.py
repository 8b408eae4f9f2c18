"""Documents pbgen did not write: built with python-docx in other table styles — spaced and
colon-ended labels, a label and its value in one cell, merged and split cells, an indicator
table nested in a cell, a text box, blank 一级 cells under a first one."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml

from importer.corpus import text_box
from pbgen.errors import PbgenError
from pbgen.importer import comparable, import_document, import_file
from pbgen.load import load

from conftest import DATA

TEXT_BOX = text_box("附注：本表金额经财务科核对")


def word_document(path: Path) -> Path:
    """A 绩效文本 as a clerk's Word file might have it."""
    document = Document()
    document.add_paragraph("某某县档案馆2025年部门预算绩效文本")
    document.add_paragraph("第一部分　部门整体绩效目标")
    document.add_paragraph("一、总体绩效目标")
    document.add_paragraph("全面完成档案接收、保管和利用工作。")
    document.add_paragraph("二、分项绩效目标")
    document.add_paragraph("（一）档案接收进馆")
    document.add_paragraph("接收到期档案5000卷。")
    document.add_paragraph("（二）档案利用服务。提供查档服务2000人次。")
    document.add_paragraph("三、工作保障措施")
    document.add_paragraph("1、加强组织领导。")
    document.add_paragraph("2、强化资金管理。")
    document.add_paragraph("第二部分　预算项目绩效目标")
    document.add_paragraph("1、档案数字化经费绩效目标表")
    unit = document.add_paragraph("")
    unit.add_run("单位：万元")
    unit.runs[0]._r.addnext(parse_xml(TEXT_BOX))

    form = document.add_table(rows=7, cols=5)
    form.style = "Table Grid"
    rows = form.rows
    rows[0].cells[0].text = "项 目 名 称："
    rows[0].cells[1].merge(rows[0].cells[4]).text = "档案数字化经费"
    rows[1].cells[0].text = "项目编码"
    rows[1].cells[1].merge(rows[1].cells[4]).text = "2025-DA-001"
    rows[2].cells[0].text = "预算数（万元）：12.50"  # label and value in one cell
    rows[2].cells[1].text = "财政资金"
    rows[2].cells[2].text = "12.50"
    rows[2].cells[3].text = "其他资金"
    rows[2].cells[4].text = ""
    rows[3].cells[0].text = "资金用途"
    rows[3].cells[1].merge(rows[3].cells[4]).text = "用于馆藏档案数字化加工。"
    # 资金支出计划: the label merged over two rows, months above their shares
    rows[4].cells[0].merge(rows[5].cells[0]).text = "资金支出计划（%）"
    for column, (month, share) in enumerate(
        [("3月末", "10%"), ("6月末", "40%"), ("10月末", "80%"), ("12月末", "100%")], 1
    ):
        rows[4].cells[column].text = month
        rows[5].cells[column].text = share
    rows[6].cells[0].text = "绩效目标"
    goals = rows[6].cells[1].merge(rows[6].cells[4])
    goals.text = "（1）完成数字化加工20万页；"
    goals.add_paragraph("（2）数字化成果通过验收。")
    # the indicator table nested inside one wide cell, labelled on the left
    holder = form.add_row().cells
    holder[0].text = "绩效指标"
    inner_cell = holder[1].merge(holder[4])
    inner = inner_cell.add_table(rows=1, cols=5)
    for cell, text in zip(
        inner.rows[0].cells, ["一级指标", "二级指标", "三级指标", "指标值", "备注"], strict=True
    ):
        cell.text = text
    body = [
        ("产出指标", "数量指标", "数字化页数", "≥20万页"),
        ("", "", "著录条目数", "≥5万条"),
        ("", "质量指标", "验收合格率", "≥98%"),
        ("效益指标", "社会效益指标", "查档便利度", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥90%"),
    ]
    for level1, level2, name, value in body:
        cells = inner.add_row().cells
        cells[0].text, cells[2].text, cells[3].text = level1, name, value
        cells[1].text = level2
    # 二级 数量指标 merged over its two rows, as Word does it
    inner.rows[1].cells[1].merge(inner.rows[2].cells[1])
    document.save(path)
    return path


@pytest.fixture
def clerk_docx(tmp_path) -> Path:
    return word_document(tmp_path / "档案馆.docx")


def test_labels_merges_nesting_and_text_boxes(clerk_docx, tmp_path):
    result = import_file(clerk_docx, tmp_path / "out.yaml")
    filing = load(result.output).filing
    assert filing.year == 2025
    assert filing.department.name == "某某县档案馆"
    assert filing.money_unit == "万元"
    assert filing.overall_goal.text == "全面完成档案接收、保管和利用工作。"
    items = filing.sub_goals.items
    assert [(i.title, i.text) for i in items] == [
        ("档案接收进馆", "接收到期档案5000卷。"),
        ("档案利用服务", "提供查档服务2000人次。"),
    ]
    assert filing.safeguards.items == ["加强组织领导。", "强化资金管理。"]
    (project,) = filing.projects
    assert project.name == "档案数字化经费"
    assert project.code == "2025-DA-001"
    assert str(project.budget) == "12.50" and str(project.fiscal) == "12.50"
    assert project.other is None
    assert project.purpose == "用于馆藏档案数字化加工。"
    assert [(k, str(v)) for k, v in project.spending_plan.entries()] == [
        ("3月底", "10"),
        ("6月底", "40"),
        ("10月底", "80"),
        ("12月底", "100"),
    ]
    assert project.goals == ["完成数字化加工20万页；", "数字化成果通过验收。"]
    rows = [(a, b, i.name, i.value) for a, b, _, i in project.all_indicators()]
    assert rows == [
        ("产出指标", "数量指标", "数字化页数", "≥20万页"),
        ("产出指标", "数量指标", "著录条目数", "≥5万条"),
        ("产出指标", "质量指标", "验收合格率", "≥98%"),
        ("效益指标", "社会效益指标", "查档便利度", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥90%"),
    ]
    text = result.output.read_text("utf-8")
    # the text box was not placed: it is kept, once, as a comment at the end
    assert text.count("附注：本表金额经财务科核对") == 1
    assert text.index("附注：本表金额经财务科核对") > text.index("导入时未能归位的内容")


def test_nothing_is_dropped(clerk_docx):
    """Every text of the document is either placed or in the notes."""
    imported = import_document(clerk_docx)
    placed = repr(imported.data) + "".join(imported.notes)
    for paragraph in Document(str(clerk_docx)).paragraphs:
        for piece in ("档案接收进馆", "加强组织领导"):
            if piece in paragraph.text:
                assert piece in placed


def test_files_that_are_not_what_they_say_are_refused(tmp_path):
    old = tmp_path / "去年.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(PbgenError, match=r"去年\.doc：不是 Word 文件"):
        import_document(old)
    broken = tmp_path / "坏.docx"
    broken.write_text("not a zip")
    with pytest.raises(PbgenError, match=r"坏\.docx：不是 Word 文件"):
        import_document(broken)
    renamed = tmp_path / "其实是.doc"  # a .docx renamed .doc is read as the .docx it is
    renamed.write_bytes(word_document(tmp_path / "档案馆.docx").read_bytes())
    assert import_document(renamed).data["units"][0]["projects"][0]["name"] == "档案数字化经费"


def leting_as_word_had_it(path: Path) -> Path:
    """Seed 000 built the way its Word original was (see shared/seeds/000_*.txt): no title,
    「第一部分」 and its title on two lines, 「1、」 numbering, the unit line as a borderless
    table row, 「其中：财政    资金」, a blank 其他资金 cell holding a space, python-docx's own
    merges, the 一级 cells merged and the 二级 cells not."""
    filing = load(DATA / "leting-2024.yaml").filing
    document = Document()
    for text in (
        " 第一部分",
        "部门整体绩效目标",
        "一、总体绩效目标",
        filing.overall_goal.text,
        "二、分项绩效目标\t",
    ):
        document.add_paragraph(text)
    for n, item in enumerate(filing.sub_goals.items, 1):
        document.add_paragraph(f"（{'一二三四五'[n - 1]}）{item.title}。{item.text}")
    document.add_paragraph("三、工作保障措施")
    for n, item in enumerate(filing.safeguards.items, 1):
        document.add_paragraph(f"{n}、{item}")
    for text in (" ", "第二部分", " ", "预算项目绩效目标"):
        document.add_paragraph(text)
    unit = filing.units[0]
    for n, project in enumerate(unit.projects, 1):
        document.add_paragraph(f"{n}.{project.name}绩效目标表")
        line = document.add_table(rows=1, cols=2).rows[0].cells  # no borders: no style
        line[0].text, line[1].text = f"{unit.code}{unit.name}", "单位：万元"
        form = document.add_table(rows=6, cols=7)
        form.style = "Table Grid"
        r = form.rows
        r[0].cells[0].text, r[0].cells[1].merge(r[0].cells[2]).text = "项目编码", project.code
        r[0].cells[3].text = "项目名称"
        r[0].cells[4].merge(r[0].cells[6]).text = project.name
        label = r[1].cells[0].merge(r[2].cells[0])
        label.text = "预算规模及资金用途"
        for cell, text in zip(
            r[1].cells[1:],
            [
                "预算数",
                f"{project.budget}",
                "其中：财政    资金",
                f"{project.fiscal}",
                "其他资金",
                " ",
            ],
            strict=True,
        ):
            cell.text = text
        r[2].cells[1].merge(r[2].cells[6]).text = project.purpose
        plan = r[3].cells[0].merge(r[4].cells[0])
        plan.text = "资金支出计划（%）"
        for column, (month, share) in enumerate(project.spending_plan.entries(), 1):
            r[3].cells[column].text, r[4].cells[column].text = month, f"{share}%"
        r[5].cells[0].text = "绩效目标"
        r[5].cells[1].merge(r[5].cells[6]).text = "\n".join(
            f"{n}.{goal}" for n, goal in enumerate(project.goals, 1)
        )
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
            strict=True,
        ):
            cell.text = text
        first_of = {}
        for level1, level2, _, row in project.all_indicators():
            cells = table.add_row().cells
            if level1 not in first_of:
                first_of[level1] = cells[0]
                cells[0].text = level1
            else:
                first_of[level1].merge(cells[0])
            for cell, text in zip(
                cells[1:],
                [level2, row.name, row.shown_description, row.value or "", row.basis or ""],
                strict=True,
            ):
                cell.text = text
    document.save(path)
    return path


def test_seed_000_as_its_word_original_was_built(tmp_path):
    source = leting_as_word_had_it(tmp_path / "乐亭.docx")
    result = import_file(source, tmp_path / "leting.yaml", year=2024, department="乐亭县政协")
    assert result.imported.notes == []
    assert comparable(load(result.output).filing) == comparable(
        load(DATA / "leting-2024.yaml").filing
    )


def menyuan_as_published(path: Path) -> Path:
    """Seed 002 as its original table was (shared/seeds/002_*.txt): the title in the table's
    first row, 「金额 (万元)」, 「(一) 数量指标:」 with half-width brackets, and values written
    straight after the name where they are numbers (「社情民意问题整改地率98%」)."""
    filing = load(DATA / "menyuan-2024.yaml").filing
    document = Document()
    table = document.add_table(rows=2, cols=5)
    table.style = "Table Grid"
    table.rows[0].cells[0].merge(
        table.rows[0].cells[4]
    ).text = f"{filing.department.name}{filing.year}年部门预算项目支出绩效目标公开表"
    for cell, text in zip(
        table.rows[1].cells,
        ["单位编码", "单位及项目名称", "金额 (万元)", "绩效目标", "绩效指标"],
        strict=True,
    ):
        cell.text = text
    total = f"{filing.project_total}"
    for code, name, amount in [
        ("", "合计", total),
        (filing.department.code, filing.department.short_name, total),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = code, name, amount
    for unit in filing.units:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = unit.code, unit.name, f"{unit.total}"
        for n, project in enumerate(unit.projects, 1):
            cells = table.add_row().cells
            cells[1].text, cells[2].text = f"{n}. {project.name}", f"{project.budget}"
            goals = (
                project.goals
                if len(project.goals) == 1
                else [f"{i}、{goal}" for i, goal in enumerate(project.goals, 1)]
            )
            cells[3].text = "\n".join([*(project.goal_intro or "").splitlines(), *goals])
            lines = []
            for i, (level1, groups) in enumerate(project.indicators.items()):
                lines.append(f"{'一二三'[i]}、{level1}")
                for j, (level2, rows) in enumerate(groups.items()):
                    lines.append(f"({'一二三四五'[j]}) {level2}:")
                    for k, row in enumerate(rows, 1):
                        value = row.value or ""
                        glue = "" if value[:1].isdigit() else " "
                        lines.append(f"{k}. {row.name}{glue}{value}".rstrip())
            cells[4].text = lines[0]
            for line in lines[1:]:
                cells[4].add_paragraph(line)
    document.save(path)
    return path


def test_seed_002_as_published_imports_to_the_seed(tmp_path):
    source = menyuan_as_published(tmp_path / "公开表.docx")
    result = import_file(source, tmp_path / "menyuan.yaml")
    assert result.imported.layout == "gongkai"
    assert result.imported.notes == []
    assert comparable(load(result.output).filing) == comparable(
        load(DATA / "menyuan-2024.yaml").filing
    )
