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

from pbgen import bounded, office_pool
from pbgen.context import build_context
from pbgen.docx_pages import pdf_destinations
from pbgen.formats import FORMATS
from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.pipeline import build_timestamp, choose_layout, render_file, render_job, render_many

from conftest import ROOT, hostile, running

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")
LETING = ROOT / "data" / "leting-2024.yaml"
ZUNHUA = ROOT / "data" / "zunhua-2024.yaml"
WORD = ROOT / "templates" / "wenben" / "template.docx"


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


def toc_numbers(docx) -> list[str]:
    """The page numbers printed in the DOCX's 目录 (a path or a file), in order."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
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
    """Four DOCX with a 目录 on two workers (fewer than an office lays out before it is
    started afresh): one LibreOffice, started once, lays out all of them; each 目录 has the
    numbers its DOCX has made alone."""
    made = []
    own = office_pool.Offices.own

    def recorded(count):
        made.append(own(count))
        return made[-1]

    monkeypatch.setattr(office_pool.Offices, "own", recorded)
    monkeypatch.setattr(office_pool, "_offices", None)  # the batch's own, not this process's
    monkeypatch.setenv("PBGEN_OFFICES", "1")
    filings = tmp_path / "filings"
    filings.mkdir()
    for n in range(4):
        shutil.copy(LETING if n % 2 else ZUNHUA, filings / f"{n}.yaml")
    paths = sorted(filings.glob("*.yaml"))
    outcomes = list(render_many(paths, jobs=2, output_dir=tmp_path / "out", formats=["docx"]))
    assert [outcome.notices for outcome in outcomes] == [[]] * 4
    [offices] = made
    assert offices.shared.slots[0].starts.value == 1
    alone = {
        seed: toc_numbers(render_file(seed, tmp_path / "alone", ["docx"]).outputs[0])
        for seed in (LETING, ZUNHUA)
    }
    for n in range(4):
        numbers = toc_numbers(tmp_path / "out" / f"{n}.docx")
        assert numbers == alone[LETING if n % 2 else ZUNHUA] and len(set(numbers)) > 1


def docx_here(path: Path) -> tuple[bytes, list[str]]:
    """The filing's DOCX rendered in this process (``render_job``, as the render worker runs
    it), laid out by this process's offices; its notices."""
    loaded = load(path)
    chosen = choose_layout(loaded)
    rendered = render_job(
        loaded.filing, chosen, [FORMATS["docx"]], str(path), build_timestamp(2024)
    )
    return rendered.files["docx"], rendered.notices


def test_without_libreoffices_python_each_document_has_a_libreoffice_of_its_own(
    tmp_path, monkeypatch
):
    """No Python loads LibreOffice's UNO (pbgen's own does not): the DOCX is laid out by
    ``soffice --convert-to``, with the same page numbers."""
    monkeypatch.setenv("PBGEN_OFFICE_PYTHON", sys.executable)
    monkeypatch.setattr(office_pool, "_offices", None)
    plain, plain_notices = docx_here(LETING)
    assert office_pool.current().shared.slots[0].port.value == office_pool.NO_UNO
    office_pool.current().close()
    monkeypatch.setattr(office_pool, "_offices", None)
    monkeypatch.delenv("PBGEN_OFFICE_PYTHON")
    kept, kept_notices = docx_here(LETING)
    assert office_pool.current().shared.slots[0].port.value > 0
    assert plain_notices == kept_notices == []
    assert toc_numbers(io.BytesIO(plain)) == toc_numbers(io.BytesIO(kept))


