"""Where the language server gets a filing's indicator framework and rules: the filing's kit
(its ``pbgen.toml``'s ``[kit]``, else pbgen's own), as ``pbgen check`` gets them. Everything
else in ``pbgen.lsp`` asks ``rulebook``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pbgen.errors import PbgenError
from pbgen.framework import Framework, available, load_framework
from pbgen.kit import Kit, builtin_kit
from pbgen.kitstore import kit_for
from pbgen.pipeline import CheckResult, check_loaded


@dataclass(frozen=True)
class Rulebook:
    """What a filing is checked against: its kit, its indicator framework (for completion,
    hover and quick fixes) and the function that runs every rule on it (``pbgen check``'s)."""

    kit: Kit
    framework: Framework
    check: Callable[[Any], CheckResult]
    frameworks: tuple[str, ...]  # what ``check.framework`` may name


def rulebook(file: Path, data: Any) -> Rulebook:
    """The kit, framework and rules of the filing at ``file`` whose raw data is ``data`` (a
    filing being typed may not load yet: its ``check.framework`` is read from the data, and an
    unknown one — which ``check`` reports — falls back to the kit's default for completion). A
    kit that cannot be read (its message is the check's) leaves pbgen's own for completion."""
    try:
        kit = kit_for(file)
    except PbgenError:
        kit = builtin_kit()
    settings = data.get("check") if isinstance(data, dict) else None
    name = settings.get("framework") if isinstance(settings, dict) else None
    try:
        framework = load_framework(str(name or kit.default_framework), kit, file.parent)
    except PbgenError:
        framework = load_framework(kit.default_framework, kit)
    return Rulebook(kit, framework, partial(check_loaded, kit=kit), tuple(available(kit)))
