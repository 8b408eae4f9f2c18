"""Reading a 项目支出绩效目标公开表 (seed 002), DOCX or XLSX: one wide table 单位编码 | 单位及
项目名称 | 金额 | 绩效目标 | 绩效指标, the department and unit rows above their projects,
each project's indicators as an outline inside one cell (一、产出指标 /（一）数量指标： /
1. 名称 指标值). A project may run over several rows (the XLSX gives each 一级 its own, and
goes on after a page break under the name with 「（续）」)."""

from __future__ import annotations

import re

from pbgen.importer.labels import fold, label_of, money_unit_of, numbering
from pbgen.importer.tables import goals_of, lines_of, money
from pbgen.office import Document, Para, Row, squeeze
from pbgen.paging import CONTINUED

COLUMNS = {
    "单位编码": "code",
    "单位及项目名称": "name",
    "项目名称": "name",
    "金额": "amount",
    "预算数": "amount",
    "绩效目标": "goals",
    "绩效指标": "indicators",
}
# where a 一级 has no 二级 heading (seed 002's 满意度), its only 二级 in the framework
ONLY_LEVEL2 = {"满意度指标": "服务对象满意度指标", "成本指标": "经济成本指标"}
# where a value written straight after its name begins: a comparator, else the first number
# that is not a year inside the name (「接待标准150元/人/天」, 「出版及时率98%，」)
COMPARATOR = re.compile(r"[≥≤＞＜><=≧≦]")
NUMBER = re.compile(r"(?<=\D)\d+(\.\d+)?(?!\d|\s*年)")


def read_listing(document: Document, draft) -> None:
    columns: dict[str, int] = {}
    rows: list[tuple[Row, dict]] = []
    for item in document.items:
        if not isinstance(item, Row):
            _title(item, draft)
            continue
        header = {
            COLUMNS[label]: cell for cell in item.cells if (label := label_of(cell.text)) in COLUMNS
        }
        if "code" in header and "indicators" in header:
            columns = {key: cell.column for key, cell in header.items()}
            for cell in header.values():
                cell.used = True
                unit = money_unit_of(cell.text)
                if unit:
                    draft.data.setdefault("money_unit", unit)
            continue
        if not columns:  # above the header: the title may sit in the table's first row
            filled = [cell for cell in item.cells if cell.text]
            if len(filled) == 1:
                title = Para(filled[0].text)
                _title(title, draft)
                filled[0].used = title.used
            continue
        cells = {key: item.at(column) for key, column in columns.items()}
        if rows and cells.get("name") is rows[-1][1].get("name") and cells.get("name"):
            rows[-1][1].setdefault("more", []).append(cells.get("indicators"))
            continue
        if rows and _continues(cells, rows[-1][1]):
            rows[-1][1].setdefault("more", []).append(cells.get("indicators"))
            rows[-1][1].setdefault("more_goals", []).append(cells.get("goals"))
            _use(cells, "code", "name", "amount")
            continue
        rows.append((item, cells))
    _table(rows, draft)


def _continues(cells: dict, before: dict) -> bool:
    """The XLSX repeats a project's name with 「（续）」 where its rows go on over a page."""
    name = _text(cells.get("name"))
    return (
        bool(name)
        and name == _text(before.get("name")) + CONTINUED
        and not _text(cells.get("amount"))
    )


def _title(para, draft) -> None:
    text = squeeze(para.text)
    match = re.match(r"^(.*?)(\d{4})年度?.*公开表$", text)
    if match:
        draft.data["year"] = match.group(2)
        draft.data.setdefault("department", {})["name"] = match.group(1)
        para.used = True
    elif money_unit_of(text) and len(text) < 30:
        draft.data.setdefault("money_unit", money_unit_of(text))
        para.used = True


