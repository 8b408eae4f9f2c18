"""绩效文本 (seeds 000, 001, 004): cover, 目录, 第一部分 部门整体绩效目标, 第二部分 one
绩效目标表 per project. What the layout needs and its context (the DOCX 目录 carries the DOCX's
own page numbers: ``render_docx.render_docx_paged``)."""

from __future__ import annotations

from dataclasses import dataclass

from pbgen.context import (
    CLOSING_PUNCTUATION,
    Block,
    IndicatorRow,
    amount,
    arabic_number,
    bracket_number,
    document_title,
    indicator_rows,
    paragraphs,
    section_number,
    sentence,
)
from pbgen.model import Filing, Project, SpendingPlan, TitledText


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1: 第一部分/第二部分, 2: 一、… and each 绩效目标表
    text: str
    anchor: str


@dataclass(frozen=True)
class ProjectTable:
    """One 绩效目标表 of 第二部分."""

    number: int
    title: str
    anchor: str
    unit_label: str
    money_unit: str
    code: str
    name: str
    budget: str
    fiscal: str
    other: str
    purpose: str
    plan: list[tuple[str, str]]
    goal_intro: str
    goals: list[str]
    indicators: list[IndicatorRow]


@dataclass(frozen=True)
class Cover:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class Part:
    number: str  # 第一部分
    title: str  # 部门整体绩效目标
    anchor: str


@dataclass(frozen=True)
class WenbenContext:
    """Everything the 绩效文本 templates print, in document order."""

    title: str
    cover: Cover | None
    toc: list[TocEntry]
    part1: Part
    part1_blocks: list[Block]
    part2: Part
    projects: list[ProjectTable]
    money_unit: str


def build_context(filing: Filing, title: str | None = None) -> WenbenContext:
    """The 绩效文本's structure (seeds 000, 001, 004): cover, 目录, 第一部分's blocks, one table
    per project. Part of every layout's context (``pbgen.context``); a section the filing
    lacks is empty. ``title`` defaults to the one the 绩效文本's manifest gives."""
    title = title if title is not None else document_title(filing, "wenben")
    anchors = _Anchors()
    toc: list[TocEntry] = []

    part1 = Part("第一部分", "部门整体绩效目标", anchors.next())
    toc.append(TocEntry(1, f"{part1.number} {part1.title}", part1.anchor))
    blocks: list[Block] = []
    sections = [
        ("总体绩效目标", _overall_goal_blocks(filing)),
        ("分项绩效目标", _sub_goal_blocks(filing)),
        ("工作保障措施", _safeguard_blocks(filing)),
    ]
    for index, (name, body) in enumerate(sections, 1):
        heading = Block("h1", f"{section_number(index)}{name}", anchor=anchors.next())
        toc.append(TocEntry(2, heading.text, heading.anchor))
        blocks += [heading, *(_label(block) for block in body)]

    part2 = Part("第二部分", "预算项目绩效目标", anchors.next())
    toc.append(TocEntry(1, f"{part2.number} {part2.title}", part2.anchor))
    tables = []
    for number, (unit, project) in enumerate(_unit_projects(filing), 1):
        table = _project_table(number, unit, project, filing.money_unit, anchors.next())
        toc.append(TocEntry(2, table.title, table.anchor))
        tables.append(table)

    department = filing.department
    cover_lines = [line for line in (department.compiled_by, department.reviewed_by) if line]
    return WenbenContext(
        title=title,
        cover=Cover(title, cover_lines) if cover_lines else None,
        toc=toc,
        part1=part1,
        part1_blocks=blocks,
        part2=part2,
        projects=tables,
        money_unit=filing.money_unit,
    )


