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
                    )
                )
                first_of_level1 = False
    return rows
