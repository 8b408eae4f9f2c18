"""Benchmark (not a test): cold `pbgen check` of one filing, as a user runs it.

Each run is a fresh process of the installed `pbgen` command, so the figure includes Python
start-up and every import. Prints the median and best wall time over N runs, and the time of
the in-process check alone (load + rules, warm).
Target (issue 2): under 0.3 s wall, cold.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
RUNS = 15


def cold(filing: Path) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(PBGEN), "check", str(filing)], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def warm(filing: Path) -> float:
    from pbgen.pipeline import check_file

    check_file(filing)  # imports and caches out of the way
    start = time.perf_counter()
    for _ in range(20):
        check_file(filing)
    return (time.perf_counter() - start) / 20


def main() -> None:
    filings = sorted((ROOT / "data").glob("*.yaml"))
    print(f"cold `pbgen check FILE`, {RUNS} runs each (wall seconds)")
    print(f"{'filing':<24}{'median':>8}{'best':>8}{'in-process':>12}")
    for filing in filings:
        times = cold(filing)
        print(
            f"{filing.name:<24}{statistics.median(times):8.3f}{min(times):8.3f}{warm(filing):12.4f}"
        )
    start = time.perf_counter()
    subprocess.run([str(PBGEN), "check", str(ROOT / "data")], capture_output=True, check=False)
    print(f"{'all five (one process)':<24}{time.perf_counter() - start:8.3f}")


if __name__ == "__main__":
    main()
