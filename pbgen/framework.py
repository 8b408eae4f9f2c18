"""The indicator framework (指标体系) as data: allowed 一级/二级 names, aliases, required
categories and the vocabulary that tells a 三级 row's kind.

A framework is a YAML file in a kit's ``frameworks/`` folder (pbgen's own: standard, 2021); a
kit names its default, a filing chooses another by name or by the path of a file of its own
(``check: {framework: …}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pbgen.errors import PbgenError
from pbgen.kit import Kit, builtin_kit
from pbgen.messages import read_model


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    levels: dict[str, list[str]]
    required: list[str]
    aliases: dict[str, str]
    kinds: dict[str, re.Pattern]
    exclusive: frozenset[str]
    money_kind: str | None
    lower_is_better: re.Pattern
    definitions: dict[str, str] = field(default_factory=dict)  # 一级/二级 name → what it measures

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def home_of(self, level2: str) -> str | None:
        """The 一级 a 二级 name belongs under, if any."""
        return next((l1 for l1, l2s in self.levels.items() if level2 in l2s), None)

    def kinds_of(self, name: str, is_money: bool) -> list[str]:
        """The 二级 headings a 三级 row of this name (and value) looks like it belongs to."""
        found = [kind for kind, pattern in self.kinds.items() if pattern.search(name)]
        if is_money and self.money_kind and self.money_kind not in found:
            found.append(self.money_kind)
        return found


class FrameworkFile(BaseModel):
    """What a framework file holds (see templates/frameworks/standard.yaml, commented)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    levels: dict[str, list[str]] = Field(min_length=1)
    required: list[str] = []
    aliases: dict[str, str] = {}
    kinds: dict[str, str] = {}
    exclusive: list[str] = []
    money_kind: str | None = None
    lower_is_better: str | None = None
    definitions: dict[str, str] = {}


@cache
def read_framework(path: Path) -> Framework:
    """The framework in ``path``; ``PbgenError`` naming the file and the key otherwise."""
    spec = read_model(path, FrameworkFile, PbgenError, "指标体系", "title: …、levels: …")
    try:
        patterns = {kind: re.compile(pattern) for kind, pattern in spec.kinds.items()}
        lower = re.compile(spec.lower_is_better or "(?!)")
    except re.error as error:
        raise PbgenError(f"{path}：kinds 或 lower_is_better 的正则表达式有误：{error}。") from None
    unknown = [name for name in [*spec.required, *spec.exclusive] if not _known(spec, name)]
    if unknown:
        raise PbgenError(f"{path}：{'、'.join(unknown)} 不是 levels 中的一级或二级指标。")
    return Framework(
        name=path.stem,
        title=spec.title,
        levels=spec.levels,
        required=spec.required,
        aliases=spec.aliases,
        kinds=patterns,
        exclusive=frozenset(spec.exclusive),
        money_kind=spec.money_kind,
        lower_is_better=lower,
        definitions=spec.definitions,
    )


def _known(spec: FrameworkFile, name: str) -> bool:
    return name in spec.levels or any(name in level2 for level2 in spec.levels.values())


def available(kit: Kit | None = None) -> list[str]:
    return sorted((kit or builtin_kit()).framework_files())


def load_framework(name: str, kit: Kit | None = None, base: Path | None = None) -> Framework:
    """A framework by its name in ``kit`` (pbgen's own by default), or by the path of a file
    (relative to ``base``, the filing's folder)."""
    files = (kit or builtin_kit()).framework_files()
    if name in files:
        return read_framework(files[name])
    if name.endswith((".yaml", ".yml")) and base is not None:
        path = (base / name).resolve()
        if path.is_file():
            return read_framework(path)
        raise PbgenError(f"找不到指标体系文件 {path}。")
    raise PbgenError(
        f"没有名为「{name}」的指标体系；可选：{'、'.join(sorted(files))}，"
        "或一个指标体系文件的路径（如 frameworks/本地.yaml）。"
    )


def all_frameworks(kit: Kit | None = None) -> list[Framework]:
    """Every framework the kit offers (for completion: all their names are known)."""
    return [
        read_framework(path) for _, path in sorted((kit or builtin_kit()).framework_files().items())
    ]
