"""Writing a filing as YAML the way data/*.yaml are written: the modeline, a blank line between
sections, ``|-`` for long and multi-line text, amounts quoted exactly as written ("5.00"),
indicator rows on one line each, and comments kept at the end. Used by ``pbgen import`` and
``pbgen init``; the output is read back by ``pbgen.load`` in the tests."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

try:
    from yaml import CBaseLoader as _Base
    from yaml import CSafeLoader as _Safe
except ImportError:  # pragma: no cover
    from yaml import BaseLoader as _Base
    from yaml import SafeLoader as _Safe

SCHEMA_NAME = "filing.schema.json"
AMOUNT_KEYS = {
    "budget",
    "fiscal",
    "other",
    "total",
    "amount",
    "general",
    "fund",
    "basic",
    "project",
}
LONG_KEYS = {
    "overall_goal",
    "text",
    "duties",
    "intro",
    "responsibility",
    "duty_goal",
    "goal",
    "safeguards",
    "items",
    "period_goal",
    "goal_intro",
}
WIDTH = 160


def _loads(text: str, loader) -> object:
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        return None


# What YAML takes for the end of a line besides \n (YAML 1.1, which PyYAML and most editors
# speak: \r, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR), and what it refuses in a stream at all
# (C0 and C1 controls but tab and line feed, DEL, surrogates, U+FFFE/U+FFFF, and the BOM, which
# it drops): none of them is ever written as it is, in a value or in a comment.
UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    return "\\r" if match.group() == "\r" else f"\\u{ord(match.group()):04x}"


def quoted(text: str) -> str:
    """``text`` in double quotes, every character YAML could read as a line end or refuse
    written as an escape (\\u2028, \\r): the value read back is the text, whatever it holds."""
    return UNWRITABLE.sub(_escape, json.dumps(text, ensure_ascii=False))


def comment(text: str) -> str:
    """One line of a comment that no character of ``text`` can end: a backslash is doubled and
    every character ``UNWRITABLE`` written as \\uXXXX (\\r for a carriage return), so the
    comment reads back to the text with ``uncomment``."""
    return UNWRITABLE.sub(_escape, text.replace("\\", "\\\\"))


def uncomment(line: str) -> str:
    """The text ``comment`` wrote."""
    return re.sub(
        r"\\(\\|r|u[0-9a-f]{4})",
        lambda m: {"\\": "\\", "r": "\r"}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
        line,
    )


def scalar(text: str, *, flow: bool = False, amount: bool = False) -> str:
    """One value: plain when YAML (and an editor) reads it back as this same text, else in
    double quotes. Amounts are always quoted, so 5.00 never becomes 5.0 in any reader."""
    if amount:
        return quoted(text)
    if text and text == text.strip() and "\n" not in text and not UNWRITABLE.search(text):
        probe = f"{{k: {text}}}" if flow else f"k: {text}"
        base = _loads(probe, _Base)
        if isinstance(base, dict) and base.get("k") == text:
            typed = _loads(probe, _Safe)
            if isinstance(typed, dict) and isinstance(typed.get("k"), str):
                return text
    return quoted(text)


def _block_ok(text: str) -> bool:
    """A ``|-`` block keeps the text exactly unless it starts with a space or ends with a
    line break."""
    return not text.endswith("\n") and not text[:1].isspace() and not UNWRITABLE.search(text)


@dataclass(frozen=True)
class Blank:
    """A key to write empty, with a comment saying what goes there (「year:  # 待填：…」)."""

    comment: str


def _mapping(data: dict, indent: int) -> list[str]:
    lines = []
    for key, value in data.items():
        if value is not None:
            lines += _entry(f"{' ' * indent}{scalar(str(key))}:", str(key), value, indent)
    return lines


def _entry(head: str, key: str, value, indent: int) -> list[str]:
    """``head`` is ``key:`` or ``-`` at ``indent``; what it holds goes two columns in."""
    if isinstance(value, Blank):
        return [f"{head}  # {comment(value.comment)}"]
    if isinstance(value, bool):
        return [f"{head} {'true' if value else 'false'}"]
    if isinstance(value, dict):
        flow = _flow(key, value, head.endswith("-"))
        if flow and len(head) + 1 + len(flow) <= WIDTH:
            return [f"{head} {flow}"]
        inner = _mapping(value, indent + 2)
        if head.endswith("-") and inner:  # a list item: its first key on the dash's line
            return [f"{head} {inner[0].lstrip()}", *inner[1:]]
        return [head, *inner] if inner else [f"{head} {{}}"]
    if isinstance(value, list):
        if not value:
            return [f"{head} []"]
        lines = [head]
        for item in value:
            lines += _entry(f"{' ' * (indent + 2)}-", key, item, indent + 2)
        return lines
    text = str(value)
    if key in ("pbgen", "year") and text.isdigit():
        return [f"{head} {text}"]
    if ("\n" in text or (key in LONG_KEYS and len(text) > 60)) and _block_ok(text):
        pad = " " * (indent + 2)
        return [f"{head} |-", *(f"{pad}{line}" if line else "" for line in text.split("\n"))]
    return [f"{head} {scalar(text, amount=key in AMOUNT_KEYS)}"]


ROW_KEYS = {"name", "description", "value", "basis", "standard", "remark", "task", "start", "end"}
PAIR_KEYS = {"total", "year"}  # a FundPair: both amounts


def _flow(key: str, value: dict, item: bool) -> str | None:
    """One line for indicator and schedule rows, spending plans and 实施期/当年 amount pairs:
    ``{name: 宣传次数, value: ≥10次}``, ``{total: "1200.00", year: "400.00"}``."""
    pair = bool(value) and set(value) <= PAIR_KEYS
    if key != "spending_plan" and not pair and not (item and set(value) <= ROW_KEYS):
        return None
    parts = []
    for name, item_value in value.items():
        if item_value is None:
            continue
        if isinstance(item_value, dict | list | Blank | bool) or "\n" in str(item_value):
            return None
        text = scalar(str(item_value), flow=True, amount=pair)
        parts.append(f"{scalar(str(name), flow=True)}: {text}")
    return "{" + ", ".join(parts) + "}"


def dump_filing(data: dict, *, modeline: str, header: list[str] = (), notes: list[str] = ()):
    """The filing as text: modeline, header comments, sections, and ``notes`` as comments."""
    body: list[str] = []
    lines = [modeline]
    if header:
        lines += ["#"] + [f"# {comment(line)}".rstrip() for line in header]
    lines.append("")
    groups = [("pbgen", "year", "layout", "money_unit")]
    previous = None
    for key, value in data.items():
        if value is None:
            continue
        group = next((g for g in groups if key in g), (key,))
        if previous is not None and group != previous:
            body.append("")
        previous = group
        body += _mapping({key: value}, 0)
    lines += _space_projects(body)
    if notes:
        lines += [
            "",
            "# ── 导入时未能归位的内容（原文照录，一字未改）──",
            "# 请逐条核对：需要的移到合适的键下，确认无用的删去。",
        ]
        for note in notes:  # each note's first line at 4, the lines it goes on with at 6
            first, *more = note.split("\n")
            lines.append(f"#   {comment(first)}".rstrip())
            lines += [f"#     {comment(line)}".rstrip() for line in more]
    return "\n".join(lines).rstrip() + "\n"


def _space_projects(lines: list[str]) -> list[str]:
    """A blank line between projects, as in data/*.yaml."""
    out: list[str] = []
    items = None  # the column of the project items' dashes
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped == "projects:":
            items = indent + 2
        elif items is not None and indent == items and stripped.startswith("- "):
            if out and out[-1].strip() != "projects:":
                out.append("")
        elif items is not None and indent < items and stripped:
            items = None
        out.append(line)
    return out


def schema_reference(filing: Path) -> tuple[str, Path | None]:
    """The modeline's schema for a filing written at ``filing``, and the schema file to write
    when there is none to point at: a ``filing.schema.json`` beside it or in a parent folder
    (``schema/`` included), referred to relatively, so the folder can move and the path has
    no drive letter or backslash."""
    folder = filing.resolve().parent
    for parent in (folder, *folder.parents):
        for candidate in (parent / SCHEMA_NAME, parent / "schema" / SCHEMA_NAME):
            if candidate.is_file():
                relative = os.path.relpath(candidate, folder).replace(os.sep, "/")
                return f"# yaml-language-server: $schema={relative}", None
    return f"# yaml-language-server: $schema={SCHEMA_NAME}", folder / SCHEMA_NAME
