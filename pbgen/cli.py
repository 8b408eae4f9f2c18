"""The command line: parse arguments, call ``pbgen.pipeline``, print, exit.

Exit codes: 0 clean, 1 a finding of severity error, 2 input that could not be used.
A ``PbgenError`` becomes its message and exit code; nothing the user did shows a traceback.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pbgen import __version__, bounded
from pbgen.cli_frame import (
    Typer,
    grid,
    install_completion,
    show_completion,
    terminal_columns,
    wrap,
)
from pbgen.errors import PbgenError
from pbgen.findings import visible

# Each command imports the stages it runs when it runs: `pbgen --help` and `pbgen check` load
# neither the model of every command nor a renderer. This module is the program's entry: no
# module of pbgen imports it, so its imports close no cycle (tests/test_package.py).

app = Typer(
    help="pbgen：部门预算绩效文本。用一份 YAML 写绩效文本，检查它，生成 DOCX 与 PDF。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class OutputFormat(StrEnum):
    human = "human"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pbgen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本。")
    ] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=install_completion,
            is_eager=True,
            expose_value=False,
            help="为当前 shell（bash、zsh、fish、PowerShell）装上命令补全：按 Tab 补全命令和文件。",
        ),
    ] = False,
    show: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=show_completion,
            is_eager=True,
            expose_value=False,
            help="显示命令补全脚本，供自行安装。",
        ),
    ] = False,
) -> None:
    """pbgen：部门预算绩效文本。"""


def _layout_ids(incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of --layout: the ids, each with its Chinese name."""
    from pbgen.layouts import find_layouts

    found = find_layouts(None, None)
    return [(layout.id, layout.name) for layout in found if layout.id.startswith(incomplete)]


# The options several commands share, spelled once.
LayoutOverride = Annotated[
    str | None,
    typer.Option(
        "--layout",
        "-l",
        help="版式，覆盖文件中的 layout。",
        metavar="版式",
        autocompletion=_layout_ids,
    ),
]
MoreLayouts = Annotated[
    Path | None,
    typer.Option("--template-dir", metavar="文件夹", help="另外在这个文件夹里找版式。"),
]


KitFolder = Annotated[
    Path | None,
    typer.Option(
        "--kit",
        metavar="文件夹",
        help="用这个 kit 文件夹（财政局调试自己的 kit 时用）；默认为 pbgen.toml 的 [kit]。",
    ),
]


DepartmentFolder = Annotated[
    Path, typer.Option("--dir", metavar="文件夹", help="部门的文件夹；默认为当前文件夹。")
]


def _fail(error: PbgenError) -> typer.Exit:
    """The error's message (what the user wrote in it shown, never obeyed), and its exit."""
    typer.echo(visible(str(error)), err=True)
    return typer.Exit(error.exit_code)


@app.command()
def check(
    paths: Annotated[
        list[Path], typer.Argument(help="绩效文本 YAML 文件，或包含它们的文件夹。", metavar="文件…")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="human：逐条说明；json：供其他工具读取。")
    ] = OutputFormat.human,
    errors_only: Annotated[
        bool, typer.Option("--errors-only", "-q", help="只列出错误，不列警告（警告仍计入总数）。")
    ] = False,
    only_filings: Annotated[
        bool,
        typer.Option("--only-filings", help="跳过不是绩效文本的文件（供提交钩子使用）。"),
    ] = False,
    allow_unfilled: Annotated[
        bool,
        typer.Option(
            "--allow-unfilled",
            help="「待填」和为 0 的预算数不算错误，只说还剩几处（供提交钩子使用：写了一半也能提交）。",
        ),
    ] = False,
    kit: KitFolder = None,
) -> None:
    """检查绩效文本：格式、金额、资金支出计划、指标体系、指标值（按所用 kit 的规则）。"""
    from pbgen.check import UNFILLED_RULE
    from pbgen.findings import SEVERITY_NAMES, summary, to_json
    from pbgen.pipeline import check_files

    try:
        results = check_files(paths, only_filings, kit)
    except PbgenError as error:
        raise _fail(error) from None
    unfilled = 0
    if allow_unfilled:
        for result in results:
            kept = [finding for finding in result.findings if finding.rule != UNFILLED_RULE]
            unfilled += len(result.findings) - len(kept)
            result.findings = kept
    findings = [finding for result in results for finding in result.findings]
    shown = [f for f in findings if not errors_only or f.severity == "error"]
    if output_format is OutputFormat.json:
        typer.echo(to_json(shown))
    else:
        color = sys.stdout.isatty()
        for finding in shown:
            line = finding.render()
            if color:
                tint = "red" if finding.severity == "error" else "yellow"
                line = line.replace(
                    SEVERITY_NAMES[finding.severity],
                    typer.style(SEVERITY_NAMES[finding.severity], fg=tint),
                    1,
                )
            typer.echo(line)
        if len(results) > 1:
            typer.echo("\n".join(_check_table(results)))
        typer.echo(summary(findings, len(results)))
        if unfilled:
            typer.echo(
                f"还有 {unfilled} 处「待填」：这次照常通过，填完之前 pbgen check 把它们算作错误。"
            )
    if any(not result.readable for result in results):
        raise typer.Exit(EXIT_UNUSABLE)
    raise typer.Exit(EXIT_FINDINGS if any(result.failed for result in results) else EXIT_CLEAN)


