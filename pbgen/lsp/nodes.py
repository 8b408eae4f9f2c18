"""A filing's text as YAML nodes: where a path of its data is written (the range an editor
underlines), and which path a position of the text is in (hover, completion).

Positions are ``(line, column)``, 0-based, in characters (code points), as the YAML library
marks them; ``pbgen.lsp.server`` converts them to the editor's units.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

Position = tuple[int, int]
Span = tuple[Position, Position]


def start(node: yaml.Node) -> Position:
    return (node.start_mark.line, node.start_mark.column)


def end(node: yaml.Node) -> Position:
    return (node.end_mark.line, node.end_mark.column)


def inline(node: yaml.Node) -> bool:
    """Written on its own line(s) after its key, as one piece: a scalar that is not a ``|``
    block, or a flow collection (``{…}``, ``[…]``)."""
    if isinstance(node, yaml.ScalarNode):
        return node.style not in ("|", ">")
    return bool(node.flow_style)


def child(node: yaml.Node, segment: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """(key node, value node) of ``segment`` in a mapping, (None, item) in a sequence."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == segment:
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
        return (None, node.value[segment]) if 0 <= segment < len(node.value) else None
    return None


@dataclass(frozen=True)
class Entry:
    """What is written at a path: its key (None for a list item or the root) and value, and
    how much of the path was found (a missing key is shown at its nearest written ancestor)."""

    key: yaml.Node | None
    value: yaml.Node
    depth: int


def entry(root: yaml.Node, path: Sequence[str | int]) -> Entry:
    key, node, depth = None, root, 0
    for segment in path:
        found = child(node, segment)
        if found is None:
            break
        key, node = found
        depth += 1
    return Entry(key, node, depth)


def line_end(lines: Sequence[str], line: int) -> int:
    """The column after the last character of ``line`` that is not a space or a comment."""
    text = lines[line] if line < len(lines) else ""
    return len(text.split(" #", 1)[0].rstrip())


def span(root: yaml.Node, path: Sequence[str | int], lines: Sequence[str]) -> Span:
    """The range to underline for ``path``: a key with its value when the value is written on
    the key's line (``value: ≥90%``, ``{name: …}``), only the key when a block follows; a list
    item whole when it is one line (``- {name: …}``), else its first line."""
    found = entry(root, path)
    if found.key is not None:
        if inline(found.value):
            return start(found.key), max(end(found.value), end(found.key))
        return start(found.key), end(found.key)
    node = found.value
    if inline(node):
        return start(node), end(node)
    first = start(node)
    return first, (first[0], max(first[1] + 1, line_end(lines, first[0])))


def text_span(lines: Sequence[str], line: int, column: int) -> Span:
    """A position the YAML parser named (1-based): from there to the end of its line."""
    line, column = max(line - 1, 0), max(column - 1, 0)
    return (line, column), (line, max(column + 1, line_end(lines, line)))


def contains(node: yaml.Node, position: Position) -> bool:
    return start(node) <= position <= end(node)


@dataclass(frozen=True)
class Spot:
    """Where a position is: the path of the data, and whether it is on a key or a value."""

    path: tuple
    on_key: bool
    node: yaml.Node


def spot_at(root: yaml.Node, position: Position) -> Spot | None:
    """The innermost key or scalar value at ``position``, with its path."""
    node, path = root, ()
    while True:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and contains(key, position):
                    return Spot((*path, key.value), True, key)
                if contains(value, position) and isinstance(key, yaml.ScalarNode):
                    node, path = value, (*path, key.value)
                    break
            else:
                return None
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if contains(item, position):
                    node, path = item, (*path, index)
                    break
            else:
                return None
        else:
            return Spot(path, False, node)


def walk(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, yaml.Node | None, yaml.Node]]:
    """Every (path, key node, value node) below ``node``, in document order."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield (*path, key.value), key, value
                yield from walk(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield (*path, index), None, item
            yield from walk(item, (*path, index))
