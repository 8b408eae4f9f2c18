"""Quick fixes, wherever the fix is mechanical: the standard name of an indicator heading (an
alias, a typo), a misfiled 三级 row moved under the 二级 its finding names, a 二级 heading moved
under the 一级 it belongs to, a spending plan
made cumulative (or completed with 12月底 100%), full-width digits made half-width, a missing
space after a key's colon, a misspelt key the finding names, and a jump to the next 「待填」.

Each fix answers a finding of ``pbgen check`` (the diagnostic's ``data`` carries its rule and
path) and edits only the text that finding is about; what to write comes from the finding
itself (the heading it names), the framework (standard names) or the filing's own values.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import yaml
from lsprotocol import types as lsp

from pbgen.check import UNFILLED_RULE
from pbgen.check.walk import UNFILLED
from pbgen.framework import Framework
from pbgen.lsp.analysis import Analysis
from pbgen.lsp.nodes import Span, child, end, entry, start
from pbgen.yamlerrors import known_keys

Edit = tuple[Span, str]
FULL_WIDTH = re.compile("[０-９．％，]")
MOVE_TO = re.compile(r"请移到 (\S+?) 之下")
HUNDRED = Decimal(100)


def code_actions(analysis: Analysis, document, params: lsp.CodeActionParams, next_command: str):
    if analysis.text != document.source:
        return []  # the text changed since it was checked: fresh diagnostics are on their way
    uri = params.text_document.uri
    actions = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != "pbgen":
            continue
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        rule, path = data.get("rule", diagnostic.code), tuple(data.get("path") or ())
        for title, edits in _fixes(analysis, document, rule, path, diagnostic):
            actions.append(
                lsp.CodeAction(
                    title=title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=len(actions) == 0,
                    edit=_workspace_edit(uri, edits, analysis.lines, document),
                )
            )
        if rule == UNFILLED_RULE:
            where = diagnostic.range.end
            actions.append(
                lsp.CodeAction(
                    title="跳到下一个「待填」",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    command=lsp.Command(
                        title="跳到下一个「待填」",
                        command=next_command,
                        arguments=[uri, where.line, where.character],
                    ),
                )
            )
    return actions


def _workspace_edit(uri: str, edits: list[Edit], lines: list[str], document) -> lsp.WorkspaceEdit:
    codec = document.position_codec
    changes = [
        lsp.TextEdit(
            range=codec.range_to_client_units(
                lines,
                lsp.Range(start=lsp.Position(*begin), end=lsp.Position(*finish)),
            ),
            new_text=text,
        )
        for (begin, finish), text in edits
    ]
    return lsp.WorkspaceEdit(changes={uri: changes})


def _fixes(
    analysis: Analysis, document, rule, path: tuple, diagnostic
) -> list[tuple[str, list[Edit]]]:
    framework = analysis.book.framework
    root = analysis.source.root if analysis.source is not None else None
    found: list[tuple[str, list[Edit]]] = []
    if root is not None and path:
        if rule == "indicator-alias":
            found += _standard_name(root, path, framework)
        elif rule in ("indicator-level1", "indicator-level2"):
            found += _closest_names(root, path, framework, rule == "indicator-level1")
            if rule == "indicator-level2":
                found += _move_heading(root, analysis.lines, path, framework)
        elif rule == "indicator-misfiled":
            target = MOVE_TO.search(diagnostic.message)
            moved = (
                _move_row(root, analysis.lines, path, target.group(1), framework)
                if target
                else None
            )
            if moved:
                found.append((f"移到 {target.group(1)} 之下", moved))
        elif rule in ("plan-incomplete", "plan-decreasing"):
            found += _cumulative_plan(root, path, analysis.lines)
    found += _colon_space(analysis.lines, diagnostic, document)
    if root is not None and rule == "unknown-key" and not found:
        found += _meant_key(root, path, diagnostic.message)
    found += _half_width(analysis.lines, diagnostic, document)
    return found


MEANT = re.compile(r"是不是 (\S+?)？")


def _meant_key(root, path: tuple, message: str):
    """An unknown key that is a typo of an allowed one (the finding names it)."""
    key = entry(root, path).key
    meant = MEANT.search(message)
    if key is None or meant is None or str(path[-1]) != key.value:
        return []
    return [(f"改为 {meant.group(1)}", [_rename(key, meant.group(1))])]


# -- indicator names ---------------------------------------------------------------------------


def _rename(key: yaml.Node, name: str) -> Edit:
    return (start(key), end(key)), name


def _standard_name(root, path, framework: Framework):
    key = entry(root, path).key
    name = str(path[-1])
    if key is None or name not in framework.aliases:
        return []
    standard = framework.aliases[name]
    return [(f"改用标准名称「{standard}」", [_rename(key, standard)])]


def _closest_names(root, path, framework: Framework, level1: bool):
    key = entry(root, path).key
    if key is None:
        return []
    name = str(path[-1])
    if level1:
        options = list(framework.levels)
    else:
        options = framework.levels.get(framework.canonical(str(path[-2])), [])
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.5)
    return [(f"改为「{option}」", [_rename(key, option)]) for option in close]


# -- moving a misfiled row ---------------------------------------------------------------------


def _last_line(node: yaml.Node) -> int:
    """The last line holding any of ``node``'s own text (not the line where the next begins)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        line, column = end(node)
        return line if column > 0 or line == start(node)[0] else line - 1
    children = (
        node.value
        if isinstance(node, yaml.SequenceNode)
        else [n for pair in node.value for n in pair]
    )
    return max((_last_line(each) for each in children), default=start(node)[0])


