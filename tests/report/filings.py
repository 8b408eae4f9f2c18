"""Generated filings for the report's tests: the clean filing as another department, with its
own units, project codes, amounts and year."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from conftest import clean_data, dump


def department(
    name: str,
    unit_code: str = "131001",
    unit_name: str | None = None,
    codes: tuple[str, str] = ("P001", "P002"),
    budgets: tuple[str, str] = ("10.00", "5.00"),
    year: int = 2024,
    money_unit: str = "万元",
) -> dict:
    """The clean filing filed by ``name``: its unit, its two projects' codes and budgets (all
    fiscal), its year and unit of money."""
    data = clean_data()
    data["year"] = str(year)
    data["money_unit"] = money_unit
    data["department"]["name"] = name
    data.pop("department_budget")
    unit = data["units"][0]
    unit.pop("total")
    unit["code"], unit["name"] = unit_code, unit_name or f"{name}本级"
    for project, code, budget in zip(unit["projects"], codes, budgets, strict=True):
        project["code"], project["budget"], project["fiscal"] = code, budget, budget
        project.pop("other", None)
        project.pop("tables", None)
        for row in project["indicators"]["产出指标"].get("成本指标", []):
            row["value"] = f"≤{budget}{money_unit}"
    data["sub_goals"] = [{"title": f"{name}的目标", "text": "履行职能。"}]
    return data


def write(folder: Path, name: str, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def yaml_totals(path: Path, unit: str = "万元") -> dict[str, Decimal]:
    """预算数, 财政资金, 其他资金 of a filing, added up here from its YAML, in ``unit``."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    factor = {("元", "万元"): Decimal("0.0001"), ("万元", "元"): Decimal(10000)}.get(
        (data["money_unit"], unit), Decimal(1)
    )
    totals = dict.fromkeys(("budget", "fiscal", "other"), Decimal(0))
    for unit_data in data["units"]:
        for project in unit_data.get("projects") or []:
            for key in totals:
                if project.get(key):
                    totals[key] += Decimal(project[key]) * factor
    return totals
