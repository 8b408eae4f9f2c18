"""What ``pbgen check`` reports: one ``Finding`` per problem, with its place in the file."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
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
    path: tuple = dc_field(default=(), compare=False, repr=False)  # where in the filing's data

    def render(self) -> str:
        """One line for a terminal: whatever the user wrote is shown, never obeyed (an escape
        sequence, a bidi override)."""
        where = f"{visible(self.file)}:{self.line}:{self.column}"
        field = f"{visible(self.field)}：" if self.field else ""
        message = visible(self.message)
        return f"{where}: {SEVERITY_NAMES[self.severity]} [{self.rule}] {field}{message}"


HIDDEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def visible(text: str, limit: int | None = None) -> str:
    """``text`` with every control, format (bidi, zero-width) or unassigned character written
    as ``<U+202E>``, so a terminal prints it instead of obeying it; cut to ``limit``."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return "".join(
        f"<U+{ord(c):04X}>" if c != "\n" and unicodedata.category(c) in HIDDEN else c for c in text
    )


def has_errors(findings: list[Finding]) -> bool:
    return any(finding.severity == "error" for finding in findings)


def summary(findings: list[Finding], files: int) -> str:
    counts = Counter(finding.severity for finding in findings)
    if not findings:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{counts['error']} 个错误，{counts['warning']} 个警告。"


def as_dict(finding: Finding) -> dict:
    """A finding as plain data for tools: where, which rule, how bad, what to do."""
    data = asdict(finding)
    del data["path"]
    return data


def to_json(findings: list[Finding]) -> str:
    return json.dumps([as_dict(finding) for finding in findings], ensure_ascii=False, indent=2)
