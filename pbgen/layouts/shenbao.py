"""项目支出绩效目标申报表 (财预〔2020〕10号 model and its provincial variants): its own
derivation, the 项目资金 rows nested 其中：… (``projects[].funds.rows`` of every layout's
context, ``pbgen.context``). Its templates are ``templates/shenbao/``."""

from __future__ import annotations

from decimal import Decimal

from pbgen.context import amount
from pbgen.model import Project

INDENT = "　　　"  # the width of 其中：, so that a part's name sits under its whole's


def fund_rows(project: Project) -> list[dict]:
    """项目资金: 资金总额, 财政拨款 and 其他资金 always (their 当年 is the project's budget,
    fiscal and other), then each finer source given, under its whole: ``label`` is indented with
    full-width spaces and starts a list of parts with 其中：."""
    funds = project.funds
    rows = [_row("资金总额", funds and funds.total, project.budget)]
    parts = {
        "财政拨款": (
            funds and funds.fiscal,
            project.fiscal,
            {
                "上级财政拨款": funds and funds.fiscal_upper,
                "本级财政拨款": funds and funds.fiscal_local,
            },
        ),
        "其他资金": (
            funds and funds.other,
            project.other,
            {
                "自有资金": funds and funds.own,
                "事业收入": funds and funds.business,
                "经营收入": funds and funds.operating,
                **(funds.named if funds else {}),
            },
        ),
    }
    for index, (name, (total, year, sources)) in enumerate(parts.items()):
        rows.append(_row(_part(name, index, 0), total, year))
        given = [(label, pair) for label, pair in sources.items() if pair is not None]
        for number, (label, pair) in enumerate(given):
            rows.append(_row(_part(label, number, 1), pair.total, pair.year))
    return rows


def _part(name: str, index: int, depth: int) -> str:
    """其中：财政拨款 for the first part, 　　　其他资金 for the next, one step further in per level."""
    return INDENT * depth + (f"其中：{name}" if index == 0 else INDENT + name)


def _row(label: str, total: Decimal | None, year: Decimal | None) -> dict:
    return {"label": label, "total": amount(total), "year": amount(year)}
