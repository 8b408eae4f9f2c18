"""``pbgen report``: the finance bureau's desk — a folder of filings in, one report out.

The report reads as its pipeline: each filing is read, judged (``judge``) and digested in turn,
then let go (``digest``); the checks no single filing can make run over the digests (``cross``,
and ``ledger`` against the bureau's budget system); each filing is set against last year's
(``yoy``) — all in ``build``. The page (``page``, with ``charts``) and the workbooks
(``workbook``) are written from that. ``book`` joins rendered PDFs into one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pbgen.pipeline import output_names
from pbgen.report.build import Report, build_report
from pbgen.report.page import render_page
from pbgen.report.workbook import feedback_name, feedback_workbook, summary_workbook

__all__ = ["FORMATS", "Report", "build_report", "report_files"]

FORMATS = ("html", "xlsx")
NAME = "审核报告"


def report_files(
    report: Report, output: Path, formats: Iterable[str] = ("html",), feedback: bool = False
) -> dict[Path, bytes]:
    """What ``pbgen report`` writes into ``output``: the page, the summary workbook, and with
    ``feedback`` each filing's 审核意见."""
    files: dict[Path, bytes] = {}
    if "html" in formats:
        target = output / f"{NAME}.html"
        files[target] = render_page(report, target)
    if "xlsx" in formats:
        files[output / f"{NAME}.xlsx"] = summary_workbook(report)
    if feedback:
        names = output_names(report.folders)
        for d in report.digests:
            files[output / feedback_name(d, names)] = feedback_workbook(report, d)
    return files
