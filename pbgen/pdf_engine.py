"""The PDF engine: WeasyPrint and the Pango it needs, loaded once and only when a PDF is made.

WeasyPrint takes a quarter of a second to import and fails without Pango (Windows and macOS as
installed): `pbgen check`, DOCX and XLSX never load it. ``pdf_engine_problem`` says, in Chinese
with the fix, why this machine cannot make PDF; ``pbgen doctor`` asks the same.
"""

from __future__ import annotations

import ctypes.util
import io
import sys
from contextlib import contextmanager, redirect_stdout
from functools import cache

from pbgen import embolden, justify
from pbgen.errors import PbgenError


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint loaded libharfbuzz-subset (it subsets fonts in Python without it,
    ~25× slower): asked of WeasyPrint itself, so it holds on every system. False when the PDF
    engine does not load at all (``pdf_engine_problem`` says why)."""
    try:
        load_weasyprint()
    except PdfEngineMissing:
        return False
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


@contextmanager
def _sonames_only():
    """WeasyPrint tries each library under its Windows and macOS names before the Linux soname,
    and cffi answers every miss with ``ctypes.util.find_library``, which spawns ldconfig and ld:
    0.14 s of each cold start. The names WeasyPrint lists always include the real soname, so
    while it is imported a miss is answered at once."""
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


class PdfEngineMissing(PbgenError):
    """WeasyPrint or the Pango it needs cannot be loaded: PDF cannot be made, DOCX and XLSX can."""


@cache
def load_weasyprint():
    """The WeasyPrint module, imported once; with find_library's full search if a library was
    only to be found that way. Without Pango (Windows and macOS as installed) the import fails:
    that becomes ``PdfEngineMissing``, naming the fix for this system."""
    try:
        try:
            with _sonames_only(), redirect_stdout(io.StringIO()):
                import weasyprint
        except OSError:
            for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
                del sys.modules[name]
            with redirect_stdout(io.StringIO()):  # WeasyPrint prints its own English advice
                import weasyprint
        import weasyprint.text.fonts
        import weasyprint.urls
    except (ImportError, OSError) as error:
        raise PdfEngineMissing(pdf_engine_advice(error)) from None

    justify.install(weasyprint)  # Chinese lines justified between characters (DESIGN §9)
    embolden.install(weasyprint)  # bold 仿宋 is the regular face emboldened, as in Word
    return weasyprint


def pdf_engine_problem() -> str | None:
    """Why PDF cannot be made on this machine (in Chinese, with the fix), or None."""
    try:
        load_weasyprint()
    except PdfEngineMissing as missing:
        return str(missing)
    return None


PANGO_STEPS = {
    "win32": (
        "安装 MSYS2（https://www.msys2.org），在「MSYS2 UCRT64」窗口运行 "
        "pacman -S mingw-w64-ucrt-x86_64-pango，然后重新打开命令行窗口"
        "（MSYS2 不在 C:\\msys64 时，把它的 ucrt64\\bin 文件夹设为环境变量 WEASYPRINT_DLL_DIRECTORIES）"
    ),
    "darwin": (
        "安装 Homebrew（https://brew.sh）后运行 brew install pango；"
        "仍找不到时在终端先运行 export DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib"
    ),
    "linux": "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0（Fedora：sudo dnf install pango）",
}


def pdf_engine_advice(error: BaseException) -> str:
    """What is missing and how to install it on this system."""
    steps = PANGO_STEPS.get(sys.platform, PANGO_STEPS["linux"])
    if isinstance(error, ModuleNotFoundError) and error.name == "weasyprint":
        return (
            "不能生成 PDF：没有安装 WeasyPrint。运行 pip install weasyprint（或重新安装 pbgen）；"
            "DOCX、XLSX 不受影响（--format docx）。"
        )
    return (
        f"不能生成 PDF：找不到 WeasyPrint 需要的 Pango 文字排版库（{error}）。"
        f"安装方法：{steps}。DOCX、XLSX 不受影响（--format docx）；pbgen doctor 可再次检查。"
    )


@cache
def font_configuration():
    """One for the whole process: fonts are found and loaded once, not for every filing."""
    return load_weasyprint().text.fonts.FontConfiguration()
