"""The context stage: from a ``Filing`` to what a layout's templates print.

Every layout gets the filing's own fields and its projects (``filing_context``); the sections
its manifest names (``sections:``; all when it names none) add the structures forms are made
of, each computed by a module of its own and named for what it is, not for a form:

- ``outline``: a document in parts with a 目录 (cover, toc, part1, part1_blocks, part2);
- ``table_rows``: the budget hierarchy as one table with its totals (columns, rows);
- ``sheets``: the department's sheet, the 专项 summary, a sheet per project (signature,
  department_sheet, summary, directions).

A layout pays only for the sections it prints: a 公开表 of 5000 projects is not also laid out
as a 绩效文本's 目录 and 附表. Every string is final (numbering, totals, merge spans):
templates only place it. Plain data only — dicts, lists, strings, numbers, booleans, None —
documented variable by variable in templates/CONTEXT.md (a test keeps the two in step).
"""

from __future__ import annotations

from pbgen.context.indicators import indicator_rows
from pbgen.context.outline import outline
from pbgen.context.projects import project_entries
from pbgen.context.sheets import sheets
from pbgen.context.table_rows import table_rows
from pbgen.context.tables import department_budget, tables, texts
from pbgen.context.text import amount, extra_fields, paragraphs, text
from pbgen.model import Filing
from pbgen.templating import render_string

SECTIONS = {"outline": outline, "table_rows": table_rows, "sheets": sheets}


def build_context(filing: Filing, layout) -> dict:
    """What ``layout``'s templates get for ``filing``: its own fields, its projects and the
    sections the layout's manifest names."""
    context = filing_context(filing, layout)
    for name in layout.sections:
        context.update(SECTIONS[name](filing, context))
    return context


def filing_context(filing: Filing, layout) -> dict:
    """The filing's own fields, its projects, and the document title (the manifest's
    ``title``, rendered with them)."""
    department = filing.department
    kit = layout.kit
    projects = project_entries(filing, kit)
    entries = iter(projects)
    context = {
        "title": "",  # below, from the rest
        "draft": False,  # the pipeline's: True when the filing has check errors (「草稿」)
        "layout": {"id": layout.id, "name": layout.name},
        "year": filing.year,
        "money_unit": filing.money_unit,
        "department": {
            **{
                key: text(getattr(department, key))
                for key in type(department).model_fields
                if key not in ("extra", "tables")
            },
            "tables": tables(department, "department", kit),
            "texts": texts(department.extra, "department", kit),
            "extra": extra_fields(department.extra),
        },
        "overall_goal": paragraphs(filing.overall_goal.text if filing.overall_goal else None),
        "duties": paragraphs(filing.duties),
        "department_indicators": indicator_rows(filing.department_indicators or {}),
        "department_budget": department_budget(filing),
        "tables": tables(filing, "filing", kit),
        "texts": texts(filing.extra, "filing", kit),
        "extra": extra_fields(filing.extra),
        "total": amount(filing.project_total),
        "units": [
            {
                "code": text(unit.code),
                "name": unit.name,
                "label": f"{unit.code or ''}{unit.name}",
                "total": amount(unit.project_total),
                "texts": texts(unit.extra, "unit", kit),
                "extra": extra_fields(unit.extra),
                "projects": [next(entries) for _ in unit.projects],  # those of ``projects``
            }
            for unit in filing.units
        ],
        "projects": projects,
    }
    title = layout.manifest.title  # a Jinja expression over the context
    context["title"] = render_string(title, context, layout.folder / "manifest.yaml").strip()
    return context
