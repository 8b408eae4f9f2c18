"""The labels of last year's documents, in their usual spellings, and the numbering of lines.

A label is compared squeezed: no spaces of any width (「项 目 名 称」), full-width brackets and
colons as half-width, no trailing colon. Each label maps to one meaning; the readers decide
where a meaning goes (a 其他资金 in 附表1 is the department's, in a 绩效目标表 the project's).
"""

from __future__ import annotations

import re

from pbgen.office import squeeze

LABELS: dict[str, tuple[str, ...]] = {
    "项目编码": ("项目编码", "项目代码", "项目编号"),
    "项目名称": ("项目名称", "支出方向(子项)", "支出方向", "子项名称", "项目(子项)名称"),
    "预算数": ("预算数", "项目金额", "预算金额", "项目预算数", "年度预算数", "项目资金总额"),
    "财政资金": ("其中:财政资金", "财政资金", "其中:财政拨款", "财政拨款", "其中财政资金"),
    "其他资金": ("其他资金", "其中:其他资金", "其他"),
    "资金用途": (
        "预算规模及资金用途",
        "资金用途",
        "项目资金用途",
        "预算规模及用途",
        "资金用途及预算规模",
    ),
    "资金支出计划": (
        "资金支出计划(%)",
        "资金支出计划",
        "资金支出计划(累计%)",
        "资金支出进度计划",
        "资金支出进度(%)",
        "支出计划(%)",
    ),
    "绩效目标": ("绩效目标", "年度绩效目标", "年度目标", "项目绩效目标", "本年度绩效目标"),
    "实施期绩效目标": (
        "实施期绩效目标",
        "实施期目标",
        "中长期目标",
        "长期目标",
        "长期(中期)目标",
        "中期目标",
        "中期(长期)目标",
    ),
    "项目实施期": ("项目实施期", "实施期", "项目起止时间", "实施周期", "项目起止日期"),
    "项目属性": ("项目属性", "项目类型", "项目类别"),
    "主管部门": ("主管部门", "主管部门名称", "主管单位"),
    "主管部门编码": ("主管部门编码", "主管部门代码"),
    "实施单位": ("实施单位", "项目实施单位"),
    "项目负责人": ("项目负责人", "负责人"),
    "项目资金": ("项目资金", "项目资金(万元)", "项目资金(元)", "资金情况"),
    "资金来源": ("资金来源", "资金构成", "来源"),
    "上级财政拨款": ("上级财政拨款", "其中:上级财政拨款", "上级补助", "上级补助资金", "上级资金"),
    "本级财政拨款": ("本级财政拨款", "其中:本级财政拨款", "本级安排", "本级财政安排", "本级资金"),
    "自有资金": ("自有资金", "单位自有资金"),
    "事业收入": ("事业收入",),
    "经营收入": ("经营收入",),
    "实施期资金": ("实施期资金总额", "实施期资金", "实施期金额", "中期资金总额"),
    "当年资金": ("当年资金总额", "当年资金", "当年金额", "年度金额"),
    "项目概况": ("项目概况", "项目基本情况"),
    "总体目标": ("总体目标", "绩效总目标"),
    "立项依据": ("立项依据", "项目立项依据"),
    "可行性": ("可行性", "项目可行性"),
    "必要性": ("必要性", "项目必要性"),
    "实施进度计划": ("实施进度计划", "项目实施进度计划", "进度计划"),
    "实施内容": ("实施内容", "项目实施内容", "工作内容"),
    "开始时间": ("开始时间", "开始日期"),
    "完成时间": ("完成时间", "完成日期", "结束时间"),
    "备注": ("备注",),
    "填报日期": ("填报日期", "填表日期"),
    "填报单位": ("填报单位", "填报单位(盖章)", "申报单位"),
    "所属专项": ("所属专项", "所属专项资金"),
    "名称": ("名称", "名　称"),
    "金额": ("金额", "金　额", "资金", "合计金额"),
    "一级指标": ("一级指标", "一级", "一级指标名称"),
    "二级指标": ("二级指标", "二级", "二级指标名称"),
    "三级指标": ("三级指标", "三级", "三级指标名称", "指标名称", "绩效指标名称", "指标内容"),
    "绩效指标描述": ("绩效指标描述", "指标描述", "指标说明", "指标解释"),
    "指标值": ("指标值", "指标值及单位", "目标值", "绩效指标值", "年度指标值", "指标值(含单位)"),
    "指标性质": ("指标性质", "指标方向", "指标值性质"),
    "度量单位": ("度量单位", "计量单位", "指标单位", "指标值单位"),
    "权重": ("权重", "分值", "权重(分值)", "指标权重", "权重(%)"),
    "指标值确定依据": ("指标值确定依据", "确定依据", "指标值设定依据", "指标值依据"),
    "绩效标准": ("绩效标准", "评价标准", "指标标准"),
    "绩效指标": ("绩效指标", "年度绩效指标", "项目绩效指标", "部门年度绩效指标"),
    "支出明细及测算说明": ("支出明细及测算说明", "支出明细及测算", "测算说明"),
    "支出内容简介": ("支出内容简介", "支出内容"),
    "支出明细": ("支出明细",),
    "支出测算依据及过程说明": ("支出测算依据及过程说明", "测算依据及过程说明", "测算依据"),
    "部门名称": ("部门名称", "单位名称", "部门(单位)名称", "预算部门"),
    "年度预算申请": ("年度预算申请", "年度预算申请(万元)", "年度预算申请(元)"),
    "资金总额": ("资金总额", "年度资金总额", "年度资金"),
    "一般公共预算拨款": ("其中:一般公共预算拨款", "一般公共预算拨款", "一般公共预算"),
    "政府性基金拨款": ("政府性基金拨款", "政府性基金"),
    "基本支出": ("其中:基本支出", "基本支出"),
    "项目支出": ("项目支出",),
    "按收入性质分": ("按收入性质分",),
    "按支出性质分": ("按支出性质分",),
    "部门职责概述": ("部门职责概述", "部门职责", "主要职能", "部门职能概述"),
    "年度重点工作计划": ("年度重点工作计划", "重点工作计划", "年度主要任务"),
    "事项": ("事项", "任务", "重点工作"),
    "责任单位": ("责任单位/科室", "责任单位", "责任科室"),
    "工作目标": ("工作目标",),
    "单位负责人签字": ("单位负责人签字", "单位负责人", "负责人签字"),
    "填表人": ("填表人", "填报人"),
    "联系电话": ("联系电话", "电话"),
    "单位编码": ("单位编码", "单位代码", "部门编码"),
    "单位及项目名称": ("单位及项目名称", "单位(项目)名称", "项目(单位)名称"),
    "序号": ("序号",),
    "合计": ("合计", "合计:", "总计"),
}
_BY_ALIAS = {alias: label for label, aliases in LABELS.items() for alias in aliases}

