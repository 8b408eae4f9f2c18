"""scripts/subset_fonts.py: the GB 2312 subsets set-up builds for faster PDFs."""

import importlib.util
import io

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT

spec = importlib.util.spec_from_file_location("subset_fonts", ROOT / "scripts/subset_fonts.py")
subset_fonts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(subset_fonts)

SOURCE, INDEX, FAMILY, STYLE = subset_fonts.SUBSETS[0]  # Noto Serif CJK SC Regular


@pytest.fixture(scope="module")
def subset() -> TTFont:
    hanzi = subset_fonts.gb2312_hanzi()
    data = subset_fonts.renamed(
        subset_fonts.subset_font(SOURCE, INDEX, hanzi), FAMILY, STYLE, SOURCE
    )
    return TTFont(io.BytesIO(data))


def test_gb2312_has_its_6763_hanzi():
    hanzi = subset_fonts.gb2312_hanzi()
    assert len(hanzi) == len(set(hanzi)) == 6763
    assert all(0x4E00 <= code <= 0x9FFF for code in hanzi)


def test_the_subset_keeps_gb2312_and_every_symbol_but_no_other_hanzi(subset):
    cmap = subset.getBestCmap()
    assert set(subset_fonts.gb2312_hanzi()) <= set(cmap)
    for symbol in "0aZ%≥≤—–·“”、，。；：（）％①Ⅳ㎡℃":
        assert ord(symbol) in cmap, symbol
    for rare in "喆堃":
        assert ord(rare) not in cmap
    full = TTFont(SOURCE, fontNumber=INDEX, lazy=True)
    assert len(subset.getGlyphOrder()) < full["maxp"].numGlyphs / 4


def test_the_subset_has_its_own_family_name(subset):
    names = {record.nameID: record.toUnicode() for record in subset["name"].names}
    assert names[1] == names[16] == "pbgen Serif SC"
    assert names[2] == "Regular"
    assert SOURCE.name in names[3]


def test_the_subset_keeps_the_source_timestamp_so_every_build_is_the_same_bytes(subset):
    full = TTFont(SOURCE, fontNumber=INDEX, lazy=True)
    assert subset["head"].modified == full["head"].modified
