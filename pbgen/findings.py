"""What ``pbgen check`` reports: one ``Finding`` per problem, with its place in the file."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Finding:
    """One problem: where (file, line, column, field as the document calls it), which rule,
    how bad, and a message that says what to do."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    field: str
    message: str

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f"{self.field}：" if self.field else ""
        return f"{where}: {SEVERITY_NAMES[self.severity]} [{self.rule}] {field}{self.message}"


def has_errors(findings: list[Finding]) -> bool:
    return any(finding.severity == "error" for finding in findings)


def summary(findings: list[Finding], files: int) -> str:
    counts = Counter(finding.severity for finding in findings)
    if not findings:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{counts['error']} 个错误，{counts['warning']} 个警告。"


def to_json(findings: list[Finding]) -> str:
    return json.dumps([asdict(finding) for finding in findings], ensure_ascii=False, indent=2)
