"""Benchmark, not a test: one 绩效文本 with 100, 1000 and 5000 projects (generated from a seed,
so every run renders the same filings), and one project whose 指标值 is 200,000 characters.
Each is rendered by `pbgen render --force` in a fresh process; prints wall time, CPU time
(user+sys of that process) and its peak memory (ru_maxrss).

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
        for expense in item.get("expense_details", []):
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


WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(done.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
print(done.stdout)
print(done.stderr[-2000:] if done.returncode else "")
"""


def measure(name: str, data: dict, work: Path, formats: list[str], layout: str | None) -> None:
    """Render in a fresh process, itself run by a small wrapper whose only child it is: the
    wrapper's RUSAGE_CHILDREN is that render's CPU time and peak memory."""
    path = work / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    command = [str(PBGEN), "render", str(path), "-o", str(work / "out"), "--force", "-j", "1"]
    command += [option for name in formats for option in ("-f", name)]
    command += ["--layout", layout] if layout else []
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    wall = time.perf_counter() - start
    head, _, output = done.stdout.partition("\n")
    code, cpu, peak_kb = head.split()
    row = next((line for line in output.splitlines() if f"{name}.yaml" in line), "")
    cells = row.split()  # 文件 版式 页数 错误 秒 结果
    pages = cells[2] if len(cells) > 2 else "?"
    pdf = work / "out" / f"{name}.pdf"
    size = f", PDF {pdf.stat().st_size / 2**20:.1f} MB" if pdf.is_file() else ""
    status = "ok" if code == "0" else f"exit {code}:\n{output[-2000:]}"
    print(
        f"{name:>20}: {wall:7.1f} s wall, {float(cpu):7.1f} s CPU, "
        f"peak {int(peak_kb) / 1024:6.0f} MB, {pages} pages{size}, {status}",
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
