"""The context stage: from a ``Filing`` to what a template prints.

Shared by every layout (``pbgen.layouts``): numbering per GB/T 9704-2012 (一、 → （一） → 1.),
money as written, paragraphs, flat indicator rows with the spans of merged cells, the fields a
layout may leave unprinted, and the error a layout raises when the filing lacks what it needs.
Every string a context holds is final: templates only place it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pbgen.errors import PbgenError

# Control characters have no glyph and are illegal in XML: no output format can carry them.
# Bidi embeddings, overrides and isolates print nothing but reorder what follows (a title that
# reads reversed, 「≤10」 shown as 「01≥」): `pbgen check` reports them (invisible-character).
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` without control characters or bidi controls, for every renderer."""
    return UNPRINTABLE.sub("", text)


CLOSING_PUNCTUATION = "。；！？：，.;!?:,"
CHINESE_DIGITS = "零一二三四五六七八九"


GROUPS = ("", "万", "亿", "万亿")


def chinese_number(n: int) -> str:
    """How a number is read in Chinese, for numbering: 1 → 一, 10 → 十, 12 → 十二, 100 → 一百,
    101 → 一百零一, 110 → 一百一十, 1001 → 一千零一, 10000 → 一万, 100000 → 十万.
    Digits in groups of four (万, 亿); one 零 stands for any run of zeros inside."""
    if not 0 <= n < 10**16:
        raise ValueError(n)
    if n == 0:
        return CHINESE_DIGITS[0]
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    text, gap = "", False
    for power in reversed(range(len(groups))):
        group = groups[power]
        if group == 0:
            gap = True
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _below_ten_thousand(group) + GROUPS[power]
        gap = False
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二; but 一百一十


def _below_ten_thousand(n: int) -> str:
    text, gap = "", False
    for digit, unit in zip(f"{n:04d}", "千百十 ", strict=True):
        if digit == "0":
            gap = bool(text)
            continue
        text += ("零" if gap else "") + CHINESE_DIGITS[int(digit)] + unit.strip()
        gap = False
    return text


def section_number(n: int) -> str:
    return f"{chinese_number(n)}、"


def bracket_number(n: int) -> str:
    return f"（{chinese_number(n)}）"


def arabic_number(n: int) -> str:
    return f"{n}."


def sentence(text: str) -> str:
    """A lead-in title as a sentence: add 。 unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in CLOSING_PUNCTUATION else text + "。"


def paragraphs(text: str | None) -> list[str]:
    """Each non-empty line of a text is one paragraph."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def amount(value: Decimal | None) -> str:
    """Money as written in the filing (5.00 stays 5.00); blank when not given."""
    return "" if value is None else f"{value:f}"


