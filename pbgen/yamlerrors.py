"""Where a YAML mistake starts, and what it is, in the clerk's terms.

The parser reports where it gave up: an unclosed quote at the end of the file, a mis-indented
key some lines later, a full-width colon on the next line. This module looks back from there:
to the opening quote or bracket (the parser's own context mark), to the first line whose
indentation fits no level above it, to a key written with a full-width colon (：), a missing
space after the colon, or full-width spaces (　) — and names the cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import get_args

import yaml

from pbgen.fields import is_model, unwrap
from pbgen.framework import available, load_framework
from pbgen.model import Filing

FULLWIDTH_SPACE = "\u3000"
FULLWIDTH_DIGITS = re.compile("[０-９]")
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#'\"{\[][^:#]*?)\s*:(\s|$)")
BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass(frozen=True)
class Diagnosis:
    line: int  # 1-based
    column: int
    message: str


@cache
def known_keys() -> frozenset[str]:
    """Every key a filing may have: the model's, the frameworks' 一级/二级 names, the months."""
    keys: set[str] = set()
    seen: set[type] = set()

    def visit(model) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            for inner in _types(unwrap(info.annotation)):
                if is_model(inner):
                    visit(inner)

    visit(Filing)
    for name in available():
        framework = load_framework(name)
        for level1, level2s in framework.levels.items():
            keys.add(level1)
            keys.update(level2s)
        keys.update(framework.aliases)
    return frozenset(keys)


def _types(annotation):
    """The classes inside ``list[X]``, ``dict[str, list[X]]``, ``X | Y``."""
    args = get_args(annotation)
    if not args:
        yield annotation
        return
    for arg in args:
        yield from _types(unwrap(arg))


def diagnose(error: yaml.MarkedYAMLError, text: str) -> Diagnosis:
    """The line where the mistake starts and a Chinese explanation."""
    lines = text.split("\n")
    problem = error.problem_mark or error.context_mark
    end = problem.line if problem else len(lines) - 1
    context = f"{error.context or ''}"
    found = (
        _quote_or_bracket(error, lines)
        or _text_after_quote(lines, end)
        or _quote_left_open(lines, end)
        or _fullwidth_colon(lines, end)
        or _missing_space(lines, end)
        or _indentation(lines, end)
    )
    if found:
        return found
    mark = problem or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Diagnosis(line, column, _generic(f"{context} {error.problem or ''}"))


def fullwidth_indentation(text: str) -> list[Diagnosis]:
    """Lines indented with full-width spaces: YAML reads 「　　name」 as a key with spaces in it,
    so they break the structure without a syntax error. Named all at once."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith(FULLWIDTH_SPACE):
            column = len(line) - len(stripped) + 1
            found.append(
                Diagnosis(
                    number,
                    column,
                    "缩进里有全角空格（　）：YAML 只认半角空格，请把行首的全角空格换成半角空格"
                    "（中文输入法下按 Shift+空格 切换全角/半角）。",
                )
            )
    return found


def _fullwidth_colon(lines: list[str], end: int) -> Diagnosis | None:
    """「layout：wenben」: a known key followed by a full-width colon, at or above the line
    where the parser stopped (it reads the line as text and fails on a later one)."""
    for number in range(min(end, len(lines) - 1), max(-1, end - 4), -1):
        match = re.match(r"^( *)(- +)?([^\s:：#]+?)\s*：", lines[number])
        if match and match.group(3) in known_keys() and ":" not in lines[number][: match.end()]:
            column = match.end()
            key = match.group(3)
            return Diagnosis(
                number + 1,
                column,
                f"「{key}」后面是全角冒号「：」：键和值之间要用半角冒号加空格，"
                f"写成「{key}: …」（切换到英文输入法再输入冒号）。",
            )
    return None


