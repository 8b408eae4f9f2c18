"""Indicator trees (一级 → 二级 → 三级) as what forms print: flat rows with the spans of their
merged cells, the 实施期 and 年度 trees side by side, a numbered outline, a one-line summary.

A 二级 heading with no 三级 under it is kept: a row with the heading and empty cells (a form's
长期 column prints it so), as is a 一级 with no 二级."""

from __future__ import annotations

from pbgen.context.numbering import arabic_number, bracket_number, section_number
from pbgen.model import Indicator

# A row's cells that are empty where a heading has nothing under it.
ROW_FIELDS = ("name", "description", "value", "basis", "standard")


def indicator_rows(tree: dict) -> list[dict]:
    """Flatten 一级 → 二级 → 三级 into rows. A span > 0 starts a merged cell of that many rows,
    0 continues one: ``level1_span``, ``level2_span``, ``standard_span`` (equal 绩效标准 within
    one 二级 share a cell, as in seed 003: 行业标准 once for all 数量指标). ``section_span`` is the
    rows a label beside the whole table spans (a PDF that restarts it on each page changes it,
    ``pbgen.paging``), ``page_start`` whether a row begins a page there."""
    rows = []
    for level1, groups in tree.items():
        first_of_level1 = len(rows)
        for level2, items in (groups or {"": []}).items():
            for index, item in enumerate(items or [None]):
                rows.append(_row(level1, level2, item, len(items or [None]) if index == 0 else 0))
        rows[first_of_level1]["level1_span"] = len(rows) - first_of_level1
    _standard_spans(rows)
    if rows:
        rows[0]["section_span"] = len(rows)
    return rows


def _row(level1: str, level2: str, item: Indicator | None, level2_span: int) -> dict:
    return {
        "level1": level1,
        "level2": level2,
        "name": item.name if item else "",
        "description": item.shown_description if item else "",
        "value": (item.value or "") if item else "",
        "basis": (item.basis or "") if item else "",
        "standard": (item.standard or "") if item else "",
        "level1_span": 0,
        "level2_span": level2_span,
        "remark": (item.remark or "") if item else "",
        "standard_span": 1,
        "section_span": 0,
        "page_start": False,
    }


def _standard_spans(rows: list[dict]) -> None:
    start = 0
    for index, row in enumerate(rows):
        if index > start and not row["level2_span"] and row["standard"] == rows[start]["standard"]:
            rows[start]["standard_span"] += 1
            row["standard_span"] = 0
        else:
            start = index


GRID_FIELDS = ("level2", "name", "value", "remark", "level2_span")


def indicator_grid(period_tree: dict, year_tree: dict) -> list[dict]:
    """The 实施期 and 年度 trees side by side beside one 一级 column (the 申报表's grid 一级 |
    二级 三级 指标值 (长期) | 二级 三级 指标值 (年度)): per 一级, as many rows as the longer side,
    the shorter side's rows blank. Each row: level1, level1_span, and ``period`` / ``year``
    cells {level2, name, value, remark, level2_span} (blank cells: "" and span 1)."""
    blank = {"level2": "", "name": "", "value": "", "remark": "", "level2_span": 1}
    sides = [_rows_by_level1(period_tree), _rows_by_level1(year_tree)]
    grid = []
    for level1 in dict.fromkeys([*sides[0], *sides[1]]):
        period, year = (side.get(level1, []) for side in sides)
        size = max(len(period), len(year))
        for index in range(size):
            grid.append(
                {
                    "level1": level1,
                    "level1_span": size if index == 0 else 0,
                    "period": period[index] if index < len(period) else blank,
                    "year": year[index] if index < len(year) else blank,
                }
            )
    return grid


def _rows_by_level1(tree: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for row in indicator_rows(tree):
        found.setdefault(row["level1"], []).append({key: row[key] for key in GRID_FIELDS})
    return found


def indicator_outline(tree: dict) -> list[dict]:
    """一、产出指标 / （一）数量指标： / 1. 举行政协全委会议 1次 — numbering restarts per level.
    Each line: {level 1–3, text}."""
    lines = []
    for i, (level1, groups) in enumerate(tree.items(), 1):
        lines.append({"level": 1, "text": f"{section_number(i)}{level1}"})
        for j, (level2, rows) in enumerate((groups or {}).items(), 1):
            lines.append({"level": 2, "text": f"{bracket_number(j)}{level2.rstrip('：:')}："})
            for k, row in enumerate(rows or [], 1):
                text = f"{arabic_number(k)} {row.name} {(row.value or '').strip()}"
                lines.append({"level": 3, "text": text.strip()})
    return lines


def indicator_summary(tree: dict) -> list[str]:
    """Each 三级 row as 「名称值」: 举办招商引资活动数量≥13场."""
    summary = []
    for groups in tree.values():
        for rows in (groups or {}).values():
            for row in rows or []:
                value = (row.value or "").strip()
                glue = "" if not value or value[0] in "≥≤><=＞＜0123456789" else "："
                summary.append(f"{row.name}{glue}{value}")
    return summary
