"""The registry of output formats: each a name, a suffix, whether it needs the PDF engine and
the module that renders it, loaded only when its format is asked for; a format registered
from outside pbgen renders like a built-in one, for any layout that declares it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import pytest

from pbgen import formats
from pbgen.formats import FORMATS, Format, Output
from pbgen.layouts import builtin_templates, find_layout
from pbgen.manifest import ManifestError, read_manifest
from pbgen.pipeline import render_file

from conftest import CLEAN, ROOT, write_layout


def test_the_built_in_formats():
    assert [(f.name, f.suffix, f.needs_pdf_engine, f.beside) for f in FORMATS.values()] == [
        ("docx", ".docx", False, True),  # waits for LibreOffice: beside the PDF
        ("pdf", ".pdf", True, False),
        ("xlsx", ".xlsx", False, False),
    ]


MODULES = "('pbgen.render_docx', 'pbgen.render_pdf', 'pbgen.render_xlsx', 'weasyprint', 'openpyxl')"


def test_a_renderer_loads_when_its_format_is_asked_for():
    """Asking for the DOCX loads the Word renderer, and neither WeasyPrint nor openpyxl: in the
    worker that renders (``render_job``), and in the process that asked (``render_file``),
    which renders nothing itself."""
    worker = (
        "import sys\n"
        "from pbgen.formats import FORMATS\n"
        "from pbgen.load import load\n"
        "from pbgen.pipeline import build_timestamp, choose_layout, render_job\n"
        f"loaded = load({str(CLEAN)!r})\n"
        "chosen = choose_layout(loaded, 'gongkai')\n"
        "render_job(loaded.filing, chosen, [FORMATS['docx']], '', build_timestamp(2024))\n"
        f"print('LOADED', sorted(m for m in {MODULES} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", worker], capture_output=True, text=True, cwd=ROOT)
    assert "LOADED ['pbgen.render_docx']" in done.stdout, done.stdout + done.stderr  # worker
    asking = (
        "import sys\n"
        "from pbgen.pipeline import render_file\n"
        f"render_file({str(CLEAN)!r}, {str(ROOT / 'output' / 'formats-test')!r}, ['docx'],"
        " layout='gongkai')\n"
        f"print('LOADED', sorted(m for m in {MODULES} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", asking], capture_output=True, text=True, cwd=ROOT)
    shutil.rmtree(ROOT / "output" / "formats-test", ignore_errors=True)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr


def render(context: dict, layout, timestamp) -> Output:
    """A format of a bureau's own: the title and each project's name, one a line."""
    lines = [context["title"], *(project["name"] for project in context["projects"])]
    return Output("\n".join(lines).encode("utf-8"), notices=["纯文本没有版式"])


@pytest.fixture
def text_format():
    formats.register(Format("txt", ".txt", needs_pdf_engine=False, renderer=__name__))
    yield
    del FORMATS["txt"]


def test_a_registered_format_renders_for_a_layout_that_declares_it(text_format, tmp_path):
    write_layout(tmp_path / "forms", "names", "项目名单", ["txt"])
    result = render_file(CLEAN, tmp_path / "out", layout="names", template_dir=tmp_path / "forms")
    (output,) = result.outputs
    assert output.suffix == ".txt" and result.notices == ["纯文本没有版式"]
    assert output.read_text(encoding="utf-8").splitlines()[1:] == ["委员视察经费", "文史资料编印费"]


def test_a_manifest_naming_an_unknown_format_is_refused(tmp_path):
    manifest = tmp_path / "manifest.yaml"
    source = builtin_templates() / "shenbao" / "manifest.yaml"
    text = source.read_text(encoding="utf-8").replace("formats: [docx, pdf]", "formats: [txt]")
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(
        ManifestError, match=r"formats\.0：不认识的格式「txt」；可用：docx、pdf、xlsx"
    ):
        read_manifest(manifest)


WAITING = {}  # what the two formats below share: an event


class Waits:
    """A format that waits for another (as the DOCX waits for LibreOffice): marked beside."""

    @staticmethod
    def render(context, layout, timestamp) -> Output:
        return Output(b"seen" if WAITING["started"].wait(30) else b"alone")


class Works:
    @staticmethod
    def render(context, layout, timestamp) -> Output:
        WAITING["started"].set()
        return Output(b"done")


def test_a_format_that_waits_renders_beside_the_others(monkeypatch):
    """A format marked ``beside`` renders in a thread while the others render: here it sees
    what the other does, which it would never see rendered before or after it."""
    WAITING["started"] = threading.Event()
    monkeypatch.setitem(sys.modules, "pbgen_test_waits", Waits)
    monkeypatch.setitem(sys.modules, "pbgen_test_works", Works)
    monkeypatch.setitem(FORMATS, "waits", Format("waits", ".w", False, "pbgen_test_waits", True))
    monkeypatch.setitem(FORMATS, "works", Format("works", ".x", False, "pbgen_test_works"))
    rendered = find_layout("wenben").render({}, ["waits", "works"], None)
    assert rendered.files == {"waits": b"seen", "works": b"done"}
