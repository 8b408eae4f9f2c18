"""项目资金: each source as a pair {total 实施期, year 当年}, and the rows a form lists them in,
nested 其中：…"""

from __future__ import annotations

from decimal import Decimal

from pbgen.context.text import amount
from pbgen.model import Project

INDENT = "　　　"  # the width of 其中：, so that a part's name sits under its whole's
FUND_SOURCES = (
    ("fiscal_upper", "其中：上级财政拨款"),
    ("fiscal_local", "其中：本级财政拨款"),
    ("own", "自有资金"),
    ("business", "事业收入"),
    ("operating", "经营收入"),
)


def funds(project: Project) -> dict:
    """项目资金 as pairs {total 实施期, year 当年}: 资金总额, 财政拨款, 其他资金 (whose 当年 are the
    project's budget, fiscal, other), the finer sources, and ``rows`` listing every source given."""
    given = project.funds
    period = (lambda key: getattr(given, key)) if given else (lambda key: None)
    pairs = {
        "total": _pair("资金总额", period("total"), project.budget),
        "fiscal": _pair("财政拨款", period("fiscal"), project.fiscal),
        "other": _pair("其他资金", period("other"), project.other),
    }
    for key, name in FUND_SOURCES:
        pair = period(key)
        pairs[key] = _pair(name, pair.total if pair else None, pair.year if pair else None)
    named = [
        _pair(name, pair.total, pair.year) for name, pair in (given.named.items() if given else [])
    ]
    return {**pairs, "named": named, "rows": fund_rows(project)}


def _pair(name: str, total: Decimal | None, year: Decimal | None) -> dict:
    return {"name": name, "total": amount(total), "year": amount(year)}


def fund_rows(project: Project) -> list[dict]:
    """项目资金: 资金总额, 财政拨款 and 其他资金 always (their 当年 is the project's budget,
    fiscal and other), then each finer source given, under its whole: ``label`` is indented with
    full-width spaces and starts a list of parts with 其中：."""
    given = project.funds
    rows = [_row("资金总额", given and given.total, project.budget)]
    parts = {
        "财政拨款": (
            given and given.fiscal,
            project.fiscal,
            {
                "上级财政拨款": given and given.fiscal_upper,
                "本级财政拨款": given and given.fiscal_local,
            },
        ),
        "其他资金": (
            given and given.other,
            project.other,
            {
                "自有资金": given and given.own,
                "事业收入": given and given.business,
                "经营收入": given and given.operating,
                **(given.named if given else {}),
            },
        ),
    }
    for index, (name, (total, year, sources)) in enumerate(parts.items()):
        rows.append(_row(_part(name, index, 0), total, year))
        listed = [(label, pair) for label, pair in sources.items() if pair is not None]
        for number, (label, pair) in enumerate(listed):
            rows.append(_row(_part(label, number, 1), pair.total, pair.year))
    return rows


def _part(name: str, index: int, depth: int) -> str:
    """其中：财政拨款 for the first part, 　　　其他资金 for the next, one step further in per level."""
    return INDENT * depth + (f"其中：{name}" if index == 0 else INDENT + name)


def _row(label: str, total: Decimal | None, year: Decimal | None) -> dict:
    return {"label": label, "total": amount(total), "year": amount(year)}
