"""The clerk-style corpus (tests/importer/corpus.py) imports to the filings written by hand for
it (tests/fixtures/import/), field for field, and every text of every document is in the YAML:
placed in a field, or kept in a comment (read back through its escaping)."""

from __future__ import annotations

import re

import pytest
import yaml

from importer.corpus import BUILDERS, LEGACY, build, expected
from pbgen.importer import comparable, import_file
from pbgen.importer.labels import fold, label_of, numbering
from pbgen.layouts import find_layouts
from pbgen.load import load
from pbgen.office import Row, read_office, squeeze
from pbgen.yamlout import uncomment

NAMES = [*BUILDERS, *LEGACY]
# What pbgen generates and so never keeps: the words of a form's titles and parts, once the
# department, the year and the project in them are taken out.
STRUCTURE = re.compile(
    r"(年度?)?(部门预算)?(项目支出)?(绩效文本|绩效目标表|绩效目标申报表|绩效目标公开表)|"
    r"目录|第[一二三四]部分|部门整体绩效目标|预算项目绩效目标|年度?|\d{1,3}|单位|金额单位|"
    r"填报单位|\(盖章\)|（盖章）|万元|元|[(（)）:：%％]"
)
# the labels layouts declare (a heading such as 总体绩效目标 names a field; it is no content)
DECLARED = {
    fold(s) for layout in find_layouts() for ss in layout.manifest.labels.values() for s in ss
}
PIECES = re.compile(r"[。；;：:，,、\s]+|(?<=月)至")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("corpus"))


def texts_of(path) -> list[str]:
    """Every line of every paragraph and cell, as the reading layer gives them."""
    found = []
    for item in read_office(path).items:
        cells = item.cells if isinstance(item, Row) else [item]
        for cell in cells:
            found += [line for line in cell.text.split("\n") if line.strip()]
    return found


def yaml_strings(text: str) -> tuple[list[str], str]:
    """The keys and values of the YAML and its comments, each squeezed: (the strings, all of
    them together)."""
    strings: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                strings.append(str(key))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif node is not None:
            strings.append(str(node))

    walk(yaml.load(text, Loader=yaml.BaseLoader))
    strings += [uncomment(line.lstrip("#").strip()) for line in text.split("\n") if line[:1] == "#"]
    strings = [squeeze(s).replace(",", "") for s in strings if s.strip()]
    return sorted(set(strings), key=len, reverse=True), "\u0000".join(strings)


def unplaced(line: str, strings: list[str], everything: str) -> list[str]:
    """The pieces of a source line found neither in the YAML nor among the form's own words."""
    _, _, rest = numbering(line)
    if label_of(rest) or fold(rest) in DECLARED:
        return []
    lost = []
    for piece in PIECES.split(rest.replace(",", "")):
        piece = squeeze(piece)
        if not piece or piece in everything or label_of(piece):
            continue
        residue = piece
        for string in strings:
            if len(string) > 1 or string.isdigit():
                residue = residue.replace(string, "")
        if STRUCTURE.sub("", residue):
            lost.append(piece)
    return lost


@pytest.mark.parametrize("name", NAMES)
def test_imports_to_the_filing_written_by_hand(name, corpus, tmp_path):
    result = import_file(corpus[name], tmp_path / "out.yaml")
    assert comparable(load(result.output).filing) == comparable(load(expected(name)).filing)


@pytest.mark.parametrize("name", NAMES)
def test_every_text_is_placed_or_kept(name, corpus, tmp_path):
    text = import_file(corpus[name], tmp_path / "out.yaml").output.read_text("utf-8")
    strings, everything = yaml_strings(text)
    lost = {
        line: pieces
        for line in texts_of(corpus[name])
        if (pieces := unplaced(line, strings, everything))
    }
    assert lost == {}


def test_booleans_are_written_as_booleans(corpus, tmp_path):
    """Safeguards written without numbers: ``numbered: false``, never the string "False"."""
    text = import_file(corpus["c04-cover.docx"], tmp_path / "out.yaml").output.read_text("utf-8")
    assert "  numbered: false" in text.splitlines()
    assert yaml.safe_load(text)["safeguards"]["numbered"] is False
