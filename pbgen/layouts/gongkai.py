"""项目支出绩效目标公开表 (seed 002): one wide landscape table 单位编码 | 单位及项目名称 | 金额 |
绩效目标 | 绩效指标, the unit hierarchy with its computed totals, each project's indicators as a
nested outline inside one cell. Rendered as PDF, DOCX and XLSX (bureaus collect it as a sheet)."""

from __future__ import annotations

import re
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
LINE_ID = re.compile(r"r\d+-[gi]\d+")  # a goal's or indicator line's id in the PDF template


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


def continued_pdf(context: dict, render):
    """The PDF, laid out again (at most twice more) where a project's row goes on over a page:
    its goals and indicator lines on the next page move into a row of their own, named
    「名称（续）」 with the code and no amount, so a reader there sees which project it is. A
    template opts in by giving each goal and indicator line the id ``r<row>-g<N>`` /
    ``r<row>-i<N>``; ``render`` lays out a context and returns the PDF."""
    pdf = render(context)
    if not any(LINE_ID.fullmatch(anchor) for anchor in pdf.toc_pages):
        return pdf
    paged = context
    for _ in range(3):
        rows = _split_rows(paged["rows"], pdf.toc_pages)
        if rows == paged["rows"]:
            break
        paged = {**paged, "rows": rows}
        pdf = render(paged)
    return pdf


def _split_rows(rows: list[dict], pages: dict[str, int]) -> list[dict]:
    """Each project row cut where its lines change page (the page of each line by its id); a
    part that goes on from a page starts the next one, as it did before the cut."""
    result = []
    for number, row in enumerate(rows):
        goals = [pages.get(f"r{number}-g{i}") for i in range(len(row["goals"]))]
        lines = [pages.get(f"r{number}-i{i}") for i in range(len(row["indicators"]))]
        on = sorted({page for page in goals + lines if page is not None})
        if row["kind"] != "project" or len(on) < 2:
            result.append(row)
            continue
        name = row["name"].removesuffix(CONTINUED)
        for index, page in enumerate(on):
            part = {
                **row,
                "goals": [g for g, at in zip(row["goals"], goals, strict=True) if at == page],
                "indicators": [
                    line for line, at in zip(row["indicators"], lines, strict=True) if at == page
                ],
            }
            if index:
                part.update(name=name + CONTINUED, amount="", page_start=True)
            result.append(part)
    return result
