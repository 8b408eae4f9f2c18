"""The outline an editor shows beside a filing: its sections by their Chinese terms, units →
projects → 一级 → 二级 → 三级 indicators, each a click away from its text."""

from __future__ import annotations

import yaml
from lsprotocol import types as lsp

from pbgen.fields import walk as walk_model
from pbgen.lsp.analysis import Analysis
from pbgen.lsp.nodes import end, start

TREES = ("indicators", "period_indicators", "department_indicators")


def symbols(analysis: Analysis, document) -> list[lsp.DocumentSymbol]:
    root = analysis.source.root
    if not isinstance(root, yaml.MappingNode):
        return []
    lines = analysis.lines
    codec = document.position_codec

    def symbol(name, detail, kind, key, value, children=()) -> lsp.DocumentSymbol:
        first = key if key is not None else value
        whole = lsp.Range(start=_position(start(first)), end=_position(end(value)))
        chosen = lsp.Range(start=_position(start(first)), end=_position(end(first)))
        return lsp.DocumentSymbol(
            name=name or "（空）",
            detail=detail,
            kind=kind,
            range=codec.range_to_client_units(lines, whole),
            selection_range=codec.range_to_client_units(lines, chosen),
            children=list(children),
        )

    def tree(key, value) -> list[lsp.DocumentSymbol]:
        found = []
        for key1, groups in _pairs(value):
            level2 = []
            for key2, rows in _pairs(groups):
                row_symbols = [
                    symbol(
                        _scalar(row, "name"), _scalar(row, "value"), lsp.SymbolKind.Field, None, row
                    )
                    for row in (rows.value if isinstance(rows, yaml.SequenceNode) else [])
                ]
                level2.append(
                    symbol(
                        key2.value, "二级指标", lsp.SymbolKind.Namespace, key2, rows, row_symbols
                    )
                )
            found.append(
                symbol(key1.value, "一级指标", lsp.SymbolKind.Namespace, key1, groups, level2)
            )
        return found

    def project(node) -> lsp.DocumentSymbol:
        children = [
            symbol(
                _title(("units", 0, "projects", 0, key.value)),
                key.value,
                lsp.SymbolKind.Struct,
                key,
                value,
                tree(key, value),
            )
            for key, value in _pairs(node)
            if key.value in TREES
        ]
        budget = _scalar(node, "budget")
        detail = f"预算数 {budget}" if budget else ""
        return symbol(_scalar(node, "name"), detail, lsp.SymbolKind.Class, None, node, children)

    def unit(node) -> lsp.DocumentSymbol:
        projects = _value(node, "projects")
        children = [project(item) for item in _items(projects)]
        return symbol(
            _scalar(node, "name"), "预算单位", lsp.SymbolKind.Module, None, node, children
        )

    found = []
    for key, value in _pairs(root):
        children = []
        if key.value == "units":
            children = [unit(item) for item in _items(value)]
        elif key.value in TREES:
            children = tree(key, value)
        found.append(
            symbol(_title((key.value,)), key.value, lsp.SymbolKind.Object, key, value, children)
        )
    return found


def _position(position: tuple[int, int]) -> lsp.Position:
    return lsp.Position(line=position[0], character=position[1])


def _pairs(node):
    if isinstance(node, yaml.MappingNode):
        return [(key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
    return []


def _items(node):
    return node.value if isinstance(node, yaml.SequenceNode) else []


def _value(node, name: str):
    return next((value for key, value in _pairs(node) if key.value == name), None)


def _scalar(node, name: str) -> str:
    value = _value(node, name)
    return value.value if isinstance(value, yaml.ScalarNode) else ""


def _title(path: tuple) -> str:
    """The Chinese term of a key, from the model (「预算项目」 for units…projects)."""
    steps = walk_model(path, {})
    return steps[-1].label if steps and steps[-1].annotation is not None else str(path[-1])
