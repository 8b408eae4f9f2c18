"""``pbgen import``: last year's DOCX or XLSX → a filing.

The pipeline reads like the rest of pbgen: ``source`` (the file as paragraphs and table rows,
whoever saved it) → a layout reader (``wenben``, ``gongkai``, ``fubiao``; the labels in
``labels``, the forms in ``tables``) → a ``Draft`` (the filing's data, and everything the
reader could not place) → ``pbgen.yamlout`` (the YAML, in the conventions of data/*.yaml, the
unplaced text kept as comments at its end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.context.indicators import indicator_summary
from pbgen.context.text import joined
from pbgen.errors import PbgenError
from pbgen.importer.fubiao import read_fubiao
from pbgen.importer.gongkai import read_gongkai
from pbgen.importer.labels import label_of
from pbgen.importer.shenbao import read_shenbao
from pbgen.importer.source import Document, Para, Row, read_document, squeeze
from pbgen.importer.wenben import read_wenben
from pbgen.layouts import find_layout
from pbgen.model import FORMAT, Department, Filing, Project
from pbgen.schema import schema_text
from pbgen.write import write_atomic
from pbgen.yamlout import Blank, dump_filing, schema_reference

# Each built-in form's reader (until the layouts' manifests declare their labels, issue 20).
READERS = {
    "wenben": read_wenben,
    "gongkai": read_gongkai,
    "fubiao": read_fubiao,
    "shenbao": read_shenbao,
}


@dataclass
class Draft:
    """The filing being read, in the model's key order, and the text not placed in it."""

    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    derived_sub_goals: list | None = None

    def note(self, text: str) -> None:
        text = text.strip()
        if text:
            self.notes.append(text)

    def add_forms(self, forms) -> None:
        """The projects a ``FormReader`` read, grouped into their units."""
        if forms.money_unit:
            self.data.setdefault("money_unit", forms.money_unit)
        self.notes += forms.notes
        units: list[dict] = []
        for project in forms.projects:
            label = project.pop("_unit", "")
            code = project.pop("_unit_code", None)
            if code:  # 申报表: 实施单位 and 单位编码 in their own cells
                label = f"{code}{label}"
            title = project.pop("_title", None)
            if "name" not in project and title:
                project["name"] = title
            elif title and title != project.get("name"):
                self.note(f"表题：{title}绩效目标表")
            if len(project) == 0:
                continue
            if not units or units[-1]["_label"] != label:
                units.append({"_label": label, "projects": []})
            units[-1]["projects"].append({k: project[k] for k in _keys(Project) if k in project})
        for unit in units:
            code, name = split_unit(unit.pop("_label"))
            if code:
                unit["code"] = code
            unit["name"] = name or self.data.get("department", {}).get("name", "")
            unit["projects"] = unit.pop("projects")
        if units:
            self.data.setdefault("units", []).extend(units)


def split_unit(label: str) -> tuple[str | None, str]:
    """「131001中国人民政治协商会议…本级」 → (131001, 中国…本级)."""
    label = label.strip()
    match = re.match(r"^([0-9A-Za-z][0-9A-Za-z-]*)\s*(.*)$", label)
    if match and any(ch.isdigit() for ch in match.group(1)) and match.group(2):
        return match.group(1), match.group(2).strip()
    return None, label


@dataclass
class Imported:
    """A document read into a filing: its data, the text left unplaced, and counts."""

    data: dict
    notes: list[str]
    layout: str
    source: str

    @property
    def fields(self) -> int:
        """How many values were placed: every text, amount and percentage in the filing."""
        return count_values(self.data)


def count_values(value) -> int:
    """Texts, amounts and percentages in plain data (booleans and blanks do not count)."""
    if isinstance(value, dict):
        return sum(count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_values(v) for v in value)
    return 0 if value is None or isinstance(value, bool | Blank) else 1


def comparable(filing) -> dict:
    """A filing as data, for telling whether an import gave back what was rendered: a
    绩效指标描述 equal to its 三级指标 is the same as none (the documents print both alike)."""
    data = filing.model_dump(mode="json", by_alias=True)

    def walk(node):
        if isinstance(node, dict):
            if "name" in node and node.get("description") == node["name"]:
                node["description"] = None
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return data


def detect_layout(document: Document) -> str:
    """wenben, gongkai or fubiao, from the document's own labels and titles."""
    texts = " ".join(squeeze(item.text) for item in document.items if isinstance(item, Para))
    labels = set()
    for item in document.items:
        if isinstance(item, Row):
            labels |= {label_of(cell.text) for cell in item.cells}
    if "申报表" in texts or {"实施进度计划", "项目概况"} & labels:
        return "shenbao"
    if "单位编码" in labels and "绩效指标" in labels and "一级指标" not in labels:
        return "gongkai"
    if "公开表" in texts and "一级指标" not in labels:
        return "gongkai"
    if "支出方向" in texts or "部门整体支出绩效目标表" in texts or "部门职责概述" in labels:
        return "fubiao"
    return "wenben"


