"""Benchmark (not a test): ``pbgen import`` of the clerk-style corpus and of the hostile cases.

Corpus (tests/importer/corpus.py): per document, the values placed (and how many the expected
filing holds), the texts kept as comments, whether the filing equals the one written by hand,
and the time of a cold ``pbgen import`` process (conversion of .doc/.xls included).
Hostile cases (tests/importer/hostile.py): exit status, wall time and peak memory of a cold
``pbgen import``, killed after ``--timeout`` seconds and limited to ``--memory`` MB of address
space (the figures "before" were taken with these limits: a case that hit one is shown so).

    python bench/import_safety.py [corpus|hostile|all] [--timeout 120] [--memory 4096]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PBGEN = os.environ.get("PBGEN") or str(Path(sys.executable).with_name("pbgen"))  # or another pbgen
sys.path.insert(0, str(ROOT / "tests"))


def kept_comments(text: str) -> int:
    """The source texts an import kept as comments: the entries below its notes heading."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if "导入时未能归位" in line), len(lines))
    return sum(1 for line in lines[start + 2 :] if line.startswith("#   ") and line[4:5] != " ")


def corpus(folder: Path, timeout: float) -> None:
    from importer.corpus import build, expected
    from importer.hostile import run_import

    from pbgen.importer import comparable, count_values
    from pbgen.load import load

    print("pbgen import of the clerk-style corpus")
    print(f"{'document':<22}{'placed':>7}{'of':>5}{'comments':>9}{'same':>13}{'exit':>5}{'s':>7}")
    for name, path in build(folder / "corpus").items():
        out = folder / f"{name}.yaml"
        run = run_import([PBGEN, "import", str(path), "-o", str(out)], timeout=timeout)
        want = load(expected(name))
        placed, comments, same = 0, 0, "-"
        if out.is_file():
            text = out.read_text("utf-8")
            placed = count_values(yaml.load(text, Loader=yaml.BaseLoader))
            comments = kept_comments(text)
            try:
                mine = load(out)
                same = "yes" if comparable(mine.filing) == comparable(want.filing) else "NO"
            except Exception as error:  # a filing that does not load is a result here
                same = type(error).__name__
        total = count_values(yaml.load(expected(name).read_text("utf-8"), Loader=yaml.BaseLoader))
        print(
            f"{name:<22}{placed:>7}{total:>5}{comments:>9}{same:>13}{run.exit!s:>5}"
            f"{run.seconds:7.2f}"
        )


def hostile(folder: Path, timeout: float, memory: int) -> None:
    from importer.hostile import CASES, SECRET, Listener, run_import, stray_cell

    from pbgen.pipeline import render_file

    secret = folder / "secret.txt"
    secret.write_text(SECRET)
    seed = ROOT / "data" / "menyuan-2024.yaml"
    render_file(seed, folder / "own", formats=["xlsx"])
    cases = [(case.name, case.suffix, case.make) for case in CASES]
    cases.append(
        (
            "stray-cell-65536",
            ".xlsx",
            lambda p, s, port: stray_cell(folder / "own" / f"{seed.stem}.xlsx", p),
        )
    )
    print(f"pbgen import of hostile documents (killed at {timeout:g} s, {memory} MB address space)")
    print(f"{'case':<22}{'size KB':>9}{'exit':>6}{'s':>8}{'peak MB':>9}{'YAML KB':>9}  says")
    with Listener() as listener:
        for name, suffix, make in cases:
            path = make(folder / f"{name}{suffix}", secret, listener.port)
            out = folder / f"{name}.yaml"
            run = run_import(
                [PBGEN, "import", str(path), "-o", str(out)],
                timeout=timeout,
                memory_mb=memory,
            )
            exit_ = "kill" if run.exit is None else str(run.exit)
            size = out.stat().st_size / 1024 if out.is_file() else 0
            said = run.output.strip().splitlines()
            said = said[-1][:70] if said else ""
            print(
                f"{name:<22}{path.stat().st_size / 1024:9.0f}{exit_:>6}{run.seconds:8.1f}"
                f"{run.peak_mb:9.0f}{size:9.0f}  {said}"
            )
            leaked = SECRET in (out.read_text("utf-8", "replace") if out.is_file() else "")
            if leaked or listener.requests:
                print(
                    f"    !! read or fetched: secret in YAML {leaked}, requests {listener.requests}"
                )
            out.unlink(missing_ok=True)
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all", choices=["corpus", "hostile", "all"])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--memory", type=int, default=4096)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pbgen-bench-") as tmp:
        folder = Path(tmp)
        if args.what in ("corpus", "all"):
            corpus(folder, args.timeout)
        if args.what in ("hostile", "all"):
            hostile(folder, args.timeout, args.memory)


if __name__ == "__main__":
    main()
