"""Completion and hover: keys with their Chinese terms, the 一级/二级 names of the filing's
framework, 三级 names already used under the same 二级, layout ids, money and 指标值 units —
in block and flow style alike (``{name: …, value: …}`` rows).

The text at the cursor is usually not valid YAML yet (a half-typed key). It is read with a
marker put at the cursor, as a key (``marker: ``) or as a value, and when the rest of the file
does not parse, only the lines up to the cursor with any open ``{``/``[`` closed: the marker's
place in the nodes gives the path and whether a key or a value is wanted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from lsprotocol import types as lsp

from pbgen.errors import PbgenError
from pbgen.fields import field_by_key, is_model, unwrap, walk
from pbgen.framework import Framework
from pbgen.layouts import find_layouts
from pbgen.load import YamlLoader
from pbgen.lsp.analysis import Analysis
from pbgen.lsp.kit import rulebook
from pbgen.lsp.nodes import end, spot_at, start
from pbgen.lsp.nodes import walk as walk_nodes
from pbgen.model import Filing
from pbgen.values import parse_quantity

MARK = "pbgenCURSOR"
TREES = ("indicators", "period_indicators", "department_indicators")
MONEY_UNITS = {"万元": "金额以万元计，可到 6 位小数", "元": "金额以元计，到分（2 位小数）"}
# 指标值 units seen in filings, offered after a number (the filing's own come first).
VALUE_UNITS = ["%", "次", "个", "人次", "人", "场", "期", "篇", "件", "份", "项", "天", "个月",
               "年", "万元", "元", "册", "条", "家", "户", "所", "批", "平方米", "公里"]  # fmt: skip
WORD = re.compile(r"[^\s:{}\[\],#\"']*$")


@dataclass(frozen=True)
class Context:
    """What the cursor is on: the path (for a key: the key being typed last), whether a key
    is wanted, the text typed so far, and the nodes of the text as read with the marker."""

    path: tuple
    on_key: bool
    typed: str
    root: yaml.Node


def completions(document, position: lsp.Position, file: Path, analysis: Analysis | None):
    at = document.position_from_client_units(position)
    text = document.source
    context = context_at(text, at.line, at.character)
    if context is None:
        return []
    data = analysis.data if analysis is not None else None
    book = rulebook(file, data)
    cursor = lsp.Position(line=position.line, character=position.character)
    typed_units = document.position_codec.client_num_units(context.typed)
    begin = lsp.Position(line=position.line, character=max(0, position.character - typed_units))
    replace = lsp.Range(start=begin, end=cursor)
    if context.on_key:
        return _keys(context, book.framework, replace)
    return _values(context, book, file, replace, cursor)


# -- where the cursor is ---------------------------------------------------------------------


def context_at(text: str, line: int, column: int) -> Context | None:
    lines = text.split("\n")
    if line >= len(lines):
        return None
    before, after = lines[line][:column], lines[line][column:]
    if before.lstrip().startswith("#"):
        return None
    opened = _open_brackets("\n".join([*lines[:line], before]))
    key_like = not opened and re.fullmatch(r"\s*(-\s+)?[^\s:{}\[\],#]*", before) is not None
    inserts = [MARK + ": ", MARK] if key_like else [MARK, MARK + ": "]
    whole = [_join(lines[:line], before + insert + after, lines[line + 1 :]) for insert in inserts]
    closers = "".join({"{": "}", "[": "]"}[bracket] for bracket in reversed(opened))
    cut = [_join(lines[:line], before + insert + closers, []) for insert in inserts]
    for candidate in (*whole, *cut):
        try:
            root = yaml.compose(candidate, Loader=YamlLoader)
        except yaml.YAMLError:
            continue
        found = _marker(root)
        if found is not None:
            return found
    return None


def _join(head: list[str], line: str, tail: list[str]) -> str:
    return "\n".join([*head, line, *tail])


def _open_brackets(text: str) -> list[str]:
    """The flow brackets still open at the end of ``text`` (quotes and comments skipped)."""
    stack: list[str] = []
    quote = None
    for line in text.split("\n"):
        quote = None if quote == "'" or (quote == '"' and not line) else quote
        for index, character in enumerate(line):
            if quote:
                if character == quote:
                    quote = None
            elif character in "'\"" and (index == 0 or line[index - 1] in " {[,:"):
                quote = character
            elif character == "#" and (index == 0 or line[index - 1] == " "):
                break
            elif character in "{[":
                stack.append(character)
            elif character in "}]" and stack:
                stack.pop()
    return stack


def _marker(root: yaml.Node | None) -> Context | None:
    if root is None:
        return None
    for path, key, value in walk_nodes(root):
        if key is not None and MARK in key.value:
            return Context(path, True, key.value.split(MARK)[0], root)
        if isinstance(value, yaml.ScalarNode) and MARK in value.value:
            return Context(path, False, value.value.split(MARK)[0], root)
    return None


def _tree_level(path: tuple) -> tuple[int, tuple] | None:
    """How deep ``path`` is inside an indicator tree (1: a 一级 name, 2: a 二级 name, 3: a
    row, 4: a row's field), and the part of it inside the tree."""
    for index in range(len(path) - 1, -1, -1):
        if path[index] in TREES and not isinstance(path[index], int):
            inside = path[index + 1 :]
            return len(inside), inside
    return None


# -- what to offer ---------------------------------------------------------------------------


def _item(label, detail, documentation, kind, replace, new_text, filter_text=None):
    return lsp.CompletionItem(
        label=label,
        label_details=lsp.CompletionItemLabelDetails(description=detail) if detail else None,
        detail=detail,
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=documentation)
        if documentation
        else None,
        kind=kind,
        filter_text=filter_text or label,
        text_edit=lsp.TextEdit(range=replace, new_text=new_text),
    )


