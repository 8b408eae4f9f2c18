"""The library API: what the CLI calls, one function per job.

``render_file`` reads as the pipeline: load → check → context → render → write. Everything
here is importable without the rendering libraries, so ``pbgen check`` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import re
import signal
import stat
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from pbgen import bounded, office_pool, stamp
from pbgen.check import check
from pbgen.context import build_context
from pbgen.errors import InputError, PbgenError
from pbgen.findings import Finding, has_errors, visible
from pbgen.formats import FORMATS, Format, register
from pbgen.kitstore import kit_for
from pbgen.layouts import Rendered, layout_for
from pbgen.load import load, looks_like_filing
from pbgen.pdf_engine import harfbuzz_subset_available, load_weasyprint, pdf_engine_problem
from pbgen.resources import templates_dir
from pbgen.templating import template_roots
from pbgen.write import write_all

FILING_SUFFIXES = (".yaml", ".yml")
TEMPLATES = templates_dir()


@dataclass
class CheckResult:
    """The findings for one file; ``readable`` is False when it could not be loaded at all."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    loaded: Any = field(default=None, repr=False)  # the ``Loaded`` filing, when readable

    @property
    def failed(self) -> bool:
        return not self.readable or has_errors(self.findings)


def find_filings(paths: Iterable[Path | str], only_filings: bool = False) -> list[Path]:
    """Files named on the command line (always taken), and the filings inside named folders
    (sorted): dot-folders and what git ignores are skipped, and a YAML file counts only when
    its content says it is a filing (see ``is_filing``), so a repository's CI or pre-commit
    configuration is never checked as one. ``only_filings`` drops named files that are not
    filings either (a commit hook passes every staged YAML file)."""
    found = list(output_names(paths, only_filings))
    return found


def output_names(paths: Iterable[Path | str], only_filings: bool = False) -> dict[Path, Path]:
    """Each filing → where its outputs go under ``-o`` (without suffix): a named file by its
    stem, a file found in a named folder by its path inside that folder, so that
    教育局/2025.yaml and 财政局/2025.yaml never meet in one output."""
    found: dict[Path, Path] = {}
    for path in map(Path, paths):
        if path.is_dir():
            inside = [p for p in _yaml_files(path) if is_filing(p)]
            if not inside:
                raise PbgenError(
                    f"{path}：文件夹里没有绩效文本（以 pbgen: 或 year:、units: 等键开头的 .yaml 文件）。"
                )
            for file in inside:
                found.setdefault(file, file.relative_to(path).with_suffix(""))
        elif not only_filings or is_filing(path):  # a missing file is reported by load()
            found.setdefault(path, Path(path.stem))
    return found


def collisions(names: dict[Path, Path]) -> dict[Path, list[Path]]:
    """Filings whose outputs would land on the same files (compared as Windows and macOS
    compare names: case-insensitively), each with the others it collides with."""
    by_name: dict[str, list[Path]] = {}
    for file, name in names.items():
        by_name.setdefault(name.as_posix().casefold(), []).append(file)
    return {
        file: [other for other in group if other != file]
        for group in by_name.values()
        if len(group) > 1
        for file in group
    }


def _yaml_files(folder: Path) -> list[Path]:
    """The .yaml/.yml files under ``folder``, outside dot-folders and not ignored by git."""
    files = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        files += [Path(root, name) for name in names if Path(name).suffix in FILING_SUFFIXES]
    return sorted(set(files) - git_ignored(folder, files))


def git_ignored(folder: Path, files: list[Path]) -> set[Path]:
    """Which of ``files`` git ignores (.gitignore, .git/info/exclude, the global excludes);
    none when ``folder`` is not in a git work tree or git is missing."""
    import subprocess

    if not files:
        return set()
    try:
        done = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            input="\0".join(os.path.realpath(file) for file in files),  # a loop: left as it is
            cwd=folder,
            capture_output=True,
            text=True,
        )
    except OSError:
        return set()
    if done.returncode not in (0, 1):  # 128: not a repository
        return set()
    ignored = {Path(name) for name in done.stdout.split("\0") if name}
    return {file for file in files if Path(os.path.realpath(file)) in ignored}


