"""The words of a filing: goals present, no template placeholders, no duplicates, lengths."""

from __future__ import annotations

from collections.abc import Iterator

from pbgen.check.registry import Issue, rule
from pbgen.check.walk import TO_FILL, all_rows, is_placeholder, projects, texts
from pbgen.framework import Framework
from pbgen.model import Filing


@rule("goals-empty", "error", "每个项目要有绩效目标")
def goals_empty(filing: Filing, framework: Framework) -> Iterator[Issue]:
    for path, project in projects(filing):
        if not any(goal.strip() for goal in project.goals):
            yield Issue(
                (*path, "goals"),
                f"项目「{project.name}」没有绩效目标：请写出这笔钱今年要达到的目标。",
            )


@rule("placeholder", "warning", "不要留下模板里的占位文字（如「目标内容1」「待填」）")
def placeholder(filing: Filing, framework: Framework) -> Iterator[Issue]:
    checked = set()
    for path, project in projects(filing):
        for g, goal in enumerate(project.goals):
            checked.add((*path, "goals", g))
            if is_placeholder(goal):
                yield Issue(
                    (*path, "goals", g), f"「{goal}」是模板里的占位文字：请写出真实的绩效目标。"
                )
    for (path, _, _, indicator), _ in all_rows(filing):
        for key in ("name", "value"):
            text = getattr(indicator, key)
            checked.add((*path, key))
            if is_placeholder(text):
                yield Issue((*path, key), f"「{text}」是模板里的占位文字：请填写真实内容。")
    for path, text in texts(filing):  # every other field: only a whole 「待填」
        if path not in checked and path[:1] != ("check",) and TO_FILL.match(text):
            yield Issue(path, f"「{text.strip()}」：这里还没有填写，请填上实际内容。")


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


@rule("text-length", "error", "字数不超过 check.max_length 规定的上限")
def text_length(filing: Filing, framework: Framework) -> Iterator[Issue]:
    limits = filing.check.max_length
    for name in limits:
        if name not in LIMITABLE:
            yield Issue(
                ("check", "max_length", name),
                f"不能限制「{name}」的字数；可以限制的有 {'、'.join(LIMITABLE)}。",
            )
    for name, path, text in _texts(filing):
        limit = limits.get(name)
        if limit is not None and len(text) > limit:
            yield Issue(path, f"{name}有 {len(text)} 个字，超过了上限 {limit} 字：请精简。")
