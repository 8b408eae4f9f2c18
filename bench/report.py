"""Benchmark, not a test: `pbgen report` (check only, no render) of 100 and 1000 filings — the
seeds, each filed by another department with its own unit and project codes, a quarter of them
last year's filing of the one before (so year over year compares them). Prints wall and CPU
seconds, seconds per filing and the peak memory of the process (wait4), and what each filing
adds above a fixed base. Target: time linear in the filings, at most a few hundred KB a filing.

    python bench/report.py            # 100 and 1000
    python bench/report.py 100 3000
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from scale import run  # the same measure as bench/scale.py

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")


def filings(count: int, folder: Path) -> None:
    """``count`` filings in ``folder``: seed n % 6 as department n; every fourth one is the
    previous department's filing of the year before."""
    seeds = [
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for path in sorted((ROOT / "data").glob("*.yaml"))
    ]
    for n in range(count):
        number = n - 1 if n % 4 == 1 else n  # last year's of department n - 1
        data = yaml.load(yaml.safe_dump(seeds[number % len(seeds)]), Loader=yaml.BaseLoader)
        data["department"]["name"] += f"{number:04d}"
        data["department"].pop("code", None)
        if n % 4 == 1:
            data["year"] = str(int(data["year"]) - 1)
        for u, unit in enumerate(data["units"]):
            unit["code"] = f"{number:04d}{u:02d}"
            for p, project in enumerate(unit.get("projects") or []):
                project["code"] = f"P{number:04d}{u:02d}{p:03d}"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"{n:04d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    counts = [int(arg) for arg in sys.argv[1:]] or [100, 1000]
    measured = []
    for count in counts:
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work) / "filings"
            folder.mkdir()
            filings(count, folder)
            output = Path(work) / "out"
            command = [str(PBGEN), "report", str(folder), "-o", str(output), "-f", "html,xlsx"]
            wall, cpu, peak, printed, error = run(command)
            if error:
                raise SystemExit(error)
            size = (output / "审核报告.html").stat().st_size / 2**20
        measured.append((count, wall, cpu, peak))
        print(
            f"{count:5d} filings: {wall:6.1f} s wall, {cpu:6.1f} s CPU, {cpu / count * 1000:5.1f} ms "
            f"CPU a filing, peak {peak:6.0f} MB; page {size:.1f} MB — {printed.strip().splitlines()[-1]}"
        )
    if len(measured) > 1:
        (few, _, cpu_few, peak_few), (many, _, cpu_many, peak_many) = measured[0], measured[-1]
        per_filing = (peak_many - peak_few) * 1024 / (many - few)
        print(
            f"each filing above {few}: {per_filing:.0f} KB of memory, "
            f"{(cpu_many - cpu_few) / (many - few) * 1000:.1f} ms CPU"
        )


if __name__ == "__main__":
    main()
