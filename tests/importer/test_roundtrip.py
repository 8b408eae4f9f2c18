"""import(render(filing)) gives back the filing, for every seed: from pbgen's own DOCX (and
the 公开表's XLSX), and from the same DOCX after LibreOffice re-saved it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from office import soffice_convert

from pbgen.importer import comparable, import_file
from pbgen.load import load
from pbgen.pipeline import render_file

from conftest import DATA, findings

SEEDS = sorted(DATA.glob("*.yaml"))  # every layout: 绩效文本, 公开表, 附表, 申报表


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    for seed in SEEDS:
        render_file(seed, folder, formats=["docx", "xlsx"] if "menyuan" in seed.name else ["docx"])
    return folder


@pytest.fixture(scope="module")
def resaved(rendered, tmp_path_factory) -> Path:
    """Every rendered DOCX (and the XLSX) opened and saved again by LibreOffice."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("resaved")
    for kind in ("docx", "xlsx"):
        soffice_convert(sorted(rendered.glob(f"*.{kind}")), kind, folder)
    return folder


def assert_round_trip(seed: Path, document: Path, tmp_path: Path) -> None:
    result = import_file(document, tmp_path / f"{seed.stem}.yaml")
    assert result.imported.notes == []  # everything placed: nothing left over
    assert comparable(load(result.output).filing) == comparable(load(seed).filing)
    # the defects of the source come along, and nothing else
    rules = sorted((f.rule, f.severity) for f in findings(seed))
    assert sorted((f.rule, f.severity) for f in findings(result.output)) == rules


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_import_of_rendered_docx(seed, rendered, tmp_path):
    assert_round_trip(seed, rendered / f"{seed.stem}.docx", tmp_path)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_import_of_docx_resaved_by_libreoffice(seed, resaved, tmp_path):
    assert_round_trip(seed, resaved / f"{seed.stem}.docx", tmp_path)


@pytest.mark.parametrize("folder", ["rendered", "resaved"])
def test_import_of_gongkai_xlsx(folder, request, tmp_path):
    seed = DATA / "menyuan-2024.yaml"
    assert_round_trip(seed, request.getfixturevalue(folder) / f"{seed.stem}.xlsx", tmp_path)


def test_imported_filing_keeps_data_conventions(rendered, tmp_path):
    """Modeline, amounts quoted as written, indicator rows on one line, |- for long text."""
    text = import_file(rendered / "leting-2024.docx", tmp_path / "x.yaml").output.read_text("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=filing.schema.json"
    assert (tmp_path / "filing.schema.json").is_file()
    assert "year: 2024" in lines
    assert '        budget: "5.00"' in lines
    assert "              - {name: 宣传次数, value: ≥10, basis: 年初工作安排}" in lines
    assert "overall_goal: |-" in lines
