"""The rule registry: id, severity and a one-line description per rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from pbgen.findings import Severity
from pbgen.framework import Framework
from pbgen.model import Filing


class Issue(NamedTuple):
    path: tuple
    message: str


RuleFunction = Callable[[Filing, Framework], Iterator[Issue]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity
    summary: str
    function: RuleFunction


RULES: dict[str, RuleSpec] = {}


def rule(id: str, severity: Severity, summary: str):
    """Register a rule under ``id``."""

    def register(function: RuleFunction) -> RuleFunction:
        if id in RULES:  # pragma: no cover - a programming error
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = RuleSpec(id, severity, summary, function)
        return function

    return register