class _Anchors:
    """Bookmark names for 目录 targets: _Toc_pbgen_1, _Toc_pbgen_2, … (Word's TOC convention)."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"_Toc_pbgen_{self.count}"


def _label(block: Block) -> Block:
    """A body paragraph ending in a colon (「具体措施如下：」) introduces the next: a label, which
    both formats keep on the page of what follows."""
    if block.kind == "p" and not block.lead and block.text.rstrip().endswith(("：", ":")):
        return Block("label", block.text, anchor=block.anchor)
    return block


def _overall_goal_blocks(filing: Filing) -> list[Block]:
    goal = filing.overall_goal
    if goal is None:
        return []
    blocks = [Block("p", text) for text in paragraphs(goal.text)]
    blocks += _titled(goal.items, bracket_number)
    if goal.duty_goals:
        duty = goal.duty_goals
        blocks.append(Block("label", f"{duty.title.rstrip('：:')}："))
        blocks += [Block("p", text) for text in paragraphs(duty.intro)]
        for n, item in enumerate(duty.items, 1):
            blocks.append(Block("h3", f"{arabic_number(n)}{item.title}"))
            blocks += [Block("p", text) for text in paragraphs(item.text)]
    return blocks


def _titled(items: list[TitledText], number) -> list[Block]:
    """（一）标题。正文 — the title as a lead-in of its first paragraph."""
    blocks = []
    for n, item in enumerate(items, 1):
        body = paragraphs(item.text) or [""]
        blocks.append(Block("p", body[0], lead=f"{number(n)}{sentence(item.title)}"))
        blocks += [Block("p", text) for text in body[1:]]
    return blocks


def _sub_goal_blocks(filing: Filing) -> list[Block]:
    sub = filing.sub_goals
    if sub is None:
        return []
    blocks = [Block("h2", sub.heading)] if sub.heading else []
    blocks += [Block("p", text) for text in paragraphs(sub.intro)]
    blocks += _titled(sub.items, bracket_number)
    for n, duty in enumerate(sub.duties, 1):
        blocks.append(Block("h3", f"{arabic_number(n)}{duty.name}"))
        for prefix, text in (
            ("主要职责是", duty.responsibility),
            ("职责目标是", duty.duty_goal),
            ("绩效目标是", duty.goal),
            ("绩效指标是", duty.indicators),
            ("绩效标准：", duty.standard),
        ):
            lines = paragraphs(text)
            if lines:
                blocks.append(Block("p", prefix + lines[0]))
                blocks += [Block("p", line) for line in lines[1:]]
    if sub.from_projects:
        for n, (_, project) in enumerate(_unit_projects(filing), 1):
            blocks.append(Block("h3", f"{arabic_number(n)}{project.name}"))
            blocks.append(Block("p", _joined(project.goals), lead="绩效目标："))
            blocks.append(Block("p", _joined(_indicator_summary(project)), lead="绩效指标："))
    return blocks


def _joined(parts: list[str]) -> str:
    """Items as one sentence: 甲；乙；丙。"""
    cleaned = [part.strip().rstrip(CLOSING_PUNCTUATION) for part in parts if part.strip()]
    return "；".join(cleaned) + "。" if cleaned else ""


def _indicator_summary(project: Project) -> list[str]:
    """Each 三级 row as 「名称值」: 举办招商引资活动数量≥13场."""
    summary = []
    for _, _, _, row in project.all_indicators():
        value = (row.value or "").strip()
        glue = "" if not value or value[0] in "≥≤><=＞＜0123456789" else "："
        summary.append(f"{row.name}{glue}{value}")
    return summary


def _safeguard_blocks(filing: Filing) -> list[Block]:
    safeguards = filing.safeguards
    if safeguards is None:
        return []
    blocks = [Block("h2", safeguards.heading)] if safeguards.heading else []
    for n, item in enumerate(safeguards.items, 1):
        lines = paragraphs(item) or [""]
        first = f"{arabic_number(n)}{lines[0]}" if safeguards.numbered else lines[0]
        blocks += [Block("p", first), *(Block("p", line) for line in lines[1:])]
    return blocks


def _unit_projects(filing: Filing):
    return [(unit, project) for unit in filing.units for project in unit.projects]


def _project_table(number: int, unit, project: Project, money_unit: str, anchor: str):
    # without a plan, the four months with blank shares: the table keeps its columns
    plan = (project.spending_plan or SpendingPlan()).entries()
    goals = [goal.strip() for goal in project.goals if goal.strip()]
    return ProjectTable(
        number=number,
        title=f"{arabic_number(number)}{project.name}绩效目标表",
        anchor=anchor,
        unit_label=f"{unit.code or ''}{unit.name}",
        money_unit=money_unit,
        code=project.code or "",
        name=project.name,
        budget=amount(project.budget),
        fiscal=amount(project.fiscal),
        other=amount(project.other),
        purpose=project.purpose or "",
        plan=[(month, "" if share is None else f"{share:f}%") for month, share in plan],
        goal_intro=project.goal_intro or "",
        goals=[f"{arabic_number(n)}{goal}" for n, goal in enumerate(goals, 1)],
        indicators=indicator_rows(project.indicators),
    )


wenben_context = build_context
