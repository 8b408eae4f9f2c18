"""YAML mistakes are reported where they start (the opening quote or bracket, the mis-indented
key, the key with a full-width colon) and named in the clerk's terms; the parser alone reports
most of them lines later, or with a generic text."""

from __future__ import annotations

import pytest

from pbgen.errors import InputError
from pbgen.load import load

HEAD = "year: 2024\nmoney_unit: 万元\n"
TAIL = "units:\n  - name: 本级\n    projects: []\n"


def first_problem(write_filing, text: str):
    path = write_filing(text=text)
    with pytest.raises(InputError) as raised:
        load(path)
    return raised.value.findings[0]


CASES = [
    # (name, text, line, words the message must contain)
    (
        "unclosed quote: at the opening quote, not at the end of the file",
        HEAD + 'department:\n  name: "乐亭县政协\n  code: "131"\n' + TAIL,
        4,
        ["引号没有配对", '「"」'],
    ),
    (
        "unclosed bracket: at the opening bracket",
        HEAD + "department: {name: 乐亭县政协, code: x\n" + TAIL,
        3,
        ["括号没有配对", "「{」", "「}」"],
    ),
    (
        "unclosed list bracket",
        HEAD + "department:\n  name: x\nsafeguards: [甲, 乙\n" + TAIL,
        5,
        ["「[」", "「]」"],
    ),
    (
        "a key moved one column out",
        HEAD + "department:\n  name: x\n code: y\n" + TAIL,
        5,
        ["缩进不对", "第 2 列"],
    ),
    (
        "a key moved one column in after a value",
        HEAD + "department:\n  name: x\n    code: y\n" + TAIL,
        5,
        ["缩进不对", "上一行已经写了值"],
    ),
    (
        "a project's key back on the column of the list's dash",
        HEAD + "department:\n  name: x\nunits:\n  - name: 本级\n    projects:\n"
        "      - name: 甲\n        budget: 1\n      fiscal: 1\n      - name: 乙\n        budget: 2\n",
        10,
        ["「- 」", "再缩进两格"],
    ),
    (
        "a key with a full-width colon, at the top",
        "year: 2024\nlayout：wenben\nmoney_unit: 万元\ndepartment:\n  name: x\n" + TAIL,
        2,
        ["全角冒号", "layout: "],
    ),
    (
        "a key with a full-width colon, nested",
        HEAD + "department:\n  name：乐亭县政协\n  code: x\n" + TAIL,
        4,
        ["全角冒号", "name: "],
    ),
    (
        "no space after the colon",
        HEAD + "layout:wenben\ndepartment:\n  name: x\n" + TAIL,
        3,
        ["缺一个空格", "layout: "],
    ),
    (
        "a quote that closes before the text ends",
        HEAD + 'department:\n  name: "大走访"微协商\n  code: x\n' + TAIL,
        4,
        ["引号只能括住整段文字", "微协商"],
    ),
    (
        "full-width spaces as indentation (no syntax error for the parser)",
        HEAD + "department:\n\u3000\u3000name: x\n" + TAIL,
        4,
        ["全角空格"],
    ),
    (
        "full-width digits in the year",
        "year: ２０２４\nmoney_unit: 万元\ndepartment:\n  name: x\n" + TAIL,
        1,
        ["全角数字", "2024"],
    ),
    (
        "the only key of a group with a full-width colon (no syntax error for the parser)",
        HEAD + "department:\n  name：乐亭县政协\n" + TAIL,
        3,
        ["全角冒号", "name: 乐亭县政协"],
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_mistake_reported_where_it_starts(write_filing, text, line, words):
    found = first_problem(write_filing, text)
    assert found.line == line, found.render()
    for word in words:
        assert word in found.message, found.render()


def test_text_with_colons_and_block_scalars_is_not_misread(write_filing, tmp_path):
    """Long texts, |- blocks with deeper lines, Chinese colons inside values: no false alarm."""
    text = (
        HEAD + "department:\n  name: x\noverall_goal: |-\n  总体目标：\n    缩进的一段，含「: 」\n"
        "safeguards:\n  - 一是：加强领导\n  - |-\n    二是：\n      分层的文字\n" + TAIL
    )
    filing = load(write_filing(text=text)).filing
    assert filing.overall_goal.text == "总体目标：\n  缩进的一段，含「: 」"
    assert filing.safeguards.items[0] == "一是：加强领导"
