"""What the report keeps of one filing: a few kilobytes, never the filing itself.

A bureau's folder holds a hundred filings, a bench a thousand: each is read, judged and
digested in turn, and let go (its model and YAML marks weigh ~100 times its digest). Amounts are
kept in 元, exact; the report shows them in one unit.

A filing past ``IN_PROCESS_BYTES`` is digested in pbgen's bounded worker (``pbgen.bounded``):
``pbgen.load`` takes up to 50 MB, and 3 MB of one-character values take 3.3 GB to read;
there its memory and time are capped, and a filing past them is one that cannot be read, while
the report goes on with the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pbgen import bounded
from pbgen.errors import InputError
from pbgen.findings import Finding
from pbgen.kit import Kit
from pbgen.load import load_text, parse, read_text
from pbgen.model import Filing
from pbgen.pipeline import resolve_layout
from pbgen.report.judge import Judgement, judge

YUAN_PER = {"元": Decimal(1), "万元": Decimal(10000)}
PLAN_MONTHS = ("3月底", "6月底", "10月底", "12月底")
SNIPPET = 160  # characters of a finding's line shown under it
IN_PROCESS_BYTES = 2**20  # a larger filing is digested in the bounded worker; real ones < 1 MB
MEMORY_BASE, MEMORY_PER_BYTE = 2**30, 80  # a 45 MB filing of projects is read in 2.2 GB
SECONDS_BASE, SECONDS_PER_MB = 60.0, 20.0  # it is read and judged in ~80 s


def in_yuan(amount: Decimal, unit: str) -> Decimal:
    """An amount written in ``unit`` as 元: exact (a shift of the decimal point)."""
    return amount.scaleb(4) if unit == "万元" else amount


def from_yuan(amount: Decimal, unit: str) -> Decimal:
    return amount.scaleb(-4) if unit == "万元" else amount


def money_text(value: Decimal) -> str:
    """An exact amount with at least two decimals and thousands separators: 1,234.567891."""
    value = value.normalize()
    places = max(2, -value.as_tuple().exponent)
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Place:
    """Where something is written: a file and a line (a ledger's row is its line)."""

    file: str
    line: int
    column: int = 0
    label: str = ""  # what is there, e.g. 项目「委员视察经费」

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Item:
    """One finding as the report shows it: the finding, the other places it concerns (a
    duplicate's twin, the ledger's row), and whether a locked rule reported it against the
    filing's own ``check.disable``."""

    finding: Finding
    also: tuple[Place, ...] = ()
    overruled: bool = False
    snippet: str = ""  # the line of the file it points at

    @property
    def place(self) -> Place:
        return Place(self.finding.file, self.finding.line, self.finding.column)


@dataclass(frozen=True)
class ProjectEntry:
    code: str | None
    name: str
    unit_code: str | None
    budget: Decimal  # 元
    fiscal: Decimal | None  # 元
    place: Place


@dataclass(frozen=True)
class UnitEntry:
    code: str | None
    name: str
    place: Place


@dataclass
class Digest:
    """One filing, as the report needs it."""

    file: str
    readable: bool
    department: str = ""
    department_code: str | None = None
    department_place: Place | None = None
    year: int | None = None
    layout: str = ""  # the layout's Chinese name (as written when pbgen has no such layout)
    money_unit: str = ""
    budget: Decimal = Decimal(0)  # 元: the projects' 预算数
    fiscal: Decimal = Decimal(0)  # 元: their 财政资金, where written
    other: Decimal = Decimal(0)  # 元: their 其他资金, where written
    projects: list[ProjectEntry] = field(default_factory=list)
    units: list[UnitEntry] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    disabled: tuple[str, ...] = ()
    overruled: frozenset[str] = frozenset()
    hidden: dict[str, int] = field(default_factory=dict)
    indicators: Counter = field(default_factory=Counter)  # (一级, 二级) → 三级 rows
    plan: tuple[Decimal, ...] | None = None  # budget-weighted cumulative % at PLAN_MONTHS

    @property
    def errors(self) -> int:
        return sum(item.finding.severity == "error" for item in self.items)

    @property
    def warnings(self) -> int:
        return len(self.items) - self.errors

    @property
    def status(self) -> str:
        if not self.readable:
            return "无法读取"
        return "有错误" if self.errors else "通过"

    @property
    def department_key(self) -> str:
        """Who filed it, by name (a code may be mistyped: that is a finding of its own): two
        filings with the same key are one department's (its 绩效文本 and 公开表, say), whose
        projects may rightly share codes."""
        return "".join(self.department.split())

    @property
    def place(self) -> Place:
        """The file itself."""
        return Place(self.file, 0)

    @property
    def name(self) -> str:
        """How the report names the filing: its department, else its file."""
        return self.department or Path(self.file).name

    def add(self, items: list[Item]) -> None:
        self.items = sorted(
            [*self.items, *items], key=lambda item: (item.finding.line, item.finding.column)
        )


def digest(path: Path | str, kit: Kit | None = None) -> Digest:
    """Read, judge and digest one filing; an unreadable one keeps its reasons (and what can be
    read of its department and year)."""
    file = str(path)
    try:
        text = read_text(Path(path), file)
    except InputError as error:
        return _unreadable(file, error, None)
    try:
        loaded = load_text(text, file)
    except InputError as error:
        return _unreadable(file, error, text)
    lines = text.splitlines()
    judged = judge(loaded, kit)
    layout, problem = resolve_layout(loaded, kit)
    found = [problem, *judged.findings] if problem is not None else judged.findings
    filing = loaded.filing
    result = Digest(
        file=file,
        readable=True,
        department=filing.department.name.strip(),
        department_code=(filing.department.code or "").strip() or None,
        department_place=Place(file, *loaded.source.locate(("department", "name"))),
        year=filing.year,
        layout=layout.name if layout is not None else filing.layout,
        money_unit=filing.money_unit,
        disabled=judged.disabled,
        overruled=judged.overruled,
        hidden=judged.hidden,
    )
    result.items = [_item(finding, judged, lines) for finding in found]
    _contents(result, filing, loaded.source)
    return result


def bounded_digest(path: Path | str, kit: Kit | None = None) -> Digest:
    """``digest``; a filing past ``IN_PROCESS_BYTES`` in the bounded worker, its memory and time
    capped by its size: past them it is a filing that cannot be read, and says why."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # digest says why it cannot be read
    if size <= IN_PROCESS_BYTES:
        return digest(path, kit)
    limits = bounded.Limits(
        seconds=SECONDS_BASE + SECONDS_PER_MB * size / 2**20,
        memory=MEMORY_BASE + MEMORY_PER_BYTE * size,
    )
    try:
        return bounded.run(digest, path, kit, limits=limits, what=str(path))
    except bounded.Exceeded as stopped:
        message = bounded.too_much_to_read(stopped, limits, size, "读取和检查")
        return Digest(file=str(path), readable=False, items=[
            Item(Finding(str(path), 0, 0, "file", "error", "", message))
        ])  # fmt: skip


def _item(finding: Finding, judged: Judgement, lines: list[str]) -> Item:
    text = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
    if len(text) > SNIPPET:
        text = text[:SNIPPET] + "…"
    return Item(finding, overruled=judged.is_overruled(finding), snippet=text)


def _contents(result: Digest, filing: Filing, source) -> None:
    """Totals in 元, each project's and unit's identity and place, the indicator counts and the
    budget-weighted spending plan."""
    unit = filing.money_unit
    plan_sum, plan_weight = [Decimal(0)] * len(PLAN_MONTHS), Decimal(0)
    for u, budget_unit in enumerate(filing.units):
        code = (budget_unit.code or "").strip() or None
        line, column = source.locate(("units", u, "name"))
        label = f"单位「{budget_unit.name}」"
        result.units.append(
            UnitEntry(code, budget_unit.name.strip(), Place(result.file, line, column, label))
        )
        for p, project in enumerate(budget_unit.projects):
            where = ("units", u, "projects", p)
            line, column = source.locate((*where, "code") if project.code else where)
            budget = in_yuan(project.budget, unit)
            fiscal = in_yuan(project.fiscal, unit) if project.fiscal is not None else None
            result.budget += budget
            result.fiscal += fiscal or 0
            result.other += in_yuan(project.other, unit) if project.other is not None else 0
            result.projects.append(
                ProjectEntry(
                    (project.code or "").strip() or None,
                    project.name.strip(),
                    code,
                    budget,
                    fiscal,
                    Place(result.file, line, column, f"项目「{project.name}」"),
                )
            )
            for level1, level2, _, _ in project.all_indicators():
                result.indicators[(level1, level2)] += 1
            if project.spending_plan is not None and budget:
                shares = _cumulative(project.spending_plan.entries())
                plan_sum = [
                    total + budget * share for total, share in zip(plan_sum, shares, strict=True)
                ]
                plan_weight += budget
    if plan_weight:
        result.plan = tuple(total / plan_weight for total in plan_sum)


def _cumulative(entries: list[tuple[str, Decimal | None]]) -> list[Decimal]:
    """The plan's share at each month; a month left blank keeps the share before it."""
    shares, last = [], Decimal(0)
    for _, share in entries:
        last = share if share is not None else last
        shares.append(last)
    return shares


def _unreadable(file: str, error: InputError, text: str | None) -> Digest:
    result = Digest(file=file, readable=False)
    result.items = [Item(finding) for finding in error.findings]
    if text is None:
        return result
    try:  # its department and year, when the YAML itself can be read
        data = parse(text, file).data
    except InputError:
        return result
    department = data.get("department") if isinstance(data, dict) else None
    if isinstance(department, dict) and isinstance(department.get("name"), str):
        result.department = department["name"].strip()
    year = data.get("year") if isinstance(data, dict) else None
    if isinstance(year, str) and year.strip().isdigit():
        result.year = int(year.strip())
    return result
