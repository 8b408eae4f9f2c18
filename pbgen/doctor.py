"""`pbgen doctor`: what this machine will render with, and how to fix what is missing.

DOCX and XLSX need nothing beyond pbgen. PDF needs WeasyPrint and the Pango it loads; which
font each role gets is asked of that same Pango (through WeasyPrint's own fontconfig), so the
answer holds on Windows and macOS too. Font stacks are read from the layout's CSS (templates
are data). Every fix is given for this system.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pbgen import embolden, justify
from pbgen.fontcover import BLOCKS, coverage, font_stacks
from pbgen.office_pool import libreoffice, office_python, uno_loads
from pbgen.pdf_engine import (
    PdfEngineMissing,
    font_configuration,
    harfbuzz_subset_available,
    load_weasyprint,
    pdf_engine_problem,
)

ROLES = {  # CSS variable → what it is used for
    "xiaobiaosong": "标题（2号小标宋）",
    "fangsong": "正文、表格（3号/5号仿宋）",
    "heiti": "一级标题「一、」（黑体）",
    "kaiti": "二级标题「（一）」（楷体）",
    "songti": "页码（4号宋体）",
}
SUBSET_PREFIX = "pbgen "  # the families scripts/subset_fonts.py builds: pbgen Serif SC…
OFFICIAL = re.compile(r"GB2312|仿宋|楷体|黑体|宋体|小标宋|SimHei|SimSun|KaiTi|FangSong|FZ")
SYSTEM_FONTS = re.compile(r"^(ST|Songti|Kaiti|Heiti|PingFang)")  # macOS's own Chinese fonts


def for_this_system(linux: str, macos: str, windows: str) -> str:
    return {"win32": windows, "darwin": macos}.get(sys.platform, linux)


FONT_FIX = for_this_system(
    "sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai fonts-hanazono texlive-lang-chinese"
    "（在 pbgen 源码目录：bash scripts/setup.sh）",
    "打开「字体册」，下载系统自带的 Songti SC、Kaiti SC、STFangsong；公文字体（方正小标宋简体等）另行安装",
    "Windows 自带仿宋、楷体、黑体、宋体；方正小标宋简体等公文字体需另行安装（右键字体文件 → 为所有用户安装）",
)
HARFBUZZ_FIX = for_this_system(
    "sudo apt-get install libharfbuzz-subset0",
    "brew install harfbuzz",
    "在「MSYS2 UCRT64」窗口运行 pacman -S mingw-w64-ucrt-x86_64-harfbuzz",
)
LIBREOFFICE_FIX = for_this_system(
    "sudo apt-get install libreoffice-writer-nogui",
    "brew install --cask libreoffice",
    "从 https://zh-cn.libreoffice.org 下载安装",
)
UNO_FIX = for_this_system(
    "sudo apt-get install python3-uno",
    "重新安装 LibreOffice（它自带的 Python 能连接 LibreOffice）",
    "重新安装 LibreOffice（它自带的 Python 能连接 LibreOffice）",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True  # a failed required check makes `pbgen doctor` exit 1


def resolved_family(family: str) -> str | None:
    """The family WeasyPrint's Pango gives for ``family`` (fontconfig's aliases applied, its
    default when nothing matches); None when the PDF engine does not load."""
    try:
        load_weasyprint()
    except PdfEngineMissing:
        return None
    from weasyprint.text.ffi import ffi, gobject, pango

    font_map = font_configuration().font_map
    description = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
    pango.pango_font_description_set_family(description, family.encode())
    pango.pango_font_description_set_absolute_size(description, 16 * 1024)
    context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
    font = pango.pango_font_map_load_font(font_map, context, description)
    if font == ffi.NULL:
        return None
    font = ffi.gc(font, gobject.g_object_unref)
    used = ffi.gc(
        pango.pango_font_describe_with_absolute_size(font), pango.pango_font_description_free
    )
    return ffi.string(pango.pango_font_description_get_family(used)).decode()


def used_font(stack: list[str]) -> str | None:
    """The first family of the stack this machine has (an alias may map a name to another
    family of the stack); None when it has none of them."""
    for family in stack:
        used = resolved_family(family)
        if used in stack:
            return used
    return None


def font_checks(css: Path) -> list[Check]:
    checks = []
    stacks = font_stacks(css)
    for role, label in ROLES.items():
        used = used_font(stacks.get(role, []))
        if used is None:
            checks.append(Check(label, False, "字体栈中的字体本机一个也没有", FONT_FIX))
            continue
        if used.startswith(SUBSET_PREFIX):
            kind = "替代字体的 GB 2312 子集"
        elif OFFICIAL.search(used):
            kind = "公文字体"
        else:
            kind = "系统字体" if SYSTEM_FONTS.search(used) else "替代字体"
        checks.append(Check(label, True, f"{used}（{kind}）"))
    return [*checks, subset_check(stacks)]


def subset_check(stacks: dict[str, list[str]]) -> Check:
    """The GB 2312 subsets the stacks name, which set-up builds on Linux: without them PDFs are
    still right, only slower."""
    named = [family for stack in stacks.values() for family in stack]
    subsets = list(dict.fromkeys(f for f in named if f.startswith(SUBSET_PREFIX)))
    missing = [family for family in subsets if resolved_family(family) != family]
    return Check(
        "字体子集（可选：PDF 写入更快）",
        not missing,
        "、".join(subsets)
        if not missing
        else f"缺少 {'、'.join(missing)}：PDF 照常，只是写得更慢、更占内存",
        ""
        if not missing
        else "在 pbgen 源码目录：bash scripts/setup.sh（由 scripts/subset_fonts.py 生成）",
        required=False,
    )


def templates_check(css: Path) -> Check:
    ok = css.is_file()
    return Check(
        "模板",
        ok,
        str(css.parent.parent) if ok else f"缺少 {css}",
        "" if ok else "pip install --force-reinstall pbgen（安装不完整）",
    )


def pdf_engine_check() -> Check:
    problem = pdf_engine_problem()
    if problem is not None:
        detail, _, fix = problem.partition("安装方法：")
        return Check("PDF 引擎（WeasyPrint + Pango）", False, detail.rstrip("。"), fix or problem)
    import weasyprint
    from weasyprint.text.ffi import pango

    version = pango.pango_version()
    pango_version = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    return Check(
        "PDF 引擎（WeasyPrint + Pango）",
        True,
        f"WeasyPrint {weasyprint.__version__}，Pango {pango_version}；DOCX、XLSX 不需要它",
    )


def justification_check() -> Check:
    """pbgen/justify.py and pbgen/embolden.py patch WeasyPrint's internals, so only the
    versions they were tested on."""
    weasyprint = load_weasyprint()
    ok = justify.install(weasyprint) and embolden.install(weasyprint)
    tested = "、".join(f"{version}x" for version in justify.SUPPORTED)
    return Check(
        "中文两端对齐、仿宋加粗（PDF 正文）",
        ok,
        f"WeasyPrint {weasyprint.__version__}"
        if ok
        else f"WeasyPrint {weasyprint.__version__} 未经测试：正文行尾可能参差、空格被拉宽，"
        "加粗的仿宋、楷体印成常规",
        "" if ok else f"pip install 'weasyprint=={justify.SUPPORTED[0]}*'（已测试：{tested}）",
    )


def harfbuzz_check() -> Check:
    """Asked of WeasyPrint: whether it loaded libharfbuzz-subset, under whatever name this
    system gives it."""
    ok = harfbuzz_subset_available()
    return Check(
        "HarfBuzz 字体子集（PDF 写入）",
        ok,
        "可用" if ok else "缺少：PDF 写入会慢约 25 倍",
        "" if ok else HARFBUZZ_FIX,
    )


def office_checks() -> list[Check]:
    """LibreOffice is optional: with it, the DOCX 目录 carries page numbers; with the Python
    that connects to it (python3-uno), one LibreOffice is kept for a whole batch."""
    soffice = libreoffice()
    checks = [
        Check(
            "LibreOffice（可选：DOCX 目录页码）",
            bool(soffice),
            soffice or "未安装：DOCX 目录留空页码，由 Word 打开时填入",
            "" if soffice else LIBREOFFICE_FIX,
            required=False,
        )
    ]
    if soffice:
        python = office_python(soffice)
        kept = python is not None and uno_loads(python)
        checks.append(
            Check(
                "LibreOffice 常驻（可选：批量生成 DOCX）",
                kept,
                f"{python} 能连接 LibreOffice"
                if kept
                else "不可用：每份 DOCX 单独启动 LibreOffice，较慢",
                "" if kept else UNO_FIX,
                required=False,
            )
        )
    return checks


def coverage_check(css: Path) -> Check:
    """Which kinds of characters the templates' fonts print; the rest print as empty boxes
    (`pbgen check` warns where a filing uses one: font-coverage)."""
    fonts = coverage(css)
    name = "字体覆盖（可选：生僻字、emoji）"
    if fonts is None:
        return Check(name, False, "fontconfig 不可用", FONT_FIX, required=False)
    parts, lacking = [], []
    for label, first, last, example in BLOCKS:
        share = fonts.share(first, last)
        parts.append(f"{label} {share:.0%}")
        if share < 0.99:
            lacking.append(f"{label}（如 {example}）")
    detail = "、".join(parts)
    if lacking:
        detail += f"；{'、'.join(lacking)} 中缺的字在 PDF 里印成空框"
    fix = (
        "安装含这些字的字体（如 CJK 扩展B 的「花园明朝 HanaMinB」），并加进 "
        "templates/common/base.css 的字体栈"
        if lacking
        else ""
    )
    return Check(name, not lacking, detail, fix, required=False)


def diagnose(template_css: Path) -> list[Check]:
    checks = [templates_check(template_css), engine := pdf_engine_check()]
    if engine.ok:  # the rest of PDF making: only where the engine loads
        checks += [*font_checks(template_css), coverage_check(template_css)]
        checks += [justification_check(), harfbuzz_check()]
    return checks + office_checks()
