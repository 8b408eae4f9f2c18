"""Each project as templates get it (``projects[]``): its own fields as text, and what pbgen
derives — its number across units, its table title, goals plain and numbered, its indicator
trees as rows, grid and outline, its 项目资金, its 支出明细 summed."""

from __future__ import annotations

from pbgen.context.funds import funds
from pbgen.context.indicators import indicator_grid, indicator_outline, indicator_rows
from pbgen.context.numbering import numbered
from pbgen.context.tables import tables, texts
from pbgen.context.text import amount, extra_fields, paragraphs, text
from pbgen.kit import Kit
from pbgen.model import Filing, Period, Project, SpendingPlan, Unit


def unit_projects(filing: Filing) -> list[tuple[Unit, Project]]:
    return [(unit, project) for unit in filing.units for project in unit.projects]


def plain_goals(project: Project) -> list[str]:
    """年度绩效目标 as written, one string each, blank ones left out."""
    return [goal.strip() for goal in project.goals if goal.strip()]


def anchor(number: int) -> str:
    """The bookmark of project ``number``'s table title (Word's hidden-bookmark convention)."""
    return f"_Toc_pbgen_p{number}"


def project_entries(filing: Filing, kit: Kit) -> list[dict]:
    return [
        project_entry(number, unit, project, filing.money_unit, kit)
        for number, (unit, project) in enumerate(unit_projects(filing), 1)
    ]


def project_entry(number: int, unit: Unit, project: Project, money_unit: str, kit: Kit) -> dict:
    # without a plan, the four months with blank shares: a table keeps its columns
    plan = (project.spending_plan or SpendingPlan()).entries()
    goals = plain_goals(project)
    overview = project.overview
    period = project.period if isinstance(project.period, Period) else None
    unit_label = f"{unit.code or ''}{unit.name}"
    return {
        "number": number,
        "title": f"{number}.{project.name}绩效目标表",
        "anchor": anchor(number),
        "unit_label": unit_label,
        "money_unit": money_unit,
        "code": text(project.code),
        "name": project.name,
        "budget": amount(project.budget),
        "fiscal": amount(project.fiscal),
        "other": amount(project.other),
        "purpose": text(project.purpose),
        "plan": [[month, "" if share is None else f"{share:f}%"] for month, share in plan],
        "goal_intro": text(project.goal_intro),
        "goals": goals,
        "numbered_goals": numbered(goals),
        "indicators": indicator_rows(project.indicators),
        "unit": {"code": text(unit.code), "name": unit.name, "label": unit_label},
        "attribute": text(project.attribute),
        "manager": text(project.manager),
        "phone": text(project.phone),
        "period": project.period_text,
        "start": period.start if period else "",
        "end": period.end if period else "",
        "funds": funds(project),
        "overview": {
            key: paragraphs(getattr(overview, key) if overview else None)
            for key in ("basis", "feasibility", "necessity")
        },
        "schedule": [
            {"task": step.task, "start": text(step.start), "end": text(step.end)}
            for step in project.schedule
        ],
        "period_goals": paragraphs(project.period_goal),
        "goal_lines": paragraphs(project.goal_intro) + numbered(goals),
        "special_fund": project.special_fund or project.name,
        "period_indicators": indicator_rows(project.period_indicators),
        "indicator_grid": indicator_grid(project.period_indicators, project.indicators),
        "indicator_outline": indicator_outline(project.indicators),
        "tables": tables(project, "project", kit),
        "texts": texts(project.extra, "project", kit),
        "extra": extra_fields(project.extra),
    }
