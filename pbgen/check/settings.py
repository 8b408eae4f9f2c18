"""Which rules run, how severe, with which parameters: pbgen's defaults, then each kit's
``rules:``, then the filing's own ``check:``.

Precedence: a kit sets any rule as it likes and may lock one; a filing may then tighten any
rule (raise its severity, turn it on, stricter parameters) and loosen only the rules no kit
locks. An attempt to loosen a locked rule is itself a finding, and the kit's setting stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pbgen.check.registry import RULES, SEVERITY_ORDER, Issue, RuleSpec
from pbgen.findings import Severity
from pbgen.kit import KIT_FILE, Kit, KitError
from pbgen.model import CheckSettings, RuleSetting

SETTINGS_RULE = "check-settings"


@dataclass(frozen=True)
class Effective:
    """One rule as it will run for a filing."""

    severity: Severity | None  # None: off
    params: dict[str, Any]
    locked_by: Kit | None = None

    def level(self) -> int:
        return SEVERITY_ORDER[self.severity or "off"]


def defaults() -> dict[str, Effective]:
    return {
        id_: Effective(spec.severity, {name: p.default for name, p in spec.params.items()})
        for id_, spec in RULES.items()
    }


def kit_rules(kit: Kit) -> dict[str, Effective]:
    """pbgen's defaults under every layer of ``kit``; ``KitError`` for a setting a kit gets
    wrong (an unknown rule or parameter, a value of the wrong kind)."""
    rules = defaults()
    for layer, id_, setting in kit.rule_settings():
        where = f"{layer.folder / KIT_FILE}：rules.{id_}"
        spec = RULES.get(id_)
        if spec is None:
            raise KitError(f"{where}：没有这条规则（pbgen rules 列出全部规则编号）。")
        try:
            rules[id_] = _applied(rules[id_], spec, setting)
        except ValueError as error:
            raise KitError(f"{where}：{error}") from None
        if setting.locked:
            rules[id_] = replace(rules[id_], locked_by=layer)
    return rules


def _applied(current: Effective, spec: RuleSpec, setting: RuleSetting) -> Effective:
    params = dict(current.params)
    for name, value in setting.params.items():
        param = spec.params.get(name)
        if param is None:
            known = "、".join(spec.params) or "无"
            raise ValueError(f"规则 {spec.id} 没有参数「{name}」（它的参数：{known}）。")
        try:
            params[name] = param.parse(value)
        except ValueError as error:
            raise ValueError(f"参数「{name}」：{error}") from None
    severity = current.severity
    if setting.severity is not None:
        severity = None if setting.severity == "off" else setting.severity
    return Effective(severity, params, current.locked_by)


def filing_settings(check: CheckSettings) -> list[tuple[tuple, str, RuleSetting]]:
    """The filing's ``check:`` as rule settings, each with its place: ``disable`` turns rules
    off, ``max_length`` is text-length's parameter, ``rules`` sets any rule."""
    found = [
        (("check", "disable", index), str(id_), RuleSetting(severity="off"))
        for index, id_ in enumerate(check.disable)
    ]
    if check.max_length:
        found.append(
            (("check", "max_length"), "text-length", RuleSetting(max_length=check.max_length))
        )
    found += [(("check", "rules", id_), id_, setting) for id_, setting in check.rules.items()]
    return found


def rule_settings(kit: Kit, check: CheckSettings) -> tuple[dict[str, Effective], list[Issue]]:
    """The rules as they run for a filing, and what is wrong with its ``check:`` settings."""
    rules = kit_rules(kit)
    issues = []
    for path, id_, setting in filing_settings(check):
        spec = RULES.get(id_)
        if spec is None:
            issues.append(Issue(path, f"没有编号为「{id_}」的规则：pbgen rules 列出全部规则。"))
            continue
        if setting.locked:
            issues.append(Issue(path, "只有财政局的 kit 能锁定规则，文件里不能写 locked。"))
        try:
            wanted = _applied(rules[id_], spec, setting)
        except ValueError as error:
            issues.append(Issue(path, str(error)))
            continue
        current = rules[id_]
        if current.locked_by is not None:
            looser = _looser(spec, current, wanted)
            if looser:
                kit = current.locked_by
                issues.append(
                    Issue(
                        path,
                        f"规则 {id_}（{spec.summary}）由 {kit.label} 锁定，文件不能{looser}；"
                        "只能更严（如把警告改为错误）。这里的设置没有生效。",
                    )
                )
                continue
        rules[id_] = wanted
    return rules, issues


def _looser(spec: RuleSpec, current: Effective, wanted: Effective) -> str:
    """What ``wanted`` loosens of ``current`` (「关闭它」「降为警告」「放宽参数 …」), or ""."""
    if wanted.severity is None and current.severity is not None:
        return "关闭它"
    if wanted.level() < current.level():
        return "把它从错误降为警告"
    for name, param in spec.params.items():
        if not param.stricter(wanted.params[name], current.params[name]):
            return f"放宽它的参数「{name}」"
    return ""