def is_filing(path: Path) -> bool:
    """A filing by its content, not its suffix: the schema modeline, a ``pbgen:`` format key,
    or at least two of the top-level keys every filing has. A .yaml that is no regular file
    or cannot be read (a symlink loop, a named pipe) counts too: ``load`` then says why,
    rather than pbgen hanging on it or passing it over in silence."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return True
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return True
    return looks_like_filing(text)


def check_file(path: Path | str, kit_dir: Path | None = None) -> CheckResult:
    """Load one filing and run every rule on it, as its kit sets them."""
    try:
        loaded = load(path)
    except InputError as error:
        return CheckResult(str(path), error.findings, readable=False)
    return check_loaded(loaded, kit_for(Path(path), kit_dir))


def check_loaded(loaded, kit=None) -> CheckResult:
    """Every rule on a loaded filing (from a file, or an editor's text), and its layout."""
    chosen, problem = resolve_layout(loaded, kit)
    findings = check(loaded, kit, chosen)
    if problem is not None:
        findings.insert(0, problem)
    return CheckResult(loaded.source.file, findings, loaded=loaded)


def resolve_layout(loaded, kit=None):
    """(the filing's layout, None), or (None, the finding at its ``layout:`` line) when there is
    no layout of that name."""
    try:
        return choose_layout(loaded, kit=kit), None
    except PbgenError as error:
        line, column = loaded.source.locate(("layout",))
        message = re.sub(rf"^{re.escape(loaded.source.file)}[:\d]*：", "", str(error))
        finding = Finding(
            loaded.source.file, line, column, "layout", "error", "版式", message, ("layout",)
        )
        return None, finding


def check_files(
    paths: Iterable[Path | str], only_filings: bool = False, kit_dir: Path | None = None
) -> list[CheckResult]:
    return [check_file(path, kit_dir) for path in find_filings(paths, only_filings)]


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
    layout: str = ""  # the layout's Chinese name
    skipped: bool = False  # outputs already newer than input, templates and pbgen
    notices: list[str] = field(default_factory=list)  # about the outputs (a 目录 without pages)
    lacking: list[str] = field(default_factory=list)  # formats asked for that the layout has not


def build_timestamp(year: int) -> datetime:
    """The date stamped into outputs: SOURCE_DATE_EPOCH when set, else 1 January of the budget
    year — never the wall clock, so the same input gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime(year, 1, 1, tzinfo=UTC)


def render_file(
    path: Path | str,
    output_dir: Path | str = "output",
    formats: Sequence[str] | None = None,
    layout: str | None = None,
    template_dir: Path | None = None,
    force: bool = True,
    name: Path | str | None = None,
    kit_dir: Path | None = None,
    final: bool = False,
    pdfa: bool = False,
    cancelled=None,
    alone: bool = False,
) -> RenderResult:
    """One filing to its documents in ``output_dir``: load → check → context → render → write.

    ``formats`` defaults to every format of the layout; one the layout has not is left out
    (``lacking``), and nothing is written when none is left; ``layout`` overrides the filing's own;
    ``name`` is where the outputs go inside ``output_dir`` (default: the filing's stem). Without
    ``force``, outputs made from exactly this filing, layout, formats, templates and pbgen are
    kept (``pbgen.stamp``). The formats are written together or not at all. A filing with
    check errors is rendered as a draft (「草稿」 on every page), or refused when ``final``.
    ``pdfa``: the PDF in PDF/A-2b and tagged, whatever the layout's manifest says.
    ``cancelled()`` true stops the render (``bounded.Cancelled``): a batch being stopped.
    ``alone``: nothing else renders meanwhile (``render_in_memory``).
    """
    start = time.perf_counter()
    refuse_too_long(Path(path))
    loaded = load(path)
    kit = kit_for(Path(path), kit_dir)
    chosen = choose_layout(loaded, layout, template_dir, kit, pdfa)
    asked = list(formats or default_formats(chosen.formats))
    formats = [name for name in asked if name in chosen.formats]
    lacking = [name for name in asked if name not in chosen.formats]
    name = Path(name) if name is not None else Path(Path(path).stem)
    outputs = _Outputs(Path(path), Path(output_dir), name, chosen, kit, formats, pdfa)
    fresh = not force and outputs.up_to_date()
    if formats and not fresh:  # what the render will wait for starts now, in its workers
        _warm(chosen, formats, alone)
    errors = sum(finding.severity == "error" for finding in check(loaded, kit, chosen))
    if final and errors:
        raise PbgenError(
            f"{path}：检查发现 {errors} 个错误（含「待填」），--final 不生成定稿：请先改正"
            f"（pbgen check {path}），或去掉 --final 生成标有「草稿」的版本。"
        )
    filing = loaded.filing
    del loaded  # its YAML nodes and their lines served the findings: 60 MB for 5000 projects
    left_out = chosen.unprinted(filing)
    if not formats:  # nothing of what was asked: skipped, and the caller says so
        seconds = time.perf_counter() - start
        return RenderResult(
            str(path), [], None, seconds, errors, left_out, chosen.name, lacking=lacking
        )
    targets = list(outputs.files.values())
    if fresh:
        seconds = time.perf_counter() - start
        return RenderResult(
            str(path), targets, 0, seconds, errors, left_out, chosen.name, True, lacking=lacking
        )
    rendered = render_in_memory(
        filing, chosen, formats, str(path), draft=errors > 0, cancelled=cancelled, alone=alone
    )
    written = {target: rendered.files[format_] for format_, target in outputs.files.items()}
    # outputs with notices (a 目录 without page numbers) are never up to date: tried again
    made = {**outputs.key, "notices": rendered.notices} if rendered.notices else outputs.key
    write_all({**written, outputs.stamp_file: stamp.stamp_bytes(made, written)})
    seconds = time.perf_counter() - start
    return RenderResult(
        str(path),
        targets,
        rendered.pages,
        seconds,
        errors,
        left_out,
        chosen.name,
        notices=rendered.notices,
        lacking=lacking,
    )


class _Outputs:
    """Where a filing's formats are written, and what they are made from (``pbgen.stamp``)."""

    def __init__(self, path: Path, output_dir: Path, name: Path, chosen, kit, formats, pdfa):
        base = output_dir / name
        self.files = {
            f: base.with_name(base.name + FORMATS[f].suffix) for f in FORMATS if f in formats
        }
        self.stamp_file = stamp.stamp_path(output_dir, name)
        self.key = (
            stamp.make_key(
                path, chosen.id, formats, template_roots(chosen.folder), kit.identity(), pdfa
            )
            if formats
            else {}
        )

    def up_to_date(self) -> bool:
        return bool(self.files) and stamp.up_to_date(
            self.stamp_file, self.key, list(self.files.values())
        )


def start_early(path: Path | str, **options) -> None:
    """What ``render_file`` with these ``options`` will wait for starts now, in the render
    worker (``warm_up``): LibreOffice (a single render's office pass runs beside its PDF), the
    renderers and the PDF engine, loaded on the other core while this process checks the
    filing. Outputs up to date start nothing; a mistake is left for
    ``render_file`` to report. The PDF engine is taken to work (a machine without it at worst
    starts LibreOffice for nothing)."""
    pdfa = options.get("pdfa", False)
    try:
        loaded = load(path)
        kit = kit_for(Path(path), options.get("kit_dir"))
        chosen = choose_layout(
            loaded, options.get("layout"), options.get("template_dir"), kit, pdfa
        )
    except PbgenError:
        return
    asked = options.get("formats") or chosen.formats
    made = [format_ for format_ in asked if format_ in chosen.formats]
    name = Path(options.get("name") or Path(path).stem)
    output_dir = Path(options.get("output_dir", "output"))
    outputs = _Outputs(Path(path), output_dir, name, chosen, kit, made, pdfa)
    if options.get("force", True) or not outputs.up_to_date():
        _warm(chosen, made, options.get("alone", False))


def _warm(chosen, formats: Sequence[str], alone: bool) -> None:
    """``warm_up`` begun in the worker, or workers, that will render ``formats``."""
    here, beside = split_formats(formats, alone)
    bounded.begin(warm_up, chosen, [FORMATS[name] for name in here])
    if beside:
        bounded.begin(warm_up, chosen, [FORMATS[name] for name in beside], beside=True)


def warm_up(chosen, formats: list[Format]) -> None:
    """In the render worker, while the filing is loaded and checked: what rendering
    ``formats`` will wait for started (``Format.prepare``: LibreOffice for a DOCX with a 目录,
    in the offices this worker uses), their renderers loaded, and the PDF engine where one
    needs it."""
    for format_ in formats:
        register(format_)
        format_.prepare(chosen)
        if format_.needs_pdf_engine:
            load_weasyprint()


@functools.cache
def pdf_engine_state() -> tuple[str | None, bool]:
    """Why this machine makes no PDF (None: it does), and whether it subsets fonts fast
    (``pdf_engine``): asked of the render worker, where the PDF engine loads anyway, once."""
    return bounded.run(
        _pdf_engine_state, limits=bounded.limits_for(0), what="PDF 引擎（WeasyPrint）的载入"
    )


def _pdf_engine_state() -> tuple[str | None, bool]:
    return pdf_engine_problem(), harfbuzz_subset_available()


def render_in_memory(
    filing,
    chosen,
    formats: Sequence[str],
    file: str = "",
    draft=False,
    cancelled=None,
    alone=False,
    size=None,
):
    """context → render, nothing written: the ``Rendered`` bytes ``render_file`` writes and
    ``pbgen watch`` shows. Refuses a filing that lacks what the layout needs. ``draft`` (the
    filing has check errors) is the context's ``draft``: the templates mark every page 草稿. A
    layout's templates are others' code: they run in a worker process bounded in time and
    memory (``pbgen.bounded``), by ``file``'s size (``size`` bytes when the filing is an
    editor's text); ``cancelled()`` true stops it (``bounded.Cancelled``).
    ``alone``: nothing else renders meanwhile, so a format that waits on another program
    (``Format.beside``: the DOCX on LibreOffice) renders in a second worker, on another core."""
    here, beside = split_formats(formats, alone)
    timestamp = build_timestamp(filing.year)
    limits = _limits(file) if size is None else bounded.limits_for(size)
    what = _templates_of(chosen, file)

    def job(names: list[str], second: bool = False):
        formats_ = [FORMATS[name] for name in names]
        return bounded.run(
            render_job, filing, chosen, formats_, file, timestamp, draft,
            limits=limits, what=what, cancelled=cancelled, beside=second,
        )  # fmt: skip

    if not beside:
        return job(here)
    with ThreadPoolExecutor(1, thread_name_prefix="pbgen-beside") as pool:
        waiting = pool.submit(job, beside, True)
        first = job(here)
        second = waiting.result()
    files = first.files | second.files
    earlier, later = (first, second) if formats[0] in first.files else (second, first)
    return Rendered(
        {name: files[name] for name in formats},
        first.pages if first.pages is not None else second.pages,
        [*earlier.notices, *later.notices],
    )


def split_formats(formats: Sequence[str], alone: bool) -> tuple[list[str], list[str]]:
    """The formats this process's worker renders, and those its second one renders beside
    them: only for a filing rendered ``alone`` on a machine of more than one core, and only
    when both halves have a format."""
    beside = [name for name in formats if FORMATS[name].beside]
    here = [name for name in formats if not FORMATS[name].beside]
    if alone and beside and here and (os.cpu_count() or 1) > 1:
        return here, beside
    return list(formats), []


def _limits(file: Path | str) -> bounded.Limits:
    """The bounds of rendering ``file``: they grow with its size (``bounded.limits_for``)."""
    try:
        return bounded.limits_for(Path(file).stat().st_size if file else 0)
    except OSError:
        return bounded.limits_for(0)


def _templates_of(chosen, file: Path | str) -> str:
    """What a limit's message names: the filing, and the templates that ran on it."""
    return f"{file}：版式「{chosen.name}」的模板（{chosen.folder}）"


def render_job(filing, chosen, formats: list[Format], file: str, timestamp: datetime, draft=False):
    """``render_in_memory``'s work, in the worker (or in another job there: the preview's).
    The formats come as they are registered where the work was asked for: one a plugin
    registered there renders here too."""
    for format_ in formats:
        register(format_)
    chosen.refuse_missing(filing, file)
    context = build_context(filing, chosen)
    context["draft"] = bool(draft)
    return chosen.render(context, [format_.name for format_ in formats], timestamp)


RENDER_MAX_BYTES = 10 * 2**20  # 5000 projects are ~7 MB and render in ~12 min (bench/scale.py)


def refuse_too_long(path: Path, limit: int = RENDER_MAX_BYTES) -> None:
    """Refuse, before reading it, a filing too long to render in reasonable time; a missing
    file is left for ``load`` to report."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit:
        raise PbgenError(
            f"{path}：文件有 {size / 2**20:.0f} MB，超过了生成的上限 {limit // 2**20} MB，"
            "未生成（5000 个项目约 7 MB，生成约需 12 分钟；再长的文件时间和内存都难以承受）。"
            "请把它拆成几份分别生成；检查（pbgen check）不受此限，可到 50 MB。"
        )


def context_text(
    path: Path | str, layout: str | None = None, template_dir: Path | None = None, as_format="yaml"
) -> str:
    """What a filing gives a layout's templates (``pbgen context``), as YAML or JSON: plain
    data, read back by any YAML or JSON reader as dicts, lists, strings, numbers, booleans."""
    loaded = load(path)
    chosen = choose_layout(loaded, layout, template_dir)
    context = bounded.run(  # the layout's title is a template too
        _context_job, loaded.filing, chosen, limits=_limits(path), what=_templates_of(chosen, path)
    )
    if as_format == "json":
        return json.dumps(context, ensure_ascii=False, indent=2) + "\n"

    class Plain(yaml.SafeDumper):
        def ignore_aliases(self, data):  # a unit's projects are printed in full, not as *id001
            return True

    head = (
        f"# pbgen context {path}：「{chosen.name}」（{chosen.id}）的模板得到的数据。\n"
        "# 每个变量的说明：templates/CONTEXT.md。\n"
    )
    return head + yaml.dump(context, Dumper=Plain, allow_unicode=True, sort_keys=False, width=100)


def _context_job(filing, chosen) -> dict:
    return build_context(filing, chosen)


def choose_layout(
    loaded, name: str | None = None, template_dir: Path | None = None, kit=None, pdfa=False
):
    """The layout a filing renders in (``pbgen.layouts.layout_for``); ``pdfa``: its PDF in
    PDF/A-2b and tagged, whatever its manifest says."""
    chosen = layout_for(loaded, name, template_dir, kit)
    return chosen.as_pdfa() if pdfa else chosen


def default_formats(formats: Sequence[str]) -> list[str]:
    """A layout's formats this machine can make: without the PDF engine (no Pango), the others."""
    if any(FORMATS[name].needs_pdf_engine for name in formats) and pdf_engine_state()[0]:
        return [name for name in formats if not FORMATS[name].needs_pdf_engine]
    return list(formats)


@dataclass
class RenderFailure:
    """A filing that did not render: its message, as the user should read it."""

    file: str
    message: str


def _render_one(path: Path, options: dict) -> RenderResult | RenderFailure:
    """One filing; a failure becomes its message, with what the user wrote made visible
    (never an escape sequence a terminal would obey)."""
    try:
        return render_file(path, **options)
    except bounded.Cancelled:
        raise
    except InputError as error:
        return RenderFailure(
            str(path), f"{error}\n{visible(str(path))}：无法读取，未生成（pbgen check {path}）。"
        )
    except PbgenError as error:
        return RenderFailure(str(path), visible(str(error)))
    except Exception as error:  # a fault of pbgen: this filing fails, the batch goes on
        import traceback

        where = "".join(traceback.format_exception(error, limit=-3))
        return RenderFailure(
            str(path),
            f"{visible(str(path))}：pbgen 内部错误，未生成，原有的输出没有改动。"
            f"请把这个文件和下面几行报告给维护者：\n{visible(where)}",
        )


class Interrupted(PbgenError):
    """Ctrl-C or SIGTERM stopped a batch: says which filings were written and which not."""

    def __init__(self, signum: int, finished: list[str], unfinished: list[str]):
        self.exit_code = 128 + signum
        self.finished, self.unfinished = finished, unfinished
        what = "Ctrl-C" if signum == signal.SIGINT else f"信号 {signal.Signals(signum).name}"
        shown = "、".join(unfinished[:10]) + ("等" if len(unfinished) > 10 else "")
        super().__init__(
            f"已中断（{what}）：{len(finished)} 份已处理完；"
            + (
                f"{len(unfinished)} 份未生成，它们原有的输出没有改动：{shown}。"
                if unfinished
                else ""
            )
            + "再次运行同一命令即可继续，已是最新的会跳过。"
        )


class _Stop(BaseException):
    """Raised in the main process when SIGINT or SIGTERM arrived during a batch."""

    def __init__(self, signum: int):
        self.signum = signum


class _Signals:
    """SIGINT and SIGTERM during a batch: recorded, and raised as ``_Stop`` at once while the
    batch waits for its workers (``armed``), else as soon as the caller hands control back —
    never inside the caller's own code."""

    def __init__(self):
        self.received: int | None = None
        self.armed = False

    def handle(self, signum, frame):
        self.received = signum
        if self.armed:
            raise _Stop(signum)

    def check(self) -> None:
        if self.received is not None:
            raise _Stop(self.received)

    @contextlib.contextmanager
    def installed(self):
        """Outside the main thread (a library caller's thread) signals are left alone."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def render_many(
    paths: Sequence[Path],
    jobs: int | None = None,
    names: dict[Path, Path] | None = None,
    **options,
):
    """Render every filing, in parallel on ``jobs`` processes (default: all cores); yields one
    ``RenderResult`` or ``RenderFailure`` per filing as each finishes. One failure never stops
    the others. ``names`` (from ``output_names``) says where each filing's outputs go; filings
    that would write the same outputs are refused, all of them. Ctrl-C or SIGTERM stops the
    batch at once, workers included, and raises ``Interrupted``."""
    names = names or {Path(path): Path(Path(path).stem) for path in paths}
    clashes = collisions(names)
    for path in paths:
        if Path(path) in clashes:
            yield _collision_failure(Path(path), clashes[Path(path)], names, options)
    paths = [path for path in paths if Path(path) not in clashes]
    finished: list[str] = []
    signals = _Signals()
    late: list = []  # every outcome made: on a stop, those not yielded yet are finished too
    outcomes = _render_all(paths, jobs, names, options, late)
    with signals.installed():
        try:
            while True:
                signals.armed = True
                try:
                    outcome = next(outcomes)
                except StopIteration:
                    break
                finally:
                    signals.armed = False
                finished.append(outcome.file)
                yield outcome
                signals.check()
        except _Stop as stop:
            outcomes.close()  # ends the workers
            finished += [outcome.file for outcome in late if outcome.file not in finished]
            done = set(finished)
            unfinished = [str(path) for path in paths if str(path) not in done]
            raise Interrupted(stop.signum, finished, unfinished) from None
        finally:
            outcomes.close()


def _collision_failure(path: Path, others: list[Path], names, options) -> RenderFailure:
    output = Path(options.get("output_dir", "output")) / names[path]
    return RenderFailure(
        str(path),
        f"{path}：与 {'、'.join(map(str, others))} 会写到同一组输出 {output}.*，"
        "为免互相覆盖，都未生成。请把它们所在的上一级文件夹作为参数"
        "（输出按子文件夹分开），或分别用 -o 指定不同的输出文件夹。",
    )


def _render_all(paths, jobs, names, options, late: list):
    """The batch's outcomes as they finish; LibreOffice, where its DOCX need it, is kept for
    the whole batch and shared by its render workers (``pbgen.office_pool``)."""
    workers = min(jobs or os.cpu_count() or 1, len(paths))
    with office_pool.kept(workers):
        if workers <= 1:
            alone = len(paths) == 1
            for path in paths:
                named = {**options, "name": names[Path(path)], "alone": alone}
                late.append(_render_one(path, named))
                yield late[-1]
            return
        yield from _render_side_by_side(paths, workers, names, options, late)


def _render_side_by_side(paths, workers: int, names, options, late: list):
    """``workers`` threads, each rendering a filing at a time with a render worker of its own
    (the first this process's, the others ``bounded.separate``): the templates, WeasyPrint and the DOCX run in those processes, in
    parallel; loading, checking and writing a filing (~10 ms) here. Closed early (Ctrl-C,
    SIGTERM), the renders under way are stopped at once (``bounded.Cancelled``), their workers
    ended. Every outcome made is added to ``late`` as it is made: a stop may come between
    taking one from the queue and yielding it."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for path in paths:
        todo.put(path)
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def render_in_turn(number: int) -> None:
        with bounded.separate() if number else contextlib.nullcontext():  # 0: this process's
            while not stop.is_set():
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    return
                named = {**options, "name": names[Path(path)], "cancelled": stop.is_set}
                try:
                    outcome = _render_one(path, named)
                except bounded.Cancelled:
                    return
                late.append(outcome)
                done.put(outcome)

    threads = [
        threading.Thread(
            target=render_in_turn, args=(number,), name=f"pbgen-render-{number}", daemon=True
        )
        for number in range(workers)
    ]
    for thread in threads:
        thread.start()
    try:
        for _ in paths:
            yield done.get()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
