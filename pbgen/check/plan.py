"""资金支出计划: cumulative percentages, within 0–100, never decreasing, 100 by 12月底."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from pbgen.check.registry import Issue, Param, rule
from pbgen.check.walk import money, projects
from pbgen.framework import Framework
from pbgen.model import Filing

HUNDRED = Decimal(100)


def _plans(filing: Filing):
    for path, project in projects(filing):
        if project.spending_plan is not None:
            yield (*path, "spending_plan"), project.spending_plan.entries()


@rule("plan-range", "error", "资金支出计划的百分数在 0 到 100 之间")
def plan_range(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, entries in _plans(filing):
        for month, share in entries:
            if share is not None and not 0 <= share <= HUNDRED:
                yield Issue(
                    (*path, month), f"{month} 的支出进度 {money(share)}% 不在 0–100% 之间：请改正。"
                )


@rule("plan-decreasing", "error", "资金支出计划是累计进度，不能后面比前面小")
def plan_decreasing(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, entries in _plans(filing):
        given = [(month, share) for month, share in entries if share is not None]
        for (before, earlier), (month, later) in itertools.pairwise(given):
            if later < earlier:
                yield Issue(
                    (*path, month),
                    f"{month} 的累计进度 {money(later)}% 小于 {before} 的 {money(earlier)}%："
                    "资金支出计划填的是到该月底累计支出的比例，应逐月不减。",
                )


@rule("plan-incomplete", "error", "资金支出计划到 12月底 累计 100%")
def plan_incomplete(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, entries in _plans(filing):
        given = [(month, share) for month, share in entries if share is not None]
        if not given:
            yield Issue(path, "资金支出计划是空的：请填写各时点的累计支出比例，12月底为 100%。")
            continue
        month, last = given[-1]
        if last == HUNDRED:
            continue
        shares = [share for _, share in given]
        message = f"累计支出进度到{month}只有 {money(last)}%，全年应达到 100%。"
        if len(shares) > 1 and len(set(shares)) == 1:
            message += (
                f"各时点都填了 {money(last)}%（相加为 {money(sum(shares))}%），像是各期占比："
                "请改为累计数，如 30%、60%、90%、100%。"
            )
        elif entries[-1][1] is None:
            message += "请补上 12月底（100%）。"
        else:
            message += "请改正各时点的累计比例。"
        yield Issue((*path, month), message)


def _no_lower_pace(new: dict, old: dict) -> bool:
    """A pace is as strict when each old minimum is kept or raised."""
    return all(month in new and new[month] >= share for month, share in old.items())


MONTHS = Literal["3月底", "6月底", "10月底", "12月底"]


@rule(
    "plan-pace",
    "warning",
    "资金支出计划不低于财政局要求的序时进度（由 kit 设定，如 6月底 50%）",
    minimum=Param(
        dict[MONTHS, Annotated[Decimal, Field(ge=0, le=100)]],
        {},
        "各时点累计支出进度的下限（%），如 {6月底: 50, 10月底: 80}；不设则不检查",
        _no_lower_pace,
    ),
)
def plan_pace(filing: Filing, framework: Framework, *, minimum) -> Iterator[Issue]:
    if not minimum:
        return
    for path, entries in _plans(filing):
        for month, share in entries:
            wanted = minimum.get(month)
            if wanted is None:
                continue
            if share is None:
                yield Issue(
                    (*path, month), f"{month} 要求累计支出不低于 {money(wanted)}%：请填写。"
                )
            elif share < wanted:
                yield Issue(
                    (*path, month),
                    f"{month} 累计支出进度 {money(share)}% 低于要求的 {money(wanted)}%："
                    "请调整支出计划，或说明原因。",
                )
