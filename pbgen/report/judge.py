"""Judging one filing for the bureau: the one place where the report decides what a filing
is told.

A filing may switch rules off for itself (``check.disable``). The bureau's kit may lock a rule:
then the filing's own switch does not hide it. ``judge`` runs every rule, reports what the
filing's settings allow plus whatever a locked rule finds, and says what the filing switched
off and how much that hid — so the reviewer sees a filing that quietly disabled a rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pbgen.check import check
from pbgen.findings import Finding
from pbgen.load import Loaded


@dataclass(frozen=True)
class Judgement:
    """What the report says of one filing's content."""

    findings: list[Finding]  # reported: the filing's settings, and every locked rule
    disabled: tuple[str, ...]  # the filing's own check.disable, as written
    overruled: frozenset[str] = frozenset()  # of those, the rules the kit locks (still reported)
    hidden: dict[str, int] = field(default_factory=dict)  # per disabled rule, findings not shown

    def is_overruled(self, finding: Finding) -> bool:
        """Reported although the filing disabled its rule: the kit locks it."""
        return finding.rule in self.overruled


def judge(loaded: Loaded, locked: frozenset[str] = frozenset()) -> Judgement:
    """Every finding the bureau sees in ``loaded``. ``locked``: the rules the bureau's kit
    locks, which a filing's own ``check.disable`` cannot hide (issue 19 wires the kit's locks
    in here; without a kit, nothing is locked)."""
    filing = loaded.filing
    disabled = tuple(filing.check.disable)
    every_rule = filing.model_copy(
        update={"check": filing.check.model_copy(update={"disable": []})}
    )
    found = check(Loaded(every_rule, loaded.source))
    switched_off = set(disabled) - locked
    hidden = Counter(finding.rule for finding in found if finding.rule in switched_off)
    return Judgement(
        findings=[finding for finding in found if finding.rule not in switched_off],
        disabled=disabled,
        overruled=frozenset(disabled) & locked,
        hidden=dict(sorted(hidden.items())),
    )
