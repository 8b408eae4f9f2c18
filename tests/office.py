"""Checks the office-format tests share: the committed template is what its script builds,
named styles carry East-Asian fonts, LibreOffice opens the DOCX or XLSX."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
from pathlib import Path

from docx import Document

from conftest import ROOT, typography


def built_template(script: str) -> bytes:
    """What ``scripts/<script>.py`` builds now (compare with the committed template)."""
    spec = importlib.util.spec_from_file_location(script, ROOT / "scripts" / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build()


def east_asian_fonts(template: Path, style_names) -> dict[str, str]:
    """The w:eastAsia font of each named style."""
    styles = Document(str(template)).styles
    found = {}
    for name in style_names:
        (found[name],) = styles[name].element.xpath("w:rPr/w:rFonts/@w:eastAsia")
    return found


def soffice_convert(sources: list[Path], kind: str, folder: Path) -> list[Path]:
    """Open ``sources`` in LibreOffice and save them as ``kind`` (docx, xlsx, pdf) into
    ``folder``, as a clerk's copy would be saved (one profile per folder); the files written."""
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", kind, "--outdir", str(folder)]
    subprocess.run([*command, *map(str, sources)], check=True, capture_output=True, timeout=300)
    return [folder / f"{source.stem}.{kind}" for source in sources]


def soffice_pdf(source: Path, folder: Path) -> Path:
    """Convert with LibreOffice (its own profile in ``folder``); the PDF it wrote."""
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=180)
    return folder / f"{source.stem}.pdf"


def soffice_csv(source: Path, folder: Path) -> list[list[str]]:
    """The first sheet as LibreOffice shows it (UTF-8 CSV, values as displayed, formulas
    recalculated): what a clerk sees on opening."""
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    target = "csv:Text - txt - csv (StarCalc):44,34,76"
    command = ["soffice", profile, "--headless", "--convert-to", target, "--outdir", str(folder)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=180)
    with open(folder / f"{source.stem}.csv", encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def assert_page_numbers_7_mm_under_the_type_area(pdf: Path) -> None:
    """GB/T 9704-2012 7.5: the 一字线 of — N — 7 mm under the 版心, on every numbered page."""
    distances = typography().measure(pdf).page_number_mm
    assert distances and all(abs(distance - 7) < 0.5 for distance in distances), distances
