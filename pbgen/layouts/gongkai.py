"""项目支出绩效目标公开表 (seed 002): one wide landscape table 单位编码 | 单位及项目名称 | 金额 |
绩效目标 | 绩效指标, the unit hierarchy with its computed totals, each project's indicators as a
nested outline inside one cell. Rendered as PDF, DOCX and XLSX (bureaus collect it as a sheet)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pbgen.context import (
    amount,
    arabic_number,
    bracket_number,
    document_title,
    paragraphs,
    section_number,
)
from pbgen.model import Filing, Project

COLUMNS = ("单位编码", "单位及项目名称", "金额", "绩效目标", "绩效指标")
CONTINUED = "（续）"  # after a project's name where its rows go on from the page before


@dataclass(frozen=True)
class Line:
    """One line of the indicator outline: 1 一、产出指标, 2 （一）数量指标：, 3 1. 名称 指标值."""

    level: int
    text: str


@dataclass(frozen=True)
class TableRow:
    kind: str  # total (合计), department, unit or project
    code: str
    name: str
    amount: str  # exact, as written or summed: "92.79"
    goals: list[str]
    indicators: list[Line]


@dataclass(frozen=True)
class GongkaiContext:
    """Everything the 公开表 prints, in table order."""

    title: str
    money_unit: str
    columns: list[str]  # the header row, 金额 with its unit
    rows: list[TableRow]


def build_context(filing: Filing, title: str | None = None) -> GongkaiContext:
    """The table of seed 002: 合计, the department (when it has a code), each unit and its
    projects. Totals are computed from the projects' budgets, never taken as typed. Part of
    every layout's context; ``title`` defaults to the one the 公开表's manifest gives."""
    title = title if title is not None else document_title(filing, "gongkai")
    department = filing.department
    total = filing.project_total
    rows = [TableRow("total", "", "合计", amount(total), [], [])]
    if department.code:
        name = department.short_name or department.name
        rows.append(TableRow("department", department.code, name, amount(total), [], []))
    for unit in filing.units:
        rows.append(TableRow("unit", unit.code, unit.name, amount(unit.project_total), [], []))
        rows += [_project_row(n, project) for n, project in enumerate(unit.projects, 1)]
    columns = list(COLUMNS)
    columns[2] = f"金额（{filing.money_unit}）"
    return GongkaiContext(title, filing.money_unit, columns, rows)


def _project_row(number: int, project: Project) -> TableRow:
    return TableRow(
        kind="project",
        code="",
        name=f"{arabic_number(number)} {project.name}",
        amount=amount(project.budget),
        goals=_goals(project),
        indicators=indicator_outline(project.indicators),
    )


def _goals(project: Project) -> list[str]:
    """The intro unnumbered, then 1、2、… — a single goal stays unnumbered (seed 002)."""
    goals = [goal.strip() for goal in project.goals if goal.strip()]
    if len(goals) > 1:
        goals = [f"{n}、{goal}" for n, goal in enumerate(goals, 1)]
    return paragraphs(project.goal_intro) + goals


def indicator_outline(tree: dict) -> list[Line]:
    """一、产出指标 / （一）数量指标： / 1. 举行政协全委会议 1次 — numbering restarts per level."""
    lines = []
    for i, (level1, groups) in enumerate(tree.items(), 1):
        lines.append(Line(1, f"{section_number(i)}{level1}"))
        for j, (level2, rows) in enumerate(groups.items(), 1):
            lines.append(Line(2, f"{bracket_number(j)}{level2.rstrip('：:')}："))
            for k, row in enumerate(rows, 1):
                text = f"{arabic_number(k)} {row.name} {(row.value or '').strip()}"
                lines.append(Line(3, text.strip()))
    return lines


def from_context(context: dict) -> GongkaiContext:
    """The 公开表 part of a shared context, as the XLSX writer reads it."""
    rows = [
        TableRow(**{**row, "indicators": [Line(**line) for line in row["indicators"]]})
        for row in context["rows"]
    ]
    return GongkaiContext(context["title"], context["money_unit"], context["columns"], rows)


def decimals(value: str) -> int:
    """Decimal places as written: "92.79" → 2, "3.6" → 1, "5" → 0."""
    return max(0, -Decimal(value).as_tuple().exponent)
