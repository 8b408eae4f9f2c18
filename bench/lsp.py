"""Benchmark, not a test: how long `pbgen lsp` takes from a change the clerk types
(textDocument/didChange) to the diagnostics of that text (textDocument/publishDiagnostics),
the debounce included, for seed 001 (data/shanhaiguan-2020.yaml) and a generated filing of 100
projects (bench/scale.py's). One warm server, as an editor keeps it; each change alternates a
指标值 between two texts, and waits for its own version's diagnostics before the next.

Prints the median, 90th percentile and fastest wall time per change, and the server process's
CPU time per change (user+sys from /proc): wall time depends on the machine's load (2 shared
cores here), CPU time much less. `python bench/lsp.py 50` makes 50 changes per filing.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from scale import filing as generated

from pbgen.lsp.server import DEBOUNCE

ROOT = Path(__file__).resolve().parents[1]
# tests/lsp/client.py, the client the tests drive pbgen lsp with (this file is named lsp.py,
# so it is loaded by its path)
_spec = importlib.util.spec_from_file_location("lsp_client", ROOT / "tests" / "lsp" / "client.py")
_client = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_client)
Client = _client.Client

CHANGES = int(sys.argv[1]) if len(sys.argv) > 1 else 30


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(client: Client, path: Path, text: str, old: str, new: str) -> dict:
    uri = client.open(path, text)
    client.diagnostics(uri, 1, timeout=120)  # the first check: imports, frameworks, layouts
    pid = client.process.pid
    before = cpu_seconds(pid)
    seconds = []
    for n in range(CHANGES):
        a, b = (old, new) if n % 2 == 0 else (new, old)
        start = time.perf_counter()
        version = client.replace(uri, a, b)
        arrived, _ = client.wait_diagnostics(uri, version, timeout=120)
        seconds.append(arrived - start)
        time.sleep(0.05)
    cpu = (cpu_seconds(pid) - before) / CHANGES
    return {
        "median": statistics.median(seconds),
        "p90": statistics.quantiles(seconds, n=10)[-1],
        "fastest": min(seconds),
        "cpu": cpu,
        "lines": text.count("\n") + 1,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        client = Client(folder)
        try:
            seed = (ROOT / "data" / "shanhaiguan-2020.yaml").read_text("utf-8")
            hundred = yaml.safe_dump(generated(100), allow_unicode=True, sort_keys=False)
            cases = [
                ("seed 001 (shanhaiguan-2020)", folder / "shanhaiguan-2020.yaml", seed),
                ("100 projects (bench/scale.py)", folder / "scale-100.yaml", hundred),
            ]
            print(f"didChange → publishDiagnostics, debounce {DEBOUNCE * 1000:.0f} ms included;")
            print(f"{CHANGES} changes each, one warm pbgen lsp, {os.cpu_count()} cores")
            print(
                f"{'filing':<32}{'lines':>7}{'median':>9}{'p90':>9}{'fastest':>9}{'CPU/change':>12}"
            )
            for name, path, text in cases:
                old = "value: ≥90%" if "value: ≥90%" in text else "value: '≥90%'"
                figures = measure(client, path, text, old, old.replace("90", "95"))
                print(
                    f"{name:<32}{figures['lines']:>7}{figures['median'] * 1000:>7.0f}ms"
                    f"{figures['p90'] * 1000:>7.0f}ms{figures['fastest'] * 1000:>7.0f}ms"
                    f"{figures['cpu'] * 1000:>10.0f}ms"
                )
        finally:
            client.close()


if __name__ == "__main__":
    main()