def test_page_numbers_are_read_without_poppler(tmp_path, monkeypatch):
    """With the system's commands on PATH but poppler's (no pdfinfo), the 目录 gets its
    numbers, from a LibreOffice started afresh under that PATH."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for command in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if not command.name.startswith("pdf") and not (bin_folder / command.name).exists():
                (bin_folder / command.name).symlink_to(command)
    monkeypatch.setenv("PATH", str(bin_folder))
    monkeypatch.setattr(office_pool, "_offices", None)
    bounded._worker.close()  # its next worker starts its own LibreOffice, under this PATH
    assert shutil.which("pdfinfo") is None and shutil.which("soffice") is not None
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
    """A new profile gets pbgen's offline settings and the installed version as the last one
    LibreOffice set up (``ooSetupLastVersion``, which it never records when ended early); one
    LibreOffice has made keeps its own settings beside it; settling twice changes nothing."""
    soffice = office_pool.libreoffice()
    version = office_pool._installed_version(soffice)
    assert re.fullmatch(r"\d+\.\d+", version)
    office_pool.settle_profile(tmp_path / "new", soffice)
    registry = (tmp_path / "new" / office_pool.REGISTRY).read_text(encoding="utf-8")
    assert f'"ooSetupLastVersion" oor:op="fuse"><value>{version}</value>' in registry
    assert '"BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value>' in registry
    made = tmp_path / "made"
    made_by_libreoffice(made)
    before = (made / office_pool.REGISTRY).read_text(encoding="utf-8")
    assert "ooSetupLastVersion" not in before  # soffice --convert-to never records it
    office_pool.settle_profile(made, soffice)
    after = (made / office_pool.REGISTRY).read_text(encoding="utf-8")
    settings = "".join(item for _, item in office_pool.profile_settings(soffice))
    assert after.replace(settings, "") == before
    office_pool.settle_profile(made, soffice)
    assert (made / office_pool.REGISTRY).read_text(encoding="utf-8") == after


def made_by_libreoffice(profile: Path) -> None:
    """A profile as LibreOffice makes it, started and ended at once."""
    command = office_pool.office_command(office_pool.libreoffice(), profile)
    subprocess.run([*command, "--terminate_after_init"], capture_output=True, timeout=120)


# -- no network ------------------------------------------------------------------------------------
# Each guard alone keeps a DOCX's linked picture from being fetched from a server on 127.0.0.1
# (the DOCX here still has its link: ``docx_links`` is the third guard, test_docx_links.py).


def linked(url: str) -> bytes:
    docx = io.BytesIO()
    hostile().linked_docx(WORD, docx, url, kinds=("image",))
    return docx.getvalue()


def test_a_libreoffice_with_pbgens_profile_alone_fetches_no_linked_picture(tmp_path, monkeypatch):
    monkeypatch.setattr(office_pool, "without_network", lambda: [])  # the profile alone
    with hostile().Server() as server:
        (tmp_path / "linked.docx").write_bytes(linked(server.url))
        office_pool.convert_once([tmp_path / "linked.docx"], tmp_path, 120)
        assert (tmp_path / "linked.pdf").read_bytes().startswith(b"%PDF")
        assert server.requests == []


def test_a_kept_office_fetches_no_linked_picture():
    with hostile().Server() as server:
        assert office_pool.current().convert(linked(server.url), 120).startswith(b"%PDF")
        assert server.requests == []


def test_without_network_reaches_nothing():
    """Where the system allows a network namespace (Linux, this CI), what runs under it cannot
    connect even to 127.0.0.1; where it does not, pbgen runs LibreOffice as it is."""
    command = office_pool.without_network()
    if not sys.platform.startswith("linux"):
        assert command == []
        return
    fetch = (
        "import http.client, sys; connection = http.client.HTTPConnection('127.0.0.1', "
        "int(sys.argv[1]), timeout=5); connection.request('GET', '/'); connection.getresponse()"
    )
    with hostile().Server() as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        assert subprocess.run([sys.executable, "-c", fetch, port], timeout=60).returncode == 0
        assert len(server.requests) == 1  # the server answers whoever may reach it
        isolated = subprocess.run(
            [*command, sys.executable, "-c", fetch, port], capture_output=True, timeout=60
        )
        assert command and isolated.returncode != 0
        assert len(server.requests) == 1
    assert office_pool.office_command("soffice", Path("/p"))[: len(command)] == command
