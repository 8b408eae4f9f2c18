"""What every render worker needs, loaded once by the server the workers are forked from
(``pbgen.bounded``, on Linux): pbgen's pipeline and the PDF engine. Importing this module is
its work. The workers share these pages rather than each loading its own (~60 MB a worker);
frozen, the collector never writes them, so they stay shared."""

import contextlib
import gc

import pbgen.pipeline  # noqa: F401 (loaded for the workers)
from pbgen.errors import PbgenError
from pbgen.pdf_engine import load_weasyprint

with contextlib.suppress(PbgenError):  # no PDF engine here: a worker asked for a PDF says why
    load_weasyprint()
gc.freeze()
