"""Checks no single filing can make: the same project code in two departments' filings of one
year, and one unit (or department) code under two names. Each mismatch is a finding at every
place it concerns, naming the others, so each department reads it in its own findings.

What is not a mismatch: one department's filings in two layouts (its 绩效文本 and its 公开表
share their projects), and a 延续 project filed again the next year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from pbgen.findings import Finding
from pbgen.report.digest import Digest, Item, Place
from pbgen.report.rules import severity

Found = dict[str, list[Item]]  # filing → the items found in it


def across(digests: list[Digest]) -> Found:
    """Every cross-filing finding, by the file it is in."""
    found: Found = defaultdict(list)
    _project_codes(digests, found)
    _names(
        ((d, unit.code, unit.name, unit.place) for d in digests for unit in d.units),
        "cross-unit-name",
        "单位编码",
        "单位名称",
        found,
    )
    _names(
        (
            (d, d.department_code, d.department, d.department_place)
            for d in digests
            if d.department_place is not None
        ),
        "cross-department-name",
        "部门编码",
        "部门名称",
        found,
    )
    return found


def _by_year_and_code(entries: Iterable[tuple]) -> dict[tuple, list[tuple]]:
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for entry in entries:
        digest, code = entry[0], entry[1]
        if code and digest.year is not None:
            groups[(digest.year, code)].append(entry)
    return groups


def _project_codes(digests: list[Digest], found: Found) -> None:
    entries = ((d, p.code, p) for d in digests for p in d.projects)
    for (year, code), group in _by_year_and_code(entries).items():
        if len({digest.department_key for digest, _, _ in group}) < 2:
            continue  # one department's filings, in one layout or several
        for digest, _, project in group:
            others = [
                (other, theirs)
                for other, _, theirs in group
                if other.department_key != digest.department_key
            ]
            named = "；".join(
                f"{other.name} 的 {theirs.place}（项目「{theirs.name}」）"
                for other, theirs in others
            )
            message = (
                f"项目编码「{code}」在 {year} 年度也出现在 {named}：一个项目编码只属于一个部门，"
                "请与对方核对，改正编码。"
            )
            found[digest.file].append(
                _item(
                    "cross-project-code",
                    project.place,
                    "项目编码",
                    message,
                    others,
                    lambda o: o[1].place,
                )
            )


def _names(
    entries: Iterable[tuple], rule: str, code_term: str, name_term: str, found: Found
) -> None:
    """One code under two names in one year: each place is told the other names and where."""
    for (year, code), group in _by_year_and_code(entries).items():
        names = {_squeezed(name) for _, _, name, _ in group}
        if len(names) < 2:
            continue
        for digest, _, name, place in group:
            others = [entry for entry in group if _squeezed(entry[2]) != _squeezed(name)]
            named = "；".join(f"{entry[3]} 名为「{entry[2]}」" for entry in others)
            message = (
                f"{code_term}「{code}」在 {year} 年度的 {named}，这里名为「{name}」："
                f"同一编码应是同一个单位，请核对{code_term}或{name_term}。"
            )
            found[digest.file].append(
                _item(rule, place, f"{code_term}「{code}」", message, others, lambda o: o[3])
            )


def _item(rule: str, place: Place, field: str, message: str, others: list, where: Callable) -> Item:
    label = f"{place.label}的 {field}" if place.label else field
    finding = Finding(place.file, place.line, place.column, rule, severity(rule), label, message)
    return Item(finding, also=tuple(where(other) for other in others))


def _squeezed(text: str) -> str:
    return "".join(text.split())
