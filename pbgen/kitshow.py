"""``pbgen kit show``: the kit a department uses, as a clerk or the bureau reads it."""

from __future__ import annotations

from pathlib import Path

from pbgen.check.registry import RULES
from pbgen.check.settings import kit_rules
from pbgen.findings import SEVERITY_NAMES
from pbgen.framework import read_framework
from pbgen.kitstore import kit_for
from pbgen.layouts import find_layouts

LEVELS = {"filing": "文件", "department": "部门", "unit": "单位", "project": "每个项目"}
TYPES = {"text": "文字", "money": "金额", "formula": "测算说明"}


def describe(path: Path, kit_dir: Path | None = None) -> list[str]:
    kit = kit_for(path, kit_dir)
    lines = [f"kit：{kit.label}", f"  来源：{kit.origin}（{kit.folder}）"]
    if kit.base is not None:
        lines.append(f"  叠在 {kit.base.label} 之上")
    lines.append(f"  默认版式：{kit.default_layout}；默认指标体系：{kit.default_framework}")
    lines.append("版式：")
    for layout in find_layouts(filing=path, kit=kit):
        lines.append(
            f"  {layout.id}  {layout.name}（{'、'.join(layout.formats)}；{layout.origin}）"
        )
    lines.append("指标体系：")
    for name, file in sorted(kit.framework_files().items()):
        framework = read_framework(file)
        lines.append(f"  {name}  {framework.title}：{'、'.join(framework.levels)}")
    effective = kit_rules(kit)
    changed = [
        (id_, rule) for id_, rule in effective.items()
        if rule.locked_by or rule.severity != RULES[id_].severity
        or any(rule.params[n] != p.default for n, p in RULES[id_].params.items())
    ]  # fmt: skip
    lines.append(
        "规则（与 pbgen 默认不同的）：" if changed else "规则：全部按 pbgen 默认（pbgen rules）"
    )
    for id_, rule in changed:
        severity = SEVERITY_NAMES[rule.severity] if rule.severity else "关闭"
        locked = "，锁定" if rule.locked_by else ""
        params = "".join(f"，{name}={value}" for name, value in rule.params.items() if value)
        lines.append(f"  {id_}：{severity}{locked}{params}")
    for key, spec in kit.tables().items():
        columns = "、".join(f"{c.key}（{c.title}，{TYPES[c.type]}）" for c in spec.columns)
        lines.append(f"表格 {key}（{spec.title}，写在{LEVELS[spec.on]}的 tables 下）：{columns}")
    for record, label in LEVELS.items():
        slots = kit.slots(record)
        if slots:
            lines.append(f"栏目（{label}的 extra 下）：{'、'.join(slot.label for slot in slots)}")
    return lines
