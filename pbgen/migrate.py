"""``pbgen migrate``: upgrade older filings in place.

A filing states its format in a top-level key, ``pbgen: 3``; what changed between formats is
``pbgen.versions``. ``migrate_text``
applies the entries a filing lacks as edits at the places the loader marked: only the renamed
key's own characters change, so comments, order, quoting and blank lines stay as the author
left them (no YAML round-trip library needed, and none could keep more).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pbgen.errors import PbgenError
from pbgen.fields import describe
from pbgen.load import Source, parse, read_text
from pbgen.versions import (
    FORMAT,
    MIGRATIONS,
    UNVERSIONED,
    Rename,
    at,
    stated_version,
    version_problem,
    what,
)
from pbgen.write import write_atomic

__all__ = ["FORMAT", "MIGRATIONS", "Rename", "migrate_file", "migrate_text", "version_problem"]

# -- upgrading ----------------------------------------------------------------------------------


@dataclass
class Migrated:
    text: str
    version: int  # the format the text was in
    changes: list[str]  # what was done, one line each, for the user

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def migrate_text(text: str, file: str) -> Migrated:
    """The filing's text in the current format: renamed keys rewritten where they stand, the
    ``pbgen:`` key set (added before the first key when missing). Raises ``InputError`` for
    text that is not YAML, ``PbgenError`` for a filing newer than this pbgen or a rename that
    would clash with a key already there."""
    source = parse(text, file)
    if not isinstance(source.data, dict):  # pragma: no cover - parse() refuses non-mappings
        raise PbgenError(f"{file}：不是绩效文本。")
    stated = stated_version(source)
    version = stated or UNVERSIONED
    if version > FORMAT:
        raise PbgenError(version_problem(source).render())
    changes: list[str] = []
    for step in range(version + 1, FORMAT + 1):
        edits, moves = [], []
        for rename in MIGRATIONS.get(step, []):
            for path in rename.places(source.data):
                parent = at(source.data, path[:-1])
                line, column = source.marks[path]
                if rename.to.split(".")[0] in parent:
                    raise PbgenError(
                        f"{file}:{line}:{column}: {describe(path, source.data)} 既有 "
                        f"{path[-1]} 又有 {rename.to.split('.')[0]}：请把 {path[-1]} 手工移到"
                        f" {rename.to}，再运行 pbgen migrate。"
                    )
                if "." in rename.to:
                    moves.append((path, rename.to))
                else:
                    edits.append((line, column, path[-1], rename.to))
                changes.append(f"第 {line} 行：{what(path, source.data, rename.to)}；{rename.why}")
        text = _apply(text, edits, file)
        text = _nest(text, moves, file)
        source = parse(text, file)
    if stated != FORMAT:
        text, line = _set_version(text, source)
        changes.append(f"第 {line} 行：格式版本 pbgen: {FORMAT}")
    return Migrated(text, version, changes)


def _nest(text: str, moves: list[tuple[tuple, str]], file: str) -> str:
    """Move each key at ``path`` under new parent keys (``tables.expense_details``): its line
    becomes the parents', it follows one step in per parent, and its value's lines move in with
    it — block text, comments and blank lines too — so the YAML means the same, deeper down."""
    if not moves:
        return text
    root = parse(text, file, keep_nodes=True).root
    lines = text.split("\n")
    spans = [(*_span(root, path, lines), to) for path, to in moves]
    for first, column, end, to in sorted(spans, reverse=True):
        content = lines[first]
        if content[:column].strip():
            raise PbgenError(
                f"{file}:{first + 1}:{column + 1}: 这个键写在一行的中间（{{…}} 写法），"
                f"pbgen migrate 无法移动：请手工把它移到 {to} 之下，再运行 pbgen migrate。"
            )
        indent = content[:column]
        *parents, key = to.split(".")
        step = "  " * len(parents)
        opened = [f"{indent}{'  ' * depth}{name}:" for depth, name in enumerate(parents)]
        value = content[column:].split(":", 1)[1]  # what followed the old key: value, comment
        moved = [step + line if line.strip() else line for line in lines[first + 1 : end]]
        lines[first:end] = [*opened, f"{indent}{step}{key}:{value}", *moved]
    return "\n".join(lines)


def _span(root: yaml.Node, path: tuple, lines: list[str]) -> tuple[int, int, int]:
    """(first line, column, end line) of the key at ``path`` and its value, 0-based, the end
    excluded (a value ends where the next token begins: that line is its only when something
    of the value stands before it)."""
    node, key = root, None
    for segment in path:
        if isinstance(node, yaml.SequenceNode):
            node = node.value[segment]
        else:
            key, node = next((k, v) for k, v in node.value if k.value == segment)
    mark = node.end_mark
    end = (
        mark.line + bool(lines[mark.line][: mark.column].strip())
        if mark.line < len(lines)
        else mark.line
    )
    return key.start_mark.line, key.start_mark.column, max(end, key.start_mark.line + 1)


def _apply(text: str, edits: list[tuple[int, int, str, str]], file: str) -> str:
    """Replace each key at its (line, column), right to left so earlier places stay put."""
    lines = text.split("\n")
    for line, column, old, new in sorted(edits, reverse=True):
        content = lines[line - 1]
        start = column - 1
        if content[start : start + 1] in ("'", '"'):
            start += 1
        if content[start : start + len(old)] != old:  # pragma: no cover - marks disagree
            raise PbgenError(f"{file}:{line}:{column}: 找不到键 {old}，请手工改为 {new}。")
        lines[line - 1] = content[:start] + new + _realign(content[start + len(old) :], old, new)
    return "\n".join(lines)


def _realign(rest: str, old: str, new: str) -> str:
    """Keep a trailing comment in its column when the key grows or shrinks: the spaces before
    ``#`` give or take the difference (at least two stay)."""
    found = re.search(r"( {2,})#", rest)
    if not found or "'" in rest[: found.start()] or '"' in rest[: found.start()]:
        return rest
    spaces = max(len(found.group(1)) - (len(new) - len(old)), 2)
    return rest[: found.start(1)] + " " * spaces + rest[found.end(1) :]


VERSION_VALUE = re.compile(r"^(\s*['\"]?pbgen['\"]?\s*:\s*)(['\"]?)[^\s#'\"]*\2")


def _set_version(text: str, source: Source) -> tuple[str, int]:
    """Write ``pbgen: FORMAT``: over the stated number, or as a new line before the first key."""
    lines = text.split("\n")
    if "pbgen" in source.data:
        line = source.marks[("pbgen",)][0]
        lines[line - 1] = VERSION_VALUE.sub(rf"\g<1>{FORMAT}", lines[line - 1], count=1)
        return "\n".join(lines), line
    first = next(iter(source.data))
    line = source.marks[(first,)][0]
    newline = "\r" if lines[line - 1].endswith("\r") else ""
    lines.insert(line - 1, f"pbgen: {FORMAT}  # 文件格式版本；升级用 pbgen migrate{newline}")
    return "\n".join(lines), line


def migrate_file(path: Path, write: bool = True) -> Migrated:
    """Upgrade one filing in place (atomically, keeping a byte-order mark if it had one)."""
    raw_start = path.read_bytes()[:3] if path.is_file() else b""
    migrated = migrate_text(read_text(path, str(path)), str(path))
    if write and migrated.changed:
        bom = codecs.BOM_UTF8 if raw_start == codecs.BOM_UTF8 else b""
        write_atomic(path, bom + migrated.text.encode("utf-8"))
    return migrated
