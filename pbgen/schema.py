"""The JSON Schema of a filing, for editors: completion, hover help and validation as you type.

It starts from the model's own schema (pydantic) and is shaped for the editors clerks use
(VS Code's YAML extension, i.e. yaml-language-server, and any JSON Schema validator):

- titles and descriptions are the document's Chinese terms; the models' English docstrings
  are for engineers and are left out;
- an optional field is one schema whose ``type`` includes ``null``, never an
  ``anyOf [..., null]`` wrapper, whose errors read as "not valid under any of the given schemas";
- every indicator tree lists the 一级 and 二级 names of the frameworks, so typing under
  ``产出指标:`` offers 数量指标, 质量指标…; other names stay allowed (aliases, local frameworks)
  and are judged by ``pbgen check``;
- messages an editor shows for a wrong value are Chinese (``errorMessage``,
  ``patternErrorMessage``: yaml-language-server and VS Code read them; other validators ignore
  them).
"""

from __future__ import annotations

import json
from typing import Any

from pbgen.framework import all_frameworks
from pbgen.kit import Kit, TableSpec, builtin_kit
from pbgen.layouts import find_layouts
from pbgen.model import Filing

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
INDICATOR = "#/$defs/Indicator"
NULL = {"type": "null"}


def filing_schema(kit: Kit | None = None) -> dict[str, Any]:
    """The schema for a filing under ``kit`` (pbgen's own by default): its frameworks' names,
    its layouts, its tables and slots."""
    kit = kit or builtin_kit()
    schema = Filing.model_json_schema(mode="validation")
    layout = schema["properties"]["layout"]
    layout.pop("type", None)
    layout["anyOf"] = [{"enum": layout_names(kit)}, {"type": "string"}]
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    schema.pop("description", None)
    schema = _for_editors(schema, all_frameworks(kit), kit.default_framework)
    _with_tables_and_slots(schema, kit)
    definitions = schema.get("$defs", {})
    _name_definitions(schema, definitions)
    for definition in definitions.values():
        definition.pop("type", None)  # typed where used: ``object``, or ``[object, null]``
    _explain(schema)
    for definition in definitions.values():
        _explain(definition)
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "description": "pbgen 部门预算绩效文本：一份 YAML 文件即一个部门一个年度的绩效文本。",
    }


def layout_names(kit: Kit) -> list[str]:
    """Ids, names and aliases of the kit's layouts (pbgen's own and the bureau's), for
    completion; a department's own layouts are accepted too (any text), and checked when
    rendering."""
    return [
        name
        for layout in find_layouts(kit=kit)
        for name in (layout.id, layout.name, *layout.manifest.aliases)
    ]


def schema_text(kit: Kit | None = None) -> str:
    return json.dumps(filing_schema(kit), ensure_ascii=False, indent=2) + "\n"


def _for_editors(node: Any, frameworks: list, default: str) -> Any:
    """The schema, bottom up: null wrappers folded, objects typed where they are used, indicator
    trees with the frameworks' names."""
    if isinstance(node, list):
        return [_for_editors(item, frameworks, default) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_editors(value, frameworks, default) for key, value in node.items()}
    if "anyOf" in node and NULL in node["anyOf"]:
        node = _nullable(node)
    if _is_indicator_tree(node):
        node = _with_framework_names(node, frameworks, default)
    if "$ref" in node:
        node.setdefault("type", "object")
    return node


def _name_definitions(node: Any, definitions: dict) -> None:
    """A definition is titled by the Chinese term of a field that holds it (Project → 预算项目):
    editors show the title in completion and hover."""
    if isinstance(node, list):
        for item in node:
            _name_definitions(item, definitions)
    if not isinstance(node, dict):
        return
    for field in node.get("properties", {}).values():
        target = field.get("items", field).get("$ref", "")
        name = target.removeprefix("#/$defs/")
        if name in definitions and definitions[name].get("title") == name:
            definitions[name]["title"] = field["title"]
    for value in node.values():
        _name_definitions(value, definitions)


def _explain(node: dict) -> None:
    """Every field's hover and completion text starts with its Chinese term; every object says
    in Chinese what it needs, where an editor would print its English "Missing property"."""
    properties = node.get("properties", {})
    for key, field in properties.items():
        title = field.get("title", key)
        # completion shows ``description``, hover ``markdownDescription``: the keys are English,
        # so both start with the term the document uses
        explained = field.get("description", "")
        field["description"] = f"{title}：{explained}" if explained else title
        field["markdownDescription"] = f"**{title}**" + (f"　{explained}" if explained else "")
        kinds = field.get("type", [])
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "string" in kinds and "object" not in kinds and "pattern" not in field:
            shape = "一段文字" if "array" not in kinds else "一段文字，或以 - 开头逐条列出"
            field.setdefault("errorMessage", f"「{title}」应为{shape}。")
        _explain(field)
    if properties or "additionalProperties" in node:
        # yaml-language-server prints this for a wrong type, a missing key and an unknown key
        # alike (the squiggle marks which): one Chinese sentence that helps with all three
        required = "、".join(
            f"{properties[key].get('title', key)}（{key}）" for key in node.get("required", [])
        )
        node.setdefault(
            "errorMessage",
            f"「{node.get('title', '')}」应写成「键: 值」的各项，可写的键按 Ctrl+空格 查看"
            + (f"；必填：{required}。" if required else "。"),
        )


