"""LibreOffice kept running (``pbgen.office_pool``): one office lays out document after
document, is started again when it dies or hangs, is shared by a batch's workers; without
LibreOffice's Python each document has a LibreOffice of its own; the pages of a DOCX's
headings are read without poppler."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pbgen import office_pool
from pbgen.context import build_context
from pbgen.docx_pages import pdf_destinations
from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.pipeline import render_file, render_many

from conftest import ROOT, running

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")
LETING = ROOT / "data" / "leting-2024.yaml"
ZUNHUA = ROOT / "data" / "zunhua-2024.yaml"


@pytest.fixture(scope="module")
def leting_docx(tmp_path_factory) -> bytes:
    """乐亭's DOCX, with its 目录 (made without page numbers: LibreOffice lays it out)."""
    folder = tmp_path_factory.mktemp("leting")
    return render_file(LETING, folder, ["docx"]).outputs[0].read_bytes()


def toc_names(docx: bytes) -> set[str]:
    """The bookmarks the 目录 links to, as LibreOffice names the PDF destinations."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    anchors = set(re.findall(r'w:hyperlink w:anchor="([^"]+)"', xml))
    return {"".join(c if c.isalnum() else f"{ord(c):02X}" for c in a) for a in anchors}


def toc_numbers(docx_path: Path) -> list[str]:
    """The page numbers printed in the DOCX's 目录, in order."""
    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode()
    return re.findall(r'<w:tab/></w:r><w:r><w:t xml:space="preserve">(\d+)<', xml)


def laid_out(offices, docx: bytes, seconds: float = 60) -> set[str]:
    """The destinations of the PDF the office makes of ``docx``."""
    destinations, pages = pdf_destinations(offices.convert(docx, seconds))
    assert pages > 5
    return {name for _, name in destinations}


def serving(offices, docx: bytes) -> tuple:
    """The office after it has laid ``docx`` out and serves: its slot, LibreOffice's process
    id, how often it was started."""
    slot = offices.shared.slots[0]
    laid_out(offices, docx)
    offices._port(slot)  # started afresh if that was its last document before recycling
    return slot, slot.pids[1], slot.starts.value


def test_one_office_lays_out_document_after_document(leting_docx, monkeypatch):
    monkeypatch.setattr(office_pool, "RECYCLE", 1000)
    offices = office_pool.current()
    slot = offices.shared.slots[0]
    assert toc_names(leting_docx) <= laid_out(offices, leting_docx)
    offices._port(slot)
    office, starts = slot.pids[1], slot.starts.value
    for _ in range(3):
        assert toc_names(leting_docx) <= laid_out(offices, leting_docx)
    assert (slot.pids[1], slot.starts.value) == (office, starts)  # the same LibreOffice
    assert running(office)


def test_an_office_is_started_afresh_after_its_recycle_count(leting_docx, monkeypatch):
    """LibreOffice grows with each document: after ``RECYCLE`` of them it is a new one."""
    monkeypatch.setattr(office_pool, "RECYCLE", 2)
    offices = office_pool.current()
    slot, office, starts = serving(offices, leting_docx)
    for _ in range(2):
        assert toc_names(leting_docx) <= laid_out(offices, leting_docx)
    offices._port(slot)
    assert slot.starts.value == starts + 1 and slot.pids[1] != office
    assert not running(office)


def test_a_killed_office_is_started_again(leting_docx):
    offices = office_pool.current()
    slot, office, starts = serving(offices, leting_docx)
    os.killpg(office, signal.SIGKILL)
    assert toc_names(leting_docx) <= laid_out(offices, leting_docx)
    assert slot.starts.value == starts + 1
    assert slot.pids[1] != office and running(slot.pids[1])


def test_a_hung_office_is_ended_and_the_document_laid_out_again(leting_docx):
    """A LibreOffice that stops answering (stopped here) is found by its time limit, ended
    and started again; the document is laid out by the new one."""
    offices = office_pool.current()
    slot, office, starts = serving(offices, leting_docx)
    os.killpg(office, signal.SIGSTOP)
    assert toc_names(leting_docx) <= laid_out(offices, leting_docx, seconds=5)
    assert not running(office)
    assert slot.starts.value == starts + 1


def test_a_batch_shares_its_offices_between_its_workers(tmp_path, monkeypatch):
    """Six DOCX with a 目录 on two workers: one LibreOffice, started once, lays out all of
    them; each 目录 has the numbers its DOCX has made alone."""
    made = []
    own = office_pool.Offices.own

    def recorded(count):
        made.append(own(count))
        return made[-1]

    monkeypatch.setattr(office_pool.Offices, "own", recorded)
    monkeypatch.setattr(office_pool, "_offices", None)  # the batch's own, not this process's
    monkeypatch.setenv("PBGEN_OFFICES", "1")
    monkeypatch.setattr(office_pool, "RECYCLE", 1000)  # forked workers see it too
    filings = tmp_path / "filings"
    filings.mkdir()
    for n in range(6):
        shutil.copy(LETING if n % 2 else ZUNHUA, filings / f"{n}.yaml")
    paths = sorted(filings.glob("*.yaml"))
    outcomes = list(render_many(paths, jobs=2, output_dir=tmp_path / "out", formats=["docx"]))
    assert [outcome.notices for outcome in outcomes] == [[]] * 6
    [offices] = made
    assert offices.shared.slots[0].starts.value == 1
    alone = {
        seed: toc_numbers(render_file(seed, tmp_path / "alone", ["docx"]).outputs[0])
        for seed in (LETING, ZUNHUA)
    }
    for n in range(6):
        numbers = toc_numbers(tmp_path / "out" / f"{n}.docx")
        assert numbers == alone[LETING if n % 2 else ZUNHUA] and len(set(numbers)) > 1


