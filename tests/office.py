"""Checks the office-format tests share: the committed template is what its script builds,
named styles carry East-Asian fonts, LibreOffice opens the DOCX or XLSX."""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
from pathlib import Path

from docx import Document

from conftest import ROOT


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


def page_number_gap(pdf: Path, page: int, bottom_margin_mm: float) -> float:
    """How far (mm) the ink of the first dash of — N — on ``page`` lies under the 版心 (the
    page less its bottom margin). GB/T 9704-2012 wants 7 mm. The dash is found by its text box
    (pdftotext), its stroke by the dark pixels inside that box (pdftoppm at 600 dpi)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html)[1])
    boxes = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">—<', html)
    x0, y0, x1, y1 = (float(v) for v in boxes[-2])  # the left dash of the last line
    dpi = 600
    scale = dpi / 72
    crop = [
        round(x0 * scale),
        round(y0 * scale),
        round((x1 - x0) * scale),
        round((y1 - y0) * scale),
    ]
    pgm = subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-x",
            str(crop[0]),
            "-y",
            str(crop[1]),
            "-W",
            str(crop[2]),
            "-H",
            str(crop[3]),
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    width, rows, data = _pgm(pgm)
    inked = [y for y in range(rows) if min(data[y * width : (y + 1) * width]) < 128]
    centre_pt = y0 + (inked[0] + inked[-1] + 1) / 2 / scale
    return round((centre_pt - (height - bottom_margin_mm * 72 / 25.4)) * 25.4 / 72, 2)


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM (P5, 8 bit)."""
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    return int(header[1]), int(header[2]), data[header.end() :]
