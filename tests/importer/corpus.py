"""A corpus of last year's documents as clerks make them, not as pbgen writes them.

Each document is built the way Word, WPS or Excel files from county departments look: a 2021
indicator table with 指标性质 / 指标值 / 度量单位 / 权重 columns, 年度资金总额 and a quarterly or
monthly spending plan in amounts, 「填报单位：…（131040）」, a cover page and a 目录, a 湖北 grid
with 长期 and 年度 indicators side by side, text boxes, merged and split cells, a nested table,
full-width spaces and ％, numbers typed as numbers in Excel, and the old .doc and .xls formats
(LibreOffice saves them from the DOCX and XLSX, as a clerk's copy would be).

The filing each document should import to is written by hand in
``tests/fixtures/import/<name>.yaml`` (written before the importer learned to read them).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from openpyxl.styles import Alignment

EXPECTED = Path(__file__).parents[1] / "fixtures" / "import"

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def text_box(text: str) -> str:
    """A run holding a floating text box, as Word writes one (DrawingML and its VML copy)."""
    return f"""
<w:r {W_NS}
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>
    <a:graphicData><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>{text}</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>
  </mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>{text}</w:t></w:r></w:p>
  </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>
</w:r>"""


def fill(row, texts) -> None:
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = text


def wide(row, label: str, text: str) -> None:
    """A label and its value in one cell merged over the rest of the row."""
    row.cells[0].text = label
    row.cells[1].merge(row.cells[-1]).text = text


def over_two_rows(top, bottom, label: str, heads: list[str], values: list[str]) -> None:
    """A label merged over two rows, beside its two rows of cells (a plan: dates above values)."""
    fill(top, [label, *heads])
    fill(bottom, ["", *values])
    top.cells[0].merge(bottom.cells[0])


def grid(document, rows: int, cols: int):
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


# -- c01: a 2021-style indicator table (指标性质, 度量单位, 权重) ------------------------------


def c01_zhibiao2021(path: Path) -> Path:
    document = Document()
    document.add_paragraph("2025年项目支出绩效目标表")
    document.add_paragraph("填报单位：某某县农业农村局（131040）\t\t金额单位：万元")
    form = grid(document, 6, 5)
    r = form.rows
    wide(r[0], "项目名称", "高标准农田建设项目")
    wide(r[1], "项目编码", "13102525P0001")
    fill(r[2], ["预算数", "120.00", "其中：财政资金", "120.00", ""])
    r[2].cells[3].merge(r[2].cells[4])
    wide(r[3], "资金用途", "用于新建高标准农田的土地平整、灌排渠系和田间道路。")
    over_two_rows(
        r[4],
        r[5],
        "资金支出计划（%）",
        ["3月底", "6月底", "10月底", "12月底"],
        ["20%", "50%", "80%", "100%"],
    )
    goals = form.add_row()
    goals.cells[0].text = "绩效目标"
    cell = goals.cells[1].merge(goals.cells[4])
    cell.text = "1.新建高标准农田5000亩。"
    cell.add_paragraph("2.项目区粮食综合生产能力明显提升。")
    document.add_paragraph("")
    table = grid(document, 1, 8)
    fill(
        table.rows[0],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "权重",
            "指标值设定依据",
        ],
    )
    for values in (
        ("产出指标", "数量指标", "新建高标准农田面积", "≥", "5000", "亩", "20", "年度建设任务"),
        ("产出指标", "质量指标", "工程验收合格率", "＝", "100", "%", "10", "建设标准"),
        ("产出指标", "时效指标", "项目完成时间", "定性", "2025年12月底前", "", "10", "工作计划"),
        ("成本指标", "经济成本指标", "亩均建设成本", "≤", "2400", "元/亩", "20", "建设标准"),
        ("效益指标", "社会效益指标", "粮食综合生产能力", "定性", "明显提升", "", "20", "行业标准"),
        ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥", "90", "%", "20", "历史标准"),
    ):
        fill(table.add_row(), values)
    document.save(path)
    return path


# -- c02: 年度资金总额, its sources, and a quarterly plan in amounts ----------------------------


def c02_jidu(path: Path) -> Path:
    document = Document()
    document.add_paragraph("某某县文化和旅游局2025年部门预算绩效文本")
    document.add_paragraph("1.文化惠民演出项目绩效目标表")
    document.add_paragraph("单位：万元")
    form = grid(document, 7, 5)
    r = form.rows
    wide(r[0], "项目名称", "文化惠民演出项目")
    over_two_rows(
        r[1],
        r[2],
        "年度资金总额",
        ["80.00", "其中：财政拨款", "60.00", ""],
        ["", "其他资金", "20.00", ""],
    )
    r[1].cells[1].merge(r[2].cells[1])
    fill(r[3], ["资金来源", "上级补助", "40.00", "本级安排", "20.00"])
    wide(r[4], "资金用途", "用于送戏下乡演出和群众文化活动。")
    over_two_rows(
        r[5],
        r[6],
        "资金支出计划（万元）",
        ["第一季度", "第二季度", "第三季度", "第四季度"],
        ["10.00", "30.00", "20.00", "20.00"],
    )
    goals = form.add_row()
    goals.cells[0].text = "年度绩效目标"
    goals.cells[1].merge(goals.cells[4]).text = "全年开展送戏下乡演出120场。"
    table = grid(document, 1, 5)
    fill(table.rows[0], ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"])
    for values in (
        ("产出指标", "数量指标", "送戏下乡场次", "≥120场", "年度计划"),
        ("", "时效指标", "演出完成时间", "2025年11月底前", "年度计划"),
        ("效益指标", "社会效益指标", "群众文化生活", "持续丰富", "年度计划"),
        ("满意度指标", "服务对象满意度指标", "观众满意度", "≥90%", "往年测评"),
    ):
        fill(table.add_row(), values)
    table.rows[1].cells[0].merge(table.rows[2].cells[0])
    table.rows[1].cells[0].text = "产出指标"
    document.save(path)
    return path


# -- c03: an Excel form with a monthly plan, numbers typed as numbers -------------------------


def c03_yuedu(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    sheet["A1"] = "某某县教育局2025年项目支出绩效目标表"
    sheet.merge_cells("A1:M1")
    sheet["A2"] = "单位：元"
    sheet["A3"], sheet["B3"] = "项目名称", "学生营养改善计划"
    sheet.merge_cells("B3:M3")
    sheet["A4"], sheet["B4"] = "项目编码", 131025250001  # a code typed as a number
    sheet["B4"].number_format = "0"
    sheet.merge_cells("B4:M4")
    sheet["A5"], sheet["B5"] = "预算数", 1200000
    sheet["B5"].number_format = "#,##0.00"
    sheet.merge_cells("B5:M5")
    sheet["A6"], sheet["B6"] = "资金用途", "为义务教育阶段学生提供营养膳食补助。"
    sheet.merge_cells("B6:M6")
    sheet["A7"] = "资金支出计划（元）"
    sheet.merge_cells("A7:A8")
    amounts = [0, 0, 200000, 100000, 100000, 100000, 0, 0, 200000, 100000, 200000, 200000]
    for month, amount in enumerate(amounts, 1):
        sheet.cell(7, month + 1, f"{month}月")
        cell = sheet.cell(8, month + 1, amount)
        cell.number_format = "0.00"
    sheet["A9"], sheet["B9"] = "绩效目标", "1.保障全县学生营养餐供应。\n2.学生营养状况持续改善。"
    sheet["B9"].alignment = Alignment(wrap_text=True)
    sheet.merge_cells("B9:M9")
    for column, title in enumerate(["一级指标", "二级指标", "三级指标", "指标值"], 1):
        sheet.cell(10, column, title)
    for row, values in enumerate(
        (
            ("产出指标", "数量指标", "受益学生人数", "≥8500人"),
            ("产出指标", "质量指标", "供餐合格率", 1),
            ("效益指标", "社会效益指标", "学生营养状况", "持续改善"),
            ("满意度指标", "服务对象满意度指标", "家长满意度", 0.9),
        ),
        11,
    ):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row, column, value)
            if isinstance(value, int | float) and column == 4:
                cell.number_format = "0%"
    book.save(path)
    return path


# -- c04: cover page, 目录, 第一部分, 填报单位 with its code --------------------------------------


def c04_cover(path: Path) -> Path:
    document = Document()
    cover = document.add_paragraph("某某县市场监督管理局")
    cover.paragraph_format.space_before = 200
    document.add_paragraph("2025年度部门预算绩效文本")
    document.add_paragraph("某某县市场监督管理局编制")
    document.add_paragraph("某某县财政局审核")
    document.add_paragraph("二〇二四年十二月").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("目  录")
    document.add_paragraph("第一部分 部门整体绩效目标\t1")
    document.add_paragraph("第二部分 预算项目绩效目标\t3")
    document.add_paragraph("第一部分 部门整体绩效目标")
    document.add_paragraph("一、总体绩效目标")
    document.add_paragraph("守住食品药品安全底线，优化营商环境。")
    document.add_paragraph("二、分项绩效目标")
    document.add_paragraph("（一）食品安全监管。完成食品抽检1200批次。")
    document.add_paragraph("（二）市场主体服务。新登记市场主体增长5%。")
    document.add_paragraph("三、工作保障措施")
    document.add_paragraph("加强组织领导，落实监管责任。")
    document.add_paragraph("严格资金管理，专款专用。")
    document.add_paragraph("第二部分 预算项目绩效目标")
    document.add_paragraph("1.食品安全抽检经费绩效目标表")
    document.add_paragraph("填报单位：某某县市场监督管理局（131040）\t单位：万元")
    form = grid(document, 6, 5)
    r = form.rows
    fill(r[0], ["项目编码", "13102525P0107", "项目名称", "食品安全抽检经费", ""])
    r[0].cells[3].merge(r[0].cells[4])
    fill(r[1], ["预算数", "36.00", "其中：财政资金", "36.00", ""])
    wide(r[2], "资金用途", "用于食品安全监督抽检和风险监测。")
    over_two_rows(
        r[3],
        r[4],
        "资金支出计划（%）",
        ["3月底", "6月底", "10月底", "12月底"],
        ["25%", "50%", "75%", "100%"],
    )
    wide(r[5], "绩效目标", "完成食品抽检1200批次。")
    table = grid(document, 1, 5)
    fill(table.rows[0], ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"])
    for values in (
        ("产出指标", "数量指标", "抽检批次", "≥1200批次", "省局任务"),
        ("效益指标", "社会效益指标", "食品安全事故", "不发生重大事故", "工作目标"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥85%", "往年测评"),
    ):
        fill(table.add_row(), values)
    document.save(path)
    return path


# -- c05: a 湖北 申报表 grid, 长期 and 年度 indicators side by side --------------------------------


def c05_hubei(path: Path) -> Path:
    document = Document()
    document.add_paragraph("项目支出绩效目标申报表")
    document.add_paragraph("（2025年度）")
    document.add_paragraph("填报单位（盖章）：某某县水利局\t金额单位：万元")
    form = grid(document, 9, 7)
    r = form.rows
    wide(r[0], "项目名称", "农村饮水安全巩固提升工程")
    fill(r[1], ["主管部门", "某某县水利局", "", "", "主管部门编码", "417", ""])
    r[1].cells[1].merge(r[1].cells[3])
    r[1].cells[5].merge(r[1].cells[6])
    fill(r[2], ["实施单位", "某某县农村供水服务中心", "", "", "项目属性", "延续", ""])
    r[2].cells[1].merge(r[2].cells[3])
    r[2].cells[5].merge(r[2].cells[6])
    wide(r[3], "项目起止时间", "2024年1月至2026年12月")
    fill(r[4], ["项目资金", "", "", "实施期资金总额", "", "当年资金总额", ""])
    fill(r[5], ["", "资金总额", "", "900.00", "", "300.00", ""])
    fill(r[6], ["", "其中：财政拨款", "", "900.00", "", "300.00", ""])
    fill(r[7], ["", "其他资金", "", "0", "", "0", ""])
    for row in r[4:8]:
        row.cells[1].merge(row.cells[2])
        row.cells[3].merge(row.cells[4])
        row.cells[5].merge(row.cells[6])
    r[4].cells[0].merge(r[7].cells[0])
    fill(r[8], ["总体目标", "中长期目标", "", "", "年度目标", "", ""])
    r[8].cells[1].merge(r[8].cells[3])
    r[8].cells[4].merge(r[8].cells[6])
    text = form.add_row()
    text.cells[1].merge(text.cells[3]).text = "三年内巩固提升农村供水人口12万人。"
    text.cells[4].merge(text.cells[6]).text = "2025年完成12处供水工程改造。"
    form.rows[8].cells[0].merge(text.cells[0])
    table = grid(document, 2, 7)
    fill(table.rows[0], ["一级指标", "长期绩效指标", "", "", "年度绩效指标", "", ""])
    table.rows[0].cells[1].merge(table.rows[0].cells[3])
    table.rows[0].cells[4].merge(table.rows[0].cells[6])
    fill(table.rows[1], ["", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"])
    table.rows[0].cells[0].merge(table.rows[1].cells[0])
    for values in (
        ("产出指标", "数量指标", "巩固提升供水人口", "≥12万人", "数量指标", "改造供水工程", "12处"),
        ("产出指标", "质量指标", "水质达标率", "≥95%", "质量指标", "工程验收合格率", "100%"),
        (
            "效益指标",
            "社会效益指标",
            "农村自来水普及率",
            "≥98%",
            "社会效益指标",
            "新增受益人口",
            "≥4万人",
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "群众满意度",
            "≥90%",
            "服务对象满意度指标",
            "受益群众满意度",
            "≥90%",
        ),
    ):
        fill(table.add_row(), values)
    rows = table.rows
    rows[3].cells[0].text = ""
    rows[2].cells[0].merge(rows[3].cells[0])
    document.add_paragraph("填报人：周敏\t联系电话：0719-5201234")
    document.save(path)
    return path


# -- c06: text boxes, merged and split cells, a table nested in a cell -------------------------


def c06_boxes(path: Path) -> Path:
    document = Document()
    title = document.add_paragraph("")
    title.add_run("")
    title.runs[0]._r.addnext(parse_xml(text_box("某某县档案馆2025年部门预算绩效文本")))
    document.add_paragraph("1.档案数字化加工项目绩效目标表")
    unit = document.add_paragraph("单位：万元")
    unit.runs[0]._r.addnext(parse_xml(text_box("附注：本表由办公室填报")))
    form = grid(document, 6, 4)
    r = form.rows
    wide(r[0], "项　目　名　称：", "档案数字化加工项目")
    # 预算规模: the label cell split in two rows, 预算数 merged down beside it
    over_two_rows(r[1], r[2], "预算数", ["30.00", "财政资金", "30.00"], ["", "其他资金", ""])
    r[1].cells[1].merge(r[2].cells[1])
    wide(r[3], "资金用途", "馆藏档案数字化加工和著录。")
    fill(r[4], ["资金支出计划（%）：3月底 10%；6月底 40%；10月底 80%；12月底 100%", "", "", ""])
    r[4].cells[0].merge(r[4].cells[3])
    wide(r[5], "绩效目标", "完成数字化加工20万页。")
    holder = form.add_row().cells
    holder[0].text = "绩效指标"
    inner = holder[1].merge(holder[3]).add_table(rows=1, cols=4)
    fill(inner.rows[0], ["一级指标", "二级指标", "三级指标", "指标值"])
    for values in (
        ("产出指标", "数量指标", "数字化页数", "≥20万页"),
        ("", "质量指标", "验收合格率", "≥98%"),
        ("效益指标", "社会效益指标", "查档便利度", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥90%"),
    ):
        fill(inner.add_row(), values)
    inner.rows[1].cells[0].merge(inner.rows[2].cells[0])
    document.save(path)
    return path


# -- c07: WPS habits: full-width spaces and ％, thousands separators, an empty 指标值 ------------


def c07_wps(path: Path) -> Path:
    document = Document()
    document.add_paragraph("某某县民政局2025年部门预算绩效文本")
    document.add_paragraph("1、困难群众救助补助资金绩效目标表")
    document.add_paragraph("131045　某某县民政局本级\u3000\u3000单位：万元")
    form = grid(document, 6, 5)
    r = form.rows
    fill(r[0], ["项目编码", "13102525P0300", "项 目 名 称", "困难群众救助补助资金", ""])
    r[0].cells[3].merge(r[0].cells[4])
    fill(r[1], ["预 算 数", "1,250.00", "其中：财政资金", "1,250.00\u00a0", ""])
    wide(r[2], "资金用途", "发放城乡低保、特困人员救助供养金。")
    over_two_rows(
        r[3],
        r[4],
        "资金支出计划（％）",
        ["3月底", "6月底", "10月底", "12月底"],
        ["25％", "50％", "83％", "100％"],
    )
    fill(r[5], ["绩效目标", "（1）按时足额发放救助资金；", "", "", ""])
    goals = r[5].cells[1].merge(r[5].cells[4])
    goals.add_paragraph("（2）困难群众基本生活得到保障。")
    table = grid(document, 1, 6)
    fill(
        table.rows[0],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
    )
    for values in (
        ("产出指标", "数量指标", "保障人数", "城乡低保和特困人员", "≥6000人", "上年保障人数"),
        ("", "时效指标", "资金发放及时率", "", "100％", "政策规定"),
        ("效益指标", "社会效益指标", "困难群众基本生活", "", "", "政策目标"),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度", "", "≥ 90％", "往年测评"),
    ):
        fill(table.add_row(), values)
    document.save(path)
    return path


# -- c08: a 公开表 typed in Excel: codes and amounts as numbers, Alt+Enter line breaks ----------


def c08_gongkai(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "公开表"
    sheet["A1"] = "某某县司法局2025年部门预算项目支出绩效目标公开表"
    sheet.merge_cells("A1:E1")
    sheet["E2"] = "单位：万元"
    for column, title in enumerate(
        ["单位编码", "单位及项目名称", "金额", "绩效目标", "绩效指标"], 1
    ):
        sheet.cell(3, column, title)
    rows = [
        (None, "合计", 45.5),
        (415001, "某某县司法局本级", 45.5),
        (
            None,
            "1.人民调解工作经费",
            25,
            "1、调处矛盾纠纷800件；\n2、调解成功率保持高位。",
            "一、产出指标\n（一）数量指标：\n1.调解案件数 ≥800件\n（二）质量指标：\n1.调解成功率 ≥95%\n"
            "二、效益指标\n（一）社会效益指标：\n1.社会和谐稳定 持续提升\n三、满意度指标\n"
            "1.当事人满意度 ≥90%",
        ),
        (
            None,
            "2.法律援助经费",
            20.5,
            "为困难群众提供法律援助300件。",
            "一、产出指标\n（一）数量指标：\n1.法律援助案件 ≥300件\n二、效益指标\n（一）社会效益指标：\n"
            "1.群众合法权益 有效维护\n三、满意度指标\n1.受援人满意度 ≥90%",
        ),
    ]
    for row, values in enumerate(rows, 4):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row, column, value)
            if column == 3:
                cell.number_format = "0.00"
            if column in (4, 5):
                cell.alignment = Alignment(wrap_text=True)
    book.save(path)
    return path


# -- c09, c10: the old formats, saved by LibreOffice --------------------------------------------


def legacy(source: Path, kind: str, folder: Path) -> Path:
    """``source`` saved by LibreOffice as .doc (MS Word 97) or .xls (MS Excel 97). A DOCX goes
    through LibreOffice's own format first: saved straight to .doc, its tables with vertically
    merged cells (as python-docx writes them) come out as plain paragraphs (LibreOffice 7.4)."""
    filters = {"doc": "doc:MS Word 97", "xls": "xls:MS Excel 97"}
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to"]

    def convert(path: Path, target: str, into: Path) -> None:
        subprocess.run(
            [*command, target, "--outdir", str(into), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
        )

    if kind == "doc":
        convert(source, "odt", folder / "odt")
        source = folder / "odt" / f"{source.stem}.odt"
    convert(source, filters[kind], folder)
    return folder / f"{source.stem}.{kind}"


BUILDERS = {
    "c01-zhibiao2021.docx": c01_zhibiao2021,
    "c02-jidu.docx": c02_jidu,
    "c03-yuedu.xlsx": c03_yuedu,
    "c04-cover.docx": c04_cover,
    "c05-hubei.docx": c05_hubei,
    "c06-boxes.docx": c06_boxes,
    "c07-wps.docx": c07_wps,
    "c08-gongkai.xlsx": c08_gongkai,
}
# the old formats: the expected filing is that of the document they were saved from
LEGACY = {"c09-cover.doc": "c04-cover.docx", "c10-yuedu.xls": "c03-yuedu.xlsx"}


def build(folder: Path) -> dict[str, Path]:
    """Every corpus document, written into ``folder``: name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {name: builder(folder / name) for name, builder in BUILDERS.items()}
    old = folder / "legacy"
    old.mkdir(exist_ok=True)
    for name, source in LEGACY.items():
        kind = name.rsplit(".", 1)[1]
        converted = legacy(made[source], kind, old)
        made[name] = converted.rename(folder / name)
    return made


def expected(name: str) -> Path:
    """The filing written by hand for corpus document ``name``."""
    source = LEGACY.get(name, name)
    return EXPECTED / f"{source.rsplit('.', 1)[0]}.yaml"
