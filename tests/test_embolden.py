"""Bold 仿宋 in the PDF is the regular face emboldened (pbgen/embolden.py), measured on the seeds'
PDFs by the ink of each bold run against the same characters set regular (bench/typography.py)."""

from types import ModuleType

import pymupdf
import pytest

from pbgen import embolden
from pbgen.pdf_engine import load_weasyprint
from pbgen.pipeline import render_file

from conftest import DATA, typography

# 山海关's 「1.政治协商专项业务」 headings (1. 仿宋 bold), 门源's 合计 and unit rows
SEEDS = ["shanhaiguan-2020", "menyuan-2024"]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("bold")
    return {seed: render_file(DATA / f"{seed}.yaml", out, ["pdf"]).outputs[0] for seed in SEEDS}


def test_the_installed_weasyprint_is_patched_another_version_is_not():
    assert embolden.install(load_weasyprint())
    other = ModuleType("weasyprint")
    other.__version__ = "71.0"
    assert not embolden.install(other)


@pytest.mark.parametrize("seed", SEEDS)
def test_bold_runs_carry_more_ink_than_the_same_characters_regular(pdfs, seed):
    runs = typography().bold_ink(pdfs[seed])
    assert len(runs) >= 6
    assert all(ratio is not None and ratio >= typography().BOLD_INK for *_, ratio in runs), runs


def test_bold_fangsong_is_the_regular_face_filled_and_stroked(pdfs):
    """Not another font: the glyphs of FandolFang, drawn in text render mode 2 with a line of
    1/30 of the font size (LibreOffice's), and nothing else stroked."""
    document = pymupdf.open(pdfs["shanhaiguan-2020"])
    flags = pymupdf.TEXTFLAGS_DICT | pymupdf.TEXT_COLLECT_STYLES
    stroked = {}
    for page in document:
        for block in page.get_text("dict", flags=flags)["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    if span["char_flags"] & 32:  # stroked
                        stroked[span["text"]] = span["font"]
    assert "1.政治协商专项业务" in stroked
    assert set(stroked.values()) == {"FandolFang-Bold"}  # WeasyPrint's name for it
    fonts = {font.split("+")[-1]: name for *_, font, name, _ in document.get_page_fonts(5)}
    assert "FandolFang-Bold" in fonts
    contents = document[5].read_contents()
    assert b"2 Tr" in contents and b"0.7111 w" in contents  # 16 pt = 21.33 px, / 30
