"""What the report shows of a text a department wrote (a name, a file name, a message quoting
it): every character as text — a control or bidi character written as ``<U+202E>``
(``findings.visible``), never obeyed by a browser, a spreadsheet or a PDF reader — and at most
``LIMIT`` characters of it, then how long it was. A name of a million characters is one
filing's mistake; the report shows it beside every finding of that filing, so whole it would
make the page a gigabyte."""

from __future__ import annotations

from pbgen.findings import visible

LIMIT = 1000  # characters of one text; a department's name is ~20, a finding's message < 300
LABEL = 30  # characters of a chart's label: the table beside it has the whole name
LISTED = 500  # findings of one filing listed on the page (a real filing has a few dozen)
ALSO = 20  # other places listed under one finding (a code shared by a hundred departments)


def shown(text: object, limit: int = LIMIT) -> str:
    """``text`` as the report shows it: visible, cut at ``limit`` characters, saying so."""
    text = str(text)
    if len(text) <= limit:
        return visible(text)
    return f"{visible(text[:limit])}…（共 {len(text):,} 字，余下的见文件）"


def label(text: object, limit: int = LABEL) -> str:
    """A chart's label: visible, at most ``limit`` characters."""
    return visible(str(text), limit)
