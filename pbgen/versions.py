"""Filing format versions: what format a filing states, what changed between formats, and why
a filing in another format cannot be read as it stands (``version_problem``, which ``load``
asks). ``pbgen migrate`` applies the changes (``pbgen.migrate``).

A filing states its format in a top-level key, ``pbgen: 3``. When a key is renamed or moved
(``to`` with a dot: under a new parent key), ``FORMAT`` goes up by one and ``MIGRATIONS`` gains
an entry for it — nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pbgen.errors import PbgenError
from pbgen.fields import allowed_keys, describe
from pbgen.findings import Finding
from pbgen.model import FORMAT

# A parsed filing is a ``load.Source`` (its ``data``, ``file``, ``locate``): loading one asks
# this module (``load.load_text``), so it is not imported here.
Source = Any

UNVERSIONED = 1  # filings written before the format had a number


@dataclass(frozen=True)
class Rename:
    """Key ``path`` (dotted; ``*`` stands for every item of a list) is now written ``to``: a
    name, or a dotted path under the same parent (``tables.expense_details``)."""

    path: str
    to: str
    why: str

    def places(self, data: Any) -> Iterator[tuple]:
        """The path of every key this rename applies to in ``data``."""
        *parents, key = self.path.split(".")
        for parent in _expand(data, parents, ()):
            node = at(data, parent)
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
    3: [
        Rename(
            "units.*.projects.*.expense_details",
            "tables.expense_details",
            "支出明细是 pbgen 自带的表格，与各 kit 的表格同一写法（tables 之下）",
        ),
        Rename(
            "work_plan",
            "tables.work_plan",
            "年度重点工作计划是 pbgen 自带的表格，与各 kit 的表格同一写法（tables 之下）",
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


def at(data: Any, path: tuple) -> Any:
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
            f"{what(path, source.data, rename.to)}（第 {source.locate(path)[0]} 行）"
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


def what(path: tuple, data: Any, new: str) -> str:
    """部门的 head → signed_by（单位负责人签字）: a rename as the clerk reads it."""
    titles = dict(allowed_keys(path[:-1], data))
    parent = describe(path[:-1], data)
    head = new.split(".")[0]  # a move: named by the key it goes under
    return f"{parent}{'的 ' if parent else ''}{path[-1]} → {new}（{titles.get(head, head)}）"


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