def _missing_space(lines: list[str], end: int) -> Diagnosis | None:
    """「layout:wenben」: a known key with no space after its colon."""
    for number in range(min(end, len(lines) - 1), max(-1, end - 4), -1):
        match = re.match(r"^( *)(- +)?([^\s:#]+?):(?=[^\s])", lines[number])
        if match and match.group(3) in known_keys():
            key = match.group(3)
            return Diagnosis(
                number + 1,
                match.end(),
                f"「{key}:」后面缺一个空格：键的冒号后要空一格，写成「{key}: …」。",
            )
    return None


def _quote_or_bracket(error: yaml.MarkedYAMLError, lines: list[str]) -> Diagnosis | None:
    """An unclosed quote or bracket: point at where it opens."""
    context = error.context or ""
    mark = error.context_mark
    if mark is None:
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    opener = line[mark.column : mark.column + 1]
    if "quoted scalar" in context:
        return Diagnosis(
            mark.line + 1,
            mark.column + 1,
            f"引号没有配对：这里的「{opener}」开始一段文字，却没有收尾的「{opener}」。"
            f"请在文字末尾补上「{opener}」；若文字本身含有{opener}，改用另一种引号括起整段。",
        )
    if "flow mapping" in context or "flow sequence" in context:
        closer = "}" if opener == "{" else "]"
        return Diagnosis(
            mark.line + 1,
            mark.column + 1,
            f"括号没有配对：这里的「{opener}」没有对应的「{closer}」，或者其中少了逗号。"
            f"请在同一行末尾补上「{closer}」，各项之间用半角逗号加空格隔开。",
        )
    return None


def _quote_left_open(lines: list[str], end: int) -> Diagnosis | None:
    """A value whose opening quote is not closed on its line: the text runs on into the
    next lines, and the parser fails where that text meets the next quote."""
    for number in range(end - 1, max(-1, end - 6), -1):
        line = lines[number]
        match = re.search(r"(:\s+|^\s*-\s+)([\"'])", line)
        if match and match.group(2) not in line[match.end() :]:
            quote = match.group(2)
            return Diagnosis(
                number + 1,
                match.start(2) + 1,
                f"引号没有配对：这里的「{quote}」开始一段文字，这一行却没有收尾的「{quote}」，"
                "于是后面几行都被当成了这段文字。请在这一行末尾补上收尾的引号。",
            )
    return None


def _text_after_quote(lines: list[str], end: int) -> Diagnosis | None:
    """「name: "大走访"微协商」: a quote closes before the text ends."""
    line = lines[end] if end < len(lines) else ""
    match = re.search(r"(:\s+|^\s*-\s+)([\"'])(.*?)\2\s*([^\s#,}\]].*)$", line)
    if not match:
        return None
    quote = match.group(2)
    return Diagnosis(
        end + 1,
        match.start(2) + 1,
        f"引号只能括住整段文字：{quote}{match.group(3)}{quote} 后面还有「{match.group(4)[:10]}」。"
        "若文字中要用引号，请改用中文引号“”，或用另一种引号括起整段。",
    )


