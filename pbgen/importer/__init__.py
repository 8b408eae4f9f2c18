"""``pbgen import``: last year's DOCX or XLSX → a filing.

The pipeline reads like the rest of pbgen: ``source`` (the file as paragraphs and table rows,
whoever saved it) → the layout whose labels it uses → the reader of its shape (``outline``,
``listing``, ``sheets``, ``forms``; the labels in
``labels``, the forms in ``tables``) → a ``Draft`` (the filing's data, and everything the
reader could not place) → ``pbgen.yamlout`` (the YAML, in the conventions of data/*.yaml, the
unplaced text kept as comments at its end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.errors import PbgenError
from pbgen.importer.forms import read_forms
from pbgen.importer.labels import fold, learn, numbering
from pbgen.importer.listing import read_listing
from pbgen.importer.outline import read_outline
from pbgen.importer.sheets import read_sheets
from pbgen.importer.tables import settle_plan
from pbgen.layouts import Layout, find_layout, find_layouts
from pbgen.model import FORMAT, Department, Filing, Project
from pbgen.office import Document, Para, Row, read_office, squeeze
from pbgen.schema import schema_text
from pbgen.write import write_atomic
from pbgen.yamlout import Blank, dump_filing, schema_reference


@dataclass
class Draft:
    """The filing being read, in the model's key order, and the text not placed in it."""

    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    derived_sub_goals: list | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)  # the layout's, by field path
    unknown: list[str] = field(default_factory=list)  # labels read that have no field

    def note(self, text: str) -> None:
        text = text.strip()
        if text:
            self.notes.append(text)

    def add_forms(self, forms) -> None:
        """The projects a ``FormReader`` read, grouped into their units."""
        if forms.money_unit:
            self.data.setdefault("money_unit", forms.money_unit)
        for key in ("name", "code"):  # 填报单位 and its code, above a form
            if forms.department.get(key):
                self.data.setdefault("department", {}).setdefault(key, forms.department[key])
        self.notes += forms.notes
        self.unknown += forms.unknown
        units: list[dict] = []
        for project in forms.projects:
            settle_plan(project, self.notes)
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
    unknown: list[str] = field(default_factory=list)  # labels with no field (their text kept)

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


# How a layout's form is read follows from what its labels name (its manifest's ``labels``),
# never from its id: a text in parts (总体绩效目标, …) with one form per project after it; one
# wide table of units and projects; titled sheets (附表) that begin with the department's own;
# or one form per project.
SHAPES = (
    (("overall_goal", "sub_goals", "safeguards"), read_outline),
    (("units[].code",), read_listing),
    (("department_budget", "duties", "tables.work_plan", "department_indicators"), read_sheets),
)


def reader_for(layout: Layout):
    labels = layout.manifest.labels
    for paths, reader in SHAPES:
        if any(path in labels for path in paths):
            return reader
    return read_forms


def _document_labels(document: Document) -> set[str]:
    """Every short text of the document as a label is compared: cells, and paragraphs without
    their numbering (「一、总体绩效目标」)."""
    found = set()
    for item in document.items:
        for cell in item.cells if isinstance(item, Row) else [item]:
            for line in cell.text.split("\n"):
                text = fold(numbering(line)[2])
                if 0 < len(text) <= 24:
                    found.add(text)
    return found


def title_pattern(layout: Layout) -> re.Pattern:
    """The layout's document title as a pattern: 「{{ department.name }}{{ year }}年部门预算绩效
    文本」 → the department, the year and the title's own words."""
    parts = re.split(r"(\{\{.*?\}\})", layout.manifest.title)
    pattern = ""
    for part in parts:
        if part.startswith("{{"):
            name = part.strip("{} ").replace(" ", "")
            pattern += {"department.name": "(?P<department>.*?)", "year": r"(?P<year>\d{4})"}.get(
                name, ".*?"
            )
        else:
            pattern += re.escape(fold(part))
    return re.compile(f"^{pattern}$")


def detect_layout(document: Document, layouts: list[Layout]) -> Layout:
    """The layout whose labels the document uses most (its title counting for three); the
    first found (pbgen's own order) where none stands out."""
    labels = _document_labels(document)
    titles = [fold(item.text) for item in document.items if isinstance(item, Para)]

    def score(layout: Layout) -> int:
        named = sum(
            any(fold(spelling) in labels for spelling in spellings)
            for spellings in layout.manifest.labels.values()
        )
        pattern = title_pattern(layout)
        return named + 3 * any(pattern.match(title) for title in titles)

    return max(layouts, key=score)


