"""Reading 附表1–3 (seed 003): 附表1 部门整体支出绩效目标表 (the department's budget, duties,
work plan and indicators), 附表2 专项资金绩效目标汇总表 (derived from the projects: compared,
and kept as comments where it differs), 附表3 one 支出方向绩效目标表 per project."""

from __future__ import annotations

import re

from pbgen.importer.labels import fold, label_of, split_label
from pbgen.importer.tables import FOOTER_LABELS, FormReader, goals_of, money
from pbgen.office import Document, Para, Row, squeeze

SUMMARY_COLUMNS = {
    "序号": "number",
    "名称": "name",
    "金额": "amount",
    "实施期绩效目标": "period_goal",
    "绩效目标": "goals",
}


def read_sheets(document: Document, draft) -> None:
    forms = FormReader()
    sheet = "department"
    forms.scope = "department"
    summary: list[dict] = []
    columns: dict[str, int] = {}
    for item in document.items:
        lone = _lone_text(item) if isinstance(item, Row) else None
        title = item if isinstance(item, Para) else Para(lone.text) if lone else None
        found = _sheet(title, draft) if title is not None else None
        if found:  # 附表N, or a sheet's title: as a paragraph, or alone in a table row
            if lone is not None:
                lone.used = True
            sheet = found
            forms.scope = "department" if sheet == "department" else "project"
            if sheet == "direction" and fold(title.text).startswith("附表"):
                forms.start_project()
            continue
        if isinstance(item, Para):
            forms.unit_line(item)
            continue
        if sheet == "summary" and not _is_footer(item):
            columns = _summary_row(item, columns, summary)
            continue
        forms.row(item)
    department = draft.data.setdefault("department", {})
    if forms.department.get("name"):
        department["name"] = forms.department["name"]
    department.update(forms.signature)
    if forms.department.get("budget"):
        budget = forms.department["budget"]
        order = ("total", "general", "fund", "other", "basic", "project")
        draft.data["department_budget"] = {key: budget[key] for key in order if key in budget}
    if forms.department.get("duties"):
        draft.data["duties"] = forms.department["duties"]
    if forms.department.get("work_plan"):
        draft.data.setdefault("tables", {})["work_plan"] = forms.department["work_plan"]
    if forms.department.get("indicators"):
        draft.data["department_indicators"] = forms.department["indicators"]
    forms.projects = [p for p in forms.projects if any(not k.startswith("_") for k in p)]
    draft.add_forms(forms)
    _compare_summary(summary, draft)


def _sheet(para: Para, draft) -> str | None:
    """Which 附表 the rows below belong to, from its label and title; the year and the
    专项资金级次 from the titles."""
    text = squeeze(para.text)
    if re.match(r"^附表\d$", text):
        para.used = True
        return {"附表1": "department", "附表2": "summary"}.get(text, "direction")
    match = re.match(
        r"^(\d{4})年度?(.*?)(部门整体支出绩效目标表|专项资金绩效目标汇总表|专项资金"
        r"支出方向绩效目标表|支出方向绩效目标表)$",
        text,
    )
    if not match:
        return None
    para.used = True
    draft.data["year"] = match.group(1)
    level = match.group(2).removesuffix("专项资金")
    if level and "专项资金" in match.group(3):
        draft.data.setdefault("department", {})["fund_level"] = level
    if "部门整体" in match.group(3):
        return "department"
    return "summary" if "汇总" in match.group(3) else "direction"


def _lone_text(row: Row):
    """The only cell of a row that holds text, if there is just one."""
    filled = [cell for cell in row.cells if cell.text]
    return filled[0] if len(filled) == 1 else None


def _is_footer(row: Row) -> bool:
    """单位负责人签字 / 填表人 / 联系电话 at a sheet's foot."""
    for cell in row.cells:
        found = label_of(cell.text) or (split_label(cell.text) or ("",))[0]
        if found in FOOTER_LABELS:
            return True
    return False


def _summary_row(row: Row, columns: dict, summary: list) -> dict:
    """附表2: a header, 合计, one row per 专项."""
    header = {}
    for cell in row.cells:
        label = label_of(cell.text)
        if label == "绩效目标" or fold(cell.text) == "年度绩效目标":
            header["goals"] = cell
        elif label in SUMMARY_COLUMNS:
            header[SUMMARY_COLUMNS[label]] = cell
    if len(header) >= 3:
        for cell in header.values():
            cell.used = True
        return {key: cell.column for key, cell in header.items()}
    if not columns:
        return columns
    cells = {key: row.at(column) for key, column in columns.items()}
    texts = {key: (cell.text if cell is not None else "") for key, cell in cells.items()}
    if fold(texts.get("name", "")) in ("合计", "总计"):
        for cell in cells.values():
            if cell is not None:
                cell.used = True
        return columns
    for cell in cells.values():
        if cell is not None:
            cell.used = True
    summary.append(texts)
    return columns


def _compare_summary(summary: list[dict], draft) -> None:
    """附表2 is generated from the projects: a row that says something else is kept."""
    projects = [p for unit in draft.data.get("units", []) for p in unit["projects"]]
    funds: dict[str, list[dict]] = {}
    for project in projects:
        funds.setdefault(project.get("special_fund") or project.get("name"), []).append(project)
    for row in summary:
        members = funds.get(row.get("name", "").strip())
        goals = [line.strip() for line in row.get("goals", "").splitlines() if line.strip()]
        _, goal_items = goals_of(goals)
        same = members is not None and (
            [squeeze(g) for g in goal_items]
            == [squeeze(g) for p in members for g in p.get("goals", [])]
            and squeeze(row.get("period_goal", ""))
            == squeeze("".join(p.get("period_goal") or "" for p in members))
            and _same_amount(row.get("amount", ""), members)
        )
        if not same:
            draft.note(f"附表2「{row.get('name', '')}」原文：")
            for key in ("number", "name", "amount", "period_goal", "goals"):
                if row.get(key):
                    draft.note(row[key])


def _same_amount(text: str, members: list[dict]) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(money(text) or "0") == sum(Decimal(p.get("budget") or "0") for p in members)
    except InvalidOperation:
        return False