def _indentation(lines: list[str], end: int) -> Diagnosis | None:
    """The first line, up to ``end``, whose indentation fits no level above it: a key further
    in than a line that opens no block, a key on the column of a list's 「- 」, or a key back
    out at a column where no level starts."""
    levels: list[tuple[int, str]] = []  # (indent, "map" or "list") of the open levels
    opens = True  # the previous line was a key without a value: a deeper level may follow
    block: int | None = None  # a |- text follows: lines deeper than this are its text
    for number, line in enumerate(lines[: end + 1]):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not stripped or indent > block):
            continue
        block = None
        if not stripped or stripped.startswith("#"):
            continue
        match = KEY_LINE.match(line)
        item = stripped == "-" or stripped.startswith("- ")
        if match is None and not item:
            continue  # the continuation of a text
        kind = "list" if item else "map"
        if levels and indent > levels[-1][0]:
            if not opens:
                return Diagnosis(
                    number + 1,
                    indent + 1,
                    "缩进不对：这一行比上一行缩进得多，但上一行已经写了值，不能在它下面再分层。"
                    "请与上一行的键左对齐。",
                )
            levels.append((indent, kind))
        else:
            inner = levels[-1][0] if levels else 0
            while levels and indent < levels[-1][0]:
                inner = levels.pop()[0]
            if levels and indent != levels[-1][0]:
                return _misaligned(number, indent, levels[-1][0], inner)
            if levels and kind == "map" and levels[-1][1] == "list":
                return Diagnosis(
                    number + 1,
                    indent + 1,
                    "缩进不对：这个键对齐到了上面列表的「- 」上。它若属于上一项，请再缩进"
                    "两格，与那一项的第一个键对齐；若是新的一项，请在前面加「- 」。",
                )
            if not levels:
                levels.append((indent, kind))
            elif levels[-1][1] != kind and kind == "list":
                levels[-1] = (indent, kind)  # a list on its parent key's column
        dash = (match.group("dash") if match else None) or ("- " if item else "")
        if item and match:  # "- key: value": the item's keys line up after the dash
            levels.append((indent + len(dash), "map"))
        rest = line[match.end() :].strip() if match else stripped[1:].strip()
        opens = rest == "" or rest.startswith("#")
        if BLOCK_SCALAR.search(line) or (item and not match and rest.startswith(("|", ">"))):
            block = indent + len(dash) if match and item else indent
            opens = False
    return None


def _misaligned(number: int, indent: int, outer: int, inner: int) -> Diagnosis:
    return Diagnosis(
        number + 1,
        indent + 1,
        f"缩进不对：这一行从第 {indent + 1} 列开始，上面的层次从第 {outer + 1} 列或第 "
        f"{inner + 1} 列开始，对不齐。属于哪一层，就与那一层的键左对齐（用半角空格）。",
    )


GENERIC = [
    (
        "mapping values are not allowed",
        "这里不能出现「: 」。若文字本身含有冒号加空格，请给整段文字加引号。",
    ),
    ("could not find expected ':'", "缺少「: 」：键和值之间要用半角冒号加空格。"),
    (
        "found character that cannot start any token",
        "这个字符不能出现在值的开头（如 @ ` %），请给整段文字加引号。",
    ),
    ("found undefined alias", "「*」开头的文字会被当作引用，请给整段文字加引号。"),
    ("did not find expected key", "缩进不齐：同一层的键要左对齐。"),
    ("did not find expected '-' indicator", "列表项的缩进不齐：同一列表的「- 」要对齐。"),
    ("expected <block end>, but found", "缩进不齐：同一层的键要左对齐。"),
    ("found duplicate anchor", "「&」开头的文字会被当作锚点，请给整段文字加引号。"),
]


def _generic(problem: str) -> str:
    hint = next((text for key, text in GENERIC if key in problem), "请检查这一行的缩进和引号。")
    return f"YAML 格式错误：{hint}"


MAPPING_EXPECTED = {"model_type", "model_attributes_type", "dict_type"}


def typing_slip(kind: str, value) -> str:
    """For a type error: the input-method slip that explains it (full-width digits, a key
    written with a full-width colon or without the space), or ""."""
    if not isinstance(value, str):
        return ""
    if FULLWIDTH_DIGITS.search(value):
        fixed = value.translate({ord("０") + i: str(i) for i in range(10)} | {ord("．"): "."})
        return f"「{value}」用了全角数字：请改成半角，写成「{fixed}」。"
    match = re.match(r"^\s*([^\s:：]+)\s*(：|:(?=\S))\s*(.*)$", value, re.DOTALL)
    if kind in MAPPING_EXPECTED and match and match.group(1) in known_keys():
        key, rest = match.group(1), match.group(3).split("\n")[0]
        cause = "用了全角冒号「：」" if match.group(2) == "：" else "冒号后面缺一个空格"
        return f"「{key}{match.group(2)}」{cause}：键和值之间要用半角冒号加空格，写成「{key}: {rest}」。"
    return ""
