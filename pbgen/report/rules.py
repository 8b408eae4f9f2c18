"""Every rule the report can name, with its Chinese text: ``pbgen check``'s rules, what reading
a file can find, and the checks across filings and against the bureau's ledger."""

from __future__ import annotations

from pbgen.check import RULES

# What reading a file finds before any rule runs (pbgen/load.py, pbgen/migrate.py).
READING = {
    "file": "文件无法读取（不存在、不是普通文件或太大）",
    "encoding": "文件须为 UTF-8 编码",
    "control-character": "文件里不能有 YAML 不允许的控制字符",
    "yaml": "YAML 写法（缩进、冒号、引号、重复的键）",
    "schema": "字段齐全、取值类型正确",
    "unknown-key": "不能有未知的键",
    "format-version": "文件的格式版本须是当前版本（pbgen migrate 升级）",
    "layout": "版式须是 pbgen 找得到的版式",
}

# The report's own rules, across filings and against the ledger: errors, but for these warnings.
WARNINGS = frozenset({"ledger-missing", "ledger-absent", "ledger-row"})
ACROSS = {
    "cross-project-code": "同一年度，一个项目编码只属于一个部门",
    "cross-unit-name": "同一年度，一个单位编码只对应一个单位名称",
    "cross-department-name": "同一年度，一个部门编码只对应一个部门名称",
    "ledger-mismatch": "金额与预算台账一致（按两者中较粗的精度比较）",
    "ledger-missing": "预算台账中的项目在部门的文件里找得到",
    "ledger-absent": "部门文件中的项目在预算台账里找得到",
    "ledger-row": "预算台账每一行的金额都是数字",
}


def rule_text(rule: str) -> str:
    """The rule's Chinese text, as ``pbgen rules`` lists it."""
    if rule in RULES:
        return RULES[rule].summary
    return ACROSS.get(rule) or READING.get(rule, rule)


def severity(rule: str) -> str:
    """The severity of one of the report's own rules."""
    return "warning" if rule in WARNINGS else "error"
