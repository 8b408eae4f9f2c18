"""项目支出绩效目标公开表 (seed 002): one wide landscape table 单位编码 | 单位及项目名称 | 金额 |
绩效目标 | 绩效指标, the unit hierarchy with its computed totals, each project's indicators as a
nested outline inside one cell. Rendered as PDF, DOCX and XLSX (bureaus collect it as a sheet)."""

from __future__ import annotations

import itertools
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


def continued_pdf(context: dict, render, lay_out=None):
    """The PDF, laid out again (at most twice more) where a project's row goes on over a page:
    its goals and indicator lines on the next page move into a row of their own, named
    「名称（续）」 with the code and no amount, so a reader there sees which project it is. A
    template opts in by giving each goal and indicator line the id ``r<row>-g<N>`` /
    ``r<row>-i<N>``; ``render`` lays out a context and returns the PDF.

    A table of more than ``FIRST_WINDOW`` rows is paged first a window of rows at a time
    (``paged_rows``, with ``lay_out(context, from_first_mark)``: laid out but not written,
    ``render_pdf.Placed``), and every row that begins a page is marked to begin it
    (``page_start``): there the PDF is cut into parts (``pbgen.parts``), so that memory stays
    that of a window or a part, however long the table."""
    if lay_out is not None and len(context["rows"]) > FIRST_WINDOW:
        context = {**context, "rows": paged_rows(context, lay_out)}
    _, pdf = _continued(
        context["rows"], lambda rows: render({**context, "rows": rows}), lambda pdf: pdf.toc_pages
    )
    return pdf


def _continued(rows: list[dict], lay_out, pages_of):
    """The rows split where they go on over a page (``_split_rows``) and laid out again, at
    most three times, until none does; and their last layout (``pages_of`` it: each anchor's
    page). The rows as given when the template gives its lines no ids."""
    laid = lay_out(rows)
    if not any(LINE_ID.fullmatch(anchor) for anchor in pages_of(laid)):
        return rows, laid
    for _ in range(3):
        split = _split_rows(rows, pages_of(laid))
        if split == rows:
            break
        rows = split
        laid = lay_out(rows)
    return rows, laid


FIRST_WINDOW = 40  # rows paged at once at first; a table of no more is laid out whole
WINDOW_PAGES = 40  # pages each later window is sized for, from the rows a page held so far
ROW_ID = re.compile(r"r(\d+)")  # a row's (its <tbody>'s) id in the PDF template


def paged_rows(context: dict, lay_out) -> list[dict]:
    """The rows as ``_continued`` pages the whole table, found a window of rows at a time, so
    that no more than a window's pages are laid out at once.

    A page is laid out the same in any document, as long as the same rows begin it: its first
    row does not go on from the page before. So each window is laid out and its rows split on
    their own; the rows before its last page that begins with a row of its own are settled, and
    that row and those after it begin the next window, marked to begin a page (``page_start``),
    the window laid out from there on without the title, as a part of the PDF is
    (``pbgen.parts``). Every settled row that begins a page is marked ``page_start``: it begins it
    in the whole table too, so the PDF may be cut there. The rows as given when the template gives
    its rows no ids (``ROW_ID``)."""
    rows = context["rows"]
    settled, carry, at, size = [], [], 0, FIRST_WINDOW
    while True:
        window, placed = _continued(
            carry + rows[at : at + size],
            lambda window, later=bool(carry): lay_out({**context, "rows": window}, later),
            lambda placed: placed.anchors,
        )
        if not any(placed.row_groups):
            return rows
        starts = _page_starts(placed.row_groups)
        if at + size >= len(rows):
            return settled + _starting(window, starts)
        cut = max((start for start in starts if start > 0), default=0)
        if not cut:  # one row goes on over every page of the window: take more rows
            size *= 2
            continue
        settled += _starting(window[:cut], starts)
        carry = [{**window[cut], "page_start": True}, *window[cut + 1 :]]
        at += size
        rate = len(window) / len(placed.row_groups)
        size = max(1, round(WINDOW_PAGES * rate) - len(carry))


def _page_starts(row_groups: list[list[str]]) -> set[int]:
    """The rows (their index) that begin a page, not going on from the page before."""
    starts = set()
    for before, page in itertools.pairwise(row_groups):
        row = ROW_ID.fullmatch(page[0]) if page and page[0] not in before else None
        if row:
            starts.add(int(row[1]))
    return starts


def _starting(rows: list[dict], starts: set[int]) -> list[dict]:
    """The rows, each that begins a page marked to (``page_start``)."""
    return [{**row, "page_start": True} if n in starts else row for n, row in enumerate(rows)]


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
