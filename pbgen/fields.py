"""Name a place in a filing the way the document does.

A path such as ``("units", 0, "projects", 2, "fiscal")`` becomes 项目「委员视察经费」的 财政资金:
titles come from the model, item names from the filing itself.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pbgen.model import Filing

Path = tuple[str | int, ...]

# How one item of a list of records is called, and which of its keys names it.
ITEM_NOUNS: dict[str, tuple[str, str]] = {
    "Unit": ("单位", "name"),
    "Project": ("项目", "name"),
    "Indicator": ("三级指标", "name"),
    "Duty": ("职责", "name"),
    "TitledText": ("", "title"),
    "ScheduleItem": ("", "task"),
}
SHOWN_NAME_LENGTH = 16


@dataclass(frozen=True)
class Step:
    """One segment of a path: its label and the type found there."""

    label: str
    annotation: Any
    is_field: bool


def unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that holds the data."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def field_by_key(model: type[BaseModel], key: str) -> tuple[str, FieldInfo] | None:
    """The model field written as ``key`` in YAML (its alias, else its name)."""
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return name, info
    return None


def field_title(info: FieldInfo, name: str) -> str:
    return info.title or name


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_NAME_LENGTH else text[: SHOWN_NAME_LENGTH - 1] + "…"


def walk(path: Sequence[str | int], data: Any, root: type[BaseModel] = Filing) -> list[Step]:
    """Follow ``path`` through the model (for titles) and the raw data (for item names)."""
    steps: list[Step] = []
    annotation: Any = root
    node = data
    list_title = ""
    for segment in path:
        annotation = unwrap(annotation)
        if is_model(annotation) and isinstance(segment, int) and "items" in annotation.model_fields:
            annotation = unwrap(annotation.model_fields["items"].annotation)  # a bare list: items
        origin = get_origin(annotation)
        if is_model(annotation) and isinstance(segment, str):
            found = field_by_key(annotation, segment)
            if found is None:
                steps.append(Step(segment, None, True))
                annotation = None
            else:
                name, info = found
                list_title = field_title(info, name)
                if (
                    segment == "indicators"
                    and isinstance(node, dict)
                    and node.get("period_indicators")
                ):
                    list_title = "年度绩效指标"  # next to the 实施期 tree: say which
                steps.append(Step(list_title, info.annotation, True))
                annotation = info.annotation
        elif origin is list and isinstance(segment, int):
            (item_type,) = get_args(annotation)
            item_type = unwrap(item_type)
            steps.append(Step(_item_label(item_type, segment, node, list_title), item_type, False))
            annotation = item_type
        elif origin is dict:
            steps.append(Step(str(segment), get_args(annotation)[1], False))
            annotation = get_args(annotation)[1]
        else:
            steps.append(Step(str(segment), None, False))
            annotation = None
        node = _child(node, segment)
    return steps


def _child(node: Any, segment: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(segment)
    if isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
        return node[segment]
    return None


def _item_label(item_type: Any, index: int, parent: Any, list_title: str) -> str:
    item = _child(parent, index)
    noun, key = ITEM_NOUNS.get(getattr(item_type, "__name__", ""), ("", ""))
    name = item if isinstance(item, str) else item.get(key) if isinstance(item, dict) else None
    if noun and key and isinstance(name, str):
        return f"{noun}「{_shorten(name)}」"
    position = f"{list_title}第{index + 1}项"
    return f"{position}「{_shorten(name)}」" if isinstance(name, str) else position


def describe(path: Sequence[str | int], data: Any) -> str:
    """项目「委员视察经费」的 财政资金 — the path as a clerk reads it."""
    steps = walk(path, data)
    if len(data.get("units") or []) == 1 if isinstance(data, dict) else False:
        steps = _drop_single_unit(steps, path)
    labels = [step.label for step in _without_redundant(steps)]
    if len(labels) >= 2 and steps[-1].is_field:
        return " › ".join(labels[:-1]) + "的 " + labels[-1]
    return " › ".join(labels)


def _without_redundant(steps: list[Step]) -> list[Step]:
    """Drop a list's title where its item already says what it is (预算项目 › 项目「…」,
    绩效目标 › 绩效目标第1项), and the indicator tree's title before a 一级 name."""
    kept = []
    for step, following in zip(steps, [*steps[1:], None][: len(steps)], strict=True):
        if not step.label:
            continue
        if (
            following is not None
            and step.is_field
            and not following.is_field
            and (
                following.label.startswith(step.label)
                or "「" in following.label
                or step.label == "绩效指标"
            )
        ):
            continue
        kept.append(step)
    return kept


def _drop_single_unit(steps: list[Step], path: Sequence[str | int]) -> list[Step]:
    """With one unit only, 「单位…› 预算项目 ›」 says nothing: start at the project."""
    if len(path) >= 4 and path[0] == "units" and path[2] == "projects":
        return steps[3:]
    return steps


def allowed_keys(path: Sequence[str | int], data: Any) -> list[tuple[str, str]]:
    """(key, title) of every field allowed at ``path`` (a model), for 'did you mean'."""
    annotation = unwrap(walk(path, data)[-1].annotation) if path else Filing
    if not is_model(annotation):
        return []
    return [
        (info.alias or name, field_title(info, name))
        for name, info in annotation.model_fields.items()
    ]