def _nullable(node: dict) -> dict:
    """``anyOf [A, B, null]`` → one schema accepting A, B or null (an empty key in YAML).

    Keywords of JSON Schema apply to one type each (``pattern`` to strings, ``items`` to
    arrays, ``properties`` to objects), so branches of different types merge without changing
    what is valid. A referenced object stays a ``$ref`` beside ``type: [object, null]``: its
    definition leaves out ``type`` and so constrains objects only.
    """
    branches = [branch for branch in node.pop("anyOf") if branch != NULL]
    merged: dict[str, Any] = {}
    types: list[str] = []
    for branch in branches:
        branch = dict(branch)
        if "$ref" in branch:
            branch.setdefault("type", "object")
        kind = branch.pop("type", None)
        types += kind if isinstance(kind, list) else [kind] if kind else []
        for key, value in branch.items():
            if key in merged and merged[key] != value:
                return {**node, "anyOf": [*branches, NULL]}  # not mergeable: keep it as it was
            merged[key] = value
    if node.get("default", 0) is None:
        del node["default"]  # an editor would offer to insert ``null``
    return {**node, **merged, "type": [*dict.fromkeys(types), "null"]}


def _is_indicator_tree(node: dict) -> bool:
    """一级 → 二级 → list of 三级 rows, however the model names the field."""
    level2 = node.get("additionalProperties")
    if not isinstance(level2, dict):
        return False
    rows = level2.get("additionalProperties")
    return isinstance(rows, dict) and rows.get("items", {}).get("$ref") == INDICATOR


def _with_framework_names(tree: dict, frameworks: list, default: str) -> dict:
    """The 一级 and 二级 names of every framework as known properties, for completion and
    hover (a framework's own description of a class when it gives one); the names not listed
    stay allowed, as ``pbgen check`` judges them."""
    rows = tree["additionalProperties"]["additionalProperties"]
    level1: dict[str, dict] = {}
    for framework in sorted(frameworks, key=lambda f: f.name != default):  # the default first
        for first, seconds in framework.levels.items():
            entry = level1.setdefault(
                first,
                {
                    "title": first,
                    "description": f"一级指标「{first}」，其下按二级指标分组。",
                    "type": "object",
                    "properties": {},
                    "additionalProperties": rows,
                },
            )
            for second in seconds:
                defined = framework.definitions.get(second, "").rstrip("。")
                entry["properties"].setdefault(
                    second,
                    {
                        **rows,
                        "title": second,
                        "description": f"二级指标「{second}」{('：' + defined) if defined else ''}。"
                        "三级指标逐行列出，如 - {name: 宣传次数, value: ≥10次, basis: 年初工作安排}。",
                    },
                )
        for first in framework.levels:
            level1[first].setdefault("frameworks", []).append(framework.title)
    for entry in level1.values():
        titles = entry.pop("frameworks")
        entry["description"] += f"见{'、'.join(titles)}。"
    return {**tree, "properties": level1}


# -- what the kit adds ----------------------------------------------------------------------

RECORDS = {"filing": None, "department": "Department", "unit": "Unit", "project": "Project"}


def _record(schema: dict, level: str) -> dict:
    name = RECORDS[level]
    return schema if name is None else schema["$defs"][name]


def _with_tables_and_slots(schema: dict, kit: Kit) -> None:
    """The kit's tables under ``tables`` and its slots under ``extra``, where each is written,
    so an editor completes 表名, 列名 and 栏目 with their Chinese titles."""
    for key, spec in kit.tables().items():
        tables = _record(schema, spec.on)["properties"]["tables"]
        tables.setdefault("properties", {})[key] = _table_schema(spec)
    for level in RECORDS:
        slots = kit.slots(level)
        if slots:
            extra = _record(schema, level)["properties"]["extra"]
            extra["properties"] = {
                slot.label: _explained(
                    {"type": ["string", "number"]},
                    slot.label,
                    slot.description or "本地表格的栏目，由 kit 声明；每行一段。",
                )
                for slot in slots
            }


def _explained(node: dict, title: str, text: str) -> dict:
    """A property an editor shows with its Chinese term and what to write (as ``_explain``)."""
    return {
        **node,
        "title": title,
        "description": f"{title}：{text}",
        "markdownDescription": f"**{title}**　{text}",
    }


def _table_schema(spec: TableSpec) -> dict:
    cell = {"type": ["string", "number", "null"]}
    kinds = {"text": "文字", "money": "金额（全文的金额单位）", "formula": "测算说明，算式会核算"}
    row = {
        "type": "object",
        "properties": {
            c.key: _explained(cell, c.title, f"这一列的{kinds[c.type]}。") for c in spec.columns
        },
        "additionalProperties": False,
    }
    money = {
        c.key: _explained(cell, f"{c.title}合计", "写了就核对，不写由 pbgen 相加。")
        for c in spec.columns
        if c.type == "money"
    }
    columns = "、".join(f"{c.key}（{c.title}）" for c in spec.columns)
    return {
        **_explained(
            {"type": ["object", "array"], "items": row, "additionalProperties": False},
            spec.title,
            f"每行写 {columns}。{spec.description}",
        ),
        "properties": {
            "rows": _explained({"type": "array", "items": row}, "各行", "每行一项：列名 → 内容。"),
            "total": _explained(
                {"type": "object", "properties": money}, "合计", "合计行，如 {amount: 5.00}。"
            ),
        },
    }