# -- blocks of running text -------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One paragraph of running text.

    kind: ``h1`` (一、 heading, 黑体), ``h2`` (（一） heading, 楷体), ``h3`` (1. heading, 仿宋
    bold), ``label`` (a body line that introduces what follows, 职责分类目标：, kept on its
    page) or ``p`` (body). ``lead`` is an inline heading printed before ``text`` in the same
    paragraph (（一）加强党建引领。 in 楷体, then the body). ``anchor`` marks a 目录 target.
    """

    kind: str
    text: str
    lead: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    """A flat 三级 row. A span > 0 starts a merged cell of that many rows; 0 continues one."""

    level1: str
    level2: str
    name: str
    description: str
    value: str
    basis: str
    standard: str
    level1_span: int
    level2_span: int
    remark: str = ""


class MissingDataError(PbgenError):
    """The filing lacks what the requested layout needs."""


def refuse_if_missing(layout: str, file: str, missing: list[str]) -> None:
    """Refuse, naming every missing field, rather than print empty sections or cells."""
    if missing:
        where = f"{file}：" if file else ""
        raise MissingDataError(
            f"{where}不能排成「{layout}」版式，缺少：{'；'.join(missing)}。"
            "请在文件中补上，或选用这份文件具备数据的版式（--layout）。"
        )


def indicator_rows(tree: dict) -> list[IndicatorRow]:
    """Flatten 一级 → 二级 → 三级 into rows, with the spans of the merged 一级/二级 cells."""
    rows = []
    for level1, groups in tree.items():
        level1_size = sum(len(items) for items in groups.values())
        first_of_level1 = True
        for level2, items in groups.items():
            for index, row in enumerate(items):
                rows.append(
                    IndicatorRow(
                        level1=level1,
                        level2=level2,
                        name=row.name,
                        description=row.shown_description,
                        value=row.value or "",
                        basis=row.basis or "",
                        standard=row.standard or "",
                        level1_span=level1_size if first_of_level1 else 0,
                        level2_span=len(items) if index == 0 else 0,
                        remark=row.remark or "",
                    )
                )
                first_of_level1 = False
    return rows


# -- the one context every layout's templates get ----------------------------------------------
#
# Documented variable by variable in templates/CONTEXT.md (a test keeps the two in step).


def build_context(filing, layout) -> dict:
    """What every template of every layout gets: the filing's own fields (text as written,
    amounts as strings in the filing's unit, "" for what is not given), what pbgen derives
    (numbering, totals, indicator rows with merge spans for each tree), and the structures the
    built-in layouts are made of (绩效文本's 目录 and parts, 公开表's rows, 附表1–3), so any
    template may use them too. Plain data only: dicts, lists, strings, numbers."""
    from dataclasses import asdict

    from pbgen.layouts import fubiao, gongkai, wenben

    context = base_context(filing, layout)
    title = context["title"]
    structure = asdict(wenben.build_context(filing, title))
    tables = structure.pop("projects")
    context.update(structure)
    context["projects"] = [
        {**table, **_project(filing, project, unit)}
        for table, (unit, project) in zip(tables, _unit_projects(filing), strict=True)
    ]
    by_name = iter(context["projects"])
    for unit in context["units"]:
        unit["projects"] = [next(by_name) for _ in unit["projects"]]
    public = asdict(gongkai.build_context(filing, title))
    context.update(columns=public["columns"], rows=public["rows"])
    sheets = asdict(fubiao.build_context(filing, title))
    context.update(
        signature=sheets["signature"],
        department_sheet=sheets["department"],
        summary=sheets["summary"],
        directions=sheets["directions"],
    )
    return context


def base_context(filing, layout) -> dict:
    """The filing's own fields and the document title (the manifest's ``title``, rendered with
    them)."""
    department = filing.department
    context = {
        "title": "",  # below, from the rest
        "draft": False,  # the pipeline's: True when the filing has check errors (「草稿」)
        "layout": {"id": layout.id, "name": layout.name},
        "year": filing.year,
        "money_unit": filing.money_unit,
        "department": {
            **{
                key: _text(getattr(department, key))
                for key in type(department).model_fields
                if key not in ("extra", "tables")
            },
            "extra": extra_fields(department.extra),
        },
        "extra": extra_fields(filing.extra),
        "total": amount(filing.project_total),
        "units": [
            {
                "code": _text(unit.code),
                "name": unit.name,
                "label": f"{unit.code or ''}{unit.name}",
                "total": amount(unit.project_total),
                "extra": extra_fields(unit.extra),
                "projects": list(unit.projects),  # replaced by the projects' entries
            }
            for unit in filing.units
        ],
    }
    context["title"] = render_title(layout.manifest.title, context, layout.folder)
    return context


def render_title(source: str, context: dict, folder) -> str:
    """The manifest's ``title``, a Jinja expression over the context, rendered sandboxed."""
    import jinja2

    from pbgen.templating import explain, sandboxed

    try:
        return sandboxed(autoescape=False).from_string(source).render(context).strip()
    except jinja2.TemplateError as error:
        raise explain(error, folder / "manifest.yaml") from None


def document_title(filing, layout_id: str) -> str:
    """The title a built-in layout's manifest gives this filing."""
    from pbgen.layouts import find_layout

    return base_context(filing, find_layout(layout_id))["title"]


def _text(value) -> str:
    return "" if value is None else str(value)


