"""The VS Code extension (editors/vscode/), tested without VS Code (which cannot be
downloaded here): the packaged .vsix, run under Node with a stand-in ``vscode`` module
(vscode_stub.js), starts a real ``pbgen lsp`` through its vscode-languageclient and receives
its diagnostics; ``vsce ls`` checks what the package holds; the committed .vsix is what the
project's scripts build; the wheel ships it and ``pbgen vscode`` installs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pbgen.cli import app
from pbgen.editors import VSIX
from pbgen.pipeline import check_file

from conftest import CLEAN, ROOT

EXTENSION = ROOT / "editors" / "vscode"
HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
NODE_ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def unpack(vsix: Path, into: Path) -> Path:
    with zipfile.ZipFile(vsix) as archive:
        archive.extractall(into)
    return into / "extension"


def test_the_packaged_extension_starts_pbgen_lsp_and_receives_its_diagnostics(tmp_path):
    extension = unpack(VSIX, tmp_path / "vsix")
    filing = tmp_path / "乐亭县政协-2025.yaml"
    filing.write_text(CLEAN.read_text("utf-8").replace("value: ≥3次", "value: "), "utf-8")
    done = subprocess.run(
        ["node", HERE / "drive_vscode.js", extension, filing],
        capture_output=True,
        text=True,
        env=NODE_ENV,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    received = json.loads(done.stdout)
    assert received["server"]["name"] == "pbgen"
    assert {
        "pbgen.showPreview",
        "pbgen.jumpToUnfilled",
        "pbgen.preview",
        "pbgen.nextUnfilled",
    } <= set(
        received["commands"]
    )  # the extension's own, and the server's, registered by vscode-languageclient
    assert received["languages"] == [[str(filing), "pbgen-yaml"]]  # the YAML extension's no more
    (diagnostic,) = received["diagnostics"]
    (finding,) = check_file(filing).findings
    assert diagnostic["message"] == f"{finding.field}：{finding.message}"
    assert (diagnostic["code"], diagnostic["source"], diagnostic["severity"]) == (
        "value-empty",
        "pbgen",
        0,  # vscode.DiagnosticSeverity.Error
    )
    assert diagnostic["range"][0] == finding.line - 1


def test_vsce_lists_what_the_package_holds():
    done = subprocess.run(
        ["npx", "--no-install", "vsce", "ls"], cwd=EXTENSION, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    files = set(done.stdout.split())
    assert {"package.json", "extension.js", "README.md", "language-configuration.json"} <= files
    assert "node_modules/vscode-languageclient/lib/node/main.js" in files
    assert not any(name.startswith("node_modules/@vscode/vsce") for name in files)  # a tool
    with zipfile.ZipFile(VSIX) as archive:
        packaged = {name.removeprefix("extension/").casefold() for name in archive.namelist()}
    assert {name.casefold() for name in files} <= packaged  # (vsce writes readme.md)


def test_the_committed_vsix_is_what_the_scripts_build(tmp_path):
    built = tmp_path / "pbgen.vsix"
    done = subprocess.run(
        ["npm", "run", "--silent", "package", "--", "--out", str(built)],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(built) as fresh, zipfile.ZipFile(VSIX) as committed:
        assert sorted(fresh.namelist()) == sorted(committed.namelist())
        for name in fresh.namelist():
            assert fresh.read(name) == committed.read(name), f"{name}: run npm run package"


def test_the_manifest_matches_the_server():
    """The extension's commands are the server's; its version is pbgen's."""
    from pbgen import __version__
    from pbgen.lsp.server import COMMAND_NEXT_UNFILLED, COMMAND_PREVIEW

    manifest = json.loads((EXTENSION / "package.json").read_text("utf-8"))
    assert manifest["version"] == __version__
    script = (EXTENSION / "extension.js").read_text("utf-8")
    assert f'"{COMMAND_PREVIEW}"' in script and f'"{COMMAND_NEXT_UNFILLED}"' in script
    contributed = {command["command"] for command in manifest["contributes"]["commands"]}
    assert not contributed & {COMMAND_PREVIEW, COMMAND_NEXT_UNFILLED}  # the client registers those


def test_pbgen_vscode_installs_with_code_where_it_is_on_path(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "code"
    fake.parent.mkdir()
    log = tmp_path / "code.log"
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\necho "Extension installed."\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    result = CliRunner().invoke(app, ["vscode"])
    assert result.exit_code == 0, result.output
    assert log.read_text().split() == ["--install-extension", str(VSIX), "--force"]
    assert "已用" in result.output and "pbgen.vsix" in result.output


def test_pbgen_vscode_says_where_the_file_is_without_code(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(app, ["vscode"])
    assert result.exit_code == 0, result.output
    assert str(VSIX) in result.output and "从 VSIX 安装" in result.output


def test_the_wheel_ships_the_extension(installed, tmp_path):
    done = subprocess.run(  # no code on PATH: it says where the shipped file is
        [installed.venv / "bin" / "pbgen", "vscode"],
        cwd=tmp_path,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    shipped = Path(done.stdout.split("\n")[1].strip())
    assert shipped.is_relative_to(installed.venv) and shipped.name == "pbgen.vsix"
    with zipfile.ZipFile(shipped) as archive:
        assert json.loads(archive.read("extension/package.json"))["name"] == "pbgen"


@pytest.fixture(autouse=True)
def _node_present():
    assert shutil.which("node") and (EXTENSION / "node_modules").is_dir(), (
        "run scripts/setup.sh test"
    )
