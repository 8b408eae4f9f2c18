"""``pbgen init``: start a department's folder.

The filing skeleton has every section of the chosen layout, 「待填」 where the clerk writes, and
a Chinese comment on each key taken from the model's own titles and descriptions (so it never
says something the model no longer means). Beside it: the JSON Schema the modeline points to
(relatively, so the folder can move, on any system), the editor settings, ``.editorconfig``
and a ``.gitignore`` for the outputs.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pbgen.errors import PbgenError
from pbgen.fields import field_by_key, is_model, unwrap
from pbgen.framework import load_framework
from pbgen.kit import Kit, builtin_kit
from pbgen.kitstore import kit_for, use
from pbgen.layouts import find_layout
from pbgen.model import FORMAT, Department, Filing, Indicator, Project, Unit
from pbgen.repo import init_repository
from pbgen.schema import schema_text
from pbgen.write import append_missing_lines, write_atomic
from pbgen.yamlout import LONG_KEYS, SCHEMA_NAME, scalar

TODO = "待填"
PLAN = {"3月底": None, "6月底": None, "10月底": None, "12月底": "100%"}


def _indicators(fields: list[str], kit: Kit) -> dict:
    """One row under every 二级 of the kit's framework: the clerk keeps the ones that apply."""
    row = {key: TODO for key in fields}
    levels = load_framework(kit.default_framework, kit).levels
    return {
        level1: {level2: [dict(row)] for level2 in level2s} for level1, level2s in levels.items()
    }


# Fields whose shape a generic filler would get wrong: the forms a clerk should start from.
SHAPES: dict[str, Any] = {
    "overall_goal": {"text": TODO},
    "sub_goals": {"items": [{"title": TODO, "text": TODO}]},
    "safeguards": {"items": [TODO]},
    "spending_plan": PLAN,
    "period": TODO,
}
TREES = {"indicators", "period_indicators", "department_indicators"}
ROW_DEFAULT = ["name", "value"]


def skeleton(layout, department: str | None, year: int, kit: Kit | None = None) -> dict:
    """The filing's data for ``layout`` (a ``pbgen.layouts.Layout``): every field its manifest
    needs or prints, 「待填」 (or 0.00 for money) to fill, in the model's order; indicator
    trees in the kit's framework, the kit's tables and slots where the layout prints them."""
    kit = kit or builtin_kit()
    data: dict = {
        "pbgen": str(FORMAT),
        "year": str(year),
        "layout": layout.id,
        "money_unit": "万元",
    }
    department_data: dict = {"name": department or TODO}
    unit: dict = {"name": TODO}
    project: dict = {"name": TODO, "budget": "0.00"}
    tops: dict = {}
    rows: dict[str, list[str]] = {}  # indicator tree → the row fields the layout prints
    manifest = layout.manifest
    for entry in (*manifest.needs, *manifest.prints):
        path = entry if isinstance(entry, str) else entry.path
        if path.startswith("projects[]"):
            path = "units[]." + path
        parts = path.split(".")
        if parts[0] == "department" and len(parts) == 2:
            department_data.setdefault(parts[1], _fill(Department, parts[1]))
        elif parts[0] == "department" and len(parts) == 3 and parts[1] in KIT_KEYS:
            _kit_field(department_data, parts[1], parts[2], kit)
        elif parts[:2] == ["units[]", "projects[]"] and len(parts) == 4 and parts[2] in KIT_KEYS:
            _kit_field(project, parts[2], parts[3], kit)
        elif parts[0] in KIT_KEYS and len(parts) == 2:
            _kit_field(tops, parts[0], parts[1], kit)
        elif parts[:2] == ["units[]", "projects[]"] and len(parts) >= 3:
            key = parts[2].removesuffix("[]")
            if key in TREES:
                fields = rows.setdefault(f"project.{key}", [])
                if len(parts) == 4 and parts[3] not in fields:
                    fields.append(parts[3])
            else:
                project.setdefault(key, _fill(Project, key))
        elif parts[0] == "units[]" and len(parts) == 2:
            unit.setdefault(parts[1], _fill(Unit, parts[1]))
        else:
            key = parts[0].removesuffix("[]")
            if key in TREES:
                fields = rows.setdefault(f"top.{key}", [])
                if len(parts) == 2 and parts[1] not in fields:
                    fields.append(parts[1])
            elif key not in data:
                tops.setdefault(key, _fill(Filing, key))
    for where, fields in rows.items():
        owner, key = where.split(".")
        (project if owner == "project" else tops)[key] = _indicators(fields or ROW_DEFAULT, kit)
    unit["projects"] = [_ordered(project, Project)]
    tops["department"] = _ordered(department_data, Department)
    tops["units"] = [_ordered(unit, Unit)]
    return {**data, **_ordered(tops, Filing)}


