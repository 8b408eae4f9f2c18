"""A layout's manifest (``templates/<id>/manifest.yaml``) and the field paths it speaks in.

A manifest says what a layout is (id, Chinese name, aliases, formats, orientation), what a filing
must give for it (``needs``), what it prints (``prints``) and what its form calls each field
(``labels``, which ``pbgen import`` reads a document by), all as paths in the filing's own
terms: ``projects[].purpose``, ``department.code``, ``projects[].indicators[].basis``. ``[]``
walks a list (an indicator tree counts as the list of its 三级 rows); ``projects[]`` is short
for ``units[].projects[]``. From these pbgen refuses a filing that lacks what a layout needs
and names what a filing gives that the layout leaves unprinted — no layout's Python says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pbgen.errors import PbgenError
from pbgen.fields import field_by_key, field_title, is_model, unwrap
from pbgen.formats import FORMATS
from pbgen.messages import read_model
from pbgen.model import Filing, Indicator

MANIFEST = "manifest.yaml"
# The context sections a layout may use beside the filing's own fields (``pbgen.context``).
SECTIONS = ("outline", "table_rows", "sheets")
PROJECTS = "units[].projects[]"
# Settings, not content: no layout prints them as such, none reports them as unprinted.
SETTINGS = {"pbgen", "year", "layout", "money_unit", "check"}
# The records every path runs through; a field inside another container (部门年度绩效指标,
# 项目资金, 其他栏目 …) is named with that container: 指标值确定依据（部门年度绩效指标）.
RECORDS = {"", "department", "units[]", PROJECTS, f"{PROJECTS}.indicators[]"}
# Typed only to be checked against what pbgen computes (单位合计): never printed as written.
CROSS_CHECKS = {"units[].total"}


class ManifestError(PbgenError):
    """A manifest that cannot be used: its file and what to change."""


def _known_format(name: str) -> str:
    """A format of the registry (``pbgen.formats``): docx, pdf, xlsx, or one registered."""
    if name not in FORMATS:
        raise ValueError(f"不认识的格式「{name}」；可用：{'、'.join(FORMATS)}")
    return name


class Printed(BaseModel):
    """A field printed only when another is given (公开表: 部门简称 in the row 部门编码 opens)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    when: str


