"""The layouts pbgen renders a filing in, and what each needs.

Each layout is a module ``pbgen.layouts.<id>`` with three functions:
``build_context(filing, file)`` (raises ``MissingDataError`` naming what the filing lacks),
``render(context, folder, formats, timestamp) -> Rendered`` and ``unprinted_fields(filing)``
(what the filing gives that the layout has no place for). Templates live in
``templates/<id>/``. Modules are imported only when a layout is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from pbgen.errors import PbgenError
from pbgen.model import LAYOUT_ALIASES


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]  # format → bytes
    pages: int | None  # the PDF's page count; None when no PDF was made


def pdf_if_asked(context, folder: Path, formats) -> Rendered:
    """The PDF when it is asked for, else nothing: DOCX and XLSX never load the PDF engine
    (WeasyPrint, Pango), so they render where it is missing."""
    if "pdf" not in formats:
        return Rendered({}, None)
    from pbgen.render_pdf import render_pdf

    pdf = render_pdf(context, folder)
    return Rendered({"pdf": pdf.data}, pdf.pages)


@dataclass(frozen=True)
class Layout:
    id: str
    name: str
    summary: str
    needs: str
    formats: tuple[str, ...]

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"pbgen.layouts.{self.id}")


LAYOUT_LIST = [
    Layout(
        "wenben",
        "部门预算绩效文本",
        "封面、目录、第一部分 部门整体绩效目标、第二部分 每个项目一张绩效目标表（种子 000/001/004）",
        "总体绩效目标、分项绩效目标、工作保障措施；每个项目的项目编码、资金用途、资金支出计划、绩效目标、绩效指标",
        ("docx", "pdf"),
    ),
    Layout(
        "gongkai",
        "项目支出绩效目标公开表",
        "一张横排大表：单位编码、单位及项目名称、金额、绩效目标、绩效指标，含单位小计与合计（种子 002）",
        "每个单位的单位编码；每个项目的预算数、绩效目标、绩效指标",
        ("docx", "pdf", "xlsx"),
    ),
    Layout(
        "fubiao",
        "附表1–3",
        "附表1 部门整体支出绩效目标表、附表2 专项资金绩效目标汇总表、附表3 每个项目一张支出方向绩效目标表（种子 003）",
        "年度预算申请、部门职责概述、年度重点工作计划、部门年度绩效指标；每个项目的实施期绩效目标、绩效目标、绩效指标",
        ("docx", "pdf"),
    ),
]
LAYOUTS: dict[str, Layout] = {layout.id: layout for layout in LAYOUT_LIST}


def find_layout(name: str) -> Layout:
    """A layout by its id (wenben) or Chinese name (绩效文本)."""
    layout = LAYOUTS.get(LAYOUT_ALIASES.get(name, name))
    if layout is None:
        choices = "、".join(f"{layout.id}（{layout.name}）" for layout in LAYOUT_LIST)
        raise PbgenError(f"没有名为「{name}」的版式；可选：{choices}。")
    return layout