def _dash_column(lines: list[str], node: yaml.Node) -> int | None:
    """The column of the 「- 」 that opens a block list item, when it begins its line."""
    line, column = start(node)
    before = lines[line][:column].rstrip()
    if before.endswith("-") and not before[:-1].strip():
        return len(before) - 1
    return None


def _delete_lines(lines: list[str], first: int, last: int) -> Edit:
    if last + 1 < len(lines):
        return ((first, 0), (last + 1, 0)), ""
    begin = (first - 1, len(lines[first - 1])) if first > 0 else (first, 0)
    return (begin, (last, len(lines[last]))), ""


def _insert_after(lines: list[str], line: int, text_lines: list[str]) -> Edit:
    if line + 1 < len(lines):
        return ((line + 1, 0), (line + 1, 0)), "".join(f"{each}\n" for each in text_lines)
    at = (line, len(lines[line]))
    return (at, at), "".join(f"\n{each}" for each in text_lines)


def _find_key(mapping: yaml.Node, name: str, framework: Framework):
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next(
        ((key, value) for key, value in mapping.value if framework.canonical(key.value) == name),
        None,
    )


def _move_row(root, lines: list[str], path: tuple, level2: str, framework: Framework):
    """Edits that move the block-style row at ``path`` (tree, 一级, 二级, index) under
    ``level2`` (and its 一级), created when missing; None where the text is not plain enough
    (flow-style lists) to move mechanically."""
    level1 = framework.home_of(level2)
    if level1 is None or len(path) < 4:
        return None
    tree = entry(root, path[:-3]).value
    found1 = child(tree, path[-3])
    found2 = child(found1[1], path[-2]) if found1 else None
    if not found2 or not isinstance(found2[1], yaml.SequenceNode) or found2[1].flow_style:
        return None
    (key1, group1), (key2, group2) = found1, found2
    row = group2.value[path[-1]]
    dash = _dash_column(lines, row)
    if dash is None:
        return None
    first, last = start(row)[0], _last_line(row)
    row_lines = [
        text[dash:] if text[:dash].strip() == "" else text.lstrip()
        for text in lines[first : last + 1]
    ]
    alone = len(group2.value) == 1
    target1 = _find_key(tree, level1, framework)
    target2 = _find_key(target1[1], level2, framework) if target1 else None
    if alone and target2 is None:  # the row is its heading's only one: rename the heading
        edits = [_rename(key2, level2)]
        if target1 is None or target1[0] is not key1:
            if len(group1.value) > 1 or target1 is not None:
                return None  # the 一级 holds more, or the target 一级 exists elsewhere
            edits.append(_rename(key1, level1))
        return edits
    edits = []
    if not alone:
        edits.append(_delete_lines(lines, first, last))
    elif len(group1.value) == 1 and (target1 is None or target1[0] is not key1):
        edits.append(_delete_lines(lines, start(key1)[0], last))  # the 一级 empties: it goes
    else:
        edits.append(_delete_lines(lines, start(key2)[0], last))  # the 二级 empties: it goes
    if target2 is not None:
        key, group = target2
        if isinstance(group, yaml.SequenceNode) and group.value and not group.flow_style:
            column = _dash_column(lines, group.value[0])
            if column is None:
                return None
            at = _last_line(group)
        elif isinstance(group, yaml.ScalarNode) and not group.value:
            column, at = start(key)[1] + 2, start(key)[0]
        else:
            return None
        edits.append(_insert_after(lines, at, [" " * column + each for each in row_lines]))
    elif target1 is not None:
        groups = target1[1]
        if not isinstance(groups, yaml.MappingNode) or groups.flow_style or not groups.value:
            return None
        column = start(groups.value[0][0])[1]
        new = [" " * column + f"{level2}:", *(" " * (column + 2) + each for each in row_lines)]
        edits.append(_insert_after(lines, _last_line(groups), new))
    else:
        if not isinstance(tree, yaml.MappingNode) or tree.flow_style or not tree.value:
            return None
        column = start(tree.value[0][0])[1]
        new = [
            " " * column + f"{level1}:",
            " " * (column + 2) + f"{level2}:",
            *(" " * (column + 4) + each for each in row_lines),
        ]
        edits.append(_insert_after(lines, _last_line(tree), new))
    return edits