def test_without_libreoffices_python_each_document_has_a_libreoffice_of_its_own(
    tmp_path, monkeypatch
):
    """No Python loads LibreOffice's UNO (pbgen's own does not): the DOCX is laid out by
    ``soffice --convert-to``, with the same page numbers."""
    monkeypatch.setenv("PBGEN_OFFICE_PYTHON", sys.executable)
    monkeypatch.setattr(office_pool, "_offices", None)
    plain = render_file(LETING, tmp_path / "plain", ["docx"])
    assert office_pool.current().shared.slots[0].port.value == office_pool.NO_UNO
    office_pool.current().close()
    monkeypatch.setattr(office_pool, "_offices", None)
    monkeypatch.delenv("PBGEN_OFFICE_PYTHON")
    kept = render_file(LETING, tmp_path / "kept", ["docx"])
    assert plain.notices == kept.notices == []
    assert toc_numbers(plain.outputs[0]) == toc_numbers(kept.outputs[0])


def test_page_numbers_are_read_without_poppler(tmp_path, monkeypatch):
    """With LibreOffice alone on PATH (no pdfinfo), the 目录 gets its numbers."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "soffice").symlink_to(shutil.which("soffice"))
    monkeypatch.setenv("PATH", str(bin_folder))
    assert shutil.which("pdfinfo") is None
    result = render_file(LETING, tmp_path / "out", ["docx"])
    assert result.notices == []
    numbers = toc_numbers(result.outputs[0])
    assert numbers[0] == "1" and len(set(numbers)) > 1


def test_destinations_are_read_from_a_names_tree_too(tmp_path):
    """WeasyPrint writes its destinations in the catalogue's /Names tree (LibreOffice in
    /Dests): both are read."""
    result = render_file(LETING, tmp_path, ["pdf"])
    destinations, pages = pdf_destinations(result.outputs[0].read_bytes())
    assert pages == result.pages
    pages_of = {name: page for page, name in destinations}
    toc = build_context(load(LETING).filing, find_layout("wenben"))["toc"]
    assert {entry["anchor"] for entry in toc} <= set(pages_of)
    assert all(1 <= page <= pages for page in pages_of.values())
    in_order = [pages_of[entry["anchor"]] for entry in toc]
    assert in_order == sorted(in_order) and in_order[0] < in_order[-1]


def test_office_count_keeps_to_cores_and_memory(monkeypatch):
    monkeypatch.delenv("PBGEN_OFFICES", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(office_pool, "available_mb", lambda: 24000)
    assert office_pool.office_count(8) == 4  # one per two cores
    assert office_pool.office_count(2) == 2  # never more than the workers
    monkeypatch.setattr(office_pool, "available_mb", lambda: 8 * 160 + 600)
    assert office_pool.office_count(8) == 2  # what memory leaves beside 8 workers
    monkeypatch.setattr(office_pool, "available_mb", lambda: 100)
    assert office_pool.office_count(8) == 1  # at least one
    monkeypatch.setenv("PBGEN_OFFICES", "3")
    assert office_pool.office_count(8) == 3


def test_a_profile_is_settled_before_libreoffice_starts_with_it(tmp_path):
    """A new profile gets the installed version as the last one LibreOffice set up
    (``ooSetupLastVersion``, which it never records when ended early); one LibreOffice has
    made keeps its own settings beside it; settling twice changes nothing."""
    soffice = office_pool.libreoffice()
    version = office_pool._installed_version(soffice)
    assert re.fullmatch(r"\d+\.\d+", version)
    office_pool.settle_profile(tmp_path / "new", soffice)
    registry = (tmp_path / "new" / office_pool.REGISTRY).read_text(encoding="utf-8")
    assert f'"ooSetupLastVersion" oor:op="fuse"><value>{version}</value>' in registry
    made = tmp_path / "made"
    made_by_libreoffice(made)
    before = (made / office_pool.REGISTRY).read_text(encoding="utf-8")
    assert "ooSetupLastVersion" not in before  # soffice --convert-to never records it
    office_pool.settle_profile(made, soffice)
    after = (made / office_pool.REGISTRY).read_text(encoding="utf-8")
    assert after.replace(office_pool.profile_settings(soffice)[0][1], "") == before
    office_pool.settle_profile(made, soffice)
    assert (made / office_pool.REGISTRY).read_text(encoding="utf-8") == after


def made_by_libreoffice(profile: Path) -> None:
    """A profile as LibreOffice makes it, started and ended at once."""
    command = office_pool.office_command(office_pool.libreoffice(), profile)
    subprocess.run([*command, "--terminate_after_init"], capture_output=True, timeout=120)
