"""Benchmark, not a test: the DOCX of one 绩效文本 with 100, 1000 and 5000 projects (the filings
of ``bench/scale.py``), each rendered by `pbgen render -f docx --force` in a fresh process.

For each size it prints the render's wall time, CPU time (user+sys of the process tree: pbgen
and the LibreOffice it runs for the 目录's page numbers) and peak memory (the largest single
process of the tree, ru_maxrss), then LibreOffice's share: ``docx_toc_pages`` run again on the
DOCX just made, in a fresh process that counts only its children (soffice, pdfinfo).

Peak memory does not depend on the machine's load; wall time does — compare CPU time when
other work runs. `python bench/docx_scale.py 100 1000` runs only those sizes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import filing, run

SIZES = (100, 1000, 5000)

# LibreOffice alone: the 目录's anchors are the DOCX's _Toc_pbgen_ bookmarks.
SOFFICE_ONLY = """
import re, resource, sys, time, zipfile
from pbgen.docx_pages import NoPageNumbers, docx_toc_pages
docx = open(sys.argv[1], "rb").read()
xml = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
anchors = list(dict.fromkeys(re.findall(r'w:name="(_Toc_pbgen_[0-9]+)"', xml)))
start = time.perf_counter()
try:
    pages = docx_toc_pages(docx, anchors, anchors[0])
except NoPageNumbers:
    pages = None
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, bool(pages))
"""


def measure(projects: int, work: Path) -> None:
    name = f"{projects}-projects"
    path = work / f"{name}.yaml"
    text = yaml.safe_dump(filing(projects), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    out = work / "out"
    render = [sys.executable, "-m", "pbgen", "render", str(path), "-o", str(out)]
    wall, cpu, peak, _, error = run([*render, "-f", "docx", "--force", "-j", "1"])
    print(
        f"{name:>15}: {wall:7.1f} s wall, {cpu:7.1f} s CPU, peak {peak:6.0f} MB"
        + (f"  failed: {error}" if error else ""),
        flush=True,
    )
    if error:
        return
    docx = str(out / f"{name}.docx")
    done = subprocess.run(
        [sys.executable, "-c", SOFFICE_ONLY, docx], capture_output=True, text=True
    )
    wall, cpu, peak_kb, numbered = (done.stdout.split() or ["0", "0", "0", "False"])[:4]
    print(
        f"{'LibreOffice':>15}: {float(wall):7.1f} s wall, {float(cpu):7.1f} s CPU, "
        f"peak {int(peak_kb) / 1024:6.0f} MB"
        + ("" if numbered == "True" else "  (no page numbers)"),
        flush=True,
    )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or SIZES
    with tempfile.TemporaryDirectory() as folder:
        for size in sorted(sizes):
            measure(size, Path(folder))


if __name__ == "__main__":
    main()
