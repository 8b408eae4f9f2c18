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
from pbgen.errors import PbgenError

app = typer.Typer(
    help="pbgen：部门预算绩效文本。用一份 YAML 写绩效文本，检查它，生成 DOCX 与 PDF。",
    no_args_is_help=True,
    add_completion=False,
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
) -> None:
    """pbgen：部门预算绩效文本。"""


def _fail(error: PbgenError) -> typer.Exit:
    typer.echo(str(error), err=True)
    return typer.Exit(error.exit_code)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="绩效文本 YAML 文件，或包含它们的文件夹。")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="human：逐条说明；json：供其他工具读取。")
    ] = OutputFormat.human,
) -> None:
    """检查绩效文本：格式、金额、资金支出计划、指标体系、指标值。"""
    from pbgen.findings import SEVERITY_NAMES, summary, to_json
    from pbgen.pipeline import check_files

    try:
        results = check_files(paths)
    except PbgenError as error:
        raise _fail(error) from None
    findings = [finding for result in results for finding in result.findings]
    if output_format is OutputFormat.json:
        typer.echo(to_json(findings))
    else:
        color = sys.stdout.isatty()
        for finding in findings:
            line = finding.render()
            if color:
                tint = "red" if finding.severity == "error" else "yellow"
                line = line.replace(
                    SEVERITY_NAMES[finding.severity],
                    typer.style(SEVERITY_NAMES[finding.severity], fg=tint),
                    1,
                )
            typer.echo(line)
        typer.echo(summary(findings, len(results)))
    if any(not result.readable for result in results):
        raise typer.Exit(EXIT_UNUSABLE)
    raise typer.Exit(EXIT_FINDINGS if any(result.failed for result in results) else EXIT_CLEAN)


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
        Path | None, typer.Option("--output", "-o", help="写入此文件；不指定则输出到屏幕。")
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
        raise typer.BadParameter(f"可选 {', '.join(FORMATS)}，用逗号分隔，如 docx,pdf。")
    return chosen


