"""Year over year: each filing against last year's filing of the same department.

Last year's filing is the one of year − 1 sharing a unit code, in the folder or else in the
filing's own git history (a department that edits one file year after year). The two are
compared by ``pbgen diff`` (projects matched by 编码 or name, indicators by name), and the report
keeps what a reviewer asks first: the budget's change, projects added and dropped, indicators
dropped and targets lowered.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pbgen.diff import Change, compare_sources, git_show, upgraded
from pbgen.errors import PbgenError
from pbgen.fields import describe
from pbgen.load import Source, read_text
from pbgen.model import Filing
from pbgen.report.digest import Digest, in_yuan
from pbgen.values import parse_quantity

TREES = ("indicators", "period_indicators")
GIT_VERSIONS = 30  # versions of a file looked through for last year's
YEAR_LINE = re.compile(r"^year:\s*[\"']?(\d{4})", re.MULTILINE)


@dataclass
class YearOverYear:
    """One filing against last year's."""

    file: str
    previous: str  # last year's: a file in the folder, or REV:path in git
    department: str
    year: int
    budget: Decimal  # 元
    before: Decimal | None  # 元; None when last year's cannot be read as a filing
    added: list[str] = field(default_factory=list)  # projects
    dropped: list[str] = field(default_factory=list)
    indicators_dropped: list[str] = field(default_factory=list)
    lowered: list[tuple[str, str, str]] = field(default_factory=list)  # (indicator, was, now)
    budgets: list[tuple[str, str, str]] = field(default_factory=list)  # (project, was, now)

    @property
    def change(self) -> Decimal | None:
        return None if self.before is None else self.budget - self.before


def year_over_year(digests: list[Digest]) -> list[YearOverYear]:
    """Every readable filing whose last year's filing is found, in the folder or in git."""
    by_unit: dict[tuple[int, str], list[Digest]] = defaultdict(list)
    for digest in digests:
        if digest.readable:
            for unit in digest.units:
                if unit.code:
                    by_unit[(digest.year, unit.code)].append(digest)
    history = GitHistory([d.file for d in digests if d.readable])
    found = []
    for digest in digests:
        if not digest.readable or not _codes(digest):
            continue
        previous = _last_year(digest, by_unit, history)
        if previous is not None:
            compared = _compare(digest, *previous)
            if compared is not None:
                found.append(compared)
    return found


def _last_year(digest: Digest, by_unit: dict, history: GitHistory):
    """(label, text, budget in 元 or None) of last year's filing: in the folder, else in git."""
    previous = _in_folder(digest, by_unit)
    if previous is not None:
        return previous.file, read_text(Path(previous.file), previous.file), previous.budget
    in_git = history.last_year(digest)
    return (*in_git, None) if in_git is not None else None


def _codes(digest: Digest) -> set[str]:
    return {unit.code for unit in digest.units if unit.code}


def _in_folder(digest: Digest, by_unit: dict) -> Digest | None:
    """Last year's filing in the folder: sharing a unit code; the same department's and
    layout's first."""
    candidates = {
        other.file: other
        for code in sorted(_codes(digest))
        for other in by_unit.get((digest.year - 1, code), [])
    }
    if not candidates:
        return None
    return min(
        candidates.values(),
        key=lambda other: (
            other.department_key != digest.department_key,
            other.layout != digest.layout,
            other.file,
        ),
    )


def _compare(
    digest: Digest, label: str, old_text: str, before: Decimal | None
) -> YearOverYear | None:
    try:
        old = upgraded(old_text, label)
        new = upgraded(read_text(Path(digest.file), digest.file), digest.file)
    except PbgenError:  # last year's no longer reads as YAML: nothing to compare
        return None
    if before is None:
        before = _budget(old)
    result = YearOverYear(digest.file, label, digest.name, digest.year, digest.budget, before)
    for change in compare_sources(old, new):
        _note(change, old, new, result)
    return result


def _budget(old: Source) -> Decimal | None:
    try:
        filing = Filing.model_validate(old.data)
    except ValidationError:
        return None
    return in_yuan(filing.project_total, filing.money_unit)


