"""``pbgen check``: every rule of DESIGN.md §4 over a loaded filing.

A rule is a function ``(filing, framework, **params) → Issue…`` registered with ``@rule``; it
names places by their path in the filing, and ``check`` turns paths into file, line, column and
the field's Chinese name. Rules live in one module per subject: money, plan, indicators, tables,
text. Which rules run, how severe and with which parameters comes from the filing's kit and its
own ``check:`` (``pbgen.check.settings``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pbgen.check import (  # noqa: F401  (each module registers its rules)
    indicators,
    money,
    plan,
    schedule,
    tables,
    text,
    version,
)
from pbgen.check.registry import RULES, Issue, rule
from pbgen.check.settings import SETTINGS_RULE, Effective, kit_rules, rule_settings
from pbgen.check.tables import table_field
from pbgen.errors import PbgenError
from pbgen.findings import Finding
from pbgen.framework import Framework, load_framework
from pbgen.kit import Kit
from pbgen.kitstore import kit_for
from pbgen.layouts import layout_for
from pbgen.load import Loaded, load
from pbgen.model import Filing

__all__ = ["RULES", "UNFILLED_RULE", "Issue", "Judged", "check", "judge", "rule", "rules_for"]

# What is not written yet (「待填」, a 预算数 of 0): an error, that a commit hook may let through.
UNFILLED_RULE = "to-fill"


@rule(
    SETTINGS_RULE,
    "error",
    "检查设置（check:）要有效：规则编号、参数、指标体系；kit 锁定的规则不能放宽",
)
def _settings_are_checked_in_judge(filing: Filing, framework: Framework) -> Iterator[Issue]:
    return iter(())  # the settings are read before any rule runs: see ``judge``


@dataclass
class Judged:
    """A filing's findings, and what they were judged by."""

    findings: list[Finding]
    kit: Kit
    framework: Framework
    rules: dict[str, Effective]


def judge(loaded: Loaded, kit: Kit | None = None, layout=None) -> Judged:
    """Run every rule that is on for this filing, as its kit and its ``check:`` set them.
    ``layout`` is the layout chosen (rules that depend on what it prints ask for it)."""
    filing = loaded.filing
    file = Path(loaded.source.file)
    kit = kit or kit_for(file)
    if layout is None:
        try:
            layout = layout_for(loaded, kit=kit)
        except PbgenError:
            layout = None  # an unknown layout is reported by pbgen check itself
    rules, issues = rule_settings(kit, filing.check)
    chosen = filing.check.framework or kit.default_framework
    try:
        framework = load_framework(chosen, kit, file.parent)
    except PbgenError as error:
        issues.append(Issue(("check", "framework"), str(error)))
        framework = load_framework(kit.default_framework, kit)
    findings = [
        loaded.source.finding(issue.path, SETTINGS_RULE, "error", issue.message) for issue in issues
    ]
    for id_, spec in RULES.items():
        setting = rules[id_]
        if setting.severity is None:
            continue
        for issue in spec.run(filing, framework, setting.params, kit=kit, layout=layout):
            finding = loaded.source.finding(issue.path, id_, setting.severity, issue.message)
            named = table_field(tuple(issue.path), kit, loaded.source.data)
            findings.append(replace(finding, field=named) if named else finding)
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return Judged(findings, kit, framework, rules)


def rules_for(path: Path, kit_dir: Path | None = None) -> tuple[Kit, dict[str, Effective]]:
    """The kit governing ``path`` and its rules as they run there: for a filing, with its own
    ``check:`` settings; for a folder, as the kit sets them."""
    kit = kit_for(path, kit_dir)
    if path.is_file():
        return kit, rule_settings(kit, load(path).filing.check)[0]
    return kit, kit_rules(kit)


def check(loaded: Loaded, kit: Kit | None = None, layout=None) -> list[Finding]:
    """All findings for one filing, in file order."""
    return judge(loaded, kit, layout).findings
