"""Benchmark (a), not a test: cold `pbgen render` of seed 000 (乐亭) — DOCX+PDF, PDF alone,
DOCX alone — against `soffice --headless --convert-to pdf` of that same DOCX.

Targets (issue 23): DOCX+PDF ≤ 1.5 times, PDF alone ≤ 0.8 times LibreOffice converting the DOCX
with a profile it has already made.

Each command runs as a fresh process, in rounds (one run of each per round, so that a change in
the machine's load touches all alike); the medians are compared. The machine is shared: each
figure is given as wall seconds and as CPU seconds (user + system of the process and all it
started, LibreOffice included). soffice is timed with a new profile each run (its first run on a
machine) and with one it made on its first run (every later run); and, for comparison, with a
profile a kept office has completed (LibreOffice marks a profile's first start done only when it
runs on; `soffice --convert-to` never does, and pays ~1 s more on every start).
"""

from __future__ import annotations

import os
import resource
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
RUNS = 7


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``command`` and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not installed: bash scripts/setup.sh test")
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        env = {**os.environ, "PBGEN_OFFICE_PROFILES": str(out / "pbgen-profiles")}
        render = [str(PBGEN), "render", str(FILING), "-o", str(out), "--force"]
        docx = out / "leting-2024.docx"

        def convert(profile: Path) -> list[str]:
            return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out / "lo"), str(docx)]  # fmt: skip

        commands = {
            "pbgen render (DOCX+PDF, cold)": (render, env),
            "pbgen render -f pdf (cold)": ([*render, "-f", "pdf"], env),
            "pbgen render -f docx (cold)": ([*render, "-f", "docx"], env),
            "soffice, existing profile": (convert(out / "soffice"), None),
            "soffice, new profile": (None, None),
            "soffice, profile a kept office completed": (convert(out / "pbgen-profiles/profile-0"), None),
        }  # fmt: skip
        timed(render, env)  # makes the DOCX, and the kept office's profile
        timed(*commands["soffice, existing profile"])  # soffice makes its profile
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for run in range(RUNS):
            for name, (command, environment) in commands.items():
                command = command or convert(out / f"new-{run}")
                figures[name].append(timed(command, environment))
    load = os.getloadavg()[0]
    median = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in figures.items()
    }
    reference_wall, reference_cpu = median["soffice, existing profile"]
    print(f"medians of {RUNS} rounds, load average {load:.2f} ({os.cpu_count()} cores)")
    print(f"{'':44}{'wall s':>8}{'CPU s':>8}{'wall ratio':>12}{'CPU ratio':>11}")
    for name, (wall, cpu) in median.items():
        print(
            f"{name:44}{wall:8.2f}{cpu:8.2f}"
            f"{wall / reference_wall:12.2f}{cpu / reference_cpu:11.2f}"
        )
    print("ratios: against soffice with a profile it made itself")
    print("targets: DOCX+PDF ≤ 1.5, PDF alone ≤ 0.8")


if __name__ == "__main__":
    main()
