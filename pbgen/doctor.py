"""`pbgen doctor`: what this machine will render with, and how to fix what is missing.

Font stacks are read from the layout's CSS (templates are data); fontconfig says which family
each stack's first name resolves to — the official font where installed, else the fallback
that set-up maps it to.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROLES = {  # CSS variable → what it is used for
    "xiaobiaosong": "标题（2号小标宋）",
    "fangsong": "正文、表格（3号/5号仿宋）",
    "heiti": "一级标题「一、」（黑体）",
    "kaiti": "二级标题「（一）」（楷体）",
    "songti": "页码（4号宋体）",
}
SUBSET_PREFIX = "pbgen "  # the families scripts/subset_fonts.py builds: pbgen Serif SC…
OFFICIAL = re.compile(r"GB2312|仿宋|楷体|黑体|宋体|小标宋|SimHei|SimSun|KaiTi|FangSong|FZ")
STACK = re.compile(r"--(?P<role>[a-z]+):\s*(?P<stack>[^;]+);")
SETUP = "bash scripts/setup.sh"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def font_stacks(css: Path) -> dict[str, list[str]]:
    stacks = {}
    for match in STACK.finditer(css.read_text(encoding="utf-8")):
        families = [name.strip().strip('"') for name in match["stack"].split(",")]
        stacks[match["role"]] = [name for name in families if name not in ("serif", "sans-serif")]
    return stacks


def resolved_family(family: str) -> str | None:
    """What fontconfig gives for ``family``; None when fontconfig is not there."""
    if shutil.which("fc-match") is None:
        return None
    done = subprocess.run(
        ["fc-match", "-f", "%{family[0]}", family], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def font_checks(css: Path) -> list[Check]:
    checks = []
    stacks = font_stacks(css)
    for role, label in ROLES.items():
        stack = stacks.get(role, [])
        used = resolved_family(stack[0]) if stack else None
        if used is None:
            checks.append(
                Check(label, False, "fontconfig 不可用", f"{SETUP}（安装 fontconfig 与字体）")
            )
            continue
        cjk = used in stack  # resolved to a family the stack names: official or our fallback
        if used.startswith(SUBSET_PREFIX):
            kind = "替代字体的 GB 2312 子集"
        else:
            kind = "公文字体" if OFFICIAL.search(used) else "替代字体"
        checks.append(
            Check(
                label,
                cjk,
                f"{used}（{kind}）" if cjk else f"{used}：不在字体栈中",
                "" if cjk else f"{SETUP}（安装 Fandol 字体、fonts-noto-cjk、fonts-lxgw-wenkai）",
            )
        )
    return [*checks, subset_check(stacks)]


def subset_check(stacks: dict[str, list[str]]) -> Check:
    """The GB 2312 subsets the stacks name, which set-up builds: without them PDFs are still
    right, only slower."""
    named = [family for stack in stacks.values() for family in stack]
    subsets = list(dict.fromkeys(f for f in named if f.startswith(SUBSET_PREFIX)))
    missing = [family for family in subsets if resolved_family(family) != family]
    return Check(
        "字体子集（PDF 写入更快）",
        not missing,
        "、".join(subsets)
        if not missing
        else f"缺少 {'、'.join(missing)}：PDF 照常，只是写得更慢、更占内存",
        "" if not missing else f"{SETUP}（由 scripts/subset_fonts.py 生成）",
    )


def justification_check() -> Check:
    """pbgen/justify.py patches WeasyPrint's internals, so only the versions it was tested on."""
    from pbgen import justify
    from pbgen.render_pdf import _weasyprint

    weasyprint = _weasyprint()
    ok = justify.install(weasyprint)
    tested = "、".join(f"{version}x" for version in justify.SUPPORTED)
    return Check(
        "中文两端对齐（PDF 正文）",
        ok,
        f"WeasyPrint {weasyprint.__version__}"
        if ok
        else f"WeasyPrint {weasyprint.__version__} 未经测试：正文行尾可能参差、空格被拉宽",
        "" if ok else f".venv/bin/pip install 'weasyprint=={justify.SUPPORTED[0]}*'（已测试：{tested}）",
    )


def tool_checks() -> list[Check]:
    from pbgen.render_pdf import harfbuzz_subset_available

    harfbuzz = harfbuzz_subset_available()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    poppler = shutil.which("pdftotext")
    return [
        justification_check(),
        Check(
            "HarfBuzz 字体子集（PDF 写入）",
            harfbuzz,
            "可用" if harfbuzz else "缺少：PDF 写入会慢约 25 倍",
            "" if harfbuzz else "sudo apt-get install libharfbuzz-subset0",
        ),
        Check(
            "LibreOffice（可选：检查 DOCX）",
            bool(soffice),
            soffice or "未安装",
            "" if soffice else "sudo apt-get install libreoffice-writer-nogui",
        ),
        Check(
            "poppler（可选：pdftotext、pdffonts）",
            bool(poppler),
            poppler or "未安装",
            "" if poppler else "sudo apt-get install poppler-utils",
        ),
    ]


def diagnose(template_css: Path) -> list[Check]:
    return font_checks(template_css) + tool_checks()