def import_document(path: Path | str, layout: str | None = None) -> Imported:
    """Read a document into a filing's data; raise ``PbgenError`` when it cannot be read."""
    path = Path(path)
    document = read_document(path)
    layout = find_layout(layout).id if layout else detect_layout(document)
    draft = Draft()
    if layout not in READERS:
        raise PbgenError(f"不能按「{layout}」版式导入：可选 {'、'.join(READERS)}。")
    READERS[layout](document, draft)
    if draft.derived_sub_goals is not None:
        _compare_derived(draft)
    draft.notes += leftovers(document)
    data = _ordered(draft.data, layout)
    return Imported(data, draft.notes, layout, str(path))


def leftovers(document: Document) -> list[str]:
    """Text the readers did not use, in document order: kept as comments, never dropped."""
    notes = []
    seen = set()
    for item in document.items:
        if isinstance(item, Para):
            if not item.used and item.text.strip():
                notes.append(item.text.strip())
        else:
            for cell in item.cells:
                if not cell.used and cell.text and id(cell) not in seen:
                    seen.add(id(cell))
                    notes.append(cell.text)
    return notes


def _compare_derived(draft: Draft) -> None:
    """分项绩效目标 written per project (seed 004) is generated from the projects; where the
    document's own text differs from what pbgen will generate, the document's is kept."""
    projects = {p.get("name"): p for u in draft.data.get("units", []) for p in u["projects"]}
    for name, body in draft.derived_sub_goals or []:
        project = projects.get(name)
        expected = None
        if project is not None:
            try:
                model = Project.model_validate(project)
                expected = [
                    "绩效目标：" + joined(model.goals),
                    "绩效指标：" + joined(indicator_summary(model.indicators)),
                ]
            except ValueError:
                expected = None
        if [squeeze(line) for line in body] != [squeeze(line) for line in expected or []]:
            draft.notes.append(f"分项绩效目标「{name}」原文：")
            draft.notes += body


def _keys(model) -> tuple[str, ...]:
    """A model's keys in its own order: the order a filing is written in."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def _ordered(data: dict, layout: str) -> dict:
    data["pbgen"] = str(FORMAT)
    data["layout"] = layout
    data.setdefault("department", {})
    department = data["department"]
    data["department"] = {k: department[k] for k in _keys(Department) if department.get(k)}
    return {k: data[k] for k in _keys(Filing) if not _empty(data.get(k))}


def _empty(value) -> bool:
    return value is None or (isinstance(value, list | dict) and not value)


REQUIRED = {
    "year": ("预算年度（year）", "预算年度，如 2025（或导入时加 --year 2025）"),
    "money_unit": ("金额单位（money_unit）", "万元 或 元"),
    "units": (
        "预算单位和项目（units）",
        "原文里没有找到项目表：照 pbgen init 的骨架写各单位和项目",
    ),
}


@dataclass
class ImportResult:
    output: Path
    imported: Imported
    missing: list[str]  # required fields the document did not give
    schema_written: Path | None


def import_file(
    source: Path | str,
    output: Path | str | None = None,
    *,
    layout: str | None = None,
    year: int | None = None,
    department: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Import ``source`` into ``output`` (default: beside it, ``.yaml``); refuse to overwrite
    a filing unless ``force``. The schema file is written beside it when none is in reach."""
    source = Path(source)
    output = Path(output) if output else source.with_suffix(".yaml")
    if output.exists() and not force:
        raise PbgenError(f"{output} 已存在：换一个文件名（-o），或加 --force 覆盖。")
    imported = import_document(source, layout)
    data = imported.data
    if year:
        data["year"] = str(year)
    if department:
        data.setdefault("department", {})["name"] = department
        data["department"] = {"name": department, **data["department"]}
    missing = []
    for key, (title, hint) in REQUIRED.items():
        if key not in data:
            data[key] = Blank(f"待填：{hint}")  # written as an empty key with this comment
            missing.append(title)
    if not data.get("department", {}).get("name"):
        data.setdefault("department", {})["name"] = Blank(
            "待填：部门名称（或导入时加 --department）"
        )
        missing.append("部门名称（department.name）")
    data = _ordered(data, imported.layout)
    imported.data = data
    modeline, schema_file = schema_reference(output)
    header = [f"由 pbgen import 从「{source.name}」导入。请核对后运行 pbgen check。"]
    if missing:
        header.append("原文没有、需要补上的：" + "、".join(missing) + "。")
    text = dump_filing(data, modeline=modeline, header=header, notes=imported.notes)
    if schema_file is not None:
        write_atomic(schema_file, schema_text().encode("utf-8"))
    write_atomic(output, text.encode("utf-8"))
    return ImportResult(output, imported, missing, schema_file)
