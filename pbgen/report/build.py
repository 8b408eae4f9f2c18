"""The report's content: each filing read, judged and digested in turn, then the checks across
filings and against the ledger, then year over year."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from pbgen import __version__
from pbgen.check.settings import kit_rules
from pbgen.kit import Kit
from pbgen.kitstore import kit_for
from pbgen.pipeline import find_filings
from pbgen.report.cross import across
from pbgen.report.digest import Digest, Item, bounded_digest, from_yuan
from pbgen.report.ledger import LedgerColumns, compare, read_ledger
from pbgen.report.yoy import YearOverYear, year_over_year


@dataclass
class Report:
    """Everything the page and the workbooks show."""

    folders: list[str]
    unit: str  # every amount shown in this unit
    digests: list[Digest]
    across: list[Item]  # the findings across filings and against the ledger
    yoy: list[YearOverYear]
    ledgers: list[str] = field(default_factory=list)
    locked: frozenset[str] = frozenset()
    kit: str | None = None  # the bureau's kit and its version; None: pbgen's own
    made_on: date = field(default_factory=lambda: report_date())
    version: str = __version__

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.digests if d.readable and d.year is not None})

    def shown(self, yuan: Decimal) -> Decimal:
        """An amount (元) in the report's unit, exact."""
        return from_yuan(yuan, self.unit)

    def totals(self, year: int) -> dict[str, Decimal]:
        """预算数, 财政资金, 其他资金 of the readable filings of ``year``, in the report's unit."""
        filings = [d for d in self.digests if d.readable and d.year == year]
        return {
            name: self.shown(sum((getattr(d, name) for d in filings), Decimal(0)))
            for name in ("budget", "fiscal", "other")
        }

    def repeated(self, year: int) -> dict[str, int]:
        """Departments with more than one readable filing in ``year`` (one in each of two
        layouts, say): the year's total counts each of them."""
        counts = Counter(d.name for d in self.digests if d.readable and d.year == year)
        return {name: count for name, count in counts.items() if count > 1}

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.digests)


def report_date() -> date:
    """SOURCE_DATE_EPOCH when set (the same input gives the same report), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), tz=UTC).date() if epoch.isdigit() else date.today()


def build_report(
    paths: Iterable[Path | str],
    unit: str = "万元",
    ledgers: Iterable[Path] = (),
    columns: LedgerColumns | None = None,
    ledger_unit: str | None = None,
    kit: Kit | None = None,
) -> Report:
    """The report of the filings in ``paths``, every one judged by the bureau's ``kit`` (else
    the one the first folder's ``pbgen.toml`` pins, else pbgen's own): a filing's own
    ``check.disable`` cannot hide a rule the kit locks (see ``judge``)."""
    paths = list(paths)
    kit = kit or kit_for(Path(paths[0]) if paths else None)
    tables = [read_ledger(Path(path), columns, ledger_unit) for path in ledgers]  # fail early
    digests = [bounded_digest(path, kit) for path in find_filings(paths)]
    found = across(digests)
    everything = [item for items in found.values() for item in items]
    for table in tables:
        in_filings, only_ledger = compare(table, digests)
        for file, items in in_filings.items():
            found.setdefault(file, []).extend(items)
            everything += items
        everything += only_ledger
    for d in digests:
        d.add(found.get(d.file, []))
    return Report(
        folders=[str(path) for path in paths],
        unit=unit,
        digests=digests,
        across=everything,
        yoy=year_over_year(digests),
        ledgers=[table.file for table in tables],
        locked=frozenset(id_ for id_, rule in kit_rules(kit).items() if rule.locked_by),
        kit=None if kit.base is None else kit.label,
    )