@app.command()
def render(
    paths: Annotated[list[Path], typer.Argument(help="绩效文本 YAML 文件，或包含它们的文件夹。")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件夹。")] = Path("output"),
    formats: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="输出格式 docx、pdf、xlsx，用逗号分隔；默认为版式的全部格式。"
        ),
    ] = None,
    layout: Annotated[
        str | None, typer.Option("--layout", "-l", help="版式，覆盖文件中的 layout。")
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option("--template-dir", help="用自己的模板文件夹（复制 templates/ 后修改）。"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="即使输出已是最新也重新生成。")] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数；默认为全部 CPU 核。")
    ] = None,
) -> None:
    """生成 DOCX（可编辑）、PDF（公开用）和公开表的 XLSX；多个文件并行生成。"""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pbgen.pipeline import Interrupted, RenderFailure, output_names, render_many

    chosen = _formats(formats)
    errors = Console(stderr=True, highlight=False)
    no_pdf = _pdf_engine_notice(errors, chosen)
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
    outcomes = {}
    columns = (
        TextColumn("生成"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    files = list(names)
    try:
        with Progress(*columns, console=errors, transient=True) as progress:
            task = progress.add_task("", total=len(files))
            for outcome in render_many(files, jobs, names, **options):
                outcomes[outcome.file] = outcome
                progress.update(task, advance=1, description=outcome.file)
                _notices(progress.console, outcome, RenderFailure)
    except Interrupted as stopped:
        if outcomes:
            Console(highlight=False).print(_summary(list(outcomes.values()), RenderFailure))
        raise _fail(stopped) from None
    results = [outcomes[str(path)] for path in files]
    Console(highlight=False).print(_summary(results, RenderFailure))
    failed = sum(isinstance(result, RenderFailure) for result in results)
    raise typer.Exit(EXIT_UNUSABLE if failed or no_pdf else EXIT_CLEAN)


def _pdf_engine_notice(console, chosen: list[str] | None) -> bool:
    """Say once why this machine makes no PDF, or writes it slowly. True when PDF was asked for
    with --format and cannot be made; without --format the other formats are made (exit 0)."""
    if chosen is not None and "pdf" not in chosen:
        return False  # DOCX and XLSX never load the PDF engine
    from pbgen.render_pdf import harfbuzz_subset_available, pdf_engine_problem

    problem = pdf_engine_problem()
    if problem is None:
        if not harfbuzz_subset_available():
            console.print(
                "注意：WeasyPrint 没有载入 HarfBuzz 子集库（libharfbuzz-subset），PDF 写入会慢约 25 倍；"
                "运行 pbgen doctor 查看。",
                soft_wrap=True,
            )
        return False
    console.print(problem if chosen else f"{problem}\n本次只生成其他格式。", soft_wrap=True)
    return chosen is not None


def _notices(console, outcome, failure_type) -> None:
    if isinstance(outcome, failure_type):
        console.print(outcome.message, markup=False, soft_wrap=True)
        return
    if outcome.skipped:
        return
    if outcome.unprinted:
        console.print(
            f"{outcome.file}：这个版式没有位置印出 {'、'.join(outcome.unprinted)}；"
            "它们仍在文件里，其他版式（--layout）会印出。",
            markup=False,
            soft_wrap=True,
        )
    if outcome.check_errors:
        console.print(
            f"{outcome.file}：检查发现 {outcome.check_errors} 个错误，已照原样生成；"
            f"运行 pbgen check {outcome.file} 查看。",
            markup=False,
            soft_wrap=True,
        )


def _summary(results, failure_type):
    from rich.table import Table

    table = Table(title="生成结果", title_justify="left")
    for column, justify in (
        ("文件", "left"),
        ("版式", "left"),
        ("页数", "right"),
        ("秒", "right"),
        ("结果", "left"),
    ):
        table.add_column(column, justify=justify)
    for result in results:
        if isinstance(result, failure_type):
            table.add_row(result.file, "", "", "", "[red]失败[/red]")
            continue
        written = "、".join(target.suffix.lstrip(".") for target in result.outputs)
        state = f"已是最新（{written}）" if result.skipped else f"已生成（{written}）"
        pages = "" if result.skipped or result.pages is None else str(result.pages)
        table.add_row(result.file, result.layout, pages, f"{result.seconds:.2f}", state)
    return table


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="部门的文件夹；默认为当前文件夹。")] = Path("."),
    layout: Annotated[
        str, typer.Option("--layout", "-l", help="版式：wenben、gongkai、fubiao（中文名也可）。")
    ] = "wenben",
    department: Annotated[str | None, typer.Option("--department", help="部门名称。")] = None,
    year: Annotated[int | None, typer.Option("--year", help="预算年度；默认为明年。")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的同名绩效文本。")] = False,
) -> None:
    """开始一个部门的文件夹：带说明的绩效文本骨架、编辑器设置、.gitignore。"""
    from pbgen.scaffold import init_folder

    try:
        result = init_folder(folder, layout, department, year, force)
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
    source: Annotated[Path, typer.Argument(help="去年的绩效文本 .docx，或公开表 .xlsx。")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入的 YAML；默认与原文件同名同处。")
    ] = None,
    layout: Annotated[
        str | None, typer.Option("--layout", "-l", help="按此版式读取；默认自动识别。")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="预算年度，原文没有写时用。")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="部门名称，原文没有写时用。")
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
def layouts(
    filing: Annotated[
        Path | None,
        typer.Argument(help="列出这份文件可用的版式（包括它旁边 pbgen.toml 指定的）。"),
    ] = None,
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="另外在这个文件夹里找版式。")
    ] = None,
) -> None:
    """列出可用的版式：来源、格式、需要的数据。"""
    from pbgen.layouts import find_layouts
    from pbgen.manifest import title

    try:
        found = find_layouts(template_dir, filing)
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
    path: Annotated[Path, typer.Argument(help="要预览的绩效文本 YAML 文件。")],
    layout: Annotated[
        str | None, typer.Option("--layout", "-l", help="版式，覆盖文件中的 layout。")
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option("--template-dir", help="用自己的模板文件夹；改模板也会刷新预览。"),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="本机端口；0 表示任选空闲端口。")
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
