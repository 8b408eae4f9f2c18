"""Tables a kit declares (``tables:`` in kit.yaml): written where declared, with the declared
columns, money as plain decimals, a 合计 that is the sum of its rows, formulas that add up."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pbgen.check.registry import Issue, rule
from pbgen.check.walk import money, projects
from pbgen.fields import describe
from pbgen.framework import Framework
from pbgen.kit import Kit, TableSpec
from pbgen.model import PLAIN_DECIMAL, Filing, Table

LEVELS = {"filing": "文件", "department": "部门", "project": "项目"}


@dataclass(frozen=True)
class Place:
    """A record that may hold tables: its level, path and the record itself."""

    level: str
    path: tuple
    record: object
    name: str  # how messages name it: 项目「…」, 部门, 文件


def places(filing: Filing) -> Iterator[Place]:
    yield Place("filing", (), filing, "文件")
    yield Place("department", ("department",), filing.department, "部门")
    for path, project in projects(filing):
        yield Place("project", path, project, f"项目「{project.name}」")


def declared(filing: Filing, kit: Kit) -> Iterator[tuple[Place, str, TableSpec, Table]]:
    """Each table written where its kit declares it, with its declaration."""
    specs = kit.tables()
    for place in places(filing):
        for key, table in place.record.tables.items():
            spec = specs.get(key)
            if spec is not None and spec.on == place.level:
                yield place, key, spec, table


def amount(text: str | None) -> Decimal | None:
    """A money cell as a number; None when blank or not a plain decimal (reported elsewhere)."""
    if text is None or not PLAIN_DECIMAL.fullmatch(text.strip()):
        return None
    return Decimal(text.strip())


def column_sums(spec: TableSpec, table: Table) -> dict[str, Decimal]:
    """The sum of each money column over the rows."""
    return {
        column.key: sum(
            (amount(row.get(column.key)) or Decimal(0) for row in table.rows), Decimal(0)
        )
        for column in spec.columns
        if column.type == "money"
    }


def _offered(kit: Kit, level: str) -> str:
    here = [f"{key}（{spec.title}）" for key, spec in kit.tables().items() if spec.on == level]
    return "、".join(here) or "无"


@rule("table-structure", "error", "表格、列要是 kit 声明的；金额列写数字；必填的列和表不空")
def table_structure(filing: Filing, framework: Framework, *, kit: Kit) -> Iterator[Issue]:
    specs = kit.tables()
    for place in places(filing):
        for key, table in place.record.tables.items():
            where = (*place.path, "tables", key)
            spec = specs.get(key)
            if spec is None or spec.on != place.level:
                yield Issue(where, _misplaced(kit, place, key, spec))
                continue
            yield from _cells(spec, table, where)
        for key, spec in specs.items():
            if spec.required and spec.on == place.level and key not in place.record.tables:
                yield Issue(
                    (*place.path, "tables"),
                    f"{place.name}缺少表格「{spec.title}」（tables 下的 {key}）：请按 kit 的要求填写。",
                )


def _misplaced(kit: Kit, place: Place, key: str, spec: TableSpec | None) -> str:
    if spec is not None:
        return f"表格「{spec.title}」（{key}）应写在{LEVELS[spec.on]}一级，不是{LEVELS[place.level]}下。"
    names = [k for k, s in kit.tables().items() if s.on == place.level]
    names += [s.title for s in kit.tables().values() if s.on == place.level]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f"是不是「{close[0]}」？" if close else ""
    return (
        f"{kit.label} 没有声明表格「{key}」。{hint}{LEVELS[place.level]}下可用的表格："
        f"{_offered(kit, place.level)}（pbgen kit show 列出各表的列）。"
    )


def _cells(spec: TableSpec, table: Table, where: tuple) -> Iterator[Issue]:
    columns = "、".join(f"{c.key}（{c.title}）" for c in spec.columns)
    for index, row in enumerate(table.rows):
        for key, text in row.items():
            column = spec.column(key)
            if column is None:
                yield Issue(
                    (*where, "rows", index, key),
                    f"表格「{spec.title}」没有列「{key}」；它的列：{columns}。",
                )
            elif column.type == "money" and text and text.strip() and amount(text) is None:
                yield Issue(
                    (*where, "rows", index, key),
                    f"{column.title}应为金额数字，如 700 或 5.00，写的是「{text}」"
                    "（只写数字和小数点，单位是全文的金额单位）。",
                )
        for column in spec.columns:
            if column.required and not (row.get(column.key) or "").strip():
                yield Issue(
                    (*where, "rows", index),
                    f"表格「{spec.title}」第 {index + 1} 行的「{column.title}」没有填写。",
                )
    for key, text in (table.total or {}).items():
        column = spec.column(key)
        if column is None or column.type != "money":
            money_columns = "、".join(c.key for c in spec.columns if c.type == "money") or "无"
            yield Issue(
                (*where, "total", key),
                f"合计只能写金额列（{money_columns}），「{key}」不是。",
            )
        elif text and amount(text) is None:
            yield Issue((*where, "total", key), f"合计应为金额数字，写的是「{text}」。")
    if table.total is not None and not spec.total:
        yield Issue((*where, "total"), f"表格「{spec.title}」没有合计行：请删去 total。")


@rule("table-total", "error", "表格的合计 = 各行之和；声明了的，合计等于对应的金额（如项目预算数）")
def table_total(filing: Filing, framework: Framework, *, kit: Kit) -> Iterator[Issue]:
    for place, key, spec, table in declared(filing, kit):
        where = (*place.path, "tables", key)
        sums = column_sums(spec, table)
        for column_key, text in (table.total or {}).items():
            written = amount(text)
            if column_key in sums and written is not None and written != sums[column_key]:
                title = spec.column(column_key).title
                yield Issue(
                    (*where, "total", column_key),
                    f"表格「{spec.title}」的{title}合计写的是 {text.strip()}，各行相加是 "
                    f"{money(sums[column_key])}：请核对各行，或删去合计让 pbgen 计算。",
                )
        for column_key, field in spec.sum_equals.items():
            expected = getattr(place.record, field, None)
            if column_key in sums and expected is not None and sums[column_key] != expected:
                title = spec.column(column_key).title
                yield Issue(
                    where,
                    f"表格「{spec.title}」的{title}各行之和 {money(sums[column_key])} 与 "
                    f"{_field_title(place.record, field)} {money(expected)} 不符：请核对。",
                )


def _field_title(record: object, field: str) -> str:
    info = type(record).model_fields.get(field)
    return (info.title if info is not None and info.title else field) or field


def table_field(path: tuple, kit: Kit, data) -> str | None:
    """A place inside a declared table as the form names it — 项目「…」 › 成本构成 › 第 2 行 ›
    金额 — or None when ``path`` is not inside one."""
    if "tables" not in path:
        return None
    at = path.index("tables")
    spec = kit.tables().get(path[at + 1]) if len(path) > at + 1 else None
    if spec is None:
        return None
    owner = describe(path[:at], data) if at else ""
    steps = [owner] if owner else []
    steps.append(spec.title)
    rest = path[at + 2 :]
    if rest[:1] == ("rows",) and len(rest) > 1:
        steps.append(f"第 {rest[1] + 1} 行")
        rest = rest[2:]
    elif rest[:1] == ("total",):
        steps.append("合计")
        rest = rest[1:]
    if rest:
        column = spec.column(str(rest[0]))
        steps.append(column.title if column else str(rest[0]))
    return " › ".join(steps)
