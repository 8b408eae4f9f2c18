"""Inter-character justification (pbgen/justify.py), measured on real PDFs with PyMuPDF
(bench/typography.py): flush lines, 26 characters on first lines, no stretched spaces."""

import pytest

from pbgen import justify
from pbgen.pdf_engine import load_weasyprint
from pbgen.pipeline import render_file

from conftest import DATA, typography

SEEDS = ["leting-2024", "shanhaiguan-2020", "zunhua-2024"]
measure = typography().measure


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    return {
        seed: measure(render_file(DATA / f"{seed}.yaml", out, ["pdf"]).outputs[0]) for seed in SEEDS
    }


def test_the_installed_weasyprint_is_supported_and_patched():
    weasyprint = load_weasyprint()
    assert justify.supported(weasyprint.__version__)
    assert justify.install(weasyprint)


def test_other_weasyprint_versions_are_not_patched():
    assert not justify.supported("69.1")
    assert not justify.supported("71.0")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_line_but_a_paragraph_end_is_flush(seeds, seed):
    result = seeds[seed]
    assert result.nonfinal > 50
    assert result.flush_share >= 0.97, sorted(result.ragged, reverse=True)[:5]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_first_line_holds_26_characters_and_pages_22_lines(seeds, seed):
    result = seeds[seed]
    # first lines of CJK characters only; 25 where a mark that may not start a line (，”) took
    # the 26th character along to the next line
    assert set(result.first_lines) <= {25, 26}, result.first_lines
    assert sum(sum(m.first_lines.values()) for m in seeds.values()) > 20
    assert set(result.pitches) == {28.95}  # a 楷体 run-in no longer makes its line taller
    assert max(result.full_pages) == 22


@pytest.mark.parametrize("seed", SEEDS)
def test_no_space_is_stretched(seeds, seed):
    assert seeds[seed].stretched == []


def test_a_paragraph_of_hanzi_holds_26_then_28_characters_a_line(write_filing, tmp_path):
    def change(data):
        data["overall_goal"] = "围绕县委中心工作履行政治协商民主监督参政议政职能" * 6

    pdf = render_file(write_filing(change), tmp_path, ["pdf"]).outputs[0]
    result = measure(pdf)
    assert result.first_lines == {26: 1}
    assert result.flush == result.nonfinal >= 3


def test_a_source_space_keeps_its_width_and_the_line_is_flush(write_filing, tmp_path):
    text = (
        "绩效标准：活动率完成大于 90%的为优；活动完成率 80%-90%为良；" * 4 + "2020 年是关键之年。"
    )

    def change(data):
        data["overall_goal"] = text

    result = measure(render_file(write_filing(change), tmp_path, ["pdf"]).outputs[0])
    assert result.nonfinal >= 4
    assert result.flush == result.nonfinal, result.ragged
    assert result.stretched == []
