"""One filing's text, as the editor holds it, checked: ``pbgen check``'s findings (the same
load, the same rules, the same words) each with the range of the text it is about.

Nothing here reads the file on disk: the text is the editor's, unsaved edits included. The
file's path only names the filing in messages and finds its layouts (``pbgen.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pbgen.errors import InputError
from pbgen.findings import Finding
from pbgen.load import Source, parse, validate
from pbgen.lsp.kit import Rulebook, rulebook
from pbgen.lsp.nodes import Span, span, text_span
from pbgen.pipeline import CheckResult, looks_like_filing


@dataclass(frozen=True)
class Located:
    """A finding and the range of text it is about."""

    finding: Finding
    span: Span


@dataclass
class Analysis:
    """The text, its YAML nodes (``source.root``; None when the YAML cannot be read), the
    findings in the text's order, and the rulebook they were checked against."""

    text: str
    file: Path
    source: Source | None
    result: CheckResult
    book: Rulebook
    located: list[Located] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def data(self):
        return self.source.data if self.source is not None else None


def analyze(text: str, file: Path) -> Analysis:
    """Check ``text`` as the filing ``file``. A YAML file that is not a filing (a CI recipe,
    pbgen.toml's neighbours) gets no findings: pbgen has nothing to say about it."""
    name = str(file)
    source = None
    book = rulebook(file, None)
    if not looks_like_filing(text):
        result = CheckResult(name)
    else:
        try:
            source = parse(text, name, keep_nodes=True)
            book = rulebook(file, source.data)
            result = book.check(validate(source))
        except InputError as error:
            result = CheckResult(name, error.findings, readable=False)
    analysis = Analysis(text, file, source, result, book)
    lines = analysis.lines
    for finding in result.findings:
        if finding.path and source is not None and source.root is not None:
            where = span(source.root, finding.path, lines)
        else:
            where = text_span(lines, finding.line, finding.column)
        analysis.located.append(Located(finding, where))
    return analysis
