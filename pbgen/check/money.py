"""Money adds up: splits, unit and department totals, 支出明细, arithmetic, precision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from pbgen.check.registry import Issue, rule
from pbgen.check.tables import amount as cell_amount
from pbgen.check.tables import declared
from pbgen.check.walk import money, projects
from pbgen.framework import Framework
from pbgen.kit import Kit
from pbgen.model import Filing

ZERO = Decimal(0)
DECIMALS_ALLOWED = {"万元": 6, "元": 2}  # both are exact to the fen (0.01 元)


@rule("budget-split", "error", "财政资金 + 其他资金 = 预算数")
def budget_split(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, project in projects(filing):
        if project.fiscal is None and project.other is None:
            continue
        parts = (project.fiscal or ZERO) + (project.other or ZERO)
        if parts != project.budget:
            yield Issue(
                (*path, "budget"),
                f"财政资金 {money(project.fiscal or ZERO)} + 其他资金 "
                f"{money(project.other or ZERO)} = {money(parts)}，与预算数 "
                f"{money(project.budget)} 不符：请改正其中一项。",
            )


@rule("unit-total", "error", "单位合计 = 各项目预算数之和")
def unit_total(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for u, unit in enumerate(filing.units):
        if unit.total is not None and unit.total != unit.project_total:
            yield Issue(
                ("units", u, "total"),
                f"填写的合计 {money(unit.total)} 与各项目预算数之和 "
                f"{money(unit.project_total)} 不符：请核对项目金额，或删去合计让 pbgen 计算。",
            )


@rule(
    "department-budget",
    "error",
    "资金总额 = 按收入分之和 = 基本支出 + 项目支出；项目支出 = 各项目之和",
)
def department_budget(filing: Filing, framework: Framework) -> Iterator[Issue]:
    budget = filing.department_budget
    if budget is None:
        return
    path = ("department_budget",)
    project = budget.project if budget.project is not None else filing.project_total
    # a department-level filing lists no projects: its 项目支出 stands as written
    if budget.project is not None and filing.projects and budget.project != filing.project_total:
        yield Issue(
            (*path, "project"),
            f"项目支出 {money(budget.project)} 与各项目预算数之和 "
            f"{money(filing.project_total)} 不符：请核对。",
        )
    income = [budget.general, budget.fund, budget.other]
    if budget.total is None:
        return
    if any(part is not None for part in income):
        income_sum = sum((part or ZERO for part in income), ZERO)
        if income_sum != budget.total:
            yield Issue(
                (*path, "total"),
                f"资金总额 {money(budget.total)} 与按收入性质分之和（一般公共预算拨款 + "
                f"政府性基金拨款 + 其他资金 = {money(income_sum)}）不符：请核对。",
            )
    if budget.basic is not None:
        spending = budget.basic + project
        if spending != budget.total:
            yield Issue(
                (*path, "total"),
                f"资金总额 {money(budget.total)} 与按支出性质分之和（基本支出 "
                f"{money(budget.basic)} + 项目支出 {money(project)} = {money(spending)}）"
                "不符：请核对。",
            )


FORMULA = re.compile(
    r"(?P<a>\d+(?:\.\d+)?)\s*(?P<ua>万?元)?\s*[*×xX]\s*(?P<b>\d+(?:\.\d+)?)\s*[^\d=＝]{0,3}"
    r"\s*[=＝]\s*(?P<c>\d+(?:\.\d+)?)\s*(?P<uc>万?元)?"
)


def formula_errors(text: str | None) -> Iterator[str]:
    """What is wrong with each 单价 × 数量 = 金额 written in ``text``."""
    for match in FORMULA.finditer(text or ""):
        product = Decimal(match["a"]) * Decimal(match["b"])
        if product != Decimal(match["c"]):
            yield (
                f"算式「{match[0].strip()}」算错了：{match['a']} × {match['b']} = "
                f"{money(product)}，请改正。"
            )


@rule("arithmetic", "error", "测算说明中的算式（单价 × 数量 = 金额）要算对")
def arithmetic(filing: Filing, framework: Framework, *, kit: Kit) -> Iterator[Issue]:
    for place, key, spec, table in declared(filing, kit):
        formulas = [column.key for column in spec.columns if column.type == "formula"]
        for index, row in enumerate(table.rows):
            for column in formulas:
                for message in formula_errors(row.get(column)):
                    yield Issue((*place.path, "tables", key, "rows", index, column), message)


@rule("money-precision", "error", "金额的小数位不超过到分（万元 6 位，元 2 位）")
def money_precision(filing: Filing, framework: Framework, *, kit: Kit) -> Iterator[Issue]:
    allowed = DECIMALS_ALLOWED[filing.money_unit]
    for path, project in projects(filing):
        amounts = [("budget", project.budget), ("fiscal", project.fiscal), ("other", project.other)]
        for key, amount in amounts:
            if _too_fine(amount, allowed):
                where = key if isinstance(key, tuple) else (key,)
                yield Issue(
                    (*path, *where),
                    f"{money(amount)}{filing.money_unit} 的小数超过了「分」（{filing.money_unit}"
                    f"最多 {allowed} 位小数）：请检查金额单位或小数点。",
                )

    for place, key, spec, table in declared(filing, kit):
        cells = [
            (("rows", index, column.key), text)
            for index, row in enumerate(table.rows)
            for column in spec.columns
            if column.type == "money" and (text := row.get(column.key))
        ]
        cells += [(("total", k), text) for k, text in (table.total or {}).items() if text]
        for where, text in cells:
            if _too_fine(cell_amount(text), allowed):
                yield Issue(
                    (*place.path, "tables", key, *where),
                    f"{text.strip()}{filing.money_unit} 的小数超过了「分」（{filing.money_unit}"
                    f"最多 {allowed} 位小数）：请检查金额单位或小数点。",
                )


def _too_fine(amount: Decimal | None, allowed: int) -> bool:
    return amount is not None and -amount.as_tuple().exponent > allowed


def _sum(values) -> Decimal | None:
    """The sum of the amounts given, None when none is."""
    given = [value for value in values if value is not None]
    return sum(given, ZERO) if given else None


@rule("funds-split", "error", "项目资金：各来源相加等于总额，当年不超过实施期")
def funds_split(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, project in projects(filing):
        funds = project.funds
        if funds is None:
            continue
        where = (*path, "funds")
        parts = [funds.own, funds.business, funds.operating, *funds.named.values()]
        fiscal_parts = [funds.fiscal_upper, funds.fiscal_local]
        # (place, the whole, its parts, what the sentence calls them, exact or at most)
        sums = [
            ("total", funds.total, [funds.fiscal, funds.other], "财政拨款 + 其他资金", True),
            ("fiscal", funds.fiscal, [p and p.total for p in fiscal_parts], "上级 + 本级", True),
            (
                "fiscal",
                project.fiscal,
                [p and p.year for p in fiscal_parts],
                "当年上级 + 本级",
                True,
            ),
            ("other", funds.other, [p and p.total for p in parts], "各其他来源", False),
            (
                "other",
                project.other,
                [p and p.year for p in parts],
                "各其他来源当年",
                False,
            ),
        ]
        for key, whole, amounts, what, exact in sums:
            if whole is None or (None in amounts and exact):
                continue
            total = _sum(amounts)
            if total is None or total == whole or (not exact and total < whole):
                continue
            relation = "不等于" if exact else "超过了"
            yield Issue(
                (*where, key),
                f"{what}之和 {money(total)} {relation} {money(whole)}：请核对项目资金。",
            )
        pairs = [("budget", project.budget, funds.total), ("fiscal", project.fiscal, funds.fiscal)]
        pairs.append(("other", project.other, funds.other))
        for key, year, whole in pairs:
            if year is not None and whole is not None and year > whole:
                yield Issue(
                    (*path, key),
                    f"当年金额 {money(year)} 超过了实施期总额 {money(whole)}：请核对项目资金。",
                )