def import_document(
    path: Path | str, layout: str | None = None, template_dir: Path | None = None
) -> Imported:
    """Read a document into a filing's data; raise ``PbgenError`` when it cannot be read."""
    path = Path(path)
    document = read_office(path)
    layouts = find_layouts(template_dir)
    learn({path: s for found in layouts for path, s in found.manifest.labels.items()})
    chosen = find_layout(layout, template_dir) if layout else detect_layout(document, layouts)
    draft = Draft(labels=chosen.manifest.labels)
    reader_for(chosen)(document, draft)
    _title(document, chosen, draft)
    if draft.derived_sub_goals is not None:
        _compare_derived(draft)
    notes, unknown = leftovers(document)
    draft.notes += notes
    _framework(draft.data)
    data = _ordered(draft.data, chosen.id)
    unknown = list(dict.fromkeys([*draft.unknown, *unknown]))
    return Imported(data, draft.notes, chosen.id, str(path), unknown)


def _title(document: Document, layout: Layout, draft: Draft) -> None:
    """The year and the department from the layout's own title, where the reader found none."""
    pattern = title_pattern(layout)
    for item in document.items:
        if isinstance(item, Para) and not item.used:
            match = pattern.match(fold(item.text))
            if match and "year" in pattern.groupindex and "year" not in draft.data:
                draft.data["year"] = match.group("year")
                department = match.groupdict().get("department")
                if department:
                    draft.data.setdefault("department", {}).setdefault("name", department)
                item.used = True


def _framework(data: dict) -> None:
    """成本指标 as a 一级指标 is the indicator framework of 财预〔2021〕101号: say so, or every
    成本 row would be checked against the 2020 one."""
    trees = [data.get("department_indicators") or {}]
    for unit in data.get("units", []):
        for project in unit.get("projects", []):
            trees += [project.get("indicators") or {}, project.get("period_indicators") or {}]
    if any("成本指标" in tree for tree in trees):
        data.setdefault("check", {"framework": "2021"})


def leftovers(document: Document) -> tuple[list[str], list[str]]:
    """Text the readers did not use, in document order: kept as comments, never dropped; and
    the labels among it (a short cell with text beside it: 「项目类别 | 基础建设类」)."""
    notes, labels = [], []
    seen = set()
    for item in document.items:
        if isinstance(item, Para):
            if not item.used and item.text.strip():
                notes.append(item.text.strip())
            continue
        cells = item.cells
        for index, cell in enumerate(cells):
            if not cell.used and cell.text and id(cell) not in seen:
                seen.add(id(cell))
                notes.append(cell.text)
                beside = cells[index + 1].text if index + 1 < len(cells) else ""
                if beside and LABEL_LIKE.match(fold(cell.text)):
                    labels.append(cell.text.strip())
    return notes, labels


def _compare_derived(draft: Draft) -> None:
    """分项绩效目标 written per project (seed 004) is generated from the projects (「绩效目标：」
    its goals, 「绩效指标：」 each 三级 name with its value); where the document's own text says
    anything else, it is kept."""
    projects = {p.get("name"): p for u in draft.data.get("units", []) for p in u["projects"]}
    for name, body in draft.derived_sub_goals or []:
        project = projects.get(name) or {}
        rows = [
            row
            for groups in (project.get("indicators") or {}).values()
            for group in groups.values()
            for row in group
        ]
        pieces = [
            *project.get("goals", []),
            *(r.get("name", "") + (r.get("value") or "") for r in rows),
        ]
        said = [squeeze(p).rstrip("。；;") for p in pieces if p]
        written = []
        for line in body:
            text = squeeze(re.sub(r"^(绩效目标|绩效指标)[:：]", "", line))
            written += [part for part in re.split(r"[；;。]", text.replace("：", "")) if part]
        if sorted(written) != sorted(p.replace("：", "") for p in said):
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

    def summary(self) -> dict:
        """What the import did, for the clerk and for tools (``pbgen import --json``)."""
        return {
            "file": str(self.imported.source),
            "output": str(self.output),
            "layout": self.imported.layout,
            "fields": self.imported.fields,
            "comments": len(self.imported.notes),
            "unknown_labels": self.imported.unknown,
            "missing": self.missing,
        }


# A kept cell that looks like a label: short, no sentence in it, no number.
LABEL_LIKE = re.compile(r"^[^\d。；;，,：:！？!?\s]{2,10}$")


SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm", ".doc", ".wps", ".xls", ".et")


def documents_in(folder: Path) -> list[Path]:
    """The Word and Excel files of a folder and its subfolders (not dot-folders, not Office's
    own 「~$」 lock files), in name order."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative) or path.name.startswith("~$"):
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            found.append(path)
    return found


def import_file(
    source: Path | str,
    output: Path | str | None = None,
    *,
    layout: str | None = None,
    year: int | None = None,
    department: str | None = None,
    force: bool = False,
    template_dir: Path | None = None,
) -> ImportResult:
    """Import ``source`` into ``output`` (default: beside it, ``.yaml``); refuse to overwrite
    a filing unless ``force``. The schema file is written beside it when none is in reach."""
    source = Path(source)
    output = Path(output) if output else source.with_suffix(".yaml")
    if output.exists() and not force:
        raise PbgenError(f"{output} 已存在：换一个文件名（-o），或加 --force 覆盖。")
    imported = import_document(source, layout, template_dir)
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