def _move_heading(root, lines: list[str], path: tuple, framework: Framework):
    """A 二级 heading under the wrong 一级 (时效指标 under 效益指标), moved with its rows under
    the 一级 it belongs to — into the same 二级 there when it is written already."""
    name2 = framework.canonical(str(path[-1]))
    level1 = framework.home_of(name2)
    tree = entry(root, path[:-2]).value
    found1 = child(tree, path[-2])
    found2 = child(found1[1], path[-1]) if found1 else None
    if level1 is None or not found2 or not isinstance(tree, yaml.MappingNode) or tree.flow_style:
        return []
    (key1, group1), (key2, rows) = found1, found2
    if group1.flow_style or not isinstance(rows, yaml.SequenceNode) or not rows.value:
        return []
    first, last = start(key2)[0], _last_line(rows)
    if lines[first][: start(key2)[1]].strip():
        return []  # the heading shares its line with something else
    alone = len(group1.value) == 1
    edits = [_delete_lines(lines, start(key1)[0] if alone else first, last)]
    target1 = _find_key(tree, level1, framework)
    target2 = _find_key(target1[1], name2, framework) if target1 else None
    if target2 is not None:  # the rows join the heading's own
        group = target2[1]
        if not isinstance(group, yaml.SequenceNode) or group.flow_style or not group.value:
            return []
        source, target = _dash_column(lines, rows.value[0]), _dash_column(lines, group.value[0])
        if source is None or target is None or rows.flow_style:
            return []
        moved = [
            _shift(text, target - source) for text in lines[start(rows.value[0])[0] : last + 1]
        ]
        edits.append(_insert_after(lines, _last_line(group), moved))
    elif target1 is not None:
        groups = target1[1]
        if not isinstance(groups, yaml.MappingNode) or groups.flow_style or not groups.value:
            return []
        column = start(groups.value[0][0])[1]
        moved = [_shift(text, column - start(key2)[1]) for text in lines[first : last + 1]]
        edits.append(_insert_after(lines, _last_line(groups), moved))
    else:
        column = start(tree.value[0][0])[1]
        moved = [_shift(text, column + 2 - start(key2)[1]) for text in lines[first : last + 1]]
        edits.append(_insert_after(lines, _last_line(tree), [" " * column + f"{level1}:", *moved]))
    return [(f"移到 {level1} 之下", edits)]


def _shift(text: str, by: int) -> str:
    """A line moved ``by`` columns right (left when negative, never past its text)."""
    if by >= 0:
        return " " * by + text
    return text[min(-by, len(text) - len(text.lstrip(" "))) :]


# -- a cumulative plan -------------------------------------------------------------------------


def _number(node) -> Decimal | None:
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        return None
    try:
        return Decimal(node.value.strip().rstrip("%％").strip())
    except InvalidOperation:
        return None


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scalar_text(node: yaml.ScalarNode, number: Decimal, percent: bool) -> str:
    text = _plain(number) + ("%" if percent else "")
    return f"{node.style}{text}{node.style}" if node.style in ("'", '"') else text


