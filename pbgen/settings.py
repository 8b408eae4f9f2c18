"""``pbgen.toml``: a department's settings, in the filing's folder or a parent.

```toml
template_dir = "forms"        # the department's own layouts (relative to this file)

[kit]                         # the finance bureau's kit, pinned to a version
source = "https://git.example.gov.cn/czj/kit.git"   # a git repository, an archive or a folder
version = "2025.1"
```

Read with tomllib; written with tomlkit, which keeps the clerk's comments and order
(``pbgen kit use`` / ``kit update`` change two lines of a file people also edit by hand).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from pbgen.errors import PbgenError
from pbgen.write import write_atomic

SETTINGS_FILE = "pbgen.toml"
KNOWN = {
    "template_dir": "自己的版式所在的文件夹，相对于这个文件",
    "kit": "所用的 kit：[kit] source、version",
}
KIT_KEYS = {"source", "version"}


@dataclass(frozen=True)
class KitPin:
    """The kit a department uses: where it comes from and the version it is pinned to."""

    source: str
    version: str


@dataclass(frozen=True)
class Settings:
    file: Path
    template_dir: Path | None
    kit: KitPin | None


def find_settings(path: Path) -> Path | None:
    """The nearest ``pbgen.toml`` in ``path``'s folder (or ``path``, a folder) or a parent."""
    start = path.resolve() if path.is_dir() else path.resolve().parent
    return next(
        (
            folder / SETTINGS_FILE
            for folder in [start, *start.parents]
            if (folder / SETTINGS_FILE).is_file()
        ),
        None,
    )


def settings_for(path: Path) -> Settings | None:
    """The settings governing ``path`` (a filing or a folder); None when there is no
    ``pbgen.toml`` above it."""
    file = find_settings(path)
    return None if file is None else read_settings(file)


def read_settings(file: Path) -> Settings:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PbgenError(f"{file}：无法读取（{error}）。") from None
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        known = "；".join(f"{key}（{what}）" for key, what in KNOWN.items())
        raise PbgenError(f"{file}：不认识的设置 {'、'.join(unknown)}；可用的设置：{known}。")
    template_dir = None
    if "template_dir" in data:
        template_dir = file.parent / str(data["template_dir"])
        if not template_dir.is_dir():
            raise PbgenError(f"{file}：template_dir 指向的文件夹 {template_dir} 不存在。")
    return Settings(file, template_dir, _kit_pin(data.get("kit"), file))


def _kit_pin(kit, file: Path) -> KitPin | None:
    if kit is None:
        return None
    example = '[kit]\nsource = "…"  # git 仓库地址、压缩包或文件夹\nversion = "2025.1"'
    if not isinstance(kit, dict) or set(kit) - KIT_KEYS or not set(kit) >= KIT_KEYS:
        raise PbgenError(f"{file}：kit 应写成\n{example}\n（pbgen kit use 来源 会替你写好）。")
    source, version = (str(kit[key]).strip() for key in ("source", "version"))
    if not source or not version:
        raise PbgenError(f"{file}：kit 的 source 和 version 都要填写。")
    return KitPin(source, version)


def write_kit_pin(file: Path, pin: KitPin) -> None:
    """Set ``[kit]`` in ``file`` (made when missing), keeping everything else as written."""
    document = (
        tomlkit.parse(file.read_text(encoding="utf-8")) if file.is_file() else tomlkit.document()
    )
    if not file.is_file():
        document.add(tomlkit.comment("pbgen 的设置（见 pbgen 的 README：Kits）"))
    table = document.get("kit")
    if table is None:
        table = tomlkit.table()
        table.add(
            tomlkit.comment("财政局发布的 kit：版式、指标体系、检查规则；pbgen kit update 升级")
        )
        document.add("kit", table)
    table["source"] = pin.source
    table["version"] = pin.version
    write_atomic(file, tomlkit.dumps(document).encode("utf-8"))
