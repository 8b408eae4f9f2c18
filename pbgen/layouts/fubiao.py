"""附表1–3 (seed 003): 附表1 部门整体支出绩效目标表, 附表2 专项资金绩效目标汇总表, 附表3 one
支出方向绩效目标表 per project. What the layout needs, its context (totals computed exactly,
numbering generated) and how it renders (PDF with WeasyPrint, DOCX from the Word template)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from itertools import pairwise

from pbgen.context import (
    IndicatorRow,
    amount,
    arabic_number,
    chinese_number,
    document_title,
    indicator_rows,
    paragraphs,
)
from pbgen.model import DepartmentBudget, Filing, Project

ZERO = Decimal(0)


@dataclass(frozen=True)
class StandardRow(IndicatorRow):
    """An indicator row of 附表3: its 绩效标准 cell merges with the equal ones below it."""

    standard_span: int = 1
    # In the PDF, the rows of one page under the section label 年度绩效指标 (set on the first
    # row of each page; 0 on the others), and whether the row starts a page (pages_split).
    section_span: int = 0
    page_start: bool = False


@dataclass(frozen=True)
class Signature:
    head: str
    filled_by: str
    phone: str


@dataclass(frozen=True)
class WorkRow:
    task: str
    owner: str
    goal: str


@dataclass(frozen=True)
class DepartmentSheet:
    """附表1 部门整体支出绩效目标表."""

    label: str
    title: str
    department: str
    total: str
    general: str
    fund: str
    other: str
    basic: str
    project: str
    duties: list[str]
    work_plan: list[WorkRow]
    indicators: list[StandardRow]  # no 绩效标准 column: its span goes unused


@dataclass(frozen=True)
class FundRow:
    """One 专项 of 附表2: the projects sharing a 所属专项, summed."""

    number: str
    name: str
    amount: str
    period_goals: list[str]
    goals: list[str]


@dataclass(frozen=True)
class SummarySheet:
    """附表2 专项资金绩效目标汇总表."""

    label: str
    title: str
    total: str
    funds: list[FundRow]


@dataclass(frozen=True)
class Expense:
    content: list[str]
    detail: list[str]
    amount: str
    basis: list[str]


@dataclass(frozen=True)
class DirectionSheet:
    """附表3 支出方向绩效目标表 of one project (子项)."""

    label: str
    title: str
    name: str
    budget: str
    fund_name: str
    fund_amount: str
    period: str
    period_goals: list[str]
    goals: list[str]
    indicators: list[StandardRow]
    expenses: list[Expense]
    expense_total: str


@dataclass(frozen=True)
class FubiaoContext:
    """Everything the 附表 templates print, in document order."""

    title: str
    money_unit: str
    signature: Signature
    department: DepartmentSheet
    summary: SummarySheet
    directions: list[DirectionSheet]


def build_context(filing: Filing, title: str | None = None) -> FubiaoContext:
    """The 附表1–3 of seed 003. Part of every layout's context (``department`` there is
    ``department_sheet``); ``title`` defaults to the one the 附表's manifest gives."""
    title = title if title is not None else document_title(filing, "fubiao")
    department = filing.department
    funds = _funds(filing)
    return FubiaoContext(
        title=title,
        money_unit=filing.money_unit,
        signature=Signature(
            department.signed_by or "", department.filled_by or "", department.phone or ""
        ),
        department=_department_sheet(filing),
        summary=_summary_sheet(filing, funds),
        directions=[
            _direction_sheet(filing, project, funds[_fund_name(project)])
            for project in filing.projects
        ],
    )


def _goals(project: Project) -> list[str]:
    """绩效目标 numbered 1. 2. …, after the unnumbered 引言 when there is one."""
    goals = [goal.strip() for goal in project.goals if goal.strip()]
    numbered = [f"{arabic_number(n)}{goal}" for n, goal in enumerate(goals, 1)]
    return paragraphs(project.goal_intro) + numbered if numbered else []


def _total(values) -> Decimal:
    return sum(values, ZERO)


def _department_sheet(filing: Filing) -> DepartmentSheet:
    budget = filing.department_budget or DepartmentBudget()
    project = budget.project if budget.project is not None else filing.project_total
    total = budget.total
    if total is None:
        income = [budget.general, budget.fund, budget.other]
        spending = [budget.basic, project]
        parts = income if any(part is not None for part in income) else spending
        total = _total(part for part in parts if part is not None)
    return DepartmentSheet(
        label="附表1",
        title=f"{filing.year}年部门整体支出绩效目标表",
        department=filing.department.name,
        total=amount(total),
        general=amount(budget.general),
        fund=amount(budget.fund),
        other=amount(budget.other),
        basic=amount(budget.basic),
        project=amount(project),
        duties=paragraphs(filing.duties),
        work_plan=[WorkRow(w.task, w.owner or "", w.goal or "") for w in filing.work_plan],
        indicators=standard_rows(indicator_rows(filing.department_indicators or {})),
    )


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


def _summary_sheet(filing: Filing, funds: dict[str, list[Project]]) -> SummarySheet:
    rows = []
    for number, (name, projects) in enumerate(funds.items(), 1):
        period_goals = [line for p in projects for line in paragraphs(p.period_goal)]
        rows.append(
            FundRow(
                number=chinese_number(number),
                name=name,
                amount=amount(_total(p.budget for p in projects)),
                period_goals=list(dict.fromkeys(period_goals)),
                goals=[line for p in projects for line in _goals(p)],
            )
        )
    return SummarySheet(
        label="附表2",
        title=f"{filing.year}年{_fund_level(filing)}专项资金绩效目标汇总表",
        total=amount(filing.project_total),
        funds=rows,
    )


