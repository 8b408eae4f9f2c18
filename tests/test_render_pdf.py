"""The PDF: complete text, a 目录 that is right, fonts embedded, merged cells, safe text;
PDF/A-2b and tagged when asked for.

Checked with poppler (pdftotext, pdffonts) on real renders of the three 绩效文本 seeds; PDF/A
with pikepdf (``tests/pdfa.py``) on every seed.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from office import assert_page_numbers_7_mm_under_the_type_area
from pdfa import pdfa_problems

from pbgen.context import build_context
from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.pdf_engine import load_weasyprint
from pbgen.pipeline import TEMPLATES, render_file
from pbgen.render_pdf import (
    USER_AGENT_CSS,
    _fetcher_inside,
    render_html,
    render_pdf,
    user_agent_stylesheet,
)

from conftest import (
    DATA,
    context_of,
    filing_strings,
    project,
    squeeze,
    typography,
    without_draft_mark,
)

SEEDS = ["leting-2024", "shanhaiguan-2020", "zunhua-2024"]
FOOTER = re.compile(r"^\s*—\s*(\d+)\s*—\s*$", re.M)


def pdftotext(pdf: Path, *args: str) -> str:
    """The PDF's text, without the 「草稿」 mark of a draft (the seeds have check errors)."""
    return without_draft_mark(
        subprocess.run(
            ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )


def page_texts(pdf: Path) -> list[str]:
    return pdftotext(pdf, "-layout").split("\f")[:-1]


def pdfs(out: Path, names: list[str]) -> dict[str, Path]:
    return {name: render_file(DATA / f"{name}.yaml", out, ["pdf"]).outputs[0] for name in names}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    return pdfs(tmp_path_factory.mktemp("pdf"), SEEDS)


@pytest.mark.parametrize("name", SEEDS)
def test_every_string_of_the_filing_is_printed(rendered, name):
    text = squeeze(FOOTER.sub("", pdftotext(rendered[name], "-raw")))
    strings = filing_strings(load(DATA / f"{name}.yaml").source.data)
    assert len(strings) > 100
    assert [s for s in strings if squeeze(s) not in text] == []


@pytest.mark.parametrize("name", SEEDS)
def test_no_input_character_is_dropped(rendered, name):
    characters = set("".join(filing_strings(load(DATA / f"{name}.yaml").source.data)))
    printed = set(pdftotext(rendered[name], "-raw"))
    assert characters - printed - {" "} == set()


def test_toc_leaders_are_alike_at_every_level(rendered):
    import pymupdf

    toc = next(
        page for page in pymupdf.open(rendered["shanhaiguan-2020"]) if "目" in page.get_text()[:20]
    )
    spans = [
        span
        for block in toc.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if "·" in span["text"]
    ]
    assert len(spans) >= 10  # one leader an entry, 第一部分 and 一、 alike
    assert len({(span["font"], span["size"]) for span in spans}) == 1


def test_a_label_paragraph_is_kept_with_the_next():
    html = render_html(
        context_of(load(DATA / "shanhaiguan-2020.yaml").filing), TEMPLATES / "wenben"
    )
    assert '<p class="label">职责分类目标：</p>' in html
    assert "p.label { break-after: avoid; }" in (TEMPLATES / "wenben" / "style.css").read_text()


@pytest.mark.parametrize("name", SEEDS)
def test_toc_page_numbers_point_at_the_headings(rendered, name):
    pages = page_texts(rendered[name])
    toc_page = next(i for i, text in enumerate(pages) if squeeze(text).startswith("目录"))
    entries = re.findall(r"^\s*(\S.*?)\s*[·.]{3,}\s*(\d+)\s*$", pages[toc_page], re.M)
    context = context_of(load(DATA / f"{name}.yaml").filing)
    assert [squeeze(text) for text, _ in entries] == [squeeze(e.text) for e in context.toc]
    by_number = {int(m[1]): i for i, text in enumerate(pages) if (m := FOOTER.search(text))}
    for text, number in entries:
        heading = squeeze(text).removeprefix("第一部分").removeprefix("第二部分")
        assert heading in squeeze(pages[by_number[int(number)]]), (text, number)


@pytest.mark.parametrize("name", SEEDS)
def test_numbering_starts_at_part_one_and_front_matter_is_unnumbered(rendered, name):
    pages = page_texts(rendered[name])
    first_body = next(
        i for i, text in enumerate(pages) if squeeze(text).startswith("第一部分部门整体绩效目标")
    )
    assert all(FOOTER.search(text) is None for text in pages[:first_body])
    numbers = [int(FOOTER.search(text)[1]) for text in pages[first_body:]]
    assert numbers == list(range(1, len(pages) - first_body + 1))


def test_the_page_number_stands_7_mm_under_the_type_area(rendered):
    """GB/T 9704-2012 7.5: the 一字线 of — N — 7 mm under the 版心 (bottom margin 35 mm)."""
    assert_page_numbers_7_mm_under_the_type_area(rendered["leting-2024"])


@pytest.mark.parametrize("name", SEEDS)
def test_odd_pages_number_at_the_right_even_at_the_left_one_character_in(rendered, name):
    """GB/T 9704-2012 7.5, by the printed number: 乐亭's and 遵化's 第一部分 starts on the
    second sheet of paper, still a right page numbered 1 (no blank page before it)."""
    measured = typography().measure(rendered[name])
    assert measured.misplaced_numbers == []
    places = {number: place for _, number, place, *_ in measured.numbers}
    assert places[1] == "right" and places[2] == "left" and len(places) >= 10
    pages = page_texts(rendered[name])
    assert all(squeeze(text) for text in pages)  # no blank page


FORMS = ["zhuxi-2024-shenbao", "shifeng-2023", "menyuan-2024"]  # 申报表, 附表, 公开表


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    return pdfs(tmp_path_factory.mktemp("forms"), FORMS)


@pytest.mark.parametrize("name", FORMS)
def test_forms_number_odd_pages_right_even_left_and_the_landscape_table_centred(forms, name):
    measured = typography().measure(forms[name])
    assert len(measured.numbers) == measured.pages and measured.misplaced_numbers == []
    places = {place for _, _, place, *_ in measured.numbers}
    assert places == ({"centre"} if name == "menyuan-2024" else {"left", "right"})


@pytest.mark.parametrize("name", SEEDS + FORMS)
def test_no_page_but_the_last_is_under_a_third_full(rendered, forms, name):
    """山海关's page 16 and 遵化's page 7 held the last two lines of 第一部分; the 申报表's
    page 3 one indicator row and the signatures. Now each page reaches at least a third down
    its 版心 (rows never split; 22 lines a full page)."""
    measured = typography().measure({**rendered, **forms}[name])
    assert measured.short == [] and measured.excused == []
    assert max(measured.full_pages, default=22) == 22


def test_cover(rendered):
    first = squeeze(page_texts(rendered["shanhaiguan-2020"])[0])
    assert first == "政协部门2020年部门预算绩效文本政协部门编制山海关区财政局审核"


@pytest.mark.parametrize("name", SEEDS)
def test_every_font_is_embedded(rendered, name):
    lines = subprocess.run(
        ["pdffonts", str(rendered[name])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines, "no fonts listed"
    assert all(line.split()[-5] == "yes" for line in lines), lines


def test_indicator_cells_are_merged_with_rowspan():
    context = context_of(load(DATA / "zunhua-2024.yaml").filing)
    html = render_html(context, TEMPLATES / "wenben")
    last_table = html.split('class="table-title"')[-1]
    assert re.findall(r'rowspan="(\d+)" class="merged">([^<]+)<', last_table) == [
        ("4", "产出指标"),
        ("1", "数量指标"),
        ("1", "质量指标"),
        ("1", "时效指标"),
        ("1", "成本指标"),
        ("2", "效益指标"),
        ("1", "社会效益指标"),
        ("1", "可持续影响指标"),
        ("1", "满意度指标"),
        ("1", "服务对象满意度指标"),
    ]


HOSTILE = ["{{ 7*7 }}", '<img src="file:///etc/passwd">', "收入<支出 & 结余"]


def test_hostile_text_is_printed_literally(write_filing, tmp_path):
    def mutate(data):
        project(data)["name"] = HOSTILE[0]
        project(data)["purpose"] = HOSTILE[1]
        project(data)["goals"] = [HOSTILE[2]]
        data.update(
            sub_goals=[{"title": "标题", "text": "正文"}], overall_goal="目标", safeguards=["措施"]
        )
        project(data)["code"] = "P001"

    result = render_file(write_filing(mutate), tmp_path, ["pdf"])
    text = squeeze(pdftotext(result.outputs[0], "-raw"))
    for hostile in HOSTILE:
        assert squeeze(hostile) in text
    assert "49" not in text.replace("2024", "")


def test_fetcher_refuses_everything_outside_the_template_folder(tmp_path):
    fetch = _fetcher_inside(tmp_path)
    (tmp_path / "ok.css").write_text("p {}")
    assert fetch.fetch((tmp_path / "ok.css").as_uri()) is not None
    for url in ("file:///etc/passwd", "https://example.com/x.css", (tmp_path / "../x").as_uri()):
        with pytest.raises(ValueError, match="outside the template folder"):
            fetch.fetch(url)


def test_same_input_same_bytes(tmp_path):
    first = render_file(DATA / "leting-2024.yaml", tmp_path / "a", ["pdf"]).outputs[0]
    second = render_file(DATA / "leting-2024.yaml", tmp_path / "b", ["pdf"]).outputs[0]
    assert first.read_bytes() == second.read_bytes()


def test_broken_template_leaves_no_output(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "wenben", templates)
    (templates / "document.html.j2").write_text("{{ no_such_field }}")
    with pytest.raises(Exception):  # noqa: B017 - any failure: the point is what is left behind
        render_file(DATA / "leting-2024.yaml", tmp_path / "out", ["pdf"], template_dir=templates)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_control_characters_are_dropped_not_printed_as_boxes(write_filing):
    path = write_filing(lambda d: project(d).update(name="委员\x01视察\x1f经费"))
    html = render_html(context_of(load(path).filing), TEMPLATES / "wenben")
    assert "委员视察经费" in html and "\x01" not in html and "\x1f" not in html


def test_a_character_outside_gb2312_prints_from_the_full_font(write_filing, tmp_path):
    rare = "喆堃"  # common in names, absent from GB 2312 and so from the pbgen font subsets
    for character in rare:
        with pytest.raises(UnicodeEncodeError):
            character.encode("gb2312")
    path = write_filing(lambda d: project(d).update(name=f"张{rare}工作室经费"))
    pdf = render_file(path, tmp_path, ["pdf"]).outputs[0]
    assert f"张{rare}工作室经费" in squeeze(pdftotext(pdf, "-raw"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "FandolFang" in fonts  # the free 仿宋 prints the rest (GB 2312)
    assert "Noto-Serif-CJK-SC" in fonts  # the full font prints what it and the subset lack


RARE = "𠀀𪚥𪜀𫝀𫠠𬺰"  # CJK Extensions B (2), C, D, E, F: in people's and places' names


def test_rare_characters_print_from_the_fonts_at_the_end_of_the_stacks(write_filing, tmp_path):
    """They printed as boxes: no font of any stack had them. HanaMinB (fonts-hanazono) does."""
    path = write_filing(lambda d: project(d).update(name=f"{RARE}工作室经费"))
    pdf = render_file(path, tmp_path, ["pdf"]).outputs[0]
    assert f"{RARE}工作室经费" in squeeze(pdftotext(pdf, "-raw"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "HanaMinB" in fonts


def test_the_stacks_end_in_the_fonts_of_the_rare_characters():
    css = (TEMPLATES / "common" / "base.css").read_text(encoding="utf-8")
    stacks = re.findall(r"--(\w+): ([^;]+);", css)
    assert len(stacks) == 5
    for role, stack in stacks:
        families = [f.strip().strip('"') for f in stack.split(",")]
        assert families[-4:-1] == ["SimSun-ExtB", "HanaMinA", "HanaMinB"], role


@pytest.mark.parametrize(
    ("seed", "layout"),
    [("leting-2024", "wenben"), ("menyuan-2024", "gongkai"), ("shifeng-2023", "fubiao")],
)
def test_pbgen_user_agent_stylesheet_prints_what_weasyprints_own_does(tmp_path, seed, layout):
    without = tmp_path / "templates"
    shutil.copytree(TEMPLATES, without)
    (without / USER_AGENT_CSS).unlink()
    assert user_agent_stylesheet(TEMPLATES / layout) is not None
    assert user_agent_stylesheet(without / layout) is None
    filing = load(DATA / f"{seed}.yaml").filing
    context = build_context(filing, find_layout(layout))
    ours = render_pdf(context, TEMPLATES / layout)
    weasyprints = render_pdf(context, without / layout)
    assert ours.data == weasyprints.data


def test_the_user_agent_stylesheet_is_the_templates(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / USER_AGENT_CSS).write_text("h1 { display: none }", encoding="utf-8")
    context = context_of(load(DATA / "leting-2024.yaml").filing)
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(render_pdf(context, templates / "wenben").data)
    text = squeeze(pdftotext(pdf, "-raw"))
    assert "目录" not in text and "部门整体绩效目标" in text


def test_importing_weasyprint_leaves_find_library_as_it_was():
    import ctypes.util

    before = ctypes.util.find_library
    assert load_weasyprint().HTML is not None
    assert ctypes.util.find_library is before


# -- hostile text: a PDF, never a traceback --------------------------------------------------------


def shifeng_variant(tmp_path, mutate) -> Path:
    import yaml

    data = yaml.load((DATA / "shifeng-2023.yaml").read_text(encoding="utf-8"), yaml.BaseLoader)
    mutate(data)
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_signature_taller_than_what_a_page_keeps_together_still_renders(tmp_path):
    """附表's signature block stays with the row above it; a 填表人 of 600 characters made that
    pair taller than a page, and WeasyPrint failed (assert not page_is_empty)."""

    def long_contacts(data):
        data["department"]["filled_by"] = "赵萍" * 300
        data["department"]["phone"] = "0731-22629970" * 100

    pdf = render_file(shifeng_variant(tmp_path, long_contacts), tmp_path, ["pdf"]).outputs[0]
    text = squeeze(pdftotext(pdf)).replace("-", "")  # poppler drops a hyphen ending a line
    assert text.count("赵萍") >= 3 * 300 and text.count("073122629970") >= 2 * 100  # 3 sheets


def test_html_like_cell_text_prints_literally_in_every_table(tmp_path):
    markup = "<td colspan=99><script>alert(1)</script></td>" * 40
    replaced = []

    def html_everywhere(data):
        for unit in data["units"]:
            for item in unit["projects"]:
                item["name"] = f"<b>{item['name']}</b>"
                for groups in item["indicators"].values():
                    for rows in groups.values():
                        rows[0]["value"] = markup
                        replaced.append(markup)

    result = render_file(shifeng_variant(tmp_path, html_everywhere), tmp_path, ["pdf"])
    text = squeeze(pdftotext(result.outputs[0]))
    printed = text.count("<script>alert(1)</script>")  # a page break may cut one per page
    assert printed >= 40 * len(replaced) - result.pages and "<b>" in text


def test_more_than_99_items_at_one_level_are_numbered(write_filing, tmp_path):
    def many(data):
        data["sub_goals"] = [{"title": f"目标{n}", "text": "内容。"} for n in range(1, 106)]

    pdf = render_file(write_filing(many), tmp_path, ["pdf"]).outputs[0]
    text = squeeze(pdftotext(pdf))
    assert "（九十九）目标99" in text and "（一百）目标100" in text
    assert "（一百零五）目标105" in text


def test_bidi_override_does_not_reverse_printed_text(write_filing, tmp_path):
    path = write_filing(lambda d: d["department"].update(name="乐亭\u202e01≤县政协"))
    text = pdftotext(render_file(path, tmp_path, ["pdf"]).outputs[0])
    assert "乐亭01≤县政协" in text and "\u202e" not in text


def test_a_very_long_text_prints_whole_in_pieces():
    """Texts over 4000 characters go to WeasyPrint as adjacent spans (its line breaking is
    quadratic in the length of one text box); the spans hold every character, in order."""
    from pbgen.render_pdf import _in_pieces

    text = "完成视察任务，" * 300 + "abc " * 200 + "x" * 1500
    pieces = re.findall(r"<span>(.*?)</span>", str(_in_pieces(text)))
    assert "".join(pieces) == text and len(pieces) > 5
    assert all(len(piece) <= 1000 for piece in pieces)


# -- PDF/A-2b and tagged PDF --------------------------------------------------------------------

ALL_SEEDS = sorted(path.stem for path in DATA.glob("*.yaml"))


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> dict[str, Path]:
    """Every seed's PDF made with --pdfa (PDF/A-2b, tagged)."""
    folder = tmp_path_factory.mktemp("pdfa")
    return {
        name: render_file(DATA / f"{name}.yaml", folder, ["pdf"], pdfa=True).outputs[0]
        for name in ALL_SEEDS
    }


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_pdfa_seeds_are_pdfa_2b_and_tagged(archived, name):
    """What a validator would look at (``tests/pdfa.py``) holds for every seed."""
    assert pdfa_problems(archived[name].read_bytes()) == []


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_pdfa_prints_what_the_plain_pdf_prints(rendered_plain, archived, name):
    """The archival PDF is the same document: the same pages and text."""
    plain = rendered_plain[name]
    assert pdftotext(archived[name], "-layout") == pdftotext(plain, "-layout")


@pytest.fixture(scope="module")
def rendered_plain(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plain")
    return {
        name: render_file(DATA / f"{name}.yaml", folder, ["pdf"]).outputs[0] for name in ALL_SEEDS
    }


def test_a_plain_pdf_is_not_taken_for_pdfa(rendered_plain):
    """The checks can fail: WeasyPrint's plain PDF has no PDF/A identification, no output
    intent and no tags."""
    problems = pdfa_problems(rendered_plain["leting-2024"].read_bytes())
    assert "no XMP metadata in the catalogue" in problems
    assert "no output intent GTS_PDFA1" in problems
    assert "not marked as tagged (/MarkInfo /Marked true)" in problems


def test_a_layout_asks_for_pdfa_in_its_manifest(tmp_path):
    """``pdfa: true`` in a layout's manifest.yaml: its PDF is PDF/A-2b and tagged without
    --pdfa."""
    forms = tmp_path / "forms"
    shutil.copytree(TEMPLATES / "shenbao", forms / "archived")
    manifest = forms / "archived" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: shenbao", "id: archived")
    manifest.write_text(text + "pdfa: true\n", encoding="utf-8")
    result = render_file(
        DATA / "zhuxi-2024-shenbao.yaml", tmp_path / "out", ["pdf"], layout="archived",
        template_dir=forms,
    )  # fmt: skip
    assert pdfa_problems(result.outputs[0].read_bytes()) == []


def test_pdfa_is_written_again_when_asked_for(tmp_path):
    """Outputs made without --pdfa are not up to date for a render with it."""
    path = DATA / "zhuxi-2024-shenbao.yaml"
    render_file(path, tmp_path, ["pdf"])
    again = render_file(path, tmp_path, ["pdf"], force=False, pdfa=True)
    assert not again.skipped
    assert pdfa_problems(again.outputs[0].read_bytes()) == []
    assert render_file(path, tmp_path, ["pdf"], force=False, pdfa=True).skipped
