"""A document in two parts with a 目录 (the structure of seeds 000, 001, 004): a cover, 第一部分
部门整体绩效目标 as running text (总体绩效目标, 分项绩效目标, 工作保障措施, numbered 一、（一）1.),
第二部分 预算项目绩效目标 listing each project's table, and the ``toc`` of them all.

The section ``outline`` of a manifest's ``sections``: cover, toc, part1, part1_blocks, part2."""

from __future__ import annotations

from pbgen.context.indicators import indicator_summary
from pbgen.context.numbering import arabic_number, bracket_number, section_number
from pbgen.context.projects import plain_goals, unit_projects
from pbgen.context.text import joined, paragraphs, sentence
from pbgen.model import Filing, TitledText


def block(kind: str, text: str, lead: str = "", anchor: str = "") -> dict:
    """One paragraph of running text.

    kind: ``h1`` (一、 heading, 黑体), ``h2`` (（一） heading, 楷体), ``h3`` (1. heading, 仿宋
    bold), ``label`` (a body line that introduces what follows, 职责分类目标：, kept on its
    page) or ``p`` (body). ``lead`` is an inline heading printed before ``text`` in the same
    paragraph (（一）加强党建引领。 in 楷体, then the body). ``anchor`` marks a 目录 target.
    """
    return {"kind": kind, "text": text, "lead": lead, "anchor": anchor}


def outline(filing: Filing, context: dict) -> dict:
    """cover, toc, part1 with its blocks, part2; the 目录 lists the parts, 第一部分's sections
    and each project's table (``projects[].title``, ``projects[].anchor``)."""
    anchors = (f"_Toc_pbgen_{n}" for n in range(1, 1_000_000))
    toc: list[dict] = []

    part1 = _part("第一部分", "部门整体绩效目标", next(anchors))
    toc.append(_entry(1, f"{part1['number']} {part1['title']}", part1["anchor"]))
    blocks: list[dict] = []
    sections = [
        ("总体绩效目标", _overall_goal_blocks(filing)),
        ("分项绩效目标", _sub_goal_blocks(filing)),
        ("工作保障措施", _safeguard_blocks(filing)),
    ]
    for index, (name, body) in enumerate(sections, 1):
        heading = block("h1", f"{section_number(index)}{name}", anchor=next(anchors))
        toc.append(_entry(2, heading["text"], heading["anchor"]))
        blocks += [heading, *(_label(item) for item in body)]

    part2 = _part("第二部分", "预算项目绩效目标", next(anchors))
    toc.append(_entry(1, f"{part2['number']} {part2['title']}", part2["anchor"]))
    toc += [_entry(2, project["title"], project["anchor"]) for project in context["projects"]]

    department = filing.department
    cover_lines = [line for line in (department.compiled_by, department.reviewed_by) if line]
    return {
        "cover": {"title": context["title"], "lines": cover_lines} if cover_lines else None,
        "toc": toc,
        "part1": part1,
        "part1_blocks": blocks,
        "part2": part2,
    }


def _part(number: str, title: str, anchor: str) -> dict:
    return {"number": number, "title": title, "anchor": anchor}


def _entry(level: int, text: str, anchor: str) -> dict:
    """A 目录 entry: level 1 a part, 2 a section or a table."""
    return {"level": level, "text": text, "anchor": anchor}


def _label(item: dict) -> dict:
    """A body paragraph ending in a colon (「具体措施如下：」) introduces the next: a label, which
    both formats keep on the page of what follows."""
    if item["kind"] == "p" and not item["lead"] and item["text"].rstrip().endswith(("：", ":")):
        return {**item, "kind": "label"}
    return item


def _overall_goal_blocks(filing: Filing) -> list[dict]:
    goal = filing.overall_goal
    if goal is None:
        return []
    blocks = [block("p", text) for text in paragraphs(goal.text)]
    blocks += _titled(goal.items)
    if goal.duty_goals:
        duty = goal.duty_goals
        blocks.append(block("label", f"{duty.title.rstrip('：:')}："))
        blocks += [block("p", text) for text in paragraphs(duty.intro)]
        for n, item in enumerate(duty.items, 1):
            blocks.append(block("h3", f"{arabic_number(n)}{item.title}"))
            blocks += [block("p", text) for text in paragraphs(item.text)]
    return blocks


def _titled(items: list[TitledText]) -> list[dict]:
    """（一）标题。正文 — the title as a lead-in of its first paragraph."""
    blocks = []
    for n, item in enumerate(items, 1):
        body = paragraphs(item.text) or [""]
        blocks.append(block("p", body[0], lead=f"{bracket_number(n)}{sentence(item.title)}"))
        blocks += [block("p", text) for text in body[1:]]
    return blocks


def _heading(section) -> list[dict]:
    """A section's own （一） heading, when it has one."""
    return [block("h2", section.heading)] if section.heading else []


def _sub_goal_blocks(filing: Filing) -> list[dict]:
    sub = filing.sub_goals
    if sub is None:
        return []
    blocks = _heading(sub) + [block("p", text) for text in paragraphs(sub.intro)]
    blocks += _titled(sub.items)
    for n, duty in enumerate(sub.duties, 1):
        blocks.append(block("h3", f"{arabic_number(n)}{duty.name}"))
        for prefix, text in (
            ("主要职责是", duty.responsibility),
            ("职责目标是", duty.duty_goal),
            ("绩效目标是", duty.goal),
            ("绩效指标是", duty.indicators),
            ("绩效标准：", duty.standard),
        ):
            lines = paragraphs(text)
            if lines:
                blocks.append(block("p", prefix + lines[0]))
                blocks += [block("p", line) for line in lines[1:]]
    if sub.from_projects:
        for n, (_, project) in enumerate(unit_projects(filing), 1):
            blocks.append(block("h3", f"{arabic_number(n)}{project.name}"))
            blocks.append(block("p", joined(plain_goals(project)), lead="绩效目标："))
            summary = joined(indicator_summary(project.indicators))
            blocks.append(block("p", summary, lead="绩效指标："))
    return blocks


def _safeguard_blocks(filing: Filing) -> list[dict]:
    safeguards = filing.safeguards
    if safeguards is None:
        return []
    blocks = _heading(safeguards)
    for n, item in enumerate(safeguards.items, 1):
        lines = paragraphs(item) or [""]
        first = f"{arabic_number(n)}{lines[0]}" if safeguards.numbered else lines[0]
        blocks += [block("p", first), *(block("p", line) for line in lines[1:])]
    return blocks
