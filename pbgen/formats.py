"""The output formats a layout renders in: one registry, each format generic over the context.

Modelled on Sphinx's builder registry: a format is a small object — its name, the suffix of
its file, whether it needs the PDF engine (WeasyPrint and Pango), the module whose
``render(context, layout, timestamp)`` makes it, and whether it renders beside the others. ``Layout.render`` loops over the formats asked
for; no renderer knows a form by name, each reads what it needs from the layout's own
templates. The renderer module is named, not imported: it loads when its format is asked for
(as Sphinx loads a builder's extension), so DOCX and XLSX never load WeasyPrint and
`pbgen check` loads no renderer at all. ``register`` adds a format.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass

from pbgen.output import Output


@dataclass(frozen=True)
class Format:
    name: str  # as a manifest's ``formats`` and ``--format`` name it
    suffix: str
    needs_pdf_engine: bool
    renderer: str  # the module whose render(context, layout, timestamp) -> Output makes it
    # rendered in a thread beside the other formats: it waits on another program (LibreOffice
    # lays out the DOCX) while the others use the processor
    beside: bool = False

    def render(self, context: dict, layout, timestamp: datetime.datetime) -> Output:
        return self.load().render(context, layout, timestamp)

    def prepare(self, layout) -> None:
        """Start what rendering ``layout`` in this format will wait for, as soon as the layout
        is known: the renderer's ``prepare(layout)``, when it has one (the DOCX's starts
        LibreOffice)."""
        prepare = getattr(self.load(), "prepare", None)
        if prepare is not None:
            prepare(layout)

    def load(self):
        """The renderer module, imported now."""
        return importlib.import_module(self.renderer)


FORMATS: dict[str, Format] = {}


def register(format_: Format) -> None:
    """Add (or replace) a format; its renderer module is imported only when it is used."""
    FORMATS[format_.name] = format_


register(Format("docx", ".docx", needs_pdf_engine=False, renderer="pbgen.render_docx", beside=True))
register(Format("pdf", ".pdf", needs_pdf_engine=True, renderer="pbgen.render_pdf"))
register(Format("xlsx", ".xlsx", needs_pdf_engine=False, renderer="pbgen.render_xlsx"))
