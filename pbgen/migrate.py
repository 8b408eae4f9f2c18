"""Filing format versions, and ``pbgen migrate``: upgrade older filings in place.

A filing states its format in a top-level key, ``pbgen: 2``. When a key is renamed, ``FORMAT``
goes up by one and ``MIGRATIONS`` gains an entry for it — nothing else. ``migrate_text``
applies the entries a filing lacks as edits at the places the loader marked: only the renamed
key's own characters change, so comments, order, quoting and blank lines stay as the author
left them (no YAML round-trip library needed, and none could keep more).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbgen.errors import PbgenError
from pbgen.fields import allowed_keys, describe
from pbgen.findings import Finding
from pbgen.load import Source, parse, read_text
from pbgen.model import FORMAT

__all__ = ["FORMAT", "MIGRATIONS", "Rename", "migrate_file", "migrate_text", "version_problem"]

UNVERSIONED = 1  # filings written before the format had a number


@dataclass(frozen=True)
class Rename:
    """Key ``path`` (dotted; ``*`` stands for every item of a list) is now written ``to``."""

    path: str
    to: str
    why: str

    def places(self, data: Any) -> Iterator[tuple]:
        """The path of every key this rename applies to in ``data``."""
        *parents, key = self.path.split(".")
        for parent in _expand(data, parents, ()):
            node = _at(data, parent)
            if isinstance(node, dict) and key in node:
                yield (*parent, key)


# format → what changed since the format before it. The next rename is one more entry.
MIGRATIONS: dict[int, list[Rename]] = {
    2: [
        Rename(
            "department.head",
            "signed_by",
            "与 compiled_by、reviewed_by、filled_by 同一写法",
        ),
    ],
}


def _expand(node: Any, parts: list[str], prefix: tuple) -> Iterator[tuple]:
    if not parts:
        yield prefix
        return
    part, rest = parts[0], parts[1:]
    if part == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            yield from _expand(item, rest, (*prefix, index))
    elif isinstance(node, dict) and part in node:
        yield from _expand(node[part], rest, (*prefix, part))


def _at(data: Any, path: tuple) -> Any:
    for segment in path:
        data = data[segment]
    return data


# -- what format a filing is in -----------------------------------------------------------------


def stated_version(source: Source) -> int | None:
    """The ``pbgen:`` key's number; None when absent. A malformed one raises ``PbgenError``."""
    raw = source.data.get("pbgen")
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip().isdigit():
        line, column = source.locate(("pbgen",))
        raise PbgenError(
            f"{source.file}:{line}:{column}: 格式版本应为整数，如「pbgen: {FORMAT}」，"
            f"写的是「{raw}」。"
        )
    return int(raw)


def version_problem(source: Source) -> Finding | None:
    """Why this filing cannot be read as the current format, with the command that fixes it.

    A filing without ``pbgen:`` is read as it stands when no migration applies to it (``pbgen
    check`` then warns that the key is missing)."""
    where = source.locate(("pbgen",))
    try:
        version = stated_version(source)
    except PbgenError as error:
        return Finding(source.file, *where, "format-version", "error", "格式版本", _tail(error))
    if version == FORMAT or (version is None and not pending(source.data, UNVERSIONED)):
        return None
    if version is not None and version > FORMAT:
        message = (
            f"这份文件是第 {version} 版格式，比这个 pbgen 新（它只认识到第 {FORMAT} 版）："
            "请升级 pbgen（pip install -U pbgen）。"
        )
    else:
        old = version or UNVERSIONED
        said = f"第 {old} 版格式" if version else "旧格式（没有 pbgen: 版本键）"
        todo = pending(source.data, old)
        renames = "；".join(
            f"{_what(path, source.data, rename.to)}（第 {source.locate(path)[0]} 行）"
            for rename, path in todo
        )
        if todo and version is None:
            where = source.locate(todo[0][1])
        message = (
            f"这份文件是{said}，现在是第 {FORMAT} 版"
            + (f"，键名有变：{renames}" if renames else "")
            + f"。运行 pbgen migrate {source.file} 升级，注释和顺序都会保留。"
        )
    return Finding(source.file, *where, "format-version", "error", "格式版本", message)


def _what(path: tuple, data: Any, new: str) -> str:
    """部门的 head → signed_by（单位负责人签字）: a rename as the clerk reads it."""
    titles = dict(allowed_keys(path[:-1], data))
    parent = describe(path[:-1], data)
    return f"{parent}{'的 ' if parent else ''}{path[-1]} → {new}（{titles.get(new, new)}）"


def _tail(error: PbgenError) -> str:
    return str(error).split(": ", 1)[-1]


def pending(data: Any, version: int) -> list[tuple[Rename, tuple]]:
    """Every (rename, place) a filing in format ``version`` still needs."""
    return [
        (rename, path)
        for step in range(version + 1, FORMAT + 1)
        for rename in MIGRATIONS.get(step, [])
        for path in rename.places(data)
    ]


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
        edits = []
        for rename in MIGRATIONS.get(step, []):
            for path in rename.places(source.data):
                parent = _at(source.data, path[:-1])
                line, column = source.marks[path]
                if rename.to in parent:
                    raise PbgenError(
                        f"{file}:{line}:{column}: {describe(path, source.data)} 既有 "
                        f"{path[-1]} 又有 {rename.to}：请删去一个，再运行 pbgen migrate。"
                    )
                edits.append((line, column, path[-1], rename.to))
                changes.append(f"第 {line} 行：{_what(path, source.data, rename.to)}；{rename.why}")
        text = _apply(text, edits, file)
        source = parse(text, file)
    if stated != FORMAT:
        text, line = _set_version(text, source)
        changes.append(f"第 {line} 行：格式版本 pbgen: {FORMAT}")
    return Migrated(text, version, changes)


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
    from pbgen.write import write_atomic

    raw_start = path.read_bytes()[:3] if path.is_file() else b""
    migrated = migrate_text(read_text(path, str(path)), str(path))
    if write and migrated.changed:
        bom = codecs.BOM_UTF8 if raw_start == codecs.BOM_UTF8 else b""
        write_atomic(path, bom + migrated.text.encode("utf-8"))
    return migrated
