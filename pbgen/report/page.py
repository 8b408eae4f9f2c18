"""The report as one HTML page that opens from a USB stick: everything inline (style, script,
charts), nothing fetched — its Content-Security-Policy forbids it — and links to each filing's
file relative to the page, so the folder can be copied whole.

Amounts are the report's exact decimals (the table's filtered total is summed in the browser
as integers of the smallest decimal, never as floating point).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from pbgen.findings import SEVERITY_NAMES
from pbgen.report import charts
from pbgen.report.build import Report
from pbgen.report.digest import Digest, Item, Place, money_text
from pbgen.report.rules import rule_text
from pbgen.report.text import ALSO, LISTED, shown

HERE = Path(__file__).parent


def plain(value: Decimal) -> str:
    """An exact amount as a number a program reads: 1234.567891."""
    return money_text(value).replace(",", "")


def render_page(report: Report, target: Path) -> bytes:
    """The page's bytes; links are relative to ``target``, where it will be written."""
    import jinja2  # only when writing: pbgen check never loads it

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(amount=money_text, plain=plain, shown=shown)
    links = Links(target.parent)
    page = environment.get_template("page.html.j2")
    return page.render(
        report=report,
        css=(HERE / "page.css").read_text(encoding="utf-8"),
        script=(HERE / "page.js").read_text(encoding="utf-8"),
        font_stack=charts.FONT_STACK,
        charts=_charts(report),
        rows=_rows(report),
        scale=_scale(report),
        rules=_by_rule(report),
        listed=LISTED,
        also=ALSO,
        severity=SEVERITY_NAMES,
        rule_text=rule_text,
        href=links.href,
        editor=links.editor,
        yoy_unit=lambda yuan: money_text(report.shown(yuan)),
    ).encode("utf-8")


class Links:
    """Where a place's link goes: its file relative to the page (it opens from a USB stick),
    and ``vscode://`` to open it in the editor at its line. Always a path, quoted: a file named
    ``javascript:…`` is a file (``javascript%3A…``). Links in the folder are not followed: the
    link goes to the file as it is named there (one that loops is a file that cannot be read)."""

    def __init__(self, folder: Path):
        self.folder = Path(os.path.abspath(folder))

    def href(self, place: Place) -> str:
        path = Path(os.path.abspath(place.file))
        try:
            relative = os.path.relpath(path, self.folder)
        except ValueError:  # another drive (Windows)
            return path.as_uri()
        return quote(Path(relative).as_posix())

    def editor(self, place: Place) -> str:
        """vscode://file/C:/…/x.yaml:12:5 — the path with one leading slash on every system."""
        path = "/" + Path(os.path.abspath(place.file)).as_posix().lstrip("/")
        return f"vscode://file{quote(path)}:{place.line}:{max(place.column, 1)}"


def _charts(report: Report) -> list[tuple[str, str, str]]:
    """(id, caption, svg) of each chart that has something to show."""
    shown = []
    year = report.years[-1] if report.years else None
    if year is not None:
        shown.append(
            (
                "budget",
                "各部门预算",
                charts.budget_chart(report.digests, year, report.unit, report.shown),
            )
        )
    if any(d.items for d in report.digests):
        shown.append(("findings", "问题按规则", charts.findings_chart(report.digests)))
    if any(d.indicators for d in report.digests):
        shown.append(
            ("indicators", "绩效指标按一级、二级", charts.indicators_chart(report.digests))
        )
    if year is not None and any(d.plan for d in report.digests if d.year == year):
        shown.append(("plan", "资金支出计划", charts.plan_chart(report.digests, year)))
    pairs = [
        (y.department, report.shown(y.before), report.shown(y.budget))
        for y in report.yoy
        if y.before is not None
    ]
    if pairs:
        shown.append(("yoy", "同比", charts.yoy_chart(pairs, report.unit)))
    return shown


def _rows(report: Report) -> list[dict]:
    return [
        {
            "index": index,
            "digest": d,
            "budget": report.shown(d.budget),
            "fiscal": report.shown(d.fiscal),
            "other": report.shown(d.other),
        }
        for index, d in enumerate(report.digests)
    ]


def _scale(report: Report) -> int:
    """Decimals enough for every amount of the table, so the browser sums them exactly."""
    places = [
        -report.shown(getattr(d, name)).normalize().as_tuple().exponent
        for d in report.digests
        for name in ("budget", "fiscal", "other")
    ]
    return max([2, *places])


def _by_rule(report: Report) -> list[tuple[str, list[tuple[Digest, Item]], int, int]]:
    """Every rule that found something, the most findings first: where (the findings the page
    lists of each filing, ``LISTED``), how many in all, in how many filings."""
    listed: dict[str, list[tuple[Digest, Item]]] = defaultdict(list)
    totals: Counter = Counter()
    filings: dict[str, set[str]] = defaultdict(set)
    for d in report.digests:
        for number, item in enumerate(d.items):
            rule = item.finding.rule
            totals[rule] += 1
            filings[rule].add(d.file)
            if number < LISTED:
                listed[rule].append((d, item))
    return [
        (rule, listed[rule], totals[rule], len(filings[rule]))
        for rule in sorted(totals, key=lambda rule: (-totals[rule], rule))
    ]
