"""`pbgen import` of hostile documents, each in a process of its own with a time and memory
limit (CI never hangs): a Chinese message naming the file and exit 2 — or, for a legitimate
document, a correct import —, in bounded time and memory, with nothing read from disk or
fetched from the network, no key smuggled into the filing, and no traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from importer.hostile import CASES, SECRET, Listener, run_import, stray_cell
from pbgen.load import load
from pbgen.pipeline import render_file

from conftest import DATA

PBGEN = str(Path(sys.executable).with_name("pbgen"))
SECONDS = 30  # killed after this: far above what any case takes (bench/import.py hostile)
MEMORY_MB = 2048  # address space: Python, lxml and a 64 MB part fit well within it
WITHIN_SECONDS, WITHIN_MB = 15, 700  # what each case must stay within


@pytest.fixture(scope="module")
def listener():
    with Listener() as server:
        yield server


def import_(path: Path, out: Path):
    return run_import(
        [PBGEN, "import", str(path), "-o", str(out)], timeout=SECONDS, memory_mb=MEMORY_MB
    )


@pytest.mark.parametrize("case", [c for c in CASES if not c.legitimate], ids=lambda c: c.name)
def test_refused_with_a_message(case, listener, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    path = case.make(tmp_path / f"去年{case.suffix}", secret, listener.port)
    run = import_(path, tmp_path / "out.yaml")
    assert run.exit == 2, run.output
    first = run.output.strip().splitlines()[0]
    assert first.startswith(f"{path}："), run.output  # names the file
    assert "Traceback" not in run.output and "Error" not in run.output
    assert run.seconds < WITHIN_SECONDS and run.peak_mb < WITHIN_MB, (run.seconds, run.peak_mb)
    assert not (tmp_path / "out.yaml").exists()  # no half-written filing
    assert SECRET not in run.output
    assert listener.requests == []


@pytest.mark.parametrize("name", ["merged-whole-sheet", "cell-XFD1048576"], ids=lambda name: name)
def test_a_sheet_as_wide_and_long_as_excel_allows_is_read_as_the_text_it_holds(name, tmp_path):
    """A merged whole sheet is its one text; a cell at XFD1048576 is one more text, kept."""
    (case,) = [c for c in CASES if c.name == name]
    path = case.make(tmp_path / "去年.xlsx", tmp_path, 0)
    out = tmp_path / "out.yaml"
    run = import_(path, out)
    assert run.exit == 0, run.output
    assert run.seconds < WITHIN_SECONDS and run.peak_mb < WITHIN_MB, (run.seconds, run.peak_mb)
    text = out.read_text("utf-8")
    yaml.safe_load(text)
    assert ("#   甲" in text.splitlines()) == (name == "cell-XFD1048576")


def test_stray_formatted_cell_far_below_pbgens_own_table(tmp_path):
    """pbgen's 公开表 XLSX with one formatted (empty) cell at row 65,536 imports to its filing."""
    seed = DATA / "menyuan-2024.yaml"
    render_file(seed, tmp_path, formats=["xlsx"])
    path = stray_cell(tmp_path / f"{seed.stem}.xlsx", tmp_path / "公开表.xlsx")
    run = import_(path, tmp_path / "out.yaml")
    assert run.exit == 0, run.output
    assert run.seconds < WITHIN_SECONDS and run.peak_mb < WITHIN_MB, (run.seconds, run.peak_mb)
    from pbgen.importer import comparable

    assert comparable(load(tmp_path / "out.yaml").filing) == comparable(load(seed).filing)


def test_no_key_smuggled_through_a_line_end_yaml_knows(listener, tmp_path):
    """Text carrying U+2028, U+2029, U+0085 or a carriage return stays inside its comment: the
    filing has no key the document did not give, its findings are those of a bare filing, and
    the text is there, escaped, word for word."""
    (case,) = [c for c in CASES if c.name == "u2028-smuggling"]
    path = case.make(tmp_path / "去年.docx", tmp_path, listener.port)
    out = tmp_path / "out.yaml"
    run = import_(path, out)
    assert run.exit == 0, run.output
    text = out.read_text("utf-8")
    data = yaml.safe_load(text)
    assert set(data) == {"pbgen", "year", "layout", "money_unit", "department", "units"}
    assert data["year"] is None and data["money_unit"] is None and data["layout"] == "wenben"
    for character in "\u2028\u2029\u0085\r":
        assert character not in text
    for escaped in (
        r"附注\u2028check: {disable: [plan-incomplete, plan-cumulative]}",
        r"附注\u2029year: 1999",
        r"附注\u0085money_unit: 元",
        r"附注\rlayout: gongkai",
    ):
        assert f"#   {escaped}" in text.splitlines()
