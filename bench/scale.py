"""Benchmark, not a test: one 绩效文本 with 100, 1000 and 5000 projects (generated from a seed,
so every run renders the same filings), and one project whose 指标值 is 200,000 characters.
Each is rendered by `pbgen render --force` in a fresh process; prints wall time, CPU time
(user+sys of that process and of the LibreOffice it runs) and peak memory (ru_maxrss of the
largest of them).

Peak memory does not depend on the machine's load; wall time does — compare CPU time when
other work runs. `python bench/scale.py 100 1000` runs only those sizes; `pdf` or `docx` among
the arguments renders only that format (default: the layout's, DOCX and PDF); a layout's id
(`gongkai`, `fubiao`, `shenbao`) renders the filing in that layout instead of its own (绩效文本):
`python bench/scale.py 1000 5000 gongkai pdf` is the 公开表 PDF.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PBGEN = Path(sys.executable).with_name("pbgen")
SEED = ROOT / "tests" / "fixtures" / "clean.yaml"
SIZES = (100, 1000, 5000)
LAYOUTS = ("wenben", "gongkai", "fubiao", "shenbao")
WORDS = [
    "视察",
    "调研",
    "协商",
    "提案",
    "委员",
    "履职",
    "培训",
    "宣传",
    "文史",
    "资料",
    "会议",
    "服务",
    "监督",
    "建议",
    "落实",
    "完成",
]


def filing(projects: int, seed: int = 2024) -> dict:
    """The clean fixture with ``projects`` projects: names, codes, amounts and goals vary with
    a fixed random seed, so the pages break differently but identically on every run."""
    rng = random.Random(seed)
    data = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    template = data["units"][0]["projects"][0]
    items = []
    for n in range(projects):
        item = yaml.load(yaml.safe_dump(template), Loader=yaml.BaseLoader)
        words = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        item["code"] = f"P{n:05d}"
        item["name"] = f"{words}专项经费{n}"
        item["budget"] = item["fiscal"] = f"{rng.randint(10, 500)}.00"
        for expense in item.get("tables", {}).get("expense_details", []):
            expense["amount"] = item["budget"]  # a clean filing: the check finds nothing
        item.pop("other", None)
        item["goals"] = ["".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))) + "。"]
        items.append(item)
    data["units"][0]["projects"] = items
    data["units"][0].pop("total", None)
    data.pop("department_budget", None)
    return data


def long_value(characters: int = 200_000) -> dict:
    data = filing(1)
    rows = data["units"][0]["projects"][0]["indicators"]["产出指标"]["数量指标"]
    rows[0]["value"] = "完成视察任务" * (characters // 6)
    return data


def run(command: list[str]) -> tuple[float, float, float, str, str]:
    """Wall time, CPU time and peak MB of ``command`` in a fresh process, what it printed, and
    what went wrong: ``wait4`` gives the rusage of that process and of the children it waited
    for (LibreOffice), peak memory being that of the largest single one."""
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=output, stderr=errors, env={**os.environ, "COLUMNS": "300"}
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        output.seek(0)
        errors.seek(0)
        error = "" if status == 0 else errors.read().decode()[-2000:]
        printed = output.read().decode()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, printed, error


def measure(name: str, data: dict, work: Path, formats: list[str], layout: str | None) -> None:
    """Render in a fresh process (``run``)."""
    path = work / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    command = [str(PBGEN), "render", str(path), "-o", str(work / "out"), "--force", "-j", "1"]
    command += [option for name in formats for option in ("-f", name)]
    command += ["--layout", layout] if layout else []
    wall, cpu, peak, output, error = run(command)
    row = next((line for line in output.splitlines() if f"{name}.yaml" in line), "")
    cells = row.split()  # 文件 版式 页数 错误 秒 结果
    pages = cells[2] if len(cells) > 2 else "?"
    pdf = work / "out" / f"{name}.pdf"
    size = f", PDF {pdf.stat().st_size / 2**20:.1f} MB" if pdf.is_file() else ""
    status = f"failed:\n{output[-2000:]}{error}" if error else "ok"
    print(
        f"{name:>20}: {wall:7.1f} s wall, {cpu:7.1f} s CPU, "
        f"peak {peak:6.0f} MB, {pages} pages{size}, {status}",
        flush=True,
    )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or SIZES
    formats = [arg for arg in sys.argv[1:] if arg in ("pdf", "docx")]
    layout = next((arg for arg in sys.argv[1:] if arg in LAYOUTS), None)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in sorted(sizes):
            measure(f"{size}-projects", filing(size), work, formats, layout)
        if not any(arg.isdigit() for arg in sys.argv[1:]):
            measure("200000-char-value", long_value(), work, formats, layout)


if __name__ == "__main__":
    main()
