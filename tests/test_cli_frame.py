"""The command line's frame speaks Chinese: every help screen, every usage error, completion."""

import os
import re
import subprocess
import sys

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.cli_frame import metavar, table, width, wrap

from conftest import CLEAN, ROOT

runner = CliRunner()
GROUP = get_command(app)
COMMANDS = list(GROUP.commands)
# typer's and click's English frame, as it showed before
ENGLISH = re.compile(
    r"Usage|Options|Arguments|Commands|Error|Try |Missing|No such|Invalid|Input should|"
    r"Show this|default:|required|Got unexpected|Did you mean|does not|\[OPTIONS\]|"
    r"\b(?:COMMAND|ARGS|PATH|TEXT|INTEGER)\b|<|list\["
)


def run(*args, columns=80):
    return runner.invoke(
        app, list(map(str, args)), env={"COLUMNS": str(columns)}, prog_name="pbgen"
    )


@pytest.mark.parametrize("command", ["", *COMMANDS])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_help_screen_is_chinese(command, flag):
    result = run(*command.split(), flag)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"用法：pbgen {command}".rstrip() + " ")
    assert "选项：" in result.output and "显示本帮助并退出。" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_no_arguments_shows_the_help():
    result = run()
    assert result.exit_code == 0 and "命令：" in result.output
    for command in COMMANDS:
        assert f"  {command} " in result.output


def test_metavars_are_words():
    """文件…, 文件夹, 版式 — never a Python type; choices list their values."""
    for name, command in GROUP.commands.items():
        for param in command.params:
            word = metavar(param)
            assert re.search(r"[\u4e00-\u9fff]", word) or "|" in word, (name, param.name, word)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "错误：缺少参数「文件…」。"),
        (["check", "-x", CLEAN], "错误：没有 -x 这个选项。"),
        (["check", "--formt", "json", CLEAN], "错误：没有 --formt 这个选项。是不是 --format？"),
        (["check", "--format", "xml", CLEAN], "「xml」不是可选的 human、json 之一。"),
        (["render", "-j", "x", CLEAN], "错误：--jobs / -j 的值不对：应为整数。"),
        (["render", "-j", "0", CLEAN], "错误：--jobs / -j 的值不对：不能小于 1。"),
        (["render", CLEAN, "-o"], "错误：选项 -o 后面要写一个值。"),
        (["chek", CLEAN], "错误：没有「chek」这个命令。是不是 check"),
        (["rules", "extra"], "错误：多出了参数：extra。"),
        (
            ["render", "--format", "doc", CLEAN],
            "错误：--format / -f 的值不对：可选 docx、pdf、xlsx",
        ),
    ],
)
def test_usage_errors_are_chinese(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert not ENGLISH.search(result.output), result.output
    assert re.search(r"试试「pbgen( \w+)? -h」查看帮助。", result.output)


@pytest.mark.parametrize("columns", [60, 80])
def test_help_wraps_by_display_width(columns):
    """CJK characters take two columns: lines stay within the terminal, punctuation never
    starts a line (a real process: the test runner fixes the width at 80)."""
    for command in ["", "render", "check"]:
        done = subprocess.run(
            [sys.executable, "-m", "pbgen", *command.split(), "-h"],
            env={**os.environ, "COLUMNS": str(columns)},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        for line in done.stdout.splitlines():
            assert width(line) <= columns, line
            assert not re.match(r"\s*[。，、；：）」]", line), line


def test_table_and_wrap():
    assert wrap("生成 DOCX（可编辑）、PDF（公开用）", 12) == [
        "生成 DOCX（",
        "可编辑）、",
        "PDF（公开",  # 「）」 may not start a line: 「用」 goes down with it, within 12 columns
        "用）",
    ]
    assert table([("-o 文件夹", "输出文件夹。"), ("--force", "x")], 80) == [
        "  -o 文件夹  输出文件夹。",
        "  --force    x",
    ]


def test_shell_completion():
    """Completion is on: the script for bash, and what the shell asks for while typing."""
    env = {**os.environ, "SHELL": "/bin/bash", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    pbgen = [sys.executable, "-m", "pbgen"]
    script = subprocess.run([*pbgen, "--show-completion"], env=env, capture_output=True, text=True)
    assert script.returncode == 0 and "_PBGEN_COMPLETE" in script.stdout
    asked = {
        **env,
        "_PBGEN_COMPLETE": "complete_bash",
        "COMP_WORDS": "pbgen mig",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(pbgen, env=asked, capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.split() == ["migrate"], done.stderr
    layouts = {**asked, "COMP_WORDS": "pbgen render x.yaml --layout ", "COMP_CWORD": "4"}
    done = subprocess.run(pbgen, env=layouts, capture_output=True, text=True, cwd=ROOT)
    from pbgen.layouts import find_layouts

    assert done.stdout.split() == [layout.id for layout in find_layouts()], done.stderr


def test_unknown_shell_is_told_in_chinese(monkeypatch):
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    monkeypatch.setattr("typer._completion_shared._get_shell_name", lambda: "tcsh")
    result = run("--install-completion")
    assert result.exit_code == 2 and "认不出当前的 shell（tcsh）" in result.output
    assert not ENGLISH.search(result.output)