def _table(rows, draft) -> None:
    coded: list[dict] = []  # department and unit rows, in order
    for _, cells in rows:
        code = _text(cells.get("code"))
        name = _text(cells.get("name"))
        if fold(code) in ("合计", "总计") or fold(name) in ("合计", "总计"):
            for cell in cells.values():
                if cell is not None and not isinstance(cell, list):
                    cell.used = True
            continue
        if code:
            coded.append(
                {
                    "code": code,
                    "name": name,
                    "total": money(_text(cells.get("amount"))),
                    "projects": [],
                }
            )
            _use(cells, "code", "name", "amount")
            continue
        if not name:
            continue
        if not coded:
            coded.append(
                {
                    "code": None,
                    "name": draft.data.get("department", {}).get("name", ""),
                    "total": None,
                    "projects": [],
                }
            )
        coded[-1]["projects"].append(_project(cells))
    department = draft.data.setdefault("department", {})
    units = []
    for index, row in enumerate(coded):
        following = coded[index + 1] if index + 1 < len(coded) else None
        is_parent = (
            not row["projects"]
            and following is not None
            and following["code"]
            and row["code"]
            and following["code"].startswith(row["code"])
            and following["code"] != row["code"]
        )
        if is_parent and index == 0:
            department["code"] = row["code"]
            if row["name"] != department.get("name"):
                department["short_name"] = row["name"]
            continue
        unit = {"code": row["code"], "name": row["name"]}
        if row["total"] is not None:
            unit["total"] = row["total"]
        unit["projects"] = row["projects"]
        units.append(unit)
    draft.data["units"] = units


def _text(cell) -> str:
    return cell.text if cell is not None else ""


def _use(cells: dict, *keys: str) -> None:
    for key in keys:
        if cells.get(key) is not None:
            cells[key].used = True


def _project(cells: dict) -> dict:
    _, _, name = numbering(_text(cells.get("name")))
    _use(cells, "name", "amount")
    project = {"name": name.strip(), "budget": money(_text(cells.get("amount")))}
    lines = lines_of(cells.get("goals"))
    for cell in cells.get("more_goals", []):
        lines += lines_of(cell)
    intro, goals = goals_of(lines)
    if len(lines) == 1 and not intro:
        goals = lines  # one goal is written without a number
    if intro:
        project["goal_intro"] = "\n".join(intro)
    if goals:
        project["goals"] = goals
    outline = lines_of(cells.get("indicators"))
    for cell in cells.get("more", []):
        outline += lines_of(cell)
    project["indicators"] = indicator_tree(outline)
    return project


def indicator_tree(lines: list[str]) -> dict:
    """一、产出指标 / （一）数量指标： / 1. 举行政协全委会议 1次 → 一级 → 二级 → rows."""
    tree: dict = {}
    level1 = level2 = None
    for line in lines:
        kind, _, rest = numbering(line)
        rest = rest.strip()
        if kind == "section":
            level1, level2 = squeeze(rest).rstrip("：:"), None
            tree.setdefault(level1, {})
        elif kind == "bracket":
            level2 = squeeze(rest).rstrip("：:")
            tree.setdefault(level1 or "（未写一级指标）", {}).setdefault(level2, [])
        else:
            if level2 is None:
                level2 = ONLY_LEVEL2.get(level1 or "", "（未写二级指标）")
            group = tree.setdefault(level1 or "（未写一级指标）", {}).setdefault(level2, [])
            group.append(split_row(rest if kind else line.strip()))
    return tree


def split_row(text: str) -> dict:
    """「举行政协全委会议 1次」 → name and value: the value is the last part after a space, or
    where a comparator or a trailing number begins."""
    spaced = re.match(r"^(.*\S)[ \u3000]+(\S+)$", text.strip())
    if spaced:
        return {"name": spaced.group(1), "value": spaced.group(2)}
    match = COMPARATOR.search(text) or NUMBER.search(text)
    if match and match.start() > 0:
        return {"name": text[: match.start()].strip(), "value": text[match.start() :].strip()}
    return {"name": text.strip(), "value": None}
