"""Old .doc/.xls (and WPS's .wps/.et) files, converted to .docx/.xlsx by LibreOffice first.

LibreOffice runs with a profile of its own made for this one conversion: macros may not run at
all (security level "very high", and macro execution disabled), links to other files and to the
web are never updated, nothing is fetched; it is killed, with every process it started, when
it takes longer than ``Limits.convert_seconds``, and what it writes is refused above
``Limits.converted_bytes``. The converted file is then read like any other, within bounds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pbgen.office.limits import Deadline, Limits, UnreadableDocument

LEGACY_SUFFIXES = (".doc", ".wps", ".dot", ".xls", ".et", ".xlt")
TARGETS = {".doc": "docx", ".wps": "docx", ".dot": "docx", ".xls": "xlsx", ".et": "xlsx"}
TARGETS[".xlt"] = "xlsx"
INFILTERS = {
    ".doc": "MS Word 97",
    ".dot": "MS Word 97",
    ".xls": "MS Excel 97",
    ".xlt": "MS Excel 97",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Where LibreOffice installs itself when it is not on PATH.
SOFFICE_PLACES = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
)


def _item(path: str, name: str, value: str, kind: str = "xs:int") -> str:
    return (
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
    )


# The profile: no macros, no links followed, no updates, no first-start dialogs.
REGISTRY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + _item("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3")
    + _item("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true")
    + _item(
        "/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"
    )
    + _item("/org.openoffice.Office.Writer/Content/Update", "Link", "2")
    + _item("/org.openoffice.Office.Calc/Content/Update", "Link", "2")
    + _item("/org.openoffice.Office.Common/Misc", "UseLocking", "false")
    + _item("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "false")
    + _item("/org.openoffice.Setup/Product", "ooSetupLastVersion", "99.0")
    + _item("/org.openoffice.Office.Common/Internal", "SendCrashReport", "false")
    + "</oor:items>\n"
)


def soffice() -> str | None:
    """LibreOffice's soffice: on PATH, else where its installer puts it (Windows, macOS)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((str(path) for path in SOFFICE_PLACES if path.is_file()), None)


@contextlib.contextmanager
def converted(path: Path, limits: Limits, deadline: Deadline) -> Iterator[Path]:
    """``path`` as .docx/.xlsx, in a temporary folder that goes when the block ends."""
    program = soffice()
    target = TARGETS[path.suffix.lower()]
    if program is None:
        raise UnreadableDocument(
            path,
            f"这是旧版 {path.suffix} 文件，要用 LibreOffice 先转成 .{target}，但本机没有 LibreOffice"
            f"（https://zh-cn.libreoffice.org 下载安装；或在 Word/WPS 中「另存为」.{target} 后再导入）。",
        )
    with tempfile.TemporaryDirectory(prefix="pbgen-import-") as folder:
        work = Path(folder)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
        source = work / "in" / f"source{path.suffix.lower()}"
        source.parent.mkdir()
        shutil.copyfile(path, source)  # a name LibreOffice cannot misread as an option or URL
        out = work / "out"
        with path.open("rb") as file:
            ole = file.read(8) == OLE
        # an OLE file is read by the binary filter only: never as text, whatever it holds
        strict = (
            [f"--infilter={INFILTERS[path.suffix.lower()]}"]
            if ole and path.suffix.lower() in INFILTERS
            else []
        )
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            *strict,
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        seconds = max(1.0, min(limits.convert_seconds, deadline.left()))
        code = _run(command, seconds, path)
        result = out / f"source.{target}"
        if code != 0 or not result.is_file():
            raise UnreadableDocument(
                path,
                f"LibreOffice 未能把它转成 .{target}（退出码 {code}）：文件可能已损坏、加密，"
                f"或不是真正的 {path.suffix} 文件。",
            )
        if result.stat().st_size > limits.converted_bytes:
            raise UnreadableDocument(
                path,
                f"LibreOffice 转出的 .{target} 超过 {limits.converted_bytes >> 20} MB：超出导入的上限。",
            )
        yield result


def _run(command: list[str], seconds: float, path: Path) -> int:
    """Run LibreOffice in a session of its own; kill the whole session at ``seconds``."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return process.wait(seconds)
    except subprocess.TimeoutExpired:
        raise UnreadableDocument(
            path, f"LibreOffice 转换超过 {seconds:.0f} 秒仍未完成，已停止：文件可能过大或已损坏。"
        ) from None
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                if hasattr(os, "killpg"):
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
            process.wait()
