"""Which characters the templates' fonts can print.

WeasyPrint draws a character no font has as an empty box (or drops it): emoji, and the rare
characters of CJK Extension B (𠀀 U+20000, 𪚥 U+2A6A5) that do occur in real names. The fonts
are those the templates' font stacks name (``templates/common/base.css``, read like doctor
reads it); their character maps come from fontconfig (``fc-list``, which keeps them cached),
read once per process, and only when a text has a character outside GB 2312.
"""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Blocks doctor reports, each with characters that show what it means to a clerk.
BLOCKS = [
    ("常用汉字（基本区）", 0x4E00, 0x9FFF, "乐亭"),
    ("CJK 扩展A", 0x3400, 0x4DBF, "㐀"),
    ("CJK 扩展B", 0x20000, 0x2A6DF, "𠀀、𪚥"),
    ("emoji", 0x1F300, 0x1FAFF, "😀"),
]


@dataclass(frozen=True)
class Coverage:
    families: tuple[str, ...]  # the stack's families that are installed
    charsets: tuple[tuple[tuple[str, str], ...], ...]  # each font's ranges, fontconfig's hex

    def __contains__(self, character: str) -> bool:
        """Looked up, not parsed: a CJK font's charset has thousands of ranges, and a filing
        asks for a few characters (parsing all took 0.1 s of each cold `pbgen render`)."""
        code = ord(character)
        for ranges in self.charsets:
            index = bisect.bisect_right(ranges, code, key=lambda item: int(item[0], 16)) - 1
            if index >= 0 and code <= int(ranges[index][1] or ranges[index][0], 16):
                return True
        return False

    def share(self, first: int, last: int) -> float:
        """How much of the block ``first``–``last`` the fonts cover (0–1)."""
        covered = sum(
            max(0, min(end, last) - max(start, first) + 1) for start, end in self._merged()
        )
        return covered / (last - first + 1)

    def _merged(self) -> list[list[int]]:
        ranges = sorted(
            (int(start, 16), int(end or start, 16))
            for charset in self.charsets
            for start, end in charset
        )
        merged: list[list[int]] = []
        for start, end in ranges:
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return merged


def surely_printable(character: str) -> bool:
    """ASCII and GB 2312: every Chinese font has them, no need to ask fontconfig."""
    if character.isascii():
        return True
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


STACK = re.compile(r"--(?P<role>[a-z]+):\s*(?P<stack>[^;]+);")
GENERIC = ("serif", "sans-serif")
CHARSET_RANGE = re.compile(r"([0-9a-f]+)(?:-([0-9a-f]+))?")  # fontconfig's charset: 20-7e a0


def font_stacks(css: Path) -> dict[str, list[str]]:
    """Each font role of a layout's CSS (``--fangsong: …;``) and its families, in order."""
    stacks = {}
    for match in STACK.finditer(css.read_text(encoding="utf-8")):
        families = [name.strip().strip('"') for name in match["stack"].split(",")]
        stacks[match["role"]] = [name for name in families if name not in GENERIC]
    return stacks


def stack_families(css: Path) -> list[str]:
    families = [family for stack in font_stacks(css).values() for family in stack]
    return list(dict.fromkeys(families))


@cache
def coverage(css: Path) -> Coverage | None:
    """The characters the fonts named in ``css`` cover; None without fontconfig."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(
        ["fc-list", "--format", "%{family}\t%{charset}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    wanted = set(stack_families(css))
    found: list[str] = []
    charsets: dict[str, None] = {}  # the faces of one collection (Noto CJK: 10) share theirs
    for line in listing.splitlines():
        names, _, charset = line.partition("\t")
        named = [name for name in names.split(",") if name in wanted]
        if named:
            found += named
            charsets[charset] = None
    return Coverage(
        tuple(family for family in stack_families(css) if family in found),
        tuple(tuple(CHARSET_RANGE.findall(charset)) for charset in charsets),
    )


def unprintable(text: str, css: Path) -> list[str]:
    """The characters of ``text`` no font of the stacks has, each once, in order."""
    candidates = [
        c
        for c in dict.fromkeys(text)
        if not surely_printable(c) and c.isprintable() and unicodedata.category(c)[0] != "M"
    ]
    if not candidates:
        return []
    fonts = coverage(css)
    if fonts is None:
        return []
    return [character for character in candidates if character not in fonts]
