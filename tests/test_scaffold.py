"""`pbgen init`: a skeleton for every layout that loads, says what goes where (from the model),
and keeps working when the folder moves; editor and git files beside it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.fields import field_by_key, is_model, unwrap
from pbgen.layouts import find_layout, find_layouts
from pbgen.load import load
from pbgen.model import Filing
from pbgen.scaffold import init_folder
from pbgen.schema import schema_text

from conftest import findings

LAYOUT_IDS = [layout.id for layout in find_layouts()]  # pbgen's own; the 申报表 too


@pytest.mark.parametrize("layout", LAYOUT_IDS)
def test_skeleton_loads_and_fails_only_for_what_is_to_fill_in(layout, tmp_path):
    """「待填」 is not done: the untouched skeleton fails the check (each 待填 and the 预算数 of
    0.00 an error), and for nothing else."""
    result = init_folder(tmp_path / "dept", layout, "乐亭县政协", 2025)
    filing = load(result.filing).filing
    assert (filing.layout, filing.year, filing.department.name) == (layout, 2025, "乐亭县政协")
    assert LAYOUT_IDS[:4] == ["wenben", "gongkai", "fubiao", "shenbao"]
    found = findings(result.filing)
    text = result.filing.read_text("utf-8")
    assert {f.rule for f in found} == {"to-fill"}
    assert all(f.severity == "error" for f in found)
    written = sum(line.split("#")[0].count("待填") for line in text.splitlines())
    assert len(found) == written + 1  # every 待填, and the project's 预算数 of 0.00
    assert any(f.message.startswith("预算数是 0") for f in found)


@pytest.mark.parametrize("layout", LAYOUT_IDS)
def test_skeleton_has_every_field_the_layout_needs_and_prints(layout, tmp_path):
    """Nothing the layout needs is missing, nothing it prints is absent, nothing is extra."""
    chosen = find_layout(layout)
    filing = load(init_folder(tmp_path, layout, year=2025).filing).filing
    chosen.refuse_missing(filing)
    assert chosen.unprinted(filing) == []


def test_comments_come_from_the_model(tmp_path):
    """Each key carries its model title (and description) in a comment, on its line or above."""
    lines = init_folder(tmp_path, "fubiao", year=2025).filing.read_text("utf-8").splitlines()
    checked = 0
    stack: list[tuple[int, object]] = [(-1, Filing)]
    for index, line in enumerate(lines):
        match = re.match(r"^( *)(?:- )?([a-z_]+):", line)
        if not match or line.lstrip().startswith("#"):
            continue
        indent = len(match.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        model = stack[-1][1] if stack else None
        found = field_by_key(model, match.group(2)) if is_model(model) else None
        if found is None:
            continue
        _, info = found
        above = index
        while above and lines[above - 1].lstrip().startswith("#"):
            above -= 1
        here = "".join(lines[above : index + 1])  # the line and the comments just above it
        assert info.title in here, line
        if info.description and "indicators" not in line:
            assert info.description in here, line
        checked += 1
        child = unwrap(info.annotation)
        if getattr(child, "__origin__", None) is list:
            child = unwrap(child.__args__[0])
        stack.append((indent, child))
    assert checked > 30


def test_modeline_schema_travels_with_the_folder(tmp_path):
    result = init_folder(tmp_path / "a", "wenben", "某局", 2025)
    first = result.filing.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=filing.schema.json"  # relative, no drive
    assert (tmp_path / "a" / "filing.schema.json").read_text("utf-8") == schema_text()
    moved = shutil.move(tmp_path / "a", tmp_path / "elsewhere" / "b")
    assert (moved / "filing.schema.json").is_file()
    load(moved / result.filing.name)


def test_editor_and_git_files(tmp_path):
    (tmp_path / ".gitignore").write_text("*.bak", encoding="utf-8")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text('{"mine": 1}\n', encoding="utf-8")
    result = init_folder(tmp_path, "wenben", year=2025)
    assert (tmp_path / ".gitignore").read_text("utf-8") == "*.bak\noutput/\n"
    assert json.loads((tmp_path / ".vscode" / "settings.json").read_text("utf-8")) == {"mine": 1}
    assert tmp_path / ".vscode" / "settings.json" in result.kept
    extensions = json.loads((tmp_path / ".vscode" / "extensions.json").read_text("utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}
    assert "indent_style = space" in (tmp_path / ".editorconfig").read_text("utf-8")
    init_folder(tmp_path, "wenben", "另一个部门", 2025)  # a second filing: .gitignore unchanged
    assert (tmp_path / ".gitignore").read_text("utf-8") == "*.bak\noutput/\n"


def test_cli_init_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    arguments = [
        "init",
        str(tmp_path),
        "--layout",
        "公开表",
        "--department",
        "门源县政协",
        "--year",
        "2026",
    ]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    assert "门源县政协-2026.yaml" in first.output and "待填" in first.output
    assert load(tmp_path / "门源县政协-2026.yaml").filing.layout == "gongkai"
    again = runner.invoke(app, arguments)
    assert again.exit_code == 2 and "已存在" in again.output
    unknown = runner.invoke(app, ["init", str(tmp_path / "x"), "--layout", "nope"])
    assert unknown.exit_code == 2 and "没有名为「nope」的版式" in unknown.output


def test_editor_finds_the_schema_after_the_folder_moved(tmp_path):
    """yaml-language-server (VS Code's YAML extension) reads the skeleton through its relative
    modeline, in a folder moved elsewhere: no squiggle on the skeleton, and a typo is flagged —
    so the schema was found."""
    from editor import SERVER, YamlEditor

    if not SERVER.is_file():
        pytest.skip("yaml-language-server is not installed (bash scripts/setup.sh test)")
    result = init_folder(tmp_path / "a", "wenben", "某局", 2025)
    moved = Path(shutil.move(tmp_path / "a", tmp_path / "copied" / "elsewhere"))
    filing = moved / result.filing.name
    text = filing.read_text("utf-8")
    editor = YamlEditor(moved)
    try:
        assert editor.open(filing, text) == []
        typo = text.replace("        purpose:", "        purpos:", 1)
        flagged = editor.open(moved / "typo.yaml", typo)
    finally:
        editor.close()
    assert [typo.splitlines()[d["range"]["start"]["line"]].strip()[:7] for d in flagged] == [
        "purpos:"
    ]
