"""The library API: what the CLI calls, one function per job.

``render_file`` reads as the pipeline: load → check → context → render → write. Everything
here is importable without the rendering libraries, so ``pbgen check`` starts fast.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pbgen.errors import InputError, PbgenError
from pbgen.findings import Finding, has_errors
from pbgen.resources import PACKAGE, templates_dir

FILING_SUFFIXES = (".yaml", ".yml")
TEMPLATES = templates_dir()
FORMATS = ("docx", "pdf", "xlsx")


@dataclass
class CheckResult:
    """The findings for one file; ``readable`` is False when it could not be loaded at all."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True

    @property
    def failed(self) -> bool:
        return not self.readable or has_errors(self.findings)


def find_filings(paths: Iterable[Path | str]) -> list[Path]:
    """Files named on the command line, and the .yaml files inside named folders (sorted)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in FILING_SUFFIXES)
            if not inside:
                raise PbgenError(f"{path}：文件夹里没有 .yaml 文件。")
            found += inside
        else:
            found.append(path)  # a missing file is reported by load(), with the others
    return found


def check_file(path: Path | str) -> CheckResult:
    """Load one filing and run every rule on it."""
    from pbgen.check import check
    from pbgen.load import load

    try:
        loaded = load(path)
    except InputError as error:
        return CheckResult(str(path), error.findings, readable=False)
    return CheckResult(str(path), check(loaded))


def check_files(paths: Iterable[Path | str]) -> list[CheckResult]:
    return [check_file(path) for path in find_filings(paths)]


@dataclass
class RenderResult:
    """What one filing became: the files written, its page count, the seconds it took, and how
    many check errors it still carries (rendered anyway, as a draft)."""

    file: str
    outputs: list[Path]
    pages: int | None  # None when no PDF was made (the DOCX has no page count of its own)
    seconds: float
    check_errors: int
    unprinted: list[str] = field(default_factory=list)
    layout: str = ""
    skipped: bool = False  # outputs already newer than input, templates and pbgen


def build_timestamp(year: int) -> datetime:
    """The date stamped into outputs: SOURCE_DATE_EPOCH when set, else 1 January of the budget
    year — never the wall clock, so the same input gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime(year, 1, 1, tzinfo=UTC)


def template_folder(layout: str, template_dir: Path | None = None) -> Path:
    """The layout's templates: ``DIR/<layout>/`` or ``DIR`` itself when given, else ours."""
    if template_dir is None:
        return TEMPLATES / layout
    folder = template_dir / layout if (template_dir / layout).is_dir() else template_dir
    if not folder.is_dir():
        raise PbgenError(f"找不到模板文件夹 {template_dir}。")
    return folder


def render_file(
    path: Path | str,
    output_dir: Path | str = "output",
    formats: Sequence[str] | None = None,
    layout: str | None = None,
    template_dir: Path | None = None,
    force: bool = True,
) -> RenderResult:
    """One filing to its documents in ``output_dir``: load → check → context → render → write.

    ``formats`` defaults to every format of the layout; ``layout`` overrides the filing's own;
    without ``force``, outputs newer than the input, the templates and pbgen are kept.
    """
    from pbgen.check import check
    from pbgen.layouts import find_layout
    from pbgen.load import load
    from pbgen.write import write_atomic

    start = time.perf_counter()
    loaded = load(path)
    errors = sum(finding.severity == "error" for finding in check(loaded))
    filing = loaded.filing
    chosen = find_layout(layout or filing.layout)
    formats = list(formats or default_formats(chosen.formats))
    unsupported = [name for name in formats if name not in chosen.formats]
    if unsupported:
        raise PbgenError(
            f"「{chosen.name}」没有 {'、'.join(unsupported)} 格式；可选：{'、'.join(chosen.formats)}。"
        )
    module = chosen.module
    folder = template_folder(chosen.id, template_dir)
    targets = [Path(output_dir) / f"{Path(path).stem}.{ext}" for ext in FORMATS if ext in formats]
    unprinted = module.unprinted_fields(filing)
    if not force and up_to_date(targets, [Path(path), folder, PACKAGE]):
        seconds = time.perf_counter() - start
        return RenderResult(str(path), targets, 0, seconds, errors, unprinted, chosen.id, True)
    context = module.build_context(filing, str(path))
    rendered = module.render(context, folder, formats, build_timestamp(filing.year))
    for target in targets:
        write_atomic(target, rendered.files[target.suffix.lstrip(".")])
    seconds = time.perf_counter() - start
    return RenderResult(str(path), targets, rendered.pages, seconds, errors, unprinted, chosen.id)


def default_formats(formats: Sequence[str]) -> list[str]:
    """A layout's formats this machine can make: without the PDF engine (no Pango), the others."""
    if "pdf" in formats:
        from pbgen.render_pdf import pdf_engine_problem

        if pdf_engine_problem() is not None:
            return [name for name in formats if name != "pdf"]
    return list(formats)


def newest_change(paths: Iterable[Path]) -> float:
    """The latest modification time of these files, or of any file inside these folders."""
    times = []
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        times += [file.stat().st_mtime for file in files if "__pycache__" not in file.parts]
    return max(times, default=0.0)


def up_to_date(outputs: list[Path], sources: list[Path]) -> bool:
    """Every output exists and is newer than the input, the templates and pbgen itself."""
    if not all(output.is_file() for output in outputs):
        return False
    return min(output.stat().st_mtime for output in outputs) > newest_change(sources)


@dataclass
class RenderFailure:
    """A filing that did not render: its message, as the user should read it."""

    file: str
    message: str


def _render_one(path: Path, options: dict) -> RenderResult | RenderFailure:
    try:
        return render_file(path, **options)
    except InputError as error:
        return RenderFailure(
            str(path), f"{error}\n{path}：无法读取，未生成（pbgen check {path}）。"
        )
    except PbgenError as error:
        return RenderFailure(str(path), str(error))


def render_many(paths: Sequence[Path], jobs: int | None = None, **options):
    """Render every filing, in parallel on ``jobs`` processes (default: all cores); yields one
    ``RenderResult`` or ``RenderFailure`` per filing as each finishes. One failure never stops
    the others."""
    workers = min(jobs or os.cpu_count() or 1, len(paths))
    if workers <= 1:
        for path in paths:
            yield _render_one(path, options)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_render_one, path, options) for path in paths]
        for future in as_completed(futures):
            yield future.result()
