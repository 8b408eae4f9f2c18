"""``pbgen kit check DIR``: prove a kit before a bureau publishes it.

Everything a department would meet later is met here first: kit.yaml reads; every rule it
names exists and takes the parameters given; every framework reads; its tables name real
fields; no link leads out of the folder; each of its layouts reads, and renders its own
example filing in each of its formats — the example checked clean by the kit's own rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pbgen.check import judge
from pbgen.check.settings import kit_rules
from pbgen.errors import InputError, PbgenError
from pbgen.framework import read_framework
from pbgen.kit import FRAMEWORKS, Kit, TableSpec
from pbgen.kitstore import kit_for
from pbgen.layouts import Layout, find_layouts
from pbgen.load import load
from pbgen.model import Department, Filing, Project
from pbgen.pipeline import render_in_memory

RECORDS = {"filing": Filing, "department": Department, "project": Project}
LEVELS = {"filing": "文件", "department": "部门", "project": "项目"}


@dataclass
class LayoutProof:
    layout: Layout
    example: Path
    errors: int = 0
    warnings: int = 0
    made: dict[str, str] = field(default_factory=dict)  # format → what was made (「3 页」)
    problems: list[str] = field(default_factory=list)


@dataclass
class KitProof:
    folder: Path
    kit: Kit | None = None
    problems: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    layouts: list[LayoutProof] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and all(not proof.problems for proof in self.layouts)


def prove(folder: Path) -> KitProof:
    proof = KitProof(Path(folder))
    try:
        proof.kit = kit = kit_for(kit_dir=Path(folder))
        kit_rules(kit)
    except PbgenError as error:
        proof.problems.append(str(error))
        return proof
    for path in sorted((kit.folder / FRAMEWORKS).glob("*.yaml")):
        try:
            proof.frameworks.append(f"{path.stem}（{read_framework(path).title}）")
        except PbgenError as error:
            proof.problems.append(str(error))
    if kit.default_framework not in kit.framework_files():
        proof.problems.append(
            f"默认指标体系「{kit.default_framework}」不在 kit 的 frameworks/ 里。"
        )
    proof.problems += [
        problem for key, spec in kit.tables().items() for problem in _table(key, spec)
    ]
    try:
        layouts = [layout for layout in find_layouts(kit=kit) if layout.folder.parent == kit.folder]
        ids = {layout.id for layout in find_layouts(kit=kit)}
    except PbgenError as error:
        proof.problems.append(str(error))
        return proof
    if kit.default_layout not in ids:
        proof.problems.append(f"默认版式「{kit.default_layout}」不在 kit 里，也不是 pbgen 自带的。")
    if not layouts and kit.base is not None:
        proof.problems.append(
            f"{kit.folder}：kit 里没有版式（每个版式一个带 manifest.yaml 的文件夹）。"
        )
    proof.layouts = [_prove_layout(layout, kit) for layout in layouts]
    return proof


def _table(key: str, spec: TableSpec) -> list[str]:
    problems = []
    model = RECORDS[spec.on]
    for column_key, field_name in spec.sum_equals.items():
        column = spec.column(column_key)
        if column is None or column.type != "money":
            problems.append(f"表格 {key}：sum_equals 的「{column_key}」不是它的金额列。")
        if field_name not in model.model_fields:
            problems.append(
                f"表格 {key}：sum_equals 的「{field_name}」不是{LEVELS[spec.on]}的字段。"
            )
    keys = [column.key for column in spec.columns]
    if len(set(keys)) != len(keys):
        problems.append(f"表格 {key}：列名有重复。")
    return problems


def _prove_layout(layout: Layout, kit: Kit) -> LayoutProof:
    example = layout.folder / layout.manifest.example
    proof = LayoutProof(layout, example)
    if not example.is_file():
        proof.problems.append(
            f"{example}：没有示例文件。每个版式带一份能生成的示例（manifest.yaml 的 example），"
            "pbgen kit check 用它证明每种格式都能生成。"
        )
        return proof
    try:
        loaded = load(example)
    except InputError as error:
        proof.problems.append(f"示例文件无法读取：\n{error}")
        return proof
    judged = judge(loaded, kit, layout)
    proof.errors = sum(finding.severity == "error" for finding in judged.findings)
    proof.warnings = len(judged.findings) - proof.errors
    if proof.errors:
        first = next(f for f in judged.findings if f.severity == "error")
        proof.problems.append(
            f"示例文件有 {proof.errors} 个错误（按 kit 自己的规则），如：{first.render()}"
        )
    for name in layout.formats:
        try:
            rendered = render_in_memory(loaded.filing, layout, [name], str(example))
        except PbgenError as error:
            proof.problems.append(f"{name.upper()} 生成失败：{error}")
            continue
        pages = (
            f"{rendered.pages} 页" if rendered.pages else f"{len(rendered.files[name]) // 1024} KB"
        )
        proof.made[name] = pages
    return proof
