"""Benchmark (not a test): ``pbgen import``, timed and measured.

seeds: every seed's DOCX (the 公开表 also XLSX) rendered by pbgen and re-saved by LibreOffice,
imported: the layout found, the values placed (of how many the seed holds), the text left over
as comments, whether the filing equals the seed, the time (CPU and wall; the machine is shared,
so CPU is the figure to compare) and a cold ``pbgen import`` process.
corpus (tests/importer/corpus.py): per clerk-style document, the values placed (and how many the
filing written by hand holds), the texts kept as comments, whether the filing equals the one
written by hand, and the time of a cold ``pbgen import`` process (a .doc/.xls converted by
LibreOffice included).
hostile (tests/importer/hostile.py): exit status, wall time and peak memory of a cold
``pbgen import`` of each case, killed after ``--timeout`` seconds and limited to ``--memory`` MB
of address space. ``PBGEN=…`` measures another pbgen (the figures "before" were main's).

    python bench/import.py [seeds|corpus|hostile|all] [--timeout 120] [--memory 4096]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PBGEN = os.environ.get("PBGEN") or str(Path(sys.executable).with_name("pbgen"))  # or another pbgen
sys.path.insert(0, str(ROOT / "tests"))


def seeds() -> None:
    from office import soffice_convert

    from pbgen.importer import comparable, count_values, import_file
    from pbgen.load import load
    from pbgen.pipeline import render_file

    seeds = sorted((ROOT / "data").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rendered, resaved, imported = folder / "r", folder / "s", folder / "i"
        for seed in seeds:
            kinds = ["docx", "xlsx"] if "menyuan" in seed.name else ["docx"]
            render_file(seed, rendered, formats=kinds)
        for kind in ("docx", "xlsx"):
            soffice_convert(sorted(rendered.glob(f"*.{kind}")), kind, resaved)
        print("pbgen import of each seed's document as LibreOffice re-saved it")
        print(
            f"{'document':<24}{'layout':<8}{'placed':>7}{'of':>5}{'left':>5}{'same':>6}"
            f"{'cpu s':>7}{'wall s':>8}{'cold s':>8}"
        )
        for document in sorted(resaved.iterdir()):
            if document.suffix not in (".docx", ".xlsx"):
                continue
            seed = ROOT / "data" / f"{document.stem}.yaml"
            import_file(document, imported / f"warm-{document.name}.yaml")  # warm the imports
            cpu, wall = time.process_time(), time.perf_counter()
            result = import_file(document, imported / f"{document.name}.yaml")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            mine, theirs = load(result.output), load(seed)
            same = comparable(mine.filing) == comparable(theirs.filing)
            start = time.perf_counter()
            subprocess.run(
                [
                    str(PBGEN),
                    "import",
                    str(document),
                    "-o",
                    str(imported / f"cold-{document.name}.yaml"),
                ],
                check=False,
                capture_output=True,
            )
            cold = time.perf_counter() - start
            imported_ = result.imported
            placed, total = count_values(mine.source.data), count_values(theirs.source.data)
            print(
                f"{document.name:<24}{imported_.layout:<8}{placed:>7}{total:>5}"
                f"{len(imported_.notes):>5}{'yes' if same else 'NO':>6}{cpu:7.2f}{wall:8.2f}"
                f"{cold:8.2f}"
            )


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
    parser.add_argument(
        "what", nargs="?", default="all", choices=["seeds", "corpus", "hostile", "all"]
    )
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--memory", type=int, default=4096)
    args = parser.parse_args()
    if args.what in ("seeds", "all"):
        seeds()
    with tempfile.TemporaryDirectory(prefix="pbgen-bench-") as tmp:
        folder = Path(tmp)
        if args.what in ("corpus", "all"):
            corpus(folder, args.timeout)
        if args.what in ("hostile", "all"):
            hostile(folder, args.timeout, args.memory)


if __name__ == "__main__":
    main()