def _check_table(results) -> list[str]:
    """One row per file: its errors and warnings, and whether it could be read at all."""
    rows = []
    for result in results:
        errors = sum(f.severity == "error" for f in result.findings)
        warnings = len(result.findings) - errors
        state = "无法读取" if not result.readable else "有错误" if errors else "通过"
        rows.append([result.file, str(errors), str(warnings), state])
    return ["", *grid(["文件", "错误", "警告", "结果"], rows, terminal_columns(), (1, 2))]


@app.command()
def rules(
    filing: Annotated[
        Path | None,
        typer.Option("--for", metavar="文件", help="按这份文件所用的 kit 和它的 check: 设置列出。"),
    ] = None,
    kit: KitFolder = None,
) -> None:
    """列出检查规则：编号、严重程度（按所用 kit 的设置）、是否锁定、参数。"""
    from pbgen.check import RULES, rules_for
    from pbgen.findings import SEVERITY_NAMES

    try:
        used, effective = rules_for(filing or Path.cwd(), kit)
    except PbgenError as error:
        raise _fail(error) from None
    typer.echo(f"按 {used.label} 的设置" + (f"和 {filing} 的 check:" if filing else "") + "：")
    width = max(len(rule_id) for rule_id in RULES)
    for spec in RULES.values():
        rule = effective[spec.id]
        severity = SEVERITY_NAMES[rule.severity] if rule.severity else "关闭"
        locked = f"（{rule.locked_by.name}锁定）" if rule.locked_by else ""
        typer.echo(f"{spec.id:<{width}}  {severity}  {spec.summary}{locked}")
        for name, param in spec.params.items():
            typer.echo(
                f"{'':<{width}}        参数 {name} = {_shown(rule.params[name])}：{param.summary}"
            )


def _shown(value) -> str:
    """A parameter's value as it would be written in YAML: 不设, [a, b], {6月底: 50}."""
    if value is None or value == {} or value == []:
        return "（不设）"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入此文件；不指定则输出到屏幕。", metavar="文件"),
    ] = None,
    kit: KitFolder = None,
) -> None:
    """输出绩效文本的 JSON Schema，供编辑器补全和校验（含所用 kit 的指标体系、版式、表格）。"""
    from pbgen.kitstore import kit_for
    from pbgen.schema import schema_text
    from pbgen.write import write_atomic

    try:
        text = schema_text(kit_for(output.parent if output else Path.cwd(), kit))
    except PbgenError as error:
        raise _fail(error) from None
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
        typer.echo(f"已写入 {output}", err=True)


def _formats(value: str | None) -> list[str] | None:
    from pbgen.formats import FORMATS

    if value is None:
        return None
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(
            f"可选 {'、'.join(FORMATS)}，用逗号分隔，如 docx,pdf。", param_hint="--format / -f"
        )
    return chosen


@app.command()
def render(
    paths: Annotated[
        list[Path], typer.Argument(help="绩效文本 YAML 文件，或包含它们的文件夹。", metavar="文件…")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="输出文件夹。", metavar="文件夹")
    ] = Path("output"),
    formats: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="输出格式 docx、pdf、xlsx，用逗号分隔；默认为版式的全部格式。",
            metavar="格式",
        ),
    ] = None,
    layout: LayoutOverride = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir",
            help="用自己的模板文件夹（复制 templates/ 后修改）。",
            metavar="文件夹",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="即使输出已是最新也重新生成。")] = False,
    final: Annotated[
        bool,
        typer.Option(
            "--final",
            help="定稿：有检查错误（含「待填」）的文件不生成；默认照样生成，每页标「草稿」。",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="并行进程数；默认为全部 CPU 核。", metavar="个数"),
    ] = None,
    book: Annotated[
        Path | None,
        typer.Option(
            "--book",
            help="另把各文件的 PDF 合订成一个 PDF：封面、目录（各部门在合订本中的页码）、"
            "每个部门和项目一个书签；各文件保留自己的页码。",
            metavar="文件.pdf",
        ),
    ] = None,
    pdfa: Annotated[
        bool,
        typer.Option(
            "--pdfa",
            help="PDF 按存档标准 PDF/A-2b 生成，带结构标签（读屏软件可读）；"
            "版式的 manifest.yaml 写 pdfa: true 时总是这样生成。",
        ),
    ] = False,
    kit: KitFolder = None,
) -> None:
    """生成 DOCX（可编辑）、PDF（公开用）和公开表的 XLSX；多个文件并行生成。"""
    import time

    chosen = _formats(formats)
    if book is not None and chosen is not None and "pdf" not in chosen:
        raise typer.BadParameter(
            "合订本由各文件的 PDF 组成：请在 --format 里加上 pdf。", param_hint="--book"
        )
    # what the render workers need starts loading now, on the other core (pbgen.bounded)
    bounded.start_loading()
    with _starting():
        from pbgen.pipeline import (
            Interrupted,
            RenderFailure,
            output_names,
            render_many,
            start_early,
        )

        try:
            names = output_names(paths)
        except PbgenError as error:
            raise _fail(error) from None
    options = {
        "output_dir": output,
        "formats": chosen,
        "layout": layout,
        "template_dir": template_dir,
        "force": force,
        "kit_dir": kit,
        "final": final,
        "pdfa": pdfa,
    }
    files = list(names)
    columns = terminal_columns()
    with _starting():
        start_early(files[0], **options, name=names[files[0]], alone=len(files) == 1)
        no_pdf = _pdf_engine_notice(columns, chosen)
    if no_pdf:  # asked for by --format: the other formats are still made, the exit status is 2
        chosen = options["formats"] = [name for name in chosen if name != "pdf"]
        if not chosen:
            raise typer.Exit(EXIT_UNUSABLE)
    outcomes: dict = {}
    start = time.perf_counter()
    try:
        with _Progress(len(files), columns) as progress:
            for outcome in render_many(files, jobs, names, **options):
                outcomes[outcome.file] = outcome
                progress.done(outcome.file, _notices(outcome, RenderFailure))
    except Interrupted as stopped:
        if outcomes:
            typer.echo(_report(list(outcomes.values()), time.perf_counter() - start, columns))
        raise _fail(stopped) from None
    results = [outcomes[str(path)] for path in files]
    typer.echo(_report(results, time.perf_counter() - start, columns))
    made = [result for result in results if not isinstance(result, RenderFailure)]
    for line in _lacking_lines(made):
        _say(line, columns)
    if book is not None and not no_pdf:
        _write_book(book, results)
    failed = len(results) - len(made)
    nothing = bool(made) and not any(result.outputs for result in made)
    raise typer.Exit(EXIT_UNUSABLE if failed or no_pdf or nothing else EXIT_CLEAN)


