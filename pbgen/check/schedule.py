"""实施进度计划 within 项目起止时间: each step starts and ends inside the project's period."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pbgen.check.registry import Issue, rule
from pbgen.check.walk import projects
from pbgen.framework import Framework
from pbgen.model import Filing, Period

# 2024年3月, 2024年3月15日, 2024-03, 2024-03-15, 2024.3, 2024/3/15, 2024年 (a whole year)
DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})\s*(?:月|[-./]|日|号|$))?")


def month_of(text: str | None, end: bool = False) -> tuple[int, int] | None:
    """(year, month) of a date as clerks write it; a bare year counts as its January (or, for
    an end, its December). None when the text names no date."""
    match = DATE.search(text or "")
    if match is None:
        return None
    year, month = int(match[1]), match[2]
    if month is None or not 1 <= int(month) <= 12:
        return (year, 12 if end else 1)
    return (year, int(month))


def _shown(month: tuple[int, int]) -> str:
    return f"{month[0]}年{month[1]}月"


@rule("schedule-period", "error", "实施进度计划的时间在项目起止时间之内")
def schedule_period(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, project in projects(filing):
        if not isinstance(project.period, Period) or not project.schedule:
            continue
        start, end = month_of(project.period.start), month_of(project.period.end, end=True)
        if start is None or end is None:
            continue
        span = f"项目起止时间 {project.period.start}至{project.period.end}"
        for index, step in enumerate(project.schedule):
            begins, ends = month_of(step.start), month_of(step.end, end=True)
            if begins is not None and begins < start:
                yield Issue(
                    (*path, "schedule", index, "start"),
                    f"「{step.task}」{_shown(begins)}开始，早于{span}：请改正时间，或改项目起止时间。",
                )
            if ends is not None and ends > end:
                yield Issue(
                    (*path, "schedule", index, "end"),
                    f"「{step.task}」{_shown(ends)}完成，晚于{span}：请改正时间，或改项目起止时间。",
                )
