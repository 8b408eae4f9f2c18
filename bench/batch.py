"""Benchmark (b), not a test: `pbgen render` of a batch of 100 filings (copies of the five
seeds), all cores. Prints seconds per filing and the peak memory of the whole process tree
(sampled every 20 ms from /proc). Target: ≤ 0.3 s per filing on 2 cores, ≤ 500 MB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
COPIES = 100


def tree_rss(root: int) -> int:
    """Resident memory (bytes) of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    family, grew = {root}, True
    while grew:
        before = len(family)
        family |= {pid for pid, parent in parents.items() if parent in family}
        grew = len(family) > before
    return sum(rss.get(pid, 0) for pid in family)


def main() -> None:
    seeds = sorted((ROOT / "data").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as work:
        batch = Path(work) / "filings"
        batch.mkdir()
        for n in range(COPIES):
            seed = seeds[n % len(seeds)]
            shutil.copy(seed, batch / f"{n:03d}-{seed.name}")
        peak = 0
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(PBGEN), "render", str(batch), "-o", str(Path(work) / "out")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def sample() -> None:
            nonlocal peak
            while process.poll() is None:
                peak = max(peak, tree_rss(process.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        process.wait()
        sampler.join()
        seconds = time.perf_counter() - start
        rendered = len(list((Path(work) / "out").glob("*.pdf")))
    print(
        f"filings {COPIES}, rendered {rendered}, cores {os.cpu_count()}, exit {process.returncode}"
    )
    print(f"total {seconds:.1f} s, per filing {seconds / COPIES:.3f} s   (target ≤ 0.3)")
    print(f"peak memory (process tree) {peak / 2**20:.0f} MB   (target ≤ 500)")


if __name__ == "__main__":
    main()