# The meaning a form reader gives the label of each field path a layout's manifest names: a
# layout's ``labels`` spell these fields its own way (``learn``).
MEANINGS = {
    "department.name": "主管部门",
    "department.code": "主管部门编码",
    "department.signed_by": "单位负责人签字",
    "department.filled_by": "填表人",
    "department.phone": "联系电话",
    "department.filled_on": "填报日期",
    "department_budget": "年度预算申请",
    "department_budget.total": "资金总额",
    "department_budget.general": "一般公共预算拨款",
    "department_budget.fund": "政府性基金拨款",
    "department_budget.basic": "基本支出",
    "department_budget.project": "项目支出",
    "duties": "部门职责概述",
    "tables.work_plan": "年度重点工作计划",
    "department_indicators": "绩效指标",
    "units[].code": "单位编码",
    "units[].name": "实施单位",
    "projects[].code": "项目编码",
    "projects[].name": "项目名称",
    "projects[].attribute": "项目属性",
    "projects[].manager": "项目负责人",
    "projects[].phone": "联系电话",
    "projects[].budget": "预算数",
    "projects[].fiscal": "财政资金",
    "projects[].other": "其他资金",
    "projects[].funds": "项目资金",
    "projects[].purpose": "资金用途",
    "projects[].spending_plan": "资金支出计划",
    "projects[].goals": "绩效目标",
    "projects[].special_fund": "所属专项",
    "projects[].period": "项目实施期",
    "projects[].overview": "项目概况",
    "projects[].overview.basis": "立项依据",
    "projects[].overview.feasibility": "可行性",
    "projects[].overview.necessity": "必要性",
    "projects[].schedule": "实施进度计划",
    "projects[].period_goal": "实施期绩效目标",
    "projects[].tables.expense_details": "支出明细及测算说明",
    "projects[].indicators[].name": "三级指标",
    "projects[].indicators[].description": "绩效指标描述",
    "projects[].indicators[].value": "指标值",
    "projects[].indicators[].basis": "指标值确定依据",
    "projects[].indicators[].standard": "绩效标准",
    "projects[].indicators[].remark": "备注",
}


def learn(labels: dict[str, list[str]]) -> None:
    """Take the spellings layouts declare (``labels`` of their manifests: a field path → its
    spellings) as labels of the meaning the readers give that field. A spelling another label
    already has keeps its meaning (「金额」 of the 公开表 stays 金额)."""
    for path, spellings in labels.items():
        meaning = MEANINGS.get(path)
        if meaning:
            for spelling in spellings:
                _BY_ALIAS.setdefault(fold(spelling), meaning)


