"""One filing's text, as the editor holds it, checked: ``pbgen check``'s findings (the same
load, the same rules, the same words) each with the range of the text it is about.

Nothing here reads the file on disk: the text is the editor's, unsaved edits included. The
file's path only names the filing in messages and finds its layouts (``pbgen.toml``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pbgen import bounded
from pbgen.errors import InputError
from pbgen.findings import Finding
from pbgen.load import Source, parse, validate
from pbgen.lsp.kit import Rulebook, rulebook
from pbgen.lsp.nodes import Span, span, text_span
from pbgen.pipeline import CheckResult, looks_like_filing
from pbgen.watch import LIVE_MAX_BYTES


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


MAX_SHOWN = 1000  # findings an editor is sent; a text with 600,000 took minutes to place


def analyze(text: str, file: Path) -> Analysis:
    """Check ``text`` as the filing ``file``. A YAML file that is not a filing (a CI recipe,
    pbgen.toml's neighbours) gets no findings: pbgen has nothing to say about it."""
    source, result, book = _checked(text, file, keep_nodes=True)
    return _located(text, file, source, _capped(result), book)


def analyze_bounded(text: str, file: Path, cancelled: Callable[[], bool]) -> Analysis:
    """``analyze`` for a text past the language server's ``CHECKED_HERE_BYTES``: checked in
    pbgen's bounded worker (``pbgen.bounded``: its time and memory capped by the text's size,
    stopped as soon as ``cancelled()``), its findings placed by line and column. The filing
    loaded comes back only when the preview may render it (``watch.LIVE_MAX_BYTES``); past
    the bounds, one finding says so. Raises ``bounded.Cancelled``."""
    size = len(text.encode("utf-8"))
    limits = bounded.limits_for(size)
    try:
        result = bounded.run(
            check_text, text, file, size <= LIVE_MAX_BYTES,
            limits=limits, what=f"检查 {file}", cancelled=cancelled,
        )  # fmt: skip
    except bounded.Exceeded as stopped:
        message = bounded.too_much_to_read(stopped, limits, size, "检查")
        result = CheckResult(str(file), [Finding(str(file), 1, 1, "file", "error", "", message)],
                             readable=False)  # fmt: skip
    return _located(text, file, None, result, rulebook(file, None))


def check_text(text: str, file: Path, keep_filing: bool) -> CheckResult:
    """``analyze``'s check without the YAML nodes, in the bounded worker: what pickles back
    is the findings, and the loaded filing only when ``keep_filing``."""
    _, result, _ = _checked(text, file, keep_nodes=False)
    return _capped(result if keep_filing else replace(result, loaded=None))


def _capped(result: CheckResult) -> CheckResult:
    """The first ``MAX_SHOWN`` findings, and one that counts the rest."""
    rest = len(result.findings) - MAX_SHOWN
    if rest <= 0:
        return result
    message = (
        f"还有 {rest} 个问题没有列出（编辑器里只列前 {MAX_SHOWN} 个）：先改正列出的，"
        "其余的会接着列出；pbgen check 列出全部。"
    )
    first = [*result.findings[:MAX_SHOWN], Finding(result.file, 1, 1, "file", "error", "", message)]
    return replace(result, findings=first)


def _checked(
    text: str, file: Path, keep_nodes: bool
) -> tuple[Source | None, CheckResult, Rulebook]:
    name = str(file)
    book = rulebook(file, None)
    if not looks_like_filing(text):
        return None, CheckResult(name), book
    source = None
    try:
        source = parse(text, name, keep_nodes=keep_nodes)
        book = rulebook(file, source.data)
        return source, book.check(validate(source)), book
    except InputError as error:
        return source, CheckResult(name, error.findings, readable=False), book


def _located(text: str, file: Path, source, result: CheckResult, book: Rulebook) -> Analysis:
    """The analysis, each finding placed: at its node when the nodes were kept, else at its
    line and column."""
    analysis = Analysis(text, file, source, result, book)
    lines = analysis.lines
    for finding in result.findings:
        if finding.path and source is not None and source.root is not None:
            where = span(source.root, finding.path, lines)
        else:
            where = text_span(lines, finding.line, finding.column)
        analysis.located.append(Located(finding, where))
    return analysis
