"""What a kit adds to a record, as templates get it: its tables (``tables.<key>``: title,
columns, rows, 合计) and its texts by label (``texts.<label>``: paragraphs), and the
department's budget with each part's share (``department_budget``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from pbgen.context.text import amount, paragraphs
from pbgen.kit import Column, Kit, TableSpec
from pbgen.model import PLAIN_DECIMAL, DepartmentBudget, Filing, Table

# A table written under a key no kit declares (a check error) still prints: its columns are
# the keys its rows use, so nothing the clerk wrote disappears from the document.
UNDECLARED = "（未声明的表格）"


def tables(record, level: str, kit: Kit) -> dict[str, dict]:
    """Every table the kit declares for ``level`` (empty when the record has none: a form
    prints its heads), then any other the record holds."""
    specs = {key: spec for key, spec in kit.tables().items() if spec.on == level}
    given = record.tables
    found = {key: table_entry(spec, given.get(key)) for key, spec in specs.items()}
    for key, table in given.items():
        if key not in found:
            found[key] = table_entry(_inferred(key, table), table)
    return found


def _inferred(key: str, table: Table) -> TableSpec:
    keys = dict.fromkeys(k for row in table.rows for k in row)
    columns = [Column(key=k, title=k) for k in keys] or [Column(key="-", title="")]
    return TableSpec(title=f"{key}{UNDECLARED}", columns=columns, total=False)


def table_entry(spec: TableSpec, table: Table | None) -> dict:
    """title, columns [{key, title, type}], rows [{key: text}], lines (the same rows, each
    cell as paragraphs: one per line written), total {key: text} (the money columns' sums, or
    the 合计 as written); money as written, blank cells ""."""
    rows = table.rows if table is not None else []
    columns = [{"key": c.key, "title": c.title, "type": c.type} for c in spec.columns]
    entry_rows = [{c.key: (row.get(c.key) or "").strip() for c in spec.columns} for row in rows]
    total = {}
    if spec.total:
        written = (table.total or {}) if table is not None else {}
        for column in spec.columns:
            if column.type == "money":
                cells = [row[column.key] for row in entry_rows]
                total[column.key] = (written.get(column.key) or "").strip() or _sum(cells)
    lines = [{key: paragraphs(cell) for key, cell in row.items()} for row in entry_rows]
    return {
        "title": spec.title,
        "columns": columns,
        "rows": entry_rows,
        "lines": lines,
        "total": total,
    }


def _sum(cells: list[str]) -> str:
    """The sum of the cells that are amounts, to the most decimals any of them has."""
    numbers = [Decimal(cell) for cell in cells if PLAIN_DECIMAL.fullmatch(cell)]
    if not numbers:
        return ""
    places = max(-n.as_tuple().exponent for n in numbers)
    return amount(sum(numbers, Decimal(0)).quantize(Decimal(1).scaleb(-places)))


def texts(extra: dict[str, str], level: str, kit: Kit) -> dict[str, list[str]]:
    """The texts a kit declares for ``level`` (its slots; [] when not written) and any other
    ``extra`` label, each as paragraphs: ``texts.保障措施``."""
    found = {slot.label: [] for slot in kit.slots(level)}
    found.update({label: paragraphs(value) for label, value in extra.items()})
    return found


INCOME = (("general", "一般公共预算拨款"), ("fund", "政府性基金拨款"), ("other", "其他资金"))
SPENDING = (("basic", "基本支出"), ("project", "项目支出"))


def department_budget(filing: Filing) -> dict:
    """资金总额 and its parts by income and by expenditure, each with its 占比 of the total:
    {total, income: [{key, name, amount, share}], spending: [...]}. 资金总额 not written is
    the sum of the income parts; 项目支出 not written is the projects' sum (when there are)."""
    budget = filing.department_budget or DepartmentBudget()
    project = budget.project
    if project is None and filing.projects:
        project = filing.project_total
    parts = {**{key: getattr(budget, key) for key, _ in INCOME}, "basic": budget.basic}
    parts["project"] = project
    total = budget.total
    if total is None and any(parts[key] is not None for key, _ in INCOME):
        total = sum((parts[key] or Decimal(0) for key, _ in INCOME), Decimal(0))

    def rows(names) -> list[dict]:
        return [
            {
                "key": key,
                "name": name,
                "amount": amount(parts[key]),
                "share": _share(parts[key], total),
            }
            for key, name in names
        ]

    return {"total": amount(total), "income": rows(INCOME), "spending": rows(SPENDING)}


def _share(part: Decimal | None, total: Decimal | None) -> str:
    """占比 to two decimals (83.33%); blank without the part or a total."""
    if part is None or not total:
        return ""
    return f"{(part * 100 / total).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"
