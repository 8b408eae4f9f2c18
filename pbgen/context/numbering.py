"""Numbering per GB/T 9704-2012: 一、 → （一） → 1., and the numbers of lists of goals."""

from __future__ import annotations

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


def numbered(items: list[str], number=arabic_number) -> list[str]:
    """``items`` numbered 1. 2. … (or by ``number``)."""
    return [f"{number(n)}{item}" for n, item in enumerate(items, 1)]
