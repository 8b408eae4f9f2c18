"""The JSON Schema of a filing, for editors: completion, hover help and validation as you type.

Titles and descriptions are the document's Chinese terms; the models' English docstrings are
for engineers and are left out.
"""

from __future__ import annotations

import json
from typing import Any

from pbgen.model import Filing

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def filing_schema() -> dict[str, Any]:
    schema = Filing.model_json_schema(mode="validation")
    layout = schema["properties"]["layout"]
    layout.pop("type", None)
    layout["anyOf"] = [{"enum": builtin_layout_names()}, {"type": "string"}]
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    schema.pop("description", None)
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "description": "pbgen 部门预算绩效文本：一份 YAML 文件即一个部门一个年度的绩效文本。",
    }


def builtin_layout_names() -> list[str]:
    """Ids, names and aliases of pbgen's own layouts, for completion; a department's own
    layouts are accepted too (any text), and checked when rendering."""
    from pbgen.layouts import BUILT_IN, find_layouts

    return [
        name
        for layout in find_layouts()
        if layout.origin == BUILT_IN
        for name in (layout.id, layout.name, *layout.manifest.aliases)
    ]


def schema_text() -> str:
    return json.dumps(filing_schema(), ensure_ascii=False, indent=2) + "\n"
