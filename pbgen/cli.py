"""The command line: parse arguments, call ``pbgen.pipeline``, print, exit.

Exit codes: 0 clean, 1 a finding of severity error, 2 input that could not be used.
A ``PbgenError`` becomes its message and exit code; nothing the user did shows a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pbgen import __version__
from pbgen.cli_frame import Typer, install_completion, show_completion
from pbgen.errors import PbgenError
from pbgen.findings import visible

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
) -> None:
    """检查绩效文本：格式、金额、资金支出计划、指标体系、指标值。"""
    from pbgen.findings import SEVERITY_NAMES, summary, to_json
    from pbgen.pipeline import check_files

    try:
        results = check_files(paths, only_filings)
    except PbgenError as error:
        raise _fail(error) from None
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
    if any(not result.readable for result in results):
        raise typer.Exit(EXIT_UNUSABLE)
    raise typer.Exit(EXIT_FINDINGS if any(result.failed for result in results) else EXIT_CLEAN)


def _check_table(results) -> list[str]:
    """One row per file: its errors and warnings, and whether it could be read at all."""
    from pbgen.cli_frame import grid, terminal_columns

    rows = []
    for result in results:
        errors = sum(f.severity == "error" for f in result.findings)
        warnings = len(result.findings) - errors
        state = "无法读取" if not result.readable else "有错误" if errors else "通过"
        rows.append([result.file, str(errors), str(warnings), state])
    return ["", *grid(["文件", "错误", "警告", "结果"], rows, terminal_columns(), (1, 2))]


@app.command()
def rules() -> None:
    """列出所有检查规则（规则编号可写入 check.disable 关闭）。"""
    from pbgen.check import RULES
    from pbgen.findings import SEVERITY_NAMES

    width = max(len(rule_id) for rule_id in RULES)
    for spec in RULES.values():
        typer.echo(f"{spec.id:<{width}}  {SEVERITY_NAMES[spec.severity]}  {spec.summary}")


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入此文件；不指定则输出到屏幕。", metavar="文件"),
    ] = None,
) -> None:
    """输出绩效文本的 JSON Schema，供编辑器补全和校验。"""
    from pbgen.schema import schema_text
    from pbgen.write import write_atomic

    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
        typer.echo(f"已写入 {output}", err=True)


def _formats(value: str | None) -> list[str] | None:
    from pbgen.pipeline import FORMATS

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
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="并行进程数；默认为全部 CPU 核。", metavar="个数"),
    ] = None,
) -> None:
    """生成 DOCX（可编辑）、PDF（公开用）和公开表的 XLSX；多个文件并行生成。"""
    import time

    from pbgen.cli_frame import terminal_columns
    from pbgen.pipeline import Interrupted, RenderFailure, output_names, render_many

    chosen = _formats(formats)
    columns = terminal_columns()
    no_pdf = _pdf_engine_notice(columns, chosen)
    if no_pdf:  # asked for by --format: the other formats are still made, the exit status is 2
        chosen = [name for name in chosen if name != "pdf"]
        if not chosen:
            raise typer.Exit(EXIT_UNUSABLE)
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
    }
    files = list(names)
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
    failed = sum(isinstance(result, RenderFailure) for result in results)
    raise typer.Exit(EXIT_UNUSABLE if failed or no_pdf else EXIT_CLEAN)


def _pdf_engine_notice(columns: int | None, chosen: list[str] | None) -> bool:
    """Say once why this machine makes no PDF, or writes it slowly. True when PDF was asked for
    with --format and cannot be made; without --format the other formats are made (exit 0)."""
    if chosen is not None and "pdf" not in chosen:
        return False  # DOCX and XLSX never load the PDF engine
    from pbgen.render_pdf import harfbuzz_subset_available, pdf_engine_problem

    problem = pdf_engine_problem()
    if problem is None:
        if not harfbuzz_subset_available():
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
    from pbgen.cli_frame import wrap

    if not columns:
        return text
    return "\n".join("\n  ".join(wrap(line, columns - 2)) for line in text.split("\n"))


def _say(text: str, columns: int | None) -> None:
    typer.echo(_wrapped(text, columns), err=True)


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
            text = _wrapped(notice, self.columns or self.bar.console.width)
            self.bar.console.print(text, markup=False, soft_wrap=True, highlight=False)
        self.bar.update(self.task, advance=1, description=file)

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
    if outcome.unprinted:
        notices.append(
            f"{outcome.file}：这个版式没有位置印出 {'、'.join(outcome.unprinted)}；"
            "它们仍在文件里，其他版式（--layout）会印出。"
        )
    if outcome.check_errors:
        notices.append(
            f"{outcome.file}：检查发现 {outcome.check_errors} 个错误，已照原样生成；"
            f"运行 pbgen check {outcome.file} 查看。"
        )
    notices += [f"{outcome.file}：{notice}" for notice in outcome.notices]
    return notices


def _report(results, seconds: float, columns: int | None) -> str:
    """The batch's table: every file whole (names wrap, never cut), its layout, pages, check
    errors, seconds and what was written; then the totals and the time it all took."""
    from pbgen.cli_frame import grid
    from pbgen.pipeline import RenderFailure

    rows, pages, errors, counts = [], 0, 0, {"已生成": 0, "已是最新": 0, "失败": 0}
    for result in results:
        if isinstance(result, RenderFailure):
            rows.append([result.file, "", "", "", "", "失败"])
            counts["失败"] += 1
            continue
        written = "、".join(target.suffix.lstrip(".") for target in result.outputs)
        state = "已是最新" if result.skipped else "已生成"
        counts[state] += 1
        pages += result.pages or 0
        errors += result.check_errors
        rows.append(
            [
                result.file,
                result.layout,
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
        str,
        typer.Option(
            "--layout",
            "-l",
            help="版式：wenben、gongkai、fubiao（中文名也可）。",
            metavar="版式",
            autocompletion=_layout_ids,
        ),
    ] = "wenben",
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
) -> None:
    """开始一个部门的文件夹：带说明的绩效文本骨架、编辑器设置；git 仓库、提交前检查、
    git diff 按文档显示、CI 配置。"""
    from pbgen.scaffold import init_folder

    try:
        result = init_folder(folder, layout, department, year, force, ci)
    except PbgenError as error:
        raise _fail(error) from None
    for path in result.written:
        typer.echo(f"已写入 {path}")
    for path in result.kept:
        typer.echo(f"已有 {path}，保留原样")
    typer.echo(
        f"下一步：用 VS Code 打开 {result.folder}（按提示安装 YAML 扩展），把 {result.filing.name} "
        f"中的「待填」换成实际内容；随时运行 pbgen check {result.filing} 查看还缺什么。"
    )


@app.command("import")
def import_(
    source: Annotated[
        Path, typer.Argument(help="去年的绩效文本 .docx，或公开表 .xlsx。", metavar="文件")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入的 YAML；默认与原文件同名同处。", metavar="文件"),
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
) -> None:
    """把去年的 Word 文档（或公开表 Excel）导入为绩效文本 YAML，并检查它。"""
    from pbgen.importer import import_file
    from pbgen.pipeline import check_file

    try:
        result = import_file(
            source, output, layout=layout, year=year, department=department, force=force
        )
    except PbgenError as error:
        raise _fail(error) from None
    imported = result.imported
    typer.echo(f"已导入 {result.output}：{imported.fields} 项内容。")
    if result.schema_written:
        typer.echo(f"已写入编辑器用的 {result.schema_written}（补全与校验）。")
    if imported.notes:
        typer.echo(f"有 {len(imported.notes)} 段内容未能归位，原文照录在文件末尾的注释里，请核对。")
    if result.missing:
        typer.echo(f"原文没有、需要补上的：{'、'.join(result.missing)}。")
    checked = check_file(result.output)
    errors = sum(finding.severity == "error" for finding in checked.findings)
    if result.missing:
        typer.echo(f"检查：{errors} 个错误；补上缺的几项后，运行 pbgen check {result.output}。")
    elif not checked.readable or errors:
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
        str, typer.Option("--from", metavar="版式", help="从哪个版式复制（编号或中文名）。")
    ] = "wenben",
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
