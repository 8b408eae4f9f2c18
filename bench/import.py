"""Benchmark (not a test): `pbgen import` of every seed's DOCX after LibreOffice re-saved it.

Each seed is rendered (DOCX; the 公开表 also XLSX), opened and saved again by LibreOffice (as a
clerk's copy would be), then imported. Prints per file: the layout found, the values placed
(of how many the seed holds),
the text left over as comments, whether the imported filing equals the seed, and the time of
the import (CPU and wall; the machine is shared, so CPU is the figure to compare). A cold
`pbgen import` process is timed too (start-up and imports included).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from office import soffice_convert

    from pbgen.importer import comparable, count_values, import_file
    from pbgen.load import load
    from pbgen.pipeline import render_file

    seeds = sorted((ROOT / "data").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rendered, resaved, imported = folder / "r", folder / "s", folder / "i"
        for seed in seeds:
            kinds = ["docx", "xlsx"] if "menyuan" in seed.name else ["docx"]
            render_file(seed, rendered, formats=kinds)
        for kind in ("docx", "xlsx"):
            soffice_convert(sorted(rendered.glob(f"*.{kind}")), kind, resaved)
        print("pbgen import of each seed's document as LibreOffice re-saved it")
        print(
            f"{'document':<24}{'layout':<8}{'placed':>7}{'of':>5}{'left':>5}{'same':>6}"
            f"{'cpu s':>7}{'wall s':>8}{'cold s':>8}"
        )
        for document in sorted(resaved.iterdir()):
            if document.suffix not in (".docx", ".xlsx"):
                continue
            seed = ROOT / "data" / f"{document.stem}.yaml"
            import_file(document, imported / f"warm-{document.name}.yaml")  # warm the imports
            cpu, wall = time.process_time(), time.perf_counter()
            result = import_file(document, imported / f"{document.name}.yaml")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            mine, theirs = load(result.output), load(seed)
            same = comparable(mine.filing) == comparable(theirs.filing)
            start = time.perf_counter()
            subprocess.run(
                [
                    str(PBGEN),
                    "import",
                    str(document),
                    "-o",
                    str(imported / f"cold-{document.name}.yaml"),
                ],
                check=False,
                capture_output=True,
            )
            cold = time.perf_counter() - start
            imported_ = result.imported
            placed, total = count_values(mine.source.data), count_values(theirs.source.data)
            print(
                f"{document.name:<24}{imported_.layout:<8}{placed:>7}{total:>5}"
                f"{len(imported_.notes):>5}{'yes' if same else 'NO':>6}{cpu:7.2f}{wall:8.2f}"
                f"{cold:8.2f}"
            )


if __name__ == "__main__":
    main()