def _keys(context: Context, framework: Framework, replace: lsp.Range) -> list:
    parent = context.path[:-1]
    taken = _sibling_keys(context.root, parent)
    level = _tree_level(context.path)
    if level is not None and level[0] == 1:
        names = {name: "一级指标" for name in framework.levels}
    elif level is not None and level[0] == 2:
        level1 = framework.canonical(str(level[1][0]))
        names = {name: f"二级指标 · {level1}" for name in framework.levels.get(level1, [])}
    else:
        names = None
    if names is not None:
        return [
            _item(
                name,
                detail,
                framework.definitions.get(name, ""),
                lsp.CompletionItemKind.EnumMember,
                replace,
                f"{name}: ",
            )
            for name, detail in names.items()
            if name not in taken
        ]
    model = _model_at(parent)
    if model is None:
        return []
    found = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in taken:
            continue
        title = info.title or key
        found.append(
            _item(
                key,
                title,
                info.description or "",
                lsp.CompletionItemKind.Property,
                replace,
                f"{key}: ",
                f"{key} {title}",
            )
        )
    return found


def _values(context, book, file, replace, cursor) -> list:
    path, framework = context.path, book.framework
    level = _tree_level(path)
    if path == ("layout",):
        try:
            layouts = find_layouts(None, file)
        except PbgenError:
            return []
        return [
            _item(
                layout.id,
                layout.name,
                layout.manifest.summary or "",
                lsp.CompletionItemKind.Value,
                replace,
                layout.id,
                f"{layout.id} {layout.name}",
            )
            for layout in layouts
        ]
    if path == ("money_unit",):
        return [
            _item(unit, "金额单位", note, lsp.CompletionItemKind.Unit, replace, unit)
            for unit, note in MONEY_UNITS.items()
        ]
    if path == ("check", "framework"):
        return [
            _item(name, "指标体系", "", lsp.CompletionItemKind.Value, replace, f'"{name}"')
            for name in book.frameworks
        ]
    if level is not None and level[0] == 4 and path[-1] == "name":
        level2 = framework.canonical(str(level[1][1]))
        names = _row_names(context.root, level2, framework)
        return [
            _item(
                name,
                f"三级指标 · {level2}",
                f"本文件中 {level2} 下已用的三级指标（{count} 处）",
                lsp.CompletionItemKind.Text,
                replace,
                name,
            )
            for name, count in names.most_common()
        ]
    if level is not None and level[0] == 4 and path[-1] == "value":
        if not re.search(r"\d$", context.typed):
            return []
        here = lsp.Range(start=cursor, end=cursor)  # after the number: the number stays
        units = _value_units(context.root)
        return [
            _item(
                unit,
                "单位",
                "本文件已用" if own else "",
                lsp.CompletionItemKind.Unit,
                here,
                unit,
                f"{context.typed}{unit}",
            )
            for unit, own in units
        ]
    return []


