"""Benchmark (not a test): `pbgen render` of the 绩效文本 seeds, cold and warm.

Cold: a fresh `pbgen render FILE` process per seed (includes start-up and every import).
Warm: `render_file` again in this process (templates and fonts already loaded).
Prints pages and seconds per seed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
SEEDS = ["leting-2024", "shanhaiguan-2020", "zunhua-2024"]


def main() -> None:
    from pbgen.pipeline import render_file
    from pbgen.render_pdf import harfbuzz_subset_available

    print(f"HarfBuzz subsetting: {'yes' if harfbuzz_subset_available() else 'NO (slow path)'}")
    print(f"{'filing':<20}{'pages':>6}{'cold s':>9}{'warm s':>9}")
    with tempfile.TemporaryDirectory() as out:
        for seed in SEEDS:
            filing = ROOT / "data" / f"{seed}.yaml"
            start = time.perf_counter()
            subprocess.run(
                [str(PBGEN), "render", str(filing), "-o", out], check=True, capture_output=True
            )
            cold = time.perf_counter() - start
            render_file(filing, out)  # warm the caches
            result = render_file(filing, out)
            print(f"{seed:<20}{result.pages:>6}{cold:9.2f}{result.seconds:9.2f}")


if __name__ == "__main__":
    main()
