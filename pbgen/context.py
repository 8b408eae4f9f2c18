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
from pbgen.model import walk_indicators

# Control characters have no glyph and are illegal in XML: no output format can carry them.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` without control characters, for every renderer."""
    return UNPRINTABLE.sub("", text)


CLOSING_PUNCTUATION = "。；！？：，.;!?:,"
CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


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
    bold) or ``p`` (body). ``lead`` is an inline heading printed before ``text`` in the same
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


class MissingDataError(PbgenError):
    """The filing lacks what the requested layout needs."""


def projects_lacking(title: str, projects, lacks) -> list[str]:
    """「资金用途（3 个项目，如「甲」、「乙」等）」 when some projects lack a field; else []."""
    names = [project.name for project in projects if lacks(project)]
    if not names:
        return []
    example = "、".join(f"「{name}」" for name in names[:2]) + ("等" if len(names) > 2 else "")
    return [f"{title}（{len(names)} 个项目，如{example}）"]


def refuse_if_missing(layout: str, file: str, missing: list[str]) -> None:
    """Refuse, naming every missing field, rather than print empty sections or cells."""
    if missing:
        where = f"{file}：" if file else ""
        raise MissingDataError(
            f"{where}不能排成「{layout}」版式，缺少：{'；'.join(missing)}。"
            "请在文件中补上，或选用这份文件具备数据的版式（--layout）。"
        )


DEPARTMENT_INDICATORS = "部门年度绩效指标"


def given_fields(filing) -> list[tuple[str, bool]]:
    """Every field some layout has no place for, in document order, with whether this filing
    gives it. A layout names what it prints (``unprinted``); a field listed here that a layout
    does not name is reported by it, so a new field is never dropped silently."""
    department, projects = filing.department, filing.projects
    rows = [row for project in projects for *_, row in project.all_indicators()]
    department_rows = [row for *_, row in walk_indicators(filing.department_indicators or {})]
    of_department = f"（{DEPARTMENT_INDICATORS}）"
    return [
        ("部门编码", bool(department.code)),
        ("部门简称", bool(department.short_name)),
        ("编制单位", bool(department.compiled_by)),
        ("审核单位", bool(department.reviewed_by)),
        ("专项资金级次", bool(department.fund_level)),
        ("单位负责人签字", bool(department.signed_by)),
        ("填表人", bool(department.filled_by)),
        ("联系电话", bool(department.phone)),
        ("总体绩效目标", bool(filing.overall_goal)),
        ("分项绩效目标", bool(filing.sub_goals)),
        ("工作保障措施", bool(filing.safeguards)),
        ("年度预算申请", bool(filing.department_budget)),
        ("部门职责概述", bool(filing.duties)),
        ("年度重点工作计划", bool(filing.work_plan)),
        (DEPARTMENT_INDICATORS, bool(filing.department_indicators)),
        (
            "绩效指标描述" + of_department,
            any(r.shown_description != r.name for r in department_rows),
        ),
        ("指标值确定依据" + of_department, any(r.basis for r in department_rows)),
        ("绩效标准" + of_department, any(r.standard for r in department_rows)),
        ("单位编码", any(unit.code for unit in filing.units)),
        # a unit named as the department is printed wherever the department's name is
        ("单位名称", any(unit.name != department.name for unit in filing.units)),
        ("项目编码", any(p.code for p in projects)),
        ("财政资金", any(p.fiscal is not None for p in projects)),
        ("其他资金", any(p.other is not None for p in projects)),
        ("资金用途", any(p.purpose for p in projects)),
        ("资金支出计划", any(p.spending_plan for p in projects)),
        ("所属专项", any(p.special_fund for p in projects)),
        ("项目实施期", any(p.period for p in projects)),
        ("实施期绩效目标", any(p.period_goal for p in projects)),
        ("支出明细及测算说明", any(p.expense_details for p in projects)),
        ("绩效指标描述", any(r.shown_description != r.name for r in rows)),
        ("指标值确定依据", any(r.basis for r in rows)),
        ("绩效标准", any(r.standard for r in rows)),
    ]


def unprinted(filing, printed: set[str]) -> list[str]:
    """The fields ``filing`` gives that are not ``printed``; a part of an unprinted field
    (绩效标准（部门年度绩效指标）) goes without saying."""
    names = [title for title, given in given_fields(filing) if given and title not in printed]
    return [name for name in names if not any(name.endswith(f"（{whole}）") for whole in names)]


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
                    )
                )
                first_of_level1 = False
    return rows