def _note(change: Change, old: Source, new: Source, result: YearOverYear) -> None:
    """What one change means for the year-over-year view (most changes mean nothing here)."""
    path = change.path
    data = old.data if change.kind == "removed" else new.data
    value = _at(data, path)
    if change.kind in ("added", "removed") and _is_project(path):
        names = [project.get("name", "") for project in _projects(path, value)]
        (result.added if change.kind == "added" else result.dropped).extend(names)
    elif change.kind == "removed" and any(tree in path for tree in TREES):
        result.indicators_dropped += _rows(path, value, old.data)
    elif change.kind == "changed" and path[-1] == "value" and any(tree in path for tree in TREES):
        if _lowered(change.before, value):
            result.lowered.append((describe(path[:-1], new.data), str(change.before), str(value)))
    elif change.kind == "changed" and path[-1] == "budget" and len(path) == 5:
        name = _at(new.data, path[:-1]).get("name", "")
        result.budgets.append((name, str(change.before), str(value)))


def _is_project(path: tuple) -> bool:
    """A project (units, i, projects, j) or a whole unit (units, i)."""
    return (
        path[:1] == ("units",) and len(path) in (2, 4) and (len(path) == 2 or path[2] == "projects")
    )


def _projects(path: tuple, value: Any) -> list[dict]:
    if len(path) == 4:
        return [value] if isinstance(value, dict) else []
    projects = value.get("projects") if isinstance(value, dict) else None
    return [p for p in projects or [] if isinstance(p, dict)]


def _rows(path: tuple, value: Any, data: Any) -> list[str]:
    """The 三级指标 rows under a removed part of an indicator tree, each described."""
    if isinstance(value, dict) and "name" in value:
        return [describe(path, data)]
    if isinstance(value, list):
        return [
            row for index, item in enumerate(value) for row in _rows((*path, index), item, data)
        ]
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in _rows((*path, key), item, data)]
    return []


def _lowered(was: Any, now: Any) -> bool:
    """A target made easier: a lower number where more is better (≥, >, = or none), a higher
    one under ≤ or <; the same unit on both sides."""
    if not isinstance(was, str) or not isinstance(now, str):
        return False
    old, new = parse_quantity(was), parse_quantity(now)
    if old is None or new is None or old.unit != new.unit or old.comparator != new.comparator:
        return False
    if old.comparator in ("≤", "<"):
        return new.number > old.number
    return new.number < old.number


def _at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


class GitHistory:
    """The versions git holds of each filing, asked once per repository."""

    def __init__(self, files: list[str]):
        self.versions: dict[str, list[str]] = {}
        by_root: dict[Path, list[Path]] = defaultdict(list)
        roots: dict[Path, Path | None] = {}
        for file in map(Path, files):
            folder = file.resolve().parent
            if folder not in roots:
                roots[folder] = _work_tree(folder)
            if roots[folder] is not None:
                by_root[roots[folder]].append(file)
        for root, inside in by_root.items():
            self._read(root, inside)

    def _read(self, root: Path, files: list[Path]) -> None:
        relative = {file.resolve().relative_to(root).as_posix(): str(file) for file in files}
        folders = sorted({str(Path(name).parent) for name in relative})
        done = _git(root, "log", "--format=%x01%H", "--name-only", "--no-renames", "--", *folders)
        commit = None
        for line in done.splitlines():
            if line.startswith("\x01"):
                commit = line[1:]
            elif line in relative and commit:
                versions = self.versions.setdefault(relative[line], [])
                if len(versions) < GIT_VERSIONS:
                    versions.append(commit)

    def last_year(self, digest: Digest) -> tuple[str, str] | None:
        """(REV:path, text) of the newest version of ``digest``'s file that is last year's
        filing of the same units."""
        for revision in self.versions.get(digest.file, []):
            try:
                text = git_show(revision, Path(digest.file))
            except PbgenError:
                continue
            year = YEAR_LINE.search(text)
            if year is None or int(year[1]) != digest.year - 1:
                continue
            try:
                units = upgraded(text, digest.file).data.get("units") or []
            except (PbgenError, AttributeError):
                continue
            codes = {str(u.get("code")).strip() for u in units if isinstance(u, dict)}
            if codes & _codes(digest):
                return f"{revision[:10]}:{digest.file}", text
        return None


def _work_tree(folder: Path) -> Path | None:
    top = _git(folder, "rev-parse", "--show-toplevel").strip()
    return Path(top) if top else None


def _git(folder: Path, *args: str) -> str:
    """git's output, or "" when git or the repository is missing."""
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(folder), *args],
            capture_output=True,
            text=True,
        )
    except OSError:
        return ""
    return done.stdout if done.returncode == 0 else ""