@contextlib.contextmanager
def _starting():
    """Start-up (the pipeline's imports; the PDF engine loads in the render workers) allocates
    much and frees next to nothing: the cyclic collector is paused meanwhile (a tenth of a cold render), and what it
    loaded is kept out of every later collection (``gc.freeze``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _write_book(target: Path, results) -> None:
    """The rendered PDFs joined into one book, and what it left out."""
    from pbgen.report.book import chapters, make_book
    from pbgen.report.build import report_date
    from pbgen.write import write_atomic

    parts = chapters(results)
    if not any(part.pdf for part in parts):
        typer.echo(
            f"没有生成任何 PDF，未写合订本 {target}（pbgen doctor 查看 PDF 引擎）。", err=True
        )
        raise typer.Exit(EXIT_UNUSABLE)
    try:
        write_atomic(target, make_book(parts, report_date()))
    except PbgenError as error:
        raise _fail(error) from None
    pages = sum(part.pages for part in parts)
    included = sum(bool(part.pages) for part in parts)
    typer.echo(f"已写入合订本 {target}：{included} 份文件，{pages} 页（另有封面和目录）。")
    for part in parts:
        if not part.pages:
            typer.echo(f"未收入合订本：{visible(part.file)}（{part.why_not}）。")


def _lacking_lines(results) -> list[str]:
    """Per format asked for, the filings whose layout has it not (skipped, not failed)."""
    by_format: dict[str, list[str]] = {}
    for result in results:
        for name in result.lacking:
            by_format.setdefault(name, []).append(result.file)
    return [
        f"没有 {name} 的文件（版式没有这一格式，已跳过）：{'、'.join(files)}。"
        for name, files in by_format.items()
    ]


def _pdf_engine_notice(columns: int | None, chosen: list[str] | None) -> bool:
    """Say once why this machine makes no PDF, or writes it slowly. True when PDF was asked for
    with --format and cannot be made; without --format the other formats are made (exit 0)."""
    from pbgen.formats import FORMATS

    if chosen is not None and not any(FORMATS[name].needs_pdf_engine for name in chosen):
        return False  # DOCX and XLSX never load the PDF engine
    from pbgen.pipeline import pdf_engine_state

    problem, fast = pdf_engine_state()
    if problem is None:
        if not fast:
            _say(
                "注意：WeasyPrint 没有载入 HarfBuzz 子集库（libharfbuzz-subset），PDF 写入会慢约"
                " 25 倍；运行 pbgen doctor 查看。",
                columns,
            )
        return False
    _say(problem if chosen else f"{problem}\n本次只生成其他格式。", columns)
    return chosen is not None


def _wrapped(text: str, columns: int | None) -> str:
    """A notice wrapped at the terminal's width between characters, never inside a Latin word
    or a path (one can copy it), continuation lines indented; in a log, one line."""
    if not columns:
        return text
    return "\n".join("\n  ".join(wrap(line, columns - 2)) for line in text.split("\n"))


def _say(text: str, columns: int | None) -> None:
    """A notice on stderr: a file's name as text, never a terminal's escape sequence."""
    typer.echo(_wrapped(visible(text), columns), err=True)


class _Progress:
    """In a terminal: a bar with a spinner and the time elapsed, so it never sits still while
    the first filings render; the notices above it. In a log: one line per finished filing."""

    def __init__(self, total: int, columns: int | None):
        self.total, self.columns, self.count, self.bar = total, columns, 0, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("生成"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True, highlight=False),
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("", total=self.total)
        return self

    def done(self, file: str, notices: list[str]) -> None:
        self.count += 1
        if self.bar is None:
            for notice in notices:
                _say(notice, self.columns)
            return
        for notice in notices:  # above the bar, which stays at the bottom
            text = _wrapped(visible(notice), self.columns or self.bar.console.width)
            self.bar.console.print(text, markup=False, soft_wrap=True, highlight=False)
        self.bar.update(self.task, advance=1, description=visible(file))

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _notices(outcome, failure_type) -> list[str]:
    """What the clerk should know about one filing, above the report."""
    if isinstance(outcome, failure_type):
        return [outcome.message]
    if outcome.skipped:
        return []
    notices = []
    if outcome.lacking:
        lacking = "、".join(outcome.lacking)
        notices.append(
            f"{outcome.file}：版式「{outcome.layout}」没有 {lacking} 格式，未生成 {lacking}。"
        )
    if outcome.unprinted:
        notices.append(
            f"{outcome.file}：这个版式没有位置印出 {'、'.join(outcome.unprinted)}；"
            "它们仍在文件里，其他版式（--layout）会印出。"
        )
    if outcome.check_errors and outcome.outputs:
        notices.append(
            f"{outcome.file}：检查发现 {outcome.check_errors} 个错误，已照原样生成，每页标有「草稿」；"
            f"运行 pbgen check {outcome.file} 查看。"
        )
    notices += [f"{outcome.file}：{notice}" for notice in outcome.notices]
    return notices


def _report(results, seconds: float, columns: int | None) -> str:
    """The batch's table: every file whole (names wrap, never cut), its layout, pages, check
    errors, seconds and what was written; then the totals and the time it all took."""
    from pbgen.pipeline import RenderFailure

    rows, pages, errors, counts = [], 0, 0, {"已生成": 0, "已是最新": 0, "跳过": 0, "失败": 0}
    for result in results:
        if isinstance(result, RenderFailure):
            rows.append([visible(result.file), "", "", "", "", "失败"])
            counts["失败"] += 1
            continue
        written = "、".join(target.suffix.lstrip(".") for target in result.outputs)
        state = "已是最新" if result.skipped else "已生成" if result.outputs else "跳过"
        if not result.outputs:
            written = f"（没有 {'、'.join(result.lacking)}）"
        counts[state] += 1
        pages += result.pages or 0
        errors += result.check_errors
        rows.append(
            [
                visible(result.file),
                visible(result.layout),
                "" if result.skipped or result.pages is None else str(result.pages),
                str(result.check_errors),
                f"{result.seconds:.1f}",
                f"{state} {written}",
            ]
        )
    done = "，".join(f"{name} {count}" for name, count in counts.items() if count)
    rows.append(
        [f"合计 {len(results)} 个文件", "", str(pages), str(errors), f"{seconds:.1f}", done]
    )
    headers = ["文件", "版式", "页数", "错误", "秒", "结果"]
    table = grid(headers, rows, columns, right=(2, 3, 4))
    return "\n".join(["", "生成结果（错误：检查发现的错误数；秒：合计为总用时）", *table])


class MoneyUnit(StrEnum):
    wan = "万元"
    yuan = "元"


@app.command()
def report(
    paths: Annotated[
        list[Path],
        typer.Argument(help="各部门的绩效文本所在的文件夹（或文件）。", metavar="文件夹…"),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="输出文件夹。", metavar="文件夹")
    ] = Path("output"),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="html（网页，离线可开）、xlsx（汇总表，合计为公式），用逗号分隔。",
            metavar="格式",
        ),
    ] = "html",
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback", help="每份文件另写一份审核意见（XLSX，在 输出文件夹/审核意见/ 下）。"
        ),
    ] = False,
    unit: Annotated[
        MoneyUnit, typer.Option("--unit", help="报告中金额的单位。", metavar="单位")
    ] = MoneyUnit.wan,
    ledger: Annotated[
        list[Path] | None,
        typer.Option(
            "--ledger",
            help="预算系统导出的台账（CSV、XLS、XLSX），核对各部门的金额。",
            metavar="文件",
        ),
    ] = None,
    ledger_columns: Annotated[
        str | None,
        typer.Option(
            "--ledger-columns",
            help="台账的列名，如 项目编码=XMBM,预算数=金额（元）；可用的名称：项目编码、单位编码、"
            "预算数、财政资金、年度、项目名称。",
            metavar="列名",
        ),
    ] = None,
    ledger_unit: Annotated[
        MoneyUnit | None,
        typer.Option(
            "--ledger-unit",
            help="台账的金额单位；不写时从金额列名读取，如「预算数（元）」。",
            metavar="单位",
        ),
    ] = None,
    kit: KitFolder = None,
) -> None:
    """财政局的审核报告：一个离线网页（汇总表、图表、跨文件核对、同比、问题按部门和规则），
    可选 XLSX 汇总表和各部门的审核意见。"""
    from pbgen.kitstore import kit_for
    from pbgen.report import FORMATS as REPORT_FORMATS
    from pbgen.report import build_report, report_files
    from pbgen.report.ledger import LedgerColumns
    from pbgen.write import write_all

    chosen = [part.strip().lower() for part in formats.split(",") if part.strip()]
    if not chosen or any(part not in REPORT_FORMATS for part in chosen):
        raise typer.BadParameter(
            f"可选 {'、'.join(REPORT_FORMATS)}，用逗号分隔，如 html,xlsx。",
            param_hint="--format / -f",
        )
    try:
        columns = LedgerColumns.named(ledger_columns) if ledger_columns else None
        built = build_report(
            paths,
            unit=unit.value,
            ledgers=ledger or [],
            columns=columns,
            ledger_unit=ledger_unit.value if ledger_unit else None,
            kit=kit_for(paths[0], kit),
        )
        files = report_files(built, output, chosen, feedback)
        write_all(files)
    except PbgenError as error:
        raise _fail(error) from None
    for path in files:
        if path.parent == output:
            typer.echo(f"已写入 {path}")
    if feedback:
        typer.echo(f"已写入 {len(files) - len(chosen)} 份审核意见：{output / '审核意见'}")
    typer.echo(
        f"{len(built.digests)} 份文件：通过 {built.count('通过')}，有错误 {built.count('有错误')}，"
        f"无法读取 {built.count('无法读取')}；跨文件核对 {len(built.across)} 条；"
        f"同比 {len(built.yoy)} 份。"
    )


@app.command()
def migrate(
    paths: Annotated[
        list[Path], typer.Argument(help="要升级的绩效文本，或包含它们的文件夹。", metavar="文件…")
    ],
    dry_run: Annotated[
        bool, typer.Option("--check", help="只列出要改的地方，不写文件；有要改的退出码为 1。")
    ] = False,
) -> None:
    """把旧格式的绩效文本升级到当前格式（就地修改，注释和顺序不变）。"""
    from pbgen.migrate import FORMAT, migrate_file
    from pbgen.pipeline import find_filings

    try:
        files = find_filings(paths)
        outcomes = [(file, migrate_file(file, write=not dry_run)) for file in files]
    except PbgenError as error:
        raise _fail(error) from None
    for file, migrated in outcomes:
        if not migrated.changed:
            typer.echo(f"{file}：已是第 {FORMAT} 版格式，未改动。")
            continue
        done = "要改" if dry_run else f"已升级到第 {FORMAT} 版格式"
        typer.echo(f"{file}：{done}：")
        for change in migrated.changes:
            typer.echo(f"    {change}")
    pending = any(migrated.changed for _, migrated in outcomes)
    raise typer.Exit(EXIT_FINDINGS if dry_run and pending else EXIT_CLEAN)


@app.command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="部门的文件夹；默认为当前文件夹。", metavar="文件夹")
    ] = Path("."),
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            "-l",
            help="版式的编号或中文名（pbgen layouts 列出全部）；默认为 kit 的默认版式。",
            metavar="版式",
            autocompletion=_layout_ids,
        ),
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="部门名称。", metavar="名称")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="预算年度；默认为明年。", metavar="年度")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的同名绩效文本。")] = False,
    ci: Annotated[
        str,
        typer.Option(
            "--ci",
            help="写入哪种 CI 配置：gitlab（GitLab CI）、github（GitHub Actions）、"
            "gitea（Gitea/Forgejo Actions）或 none。",
            metavar="平台",
        ),
    ] = "gitlab",
    kit: Annotated[
        str | None,
        typer.Option(
            "--kit",
            metavar="来源",
            help="用财政局的 kit：git 仓库地址、压缩包或文件夹（写进 pbgen.toml，固定版本）。",
        ),
    ] = None,
    kit_version: Annotated[
        str | None, typer.Option("--kit-version", metavar="版本", help="kit 的版本；默认为最新。")
    ] = None,
) -> None:
    """开始一个部门的文件夹：带说明的绩效文本骨架、编辑器设置；git 仓库、提交前检查、
    git diff 按文档显示、CI 配置。"""
    from pbgen.scaffold import init_folder

    try:
        result = init_folder(folder, layout, department, year, force, ci, kit, kit_version)
    except PbgenError as error:
        raise _fail(error) from None
    for path in result.written:
        typer.echo(f"已写入 {path}")
    for path in result.kept:
        typer.echo(f"已有 {path}，保留原样")
    typer.echo(
        f"下一步：运行 pbgen vscode 装上 pbgen 的 VS Code 扩展（边写边检查、预览），用 VS Code 打开 "
        f"{result.folder}，把 {result.filing.name} 中的「待填」换成实际内容；"
        f"随时运行 pbgen check {result.filing} 查看还缺什么（「待填」不影响 git 提交）。"
    )


@app.command("import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="去年的 Word（.docx、.doc、.wps）或 Excel（.xlsx、.xls、.et）文件；"
            "或一个文件夹：其中每个文件各导入一份。",
            metavar="文件…",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="写入的 YAML（一个文件时）或文件夹（多个文件、文件夹时）；默认与原文件同处。",
            metavar="路径",
        ),
    ] = None,
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            "-l",
            help="按此版式读取；默认自动识别。",
            metavar="版式",
            autocompletion=_layout_ids,
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="预算年度，原文没有写时用。", metavar="年度")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="部门名称，原文没有写时用。", metavar="名称")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的 YAML。")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="结果写成 JSON（每个文件一项），供其他工具读取。")
    ] = False,
    template_dir: MoreLayouts = None,
) -> None:
    """把去年的 Word 文档或 Excel 表导入为绩效文本 YAML，并检查它；文件夹则逐个导入，每个一行。"""
    import json

    from pbgen.importer import documents_in, import_file
    from pbgen.pipeline import check_file

    documents: list[Path] = []
    for source in sources:
        documents += documents_in(source) if source.is_dir() else [source]
    many = len(documents) > 1 or any(source.is_dir() for source in sources)
    if many and not documents:
        raise _fail(PbgenError(f"{'、'.join(map(str, sources))}：没有 Word 或 Excel 文件。"))
    results, failed = [], 0
    for document in documents:
        target = output
        if many:
            folder = output if output else document.parent
            target = folder / document.with_suffix(".yaml").name
        try:
            result = import_file(
                document,
                target,
                layout=layout,
                year=year,
                department=department,
                force=force,
                template_dir=template_dir,
            )
        except PbgenError as error:
            failed += 1
            results.append({"file": str(document), "error": str(error)})
            if not many and not as_json:
                raise _fail(error) from None
            if not as_json:
                typer.echo(f"{document}：不能导入。{str(error).removeprefix(f'{document}：')}")
            continue
        checked = check_file(result.output)
        errors = sum(finding.severity == "error" for finding in checked.findings)
        summary = {**result.summary(), "errors": errors, "readable": checked.readable}
        results.append(summary)
        if not as_json:
            _say_imported(result, summary, many)
    if as_json:
        typer.echo(json.dumps(results if many else results[0], ensure_ascii=False, indent=2))
    elif many:
        typer.echo(
            f"共 {len(documents)} 个文件：导入 {len(documents) - failed} 个，不能导入 {failed} 个。"
        )
    if failed:
        raise typer.Exit(2)


def _say_imported(result, summary: dict, one_line: bool) -> None:
    """What an import did: one line per file for a folder, the whole story for one file."""
    unknown = summary["unknown_labels"]
    kept = f"，{summary['comments']} 段原文留作注释" if summary["comments"] else ""
    labels = f"，不认识的栏目：{'、'.join(unknown)}" if unknown else ""
    if one_line:
        missing = f"，待填 {len(result.missing)} 项" if result.missing else ""
        typer.echo(
            f"{summary['file']} → {result.output}：{summary['fields']} 项内容{kept}{labels}"
            f"{missing}；检查 {summary['errors']} 个错误。"
        )
        return
    typer.echo(f"已导入 {result.output}：{summary['fields']} 项内容。")
    if result.schema_written:
        typer.echo(f"已写入编辑器用的 {result.schema_written}（补全与校验）。")
    if summary["comments"]:
        typer.echo(f"有 {summary['comments']} 段内容未能归位，原文照录在文件末尾的注释里，请核对。")
    if unknown:
        typer.echo(f"不认识的栏目（原文在注释里）：{'、'.join(unknown)}。")
    if result.missing:
        typer.echo(f"原文没有、需要补上的：{'、'.join(result.missing)}。")
    errors = summary["errors"]
    if result.missing:
        typer.echo(f"检查：{errors} 个错误；补上缺的几项后，运行 pbgen check {result.output}。")
    elif not summary["readable"] or errors:
        typer.echo(
            f"检查：{errors} 个错误（多是原文自身的问题）；运行 pbgen check {result.output} 查看。"
        )
    else:
        typer.echo("检查：没有错误。")


@app.command()
def diff(
    old: Annotated[
        str,
        typer.Argument(
            help="旧版本：文件，git 版本（HEAD、HEAD~1、提交号）或「版本:文件」；"
            "只写一个文件时与 git 里的 HEAD 比较。",
            metavar="旧版本",
        ),
    ],
    new: Annotated[
        str | None, typer.Argument(help="新版本：文件或「版本:文件」。", metavar="新版本")
    ] = None,
    textconv: Annotated[
        bool,
        typer.Option("--textconv", help="只把一个文件写成提纲（供 git 的 textconv 使用）。"),
    ] = False,
) -> None:
    """比较两版绩效文本：新增、删去的项目和指标，改动的金额、指标值和文字（注明新版行号）。"""
    from pbgen.diff import diff_texts, git_show, outline, read_version
    from pbgen.load import read_text

    try:  # what the filings say is shown, never obeyed (an escape sequence, a bidi override)
        if textconv:
            typer.echo(visible(outline(read_text(Path(old), old), old)), nl=False)
            return
        if new is None:
            old, new = f"HEAD:{old}", old
        if not Path(old).exists() and ":" not in old and Path(new).is_file():
            old_label, old_text = f"{old}:{new}", git_show(old, Path(new))
        else:
            old_label, old_text = read_version(old)
        new_label, new_text = read_version(new)
        lines = diff_texts(old_text, new_text, old_label, new_label)
    except PbgenError as error:
        raise _fail(error) from None
    if not lines:
        typer.echo(visible(f"{old_label} 与 {new_label} 内容相同（注释和排版不计）。"))
        raise typer.Exit(EXIT_CLEAN)
    typer.echo(visible("\n".join(lines)))
    raise typer.Exit(EXIT_FINDINGS)


layouts_app = Typer(
    help="版式：列出全部（pbgen layouts），或复制一个做自己的（pbgen layouts new）。",
    invoke_without_command=True,
)
app.add_typer(layouts_app, name="layouts")


@layouts_app.callback()
def layouts(
    context: typer.Context,
    filing: Annotated[
        Path | None,
        typer.Option(
            "--for", metavar="文件", help="这份文件可用的版式（包括它旁边 pbgen.toml 指定的）。"
        ),
    ] = None,
    template_dir: MoreLayouts = None,
) -> None:
    """列出可用的版式：来源、格式、需要的数据。"""
    if context.invoked_subcommand is not None:
        return
    from pbgen.layouts import find_layouts
    from pbgen.manifest import title

    try:
        found = find_layouts(template_dir, filing or Path.cwd())
    except PbgenError as error:
        raise _fail(error) from None
    for layout in found:
        names = "、".join([layout.name, *layout.manifest.aliases])
        typer.echo(f"{layout.id}  {names}（{'、'.join(layout.formats)}）")
        if layout.manifest.summary:
            typer.echo(f"    {layout.manifest.summary}")
        needs = "、".join(title(need) for need in layout.manifest.needs) or "（无）"
        typer.echo(f"    需要：{needs}")
        typer.echo(f"    来源：{layout.origin}（{layout.folder}）")


@layouts_app.command("new")
def layouts_new(
    new_id: Annotated[
        str, typer.Argument(metavar="编号", help="新版式的编号，如 hubei（小写字母、数字、-）。")
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="版式", help="从哪个版式复制（编号或中文名）；默认为 kit 的默认版式。"
        ),
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            metavar="文件夹",
            help="放在哪个文件夹里；默认为 pbgen.toml 的 template_dir，没有时为 forms。",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", metavar="中文名", help="新版式的中文名。")
    ] = None,
) -> None:
    """复制一个版式，改个编号，做自己的表：文件夹里有说明（README.md）。"""
    from pbgen.layouts import copy_layout

    try:
        folder, settings = copy_layout(new_id, source, to, name, Path.cwd())
    except PbgenError as error:
        raise _fail(error) from None
    typer.echo(f"已复制到 {folder}：改 manifest.yaml、document.html.j2、style.css、template.docx，")
    typer.echo(f"说明见 {folder / 'README.md'}。文件里写 layout: {new_id} 即可使用。")
    if settings is not None:
        typer.echo(f"已写入 {settings}（template_dir），pbgen 会在这里找到它。")


kit_app = Typer(
    help="kit：财政局发布的版式、指标体系和检查规则。检查一个 kit（pbgen kit check），"
    "让本部门用上它（pbgen kit use），升级（pbgen kit update），看看在用的是什么（pbgen kit show）。",
    no_args_is_help=True,
)
app.add_typer(kit_app, name="kit")


@kit_app.command("check")
def kit_check(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="kit 文件夹（有 kit.yaml）。")],
) -> None:
    """证明一个 kit 可用：kit.yaml、规则、指标体系、表格，每个版式用它的示例生成每种格式。"""
    from pbgen.kitcheck import prove

    proof = prove(folder)
    kit = proof.kit
    typer.echo(f"kit {kit.label}：{kit.folder}" if kit else f"{folder}：")
    if proof.frameworks:
        typer.echo(f"  指标体系：{'、'.join(proof.frameworks)}；默认 {kit.default_framework}")
    for layout in proof.layouts:
        made = "、".join(f"{name.upper()} {what}" for name, what in layout.made.items()) or "无"
        typer.echo(
            f"  版式 {layout.layout.id}（{layout.layout.name}）：示例 {layout.example.name} "
            f"{layout.errors} 个错误、{layout.warnings} 个警告；生成 {made}"
        )
        for problem in layout.problems:
            typer.echo(f"    ✗ {problem}")
    for problem in proof.problems:
        typer.echo(f"  ✗ {problem}")
    if not proof.passed:
        typer.echo("kit 有问题，请改正后再发布。")
        raise typer.Exit(EXIT_FINDINGS)
    typer.echo("kit 通过检查，可以发布（git tag v版本号，或打包成 .zip）。")


@kit_app.command("use")
def kit_use(
    source: Annotated[
        str,
        typer.Argument(metavar="来源", help="kit 的 git 仓库地址、.zip/.tar.gz 压缩包或文件夹。"),
    ],
    version: Annotated[
        str | None,
        typer.Option("--version", metavar="版本", help="要用的版本；默认为最新。"),
    ] = None,
    folder: DepartmentFolder = Path("."),
) -> None:
    """让本部门用这个 kit：写进 pbgen.toml（固定版本），kit 存在本机，离线也能用。"""
    from pbgen.kitstore import use

    try:
        pinned = use(source, version, folder)
    except PbgenError as error:
        raise _fail(error) from None
    typer.echo(f"已写入 {pinned.settings}：kit {pinned.new.label}")
    if pinned.old is not None and pinned.old.folder != pinned.new.folder:
        _say_changes(pinned)


def _say_changes(pinned) -> None:
    """What changed from the kit pinned before to the one pinned now, a line each."""
    from pbgen.kitdiff import changes

    for line in changes(pinned.old, pinned.new):
        typer.echo(f"  {line}")


@kit_app.command("update")
def kit_update(
    to: Annotated[
        str | None, typer.Option("--to", metavar="版本", help="升级到这个版本；默认为最新。")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--from", metavar="来源", help="新的来源（如财政局发来的新压缩包）。"),
    ] = None,
    folder: DepartmentFolder = Path("."),
) -> None:
    """把本部门的 kit 升级到新版本，并说明改了什么（版式、指标体系、规则、表格）。"""
    from pbgen.kitstore import update

    try:
        pinned = update(folder, to, source)
    except PbgenError as error:
        raise _fail(error) from None
    old = pinned.old.version if pinned.old else "?"
    if pinned.old is not None and pinned.old.version == pinned.new.version:
        typer.echo(f"kit {pinned.new.label} 已是最新。")
        return
    typer.echo(f"kit {pinned.new.name}：{old} → {pinned.new.version}（已写入 {pinned.settings}）")
    _say_changes(pinned)
    typer.echo("请运行 pbgen check 看看文件在新规则下是否还有问题。")


@kit_app.command("show")
def kit_show(
    filing: Annotated[
        Path | None,
        typer.Option(
            "--for", metavar="文件", help="这份文件（或文件夹）所用的 kit；默认为当前文件夹。"
        ),
    ] = None,
    kit: KitFolder = None,
) -> None:
    """显示在用的 kit：来源、版式、指标体系、规则设置、表格和栏目。"""
    from pbgen.kitshow import describe

    try:
        lines = describe(filing or Path.cwd(), kit)
    except PbgenError as error:
        raise _fail(error) from None
    for line in lines:
        typer.echo(line)


class ContextFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@app.command()
def context(
    path: Annotated[Path, typer.Argument(metavar="文件", help="绩效文本 YAML 文件。")],
    layout: LayoutOverride = None,
    template_dir: MoreLayouts = None,
    output_format: Annotated[
        ContextFormat, typer.Option("--format", "-f", help="yaml（易读）或 json。")
    ] = ContextFormat.yaml,
) -> None:
    """显示这份文件交给模板的全部数据（模板里可用的变量；说明见 templates/CONTEXT.md）。"""
    from pbgen.pipeline import context_text

    try:
        typer.echo(context_text(path, layout, template_dir, output_format.value), nl=False)
    except PbgenError as error:
        raise _fail(error) from None


@app.command()
def doctor() -> None:
    """检查本机：各字体角色实际使用的字体、HarfBuzz、LibreOffice，并给出修复命令。"""
    from pbgen.doctor import diagnose
    from pbgen.resources import templates_dir

    checks = diagnose(templates_dir() / "common" / "base.css")
    for check in checks:
        mark = "✓" if check.ok else "✗"
        typer.echo(f"{mark} {check.name}：{check.detail}")
        if check.fix:
            typer.echo(f"    修复：{check.fix}")
    required_failed = any(not check.ok and check.required for check in checks)
    raise typer.Exit(EXIT_FINDINGS if required_failed else EXIT_CLEAN)


@app.command()
def watch(
    path: Annotated[Path, typer.Argument(help="要预览的绩效文本 YAML 文件。", metavar="文件")],
    layout: LayoutOverride = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir", help="用自己的模板文件夹；改模板也会刷新预览。", metavar="文件夹"
        ),
    ] = None,
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, help="本机端口；0 表示任选空闲端口。", metavar="端口"
        ),
    ] = 0,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="是否自动打开浏览器。")
    ] = True,
) -> None:
    """边写边看：每次保存后重新检查、重新生成 PDF，浏览器页面自动刷新（仅本机可访问）。"""
    import webbrowser

    from pbgen.watch import Preview, serve, url

    preview = Preview(path, layout, template_dir)
    try:
        server = serve(preview, port)
    except PbgenError as error:
        raise _fail(error) from None
    typer.echo(f"预览：{url(server)}　（保存文件即刷新；按 Ctrl-C 结束）", err=True)
    try:  # from here on, Ctrl-C at any moment ends the preview cleanly
        _report_refresh(preview.refresh())
        if browser:
            webbrowser.open(url(server))
        preview.watch(_report_refresh)
    except KeyboardInterrupt:
        typer.echo("已结束预览。", err=True)
    finally:
        preview.stop()
        server.shutdown()


@app.command()
def lsp(
    stdio: Annotated[
        bool,
        typer.Option("--stdio", help="经标准输入输出通信（默认如此；供习惯加这个参数的编辑器）。"),
    ] = True,
) -> None:
    """语言服务器（LSP，经标准输入输出）：供编辑器边写边检查、补全、快速修复、预览。由编辑器启动。"""
    from pbgen.lsp.server import serve

    serve()


@app.command()
def vscode(
    command: Annotated[
        str | None,
        typer.Option("--code", metavar="命令", help="VS Code 的命令；默认在系统路径里找 code。"),
    ] = None,
) -> None:
    """把随 pbgen 附带的 VS Code 扩展装进 VS Code（无需联网）：边写边检查、快速修复、补全、预览。"""
    from pbgen.editors import install_vscode

    try:
        installed = install_vscode(command)
    except PbgenError as error:
        raise _fail(error) from None
    if installed.command is None:
        typer.echo(
            f"没有找到 VS Code 的 code 命令。扩展文件在：\n  {installed.vsix}\n"
            "在 VS Code 里：扩展视图（Ctrl+Shift+X）右上角「…」→「从 VSIX 安装…」，选这个文件；"
            "或把 code 加进 PATH 后重新运行 pbgen vscode。"
        )
        return
    typer.echo(
        f"已用 {installed.command} 安装 pbgen 扩展（{installed.vsix.name}）：重新打开绩效文本即生效。"
    )


def _report_refresh(snapshot) -> None:
    """One line per version in the terminal, so the clerk sees a save was taken."""
    import time

    errors = sum(finding["severity"] == "error" for finding in snapshot.findings)
    warnings = len(snapshot.findings) - errors
    clock = time.strftime("%H:%M:%S", time.localtime(snapshot.updated))
    state = f"{snapshot.pages} 页" if snapshot.pdf is not None else "没有 PDF"
    line = f"{clock} 第 {snapshot.version} 版：{state}，{errors} 个错误、{warnings} 个警告，"
    typer.echo(line + f"{snapshot.seconds:.2f} 秒", err=True)
    if snapshot.error:
        typer.echo(snapshot.error, err=True)
