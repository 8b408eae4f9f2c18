"""A department's figures against the ledger the bureau exports from its budget system.

The ledger is a CSV (UTF-8 or GBK), XLS or XLSX table whose column names the bureau sets: one
row per project (项目编码, 预算数, and optionally 单位编码, 财政资金, 年度, 项目名称) or per unit
(单位编码 and its 预算数). Amounts are compared in 元 at the coarser precision of the two units:
a ledger in 元 (to the fen) against a filing in 万元 (to 0.01 万元, 100 元) agrees when both
round to the same 100 元.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.findings import Finding
from pbgen.report.digest import Digest, Item, Place, ProjectEntry, from_yuan, in_yuan, money_text
from pbgen.report.rules import severity

PRECISION = {"元": Decimal("0.01"), "万元": Decimal("0.01")}  # of an amount, in its own unit
HEADER_ROWS = 30  # where the header row is looked for (a title or a note may stand above it)

# The ledger's columns, by the term pbgen gives each, with the names a budget system commonly
# uses; a bureau names its own with ``LedgerColumns.named``.
COLUMN_TERMS = {
    "project_code": "项目编码",
    "unit_code": "单位编码",
    "amount": "预算数",
    "fiscal": "财政资金",
    "year": "年度",
    "name": "项目名称",
}
USUAL_NAMES = {
    "project_code": ("项目编码", "项目代码", "项目编号"),
    "unit_code": ("单位编码", "单位代码", "预算单位编码", "预算单位代码"),
    "amount": ("预算数", "预算金额", "项目金额", "金额", "合计", "预算数合计", "资金总额"),
    "fiscal": ("财政资金", "财政拨款", "财政拨款资金"),
    "year": ("年度", "预算年度"),
    "name": ("项目名称",),
}


@dataclass(frozen=True)
class LedgerColumns:
    """The column names of the bureau's ledger, per term; each term may have several names."""

    names: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(USUAL_NAMES))

    @classmethod
    def named(cls, spec: str) -> LedgerColumns:
        """From ``项目编码=XMBM,预算数=金额（元）``: the bureau's names, by pbgen's terms."""
        names = dict(USUAL_NAMES)
        by_term = {term: key for key, term in COLUMN_TERMS.items()}
        for part in filter(None, (piece.strip() for piece in re.split(r"[,，]", spec))):
            term, _, column = part.partition("=")
            if term.strip() not in by_term or not column.strip():
                raise PbgenError(
                    f"台账列名「{part}」看不懂：写成「pbgen 的名称=台账的列名」，用逗号分隔，"
                    f"如 项目编码=XMBM,预算数=金额（元）；pbgen 的名称有 {'、'.join(by_term)}。"
                )
            names[by_term[term.strip()]] = (column.strip(),)
        return cls(names)


@dataclass(frozen=True)
class LedgerRow:
    place: Place
    year: int | None
    project_code: str | None
    unit_code: str | None
    name: str
    amount: Decimal  # in the ledger's unit
    fiscal: Decimal | None


@dataclass(frozen=True)
class Ledger:
    file: str
    unit: str  # 元 or 万元
    rows: list[LedgerRow]
    problems: list[Item]  # rows that could not be read


def read_ledger(
    path: Path, columns: LedgerColumns | None = None, unit: str | None = None
) -> Ledger:
    """The ledger's rows; its amounts' unit from ``unit``, else from the amount column's name
    (「预算数（元）」)."""
    columns = columns or LedgerColumns()
    table = _table(path)
    at, found = _header(table, columns, path)
    unit = unit or _unit_of(table[at][found["amount"]])
    if unit is None:
        raise PbgenError(
            f"{path}：金额列「{table[at][found['amount']]}」没有写单位：请用 --ledger-unit 元 "
            "或 --ledger-unit 万元 说明台账的金额单位。"
        )
    rows, problems = [], []
    for number, cells in enumerate(table[at + 1 :], start=at + 2):
        value = {
            key: _text(cells[index]) if index < len(cells) else "" for key, index in found.items()
        }
        if not any(value.values()):
            continue
        place = Place(str(path), number, 0, f"台账第 {number} 行")
        amount, fiscal = _amount(value["amount"]), _amount(value.get("fiscal", ""))
        if amount is None or ("fiscal" in value and value["fiscal"] and fiscal is None):
            problems.append(_problem(place, value))
            continue
        year = value.get("year", "")
        rows.append(
            LedgerRow(
                place,
                int(year[:4]) if re.match(r"\d{4}", year) else None,
                value.get("project_code") or None,
                value.get("unit_code") or None,
                value.get("name", ""),
                amount,
                fiscal,
            )
        )
    return Ledger(str(path), unit, rows, problems)


