"""The command line's frame in Chinese: usage lines, help screens, usage errors, completion.

typer (and the click it ships) writes its frame in English with no translation catalogue:
``Usage:``, ``Options``, ``Missing argument``, ``No such option``, ``Try … for help``. pbgen's
commands use the two classes here (``Typer(cls=…)``), which write the help screens themselves
and say every usage error in Chinese; click's own messages are translated by one table
(``MESSAGES``). A clerk never sees the English frame, in a terminal or a log.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from enum import Enum
from pathlib import Path
from typing import get_args, get_origin

import typer
from typer import _click as click  # typer ≥ 0.29 ships its own copy of click
from typer.core import TyperCommand, TyperGroup

HELP_OPTIONS = ["-h", "--help"]
CONTEXT = {"help_option_names": HELP_OPTIONS, "max_content_width": 100}

# click's and typer's messages → Chinese, applied in order to a usage error's message.
MESSAGES: list[tuple[str, str]] = [
    (r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", r"多出了参数：\1。"),
    (r"No such command '(.*?)'\.\s*", r"没有「\1」这个命令。"),
    (r"Did you mean (.*)\?", r"是不是 \1？"),
    (r"Option '(.*?)' requires an argument\.", r"选项 \1 后面要写一个值。"),
    (r"Option '(.*?)' requires (\d+) arguments\.", r"选项 \1 后面要写 \2 个值。"),
    (r"Option '(.*?)' does not take a value\.", r"选项 \1 后面不写值。"),
    (r"Value error, ", ""),
    (r"Input should be a valid integer.*", "应为整数。"),
    (r"Input should be a valid (number|decimal|float).*", "应为数字。"),
    (r"Input should be a valid boolean.*", "应为 true 或 false。"),
    (r"Input should be greater than or equal to (\S+?)\.?$", r"不能小于 \1。"),
    (r"Input should be less than or equal to (\S+?)\.?$", r"不能大于 \1。"),
    (r"Input should be greater than (\S+?)\.?$", r"应大于 \1。"),
    (r"Input should be less than (\S+?)\.?$", r"应小于 \1。"),
    (r"'?([^']*?)'? is not one of (.*)\.", r"「\1」不是可选的 \2 之一。"),
    (r"(.*?) is not in the range (.*)\.", r"\1 不在范围 \2 之内。"),
    (r"(?:File|Directory|Path) '(.*?)' does not exist\.", r"「\1」不存在。"),
    (r"(?:File|Directory|Path) '(.*?)' is not readable\.", r"「\1」无法读取。"),
    (r"'([^']*)', ", r"\1、"),
    (r"'([^']*)'", r"\1"),
    (r" or ", "、"),
]

# A parameter's placeholder in help and usage when its command gives none: a word, not a type.
TYPE_WORDS: dict[type, str] = {Path: "路径", int: "数字", float: "数字", str: "文字"}


def translate(message: str) -> str:
    for pattern, replacement in MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


def metavar(param) -> str:
    """文件…, 文件夹, 版式: what the user types for ``param``, in words."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", str)
    many = param.nargs == -1 or bool(getattr(param, "multiple", False))
    if get_origin(annotation) is list:
        annotation, many = get_args(annotation)[0], True
    if param.metavar:
        word = param.metavar.removesuffix("…")
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        return "|".join(str(member.value) for member in annotation)
    else:
        word = TYPE_WORDS.get(annotation, "文字")
    return word + ("…" if many else "")