def extra_fields(extra: dict) -> list[dict]:
    """A record's ``extra`` as rows, in the filing's order: [{label, text}]."""
    return [{"label": label, "text": text} for label, text in extra.items()]


def _unit_projects(filing):
    return [(unit, project) for unit in filing.units for project in unit.projects]


FUND_SOURCES = (
    ("fiscal_upper", "其中：上级财政拨款"),
    ("fiscal_local", "其中：本级财政拨款"),
    ("own", "自有资金"),
    ("business", "事业收入"),
    ("operating", "经营收入"),
)


def _funds(project) -> dict:
    from pbgen.layouts.shenbao import fund_rows

    """项目资金 as pairs {total 实施期, year 当年}: 资金总额, 财政拨款, 其他资金 (whose 当年 are the
    project's budget, fiscal, other), the finer sources, and ``rows`` listing every source given."""
    funds = project.funds
    period = (lambda key: getattr(funds, key)) if funds else (lambda key: None)
    pairs = {
        "total": {
            "name": "资金总额",
            "total": amount(period("total")),
            "year": amount(project.budget),
        },
        "fiscal": {
            "name": "财政拨款",
            "total": amount(period("fiscal")),
            "year": amount(project.fiscal),
        },
        "other": {
            "name": "其他资金",
            "total": amount(period("other")),
            "year": amount(project.other),
        },
    }
    for key, name in FUND_SOURCES:
        pair = period(key)
        pairs[key] = {
            "name": name,
            "total": amount(pair.total if pair else None),
            "year": amount(pair.year if pair else None),
        }
    named = [
        {"name": name, "total": amount(pair.total), "year": amount(pair.year)}
        for name, pair in (funds.named.items() if funds else [])
    ]
    return {**pairs, "named": named, "rows": fund_rows(project)}


def _project(filing, project, unit) -> dict:
    """A project's own fields and derivations, beyond the 绩效文本 table's."""
    from dataclasses import asdict

    from pbgen.layouts.fubiao import standard_rows
    from pbgen.layouts.gongkai import indicator_outline
    from pbgen.model import Period

    goals = [goal.strip() for goal in project.goals if goal.strip()]

    overview = project.overview
    period = project.period if isinstance(project.period, Period) else None
    return {
        "unit": {
            "code": _text(unit.code),
            "name": unit.name,
            "label": f"{unit.code or ''}{unit.name}",
        },
        "attribute": _text(project.attribute),
        "manager": _text(project.manager),
        "phone": _text(project.phone),
        "period": project.period_text,
        "start": period.start if period else "",
        "end": period.end if period else "",
        "funds": _funds(project),
        "overview": {
            key: paragraphs(getattr(overview, key) if overview else None)
            for key in ("basis", "feasibility", "necessity")
        },
        "schedule": [
            {"task": step.task, "start": _text(step.start), "end": _text(step.end)}
            for step in project.schedule
        ],
        "period_goals": paragraphs(project.period_goal),
        "goal_lines": paragraphs(project.goal_intro)
        + [f"{arabic_number(n)}{goal}" for n, goal in enumerate(goals, 1)],
        "special_fund": project.special_fund or project.name,
        "indicators": [asdict(row) for row in standard_rows(indicator_rows(project.indicators))],
        "period_indicators": [
            asdict(row) for row in standard_rows(indicator_rows(project.period_indicators))
        ],
        "indicator_grid": indicator_grid(project.period_indicators, project.indicators),
        "indicator_outline": [asdict(line) for line in indicator_outline(project.indicators)],
        "expenses": [
            {
                "content": paragraphs(row.content),
                "detail": paragraphs(row.detail),
                "amount": amount(row.amount),
                "basis": paragraphs(row.basis),
            }
            for row in project.expense_details
        ],
        "expense_total": amount(sum((row.amount for row in project.expense_details), Decimal(0))),
        "extra": extra_fields(project.extra),
    }


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
        found.setdefault(row.level1, []).append(
            {
                "level2": row.level2,
                "name": row.name,
                "value": row.value,
                "remark": row.remark,
                "level2_span": row.level2_span,
            }
        )
    return found
