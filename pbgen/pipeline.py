"""The library API: what the CLI calls, one function per job.

Pipeline: load → check (→ context → render → write, for ``pbgen render``). Everything here
is importable without the rendering libraries, so ``pbgen check`` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pbgen.errors import InputError, PbgenError
from pbgen.findings import Finding, has_errors

FILING_SUFFIXES = (".yaml", ".yml")


@dataclass
class CheckResult:
    """The findings for one file; ``readable`` is False when it could not be loaded at all."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True

    @property
    def failed(self) -> bool:
        return not self.readable or has_errors(self.findings)


def find_filings(paths: Iterable[Path | str]) -> list[Path]:
    """Files named on the command line, and the .yaml files inside named folders (sorted)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in FILING_SUFFIXES)
            if not inside:
                raise PbgenError(f"{path}：文件夹里没有 .yaml 文件。")
            found += inside
        else:
            found.append(path)  # a missing file is reported by load(), with the others
    return found


def check_file(path: Path | str) -> CheckResult:
    """Load one filing and run every rule on it."""
    from pbgen.check import check
    from pbgen.load import load

    try:
        loaded = load(path)
    except InputError as error:
        return CheckResult(str(path), error.findings, readable=False)
    return CheckResult(str(path), check(loaded))


def check_files(paths: Iterable[Path | str]) -> list[CheckResult]:
    return [check_file(path) for path in find_filings(paths)]