def _direction_sheet(filing: Filing, project: Project, fund: list[Project]) -> DirectionSheet:
    details = project.expense_details
    return DirectionSheet(
        label="附表3",
        title=f"{filing.year}年{_fund_level(filing)}专项资金支出方向绩效目标表",
        name=project.name,
        budget=amount(project.budget),
        fund_name=_fund_name(project),
        fund_amount=amount(_total(p.budget for p in fund)),
        period=project.period or "",
        period_goals=paragraphs(project.period_goal),
        goals=_goals(project),
        indicators=standard_rows(indicator_rows(project.indicators)),
        expenses=[
            Expense(
                paragraphs(row.content),
                paragraphs(row.detail),
                amount(row.amount),
                paragraphs(row.basis),
            )
            for row in details
        ],
        expense_total=amount(_total(row.amount for row in details)),
    )


def standard_rows(rows: list[IndicatorRow]) -> list[StandardRow]:
    """Add the span of each 绩效标准 cell: equal consecutive values within one 二级 group
    share one merged cell, as in seed 003 (行业标准 once for all 数量指标)."""
    spans = [0] * len(rows)
    start = 0
    for index, row in enumerate(rows):
        same = index > start and not row.level2_span and row.standard == rows[start].standard
        if same:
            spans[start] += 1
        else:
            start = index
            spans[index] = 1
    rows = [
        StandardRow(**vars(row), standard_span=span) for row, span in zip(rows, spans, strict=True)
    ]
    return split_at(rows, set())


SPANS = ("level1_span", "level2_span", "standard_span")


def split_at(rows: list[StandardRow], starts: set[int]) -> list[StandardRow]:
    """The rows with every merged cell (一级, 二级, 绩效标准, and the section label) cut where a
    page starts (``starts``: indices of rows that begin a page). On the new page each merged cell
    starts again with its label: WeasyPrint leaves a cell spanning a page break blank and open
    at the page foot."""
    if not rows:
        return rows
    bounds = sorted({0, len(rows), *(i for i in starts if 0 < i < len(rows))})
    changes: list[dict] = [{} for _ in rows]
    for name in SPANS:
        for index, row in enumerate(rows):
            span = getattr(row, name)
            if not span:
                continue
            end = index + span
            cut = index
            for bound in [*(b for b in bounds if index < b < end), end]:
                changes[cut][name] = bound - cut
                for covered in range(cut + 1, bound):
                    changes[covered][name] = 0
                cut = bound
    for first, end in pairwise(bounds):
        changes[first]["section_span"] = end - first
        changes[first]["page_start"] = first > 0
    return [
        replace(row, **{"section_span": 0, "page_start": False, **change})
        for row, change in zip(rows, changes, strict=True)
    ]


def paged_pdf(context: dict, folder, render):
    """The PDF, laid out again (at most twice more) when an indicator table of 附表1 or 附表3
    crosses a page: its merged cells restart on the new page, labels repeated (``split_at``).
    A template opts in by giving each row of ``department_sheet.indicators`` and of each
    ``directions[].indicators`` the id ``t<N>-row<M>`` (N: 0 for 附表1, then each 附表3);
    ``render`` lays out a context and returns the PDF."""
    pdf = render(context)
    if not any(anchor.startswith("t0-row") for anchor in pdf.toc_pages):
        return pdf
    paged = context
    for _ in range(3):  # a page break moved by the labels repeated above it, at most twice
        tables = _indicator_tables(paged)
        starts = _page_starts(tables, pdf.toc_pages)
        if starts == [_starts_of(rows) for rows in tables]:
            break
        paged = _with_tables(
            paged,
            [
                split_at(rows, found | _starts_of(rows))
                for rows, found in zip(tables, starts, strict=True)
            ],
        )
        pdf = render(paged)
    return pdf


def _indicator_tables(context: dict) -> list[list[StandardRow]]:
    """The indicator rows of 附表1 and of each 附表3, in the order of their anchors."""
    sheets = [context["department_sheet"], *context["directions"]]
    return [[StandardRow(**row) for row in sheet["indicators"]] for sheet in sheets]


def _with_tables(context: dict, tables: list[list[StandardRow]]) -> dict:
    department, *directions = ([asdict(row) for row in rows] for rows in tables)
    return {
        **context,
        "department_sheet": {**context["department_sheet"], "indicators": department},
        "directions": [
            {**sheet, "indicators": rows}
            for sheet, rows in zip(context["directions"], directions, strict=True)
        ],
    }


def _page_starts(tables: list[list[StandardRow]], pages: dict[str, int]) -> list[set[int]]:
    """Per indicator table, the rows that begin a page in the PDF."""
    found = []
    for number, rows in enumerate(tables):
        page = [pages.get(f"t{number}-row{index}") for index in range(len(rows))]
        found.append(
            {i for i in range(1, len(page)) if page[i] is not None and page[i] != page[i - 1]}
            | _starts_of(rows)
        )
    return found


def _starts_of(rows: list[StandardRow]) -> set[int]:
    return {index for index, row in enumerate(rows) if row.page_start}