KIT_KEYS = ("tables", "extra")  # what a kit declares: its tables, its text slots


def _kit_field(record: dict, kind: str, name: str, kit: Kit) -> None:
    """A table of the kit (one row: 待填, 0.00 in money columns) or a slot, under its key."""
    if kind == "extra":
        record.setdefault("extra", {})[name] = TODO
        return
    spec = kit.tables().get(name)
    if spec is not None:
        row = {c.key: "0.00" if c.type == "money" else TODO for c in spec.columns}
        record.setdefault("tables", {})[name] = [row]


def _ordered(data: dict, model) -> dict:
    order = [info.alias or name for name, info in model.model_fields.items()]
    return {key: data[key] for key in order if key in data and data[key] is not None}


def _fill(model, key: str):
    """A placeholder of the field's shape: 待填, 0.00, a list of one, a record of its fields."""
    if key in SHAPES:
        return json.loads(json.dumps(SHAPES[key]))  # a fresh copy
    found = field_by_key(model, key)
    if found is None:
        return TODO
    return _placeholder(unwrap(found[1].annotation))


def _placeholder(annotation):
    from decimal import Decimal

    origin = get_origin(annotation)
    if origin is list:
        item = _placeholder(unwrap(get_args(annotation)[0]))
        return [item] if item is not None else []
    if origin is dict or annotation is bool:
        return None  # free-form names (其他来源, 其他栏目) and switches: nothing to fill
    if is_model(annotation):
        record = {}
        for name, info in annotation.model_fields.items():
            value = _placeholder(unwrap(info.annotation))
            if value is not None:
                record[info.alias or name] = value
        return record
    if annotation is Decimal:
        return "0.00"
    return TODO


# -- writing the skeleton with its comments -------------------------------------------------


def _doc(model: Any, key: str) -> tuple[str, Any]:
    """The comment for ``key`` in ``model`` (「标题：说明」) and the type its value has."""
    if not is_model(model):
        return "", None
    found = field_by_key(model, key)
    if found is None:
        return "", None
    name, info = found
    text = info.title or name
    if info.description:
        text += "：" + info.description
    return text, unwrap(info.annotation)


def amount(key: str, model) -> bool:
    """Whether ``key`` of ``model`` is money (quoted, so 0.00 stays 0.00 in every reader)."""
    from decimal import Decimal

    found = field_by_key(model, key) if is_model(model) else None
    return found is not None and unwrap(found[1].annotation) is Decimal


def _item_type(annotation: Any) -> Any:
    annotation = unwrap(annotation)
    if get_origin(annotation) is list:
        return unwrap(get_args(annotation)[0])
    return annotation


ROW_HELP = (
    "每行："
    + "、".join(
        f"{info.alias or name}（{info.title}）" for name, info in Indicator.model_fields.items()
    )
    + "；不适用的行整行删去，需要的行复制一行。"
)


def _lines(data: dict, model: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        doc, annotation = _doc(model, key)
        if isinstance(value, dict) and key in TREES:
            lines += [f"{pad}# {doc or '绩效指标'}", f"{pad}# {ROW_HELP}", f"{pad}{key}:"]
            for level1, groups in value.items():
                lines.append(f"{pad}  {level1}:")
                for level2, rows in groups.items():
                    lines.append(f"{pad}    {level2}:")
                    for row in rows:
                        cells = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in row.items())
                        lines.append(f"{pad}      - {{{cells}}}")
            continue
        if isinstance(value, dict):
            lines += ([f"{pad}# {doc}"] if doc else []) + [f"{pad}{key}:"]
            lines += _lines(value, annotation, indent + 2)
            continue
        if isinstance(value, list):
            lines += ([f"{pad}# {doc}"] if doc else []) + [f"{pad}{key}:"]
            item_type = _item_type(annotation)
            for item in value:
                if isinstance(item, dict):
                    inner = _lines(item, item_type, indent + 4)
                    first = next(
                        i for i, line in enumerate(inner) if not line.lstrip().startswith("#")
                    )
                    lines += inner[:first]
                    lines.append(f"{pad}  - {inner[first].lstrip()}")
                    lines += inner[first + 1 :]
                elif key in LONG_KEYS:
                    lines += [f"{pad}  - |-", f"{pad}    {item}"]
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
            continue
        if value is not None and key in LONG_KEYS:  # room for paragraphs: a |- block
            lines += ([f"{pad}# {doc}"] if doc else []) + [f"{pad}{key}: |-", f"{pad}  {value}"]
            continue
        shown = (
            ""
            if value is None
            else (
                value if (key, indent) == ("year", 0) else scalar(value, amount=amount(key, model))
            )
        )
        comment = f"  # {doc}" if doc and doc != key else ""
        lines.append(f"{pad}{key}: {shown}".rstrip() + comment)
    return lines