def compare(ledger: Ledger, digests: list[Digest]) -> tuple[dict[str, list[Item]], list[Item]]:
    """The mismatches: by the filing they are in (each naming the ledger's row too), and those
    only in the ledger (a row no filing has)."""
    in_filings: dict[str, list[Item]] = defaultdict(list)
    only_ledger = list(ledger.problems)
    projects: dict[str, list[tuple[Digest, ProjectEntry]]] = defaultdict(list)
    for digest in digests:
        for project in digest.projects:
            if project.code:
                projects[project.code].append((digest, project))
    for row in ledger.rows:
        if row.project_code:
            matches = [
                (d, p) for d, p in projects.get(row.project_code, []) if row.year in (None, d.year)
            ]
            if not matches:
                only_ledger.append(_missing(row))
            for digest, project in matches:
                in_filings[digest.file] += _differences(row, ledger, digest, project)
        elif row.unit_code:
            for digest in digests:
                if row.year in (None, digest.year) and row.unit_code in _unit_codes(digest):
                    in_filings[digest.file] += _unit_difference(row, ledger, digest)
    listed = {row.project_code for row in ledger.rows if row.project_code}
    for digest in digests:
        if listed and _covered(digest, ledger):
            in_filings[digest.file] += [
                _absent(project, ledger)
                for project in digest.projects
                if project.code and project.code not in listed
            ]
    return in_filings, only_ledger


def _unit_codes(digest: Digest) -> set[str]:
    return {unit.code for unit in digest.units if unit.code}


def _covered(digest: Digest, ledger: Ledger) -> bool:
    """Whether the ledger speaks for this filing (one of its projects or units is in it, in its
    year): only then is a project missing from the ledger worth telling."""
    rows = [row for row in ledger.rows if row.year in (None, digest.year)]
    codes = {project.code for project in digest.projects}
    return any(
        row.project_code in codes or (row.unit_code and row.unit_code in _unit_codes(digest))
        for row in rows
    )


# -- comparing amounts -------------------------------------------------------------------------


def agree(ours: Decimal, our_unit: str, theirs: Decimal, their_unit: str) -> tuple[bool, Decimal]:
    """Whether two amounts agree at the coarser precision of their units, and that precision
    in 元."""
    coarse = max(in_yuan(PRECISION[our_unit], our_unit), in_yuan(PRECISION[their_unit], their_unit))
    a = in_yuan(ours, our_unit).quantize(coarse, ROUND_HALF_UP)
    b = in_yuan(theirs, their_unit).quantize(coarse, ROUND_HALF_UP)
    return a == b, coarse


def _differences(
    row: LedgerRow, ledger: Ledger, digest: Digest, project: ProjectEntry
) -> list[Item]:
    unit = digest.money_unit
    pairs = [("预算数", from_yuan(project.budget, unit), row.amount)]
    if row.fiscal is not None and project.fiscal is not None:
        pairs.append(("财政资金", from_yuan(project.fiscal, unit), row.fiscal))
    items = []
    for term, ours, theirs in pairs:
        problem = _disagreement(term, ours, unit, theirs, ledger.unit, row.place)
        if problem:
            label = f"{project.place.label}的 {term}"
            items.append(_item("ledger-mismatch", project.place, label, problem, row.place))
    return items


def _unit_difference(row: LedgerRow, ledger: Ledger, digest: Digest) -> list[Item]:
    unit = digest.money_unit
    ours = [p.budget for p in digest.projects if p.unit_code == row.unit_code]
    total = from_yuan(sum(ours, Decimal(0)), unit)
    term = f"单位「{row.unit_code}」各项目预算数之和"
    problem = _disagreement(term, total, unit, row.amount, ledger.unit, row.place)
    if not problem:
        return []
    where = next(u.place for u in digest.units if u.code == row.unit_code)
    return [_item("ledger-mismatch", where, f"{where.label}的 预算数合计", problem, row.place)]


def _disagreement(term, ours, unit, theirs, their_unit, place: Place) -> str:
    """The message when the filing's amount and the ledger's disagree, else ""."""
    same, coarse = agree(ours, unit, theirs, their_unit)
    if same:
        return ""
    return (
        f"{term} {money_text(ours)} {unit}{_also_in(ours, unit, their_unit)}与预算台账 "
        f"{place.file} 第 {place.line} 行的 {money_text(theirs)} {their_unit}"
        f"{_also_in(theirs, their_unit, unit)}不符（按两者中较粗的精度 {_precision(coarse)} "
        "比较）：请与财政局核对，改正其中一处。"
    )


