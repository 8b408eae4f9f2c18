"""A kit: what a finance bureau hands its departments as one thing — its layouts, its indicator
frameworks, its rule settings, the tables and text slots its forms add — in one folder with a
``kit.yaml``.

pbgen's own layouts and frameworks are its built-in kit (``templates/``), read the same way. A
department's kit (``[kit]`` in ``pbgen.toml``, see ``pbgen.kitstore``) is laid over it: its
layouts and frameworks join pbgen's (one with the same id replaces pbgen's), its rule settings
apply over pbgen's defaults, its tables and slots are added, and its defaults (layout,
framework) win. A kit is data only: nothing in it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from pbgen import __version__
from pbgen.errors import PbgenError
from pbgen.messages import read_model
from pbgen.model import RuleSetting, _as_rule_setting
from pbgen.resources import templates_dir

KIT_FILE = "kit.yaml"
FRAMEWORKS = "frameworks"
ID_PATTERN = r"^[a-z][a-z0-9_-]*$"


class KitError(PbgenError):
    """A kit that cannot be used: its file, what is wrong and what to change."""


# -- what kit.yaml declares ------------------------------------------------------------------


class Column(BaseModel):
    """One column of a declared table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="文件里写的列名，如 amount 或 金额。")
    title: str = Field(description="表头印的名称，如「金额」。")
    type: Literal["text", "money", "formula"] = Field(
        "text",
        description="text 文字；money 金额（文件的金额单位，合计时相加）；"
        "formula 测算说明（其中的算式「2000元*5=10000元」会核算）。",
    )
    required: bool = Field(False, description="true：每行都要填。")


class TableSpec(BaseModel):
    """A table a kit's forms print: where it is written, its columns, its 合计."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(description="表名，如「成本构成」：检查提示和表题用它。")
    on: Literal["filing", "department", "project"] = Field(
        "project", description="写在哪一级：filing 文件、department 部门、project 每个项目。"
    )
    columns: Annotated[list[Column], Field(min_length=1)]
    total: bool = Field(True, description="有合计行：金额列由 pbgen 相加；文件里写了合计就核对。")
    sum_equals: dict[str, str] = Field(
        default_factory=dict,
        description="金额列之和应等于的字段，如 {amount: budget}（项目预算数）。",
    )
    required: bool = Field(False, description="true：每个（项目）都要有这张表。")
    description: str = ""

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


class Slot(BaseModel):
    """A text a kit's form has a place for (保障措施, 审核意见…), written under ``extra``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(description="栏目名，如「保障措施」：文件在 extra 下用它作键。")
    description: str = ""


