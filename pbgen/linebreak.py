"""Table cells that never end in one hanzi: where a cell's text would wrap with a single
character on its last line (「年初工作安/排」), break it into lines of even length instead
(「年初工/作安排」), as a typesetter would.

The breaks are computed from the column's width in characters (CJK 1 em, digits and Latin
about ½ em, as in the 仿宋/宋体/黑体 fonts at 5号), the rules of line breaking kept: no line starts
with a closing mark (，。、；：）” …), none ends with an opening one, Latin words and numbers
stay whole. Only where the greedy line breaking a renderer does would leave one hanzi alone
are breaks placed; every other text is left to the renderer.
"""

from __future__ import annotations

import math
import re

NO_LINE_START = set("，。、；：？！）》」』】〕”’%％·…—,.;:?!)]}")
NO_LINE_END = set("（《「『【〔“‘([{")
HANZI = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z0-9.%+\-_/]")  # characters a line never breaks between


NARROW = {" ": 0.33, ".": 0.28, ",": 0.28, ":": 0.28, ";": 0.28, "-": 0.33, "%": 0.83}


def width(character: str) -> float:
    """Advance in em: CJK characters and full-width marks 1, digits and Latin about ½."""
    if ord(character) >= 0x2000:
        return 1.0
    return NARROW.get(character, 0.5)


def _breakable(text: str, index: int) -> bool:
    """May a line break before ``text[index]``?"""
    before, after = text[index - 1], text[index]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (WORD.match(before) and WORD.match(after))


def greedy_lines(text: str, capacity: float) -> list[str]:
    """Lines as a renderer fills them: as many characters as fit, then the last break
    opportunity."""
    lines, start, used, last_break = [], 0, 0.0, None
    index = 0
    while index < len(text):
        if index > start and _breakable(text, index):
            last_break = index
        used += width(text[index])
        if used > capacity + 1e-6 and index > start:
            cut = last_break if last_break and last_break > start else index
            lines.append(text[start:cut])
            start, used, last_break = cut, 0.0, None
            index = cut
            continue
        index += 1
    lines.append(text[start:])
    return lines


def balanced_lines(text: str, capacity: float) -> list[str]:
    """``text`` in lines of at most ``capacity`` em; evened out where the last would be one
    hanzi, else as the renderer would break it (one item: no break needed)."""
    lines = greedy_lines(text, capacity)
    if len(lines) < 2 or not (len(lines[-1]) == 1 and HANZI.match(lines[-1])):
        return [text]
    total = sum(width(character) for character in text)
    for target in _targets(total, len(lines), capacity):
        even = greedy_lines(text, target)
        if len(even) == len(lines) and not (len(even[-1]) == 1 and HANZI.match(even[-1])):
            return even
    return [text]


def _targets(total: float, count: int, capacity: float):
    """Line lengths to try, from the most even up to the column's width."""
    target = math.ceil(total / count * 2) / 2
    while target <= capacity:
        yield target
        target += 0.5


def capacity(percent: float, table_pt: float, size_pt: float = 10.5, inset_pt: float = 8.75):
    """Characters a column holds: ``percent`` of a table ``table_pt`` wide, less the cell's
    padding and border (``inset_pt``), in em of ``size_pt``."""
    return (percent / 100 * table_pt - inset_pt) / size_pt
