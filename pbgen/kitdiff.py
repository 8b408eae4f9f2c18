"""What changed between two versions of a kit, as a department reads it after ``pbgen kit
update``: layouts added, removed or changed (and which of their files), frameworks' names,
rule settings, tables and slots, defaults."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pbgen.framework import Framework, read_framework
from pbgen.kit import KIT_FILE, Kit, as_plain
from pbgen.manifest import MANIFEST

SEVERITY = {"error": "错误", "warning": "警告", "off": "关闭"}


def changes(old: Kit | None, new: Kit) -> list[str]:
    """One line per change from ``old`` to ``new`` (only the bureau's layer: pbgen's own kit
    changes with pbgen); empty when nothing changed."""
    if old is None:
        return [f"（上一版本不在本机，无法比较；现在用 {new.label}）"]
    lines = []
    a, b = old.manifest, new.manifest
    if a.version != b.version:
        lines.append(f"版本：{a.version} → {b.version}")
    for key, what in (
        ("pbgen", "要求的 pbgen 版本"),
        ("layout", "默认版式"),
        ("framework", "默认指标体系"),
    ):
        if getattr(a, key) != getattr(b, key):
            lines.append(f"{what}：{getattr(a, key) or '（无）'} → {getattr(b, key) or '（无）'}")
    lines += _layouts(old.folder, new.folder)
    lines += _frameworks(old, new)
    lines += _rules(old, new)
    lines += _named("表格", a.tables, b.tables, lambda spec: spec.title)
    for record in sorted(set(a.slots) | set(b.slots)):
        before = {slot.label: slot for slot in a.slots.get(record, [])}
        after = {slot.label: slot for slot in b.slots.get(record, [])}
        lines += _named(f"栏目（{record}）", before, after, lambda slot: slot.label)
    return lines


def _files(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def _layouts(old: Path, new: Path) -> list[str]:
    def layouts(folder: Path) -> set[str]:
        return {path.parent.name for path in folder.glob(f"*/{MANIFEST}")}

    before, after, lines = layouts(old), layouts(new), []
    lines += [f"新增版式：{name}" for name in sorted(after - before)]
    lines += [f"删去版式：{name}" for name in sorted(before - after)]
    for name in sorted(before & after):
        a, b = _files(old / name), _files(new / name)
        changed = sorted(path for path in set(a) | set(b) if a.get(path) != b.get(path))
        if changed:
            lines.append(f"版式 {name} 有改动：{'、'.join(changed)}")
    return lines


def _frameworks(old: Kit, new: Kit) -> list[str]:
    a, b = _own_frameworks(old), _own_frameworks(new)
    lines = [f"新增指标体系：{name}" for name in sorted(set(b) - set(a))]
    lines += [f"删去指标体系：{name}" for name in sorted(set(a) - set(b))]
    for name in sorted(set(a) & set(b)):
        lines += [f"指标体系 {name}：{line}" for line in _framework_changes(a[name], b[name])]
    return lines


def _own_frameworks(kit: Kit) -> dict[str, Framework]:
    folder = kit.folder / "frameworks"
    return {path.stem: read_framework(path) for path in sorted(folder.glob("*.yaml"))}


def _framework_changes(a: Framework, b: Framework) -> list[str]:
    lines = []
    for level1 in [*a.levels, *(name for name in b.levels if name not in a.levels)]:
        if level1 not in b.levels:
            lines.append(f"删去一级指标 {level1}")
        elif level1 not in a.levels:
            lines.append(f"新增一级指标 {level1}（{'、'.join(b.levels[level1])}）")
        else:
            added = [name for name in b.levels[level1] if name not in a.levels[level1]]
            removed = [name for name in a.levels[level1] if name not in b.levels[level1]]
            lines += [f"{level1}下新增 {name}" for name in added]
            lines += [f"{level1}下删去 {name}" for name in removed]
    if a.required != b.required:
        lines.append(f"必备的一级指标：{'、'.join(a.required)} → {'、'.join(b.required)}")
    if a.aliases != b.aliases:
        lines.append("别称（旧称）有改动")
    return lines


def _rules(old: Kit, new: Kit) -> list[str]:
    a = {id_: as_plain(setting) for id_, setting in old.manifest.rules.items()}
    b = {id_: as_plain(setting) for id_, setting in new.manifest.rules.items()}
    lines = []
    for id_ in sorted(set(a) | set(b)):
        if a.get(id_) != b.get(id_):
            lines.append(f"规则 {id_}：{_setting(a.get(id_))} → {_setting(b.get(id_))}")
    return lines


def _setting(plain: dict | None) -> str:
    if not plain:
        return "pbgen 默认"
    parts = [SEVERITY.get(plain.get("severity"), "")] if plain.get("severity") else []
    parts += ["锁定"] if plain.get("locked") else []
    parts += [f"{key}={value}" for key, value in plain.items() if key not in ("severity", "locked")]
    return "，".join(parts)


def _named(what: str, before: dict, after: dict, name) -> list[str]:
    lines = [f"新增{what}：{name(after[key])}" for key in after if key not in before]
    lines += [f"删去{what}：{name(before[key])}" for key in before if key not in after]
    lines += [
        f"{what} {name(after[key])} 有改动"
        for key in after
        if key in before and before[key] != after[key]
    ]
    return lines


__all__ = ["KIT_FILE", "changes"]
