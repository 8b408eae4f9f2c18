"""The indicator framework and the 指标值 of every 三级 row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from pbgen.check.registry import Issue, rule
from pbgen.check.walk import (
    all_rows,
    in_period_tree,
    indicator_trees,
    is_placeholder,
    money,
    projects,
)
from pbgen.errors import PbgenError
from pbgen.framework import Framework
from pbgen.layouts import find_layout
from pbgen.manifest import normalize
from pbgen.model import Filing, Indicator
from pbgen.values import MONEY_UNITS, parse_quantity, years_named

RATE = re.compile(r"率|满意度|覆盖|达标")


def _names(framework: Framework) -> str:
    return "、".join(framework.levels)


@rule("indicator-level1", "error", "一级指标须属于所选指标体系")
def level1(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for tree_path, tree, _ in indicator_trees(filing):
        for name in tree:
            canonical = framework.canonical(name)
            if canonical in framework.levels:
                continue
            home = framework.home_of(canonical)
            hint = (
                f"「{name}」是{home}下的二级指标，请移到 {home} 之下。"
                if home
                else f"{framework.title}的一级指标只有 {_names(framework)}。"
            )
            yield Issue((*tree_path, name), f"一级指标「{name}」不在指标体系中：{hint}")


@rule("indicator-level2", "error", "二级指标须属于它所在的一级指标")
def level2(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for tree_path, tree, _ in indicator_trees(filing):
        for name1, groups in tree.items():
            level1_name = framework.canonical(name1)
            if level1_name not in framework.levels:
                continue  # reported by indicator-level1
            for name2 in groups:
                canonical = framework.canonical(name2)
                if canonical in framework.levels[level1_name]:
                    continue
                home = framework.home_of(canonical)
                if canonical in framework.levels:
                    hint = f"在{framework.title}中「{canonical}」是一级指标，请把它移到一级。"
                elif home:
                    hint = f"它属于 {home}，请移过去。"
                else:
                    allowed = "、".join(framework.levels[level1_name])
                    hint = f"{level1_name}下的二级指标只有 {allowed}。"
                yield Issue(
                    (*tree_path, name1, name2), f"二级指标「{name2}」不属于 {level1_name}：{hint}"
                )


@rule("indicator-alias", "warning", "旧称或别称的指标名称，应改用标准名称")
def alias(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for tree_path, tree, _ in indicator_trees(filing):
        for name1, groups in tree.items():
            names = [((*tree_path, name1), name1)]
            names += [((*tree_path, name1, name2), name2) for name2 in groups]
            for path, name in names:
                if name in framework.aliases:
                    yield Issue(
                        path,
                        f"「{name}」是旧称，{framework.title}中称为"
                        f"「{framework.aliases[name]}」：请改用标准名称。",
                    )


@rule("indicator-required", "error", "每个项目至少有一条产出、效益、满意度指标（年度、实施期各自）")
def required(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for tree_path, tree, project in indicator_trees(filing):
        if project is None:
            continue
        present = {
            framework.canonical(name1) for name1, groups in tree.items() if any(groups.values())
        }
        missing = [name for name in framework.required if name not in present]
        if missing:
            yield Issue(
                tree_path,
                f"缺少{'、'.join(missing)}：每个项目至少要有一条"
                f"{'、'.join(framework.required)}下的三级指标。",
            )


@rule("indicator-misfiled", "warning", "三级指标的内容与所在二级指标不符")
def misfiled(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, name2, indicator), _ in all_rows(filing):
        if is_placeholder(indicator.name):
            continue  # not written yet: the placeholder rule says so
        heading = framework.canonical(name2)
        own = framework.kinds.get(heading)
        if own is not None and own.search(indicator.name):
            continue
        quantity = parse_quantity(indicator.value)
        is_money = quantity is not None and quantity.in_yuan() is not None
        kinds = [kind for kind in framework.kinds_of(indicator.name, is_money) if kind != heading]
        if kinds:
            yield Issue(
                path,
                f"「{indicator.name}」看起来是{kinds[0]}，却填在{name2}下："
                f"请移到 {kinds[0]} 之下，或改写指标。",
            )
        elif heading in framework.exclusive:
            yield Issue(
                path,
                f"「{indicator.name}」不是{heading.removesuffix('指标')}类指标，"
                f"却填在{name2}下：请移到合适的二级指标下。",
            )


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


@rule("value-empty", "error", "指标值不能为空")
def value_empty(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        if _blank(indicator.value):
            yield Issue(
                (*path, "value"),
                f"「{indicator.name}」没有指标值：请填写可衡量的目标，"
                "如「≥95%」「≥3次」「2024年12月31日前完成」。",
            )


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and "".join(a.split()) == "".join(b.split())


@rule("value-repeats-name", "error", "指标值不能只是重复指标名称")
def value_repeats_name(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        if is_placeholder(indicator.value):
            continue  # not written yet: the placeholder rule says so
        if _same(indicator.value, indicator.name) or _same(indicator.value, indicator.description):
            yield Issue(
                (*path, "value"),
                f"指标值「{indicator.value}」只是重复了指标名称，没有给出目标："
                "请填写可衡量的值，如「≥2个」。",
            )


@rule("value-percent", "error", "百分数在 0 到 100 之间")
def value_percent(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        quantity = parse_quantity(indicator.value)
        if quantity and quantity.is_percent and quantity.number > 100:
            yield Issue(
                (*path, "value"), f"「{indicator.value}」超过了 100%：比率最高为 100%，请改正。"
            )


@rule("value-unit", "warning", "比率、满意度的指标值要带 %")
def value_unit(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        quantity = parse_quantity(indicator.value)
        if (
            quantity
            and not quantity.unit
            and RATE.search(indicator.name)
            and not framework.lower_is_better.search(indicator.name)
        ):
            yield Issue(
                (*path, "value"),
                f"「{indicator.name}」是比率，指标值「{indicator.value}」却没有单位："
                f"请写成「{indicator.value.strip()}%」。",
            )


@rule("value-direction", "warning", "完成率、满意度一类越高越好的指标不应写「≤」")
def value_direction(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        quantity = parse_quantity(indicator.value)
        if quantity is None or quantity.comparator not in ("≤", "<"):
            continue
        if framework.lower_is_better.search(indicator.name):
            continue
        if quantity.is_percent or RATE.search(indicator.name):
            better = indicator.value.replace("≤", "≥").replace("<", ">")
            yield Issue(
                (*path, "value"),
                f"「{indicator.name}」越高越好，指标值却是「{indicator.value}」（不超过）："
                f"是不是应为「{better}」？",
            )


def _yuan(amount: Decimal, unit: str) -> Decimal:
    return amount * MONEY_UNITS[unit]


def _cost_limit(filing: Filing, project, path) -> tuple[Decimal | None, str]:
    """What a cost may not exceed: the project's 预算数, over the 实施期 its 资金总额 (when
    given), the department's 资金总额 for its own indicators."""
    if project is None:
        budget = filing.department_budget
        return (budget.total if budget else None), "资金总额"
    if in_period_tree(path):
        return (project.funds.total if project.funds else None), "项目实施期资金总额"
    return project.budget, "项目预算数"