def _model_at(path: tuple):
    """The model whose keys are written at ``path`` (the filing's own at the top)."""
    annotation = unwrap(walk(path, {})[-1].annotation) if path else Filing
    if is_model(annotation) and "items" in annotation.model_fields and path:
        return annotation  # a list-or-record field (safeguards: {items: […]})
    return annotation if is_model(annotation) else None


def _sibling_keys(root: yaml.Node, path: tuple) -> set[str]:
    node = root
    for segment in path:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == segment), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            found = node.value[segment] if segment < len(node.value) else None
        if found is None:
            return set()
        node = found
    if not isinstance(node, yaml.MappingNode):
        return set()
    return {
        k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and MARK not in k.value
    }


def _row_names(root: yaml.Node, level2: str, framework: Framework) -> Counter:
    names: Counter = Counter()
    for path, _, value in walk_nodes(root):
        level = _tree_level(path)
        if (
            level is not None
            and level[0] == 4
            and path[-1] == "name"
            and framework.canonical(str(level[1][1])) == level2
            and isinstance(value, yaml.ScalarNode)
            and MARK not in value.value
            and value.value.strip()
        ):
            names[value.value] += 1
    return names


def _value_units(root: yaml.Node) -> list[tuple[str, bool]]:
    seen: Counter = Counter()
    for path, _, value in walk_nodes(root):
        level = _tree_level(path)
        if level and level[0] == 4 and path[-1] == "value" and isinstance(value, yaml.ScalarNode):
            quantity = parse_quantity(value.value.replace(MARK, ""))
            if quantity is not None and quantity.unit:
                seen[quantity.unit.rstrip("。")] += 1
    own = [unit for unit, _ in seen.most_common()]
    return [(unit, True) for unit in own] + [
        (unit, False) for unit in VALUE_UNITS if unit not in seen
    ]


# -- hover -------------------------------------------------------------------------------------


def hover(analysis: Analysis, document, position: lsp.Position) -> lsp.Hover | None:
    at = document.position_from_client_units(position)
    spot = spot_at(analysis.source.root, (at.line, at.character))
    if spot is None or not spot.path:
        return None
    text = explain(spot.path, analysis.book.framework)
    if not text:
        return None
    lines = analysis.lines
    wanted = lsp.Range(start=lsp.Position(*start(spot.node)), end=lsp.Position(*end(spot.node)))
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
        range=document.position_codec.range_to_client_units(lines, wanted),
    )


def explain(path: tuple, framework: Framework) -> str:
    """The Chinese term and description of what is at ``path``; for a 一级/二级 name the
    framework's definition."""
    while path and isinstance(path[-1], int):
        path = path[:-1]  # a list item: its list's field
    level = _tree_level(path)
    if level is not None and level[0] in (1, 2):
        name = str(path[-1])
        standard = framework.canonical(name)
        what = (
            "一级指标"
            if level[0] == 1
            else f"二级指标，属于{framework.canonical(str(level[1][0]))}"
        )
        parts = [f"**{name}**（{what}）"]
        if standard != name:
            parts.append(f"旧称：{framework.title}中称为「{standard}」。")
        definition = framework.definitions.get(standard)
        if definition:
            parts.append(definition)
        parts.append(f"——{framework.title}")
        return "\n\n".join(parts)
    if not path:
        return ""
    model = _model_at(path[:-1])
    found = field_by_key(model, str(path[-1])) if model is not None else None
    if found is None:
        return ""
    name, info = found
    title = info.title or name
    return f"**{title}**（`{path[-1]}`）" + (f"\n\n{info.description}" if info.description else "")