class Manifest(BaseModel):
    """What ``manifest.yaml`` holds; see templates/CONTEXT.md for each key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    name: str
    aliases: list[str] = []
    summary: str = ""
    title: str = Field(description="文档标题，Jinja 表达式，如 {{ department.name }}{{ year }}年……")
    formats: Annotated[list[Annotated[str, AfterValidator(_known_format)]], Field(min_length=1)]
    orientation: Literal["portrait", "landscape"] = "portrait"
    needs: list[str] = []
    prints: list[str | Printed] = []
    sections: list[Literal[SECTIONS]] | None = Field(
        None,
        description="模板用到的数据分组（outline、table_rows、sheets）；不写时全部给出。",
    )
    labels: dict[str, list[str]] = Field(
        default_factory=dict,
        description="What each field is called on this form, for pbgen import: a field path → "
        "its spellings, such as projects[].budget: [预算数, 当年资金总额].",
    )
    example: str = Field(
        "example.yaml",
        description="这个版式的示例文件（在版式文件夹里）：pbgen kit check 用它生成每种格式。",
    )
    pdfa: bool = Field(
        False,
        description="PDF 按存档标准 PDF/A-2b 生成，并带结构标签（tagged PDF，读屏软件可读）；"
        "pbgen render --pdfa 对任何版式都这样生成。",
    )

    def prints_field(self, path: str) -> bool:
        """Whether the layout prints the field at ``path`` (always, not only when another is)."""
        return normalize(path) in {normalize(p) for p in self.prints if isinstance(p, str)}


# -- paths -----------------------------------------------------------------------------------


def normalize(path: str) -> str:
    """``projects[]…`` is short for ``units[].projects[]…``."""
    path = path.strip()
    return PROJECTS + path.removeprefix("projects[]") if path.startswith("projects[]") else path


def _segments(path: str) -> list[str]:
    return [part for part in path.split(".") if part]


def _is_tree(annotation: Any) -> bool:
    """An indicator tree: 一级 → 二级 → list of Indicator."""
    annotation = unwrap(annotation)
    if get_origin(annotation) is not dict:
        return False
    inner = unwrap(get_args(annotation)[1])
    return get_origin(inner) is dict and unwrap(get_args(inner)[1]) == list[Indicator]


def _item_type(annotation: Any) -> Any:
    """What ``[]`` walks into: a list's item, or an indicator tree's row."""
    annotation = unwrap(annotation)
    if _is_tree(annotation):
        return Indicator
    if get_origin(annotation) is list:
        return unwrap(get_args(annotation)[0])
    return None


def titles(path: str, tables: dict[str, str] | None = None) -> list[str]:
    """The Chinese title of each field along ``path``; raises ``ValueError`` for a path that is
    not in the model. A key after a free mapping (``extra.项目类别``) is its own title; a table
    (``tables.cost``) is titled as ``tables`` (key → title, from the kit) says."""
    annotation: Any = Filing
    found: list[str] = []
    previous = ""
    for segment in _segments(normalize(path)):
        key, walks = segment.removesuffix("[]"), segment.endswith("[]")
        annotation = unwrap(annotation)
        if is_model(annotation):
            field = field_by_key(annotation, key)
            if field is None:
                raise ValueError(segment)
            name, info = field
            found.append(field_title(info, name))
            annotation = info.annotation
        elif get_origin(annotation) is dict and not _is_tree(annotation):
            found.append((tables or {}).get(key, key) if previous == "tables" else key)
            annotation = get_args(annotation)[1]
        else:
            raise ValueError(segment)
        if walks:
            annotation = _item_type(annotation)
            if annotation is None:
                raise ValueError(segment)
        previous = key
    return found


def title(path: str, tables: dict[str, str] | None = None) -> str:
    """The field's title, with its container's where the path runs through one:
    指标值确定依据（部门年度绩效指标）, 项目类别（其他栏目）; a table by its own title."""
    names = [name.removesuffix("（%）") for name in titles(path, tables)]  # a unit is not the name
    segments = _segments(normalize(path))
    container = ".".join(segments[:-1])
    if container.endswith("tables"):
        return names[-1]
    if len(names) > 1 and container not in RECORDS:
        return f"{names[-1]}（{names[-2]}）"
    return names[-1]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict | list):
        return (
            not any(not _blank(item) for item in value)
            if isinstance(value, list)
            else (not any(not _blank(item) for item in value.values()))
        )
    return False


def _children(value: Any, key: str) -> Any:
    if isinstance(value, BaseModel):
        field = field_by_key(type(value), key)
        return getattr(value, field[0]) if field else None
    if isinstance(value, dict):
        return value.get(key)
    return None


def _items(value: Any) -> list:
    if isinstance(value, dict):  # an indicator tree: its rows
        return [row for groups in value.values() for rows in groups.values() for row in rows]
    return list(value or [])


def values(filing: Filing, path: str) -> Iterator[tuple[Any, Any]]:
    """(owner, value) at ``path`` for each item the path walks through; the owner is the last
    list item passed (a unit, a project), or None at the top."""
    level: list[tuple[Any, Any]] = [(None, filing)]
    for segment in _segments(normalize(path)):
        key, walks = segment.removesuffix("[]"), segment.endswith("[]")
        level = [(owner, _children(value, key)) for owner, value in level]
        if walks:
            level = [(item, item) for _, value in level for item in _items(value)]
    yield from level


def given(filing: Filing, path: str) -> bool:
    return any(not _blank(value) for _, value in values(filing, path))


# -- what a filing lacks, what a layout leaves unprinted ---------------------------------------


def missing(filing: Filing, needs: list[str], tables: dict[str, str] | None = None) -> list[str]:
    """Each need the filing does not meet, as the document names it: 总体绩效目标; for a field
    of every project or unit, 资金用途（3 个项目，如「甲」、「乙」等）."""
    lacking = []
    for need in needs:
        pairs = list(values(filing, need))
        empty = [owner for owner, value in pairs if _blank(value)]
        if not empty:
            continue
        if all(owner is None for owner in empty):
            lacking.append(title(need, tables))
            continue
        noun = "项目" if normalize(need).startswith(PROJECTS) else "单位"
        names = [getattr(owner, "name", "") for owner in empty]
        example = "、".join(f"「{name}」" for name in names[:2]) + ("等" if len(names) > 2 else "")
        lacking.append(f"{title(need, tables)}（{len(names)} 个{noun}，如{example}）")
    return lacking


def given_paths(filing: Filing) -> list[str]:
    """Every content field the filing gives, as a path, in model order. A unit named as the
    department is printed wherever the department's name is; an indicator's 绩效指标描述 equal to
    its name says nothing more."""
    found: dict[str, None] = {}

    def walk(record: BaseModel, prefix: str) -> None:
        for name, info in type(record).model_fields.items():
            key = info.alias or name
            path = f"{prefix}.{key}" if prefix else key
            value = getattr(record, name)
            if (not prefix and key in SETTINGS) or isinstance(value, bool) or _blank(value):
                continue
            if path in CROSS_CHECKS:
                continue
            if path == "units[].name" and value == filing.department.name:
                continue
            if isinstance(record, Indicator) and key == "description" and value == record.name:
                continue
            if isinstance(value, BaseModel):
                walk(value, path)
            elif _is_tree(info.annotation) or (
                isinstance(value, list) and value and isinstance(value[0], BaseModel)
            ):
                for item in _items(value):
                    walk(item, f"{path}[]")
            elif isinstance(value, dict) and path.endswith(("extra", "tables")):
                for label in value:
                    found[f"{path}.{label}"] = None
            else:
                found[path] = None

    walk(filing, "")
    return sorted(found, key=_model_order)


def _model_order(path: str) -> tuple[int, ...]:
    """A path's place in the model (field by field): fields are named in the model's order,
    not in the order the rows that give them come."""
    annotation: Any = Filing
    order = []
    for segment in _segments(path):
        key = segment.removesuffix("[]")
        annotation = unwrap(annotation)
        fields = list(annotation.model_fields) if is_model(annotation) else []
        field = field_by_key(annotation, key) if is_model(annotation) else None
        if field is None:
            break
        order.append(fields.index(field[0]))
        annotation = field[1].annotation
        if segment.endswith("[]"):
            annotation = _item_type(annotation)
    return tuple(order)


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((prefix + ".", prefix + "[]"))


def unprinted(
    filing: Filing, prints: list[str | Printed], tables: dict[str, str] | None = None
) -> list[str]:
    """What ``filing`` gives that a layout printing ``prints`` has no place for, each named
    once: a container none of whose fields is printed (年度预算申请) by its own title."""
    printed = []
    for entry in prints:
        if isinstance(entry, Printed):
            if given(filing, entry.when):
                printed.append(normalize(entry.path))
        else:
            printed.append(normalize(entry))
    paths = given_paths(filing)
    shown = [path for path in paths if any(_within(path, p) for p in printed)]
    names: dict[str, None] = {}
    for path in paths:
        if path in shown:
            continue
        segments = _segments(path)
        container = next(
            (
                ".".join(segments[:end])
                for end in range(1, len(segments) + 1)
                if ".".join(segments[:end]) not in RECORDS
                and segments[end - 1]
                not in ("extra", "tables")  # each label, table a field of its own
                and not any(_within(s, ".".join(segments[:end])) for s in shown)
            ),
            path,
        )
        names[title(container, tables)] = None
    return list(names)


# -- reading a manifest ----------------------------------------------------------------------


def read_manifest(file: Path) -> Manifest:
    """The manifest at ``file``, every path checked against the model; ``ManifestError`` with
    the file and what is wrong otherwise. Read again only when the file changed (``pbgen lsp``
    finds the filing's layout on every keystroke)."""
    try:
        info = file.stat()
    except OSError as error:
        raise ManifestError(f"{file}：无法读取（{error}）。") from None
    return _read_manifest(file, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=128)
def _read_manifest(file: Path, mtime_ns: int, size: int) -> Manifest:
    manifest = read_model(file, Manifest, ManifestError, "", "id: …、name: …")
    paths = [*manifest.needs, *manifest.labels]
    for entry in manifest.prints:
        paths += [entry.path, entry.when] if isinstance(entry, Printed) else [entry]
    for path in paths:
        try:
            titles(path)
        except ValueError as segment:
            raise ManifestError(
                f"{file}：「{path}」不是文件中的字段（{segment} 不认识）；"
                "字段路径的写法见 templates/CONTEXT.md。"
            ) from None
    return manifest
