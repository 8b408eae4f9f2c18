"""Read a filing: bytes → text → YAML nodes → plain data with line marks → ``Filing``.

Every scalar is kept as the string the author wrote (``5.00`` stays 5.00, ``0131`` keeps its
zero, ``NO`` is not False); the model converts. All problems of a file are collected and raised
together as one ``InputError``, each with its line, column and the field's Chinese name.
"""

from __future__ import annotations

import difflib
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pbgen.errors import InputError
from pbgen.fields import allowed_keys, describe
from pbgen.findings import Finding
from pbgen.messages import type_message
from pbgen.model import Filing
from pbgen.versions import version_problem
from pbgen.yamlerrors import diagnose, fullwidth_indentation, typing_slip

try:  # libyaml when present: several times faster
    from yaml import CBaseLoader as YamlLoader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import BaseLoader as YamlLoader

NULLS = {"", "~", "null", "Null", "NULL"}
Mark = tuple[int, int]


@dataclass
class Source:
    """Where a filing came from: its file, raw data and the line/column of every key."""

    file: str
    data: Any
    marks: dict[tuple, Mark] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)  # found while reading the YAML
    root: yaml.Node | None = None  # the YAML nodes, with start and end marks, when asked for

    def locate(self, path: tuple) -> Mark:
        """Line and column of ``path``, or of its nearest ancestor that is written."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return (1, 1)

    def finding(self, path: tuple, rule: str, severity: str, message: str) -> Finding:
        line, column = self.locate(tuple(path))
        field = describe(path, self.data)
        return Finding(self.file, line, column, rule, severity, field, message, tuple(path))


@dataclass
class Loaded:
    filing: Filing
    source: Source


FILING_KEYS = re.compile(r"^(pbgen|year|money_unit|department|units):", re.MULTILINE)
MODELINE = re.compile(r"^#\s*yaml-language-server:.*filing\.schema\.json", re.MULTILINE)


def looks_like_filing(text: str) -> bool:
    """A filing by its content: the schema modeline, a ``pbgen:`` format key, or at least two
    of the top-level keys every filing has."""
    if MODELINE.search(text):
        return True
    keys = set(FILING_KEYS.findall(text))
    return "pbgen" in keys or len(keys) >= 2


def load(path: Path | str) -> Loaded:
    """Read and validate one filing; raise ``InputError`` with every problem found."""
    path = Path(path)
    return load_text(read_text(path, str(path)), str(path))


def load_text(text: str, file: str) -> Loaded:
    """Validate a filing's text (``file`` names it in messages): a filing in an older format
    is refused with the command that upgrades it."""
    return validate(parse(text, file))


def validate(source: Source) -> Loaded:
    """The ``Filing`` of parsed YAML, or ``InputError`` with every problem found."""
    outdated = version_problem(source)
    if outdated:
        raise InputError([outdated])
    problems = list(source.problems)
    try:
        filing = Filing.model_validate(source.data)
    except ValidationError as error:
        problems += [_schema_finding(detail, source) for detail in error.errors()]
        filing = None
    if problems:
        raise InputError(sorted(problems, key=lambda f: (f.line, f.column)))
    return Loaded(filing, source)


def parse(text: str, file: str, keep_nodes: bool = False) -> Source:
    """YAML text → plain data (every scalar a string) with the line of every key; syntax
    errors raise ``InputError``, duplicate keys are kept in ``source.problems``. With
    ``keep_nodes`` the YAML nodes stay in ``source.root`` (an editor's ranges, its outline)."""
    _reject_unprintable(text, file)
    _reject_tabs(text, file)
    _reject_fullwidth_indentation(text, file)
    try:
        _limit_depth(text, file)
        root = yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as error:
        raise InputError([_syntax_finding(error, file, text)]) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml errors are marked
        raise InputError(
            [Finding(file, 1, 1, "yaml", "error", "", f"YAML 无法解析：{error}")]
        ) from None
    if not isinstance(root, yaml.MappingNode):
        where = _mark(root.start_mark) if root is not None else (1, 1)
        raise InputError(
            [
                Finding(
                    file,
                    *where,
                    "yaml",
                    "error",
                    "",
                    "文件应以「year: 2024」这样的「键: 值」开头，现在是空的或不是字段组。",
                )
            ]
        )
    source = Source(file, None, root=root if keep_nodes else None)
    source.data = _construct(root, (), source.marks, source.problems, file, _Budget(len(text)))
    return source


# -- text ------------------------------------------------------------------------------------


def read_text(path: Path, file: str) -> str:
    """The file's text (UTF-8, with or without BOM); an unreadable file raises ``InputError``."""
    try:
        raw = _read_bytes(path, file)
    except OSError as error:
        reason = "找不到文件" if isinstance(error, FileNotFoundError) else error.strerror
        raise InputError(
            [Finding(file, 0, 0, "file", "error", "", f"无法读取：{reason}。")]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "看起来是 GBK/GB18030 编码，"
        except UnicodeDecodeError:
            pass
        raise InputError(
            [
                Finding(
                    file,
                    line,
                    column,
                    "encoding",
                    "error",
                    "",
                    f"文件不是 UTF-8 编码：{hint}请在编辑器中用「UTF-8」另存。",
                )
            ]
        ) from None


INDENT_TAB = re.compile(r"^[ ]*\t", re.MULTILINE)


def _reject_tabs(text: str, file: str) -> None:
    """YAML forbids tabs in indentation; name every such line at once."""
    findings = [
        Finding(
            file,
            text.count("\n", 0, match.start()) + 1,
            match.end() - match.start(),
            "yaml",
            "error",
            "",
            "缩进里有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格。",
        )
        for match in INDENT_TAB.finditer(text)
    ]
    if findings:
        raise InputError(findings)


def _syntax_finding(error: yaml.MarkedYAMLError, file: str, text: str) -> Finding:
    """Where the mistake starts (not where the parser gave up), and its cause."""
    found = diagnose(error, text)
    return Finding(file, found.line, found.column, "yaml", "error", "", found.message)


def _reject_fullwidth_indentation(text: str, file: str) -> None:
    """Full-width spaces (　) at the start of lines: YAML reads them as text, not indentation."""
    found = fullwidth_indentation(text)
    if found:
        raise InputError(
            [Finding(file, d.line, d.column, "yaml", "error", "", d.message) for d in found]
        )


def _mark(mark: yaml.Mark) -> Mark:
    return (mark.line + 1, mark.column + 1)


# -- limits: what a file must be before pbgen reads it ---------------------------------------------

MAX_BYTES = 50 * 1024 * 1024  # the largest real filing is under 1 MB; 5000 projects are ~8 MB
MAX_DEPTH = 40  # a filing nests about 11 deep (units → projects → indicators → 一级 → 二级 → …)


def _refuse(file: str, message: str, line: int = 0, column: int = 0) -> InputError:
    return InputError([Finding(file, line, column, "file", "error", "", message)])


def _read_bytes(path: Path, file: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES``. A device (/dev/zero), a named pipe
    or a folder is refused before it is opened: reading one would never end or never start."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        kind = "文件夹" if stat.S_ISDIR(info.st_mode) else "设备、管道或其他特殊文件"
        raise _refuse(file, f"这是{kind}，不是普通文件，pbgen 不读取它：请给出 .yaml 文件。")
    if info.st_size > MAX_BYTES:
        raise _refuse(file, _too_big(info.st_size))
    with path.open("rb") as stream:
        raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # it grew while being read
        raise _refuse(file, _too_big(len(raw)))
    return raw


def _too_big(size: int) -> str:
    return (
        f"文件有 {size / 1024 / 1024:.0f} MB，超过了 {MAX_BYTES // 1024 // 1024} MB 的上限"
        "（一份绩效文本通常不到 1 MB）：请确认选对了文件。"
    )


# Characters YAML does not allow in a file: C0 controls but tab and line breaks, DEL, C1
# controls but NEL, surrogates, U+FFFE/U+FFFF.
UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CONTROL_NAMES = {
    0: "空字符 NUL",
    0x1B: "转义符 ESC",
    0x7F: "删除符 DEL",
    0x08: "退格符",
    0x0C: "换页符",
}


def _reject_unprintable(text: str, file: str) -> None:
    """Every character YAML forbids, at its line and column, in words a clerk understands."""
    findings = []
    for match in UNPRINTABLE.finditer(text):
        code = ord(match.group())
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        name = CONTROL_NAMES.get(code, "控制字符")
        findings.append(
            Finding(
                file,
                line,
                column,
                "control-character",
                "error",
                "",
                f"这里有一个看不见的{name}（U+{code:04X}），YAML 不允许："
                "请删去它（常从其他软件复制粘贴带入）。",
            )
        )
        if len(findings) == 20:
            break
    if findings:
        raise InputError(findings)


def _limit_depth(text: str, file: str) -> None:
    """Refuse nesting deeper than any filing needs, before the YAML library builds it: its
    composer recurses in C and crashes the process at ~100,000 levels. The libyaml of the
    PyYAML 6.0.4 wheel stops by itself at 1000 flow levels, reading ahead of the events, in
    English: that is told as ours."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=YamlLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(file, event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" not in str(error.problem):
            raise
        raise _too_deep(file, error.problem_mark) from None


def _too_deep(file: str, mark: yaml.Mark) -> InputError:
    return _refuse(
        file,
        f"嵌套超过 {MAX_DEPTH} 层（列表套列表或字段组套字段组），绩效文本用不到这么深："
        "请检查这里的括号和缩进。",
        *_mark(mark),
    )


class _Budget:
    """How many values a file may expand to. Without aliases (``*name``) a file has at most
    one value per character; an alias repeats a whole subtree, so a few lines of aliases of
    aliases (a "billion laughs") would expand to billions of values."""

    def __init__(self, characters: int):
        self.left = 2 * characters + 10_000

    def spend(self, node: yaml.Node, file: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise InputError(
                [
                    Finding(
                        file,
                        *_mark(node.start_mark),
                        "yaml",
                        "error",
                        "",
                        "引用（「*」开头的别名）展开后的内容远多于文件本身，像是恶意构造的文件，"
                        "已停止读取：请去掉层层嵌套的引用。",
                    )
                ]
            )


# -- nodes → data ------------------------------------------------------------------------------


def _construct(
    node: yaml.Node, path: tuple, marks: dict, problems: list[Finding], file: str, budget: _Budget
):
    """Plain data from YAML nodes, every scalar a string; records each key's position."""
    budget.spend(node, file)
    if isinstance(node, yaml.ScalarNode):
        return None if not node.style and node.value in NULLS else node.value  # plain only
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            marks[(*path, index)] = _mark(child.start_mark)
            items.append(_construct(child, (*path, index), marks, problems, file, budget))
        return items
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Finding(
                    file,
                    *_mark(key_node.start_mark),
                    "yaml",
                    "error",
                    "",
                    "键必须是一段文字，不能是列表或字段组。",
                )
            )
            continue
        key = key_node.value
        if key in mapping:
            first = marks[(*path, key)][0]
            problems.append(
                Finding(
                    file,
                    *_mark(key_node.start_mark),
                    "yaml",
                    "error",
                    key,
                    f"重复的键「{key}」（第 {first} 行已有）：后写的会覆盖先写的，"
                    "请合并或删去一处。",
                )
            )
            continue
        marks[(*path, key)] = _mark(key_node.start_mark)
        mapping[key] = _construct(value_node, (*path, key), marks, problems, file, budget)
    return mapping


# -- validation errors → findings ---------------------------------------------------------------


def _schema_finding(detail: dict, source: Source) -> Finding:
    loc = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        return source.finding(loc, "unknown-key", "error", _unknown_key(loc, source.data))
    if kind == "missing":
        return source.finding(loc, "schema", "error", "缺少这一项，请补上。")
    return source.finding(loc, "schema", "error", _type_message(detail, loc, source.data))


def _unknown_key(loc: tuple, data: Any) -> str:
    key = str(loc[-1])
    allowed = allowed_keys(loc[:-1], data)
    by_title = {title: name for name, title in allowed}
    if key in by_title:
        return f"「{key}」在这里写作 {by_title[key]}。"
    close = difflib.get_close_matches(key, [name for name, _ in allowed], n=1, cutoff=0.6)
    guess = f"是不是 {close[0]}？" if close else ""
    names = "、".join(f"{name}（{title}）" for name, title in allowed)
    return f"未知的键「{key}」：{guess}这里可用的键有 {names}。"


def _type_message(detail: dict, loc: tuple, data: Any) -> str:
    message = type_message(detail)
    if ("input" in detail and detail["input"] is None) or detail["type"] == "value_error":
        return message
    return message + typing_slip(detail["type"], detail.get("input"))
