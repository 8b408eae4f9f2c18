"""Debian's Neovim, headless, with the README's settings (taken from the README itself):
it starts ``pbgen lsp`` for a filing and shows pbgen's diagnostic."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pbgen.pipeline import check_file

from conftest import CLEAN, ROOT

BIN = Path(sys.executable).parent


def readme_settings(language: str, marker: str) -> str:
    """The README's code block in ``language`` that contains ``marker``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
    (block,) = [block for block in blocks if marker in block]
    return block


@pytest.mark.skipif(shutil.which("nvim") is None, reason="scripts/setup.sh test installs neovim")
def test_neovim_with_the_readme_settings_shows_a_diagnostic(tmp_path):
    init = tmp_path / "init.lua"
    init.write_text(readme_settings("lua", '"pbgen", "lsp"'), "utf-8")
    filing = tmp_path / "乐亭县政协-2025.yaml"
    filing.write_text(CLEAN.read_text("utf-8").replace("value: ≥3次", "value: "), "utf-8")
    result = tmp_path / "diagnostics.json"
    wait = (
        "lua vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100); "
        f"vim.fn.writefile({{vim.fn.json_encode(vim.diagnostic.get(0))}}, '{result}')"
    )
    done = subprocess.run(
        ["nvim", "--headless", "-i", "NONE", "-u", str(init), str(filing), "-c", wait, "-c", "qa!"],
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.is_file(), done.stdout + done.stderr
    (diagnostic,) = json.loads(result.read_text("utf-8"))
    (finding,) = check_file(filing).findings
    assert diagnostic["message"] == f"{finding.field}：{finding.message}"
    assert diagnostic["source"] == "pbgen" and diagnostic["code"] == "value-empty"
    assert (diagnostic["lnum"], diagnostic["severity"]) == (finding.line - 1, 1)  # ERROR
