"""The rule registry: id, default severity, a one-line summary and the parameters per rule.

A rule is a function ``(filing, framework, **what it asks for) → Issue…``. Besides its own
parameters (declared with ``Param``, set by a kit or a filing), it may ask for ``kit`` (the
filing's kit: its tables and slots) and ``layout`` (the layout chosen, or None) by naming them
as keyword-only arguments: a rule gets only what it names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from pbgen.findings import Severity
from pbgen.framework import Framework
from pbgen.model import Filing


class Issue(NamedTuple):
    path: tuple
    message: str


RuleFunction = Callable[..., Iterator[Issue]]
SEVERITY_ORDER = {"off": 0, "warning": 1, "error": 2}


def at_least(new: Any, old: Any) -> bool:
    """A list (words, required names) is as strict when it keeps every item of the old one."""
    return set(new) >= set(old)


def no_looser_limits(new: dict, old: dict) -> bool:
    """Limits (字数上限) are as strict when each old one is kept or lowered."""
    return all(name in new and new[name] <= limit for name, limit in old.items())


@dataclass(frozen=True)
class Param:
    """A setting of a rule: its type (checked with pydantic), default, what it means, and when
    a new value is at least as strict as an old one (a filing may only tighten a locked rule)."""

    type: Any
    default: Any
    summary: str
    stricter: Callable[[Any, Any], bool] = at_least

    def parse(self, value: Any) -> Any:
        """The value as the rule uses it; ``ValueError`` with a Chinese reason otherwise."""
        try:
            return TypeAdapter(self.type).validate_python(value)
        except ValidationError as error:
            reasons = [detail["msg"].removeprefix("Value error, ") for detail in error.errors()]
            raise ValueError("；".join(reasons)) from None


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity
    summary: str
    function: RuleFunction
    params: dict[str, Param] = field(default_factory=dict)

    def run(
        self, filing: Filing, framework: Framework, params: dict, **available
    ) -> Iterator[Issue]:
        wanted = inspect.signature(self.function).parameters
        given = {name: value for name, value in available.items() if name in wanted}
        return self.function(filing, framework, **params, **given)


RULES: dict[str, RuleSpec] = {}


def rule(id: str, severity: Severity, summary: str, **params: Param):
    """Register a rule under ``id``, with its parameters and their defaults."""

    def register(function: RuleFunction) -> RuleFunction:
        if id in RULES:  # pragma: no cover - a programming error
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = RuleSpec(id, severity, summary, function, params)
        return function

    return register
