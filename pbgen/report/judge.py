"""Judging one filing for the bureau: the one place where the report decides what a filing
is told.

A filing may switch rules off for itself (``check.disable``, ``rules: {x: off}``). The bureau's
kit may lock a rule: then the filing's own switch does not hide it (``pbgen.check.settings``;
the attempt is itself a finding). ``judge`` reports what the filing's kit and settings allow,
and says what the filing switched off and how much that hid — so the reviewer sees a filing
that quietly disabled a rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.check import judge as judge_filing
from pbgen.check.settings import kit_rules
from pbgen.findings import Finding
from pbgen.kit import Kit
from pbgen.kitstore import kit_for
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


def judge(loaded: Loaded, kit: Kit | None = None) -> Judgement:
    """Every finding the bureau sees in ``loaded``, judged by its kit (``kit``, else the one its
    ``pbgen.toml`` pins): the kit's locked rules run whatever the filing says, and what the
    filing's own settings switched off is counted, not shown."""
    kit = kit or kit_for(Path(loaded.source.file))
    judged = judge_filing(loaded, kit)
    check = loaded.filing.check
    disabled = tuple(
        dict.fromkeys(
            [*check.disable, *(id_ for id_, s in check.rules.items() if s.severity == "off")]
        )
    )
    locked = frozenset(id_ for id_, rule in kit_rules(kit).items() if rule.locked_by)
    switched_off = {
        id_ for id_ in disabled if id_ in judged.rules and not judged.rules[id_].severity
    }
    hidden: Counter = Counter()
    if switched_off:
        as_the_kit_sets = check.model_copy(update={"disable": [], "rules": {}, "max_length": {}})
        every_rule = loaded.filing.model_copy(update={"check": as_the_kit_sets})
        unchecked = judge_filing(Loaded(every_rule, loaded.source), kit).findings
        hidden = Counter(f.rule for f in unchecked if f.rule in switched_off)
    return Judgement(
        findings=judged.findings,
        disabled=disabled,
        overruled=frozenset(disabled) & locked,
        hidden=dict(sorted(hidden.items())),
    )
