"""The editor extensions pbgen ships: the VS Code extension (``pbgen.vsix``, built from
``editors/vscode/`` by its ``npm run package``), and installing it where clerks are offline
and the extension is on no marketplace. The package also carries pdf.js (npm pdfjs-dist),
which the preview page loads where the browser shows no PDF itself (VS Code's webview)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pbgen.errors import PbgenError

VSIX = Path(__file__).with_name("pbgen.vsix")
PDFJS = "extension/node_modules/pdfjs-dist/legacy/build/"
PDFJS_FILES = ("pdf.min.mjs", "pdf.worker.min.mjs")
# The VS Code command on PATH, and its relatives that install .vsix files the same way.
CODE_COMMANDS = ("code", "code-insiders", "codium")


@dataclass(frozen=True)
class Installed:
    command: str | None  # the editor command that installed it; None: the clerk installs it
    vsix: Path
    output: str = ""


def install_vscode(command: str | None = None) -> Installed:
    """``code --install-extension pbgen.vsix`` with the first VS Code command on PATH (or
    ``command``); without one, only where the file is."""
    if not VSIX.is_file():
        raise PbgenError(
            f"这个 pbgen 没有附带 VS Code 扩展（缺 {VSIX}）：请在源码目录运行 "
            "`cd editors/vscode && npm ci && npm run package` 后重新安装 pbgen。"
        )
    found = shutil.which(command) if command else None
    found = found or next(
        (shutil.which(name) for name in CODE_COMMANDS if shutil.which(name)), None
    )
    if command and found is None:
        raise PbgenError(f"找不到命令「{command}」：请给出 VS Code 的 code 命令的全路径。")
    if found is None:
        return Installed(None, VSIX)
    try:
        done = subprocess.run(
            [found, "--install-extension", str(VSIX), "--force"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PbgenError(f"运行 {found} 安装扩展失败（{error}）。扩展文件在 {VSIX}。") from None
    if done.returncode != 0:
        raise PbgenError(
            f"{found} 没能安装扩展：{(done.stderr or done.stdout).strip()}\n扩展文件在 {VSIX}。"
        )
    return Installed(found, VSIX, done.stdout.strip())


@cache
def pdfjs(name: str) -> bytes | None:
    """A file of pdf.js (``PDFJS_FILES``) as the extension carries it; None without it."""
    if name not in PDFJS_FILES or not VSIX.is_file():
        return None
    with zipfile.ZipFile(VSIX) as package:
        try:
            return package.read(PDFJS + name)
        except KeyError:
            return None