@rule("value-cost", "error", "成本指标的金额不超过预算数（换算元、万元）")
def value_cost(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), project in all_rows(filing):
        quantity = parse_quantity(indicator.value)
        amount = quantity.in_yuan() if quantity else None
        if amount is None or quantity.comparator in (">", "≥"):
            continue
        budget, what = _cost_limit(filing, project, path)
        if budget is None:
            continue
        limit = _yuan(budget, filing.money_unit)
        if amount > limit:
            owner = f"{what} {money(budget)}{filing.money_unit}"
            yield Issue(
                (*path, "value"),
                f"成本「{indicator.value}」超过了{owner}：请检查金额或单位（元/万元）。",
            )


@rule("value-year", "warning", "年度指标值中的年份应是预算年度")
def value_year(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for (path, _, _, indicator), _ in all_rows(filing):
        if in_period_tree(path):
            continue  # a 中期/长期 target may name any year of the 实施期
        wrong = [year for year in years_named(indicator.value) if year != filing.year]
        if wrong:
            yield Issue(
                (*path, "value"),
                f"「{indicator.value}」写的是 {wrong[0]} 年，本文件是 {filing.year} 年预算："
                "是不是沿用了往年的文本？",
            )


@rule("basis-empty", "warning", "绩效目标表中的指标值确定依据要填写")
def basis_empty(filing: Filing, framework: Framework) -> Iterator[Issue]:
    if not _prints_basis(filing.layout):
        return  # only a layout with the 指标值确定依据 column (绩效文本) asks for it
    for path, project in projects(filing):
        empty = [row for _, _, _, row in project.all_indicators() if _blank(row.basis)]
        if empty:
            names = "、".join(_name(row) for row in empty[:3]) + ("等" if len(empty) > 3 else "")
            yield Issue(
                (*path, "indicators"),
                f"{len(empty)} 条指标没有指标值确定依据（{names}）："
                "请写明依据，如「年初工作计划」「历史标准」「行业标准」。",
            )


def _prints_basis(name: str) -> bool:
    """Whether the layout ``name`` (id, Chinese name or alias) prints 指标值确定依据."""
    try:
        layout = find_layout(name)
    except PbgenError:
        return False  # reported by the layout finding
    basis = normalize("projects[].indicators[].basis")
    return any(normalize(p) == basis for p in layout.manifest.prints if isinstance(p, str))


def _name(row: Indicator) -> str:
    return f"「{row.name}」"
