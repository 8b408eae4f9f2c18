"""``pbgen check``: every rule of DESIGN.md §4 over a loaded filing.

A rule is a function ``(filing, framework) → Issue…`` registered with ``@rule``; it names
places by their path in the filing, and ``check`` turns paths into file, line, column and
the field's Chinese name. Rules live in one module per subject: money, plan, indicators, text.
"""

from __future__ import annotations

from pbgen.check import indicators, money, plan, text, version  # noqa: F401  (registers the rules)
from pbgen.check.registry import RULES, Issue, rule
from pbgen.findings import Finding
from pbgen.framework import load_framework
from pbgen.load import Loaded

__all__ = ["RULES", "UNFILLED_RULE", "Issue", "check", "rule"]

# What is not written yet (「待填」, a 预算数 of 0): an error, that a commit hook may let through.
UNFILLED_RULE = "to-fill"


def check(loaded: Loaded) -> list[Finding]:
    """All findings for one filing, in file order."""
    filing = loaded.filing
    framework = load_framework(filing.check.framework)
    disabled = set(filing.check.disable)
    findings = [
        loaded.source.finding(issue.path, spec.id, spec.severity, issue.message)
        for spec in RULES.values()
        if spec.id not in disabled
        for issue in spec.function(filing, framework)
    ]
    return sorted(findings, key=lambda f: (f.line, f.column, f.rule))