class KitManifest(BaseModel):
    """What ``kit.yaml`` holds; README.md, "Kits", explains each key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: str
    version: str
    pbgen: str = Field("", description="适用的 pbgen 版本，如「>=0.1」。")
    summary: str = ""
    layout: str | None = Field(None, description="默认版式：init 和不写 layout 的文件用它。")
    layouts: list[str] = Field(
        default_factory=list, description="pbgen layouts 列出版式的顺序（没列出的按编号排在后面）。"
    )
    framework: str | None = Field(None, description="默认指标体系。")
    rules: dict[str, Annotated[RuleSetting, BeforeValidator(_as_rule_setting)]] = Field(
        default_factory=dict
    )
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    slots: dict[Literal["filing", "department", "unit", "project"], list[Slot]] = Field(
        default_factory=dict
    )


# -- a kit, and a department's kit laid over pbgen's --------------------------------------------


@dataclass(frozen=True)
class Kit:
    """A kit folder read; ``base`` is the kit it is laid over (pbgen's own, for a bureau's)."""

    manifest: KitManifest
    folder: Path
    origin: str  # where it came from, for messages: pbgen 自带, pbgen.toml …, --kit …
    base: Kit | None = None

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def label(self) -> str:
        """「县财政局 kit（czj 2025.1）」: how messages name the kit."""
        return f"{self.name}（{self.id} {self.version}）"

    @property
    def layers(self) -> list[Kit]:
        """pbgen's own first, this one last: a later layer wins."""
        return [*(self.base.layers if self.base else []), self]

    @property
    def default_layout(self) -> str:
        return next(k.manifest.layout for k in reversed(self.layers) if k.manifest.layout)

    @property
    def layout_order(self) -> list[str]:
        """The order layouts are listed in: each layer's ``layouts:``, pbgen's first."""
        return list(dict.fromkeys(id_ for layer in self.layers for id_ in layer.manifest.layouts))

    @property
    def default_framework(self) -> str:
        return next(k.manifest.framework for k in reversed(self.layers) if k.manifest.framework)

    def framework_files(self) -> dict[str, Path]:
        """Every framework by name (``frameworks/<name>.yaml`` of each layer; a later wins)."""
        found: dict[str, Path] = {}
        for layer in self.layers:
            folder = layer.folder / FRAMEWORKS
            if folder.is_dir():
                found.update({path.stem: path for path in sorted(folder.glob("*.yaml"))})
        return found

    def rule_settings(self) -> list[tuple[Kit, str, RuleSetting]]:
        """Each layer's rule settings, in order: pbgen's, then the bureau's."""
        return [(layer, id_, s) for layer in self.layers for id_, s in layer.manifest.rules.items()]

    def tables(self) -> dict[str, TableSpec]:
        found: dict[str, TableSpec] = {}
        for layer in self.layers:
            found.update(layer.manifest.tables)
        return found

    def slots(self, record: str) -> list[Slot]:
        found: dict[str, Slot] = {}
        for layer in self.layers:
            found.update({slot.label: slot for slot in layer.manifest.slots.get(record, [])})
        return list(found.values())

    def identity(self) -> dict[str, str]:
        """What an output's stamp records of the kit that made it."""
        return {layer.id: layer.version for layer in self.layers}


def read_kit(folder: Path, origin: str, base: Kit | None = None) -> Kit:
    """The kit in ``folder``; ``KitError`` naming the file and what to change otherwise."""
    file = folder / KIT_FILE
    if not file.is_file():
        raise KitError(
            f"{folder}：不是 kit（没有 {KIT_FILE}）。kit 是一个文件夹：kit.yaml、各版式的文件夹、"
            "frameworks/（指标体系）；见 README.md「Kits」。"
        )
    manifest = read_model(file, KitManifest, KitError, "", "id: …、name: …、version: …")
    try:
        Version(manifest.version)
    except InvalidVersion:
        raise KitError(
            f"{file}：version「{manifest.version}」不是版本号：写成 1、1.2 或 2025.1 这样的数字。"
        ) from None
    _check_pbgen_version(manifest, file)
    return Kit(manifest, folder, origin, base)


def _check_pbgen_version(manifest: KitManifest, file: Path) -> None:
    if not manifest.pbgen:
        return
    try:
        wanted = SpecifierSet(manifest.pbgen)
    except InvalidSpecifier:
        raise KitError(
            f"{file}：pbgen「{manifest.pbgen}」不是版本要求：写成「>=0.1」「>=0.1,<1」这样。"
        ) from None
    if Version(__version__) not in wanted:
        raise KitError(
            f"kit「{manifest.name}」（{manifest.id} {manifest.version}）要求 pbgen {manifest.pbgen}，"
            f"这里的 pbgen 是 {__version__}：请升级 pbgen，或在 pbgen.toml 中选用适合的 kit 版本。"
        )


BUILT_IN = "pbgen 自带"


@cache
def builtin_kit() -> Kit:
    """pbgen's own kit: its templates folder."""
    return read_kit(templates_dir(), BUILT_IN)


def over_builtin(folder: Path, origin: str) -> Kit:
    """A bureau's kit laid over pbgen's."""
    return read_kit(folder, origin, builtin_kit())


def as_plain(setting: RuleSetting) -> dict[str, Any]:
    """A rule setting as written: severity, locked and the parameters."""
    plain: dict[str, Any] = {}
    if setting.severity:
        plain["severity"] = setting.severity
    if setting.locked:
        plain["locked"] = True
    return {**plain, **setting.params}
