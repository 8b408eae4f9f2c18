"""Paths to the parts of a filing that rules look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from pbgen.model import Filing, Indicator, Project, walk_indicators

Path = tuple
# Template text left in place: 「目标内容1」, 「XX」, 「待定」 (warnings: a clerk may mean them).
PLACEHOLDER = re.compile(r"^(目标|内容|指标|目标内容|指标内容)\s*\d*$|XX|xx|××|＊＊|待定|此处填写")
TO_FILL = re.compile(r"^\s*(待定|此处填写|X{2,}|x{2,}|×{2,})\s*$")
# What `pbgen init` and `pbgen import` write where the clerk still has to write: not done yet.
UNFILLED = "待填"


def is_placeholder(text: str | None) -> bool:
    return bool(text) and (PLACEHOLDER.search(text.strip()) is not None or UNFILLED in text)


def texts(node, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every text of a filing with its path, in document order."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from texts(getattr(node, name), (*path, info.alias or name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from texts(item, (*path, index))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from texts(item, (*path, key))
    elif isinstance(node, str):
        yield path, node


def projects(filing: Filing) -> Iterator[tuple[Path, Project]]:
    for u, unit in enumerate(filing.units):
        for p, project in enumerate(unit.projects):
            yield ("units", u, "projects", p), project


IndicatorRow = tuple[Path, str, str, Indicator]


PERIOD_TREE = "period_indicators"


def indicator_trees(filing: Filing) -> Iterator[tuple[Path, dict, Project | None]]:
    """Every indicator tree with its owner project: each project's 年度 and 实施期（中期/长期）
    trees, and the department's."""
    for path, project in projects(filing):
        yield (*path, "indicators"), project.indicators, project
        if project.period_indicators:
            yield (*path, PERIOD_TREE), project.period_indicators, project
    if filing.department_indicators:
        yield ("department_indicators",), filing.department_indicators, None


def rows(tree_path: Path, tree: dict) -> Iterator[IndicatorRow]:
    for level1, level2, index, indicator in walk_indicators(tree):
        yield (*tree_path, level1, level2, index), level1, level2, indicator


def all_rows(filing: Filing) -> Iterator[tuple[IndicatorRow, Project | None]]:
    for tree_path, tree, project in indicator_trees(filing):
        for row in rows(tree_path, tree):
            yield row, project


def in_period_tree(path: Path) -> bool:
    """Whether a row's path is in a 实施期（中期/长期） tree, where later years are expected."""
    return PERIOD_TREE in path


def money(amount) -> str:
    """An amount as a clerk writes it: no exponent, no trailing zeros beyond the written ones."""
    return f"{amount:f}"
