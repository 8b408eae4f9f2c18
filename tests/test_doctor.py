"""pbgen doctor: font roles from the template CSS, tools, and fixes."""

import pytest

from pbgen import doctor
from pbgen.doctor import diagnose, font_stacks
from pbgen.pipeline import TEMPLATES

CSS = TEMPLATES / "common" / "base.css"


def test_font_stacks_are_read_from_the_template():
    stacks = font_stacks(CSS)
    assert stacks["fangsong"][0] == "仿宋_GB2312"
    assert stacks["kaiti"][-4:] == ["Noto Serif CJK SC", "SimSun-ExtB", "HanaMinA", "HanaMinB"]
    assert set(stacks) >= {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti"}


def test_this_machine_renders_every_role_with_a_font_of_its_stack():
    checks = diagnose(CSS)
    fonts = [check for check in checks if check.name in doctor.ROLES.values()]
    assert [check.ok for check in fonts] == [True] * 5, fonts
    kaiti = next(check for check in checks if "楷体" in check.name)
    assert kaiti.detail.startswith(("FandolKai", "楷体", "KaiTi"))  # set-up installs FandolKai
    fangsong = next(check for check in checks if "仿宋" in check.name)
    assert fangsong.detail.startswith(("FandolFang", "仿宋", "FangSong"))  # a real 仿宋


def test_the_justification_extension_is_reported():
    justification = next(check for check in diagnose(CSS) if "两端对齐" in check.name)
    assert justification.ok and "WeasyPrint 70" in justification.detail, justification


def test_the_font_subsets_set_up_builds_are_found():
    subsets = next(check for check in diagnose(CSS) if "子集" in check.name)
    assert subsets.ok, subsets  # scripts/setup.sh builds them
    assert "pbgen Kai SC" in subsets.detail


def test_a_stack_nothing_satisfies_is_reported_with_a_fix(tmp_path):
    css = tmp_path / "style.css"
    css.write_text(':root { --fangsong: "没有这种字体", "NoSuchFont"; }', encoding="utf-8")
    body = next(check for check in diagnose(css) if "仿宋" in check.name)
    assert not body.ok and "scripts/setup.sh" in body.fix


def test_harfbuzz_is_checked():
    harfbuzz = next(check for check in diagnose(CSS) if "HarfBuzz" in check.name)
    assert harfbuzz.ok  # set-up installs libharfbuzz-subset0


def test_missing_font_subsets_are_reported_with_a_fix():
    subsets = doctor.subset_check({"fangsong": ["仿宋_GB2312", "pbgen No Such Subset"]})
    assert not subsets.ok
    assert "pbgen No Such Subset" in subsets.detail and "scripts/setup.sh" in subsets.fix


def test_fonts_are_resolved_by_weasyprints_own_pango_without_fc_match(monkeypatch):
    """Windows and macOS have no fc-match: the fonts are asked of the Pango WeasyPrint loads."""
    monkeypatch.setenv("PATH", "")
    fonts = [check for check in diagnose(CSS) if check.name in doctor.ROLES.values()]
    assert [check.ok for check in fonts] == [True] * 5, fonts


def test_the_pdf_engine_is_checked_by_loading_it():
    engine = next(check for check in diagnose(CSS) if "PDF 引擎" in check.name)
    assert engine.ok and "WeasyPrint 70" in engine.detail and "Pango 1." in engine.detail


@pytest.mark.parametrize(
    ("role", "windows", "macos"),
    [
        ("fangsong", {"仿宋", "FangSong"}, {"STFangsong"}),
        ("kaiti", {"楷体", "KaiTi"}, {"Kaiti SC", "STKaiti"}),
        ("heiti", {"黑体", "SimHei"}, {"Heiti SC", "PingFang SC"}),
        ("songti", {"宋体", "SimSun"}, {"Songti SC", "STSong"}),
        ("xiaobiaosong", {"方正小标宋简体", "宋体", "SimSun"}, {"Songti SC", "STSong"}),
    ],
)
def test_every_role_names_the_fonts_windows_and_macos_bring(role, windows, macos):
    stack = font_stacks(CSS)[role]
    assert windows <= set(stack) and macos <= set(stack), stack
    free = {"FandolFang", "FandolKai", "FandolHei", "FandolSong", "Noto Serif CJK SC"}
    assert free & set(stack), stack  # a fresh Linux machine has these


def test_font_coverage_names_what_prints_as_empty_boxes():
    from pbgen.doctor import coverage_check

    check = coverage_check(TEMPLATES / "common" / "base.css")
    assert "常用汉字（基本区） 100%" in check.detail and "CJK 扩展B" in check.detail
    assert "可选" in check.name  # informative: doctor's exit status does not depend on it
