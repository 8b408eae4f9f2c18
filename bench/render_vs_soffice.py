"""Benchmark (a), not a test: cold `pbgen render` of seed 000 to DOCX+PDF, against
`soffice --headless --convert-to pdf` of that same DOCX (fresh profile, as a user would run it).
Target: ratio ≤ 0.5.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
FILING = ROOT / "data" / "leting-2024.yaml"


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
        render = timed([str(PBGEN), "render", str(FILING), "-o", str(out), "--force"])
        profile = (out / "lo-profile").as_uri()
        convert = timed(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out / "lo"),
                str(out / "leting-2024.docx"),
            ]
        )
    print(f"pbgen render (DOCX+PDF, cold)     {render:6.2f} s")
    print(f"soffice --convert-to pdf (cold)   {convert:6.2f} s")
    print(f"ratio                             {render / convert:6.2f}   (target ≤ 0.5)")


if __name__ == "__main__":
    main()
