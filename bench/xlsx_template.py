"""Benchmark (not a test): XLSX from a layout's Excel template — pbgen's renderer (openpyxl, Jinja
in cells, ``pbgen.render_xlsx``) against xltpl, the kept library that does the same.

xltpl is not a dependency of pbgen: install it to compare (``pip install xltpl``; it brings
xlrd, xlwt and six). For 100, 1000 and 5000 projects of the 公开表 it prints the seconds each
takes, and what each gives that the form needs: page breaks and 「（续）」 rows, SUM formulas with
their results, text that stays text (a goal starting with ``=``), the same bytes twice, a
sandboxed template (a template written by a bureau must not reach Python's internals).
xltpl fills a plain row per project — the least of what the 公开表 needs — so its time is a
floor for it; pbgen's includes the paging, merges and sums.

    .venv/bin/python bench/xlsx_template.py
"""

from __future__ import annotations

import datetime
import io
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import yaml
from openpyxl.comments import Comment

from pbgen.context import build_context
from pbgen.layouts import find_layout
from pbgen.load import load
from pbgen.render_xlsx import render_xlsx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale

STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
INJECTION = '=HYPERLINK("http://example.invalid","点击")'
ESCAPE = "{{ ''.__class__.__mro__[1].__subclasses__() | length }}"


def context_of(projects: int, folder: Path) -> dict:
    data = scale.filing(projects)
    data["layout"] = "gongkai"
    data["units"][0]["projects"][0]["goals"] = [INJECTION]
    path = folder / f"{projects}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return build_context(load(path).filing, find_layout("gongkai"))


def xltpl_template(folder: Path, cell_a3: str = "{{ row.code }}") -> Path:
    """The 公开表 as xltpl writes it: one row repeated per row of ``rows`` (the loop in cell
    notes: xltpl 0.21 drops a row loop written in a cell's value)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "{{ title }}"
    for column, text in enumerate(
        ["单位编码", "单位及项目名称", "金额", "绩效目标", "绩效指标"], 1
    ):
        sheet.cell(row=2, column=column, value=text)
    sheet["A3"] = cell_a3
    sheet["A3"].comment = Comment("beforerow{% for row in rows %}", "pbgen")
    sheet["B3"] = "{{ row.name }}"
    sheet["C3"] = "{% xv row.number %}"
    sheet["D3"] = "{{ row.goal_text }}"
    sheet["E3"] = "{{ row.indicator_text }}"
    sheet["A4"] = "合计见上"
    sheet["A4"].comment = Comment("beforerow{% endfor %}", "pbgen")
    path = folder / "xltpl.xlsx"
    workbook.save(path)
    return path


def xltpl_rows(context: dict) -> dict:
    rows = [
        {
            **row,
            "number": float(row["amount"] or 0),
            "goal_text": "\n".join(row["goals"]),
            "indicator_text": "\n".join(line["text"] for line in row["indicators"]),
        }
        for row in context["rows"]
    ]
    return {**context, "rows": rows}


def run_xltpl(template: Path, context: dict) -> bytes:
    from xltpl.writerx import BookWriter

    writer = BookWriter(str(template))
    writer.render_book([xltpl_rows(context)])
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def seconds(function, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_seconds(module: str) -> float:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
    )
    last = [line for line in done.stderr.splitlines() if line.rstrip().endswith(f"| {module}")]
    return int(last[-1].split("|")[1]) / 1e6 if last else float("nan")


def sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def main() -> None:
    try:
        import xltpl  # noqa: F401
    except ImportError:
        print("xltpl is not installed: pip install xltpl (it brings xlrd, xlwt, six) to compare")
        return
    ours = find_layout("gongkai").folder / "template.xlsx"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        template = xltpl_template(folder)
        print(f"{'projects':>9}{'pbgen s':>10}{'xltpl s':>10}")
        for projects in (100, 1000, 5000):
            context = context_of(projects, folder)
            runs = 3 if projects < 5000 else 1
            mine = seconds(lambda: render_xlsx(context, ours, STAMP), runs)  # noqa: B023
            theirs = seconds(lambda: run_xltpl(template, context), runs)  # noqa: B023
            print(f"{projects:>9}{mine:>10.2f}{theirs:>10.2f}")
        context = context_of(10, folder)
        mine_bytes = render_xlsx(context, ours, STAMP)
        theirs_bytes = run_xltpl(template, context)
        print(f"import: openpyxl {import_seconds('openpyxl'):.3f} s, "
              f"xltpl.writerx {import_seconds('xltpl.writerx'):.3f} s")  # fmt: skip
        print("same bytes twice:",
              f"pbgen {render_xlsx(context, ours, STAMP) == mine_bytes},",
              f"xltpl {run_xltpl(template, context) == theirs_bytes}")  # fmt: skip
        print("a goal starting with = stays text:",
              f"pbgen {'<f>HYPERLINK' not in sheet_xml(mine_bytes)},",
              f"xltpl {'<f>HYPERLINK' not in sheet_xml(theirs_bytes)}")  # fmt: skip
        print("page breaks / SUM formulas:",
              f"pbgen {'<rowBreaks' in sheet_xml(mine_bytes)} / {'<f>SUM' in sheet_xml(mine_bytes)},",
              f"xltpl {'<rowBreaks' in sheet_xml(theirs_bytes)} / {'<f>SUM' in sheet_xml(theirs_bytes)}")  # fmt: skip
        escaped = xltpl_template(folder, ESCAPE)
        try:
            data = run_xltpl(escaped, context)
            shown = openpyxl.load_workbook(io.BytesIO(data)).active["A3"].value
            said = f"xltpl prints {shown!r} (the number of Python's classes)"
        except Exception as error:
            said = f"xltpl refuses it ({type(error).__name__})"
        print(f"a template reaching Python's classes: {said}; pbgen refuses it (sandboxed)")


if __name__ == "__main__":
    main()
