"""The words of a filing: goals present, no template placeholders, no duplicates, lengths."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field, PositiveInt

from pbgen.check.registry import Issue, Param, no_looser_limits, rule
from pbgen.check.walk import (
    TO_FILL,
    UNFILLED,
    all_rows,
    indicator_trees,
    is_placeholder,
    projects,
    texts,
)
from pbgen.findings import HIDDEN, visible
from pbgen.fontcover import coverage, unprintable
from pbgen.framework import Framework
from pbgen.model import Filing
from pbgen.resources import templates_dir


@rule("goals-empty", "error", "每个项目要有绩效目标")
def goals_empty(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, project in projects(filing):
        if not any(goal.strip() for goal in project.goals):
            yield Issue(
                (*path, "goals"),
                f"项目「{project.name}」没有绩效目标：请写出这笔钱今年要达到的目标。",
            )


@rule(
    "to-fill",
    "error",
    "「待填」处要填上实际内容，项目预算数不能为 0（init 的骨架即如此）",
    words=Param(
        Annotated[list[str], Field(min_length=1)],
        [UNFILLED],
        "算作「还没有填写」的字，如 [待填, 待定]；出现在任何字段里都是错误",
    ),
)
def to_fill(filing: Filing, framework: Framework, *, words) -> Iterator[Issue]:
    for path, text in texts(filing):
        found = next((word for word in words if word in text), None)
        if path[:1] != ("check",) and found:
            yield Issue(
                path,
                f"「{visible(text.strip(), 40)}」：这里还没有填写，请把「{found}」换成实际内容。",
            )
    for path, project in projects(filing):
        if project.budget == 0:
            yield Issue(
                (*path, "budget"),
                "预算数是 0：请填写这个项目今年的预算金额（单位见 money_unit）；"
                "没有预算的项目请删去。",
            )


def _placeholder(text: str | None) -> bool:
    """Template text other than 「待填」 (which ``to-fill`` reports as an error)."""
    return is_placeholder(text) and UNFILLED not in (text or "")


@rule("placeholder", "warning", "不要留下模板里的占位文字（如「目标内容1」「XX」「待定」）")
def placeholder(filing: Filing, framework: Framework) -> Iterator[Issue]:
    checked = set()
    for path, project in projects(filing):
        for g, goal in enumerate(project.goals):
            checked.add((*path, "goals", g))
            if _placeholder(goal):
                yield Issue(
                    (*path, "goals", g), f"「{goal}」是模板里的占位文字：请写出真实的绩效目标。"
                )
    for (path, _, _, indicator), _ in all_rows(filing):
        for key in ("name", "value"):
            text = getattr(indicator, key)
            checked.add((*path, key))
            if _placeholder(text):
                yield Issue((*path, key), f"「{text}」是模板里的占位文字：请填写真实内容。")
    for path, text in texts(filing):  # every other field: only a whole 「待定」, 「XX」…
        if path not in checked and path[:1] != ("check",) and TO_FILL.match(text):
            yield Issue(path, f"「{text.strip()}」：这里还没有确定，请填上实际内容。")


@rule("duplicate-project", "error", "项目编码、项目名称不能重复")
def duplicate_project(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for key, title in (("code", "项目编码"), ("name", "项目名称")):
        seen: dict[str, str] = {}
        for path, project in projects(filing):
            value = getattr(project, key)
            if value is None:
                continue
            if value in seen:
                yield Issue(
                    (*path, key),
                    f"{title}「{value}」与项目「{seen[value]}」重复："
                    "同一项目请合并，不同项目请改正。",
                )
            else:
                seen[value] = project.name


# The fields a finance bureau may limit, by the name used in ``check.max_length``.
def _texts(filing: Filing) -> Iterator[tuple[str, tuple, str]]:
    for path, project in projects(filing):
        yield "项目名称", (*path, "name"), project.name
        if project.purpose:
            yield "资金用途", (*path, "purpose"), project.purpose
        for g, goal in enumerate(project.goals):
            yield "绩效目标", (*path, "goals", g), goal
    for (path, _, _, indicator), _ in all_rows(filing):
        yield "三级指标", (*path, "name"), indicator.name
        if indicator.description:
            yield "绩效指标描述", (*path, "description"), indicator.description
        if indicator.value:
            yield "指标值", (*path, "value"), indicator.value


LIMITABLE = ("项目名称", "资金用途", "绩效目标", "三级指标", "绩效指标描述", "指标值")


def _limits(value: dict[str, int]) -> dict[str, int]:
    unknown = [name for name in value if name not in LIMITABLE]
    if unknown:
        raise ValueError(
            f"不能限制「{'、'.join(unknown)}」的字数；可以限制的有 {'、'.join(LIMITABLE)}"
        )
    return value


@rule(
    "text-length",
    "error",
    "字数不超过规定的上限",
    max_length=Param(
        Annotated[dict[str, PositiveInt], AfterValidator(_limits)],
        {},
        "各字段的字数上限，如 {三级指标: 20, 绩效目标: 200}；可限制：" + "、".join(LIMITABLE),
        no_looser_limits,
    ),
)
def text_length(filing: Filing, framework: Framework, *, max_length) -> Iterator[Issue]:
    limits = max_length
    for name, path, text in _texts(filing):
        limit = limits.get(name)
        if limit is not None and len(text) > limit:
            yield Issue(path, f"{name}有 {len(text)} 个字，超过了上限 {limit} 字：请精简。")


# -- characters that do not show what they are --------------------------------------------------

INVISIBLE_NAMES = {
    "\u202a": "从左到右嵌入 LRE", "\u202b": "从右到左嵌入 RLE", "\u202c": "方向格式结束 PDF",
    "\u202d": "从左到右覆盖 LRO", "\u202e": "从右到左覆盖 RLO", "\u2066": "从左到右隔离 LRI",
    "\u2067": "从右到左隔离 RLI", "\u2068": "首字隔离 FSI", "\u2069": "方向隔离结束 PDI",
    "\u200e": "从左到右标记 LRM", "\u200f": "从右到左标记 RLM", "\u061c": "阿拉伯字母标记 ALM",
    "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字", "\u2060": "零宽不换行",
    "\ufeff": "零宽不换行空格（BOM）", "\u00ad": "软连字符", "\x1b": "转义符 ESC",
}  # fmt: skip


def invisible(character: str) -> bool:
    """A character that shows nothing, or reorders what is around it (bidi controls), or has
    no meaning at all (private use, unassigned)."""
    return character not in "\n\t" and unicodedata.category(character) in HIDDEN


def _all_texts(filing: Filing) -> Iterator[tuple[tuple, str]]:
    """Every text of the filing, the 一级/二级 headings of indicator trees (keys) included."""
    yield from texts(filing)
    for tree_path, tree, _ in indicator_trees(filing):
        for level1, groups in tree.items():
            yield (*tree_path, level1), level1
            for level2 in groups:
                yield (*tree_path, level1, level2), level2


def describe_character(character: str) -> str:
    code = f"U+{ord(character):04X}"
    name = INVISIBLE_NAMES.get(character) or unicodedata.name(character, "")
    return f"{code}（{name}）" if name else code


@rule("invisible-character", "error", "不能有看不见的字符（零宽字符、文字方向控制符等）")
def invisible_character(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, text in _all_texts(filing):
        found = [c for c in dict.fromkeys(text) if invisible(c)]
        if found:
            yield Issue(
                path,
                f"「{visible(text, 40)}」里有看不见的字符 {'、'.join(map(describe_character, found))}"
                "：它们不显示，却会改变文字的显示顺序或让相同的文字不再相同"
                "（如把「≤10」显示成「01≥」）。请删去（常从网页或其他软件复制带入）。",
            )


@rule("font-coverage", "warning", "字体里没有的字（emoji、生僻字）在 PDF 里会印成空框")
def font_coverage(filing: Filing, framework: Framework) -> Iterator[Issue]:
    css = templates_dir() / "common" / "base.css"
    for path, text in _all_texts(filing):
        missing = unprintable(text, css)
        if missing:
            fonts = "、".join(coverage(css).families[:4])
            shown = "、".join(f"「{c}」（U+{ord(c):04X}）" for c in missing)
            yield Issue(
                path,
                f"{shown} 不在模板的字体（{fonts}）里，PDF 中会印成空框：请改用常用字或文字说明；"
                "若必须用这个字，请安装含它的字体（CJK 扩展B 至 F 的字，Windows 有 SimSun-ExtB，"
                "Linux 可装 fonts-hanazono），没有列在字体栈里的还要加进 templates/common/base.css。",
            )
