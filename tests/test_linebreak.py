"""Table cells that never end in one hanzi (pbgen/linebreak.py): the line breaking itself, and
the seeds' PDFs measured with PyMuPDF (bench/typography.py)."""

import pytest

from pbgen.linebreak import balanced_lines, capacity, greedy_lines
from pbgen.pipeline import render_file

from conftest import DATA, typography


def test_a_cell_that_would_end_in_one_hanzi_is_broken_evenly():
    assert greedy_lines("年初工作安排", 5) == ["年初工作安", "排"]
    assert balanced_lines("年初工作安排", 5) == ["年初工", "作安排"]
    assert balanced_lines("预算规模及资金用途", 4) == ["预算规", "模及资", "金用途"]
    assert balanced_lines("为老干部送去温暖", 7) == ["为老干部", "送去温暖"]


def test_text_that_fits_or_ends_well_is_left_to_the_renderer():
    assert balanced_lines("年初工作安排", 6) == ["年初工作安排"]
    assert balanced_lines("年初工作安排计划", 5) == ["年初工作安排计划"]  # ends in 3
    assert balanced_lines("", 5) == [""]


def test_breaks_keep_the_rules_of_line_breaking():
    lines = balanced_lines("提升服务水平，达到优", 9)
    assert lines == ["提升服务水", "平，达到优"]
    assert not any(line.startswith(("，", "。", "）")) for line in lines[1:])
    assert balanced_lines("完成宣传2000册", 6.5) == ["完成宣传", "2000册"]  # a number stays whole


def test_a_column_holds_its_width_less_padding_in_characters():
    assert capacity(16.5, 442.2) == pytest.approx((0.165 * 442.2 - 8.75) / 10.5)
    assert 6 < capacity(16.5, 442.2) < 6.2  # 「年初工作安排」 on one line


@pytest.mark.parametrize(
    "seed", ["leting-2024", "shanhaiguan-2020", "zunhua-2024", "menyuan-2024", "shifeng-2023"]
)
def test_no_cell_of_a_seed_ends_in_one_hanzi(seed, tmp_path):
    pdf = render_file(DATA / f"{seed}.yaml", tmp_path, ["pdf"]).outputs[0]
    assert typography().measure(pdf).cells == {}