_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "％": "%", "／": "/", "，": ","})


def fold(text: str) -> str:
    """A label as compared: squeezed, half-width brackets and colons, no trailing colon."""
    return squeeze(text).translate(_FOLD).rstrip(":")


def label_of(text: str) -> str | None:
    """The meaning of a label cell, or None when the text is not a label."""
    folded = fold(text)
    if not folded or len(folded) > 16:
        return None
    label = _BY_ALIAS.get(folded)
    if label is None and folded.endswith(("(万元)", "(元)")):
        label = _BY_ALIAS.get(folded.rsplit("(", 1)[0])
    return label


def split_label(text: str) -> tuple[str, str] | None:
    """「资金总额：528.24」 → (资金总额, 528.24): a label and its value in one cell."""
    match = re.match(r"^\s*([^:：]{1,16}?)\s*[:：]\s*(.+)$", text, re.DOTALL)
    if match:
        label = label_of(match.group(1))
        if label:
            return label, match.group(2).strip()
    return None


def money_unit_of(text: str) -> str | None:
    """万元 or 元, from 「单位：万元」「金额（万元）」「年度预算申请（元）」."""
    folded = fold(text)
    match = re.search(r"(?:单位|金额):?(万元|元)|\((万元|元)\)", folded)
    return (match.group(1) or match.group(2)) if match else None


MONTH = re.compile(r"^(\d{1,2})月(?:底|末|份)?$")
PLAN_MONTHS = {"3": "3月底", "6": "6月底", "10": "10月底", "12": "12月底"}


QUARTER = re.compile(r"^(?:第)?([一二三四1-4])季度(?:末|底)?$|^Q([1-4])$")


def period_of(text: str) -> int | None:
    """The month a spending plan's column ends at: 3月底 / 3月末 / 3月 → 3, 第三季度 → 9."""
    folded = fold(text)
    match = MONTH.match(folded)
    if match:
        month = int(match.group(1))
        return month if 1 <= month <= 12 else None
    match = QUARTER.match(folded)
    if match:
        quarter = match.group(1) or match.group(2)
        return 3 * ("一二三四".index(quarter) + 1 if quarter in "一二三四" else int(quarter))
    return None


def month_of(text: str) -> str | None:
    """3月底 / 3月末 / 3月 → the plan's key, for the four dates of 资金支出计划."""
    match = MONTH.match(fold(text))
    return PLAN_MONTHS.get(match.group(1)) if match else None


CHINESE = "零一二三四五六七八九"


def chinese_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23."""
    if not text or any(ch not in CHINESE + "十" for ch in text):
        return None
    if "十" not in text:
        return CHINESE.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (CHINESE.index(tens) if tens else 1) * 10
    return value + (CHINESE.index(ones) if ones else 0)


NUMBERING = [
    ("section", re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*")),
    ("bracket", re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*[、.．]?\s*")),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[、．]|\.(?!\d))\s*")),
    ("paren", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?\s*")),
    ("paren", re.compile(r"^(\d{1,2})\s*[）)]\s*")),
    ("circled", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]


def numbering(text: str) -> tuple[str, int, str]:
    """(kind, number, rest) of a numbered line: 「（二）聚焦…」 → (bracket, 2, 聚焦…);
    ("", 0, text) when it is not numbered."""
    stripped = text.lstrip(" \u3000\t")
    for kind, pattern in NUMBERING:
        match = pattern.match(stripped)
        if match:
            token = match.group(1)
            if kind == "circled":
                number = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(token) + 1
            elif token.isdigit():
                number = int(token)
            else:
                number = chinese_value(token) or 0
            if number:
                return kind, number, stripped[match.end() :]
    return "", 0, text


def numbered_run(lines: list[str], kind: str | None = None) -> list[str] | None:
    """The lines without their numbers when they are numbered 1, 2, 3… in one style (the way
    pbgen and clerks number goals); None when they are not."""
    found = [numbering(line) for line in lines]
    if any(kind != "arabic" for kind, _, _ in found):  # 「1.2024年…」: a number right after
        loose = [re.match(r"^\s*(\d{1,2})\s*[.．、]\s*", line) for line in lines]
        if all(loose):
            found = [
                ("arabic", int(m.group(1)), line[m.end() :])
                for m, line in zip(loose, lines, strict=True)
            ]
    kinds = {k for k, _, _ in found}
    if not lines or len(kinds) != 1 or "" in kinds or (kind and kinds != {kind}):
        return None
    if [n for _, n, _ in found] != list(range(1, len(lines) + 1)):
        return None
    return [rest for _, _, rest in found]
