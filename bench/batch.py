"""Benchmark (b), not a test: `pbgen render FOLDER -f docx,pdf` of a batch of 100 filings
(copies of the seeds in data/), all cores, LibreOffice kept for the batch.

Prints wall seconds per filing, the CPU seconds the whole process tree used (user + system,
LibreOffice included: the machine is shared, so wall time alone says little), and the peak
memory of the whole process tree, sampled every 50 ms from /proc: the sum of resident sizes
(RSS, which counts a page shared by two processes twice) and of proportional sizes (PSS, which
shares it out). Targets (issue 23): ≤ 0.45 s per filing on 2 cores, ≤ 500 MB.

    python bench/batch.py [--copies N] [--offices N] [--formats docx,pdf]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")


def family(root: int) -> set[int]:
    """``root`` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
            except (OSError, IndexError, ValueError):
                continue
    found, grew = {root}, True
    while grew:
        before = len(found)
        found |= {pid for pid, parent in parents.items() if parent in found}
        grew = len(found) > before
    return found


def memory(pids: set[int]) -> dict[str, tuple[int, int]]:
    """(RSS, PSS) of each of ``pids``, bytes, by process name and id."""
    found = {}
    for pid in pids:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            rss = pss = 0
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
        except OSError:
            continue
        found[f"{name}[{pid}]"] = (rss, pss)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--offices", type=int, help="LibreOffices kept (PBGEN_OFFICES)")
    parser.add_argument("--formats", default="docx,pdf")
    arguments = parser.parse_args()
    env = dict(os.environ)
    if arguments.offices:
        env["PBGEN_OFFICES"] = str(arguments.offices)
    seeds = sorted((ROOT / "data").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as work:
        batch = Path(work) / "filings"
        batch.mkdir()
        for n in range(arguments.copies):
            seed = seeds[n % len(seeds)]
            shutil.copy(seed, batch / f"{n:03d}-{seed.name}")
        peak_rss = peak_pss = 0
        at_peak: dict[str, tuple[int, int]] = {}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        command = [str(PBGEN), "render", str(batch), "-o", str(Path(work) / "out")]
        process = subprocess.Popen(
            [*command, "-f", arguments.formats],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )

        def sample() -> None:
            nonlocal peak_rss, peak_pss, at_peak
            while process.poll() is None:
                each = memory(family(process.pid))
                rss, pss = (sum(sizes) for sizes in zip(*each.values(), strict=True))
                if pss > peak_pss:
                    at_peak = each
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        process.wait()
        sampler.join()
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        out = Path(work) / "out"
        made = {suffix: len(list(out.glob(f"*{suffix}"))) for suffix in (".docx", ".pdf")}
    copies = arguments.copies
    print(
        f"filings {copies} ({arguments.formats}), made {made}, cores {os.cpu_count()}, "
        f"offices {arguments.offices or 'as pbgen chooses'}, exit {process.returncode}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"wall {seconds:.1f} s, per filing {seconds / copies:.3f} s   (target ≤ 0.45)")
    print(
        f"CPU {cpu:.1f} s (user+system, whole tree), per filing {cpu / copies:.3f} s, "
        f"on {os.cpu_count()} idle cores ≥ {cpu / copies / (os.cpu_count() or 1):.3f} s"
    )
    print(
        f"peak memory (process tree) RSS {peak_rss / 2**20:.0f} MB, "
        f"PSS {peak_pss / 2**20:.0f} MB   (target ≤ 500)"
    )
    shown = (f"{name} {rss / 2**20:.0f}/{pss / 2**20:.0f}" for name, (rss, pss) in at_peak.items())
    print(f"at the peak of PSS, RSS/PSS MB: {', '.join(sorted(shown))}")


if __name__ == "__main__":
    main()
