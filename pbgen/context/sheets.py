"""The filing as three kinds of sheet (seed 003's shape): the department's whole budget and
duties (``department_sheet``), the 专项 summed (``summary``), one sheet per project
(``directions``), and the signature block under each. Totals computed exactly, numbering
generated.

The section ``sheets`` of a manifest's ``sections``: signature, department_sheet, summary,
directions."""

from __future__ import annotations

from decimal import Decimal

from pbgen.context.indicators import indicator_rows
from pbgen.context.numbering import chinese_number, numbered
from pbgen.context.projects import plain_goals
from pbgen.context.text import amount, paragraphs
from pbgen.model import DepartmentBudget, Filing, Project

ZERO = Decimal(0)


def sheets(filing: Filing, context: dict) -> dict:
    department = filing.department
    funds = _funds(filing)
    return {
        "signature": {
            "head": department.signed_by or "",
            "filled_by": department.filled_by or "",
            "phone": department.phone or "",
        },
        "department_sheet": _department_sheet(filing, context),
        "summary": _summary(filing, funds),
        "directions": [
            _direction(filing, project, funds[_fund_name(project)], entry)
            for project, entry in zip(filing.projects, context["projects"], strict=True)
        ],
    }


def _goals(project: Project) -> list[str]:
    """绩效目标 numbered 1. 2. …, after the unnumbered 引言 when there is one."""
    goals = numbered(plain_goals(project))
    return paragraphs(project.goal_intro) + goals if goals else []


def _total(values) -> Decimal:
    return sum(values, ZERO)


def _department_sheet(filing: Filing, context: dict) -> dict:
    budget = filing.department_budget or DepartmentBudget()
    project = budget.project if budget.project is not None else filing.project_total
    total = budget.total
    if total is None:
        income = [budget.general, budget.fund, budget.other]
        spending = [budget.basic, project]
        parts = income if any(part is not None for part in income) else spending
        total = _total(part for part in parts if part is not None)
    return {
        "label": "附表1",
        "title": f"{filing.year}年部门整体支出绩效目标表",
        "department": filing.department.name,
        "total": amount(total),
        "general": amount(budget.general),
        "fund": amount(budget.fund),
        "other": amount(budget.other),
        "basic": amount(budget.basic),
        "project": amount(project),
        "duties": paragraphs(filing.duties),
        "tables": context["tables"],  # the filing's tables: its 年度重点工作计划
        "indicators": indicator_rows(filing.department_indicators or {}),
    }


def _fund_name(project: Project) -> str:
    return project.special_fund or project.name


def _funds(filing: Filing) -> dict[str, list[Project]]:
    """Projects grouped by 所属专项, in the order each 专项 first appears."""
    funds: dict[str, list[Project]] = {}
    for project in filing.projects:
        funds.setdefault(_fund_name(project), []).append(project)
    return funds


def _fund_level(filing: Filing) -> str:
    return filing.department.fund_level or ""


def _summary(filing: Filing, funds: dict[str, list[Project]]) -> dict:
    rows = []
    for number, (name, projects) in enumerate(funds.items(), 1):
        period_goals = [line for p in projects for line in paragraphs(p.period_goal)]
        rows.append(
            {
                "number": chinese_number(number),
                "name": name,
                "amount": amount(_total(p.budget for p in projects)),
                "period_goals": list(dict.fromkeys(period_goals)),
                "goals": [line for p in projects for line in _goals(p)],
            }
        )
    return {
        "label": "附表2",
        "title": f"{filing.year}年{_fund_level(filing)}专项资金绩效目标汇总表",
        "total": amount(filing.project_total),
        "funds": rows,
    }


def _direction(filing: Filing, project: Project, fund: list[Project], entry: dict) -> dict:
    return {
        "label": "附表3",
        "title": f"{filing.year}年{_fund_level(filing)}专项资金支出方向绩效目标表",
        "name": project.name,
        "budget": amount(project.budget),
        "fund_name": _fund_name(project),
        "fund_amount": amount(_total(p.budget for p in fund)),
        "period": project.period_text,
        "period_goals": paragraphs(project.period_goal),
        "goals": _goals(project),
        "indicators": indicator_rows(project.indicators),
        "tables": entry["tables"],  # the project's tables: its 支出明细及测算说明
    }