def _missing(row: LedgerRow) -> Item:
    name = f"（{row.name}）" if row.name else ""
    message = (
        f"预算台账中的项目编码「{row.project_code}」{name}在各部门的文件里找不到"
        + (f"（{row.year} 年度）" if row.year else "")
        + "：请核对编码，或请部门补报。"
    )
    finding = Finding(
        row.place.file,
        row.place.line,
        0,
        "ledger-missing",
        severity("ledger-missing"),
        row.place.label,
        message,
    )
    return Item(finding)


def _absent(project: ProjectEntry, ledger: Ledger) -> Item:
    message = f"项目编码「{project.code}」不在预算台账 {ledger.file} 里：请核对编码，或与财政局确认这个项目。"
    return _item("ledger-absent", project.place, f"{project.place.label}的 项目编码", message, None)


def _item(rule: str, place: Place, label: str, message: str, other: Place | None) -> Item:
    finding = Finding(place.file, place.line, place.column, rule, severity(rule), label, message)
    return Item(finding, also=(other,) if other else ())


def _also_in(amount: Decimal, unit: str, other: str) -> str:
    """「（50,000.00 元）」 when the other side counts in another unit."""
    if unit == other:
        return ""
    return f"（{money_text(from_yuan(in_yuan(amount, unit), other))} {other}）"


def _precision(coarse: Decimal) -> str:
    if coarse >= 100:
        return f"0.01 万元，即 {coarse:f} 元"
    return f"{coarse:f} 元"


# -- reading the table ----------------------------------------------------------------------------


def _table(path: Path) -> list[list]:
    """The first sheet (or the CSV) as rows of cell values."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _csv_rows(path.read_bytes())
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_rows(path)
        if suffix == ".xls":
            return _xls_rows(path)
    except OSError as error:
        raise PbgenError(f"{path}：无法读取台账（{error.strerror}）。") from None
    except Exception as error:  # a damaged workbook: the reader's own words, after ours
        raise PbgenError(
            f"{path}：台账文件打不开，可能已损坏或不是所说的格式（{error}）。"
        ) from None
    raise PbgenError(f"{path}：台账须是 CSV、XLS 或 XLSX 文件（预算系统导出时选这几种格式之一）。")


def _csv_rows(raw: bytes) -> list[list[str]]:
    """UTF-8 (with or without BOM) or GBK/GB18030, as a budget system on Windows exports it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _xls_rows(path: Path) -> list[list]:
    import xlrd

    sheet = xlrd.open_workbook(str(path), on_demand=True).sheet_by_index(0)
    return [sheet.row_values(index) for index in range(sheet.nrows)]


def _header(table: list[list], columns: LedgerColumns, path: Path) -> tuple[int, dict[str, int]]:
    """The header row and where each term's column is in it."""
    for at, cells in enumerate(table[:HEADER_ROWS]):
        heads = [_head(_text(cell)) for cell in cells]
        found = {}
        for key, names in columns.names.items():
            wanted = [_head(name) for name in names]
            for name in wanted:  # the bureau's (or the usual) names in order of preference
                if name in heads:
                    found[key] = heads.index(name)
                    break
        if "amount" in found and ("project_code" in found or "unit_code" in found):
            return at, found
    terms = "、".join(
        f"{COLUMN_TERMS[key]}（{'/'.join(columns.names[key])}）"
        for key in ("project_code", "unit_code", "amount")
    )
    raise PbgenError(
        f"{path}：前 {HEADER_ROWS} 行里找不到表头：需要项目编码或单位编码一列和预算数一列，"
        f"可用的列名：{terms}。台账的列名不同时，用 --ledger-columns 指定，"
        "如 --ledger-columns 项目编码=XMBM,预算数=金额（元）。"
    )


UNIT_IN_HEAD = re.compile(r"[（(]\s*(万元|元)\s*[)）]|(万元|元)$")


def _head(text: str) -> str:
    """A column name as compared: no spaces, no unit in brackets, half-width brackets."""
    return UNIT_IN_HEAD.sub("", "".join(text.split()))


def _unit_of(head) -> str | None:
    match = UNIT_IN_HEAD.search("".join(_text(head).split()))
    return (match[1] or match[2]) if match else None


def _text(cell) -> str:
    """A cell as text: a whole number without ``.0`` (an Excel cell holding 131001)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


def _amount(text: str) -> Decimal | None:
    cleaned = re.sub(r"[\s,，¥￥]", "", text)
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _problem(place: Place, value: dict) -> Item:
    bad = value["amount"] if _amount(value["amount"]) is None else value["fiscal"]
    message = f"这一行的金额「{bad}」不是数字，未能比较：请在预算系统里核对后重新导出台账。"
    finding = Finding(
        place.file, place.line, 0, "ledger-row", severity("ledger-row"), place.label, message
    )
    return Item(finding)
