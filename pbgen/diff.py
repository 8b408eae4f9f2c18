"""``pbgen diff``: what changed between two versions of a filing, in the document's own terms.

Projects and units are matched by 编码, else by name; indicators, goals and other named rows by
their name — never by list position, so inserting a project does not make every later one
"changed". A changed text shows the phrase that changed, with a little of the new text around
it. Each change names the line in the new version.

``outline`` is what git shows (the textconv driver set up by ``pbgen init``): the filing as an
indented outline in the same terms, long texts cut at sentence and clause ends, so that a
line diff of two outlines shows the clause that changed and hunk headers name the project.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pbgen.errors import InputError, PbgenError
from pbgen.fields import allowed_keys, describe, walk
from pbgen.load import Source, looks_like_filing, parse, read_text
from pbgen.migrate import migrate_text

IDENTITY_KEYS = ("code", "name", "title", "task", "content")  # what names a row, in order
CONTEXT = 10  # characters of the new text shown on each side of a changed phrase
SHORT = 24  # a value this long or shorter is shown whole: 5.00 → 6.00


@dataclass
class Change:
    kind: str  # "added" | "removed" | "changed"
    path: tuple  # in the new version; in the old one for a removal
    line: int  # in the new version (the nearest written place for a removal)
    text: str  # what to print after the field name
    before: Any = None  # a changed value as it was (a text, or what the old version held)


# -- reading both sides -----------------------------------------------------------------------


def read_version(spec: str) -> tuple[str, str]:
    """(label, text) of a file on disk, or of ``REV:path`` in git."""
    if Path(spec).is_file() or ":" not in spec or re.match(r"^[A-Za-z]:[\\/]", spec):
        path = Path(spec)
        return spec, read_text(path, spec)
    revision, _, name = spec.partition(":")
    return spec, git_show(revision, Path(name))


def git_show(revision: str, path: Path) -> str:
    """The file as it was in ``revision`` (run where the file is, so any path works). What the
    user typed never reaches git as an option (``--end-of-options``: a revision ``--output=F``
    would have git write F), and the path is ``REV:./name`` (a bare ``--`` would make git read
    ``REV:name`` as a path)."""
    folder = path.parent if path.parent.is_dir() else Path.cwd()
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "show", "--end-of-options", f"{revision}:./{path.name}"],
            capture_output=True,
        )
    except OSError:
        raise PbgenError("找不到 git：比较 git 里的版本需要先安装 git。") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PbgenError(
            f"git 里找不到 {revision} 版本的 {path}"
            + (f"（git：{reason[-1]}）" if reason else "")
            + "。版本可写 HEAD、HEAD~1、提交号或标签。"
        )
    return done.stdout.decode("utf-8-sig", "replace")


def upgraded(text: str, label: str) -> Source:
    """The filing's data and line marks, upgraded to the current format in memory, so that a
    renamed key never shows as removed and added."""
    return parse(migrate_text(text, label).text, label)


# -- comparing ----------------------------------------------------------------------------------


def compare(old_text: str, new_text: str, old_label: str, new_label: str) -> list[Change]:
    return compare_sources(upgraded(old_text, old_label), upgraded(new_text, new_label))


def compare_sources(old: Source, new: Source) -> list[Change]:
    """The changes from ``old`` to ``new`` (both from ``upgraded``), in the new one's line order."""
    changes: list[Change] = []
    _compare(old.data, new.data, (), (), old, new, changes)
    return sorted(changes, key=lambda change: change.line)


