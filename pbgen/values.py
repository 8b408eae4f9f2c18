"""Read an 指标值 such as ``≥90%``, ``≤8万元``, ``每季度≥ 2次`` or ``2024年12月31日前完成``.

The author's text is what gets printed; the parse is only for rules that compare numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

COMPARATORS: dict[str, str] = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "大于等于": "≥",
    "以上": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "小于等于": "≤",
    "以内": "≤",
    ">": ">",
    "＞": ">",
    "大于": ">",
    "<": "<",
    "＜": "<",
    "小于": "<",
    "=": "=",
    "＝": "=",
}
_COMPARATOR = "|".join(sorted((re.escape(c) for c in COMPARATORS), key=len, reverse=True))
QUANTITY = re.compile(
    rf"(?P<cmp>{_COMPARATOR})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s，。；;,]*)"
)
DATE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
MONEY_UNITS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000)}


@dataclass(frozen=True)
class Quantity:
    """A number with its comparator and unit: ``≤8万元`` → (≤, 8, 万元)."""

    comparator: str | None
    number: Decimal
    unit: str

    @property
    def is_percent(self) -> bool:
        return self.unit.startswith(("%", "％"))

    def in_yuan(self) -> Decimal | None:
        """The amount in 元 when the unit is money and nothing else (not 元/天·人)."""
        factor = MONEY_UNITS.get(self.unit.rstrip("。"))
        return self.number * factor if factor is not None else None


def parse_quantity(text: str | None) -> Quantity | None:
    """The first number in ``text`` with its comparator and unit, unless the text is a date."""
    if not text or DATE.search(text):
        return None
    match = QUANTITY.search(text)
    if match is None:
        return None
    comparator, unit = match["cmp"], match["unit"]
    for suffix in ("以上", "以内"):  # 「90%以上」: the comparator may follow the unit
        if unit.endswith(suffix):
            comparator, unit = comparator or suffix, unit.removesuffix(suffix)
    return Quantity(COMPARATORS[comparator] if comparator else None, Decimal(match["num"]), unit)


def years_named(text: str | None) -> list[int]:
    """Years written as ``2024年`` in a value, for the budget-year check."""
    return [int(match["year"]) for match in DATE.finditer(text or "")]
