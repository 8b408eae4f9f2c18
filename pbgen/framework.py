"""The indicator framework (指标体系) as data: allowed 一级/二级 names, aliases, required
categories and the vocabulary that tells a 三级 row's kind. Files live in
``pbgen/frameworks/<name>.yaml``; a filing selects one with ``check: {framework: …}``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pbgen.errors import PbgenError

FRAMEWORK_DIR = Path(__file__).parent / "frameworks"


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


def available() -> list[str]:
    return sorted(path.stem for path in FRAMEWORK_DIR.glob("*.yaml"))


@cache
def load_framework(name: str) -> Framework:
    path = FRAMEWORK_DIR / f"{name}.yaml"
    if not path.is_file():
        raise PbgenError(f"没有名为「{name}」的指标体系；可选：{'、'.join(available())}。")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return Framework(
        name=name,
        title=data["title"],
        levels=data["levels"],
        required=data["required"],
        aliases=data.get("aliases") or {},
        kinds={kind: re.compile(pattern) for kind, pattern in (data.get("kinds") or {}).items()},
        exclusive=frozenset(data.get("exclusive") or []),
        money_kind=data.get("money_kind"),
        lower_is_better=re.compile(data.get("lower_is_better") or "(?!)"),
        definitions=data.get("definitions") or {},
    )