def _compare(a: Any, b: Any, path_a: tuple, path_b: tuple, old, new, out: list) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*b, *(k for k in a if k not in b)]:
            if key not in a:
                out.append(_added((*path_b, key), b[key], new))
            elif key not in b:
                out.append(_removed((*path_a, key), a[key], old, new, path_b))
            else:
                _compare(a[key], b[key], (*path_a, key), (*path_b, key), old, new, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        _compare_lists(a, b, path_a, path_b, old, new, out)
        return
    line = new.locate(path_b)[0]
    out.append(Change("changed", path_b, line, _value_change(a, b), before=a))


def _identity(item: Any) -> tuple[str, str] | None:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if isinstance(item.get(key), str) and item[key].strip():
                return key, item[key].strip()
    return None


def _compare_lists(a: list, b: list, path_a, path_b, old, new, out: list) -> None:
    """Rows matched by code, then name; plain texts (goals, measures) by a sequence diff."""
    if all(isinstance(item, dict) for item in [*a, *b]) and a and b:
        pairs, used = {}, set()
        for key in IDENTITY_KEYS:
            for j, item in enumerate(b):
                if j in pairs.values() or not isinstance(item.get(key), str):
                    continue
                for i, other in enumerate(a):
                    if i not in used and other.get(key) == item[key] and item[key].strip():
                        pairs[i] = j
                        used.add(i)
                        break
        for j, item in enumerate(b):
            if j not in pairs.values():
                out.append(_added((*path_b, j), item, new))
        for i, item in enumerate(a):
            if i in pairs:
                _compare(item, b[pairs[i]], (*path_a, i), (*path_b, pairs[i]), old, new, out)
            else:
                out.append(_removed((*path_a, i), item, old, new, path_b))
        return
    matcher = difflib.SequenceMatcher(None, [repr(x) for x in a], [repr(x) for x in b])
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                i, j = i1 + offset, j1 + offset
                _compare(a[i], b[j], (*path_a, i), (*path_b, j), old, new, out)
            continue
        for j in range(j1, j2):
            out.append(_added((*path_b, j), b[j], new))
        for i in range(i1, i2):
            out.append(_removed((*path_a, i), a[i], old, new, path_b))


def _added(path: tuple, value: Any, new: Source) -> Change:
    return Change("added", path, new.locate(path)[0], _summary(value, path, new.data))


def _removed(path: tuple, value: Any, old: Source, new: Source, parent_b: tuple) -> Change:
    """``path`` is in the old version (named from its data); the line is the new parent's."""
    return Change("removed", path, new.locate(parent_b)[0], _summary(value, path, old.data))


def _summary(value: Any, path: tuple = (), data: Any = None) -> str:
    """A short account of an added or removed part: a row's amount or value, or the text."""
    if isinstance(value, dict):
        titles = dict(allowed_keys(path, data)) if path else {}
        return "、".join(
            f"{titles.get(key, key)} {value[key]}"
            for key in ("budget", "value", "amount")
            if isinstance(value.get(key), str)
        )
    if isinstance(value, list):
        return f"{len(value)} 项"
    return _quote(value)


def _quote(value: Any) -> str:
    if value is None:
        return "（空）"
    return "「" + str(value).replace("\n", "↵") + "」"


def _value_change(a: Any, b: Any) -> str:
    if not (isinstance(a, str) and isinstance(b, str)) or max(len(a), len(b)) <= SHORT:
        return f"{_plain(a)} → {_plain(b)}"
    return phrase_change(a, b)


def _plain(value: Any) -> str:
    if isinstance(value, str) and len(value) <= SHORT and "\n" not in value:
        return value
    return _summary(value) if not isinstance(value, str) else _quote(value)


def phrase_change(old: str, new: str) -> str:
    """「通过开展」改为「借助」（…为契机，借助各类主题活动…）: each changed phrase with a little
    of the new text around it; a text rewritten through and through is shown whole."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < 0.5:
        return f"改写为 {_quote(new)}（原为 {_quote(old)}）"
    ops = _merged(matcher.get_opcodes())
    parts = []
    for _, i1, i2, j1, j2 in ops:
        was, now = old[i1:i2], new[j1:j2]
        if not was:
            what = f"加入「{now}」"
        elif not now:
            what = f"删去「{was}」"
        else:
            what = f"「{was}」改为「{now}」"
        start, end = max(j1 - CONTEXT, 0), min(j2 + CONTEXT, len(new))
        around = ("…" if start else "") + new[start:end] + ("…" if end < len(new) else "")
        parts.append(f"{what}（{around.replace(chr(10), '↵')}）")
    return "；".join(parts)


def _merged(opcodes) -> list[tuple]:
    """Changes a few characters apart read as one phrase."""
    merged: list[list] = []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            continue
        if merged and i1 - merged[-1][2] <= 3:
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([op, i1, i2, j1, j2])
    return [tuple(item) for item in merged]


# -- printing -----------------------------------------------------------------------------------

MARKS = {"added": "新增", "removed": "删去", "changed": "修改"}


def render(changes: list[Change], new_label: str, new_data: Any, old_data: Any) -> list[str]:
    lines = []
    for change in changes:
        data = old_data if change.kind == "removed" else new_data
        field = describe(change.path, data) or "文件"
        detail = f"：{change.text}" if change.text else ""
        lines.append(f"{new_label}:{change.line}: {MARKS[change.kind]} {field}{detail}")
    return lines


def diff_texts(old_text: str, new_text: str, old_label: str, new_label: str) -> list[str]:
    """The lines ``pbgen diff`` prints, ending with a count; nothing when the filings say the
    same (comments, spacing and quoting do not count)."""
    changes = compare(old_text, new_text, old_label, new_label)
    if not changes:
        return []
    old_data = upgraded(old_text, old_label).data
    new_data = upgraded(new_text, new_label).data
    kinds = {kind: sum(c.kind == kind for c in changes) for kind in MARKS}
    lines = [f"比较 {old_label} → {new_label}"]
    lines += render(changes, new_label, new_data, old_data)
    lines.append(
        f"共 {len(changes)} 处：新增 {kinds['added']}，删去 {kinds['removed']}，"
        f"修改 {kinds['changed']}。"
    )
    return lines


# -- the outline git diffs ------------------------------------------------------------------------

CLAUSE_END = re.compile(r"(?<=[。；！？，：])")


def outline(text: str, label: str) -> str:
    """The filing as an indented outline in the document's terms, one clause per line: what
    the git textconv driver hands to git, so ``git diff`` and ``git log -p`` read as changes
    to the document. A file that is not a filing, or not readable YAML, is given back as it
    is (git then shows its plain diff)."""
    if not looks_like_filing(text):
        return text
    try:
        data = upgraded(text, label).data
    except (InputError, PbgenError):
        return text
    lines: list[str] = []
    _outline(data, (), data, 0, lines)
    return "\n".join(lines) + "\n"


def _outline(node: Any, path: tuple, data: Any, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    if isinstance(node, dict):
        for key, value in node.items():
            label = walk((*path, key), data)[-1].label
            _outline_entry(label, value, (*path, key), data, depth, out)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            label = walk((*path, index), data)[-1].label
            _outline_entry(label, item, (*path, index), data, depth, out)
    else:
        out.append(pad + str(node))


def _outline_entry(label: str, value: Any, path: tuple, data: Any, depth: int, out: list) -> None:
    pad = "  " * depth
    if isinstance(path[-1], int) and not isinstance(value, dict | list):
        label = f"{path[-1] + 1}."  # an item of a plain list: goals, measures
    elif (
        path[-1] in ("name", "title")
        and isinstance(value, str)
        and f"「{value}」" in (walk(path[:-1], data)[-1].label if len(path) > 1 else "")
    ):
        return  # already the heading of its row
    if isinstance(value, dict | list):
        out.append(pad + label)
        _outline(value, path, data, depth + 1, out)
    elif value is None or (len(str(value)) <= 40 and "\n" not in str(value)):
        sep = " " if label.endswith(".") else "："
        out.append(f"{pad}{label}{sep}{'' if value is None else value}")
    else:
        out.append(f"{pad}{label}{'' if label.endswith('.') else '：'}")
        for paragraph in str(value).split("\n"):
            for clause in CLAUSE_END.split(paragraph):
                if clause:
                    out.append(f"{pad}    {clause}")