HEADER = [
    "怎样填写：把每个「待填」换成实际内容；其余留空的项目可填可不填。",
    "- 井号 # 后面是说明，不影响内容；冒号后面要有一个空格；缩进只用空格。",
    "- 多行文字写在「|-」下一行起，每行一段，比上一行多缩进两格。",
    '- 金额照原样写在引号里，如 "5.00"；单位见 money_unit。',
    "- 序号（一）1. 一、、合计和表题由 pbgen 生成，不要自己写。",
    "- 随时运行 pbgen check 本文件 查看还缺什么；pbgen render 本文件 生成 DOCX 和 PDF。",
]


def skeleton_text(layout, department: str | None, year: int, kit: Kit | None = None) -> str:
    """The skeleton of ``layout`` (a ``pbgen.layouts.Layout``) with its comments."""
    data = skeleton(layout, department, year, kit)
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_NAME}",
        "#",
        f"# {department or '本部门'}{year}年 {layout.name}（{layout.id}）。",
        "#",
    ]
    lines += [f"# {line}" for line in HEADER]
    previous = None
    for key, value in data.items():
        group = "head" if key in ("pbgen", "year", "layout", "money_unit") else key
        if group != previous:
            lines.append("")
        previous = group
        lines += _lines({key: value}, Filing, 0)
    return "\n".join(lines) + "\n"


# -- the folder ------------------------------------------------------------------------------

VSCODE_SETTINGS = {
    "files.encoding": "utf8",
    "files.eol": "\n",
    "[yaml]": {
        "editor.insertSpaces": True,
        "editor.tabSize": 2,
        "editor.detectIndentation": False,
        "editor.quickSuggestions": {"other": True, "comments": False, "strings": True},
    },
    "yaml.validate": True,
    "yaml.completion": True,
    "yaml.hover": True,
}
VSCODE_EXTENSIONS = {"recommendations": ["redhat.vscode-yaml"]}
EDITORCONFIG = """root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true

[*.{yaml,yml}]
indent_style = space
indent_size = 2
trim_trailing_whitespace = true
"""
GITIGNORE_LINES = ["output/"]


@dataclass
class InitResult:
    folder: Path
    filing: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there: left as they were


def init_folder(
    folder: Path | str,
    layout: str | None = None,
    department: str | None = None,
    year: int | None = None,
    force: bool = False,
    ci: str = "gitlab",
    kit: str | None = None,
    kit_version: str | None = None,
) -> InitResult:
    """Write the skeleton and what an editor and git need into ``folder``; ``ci`` names the
    CI recipe to add (gitlab, github, gitea, none); ``kit`` (a source) pins the department to
    a bureau's kit first, whose default layout, frameworks and tables the skeleton follows."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise PbgenError(f"{folder} 是一个文件，不是文件夹。")
    pinned = None
    if kit is not None:
        folder.mkdir(parents=True, exist_ok=True)
        pinned = use(kit, kit_version, folder)
    chosen_kit = kit_for(folder.resolve() / "filing.yaml")  # pbgen.toml's, or pbgen's own
    layout = find_layout(
        layout or chosen_kit.default_layout, kit=chosen_kit, filing=folder.resolve() / "filing.yaml"
    )
    year = year or datetime.date.today().year + 1
    stem = f"{department or layout.name}-{year}"
    filing = folder / f"{_safe_name(stem)}.yaml"
    if filing.exists() and not force:
        raise PbgenError(f"{filing} 已存在：另选文件夹，或加 --force 覆盖。")
    result = InitResult(folder, filing)
    if pinned is not None:
        result.written.append(pinned.settings)

    def write(path: Path, text: str, *, replace: bool) -> None:
        if path.exists() and not replace:
            result.kept.append(path)
            return
        write_atomic(path, text.encode("utf-8"))
        result.written.append(path)

    write(filing, skeleton_text(layout, department, year, chosen_kit), replace=True)
    write(folder / SCHEMA_NAME, schema_text(chosen_kit), replace=True)  # generated: always current
    write(folder / ".vscode" / "settings.json", _json(VSCODE_SETTINGS), replace=False)
    write(folder / ".vscode" / "extensions.json", _json(VSCODE_EXTENSIONS), replace=False)
    write(folder / ".editorconfig", EDITORCONFIG, replace=False)
    _gitignore(folder / ".gitignore", result)
    result.written += _repository(folder, ci)
    return result


def _repository(folder: Path, ci: str) -> list[Path]:
    """The git side of a department's folder: diff driver, pre-commit hook, CI recipe."""
    return init_repository(folder, ci)


def _gitignore(path: Path, result: InitResult) -> None:
    (result.written if append_missing_lines(path, GITIGNORE_LINES) else result.kept).append(path)


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _safe_name(name: str) -> str:
    """A file name Windows accepts too."""
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(". ")
