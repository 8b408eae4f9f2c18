"""Where the language server gets a filing's indicator framework and rules: one function, so
that when frameworks and rules come from the filing's kit (pbgen.toml ``kit =``) only this
module changes. Everything else in ``pbgen.lsp`` asks ``rulebook``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbgen.errors import PbgenError
from pbgen.framework import Framework, available, load_framework
from pbgen.pipeline import CheckResult, check_loaded

DEFAULT_FRAMEWORK = "standard"


@dataclass(frozen=True)
class Rulebook:
    """What a filing is checked against: its indicator framework (for completion, hover and
    quick fixes) and the function that runs every rule on it (``pbgen check``'s own)."""

    framework: Framework
    check: Callable[[Any], CheckResult]
    frameworks: tuple[str, ...]  # what ``check.framework`` may name


def rulebook(file: Path, data: Any) -> Rulebook:
    """The framework and rules of the filing at ``file`` whose raw data is ``data`` (a filing
    being typed may not load yet: its ``check.framework`` is read from the data, and an unknown
    one — which ``check`` reports — falls back to the default for completion)."""
    settings = data.get("check") if isinstance(data, dict) else None
    name = settings.get("framework") if isinstance(settings, dict) else None
    try:
        framework = load_framework(str(name or DEFAULT_FRAMEWORK))
    except PbgenError:
        framework = load_framework(DEFAULT_FRAMEWORK)
    return Rulebook(framework, check_loaded, tuple(available()))