def _cumulative_plan(root, path: tuple, lines: list[str]):
    index = path.index("spending_plan") if "spending_plan" in path else -1
    if index < 0:
        return []
    plan = entry(root, path[: index + 1]).value
    if not isinstance(plan, yaml.MappingNode):
        return []
    given = [(key, value, _number(value)) for key, value in plan.value]
    given = [(key, value, number) for key, value, number in given if number is not None]
    if not given:
        return []
    percent = any("%" in value.value or "％" in value.value for _, value, _ in given)
    numbers = [number for _, _, number in given]
    running = [min(total, HUNDRED) for total in itertools.accumulate(numbers)]
    if running != numbers and running[-1] == HUNDRED:
        edits = [
            ((start(value), end(value)), _scalar_text(value, new, percent))
            for (_, value, old), new in zip(given, running, strict=True)
            if new != old
        ]
        shown = "、".join(_plain(number) + "%" for number in running)
        return [(f"改为累计数：{shown}", edits)]
    if running == numbers and numbers[-1] < HUNDRED:
        december = child(plan, "12月底")
        if december is not None and _number(december[1]) is None:
            value = december[1]
            text = "100%" if percent else "100"
            return [("12月底 填 100%", [((start(value), end(value)), text)])]
        if december is None and plan.flow_style:
            closing = end(plan)
            at = (closing[0], closing[1] - 1)
            return [("补上 12月底 100%", [((at, at), f", 12月底: {'100%' if percent else '100'}")])]
    return []


# -- typing slips ------------------------------------------------------------------------------


def _range_text(lines: list[str], diagnostic, document) -> tuple[Span, str] | None:
    """The diagnostic's range in characters, and its text, when it is on one line."""
    rng = document.position_codec.range_from_client_units(lines, diagnostic.range)
    if rng.start.line != rng.end.line or rng.start.line >= len(lines):
        return None
    line = lines[rng.start.line]
    return ((rng.start.line, rng.start.character), (rng.end.line, rng.end.character)), line[
        rng.start.character : rng.end.character
    ]


def _half_width(lines, diagnostic, document):
    found = _range_text(lines, diagnostic, document)
    if found is None or not FULL_WIDTH.search(found[1]):
        return []
    (line, begin), _ = found[0]
    edits = [
        (
            ((line, begin + match.start()), (line, begin + match.end())),
            unicodedata.normalize("NFKC", match.group()),
        )
        for match in FULL_WIDTH.finditer(found[1])
    ]
    return [("全角数字改为半角", edits)]


KEY_WITHOUT_SPACE = re.compile(r"(?:^|[\s{,-])([^\s:{},\[\]#]+):(?=[^\s:])")


def _colon_space(lines, diagnostic, document):
    """「value:≥95%」: a known key glued to its value. The whole line is looked at (the
    finding may point at the key, the value or the line)."""
    line = document.position_codec.range_from_client_units(lines, diagnostic.range).start.line
    if line >= len(lines):
        return []
    edits = [
        (((line, match.end()), (line, match.end())), " ")
        for match in KEY_WITHOUT_SPACE.finditer(lines[line].split(" #")[0])
        if match.group(1) in known_keys()
    ]
    return [("在冒号后加空格", edits)] if edits else []


# -- 待填 ---------------------------------------------------------------------------------------


def next_unfilled(document, position: lsp.Position) -> lsp.Range | None:
    """The next 「待填」 after ``position`` outside comments, going round to the top."""
    lines = document.source.split("\n")
    at = document.position_codec.position_from_client_units(lines, position)
    places = list(_unfilled_places(lines))
    after = [place for place in places if place > (at.line, at.character)]
    chosen = (after or places or [None])[0]
    if chosen is None:
        return None
    line, column = chosen
    found = lsp.Range(
        start=lsp.Position(line=line, character=column),
        end=lsp.Position(line=line, character=column + len(UNFILLED)),
    )
    return document.position_codec.range_to_client_units(lines, found)


def _unfilled_places(lines: Sequence[str]):
    for number, line in enumerate(lines):
        text = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
        for match in re.finditer(UNFILLED, text):
            yield number, match.start()
