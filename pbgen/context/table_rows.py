"""The filing as one table of its budget hierarchy (seed 002's shape): 合计, the department
(when it has a code), each unit and its projects, amounts summed exactly from the projects'
budgets — never taken as typed — and each project's goals and indicator outline in its row.

The section ``table_rows`` of a manifest's ``sections``: columns, rows."""

from __future__ import annotations

from pbgen.context.indicators import indicator_outline
from pbgen.context.numbering import arabic_number
from pbgen.context.projects import plain_goals
from pbgen.context.text import amount, paragraphs
from pbgen.model import Filing, Project

COLUMNS = ("单位编码", "单位及项目名称", "金额", "绩效目标", "绩效指标")


def table_rows(filing: Filing, context: dict) -> dict:
    department = filing.department
    total = amount(filing.project_total)
    rows = [_row("total", "", "合计", total)]
    if department.code:
        rows.append(
            _row("department", department.code, department.short_name or department.name, total)
        )
    for unit in filing.units:
        rows.append(_row("unit", unit.code or "", unit.name, amount(unit.project_total)))
        rows += [_project_row(n, project) for n, project in enumerate(unit.projects, 1)]
    columns = list(COLUMNS)
    columns[2] = f"金额（{filing.money_unit}）"
    return {"columns": columns, "rows": rows}


def _row(kind: str, code: str, name: str, total: str, goals=(), indicators=()) -> dict:
    """kind: total (合计), department, unit or project."""
    return {
        "kind": kind,
        "code": code,
        "name": name,
        "amount": total,
        "goals": list(goals),
        "indicators": list(indicators),
    }


def _project_row(number: int, project: Project) -> dict:
    return _row(
        "project",
        "",
        f"{arabic_number(number)} {project.name}",
        amount(project.budget),
        _goals(project),
        indicator_outline(project.indicators),
    )


def _goals(project: Project) -> list[str]:
    """The intro unnumbered, then 1、2、… — a single goal stays unnumbered (seed 002)."""
    goals = plain_goals(project)
    if len(goals) > 1:
        goals = [f"{n}、{goal}" for n, goal in enumerate(goals, 1)]
    return paragraphs(project.goal_intro) + goals
