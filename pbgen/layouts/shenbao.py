"""项目支出绩效目标申报表 (财预〔2020〕10号 model and its provincial variants): one form per
project — 基本情况, 项目资金 (实施期 and 当年 per source), 项目概况, 实施进度计划, 长期（中期）
and 年度 goals, the 长期 and 年度 indicator tables, the signatures. Its context is plain data
(strings and lists), its templates are ``templates/shenbao/``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from pbgen.context import amount, arabic_number, indicator_rows, paragraphs
from pbgen.model import Filing, Project, Unit, walk_indicators

INDENT = "　　　"  # the width of 其中：, so that a part's name sits under its whole's


def build_context(filing: Filing, file: str = "") -> dict:
    """Everything the 申报表 prints, each string final."""
    department = filing.department
    return {
        "title": f"{department.name}{filing.year}年项目支出绩效目标申报表",
        "year": filing.year,
        "money_unit": filing.money_unit,
        "department": {
            key: getattr(department, key) or ""
            for key in ("name", "code", "head", "filled_by", "phone", "filled_on")
        },
        "projects": [_project(unit, project) for unit in filing.units for project in unit.projects],
    }


def _project(unit: Unit, project: Project) -> dict:
    overview = project.overview
    return {
        "name": project.name,
        "code": project.code or "",
        "attribute": project.attribute or "",
        "manager": project.manager or "",
        "phone": project.phone or "",
        "unit_name": unit.name,
        "unit_code": unit.code or "",
        "period": project.period_text,
        "extra": [{"label": label, "text": text} for label, text in project.extra.items()],
        "funds": fund_rows(project),
        "overview": {
            key: paragraphs(getattr(overview, key) if overview else None)
            for key in ("basis", "feasibility", "necessity")
        },
        "schedule": [
            {"task": item.task, "start": item.start or "", "end": item.end or ""}
            for item in project.schedule
        ],
        "period_goals": paragraphs(project.period_goal),
        "goals": _goals(project),
        "period_indicators": _rows(project.period_indicators),
        "indicators": _rows(project.indicators),
    }


def _goals(project: Project) -> list[str]:
    """年度目标 numbered 1. 2. …, after the unnumbered 引言 when there is one."""
    goals = [goal.strip() for goal in project.goals if goal.strip()]
    numbered = [f"{arabic_number(n)}{goal}" for n, goal in enumerate(goals, 1)]
    return paragraphs(project.goal_intro) + numbered if numbered else []


def _rows(tree: dict) -> list[dict]:
    """Flat 三级 rows with the spans of the merged 一级/二级 cells, and their 备注."""
    return [
        asdict(row) | {"remark": indicator.remark or ""}
        for row, (*_, indicator) in zip(indicator_rows(tree), walk_indicators(tree), strict=True)
    ]


def fund_rows(project: Project) -> list[dict]:
    """项目资金: 资金总额, 财政拨款 and 其他资金 always (their 当年 is the project's budget,
    fiscal and other), then each finer source given, under its whole: ``label`` is indented with
    full-width spaces and starts a list of parts with 其中：."""
    funds = project.funds
    rows = [_row("资金总额", funds and funds.total, project.budget)]
    parts = {
        "财政拨款": (
            funds and funds.fiscal,
            project.fiscal,
            {
                "上级财政拨款": funds and funds.fiscal_upper,
                "本级财政拨款": funds and funds.fiscal_local,
            },
        ),
        "其他资金": (
            funds and funds.other,
            project.other,
            {
                "自有资金": funds and funds.own,
                "事业收入": funds and funds.business,
                "经营收入": funds and funds.operating,
                **(funds.named if funds else {}),
            },
        ),
    }
    for index, (name, (total, year, sources)) in enumerate(parts.items()):
        rows.append(_row(_part(name, index, 0), total, year))
        given = [(label, pair) for label, pair in sources.items() if pair is not None]
        for number, (label, pair) in enumerate(given):
            rows.append(_row(_part(label, number, 1), pair.total, pair.year))
    return rows


def _part(name: str, index: int, depth: int) -> str:
    """其中：财政拨款 for the first part, 　　　其他资金 for the next, one step further in per level."""
    return INDENT * depth + (f"其中：{name}" if index == 0 else INDENT + name)


def _row(label: str, total: Decimal | None, year: Decimal | None) -> dict:
    return {"label": label, "total": amount(total), "year": amount(year)}


def render(context: dict, folder: Path, formats, timestamp: datetime):
    """The formats asked for; the PDF's page count is the document's."""
    from pbgen.layouts import pdf_if_asked
    from pbgen.render_docx import render_template

    rendered = pdf_if_asked(context, folder, formats)
    if "docx" in formats:
        rendered.files["docx"] = render_template(
            folder / "template.docx", context, context["title"], timestamp
        )
    return rendered