def usage_error(error: click.ClickException) -> str:
    """A usage error as the clerk reads it: what is wrong, in the command's own words."""
    if isinstance(error, click.exceptions.NoSuchOption):
        close = sorted(error.possibilities or [])
        guess = f"是不是 {'、'.join(close)}？" if close else ""
        return f"没有 {error.option_name} 这个选项。{guess}"
    if isinstance(error, click.exceptions.MissingParameter) and error.param is not None:
        if error.param.param_type_name == "argument":
            return f"缺少参数「{metavar(error.param)}」。"
        return f"缺少选项 {' / '.join(error.param.opts)}。"
    if isinstance(error, click.exceptions.BadParameter):
        if error.param is not None and error.param.param_type_name == "argument":
            name = metavar(error.param)
        elif error.param is not None:
            name = " / ".join(error.param.opts)
        else:
            name = error.param_hint if isinstance(error.param_hint, str) else "这个值"
        return f"{name} 的值不对：{translate(error.message)}"
    return translate(error.format_message())


class ChineseFrame:
    """Usage line and help screen written in Chinese; usage errors told in Chinese."""

    options_metavar = "[选项]"

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar]
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                word = metavar(param)
                pieces.append(word if param.required else f"[{word}]")
        return pieces

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.format_usage(ctx, formatter)
        if self.help:
            formatter.write_paragraph()
            for paragraph in self.help.split("\f")[0].strip().split("\n\n"):
                text = " ".join(paragraph.split()) if paragraph.isascii() else paragraph
                lines = wrap(text.replace("\n", ""), formatter.width - 2)
                formatter.write("".join(f"  {line}\n" for line in lines))
        arguments, options = [], []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if param.param_type_name == "argument":
                arguments.append((metavar(param), param.help or ""))
            else:
                options.append(_option_row(self, ctx, param))
        for title, rows in (("参数", arguments), ("选项", options), ("命令", _commands(self, ctx))):
            if rows:
                formatter.write_paragraph()
                formatter.write(f"{title}：\n")
                formatter.write("\n".join(table(rows, formatter.width)) + "\n")

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's ``main``, with every usage error, abort and help request said in Chinese."""
        from typer._completion_classes import completion_init

        completion_init()  # shell completion (``_PBGEN_COMPLETE``) for every shell typer knows
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.ctx.get_help())
            sys.exit(0)
        except click.ClickException as error:
            ctx = getattr(error, "ctx", None)
            if ctx is not None:
                click.echo(ctx.get_usage(), err=True)
            where = ctx.command_path if ctx is not None else prog_name or "pbgen"
            click.echo(f"试试「{where} -h」查看帮助。", err=True)
            click.echo(f"错误：{usage_error(error)}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


CLOSING = set("。，、；：）」』！？”’")  # never the first character of a line


WORDS = re.compile(r"[\x21-\x7e]+ ?|\s|.")
PATH_WORDS = re.compile(r"[\x21-\x2c\x2e\x30-\x7e]*[/-]|[\x21-\x7e]+ ?|\s|.")  # break at / -


def wrap(text: str, columns: int, words: re.Pattern = WORDS) -> list[str]:
    """Lines of at most ``columns`` terminal columns; breaks between CJK characters anywhere,
    between Latin words only at spaces (``PATH_WORDS``: also after / and -), inside a word
    only when it is wider than a line."""
    lines, line = [], ""
    tokens = []
    for word in words.findall(text):
        while width(word) > columns:  # a word wider than the line: cut it
            cut = next(i for i in range(len(word), 0, -1) if width(word[:i]) <= columns)
            tokens.append(word[:cut])
            word = word[cut:]
        tokens.append(word)
    for word in tokens:
        if not line or width(line + word.rstrip()) <= columns:
            line += word
            continue
        carried = word.lstrip()
        while carried[:1] in CLOSING and len(line.rstrip()) > 1:  # 「、」 never starts a line:
            line = line.rstrip()  # the character before it goes down with it
            carried, line = line[-1] + carried, line[:-1]
        lines.append(line.rstrip())
        line = carried
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def table(rows: list[tuple[str, str]], total: int, indent: int = 2) -> list[str]:
    """Two columns, the second wrapped under itself: help screens at any terminal width."""
    first = min(max(width(name) for name, _ in rows), 30)
    out = []
    for name, text in rows:
        pad = " " * indent
        room = max(total - indent - first - 2, 20)
        lines = wrap(text, room) if text else [""]
        if width(name) > first:
            out.append(pad + name)
            out += [pad + " " * (first + 2) + line for line in lines]
            continue
        out.append(pad + name + " " * (first - width(name) + 2) + lines[0])
        out += [pad + " " * (first + 2) + line for line in lines[1:]]
    return [line.rstrip() for line in out]


def grid(
    headers: list[str], rows: list[list[str]], total: int | None, right: tuple[int, ...] = ()
) -> list[str]:
    """A plain table (no box characters, so it reads the same in a log): columns as wide as
    their cells; when ``total`` columns are too few, the widest columns wrap — a cell is never
    cut. ``right``: the columns aligned right (numbers)."""
    gap = 2
    widths = [
        max(width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
    ]
    if total:
        floor = [max(width(header), 8) for header in headers]
        while sum(widths) + gap * (len(widths) - 1) > total:
            widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
            if widths[widest] <= floor[widest]:
                break
            widths[widest] -= 1
    out = []
    for row in [headers, *rows]:
        cells = [wrap(str(cell), w, PATH_WORDS) for cell, w in zip(row, widths, strict=True)]
        for index in range(max(len(cell) for cell in cells)):
            parts = []
            for column, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                text = cell[index] if index < len(cell) else ""
                pad = " " * (w - width(text))
                parts.append(pad + text if column in right else text + pad)
            out.append((" " * gap).join(parts).rstrip())
    return out


def terminal_columns() -> int | None:
    """The width to lay out for: the terminal's; in a pipe or log, COLUMNS if set, else none
    (a row stays on one line, whole)."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def _option_row(command, ctx: click.Context, param: click.Parameter) -> tuple[str, str]:
    names = ", ".join(sorted(param.opts, key=len) + list(param.secondary_opts))
    if param is command.get_help_option(ctx):
        return names, "显示本帮助并退出。"
    flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
    if not flag:
        names += f" {metavar(param)}"
    help_text = param.help or ""
    default = param.default
    if isinstance(default, Enum):
        default = default.value
    if not flag and default not in (None, "", ()) and not callable(default):
        shown = default if not isinstance(default, Path) else str(default)
        help_text += f"［默认：{shown}］"
    return names, help_text


def _commands(command, ctx: click.Context) -> list[tuple[str, str]]:
    if not isinstance(command, TyperGroup):
        return []
    rows = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            rows.append((name, (sub.help or "").split("\n")[0].strip()))
    return rows


class Command(ChineseFrame, TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_metavar = "[选项]"


class Group(ChineseFrame, TyperGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_metavar = "[选项]"
        self.subcommand_metavar = "命令 [参数]…"

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]


class Typer(typer.Typer):
    """``typer.Typer`` whose commands all wear the Chinese frame (``@app.command()`` as usual)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(cls=Group, add_completion=False, **kwargs)

    def command(self, *args, cls=Command, **kwargs):
        kwargs.setdefault("context_settings", CONTEXT)
        return super().command(*args, cls=cls, **kwargs)


# -- shell completion ---------------------------------------------------------------------------

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _shell() -> str:
    from typer._completion_shared import _get_shell_name

    shell = _get_shell_name() or Path(os.environ.get("SHELL", "")).name
    if shell not in SHELLS:
        raise click.exceptions.UsageError(
            f"认不出当前的 shell（{shell or '未知'}）；命令补全支持 bash、zsh、fish、PowerShell。"
        )
    return shell


def install_completion(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    shell, path = install(shell=_shell(), prog_name=ctx.find_root().info_name)
    click.echo(f"已为 {shell} 装好命令补全（写在 {path}）；重新打开终端后按 Tab 即可补全。")
    raise typer.Exit()


def show_completion(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script

    prog = ctx.find_root().info_name
    variable = "_{}_COMPLETE".format(prog.replace("-", "_").upper())
    click.echo(get_completion_script(prog_name=prog, complete_var=variable, shell=_shell()))
    raise typer.Exit()
