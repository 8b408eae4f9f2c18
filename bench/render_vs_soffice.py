"""Benchmark (a), not a test: cold `pbgen render` of seed 000 to DOCX+PDF, against
`soffice --headless --convert-to pdf` of that same DOCX. Target: ratio ≤ 0.5.

Each command runs as a fresh process, three times; the medians are compared. soffice is timed
twice: with a new user profile (its first run on a machine) and with one it has already made
(every later run), so the ratio is quoted against both.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
FILING = ROOT / "data" / "leting-2024.yaml"
RUNS = 3


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not installed: bash scripts/setup.sh test")
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        render = [str(PBGEN), "render", str(FILING), "-o", str(out), "--force"]
        pbgen = statistics.median(timed(render) for _ in range(RUNS))

        def convert(profile: Path) -> list[str]:
            docx = out / "leting-2024.docx"
            return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out / "lo"), str(docx)]  # fmt: skip

        first = statistics.median(timed(convert(out / f"new-{n}")) for n in range(RUNS))
        timed(convert(out / "kept"))
        later = statistics.median(timed(convert(out / "kept")) for _ in range(RUNS))
    print(f"pbgen render (DOCX+PDF, cold)               {pbgen:6.2f} s")
    print(f"soffice --convert-to pdf, new profile       {first:6.2f} s   ratio {pbgen / first:.2f}")
    print(f"soffice --convert-to pdf, existing profile  {later:6.2f} s   ratio {pbgen / later:.2f}")
    print("target: ratio ≤ 0.5")


if __name__ == "__main__":
    main()
